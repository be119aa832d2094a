//! productsynch-core: the product's services and their composition root.
//!
//! Start with [`App::start`]; every service hangs off [`App`]:
//! [`App::accounts`], [`App::jobs`], [`App::scheduler`], [`App::storage`], [`App::mailer`],
//! [`App::crypto`], [`App::db`], [`App::config`]. Background work runs in
//! [`worker::run`]. Errors are one enum, [`Error`], which the API maps to HTTP.

pub mod accounts;
pub mod app;
pub mod config;
pub mod crypto;
pub mod delivery;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod net;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod products;
pub mod scheduler;
pub mod shops;
pub mod storage;
pub mod sync;
pub mod telemetry;
pub mod worker;

pub use app::App;
pub use config::Config;
pub use error::{Error, FieldError, Result};
pub use productsynch_db::ids;
