//! productsynch-sim: simulators that speak real wire protocols, for tests, demos and load runs.
//!
//! - [`woo`]: a WooCommerce store (REST API v3, OAuth 1.0a / Basic auth, wc-auth, signed webhooks,
//!   orders with attribution, fault injection), embeddable with [`woo::SimStore::start`].
//! - [`feed_receiver`]: an OpenAI feed endpoint that validates pushed feeds ([`feed_receiver::FeedReceiver::start`]).

#![recursion_limit = "512"]

pub mod feed_receiver;
pub mod woo;
