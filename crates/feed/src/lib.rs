//! productsynch-feed
