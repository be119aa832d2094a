//! Cross-cutting layers: request ids, security headers, HTTP metrics.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request being handled by this task, if any (used by problem+json bodies).
pub fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// The request id, also stored in request extensions for handlers and the trace span.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn acceptable_incoming_id(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    let ok = !s.is_empty()
        && s.len() <= 128
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then(|| s.to_string())
}

/// Takes a sane incoming `x-request-id` or makes one (UUIDv7), and echoes it on the response.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(acceptable_incoming_id)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    if let Ok(v) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(REQUEST_ID, v);
    }
    let mut res = CURRENT_REQUEST_ID.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Which security headers to send.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    /// Send HSTS: only when served over TLS or behind an https PUBLIC_URL.
    pub hsts: bool,
}

/// Product images come from the merchant's store, so `img-src` allows any https origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The same policy for an app served over plain http (development, the demo with its simulated store on
/// http://127.0.0.1): there is no mixed content to avoid, and http store images should show.
pub const CONTENT_SECURITY_POLICY_PLAIN_HTTP: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; font-src 'self' data:; connect-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(State(cfg): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if cfg.hsts { CONTENT_SECURITY_POLICY } else { CONTENT_SECURITY_POLICY_PLAIN_HTTP };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if cfg.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

/// Counts requests by method, route template and status, and records latency histograms.
pub async fn http_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| if req.uri().path().starts_with("/api/") { "unmatched".into() } else { "spa".into() });
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let elapsed = start.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route).record(elapsed);
    res
}

/// Path segments that are secrets (`{token}` in a route template) and are never logged.
const SECRET_PARAMS: &[&str] = &["{token}"];

/// The request path as logs show it: the raw path (ids stay useful) with every segment that the
/// matched route template names as a secret parameter replaced by that parameter name
/// (`/feeds/{token}/products.jsonl.gz`). Without a matched route, a segment after `/feeds/` is
/// redacted too, so a mistyped hosted-feed URL does not leak its token either.
pub fn loggable_path(template: Option<&str>, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out: Vec<&str> = segments.clone();
    match template {
        Some(t) => {
            let names: Vec<&str> = t.split('/').collect();
            for (i, name) in names.iter().enumerate() {
                if SECRET_PARAMS.contains(name) && i < out.len() {
                    out[i] = *name;
                }
            }
        }
        None => {
            if segments.get(1) == Some(&"feeds") && segments.len() > 2 && !segments[2].is_empty() {
                out[2] = "{token}";
            }
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_tokens_are_never_in_the_logged_path() {
        let token = "tok_s3cr3t_abcdef0123456789";
        let raw = format!("/feeds/{token}/products.jsonl.gz");
        let logged = loggable_path(Some("/feeds/{token}/products.jsonl.gz"), &raw);
        assert_eq!(logged, "/feeds/{token}/products.jsonl.gz");
        // unmatched (e.g. a wrong file name): still redacted
        let logged = loggable_path(None, &format!("/feeds/{token}/other.csv"));
        assert!(!logged.contains(token), "{logged}");
        assert_eq!(logged, "/feeds/{token}/other.csv");
        // other paths keep their ids
        assert_eq!(loggable_path(Some("/api/v1/shops/{id}"), "/api/v1/shops/shop_123"), "/api/v1/shops/shop_123");
        assert_eq!(loggable_path(None, "/shops/123/products"), "/shops/123/products");
        assert_eq!(loggable_path(None, "/feeds/"), "/feeds/");
        assert_eq!(loggable_path(None, "/"), "/");
    }

    #[test]
    fn incoming_ids_are_checked() {
        assert_eq!(acceptable_incoming_id(&HeaderValue::from_static("abc-123")), Some("abc-123".into()));
        assert_eq!(acceptable_incoming_id(&HeaderValue::from_static("a b")), None);
        assert_eq!(acceptable_incoming_id(&HeaderValue::from_static("")), None);
    }
}
