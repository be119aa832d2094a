//! WooCommerce REST authentication as `WC_REST_Authentication` does it:
//! HTTP Basic (and `consumer_key`/`consumer_secret` query parameters) when the site is HTTPS,
//! otherwise OAuth 1.0a one-legged with HMAC-SHA1/HMAC-SHA256, timestamp window and nonce check;
//! then the key's read/write permission against the request method.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::error::ApiError;
use super::store::ApiKey;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded (PHP `rawurlencode`).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

pub fn rfc3986(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

pub const WWW_AUTHENTICATE: &str = "Basic realm=\"WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field.\"";

/// Everything about the request that authentication looks at.
pub struct AuthRequest<'a> {
    pub method: &'a str,
    /// The URL the request was made to, without query: `{home_url}{path}`.
    pub base_url: String,
    /// Query parameters merged with form body parameters, in arrival order.
    pub params: &'a [(String, String)],
    pub authorization: Option<&'a str>,
    pub https: bool,
    pub now: i64,
}

/// The result of authentication.
pub enum Authn {
    /// A key identified the caller.
    Key(ApiKey),
    /// No credentials found (WooCommerce then answers with a permission error, 401 `woocommerce_rest_cannot_*`).
    Anonymous,
}

fn bad(msg: &str) -> ApiError {
    ApiError::new(401, "woocommerce_rest_authentication_error", msg)
}

fn parse_basic(h: &str) -> Option<(String, String)> {
    let rest = h.strip_prefix("Basic ").or_else(|| h.strip_prefix("basic "))?;
    let raw = B64.decode(rest.trim()).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let (u, p) = s.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// Parses `OAuth k="v", k2="v2"` (values percent-decoded), as WooCommerce's `parse_header`.
pub fn parse_oauth_header(h: &str) -> Option<Vec<(String, String)>> {
    let rest = h.trim().strip_prefix("OAuth ").or_else(|| h.trim().strip_prefix("oauth "))?;
    let mut out = Vec::new();
    for part in rest.split(',') {
        let part = part.trim();
        let Some((k, v)) = part.split_once('=') else { continue };
        let v = v.trim().trim_matches('"');
        let v = percent_decode_str(v).decode_utf8_lossy().to_string();
        out.push((k.trim().to_string(), v));
    }
    Some(out)
}

/// The OAuth 1.0a signature base string as WooCommerce builds it
/// (params sorted by key with `strcmp`, keys and values RFC 3986 encoded, `k=v` encoded again, joined by `%26`).
pub fn signature_base_string(method: &str, base_url: &str, params: &[(String, String)]) -> String {
    let mut ps: Vec<(String, String)> = params.iter().filter(|(k, _)| k != "oauth_signature").map(|(k, v)| (rfc3986(k), rfc3986(v))).collect();
    // PHP arrays are maps: a repeated key keeps the last value.
    let mut dedup: Vec<(String, String)> = Vec::new();
    for (k, v) in ps.drain(..) {
        if let Some(e) = dedup.iter_mut().find(|(k2, _)| *k2 == k) {
            e.1 = v;
        } else {
            dedup.push((k, v));
        }
    }
    dedup.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: Vec<String> = dedup.iter().map(|(k, v)| rfc3986(&format!("{k}={v}"))).collect();
    format!("{}&{}&{}", method.to_uppercase(), rfc3986(base_url), joined.join("%26"))
}

/// base64(HMAC(secret + "&", base_string)).
pub fn oauth_signature(algorithm: &str, consumer_secret: &str, base: &str) -> Option<String> {
    let key = format!("{consumer_secret}&");
    match algorithm {
        "HMAC-SHA256" => {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).ok()?;
            m.update(base.as_bytes());
            Some(B64.encode(m.finalize().into_bytes()))
        }
        "HMAC-SHA1" => {
            let mut m = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).ok()?;
            m.update(base.as_bytes());
            Some(B64.encode(m.finalize().into_bytes()))
        }
        _ => None,
    }
}

/// Nonces seen per key, with their timestamps (kept 15 minutes).
#[derive(Default)]
pub struct NonceStore {
    seen: HashMap<(String, String), i64>,
}

impl NonceStore {
    fn check_and_add(&mut self, key: &str, nonce: &str, now: i64) -> bool {
        self.seen.retain(|_, t| *t > now - 15 * 60);
        let k = (key.to_string(), nonce.to_string());
        if self.seen.contains_key(&k) {
            return false;
        }
        self.seen.insert(k, now);
        true
    }
}

