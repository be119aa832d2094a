//! Typed errors of the client, mapped from what WooCommerce, WordPress and hosts answer.

use std::time::Duration;

use crate::model::ApiErrorBody;

/// Everything that can go wrong talking to a store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store URL cannot be used (not http(s), no host, unparsable).
    #[error("invalid store URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// DNS failure or connection refused: wrong URL or the site is down.
    #[error("cannot reach {url}: {message}")]
    Unreachable { url: String, message: String },
    /// The TLS handshake failed (expired, self-signed or wrong-host certificate).
    #[error("TLS error talking to {url}: {message}")]
    Tls { url: String, message: String },
    /// No answer within the timeout.
    #[error("request to {url} timed out")]
    Timeout { url: String },
    /// The connection broke while sending or receiving (dropped mid-body, reset).
    #[error("connection to {url} failed: {message}")]
    Connection { url: String, message: String },
    /// The site answers, but there is no WordPress REST API (`/wp-json/` and `?rest_route=/` both fail).
    #[error("{url} does not look like a WordPress site with the REST API enabled")]
    NotWordPress { url: String },
    /// WordPress answers but the `wc/v3` namespace is missing: WooCommerce is not active (or too old).
    #[error("{url} runs WordPress but not the WooCommerce REST API v3 (namespaces: {namespaces:?})")]
    NotWooCommerce { url: String, namespaces: Vec<String> },
    /// Pretty permalinks are off and the store rejects API keys on `?rest_route=` URLs
    /// (WooCommerce only authenticates keys on `/wp-json/wc/…` paths). Fix: Settings → Permalinks → "Post name".
    #[error("pretty permalinks are off at {url}; WooCommerce API keys only work with pretty permalinks (Settings → Permalinks)")]
    PermalinksOff { url: String },
    /// 401 from WooCommerce: unknown, revoked or wrong key/secret, bad OAuth signature. `code` is WooCommerce's.
    #[error("authentication failed ({status} {code}): {message}")]
    Unauthorized { status: u16, code: String, message: String },
    /// The key is valid but lacks a permission (a read-only key writing, or a user without `manage_woocommerce`).
    #[error("permission denied ({status} {code}): {message}")]
    Forbidden { status: u16, code: String, message: String },
    /// Any other WooCommerce/WordPress error response with its `code` (404 `woocommerce_rest_product_invalid_id`, 400 `rest_invalid_param`…).
    #[error("WooCommerce API error {status} {code}: {message}")]
    Api { status: u16, code: String, message: String },
    /// Still 429 after retrying.
    #[error("rate limited by {url} (retry after {retry_after:?})")]
    RateLimited { url: String, retry_after: Option<Duration> },
    /// Still 5xx after retrying (or a non-JSON error page).
    #[error("server error {status} from {url}: {snippet}")]
    Server { status: u16, url: String, snippet: String, retry_after: Option<Duration> },
    /// The body could not be read as the JSON we asked for (truncated, an HTML page, garbage).
    #[error("invalid response body from {url}: {message}")]
    Decode { url: String, message: String },
    /// Another HTTP client error.
    #[error("HTTP client error: {0}")]
    Http(String),
}

impl Error {
    /// Whether trying again may succeed: 429, 5xx, timeouts, broken connections, truncated bodies.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Unreachable { .. }
                | Error::Timeout { .. }
                | Error::Connection { .. }
                | Error::RateLimited { .. }
                | Error::Server { .. }
                | Error::Decode { .. }
        )
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } | Error::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// WooCommerce's error `code`, when the store sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Unauthorized { code, .. } | Error::Forbidden { code, .. } | Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { status, .. }
            | Error::Forbidden { status, .. }
            | Error::Api { status, .. }
            | Error::Server { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// True for 401/403: the key is wrong, revoked or lacks permissions; retrying will not help.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Unauthorized { .. } | Error::Forbidden { .. })
    }

    /// Map a reqwest transport error.
    pub(crate) fn from_transport(url: &str, e: &reqwest::Error) -> Error {
        let chain = error_chain(e);
        let lower = chain.to_ascii_lowercase();
        if e.is_timeout() {
            Error::Timeout { url: url.to_string() }
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("ssl")
            || lower.contains("handshake")
            || lower.contains("invalidcertificate")
            || lower.contains("corrupt message")
            || lower.contains("invalidcontenttype")
            || lower.contains("alert")
        {
            Error::Tls { url: url.to_string(), message: chain }
        } else if e.is_connect() {
            Error::Unreachable { url: url.to_string(), message: chain }
        } else if e.is_body() || e.is_request() || e.is_decode() {
            Error::Connection { url: url.to_string(), message: chain }
        } else {
            Error::Http(chain)
        }
    }

    /// Map a non-success response (status, headers' `Retry-After`, body) to an error.
    pub(crate) fn from_response(url: &str, status: u16, retry_after: Option<Duration>, body: &[u8]) -> Error {
        let parsed: Option<ApiErrorBody> = serde_json::from_slice::<ApiErrorBody>(body).ok().filter(|b| !b.code.is_empty());
        if status == 429 {
            return Error::RateLimited { url: url.to_string(), retry_after };
        }
        if status >= 500 {
            return Error::Server { status, url: url.to_string(), snippet: snippet(body), retry_after };
        }
        let (code, message) = match parsed {
            Some(b) => (b.code, b.message),
            None => (String::new(), snippet(body)),
        };
        match status {
            401 => {
                if message.contains("permissions") {
                    Error::Forbidden { status, code, message }
                } else {
                    Error::Unauthorized { status, code, message }
                }
            }
            403 => Error::Forbidden { status, code, message },
            _ => Error::Api { status, code, message },
        }
    }
}

/// The first bytes of a body as text, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let s = String::from_utf8_lossy(&body[..body.len().min(300)]);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// Parse `Retry-After`: delta-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_woocommerce_errors() {
        let e = Error::from_response(
            "u",
            401,
            None,
            br#"{"code":"woocommerce_rest_authentication_error","message":"Consumer secret is invalid.","data":{"status":401}}"#,
        );
        assert!(matches!(&e, Error::Unauthorized { code, .. } if code == "woocommerce_rest_authentication_error"));
        assert!(e.is_auth() && !e.is_retryable());

        let e = Error::from_response(
            "u",
            401,
            None,
            br#"{"code":"woocommerce_rest_authentication_error","message":"The API key provided does not have write permissions.","data":{"status":401}}"#,
        );
        assert!(matches!(e, Error::Forbidden { .. }));

        let e = Error::from_response("u", 404, None, br#"{"code":"woocommerce_rest_product_invalid_id","message":"Invalid ID.","data":{"status":404}}"#);
        assert_eq!(e.code(), Some("woocommerce_rest_product_invalid_id"));
        assert_eq!(e.status(), Some(404));

        let e = Error::from_response("u", 429, Some(Duration::from_secs(3)), b"");
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));

        let e = Error::from_response("u", 502, None, b"<html><body>Bad   gateway</body></html>");
        assert!(matches!(&e, Error::Server { status: 502, snippet, .. } if snippet.contains("Bad gateway")));
        assert!(e.is_retryable());

        let e = Error::from_response("u", 403, None, b"<html>Forbidden by WAF</html>");
        assert!(matches!(e, Error::Forbidden { ref code, .. } if code.is_empty()));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
