//! WordPress REST error bodies: `{"code": "...", "message": "...", "data": {"status": N, ...}}`.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// An error answered the way WordPress/WooCommerce answers it.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub data: Map<String, Value>,
    pub headers: Vec<(String, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: &str) -> Self {
        Self { status, code: code.into(), message: message.into(), data: Map::new(), headers: vec![] }
    }

    pub fn with_header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub fn with_data(mut self, k: &str, v: Value) -> Self {
        self.data.insert(k.into(), v);
        self
    }

    pub fn no_route() -> Self {
        Self::new(404, "rest_no_route", "No route was found matching the URL and request method.")
    }

    pub fn invalid_param(param: &str, detail: &str) -> Self {
        Self::new(400, "rest_invalid_param", &format!("Invalid parameter(s): {param}")).with_data("params", json!({ param: detail })).with_data("details", json!({}))
    }

    pub fn body(&self) -> Value {
        let mut data = Map::new();
        data.insert("status".into(), json!(self.status));
        for (k, v) in &self.data {
            data.insert(k.clone(), v.clone());
        }
        json!({ "code": self.code, "message": self.message, "data": data })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(self.body())).into_response();
        for (k, v) in &self.headers {
            if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::from_str(v)) {
                resp.headers_mut().append(k, v);
            }
        }
        resp
    }
}

/// Errors of the simulator's own library API.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("sample catalog not found: looked in {0}")]
    SampleNotFound(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("http: {0}")]
    Http(String),
}

impl From<ApiError> for SimError {
    fn from(e: ApiError) -> Self {
        SimError::Invalid(format!("{} ({}): {}", e.code, e.status, e.message))
    }
}
