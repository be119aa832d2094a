//! The one place where errors become HTTP responses: `application/problem+json` (RFC 9457).
//!
//! Every handler returns `Result<_, ApiError>`; every extractor rejection is turned into an
//! `ApiError` by the wrappers in [`crate::extract`]. 5xx responses log the cause chain and
//! return a generic body, so no internal detail leaks to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://productsynch.app/problems/";

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The request field, in the request's own (camelCase) spelling; nested fields use dots.
    pub field: String,
    /// A stable machine-readable code, e.g. `required`, `email`, `length`, `password_too_weak`.
    pub code: String,
    /// A human-readable message.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI that identifies the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable machine-readable reason, for 401 and 409 (e.g. `token_expired`, `email_taken`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Present for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id (also in the `x-request-id` response header), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request was well-formed but some fields are invalid (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The request could not be parsed (400); `errors` names the field when known.
    #[error("bad request: {detail}")]
    BadRequest { detail: String, errors: Vec<FieldError> },
    /// `code` is stable (`unauthenticated`, `invalid_credentials`, `invalid_token`,
    /// `token_expired`, `token_reused`, `invalid_password`) and is sent as `code` in the body.
    #[error("unauthorized: {code}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Missing, or owned by someone else: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {detail}")]
    Conflict { code: &'static str, detail: String, errors: Vec<FieldError> },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("request timed out")]
    Timeout,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Anything unexpected: logged with its cause chain, answered with a generic 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The slug of the problem type URI.
    fn slug(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation-error",
            ApiError::BadRequest { .. } => "bad-request",
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed => "method-not-allowed",
            ApiError::Conflict { .. } => "conflict",
            ApiError::PayloadTooLarge => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::RateLimited { .. } => "rate-limited",
            ApiError::Timeout => "timeout",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal-error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "Your request parameters didn't validate.",
            ApiError::BadRequest { .. } => "The request could not be read.",
            ApiError::Unauthorized { .. } => "Authentication required.",
            ApiError::Forbidden(_) => "Forbidden.",
            ApiError::NotFound => "Not found.",
            ApiError::MethodNotAllowed => "Method not allowed.",
            ApiError::Conflict { .. } => "Conflict.",
            ApiError::PayloadTooLarge => "Request body too large.",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type.",
            ApiError::RateLimited { .. } => "Too many requests.",
            ApiError::Timeout => "Request timed out.",
            ApiError::Unavailable(_) => "Service unavailable.",
            ApiError::Internal(_) => "Internal server error.",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Validation(errors) => match errors.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                many => format!("{} fields are invalid.", many.len()),
            },
            ApiError::BadRequest { detail, .. } => detail.clone(),
            ApiError::Unauthorized { detail, .. } | ApiError::Conflict { detail, .. } => detail.clone(),
            ApiError::Forbidden(d) => d.clone(),
            ApiError::UnsupportedMediaType(d) | ApiError::Unavailable(d) => d.clone(),
            ApiError::NotFound => "The requested resource does not exist.".into(),
            ApiError::MethodNotAllowed => "This method is not allowed on this resource.".into(),
            ApiError::PayloadTooLarge => "The request body exceeds the size limit.".into(),
            ApiError::RateLimited { retry_after_secs } => {
                format!("Rate limit exceeded; retry in {retry_after_secs} s.")
            }
            ApiError::Timeout => "The request took too long to process.".into(),
            // Never leak internals.
            ApiError::Internal(_) => "An unexpected error occurred. It has been logged.".into(),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let errors = match self {
            ApiError::Validation(e) => e.clone(),
            ApiError::BadRequest { errors, .. } | ApiError::Conflict { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let code = match self {
            ApiError::Unauthorized { code, .. } | ApiError::Conflict { code, .. } => Some((*code).to_string()),
            _ => None,
        };
        Problem {
            kind: format!("{TYPE_BASE}{}", self.slug()),
            title: self.title().to_string(),
            status: self.status().as_u16(),
            detail: self.detail(),
            code,
            errors,
            request_id: crate::middleware::current_request_id(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            ApiError::Unavailable(d) => tracing::warn!(detail = %d, "service unavailable"),
            _ => tracing::debug!(status = status.as_u16(), error = %self, "request failed"),
        }
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let ApiError::RateLimited { retry_after_secs } = self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        res
    }
}

/// Map validator's errors onto our field errors, with field names in camelCase.
impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        let mut out = Vec::new();
        collect_validation_errors("", &errs, &mut out);
        out.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Validation(out)
    }
}

fn collect_validation_errors(prefix: &str, errs: &validator::ValidationErrors, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errs.errors() {
        let name = if prefix.is_empty() {
            snake_to_camel(field)
        } else {
            format!("{prefix}.{}", snake_to_camel(field))
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| default_message(&e.code));
                    out.push(FieldError::new(name.clone(), e.code.to_string(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(&name, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect_validation_errors(&format!("{name}[{i}]"), inner, out);
                }
            }
        }
    }
}

fn default_message(code: &str) -> String {
    match code {
        "email" => "must be a valid email address".into(),
        "length" => "has an invalid length".into(),
        "required" => "is required".into(),
        "range" => "is out of range".into(),
        "url" => "must be a valid URL".into(),
        other => format!("is invalid ({other})"),
    }
}

pub(crate) fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn unauthenticated() -> Self {
        ApiError::Unauthorized { code: "unauthenticated", detail: "Sign in to continue.".into() }
    }
}

/// The service layer's errors, mapped once.
impl From<productsynch_core::Error> for ApiError {
    fn from(e: productsynch_core::Error) -> Self {
        use productsynch_core::Error as E;
        match e {
            E::Validation(list) => ApiError::Validation(
                list.into_iter().map(|f| FieldError::new(f.field, f.code, f.message)).collect(),
            ),
            E::NotFound(_) => ApiError::NotFound,
            E::Unauthorized(code) => {
                let detail = match code {
                    "invalid_credentials" => "Invalid email or password.",
                    "token_expired" => "The token has expired.",
                    "token_reused" => "This refresh token was already used; the session was revoked. Sign in again.",
                    "invalid_password" => "The current password is not correct.",
                    _ => "The token is invalid or was revoked.",
                };
                ApiError::Unauthorized { code, detail: detail.into() }
            }
            E::Forbidden(reason) => ApiError::Forbidden(reason.to_string()),
            E::Conflict { field, code, message } => ApiError::Conflict {
                code,
                detail: message.clone(),
                errors: field.map(|f| vec![FieldError::new(f, code, message)]).unwrap_or_default(),
            },
            E::RateLimited { retry_after } => {
                ApiError::RateLimited { retry_after_secs: retry_after.as_secs_f64().ceil().max(1.0) as u64 }
            }
            E::Unavailable(d) => ApiError::Unavailable(d),
            E::Internal(e) => ApiError::Internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_fields() {
        assert_eq!(snake_to_camel("new_password"), "newPassword");
        assert_eq!(snake_to_camel("email"), "email");
    }

    #[test]
    fn internal_errors_do_not_leak() {
        let e = ApiError::Internal(anyhow::anyhow!("connection string postgres://secret@db"));
        let p = e.to_problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret"));
    }

    #[test]
    fn rate_limited_sets_retry_after() {
        let res = ApiError::RateLimited { retry_after_secs: 7 }.into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "7");
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
