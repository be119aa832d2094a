//! Request authentication as WooCommerce's `WC_REST_Authentication` accepts it:
//! HTTP Basic (HTTPS), `consumer_key`/`consumer_secret` query parameters (HTTPS, for hosts that strip the
//! `Authorization` header) and one-legged OAuth 1.0a with HMAC-SHA256 (plain HTTP).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

/// A WooCommerce REST API key pair (`ck_…`, `cs_…`). `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub consumer_key: String,
    pub consumer_secret: String,
}

impl Credentials {
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<String>) -> Self {
        Self { consumer_key: consumer_key.into(), consumer_secret: consumer_secret.into() }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("consumer_key", &self.consumer_key).field("consumer_secret", &"***").finish()
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// `Authorization: Basic base64(ck:cs)`; WooCommerce accepts it over HTTPS only.
    Basic,
    /// `?consumer_key=…&consumer_secret=…`; HTTPS only; for hosts that strip the `Authorization` header.
    QueryString,
    /// One-legged OAuth 1.0a, HMAC-SHA256, parameters in the query string; the way to authenticate over plain HTTP.
    OAuth1,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Basic => "basic",
            AuthMode::QueryString => "query_string",
            AuthMode::OAuth1 => "oauth1",
        }
    }
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded (PHP `rawurlencode`).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encode as OAuth 1.0a (RFC 5849 §3.6) and WooCommerce (`rawurlencode` + `%7E`→`~`) do.
pub fn rfc3986(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// The OAuth 1.0a signature base string (RFC 5849 §3.4.1): `METHOD&enc(base_url)&enc(normalized params)`,
/// parameters encoded, sorted by encoded name then value, joined `k=v` with `&`. `oauth_signature` is excluded.
/// `base_url` is scheme, host, optional port and path, without query.
pub fn signature_base_string(method: &str, base_url: &str, params: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "oauth_signature")
        .map(|(k, v)| (rfc3986(k), rfc3986(v)))
        .collect();
    enc.sort();
    let normalized = enc.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    format!("{}&{}&{}", method.to_ascii_uppercase(), rfc3986(base_url), rfc3986(&normalized))
}

/// base64(HMAC-SHA256(`consumer_secret&`, base_string)) — one-legged, so no token secret.
pub fn hmac_sha256_signature(consumer_secret: &str, base_string: &str) -> String {
    // WooCommerce signs with the raw secret (`$consumer_secret . "&"`), not an encoded one.
    let key = format!("{consumer_secret}&");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(base_string.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// The `oauth_*` query parameters (including `oauth_signature`) for one request.
/// `url` must already carry every other query parameter of the request.
pub fn oauth1_params(
    creds: &Credentials,
    method: &str,
    url: &url::Url,
    timestamp: i64,
    nonce: &str,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let oauth = vec![
        ("oauth_consumer_key".to_string(), creds.consumer_key.clone()),
        ("oauth_nonce".to_string(), nonce.to_string()),
        ("oauth_signature_method".to_string(), "HMAC-SHA256".to_string()),
        ("oauth_timestamp".to_string(), timestamp.to_string()),
    ];
    params.extend(oauth.iter().cloned());
    let mut base_url = url.clone();
    base_url.set_query(None);
    base_url.set_fragment(None);
    let base = signature_base_string(method, base_url.as_str(), &params);
    let sig = hmac_sha256_signature(&creds.consumer_secret, &base);
    let mut out = oauth;
    out.push(("oauth_signature".to_string(), sig));
    out
}

/// A random nonce: 32 hex characters.
pub fn nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Value of an `Authorization: Basic` header.
pub fn basic_header(creds: &Credentials) -> String {
    format!("Basic {}", B64.encode(format!("{}:{}", creds.consumer_key, creds.consumer_secret)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    /// RFC 5849 §3.4.1.1 example (its values already decoded, as a server sees them).
    #[test]
    fn base_string_matches_rfc5849_example() {
        let params = vec![
            p("b5", "=%3D"),
            p("a3", "a"),
            p("c@", ""),
            p("a2", "r b"),
            p("oauth_consumer_key", "9djdj82h48djs9d2"),
            p("oauth_token", "kkk9d7dh3k39sjv7"),
            p("oauth_signature_method", "HMAC-SHA1"),
            p("oauth_timestamp", "137131201"),
            p("oauth_nonce", "7d8f3e4a"),
            p("c2", ""),
            p("a3", "2 q"),
            p("oauth_signature", "ignored"),
        ];
        let want = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";
        assert_eq!(signature_base_string("post", "http://example.com/request", &params), want);
    }

    /// Vector computed independently with Python: base64(hmac.new(b"cs_secret&", base, sha256).digest()).
    #[test]
    fn hmac_sha256_known_vector() {
        let base = "GET&http%3A%2F%2Fshop.test%2Fwp-json%2Fwc%2Fv3%2Fproducts&oauth_consumer_key%3Dck_test%26oauth_nonce%3Dabc%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26page%3D2%26per_page%3D100";
        assert_eq!(hmac_sha256_signature("cs_secret", base), "sDiQ0x0Vgje7wQpxjggRNh2VoRj024NYj+CBuMcFSCc=");
    }

    #[test]
    fn oauth_params_sign_the_query() {
        let creds = Credentials::new("ck_test", "cs_secret");
        let url = url::Url::parse("http://shop.test/wp-json/wc/v3/products?per_page=100&page=2").unwrap();
        let ps = oauth1_params(&creds, "GET", &url, 1_700_000_000, "abc");
        let sig = ps.iter().find(|(k, _)| k == "oauth_signature").map(|(_, v)| v.as_str());
        assert_eq!(sig, Some("sDiQ0x0Vgje7wQpxjggRNh2VoRj024NYj+CBuMcFSCc="));
        assert!(ps.iter().any(|(k, v)| k == "oauth_signature_method" && v == "HMAC-SHA256"));
    }

    #[test]
    fn encoding_is_rfc3986() {
        assert_eq!(rfc3986("a b+c/~é*"), "a%20b%2Bc%2F~%C3%A9%2A");
        assert_eq!(basic_header(&Credentials::new("ck", "cs")), "Basic Y2s6Y3M=");
        assert!(!format!("{:?}", Credentials::new("ck_1", "cs_top")).contains("cs_top"));
        assert_eq!(nonce().len(), 32);
    }
}
