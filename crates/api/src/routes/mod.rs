//! Route handlers, one module per area.
pub mod auth;
pub mod delivery;
pub mod dev;
pub mod feed;
pub mod health;
pub mod jobs;
pub mod products;
pub mod shops;
pub mod sync;
pub mod webhooks;
