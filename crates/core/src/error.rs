//! The one error type of the service layer. The API maps each variant to one HTTP status:
//!
//! | variant | HTTP |
//! |---|---|
//! | `Validation` | 422 (with `errors: [{field, code, message}]`) |
//! | `NotFound` | 404 |
//! | `Unauthorized` | 401 |
//! | `Forbidden` | 403 |
//! | `Conflict` | 409 |
//! | `RateLimited` | 429 + `Retry-After` |
//! | `Unavailable` | 503 |
//! | `Internal` | 500 (log the cause chain, return a generic body) |

use std::time::Duration;

use serde::Serialize;

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// camelCase field name as the API exposes it, e.g. `email`, `newPassword`.
    pub field: String,
    /// Stable machine code, e.g. `invalid_email`, `too_short`, `required`.
    pub code: String,
    pub message: String,
}

/// "field: message; …" — what logs, job errors and emails show (the API answers with the list itself).
fn validation_summary(errs: &[FieldError]) -> String {
    if errs.is_empty() {
        return "validation failed".into();
    }
    errs.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input failed validation.
    #[error("{}", validation_summary(.0))]
    Validation(Vec<FieldError>),
    /// The resource does not exist **or belongs to someone else** (never 403 for ownership).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Missing/invalid credentials or token. The payload is a stable reason code
    /// (`invalid_credentials`, `invalid_token`, `token_expired`, `token_reused`, `invalid_password`).
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Authenticated but not allowed (e.g. tier limits).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Conflicts with existing state (e.g. email already registered).
    #[error("conflict: {message}")]
    Conflict { field: Option<String>, code: &'static str, message: String },
    #[error("rate limited, retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// A dependency is down (database, mail provider, storage…).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A validation error on one field.
    pub fn invalid(field: &str, code: &str, message: &str) -> Self {
        Error::Validation(vec![FieldError::new(field, code, message)])
    }
    /// The HTTP status this error maps to.
    pub fn status_code(&self) -> u16 {
        match self {
            Error::Validation(_) => 422,
            Error::NotFound(_) => 404,
            Error::Unauthorized(_) => 401,
            Error::Forbidden(_) => 403,
            Error::Conflict { .. } => 409,
            Error::RateLimited { .. } => 429,
            Error::Unavailable(_) => 503,
            Error::Internal(_) => 500,
        }
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(e: sea_orm::DbErr) -> Self {
        match &e {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => {
                Error::Unavailable("database unreachable".into())
            }
            _ => Error::Internal(anyhow::Error::new(e).context("database")),
        }
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(e: sea_orm::TransactionError<Error>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(inner) => inner,
        }
    }
}

impl From<productsynch_db::DbError> for Error {
    fn from(e: productsynch_db::DbError) -> Self {
        match e {
            productsynch_db::DbError::Db(db) => db.into(),
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}

#[cfg(test)]
mod display_tests {
    use super::{Error, FieldError};

    #[test]
    fn validation_errors_read_as_field_and_message() {
        let e = Error::Validation(vec![
            FieldError::new("storeUrl", "not_woocommerce", "This site does not run WooCommerce."),
            FieldError::new("consumerKey", "required", "Enter the consumer key."),
        ]);
        assert_eq!(e.to_string(), "storeUrl: This site does not run WooCommerce.; consumerKey: Enter the consumer key.");
        assert_eq!(Error::Validation(vec![]).to_string(), "validation failed");
    }
}
