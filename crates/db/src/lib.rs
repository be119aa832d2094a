//! productsynch-db
