//! The single-page app, embedded from `web/dist` at build time.
//!
//! Unknown paths outside `/api` fall back to `index.html` so client-side routes work on reload.
//! Hashed assets (`/assets/*`, Vite's output) are cached for a year as immutable;
//! `index.html` is `no-cache` so a deploy is picked up at once.

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

use crate::error::ApiError;

#[derive(Embed)]
#[folder = "$PRODUCTSYNCH_WEB_DIST"]
struct Dist;

const NO_SPA: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>ProductSynch</title></head>\
<body><h1>ProductSynch API</h1><p>The web app was not built into this binary. \
The API is at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p></body></html>";

/// True when the binary carries a built web app.
pub fn embedded() -> bool {
    Dist::get("index.html").is_some()
}

/// Fallback handler for every path no route matched.
pub async fn serve(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return ApiError::MethodNotAllowed.into_response();
    }
    let rel = path.trim_start_matches('/');
    if !rel.is_empty() {
        if let Some(file) = Dist::get(rel) {
            let mime = file.metadata.mimetype().to_string();
            let cache = if is_hashed_asset(rel) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            return asset_response(file.data.into_owned(), &mime, cache);
        }
        // A missing file with an extension under /assets is a real 404, not a client route.
        if rel.starts_with("assets/") {
            return ApiError::NotFound.into_response();
        }
    }
    match Dist::get("index.html") {
        Some(index) => asset_response(index.data.into_owned(), "text/html; charset=utf-8", "no-cache"),
        None => asset_response(NO_SPA.as_bytes().to_vec(), "text/html; charset=utf-8", "no-cache"),
    }
}

fn is_hashed_asset(rel: &str) -> bool {
    rel.starts_with("assets/")
}

fn asset_response(body: Vec<u8>, mime: &str, cache: &'static str) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}
