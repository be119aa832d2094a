//! productsynch-woo
