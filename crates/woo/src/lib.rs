//! productsynch-woo: a WooCommerce REST API v3 client.
//!
//! - [`Client`]: connect (discovery + auth detection), paginated ordered streams with bounded concurrency,
//!   variations in chunks, retries with backoff and jitter honouring `Retry-After`, a per-store request budget.
//! - [`model`]: typed, lenient models of products, variations, categories, orders, webhooks, settings.
//! - [`auth`]: Basic, query-string keys and OAuth 1.0a (HMAC-SHA256) signing.
//! - [`webhooks`]: topics, creation bodies, delivery verification (`X-WC-Webhook-Signature`) and the ping.
//! - [`wcauth`]: the `/wc-auth/v1/authorize` URL and its key callback.
//! - [`lenient`]: the serde helpers behind the models.

pub mod auth;
pub mod client;
pub mod error;
pub mod lenient;
pub mod model;
pub mod wcauth;
pub mod webhooks;

pub use auth::{AuthMode, Credentials};
pub use client::{
    ApiRoot, AuthChoice, Budget, CatalogPage, Client, ClientConfig, HttpHook, ListQuery, Page, ProductWithVariations,
    RetryPolicy, StoreInfo,
};
pub use error::Error;
pub use model::{Malformed, Parsed};
pub use rust_decimal::Decimal;