pub fn authenticate(req: &AuthRequest<'_>, keys: &[ApiKey], nonces: &mut NonceStore) -> Result<Authn, ApiError> {
    if req.https {
        let q = |name: &str| req.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let creds = match (q("consumer_key"), q("consumer_secret")) {
            (Some(k), Some(s)) => Some((k, s)),
            _ => req.authorization.and_then(parse_basic),
        };
        if let Some((ck, cs)) = creds {
            if let Some(key) = keys.iter().find(|k| k.consumer_key == ck) {
                if !constant_time_eq(key.consumer_secret.as_bytes(), cs.as_bytes()) {
                    return Err(bad("Consumer secret is invalid.").with_header("WWW-Authenticate", WWW_AUTHENTICATE));
                }
                return check_permissions(req.method, key.clone()).map(Authn::Key);
            }
            // Unknown key in basic mode: not identified, fall through to OAuth.
        }
    }
    // OAuth 1.0a: query + body + Authorization: OAuth header (header wins).
    let mut params: Vec<(String, String)> = req.params.to_vec();
    if let Some(h) = req.authorization {
        if let Some(hp) = parse_oauth_header(h) {
            for (k, v) in hp {
                params.retain(|(k2, _)| *k2 != k);
                params.push((k, v));
            }
        }
    }
    let get = |name: &str| params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let required = ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"];
    let missing: Vec<&str> = required.iter().copied().filter(|n| get(n).is_none()).collect();
    if missing.len() == required.len() {
        return Ok(Authn::Anonymous);
    }
    if !missing.is_empty() {
        return Err(ApiError::new(401, "woocommerce_rest_authentication_missing_parameter", &format!("Missing OAuth parameter(s) {}", missing.join(", "))));
    }
    let ck = get("oauth_consumer_key").unwrap_or_default();
    let Some(key) = keys.iter().find(|k| k.consumer_key == ck) else {
        return Err(bad("Consumer key is invalid."));
    };
    let method = get("oauth_signature_method").unwrap_or_default();
    if method != "HMAC-SHA1" && method != "HMAC-SHA256" {
        return Err(bad("Invalid signature - signature method is invalid."));
    }
    let provided = get("oauth_signature").unwrap_or_default().replace(' ', "+");
    let provided = percent_decode_str(&provided).decode_utf8_lossy().to_string();
    let base = signature_base_string(req.method, &req.base_url, &params);
    let Some(expected) = oauth_signature(&method, &key.consumer_secret, &base) else {
        return Err(bad("Invalid signature - signature method is invalid."));
    };
    if !constant_time_eq(expected.as_bytes(), provided.as_bytes()) {
        tracing::debug!(%base, "oauth signature mismatch");
        return Err(bad("Invalid signature - provided signature does not match."));
    }
    let ts: i64 = get("oauth_timestamp").and_then(|t| t.parse().ok()).unwrap_or(0);
    if ts < req.now - 15 * 60 || ts > req.now + 15 * 60 {
        return Err(bad("Invalid timestamp."));
    }
    let nonce = get("oauth_nonce").unwrap_or_default();
    if !nonces.check_and_add(&key.consumer_key, &nonce, req.now) {
        return Err(bad("Invalid nonce - nonce has already been used."));
    }
    check_permissions(req.method, key.clone()).map(Authn::Key)
}

fn check_permissions(method: &str, key: ApiKey) -> Result<ApiKey, ApiError> {
    let p = key.permissions.as_str();
    match method {
        "HEAD" | "GET" if !(p == "read" || p == "read_write") => Err(bad("The API key provided does not have read permissions.")),
        "POST" | "PUT" | "PATCH" | "DELETE" if !(p == "write" || p == "read_write") => Err(bad("The API key provided does not have write permissions.")),
        _ => Ok(key),
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_string_double_encodes() {
        let params = vec![("b".to_string(), "x y".to_string()), ("a".to_string(), "1".to_string()), ("oauth_signature".to_string(), "zzz".to_string())];
        let b = signature_base_string("get", "http://127.0.0.1:1/wp-json/wc/v3/products", &params);
        assert_eq!(b, "GET&http%3A%2F%2F127.0.0.1%3A1%2Fwp-json%2Fwc%2Fv3%2Fproducts&a%3D1%26b%3Dx%2520y");
    }

    #[test]
    fn oauth_header_parse() {
        let p = parse_oauth_header(r#"OAuth oauth_consumer_key="ck_1", oauth_signature="a%2Bb%3D""#).unwrap_or_default();
        assert_eq!(p, vec![("oauth_consumer_key".into(), "ck_1".into()), ("oauth_signature".into(), "a+b=".into())]);
    }
}
