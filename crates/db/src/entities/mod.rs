//! SeaORM entities for every table. Ids are prefixed text (see [`crate::ids`]),
//! timestamps are UTC, money is `rust_decimal::Decimal`, JSON columns are `serde_json::Value`.

pub mod audit_log;
pub mod email_outbox;
pub mod email_tokens;
pub mod enums;
pub mod feed_files;
pub mod jobs;
pub mod product_analytics;
pub mod product_variants;
pub mod products;
pub mod refresh_tokens;
pub mod schedule_runs;
pub mod shop_analytics;
pub mod shops;
pub mod sync_batches;
pub mod user_settings;
pub mod users;
pub mod webhook_events;

pub use enums::*;
