//! productsynch-woo: a WooCommerce REST API v3 client.
//!
//! - [`model`]: typed, lenient models of products, variations, categories, orders, webhooks, settings.
//! - [`lenient`]: the serde helpers behind them.

pub mod lenient;
pub mod model;

pub use rust_decimal::Decimal;
