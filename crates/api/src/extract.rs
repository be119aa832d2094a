//! Extractors whose rejections are `ApiError`s (problem+json naming the field), and which
//! validate the request with `validator` before the handler runs.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, FieldError};

/// A JSON body, deserialized (field named on failure) and validated.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime_guess::mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == "application" && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType("Expected a request with Content-Type: application/json.".into()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest { detail: rej.body_text(), errors: vec![] }
            }
        })?;
        let value = parse_json::<T>(&bytes)?;
        value.validate()?;
        Ok(ApiJson(value))
    }
}

/// Deserialize a JSON object body, naming the offending field in the error. Every request body of this API is an
/// object; serde would also take a struct from an array (`[null, null]`), so anything else is refused first.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') | None => {}
        Some(_) if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err() => {
            return Err(ApiError::BadRequest { detail: "The body is not valid JSON.".into(), errors: vec![] });
        }
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError::new("body", "invalid_type", "The body must be a JSON object.")]));
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let message = inner.to_string();
            if inner.is_syntax() || inner.is_eof() {
                return Err(ApiError::BadRequest {
                    detail: format!("The body is not valid JSON: {message}"),
                    errors: vec![],
                });
            }
            let (field, code) = match missing_field(&message) {
                Some(name) => (join_path(&path, name), "required"),
                None => (if path == "." { String::new() } else { path }, "invalid_type"),
            };
            let message = strip_position(&message);
            Err(ApiError::Validation(vec![FieldError::new(
                if field.is_empty() { "body".to_string() } else { field },
                code,
                message,
            )]))
        }
    }
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." { name.to_string() } else { format!("{path}.{name}") }
}

/// serde_json appends " at line 1 column 17": useful in logs, noise for clients.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A query string, deserialized and validated.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) = axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|rej: QueryRejection| {
                let text = rej.body_text();
                let field = text.split(": ").nth(1).filter(|f| !f.contains(' ')).unwrap_or("query");
                ApiError::Validation(vec![FieldError::new(field, "invalid", text.clone())])
            })?;
        value.validate()?;
        Ok(ApiQuery(value))
    }
}

/// Path parameters; a malformed id is a 404 (nothing can exist there), never a 500.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(ApiError::NotFound),
            Err(other) => Err(ApiError::internal(anyhow::anyhow!("path extraction: {}", other.body_text()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        new_password: String,
    }

    #[test]
    fn missing_field_is_named() {
        let err = parse_json::<Body>(br#"{"email":"a@b.c"}"#).unwrap_err();
        match err {
            ApiError::Validation(e) => {
                assert_eq!(e[0].field, "newPassword");
                assert_eq!(e[0].code, "required");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn wrong_type_is_named() {
        let err = parse_json::<Body>(br#"{"email":5,"newPassword":"x"}"#).unwrap_err();
        match err {
            ApiError::Validation(e) => assert_eq!(e[0].field, "email"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn syntax_error_is_bad_request() {
        assert!(matches!(parse_json::<Body>(b"{not json"), Err(ApiError::BadRequest { .. })));
        assert!(matches!(parse_json::<Body>(b"[not json"), Err(ApiError::BadRequest { .. })));
        // serde would build a struct from a sequence; the API only takes objects.
        for body in [&b"[\"a@b.c\", null]"[..], b" [] ", b"5", b"\"x\"", b"null"] {
            match parse_json::<Body>(body) {
                Err(ApiError::Validation(errs)) => assert_eq!(errs[0].field, "body", "{body:?}"),
                other => panic!("{body:?}: {other:?}"),
            }
        }
    }
}
