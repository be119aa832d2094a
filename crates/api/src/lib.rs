//! productsynch-api: the HTTP face of ProductSynch.
//!
//! An axum router under `/api/v1` (camelCase JSON, problem+json errors, OpenAPI 3.1 at
//! `/api/v1/openapi.json`), health and metrics endpoints, and the embedded single-page app.
//! No business logic lives here: handlers validate input, call `productsynch_core`, and map
//! the result.

pub mod error;
pub mod extract;
pub mod metrics_export;
pub mod middleware;
pub mod rate_limit;
pub mod settings;
pub mod spa;

pub use error::{ApiError, ApiResult, FieldError, Problem};
