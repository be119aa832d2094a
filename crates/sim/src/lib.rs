//! productsynch-sim
