//! Route handlers, one module per area.
pub mod auth;
pub mod dev;
pub mod health;
pub mod jobs;
