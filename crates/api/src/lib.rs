//! productsynch-api: the HTTP face of ProductSynch.
//!
//! An axum router under `/api/v1` (camelCase JSON, problem+json errors, OpenAPI 3.1 at
//! `/api/v1/openapi.json`), health and metrics endpoints, and the embedded single-page app.
//! No business logic lives here: handlers validate input, call `productsynch_core`, and map
//! the result.
//!
//! ```ignore
//! let app = productsynch_core::App::start(config).await?;
//! let state = productsynch_api::AppState::new(app, productsynch_api::ApiSettings::from_env()?).await?;
//! let router = productsynch_api::router::build(state);
//! productsynch_api::server::serve(listener, router, None, shutdown, grace).await?;
//! ```

pub mod auth;
pub mod error;
pub mod extract;
pub mod metrics_export;
pub mod openapi;
pub mod middleware;
pub mod ownership;
pub mod rate_limit;
pub mod router;
pub mod routes;
pub mod server;
pub mod settings;
pub mod spa;
pub mod state;

pub use error::{ApiError, ApiResult, FieldError, Problem};
pub use settings::ApiSettings;
pub use state::AppState;
