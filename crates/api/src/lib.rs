//! productsynch-api
