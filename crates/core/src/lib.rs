//! productsynch-core
