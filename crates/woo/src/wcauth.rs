//! WooCommerce's app-authorization endpoint (`/wc-auth/v1/authorize`).
//!
//! The merchant opens [`authorize_url`] in a browser and approves; WooCommerce creates a key, POSTs it as JSON
//! to `callback_url` (which must answer exactly 200) and redirects the browser to `return_url?success=1&user_id=…`.
//! The callback carries no signature: it is authenticated by the `user_id` we chose — an unguessable, single-use
//! state token — and the keys are then proven by an API call ([`crate::Client::connect`]).

use url::Url;

/// Permission scope of the key to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
    ReadWrite,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::ReadWrite => "read_write",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "read_write" => Some(Scope::ReadWrite),
            _ => None,
        }
    }

    /// Whether a key with this scope may read products.
    pub fn can_read(self) -> bool {
        matches!(self, Scope::Read | Scope::ReadWrite)
    }

    /// Whether a key with this scope may create webhooks.
    pub fn can_write(self) -> bool {
        matches!(self, Scope::Write | Scope::ReadWrite)
    }
}

/// Parameters of the authorize URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    pub app_name: String,
    pub scope: Scope,
    /// Echoed back in the callback body and the return redirect: use an unguessable state token.
    pub user_id: String,
    /// Where the browser goes after Approve/Deny (`success=1|0&user_id=…` appended).
    pub return_url: String,
    /// Where WooCommerce POSTs the keys; must be `https://` on a real store.
    pub callback_url: String,
}

/// Errors building the URL or reading the callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WcAuthError {
    #[error("invalid store URL: {0}")]
    StoreUrl(String),
    #[error("missing parameter {0}")]
    Missing(&'static str),
    #[error("{0} must be an absolute http(s) URL")]
    BadUrl(&'static str),
    #[error("the callback_url needs to be over SSL (WooCommerce refuses http)")]
    CallbackNotHttps,
    #[error("callback body is not the JSON WooCommerce sends: {0}")]
    BadBody(String),
    #[error("callback user_id does not match the pending authorization")]
    UserIdMismatch,
    #[error("callback keys are malformed: {0}")]
    BadKeys(&'static str),
    #[error("granted permissions {granted:?} do not include what was asked ({wanted:?})")]
    InsufficientScope { wanted: Scope, granted: Scope },
}

fn check_url(name: &'static str, v: &str) -> Result<Url, WcAuthError> {
    if v.trim().is_empty() {
        return Err(WcAuthError::Missing(name));
    }
    let u = Url::parse(v).map_err(|_| WcAuthError::BadUrl(name))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(WcAuthError::BadUrl(name));
    }
    Ok(u)
}

/// Build `{store}/wc-auth/v1/authorize?app_name=…&scope=…&user_id=…&return_url=…&callback_url=…`
/// (or the `?wc-auth-version=1&wc-auth-route=authorize` form when pretty permalinks are off).
/// `allow_http_callback` relaxes WooCommerce's https rule for local tests against the simulator.
pub fn authorize_url(
    store_url: &str,
    req: &AuthorizeRequest,
    pretty_permalinks: bool,
    allow_http_callback: bool,
) -> Result<Url, WcAuthError> {
    if req.app_name.trim().is_empty() {
        return Err(WcAuthError::Missing("app_name"));
    }
    if req.user_id.trim().is_empty() {
        return Err(WcAuthError::Missing("user_id"));
    }
    check_url("return_url", &req.return_url)?;
    let cb = check_url("callback_url", &req.callback_url)?;
    if cb.scheme() != "https" && !allow_http_callback {
        return Err(WcAuthError::CallbackNotHttps);
    }
    let with_scheme = if store_url.contains("://") { store_url.to_string() } else { format!("https://{store_url}") };
    let mut url = Url::parse(&with_scheme).map_err(|e| WcAuthError::StoreUrl(e.to_string()))?;
    if url.host_str().is_none() {
        return Err(WcAuthError::StoreUrl("no host".into()));
    }
    url.set_query(None);
    url.set_fragment(None);
    let base = url.path().trim_end_matches('/').to_string();
    if pretty_permalinks {
        url.set_path(&format!("{base}/wc-auth/v1/authorize"));
    } else {
        url.set_path(&format!("{base}/"));
        url.query_pairs_mut().append_pair("wc-auth-version", "1").append_pair("wc-auth-route", "authorize");
    }
    url.query_pairs_mut()
        .append_pair("app_name", &req.app_name)
        .append_pair("scope", req.scope.as_str())
        .append_pair("user_id", &req.user_id)
        .append_pair("return_url", &req.return_url)
        .append_pair("callback_url", &req.callback_url);
    Ok(url)
}

/// The keys WooCommerce POSTs to `callback_url`.
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackKeys {
    pub key_id: u64,
    /// The `user_id` we passed (WooCommerce sends it as a string; its docs show a number — both are accepted).
    pub user_id: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub key_permissions: Scope,
}

impl std::fmt::Debug for CallbackKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackKeys")
            .field("key_id", &self.key_id)
            .field("user_id", &self.user_id)
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"***")
            .field("key_permissions", &self.key_permissions)
            .finish()
    }
}

impl CallbackKeys {
    pub fn credentials(&self) -> crate::auth::Credentials {
        crate::auth::Credentials::new(self.consumer_key.clone(), self.consumer_secret.clone())
    }
}

#[derive(serde::Deserialize)]
struct RawCallback {
    #[serde(deserialize_with = "crate::lenient::id")]
    key_id: u64,
    #[serde(deserialize_with = "crate::lenient::string")]
    user_id: String,
    consumer_key: String,
    consumer_secret: String,
    key_permissions: String,
}

fn well_formed_key(k: &str, prefix: &str) -> bool {
    k.len() == prefix.len() + 40 && k.starts_with(prefix) && k[prefix.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse the callback body and check it against the pending authorization: same `user_id` (compared in
/// constant time), keys shaped like WooCommerce's (`ck_`/`cs_` + 40 hex), permissions covering `wanted`.
pub fn parse_callback(body: &[u8], expected_user_id: &str, wanted: Scope) -> Result<CallbackKeys, WcAuthError> {
    let raw: RawCallback = serde_json::from_slice(body).map_err(|e| WcAuthError::BadBody(e.to_string()))?;
    if !constant_time_eq(raw.user_id.trim().as_bytes(), expected_user_id.as_bytes()) {
        return Err(WcAuthError::UserIdMismatch);
    }
    if !well_formed_key(&raw.consumer_key, "ck_") {
        return Err(WcAuthError::BadKeys("consumer_key is not ck_ + 40 hex characters"));
    }
    if !well_formed_key(&raw.consumer_secret, "cs_") {
        return Err(WcAuthError::BadKeys("consumer_secret is not cs_ + 40 hex characters"));
    }
    let granted = Scope::parse(&raw.key_permissions).ok_or(WcAuthError::BadKeys("unknown key_permissions"))?;
    let ok = match wanted {
        Scope::Read => granted.can_read(),
        Scope::Write => granted.can_write(),
        Scope::ReadWrite => granted == Scope::ReadWrite,
    };
    if !ok {
        return Err(WcAuthError::InsufficientScope { wanted, granted });
    }
    Ok(CallbackKeys {
        key_id: raw.key_id,
        user_id: raw.user_id.trim().to_string(),
        consumer_key: raw.consumer_key,
        consumer_secret: raw.consumer_secret,
        key_permissions: granted,
    })
}

/// The browser's return to `return_url`: `success` and `user_id` query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnParams {
    pub success: bool,
    pub user_id: String,
}

/// Read `success=1|0&user_id=…` from the return URL's query string.
pub fn parse_return(query: &str) -> Option<ReturnParams> {
    let mut success = None;
    let mut user_id = None;
    for (k, v) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        match k.as_ref() {
            "success" => success = Some(v == "1"),
            "user_id" => user_id = Some(v.into_owned()),
            _ => {}
        }
    }
    Some(ReturnParams { success: success?, user_id: user_id? })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> AuthorizeRequest {
        AuthorizeRequest {
            app_name: "ProductSynch".into(),
            scope: Scope::ReadWrite,
            user_id: "st_8f2a".into(),
            return_url: "https://app.example/shops/return".into(),
            callback_url: "https://app.example/api/v1/wc-auth/callback".into(),
        }
    }

    #[test]
    fn builds_authorize_urls() {
        let u = authorize_url("https://shop.example/store/", &req(), true, false).unwrap();
        assert_eq!(u.path(), "/store/wc-auth/v1/authorize");
        let q: Vec<(String, String)> = u.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(q[0], ("app_name".into(), "ProductSynch".into()));
        assert_eq!(q[1], ("scope".into(), "read_write".into()));
        assert_eq!(q[2], ("user_id".into(), "st_8f2a".into()));
        assert_eq!(q[4], ("callback_url".into(), "https://app.example/api/v1/wc-auth/callback".into()));

        let plain = authorize_url("shop.example", &req(), false, false).unwrap();
        assert!(plain.as_str().starts_with("https://shop.example/?wc-auth-version=1&wc-auth-route=authorize&app_name="));

        let mut r = req();
        r.callback_url = "http://127.0.0.1:9/cb".into();
        assert_eq!(authorize_url("https://s.example", &r, true, false), Err(WcAuthError::CallbackNotHttps));
        assert!(authorize_url("https://s.example", &r, true, true).is_ok());
        r.return_url = "".into();
        assert_eq!(authorize_url("https://s.example", &r, true, true), Err(WcAuthError::Missing("return_url")));
    }

    const CK: &str = "ck_0123456789abcdef0123456789abcdef01234567";
    const CS: &str = "cs_0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn parses_and_validates_callback() {
        let body = format!(r#"{{"key_id":1,"user_id":"st_8f2a","consumer_key":"{CK}","consumer_secret":"{CS}","key_permissions":"read_write"}}"#);
        let k = parse_callback(body.as_bytes(), "st_8f2a", Scope::ReadWrite).unwrap();
        assert_eq!(k.key_id, 1);
        assert_eq!(k.credentials().consumer_key, CK);
        assert!(!format!("{k:?}").contains(CS));

        // The docs' example sends user_id as a number.
        let numeric = format!(r#"{{"key_id":"2","user_id":123,"consumer_key":"{CK}","consumer_secret":"{CS}","key_permissions":"read"}}"#);
        assert_eq!(parse_callback(numeric.as_bytes(), "123", Scope::Read).unwrap().user_id, "123");
        assert_eq!(
            parse_callback(numeric.as_bytes(), "123", Scope::ReadWrite),
            Err(WcAuthError::InsufficientScope { wanted: Scope::ReadWrite, granted: Scope::Read })
        );
        assert_eq!(parse_callback(body.as_bytes(), "someone-else", Scope::Read), Err(WcAuthError::UserIdMismatch));
        let bad = body.replace(CK, "ck_short");
        assert!(matches!(parse_callback(bad.as_bytes(), "st_8f2a", Scope::Read), Err(WcAuthError::BadKeys(_))));
        assert!(matches!(parse_callback(b"key_id=1", "st_8f2a", Scope::Read), Err(WcAuthError::BadBody(_))));
    }

    #[test]
    fn parses_return_query() {
        assert_eq!(parse_return("success=1&user_id=st_8f2a"), Some(ReturnParams { success: true, user_id: "st_8f2a".into() }));
        assert_eq!(parse_return("?success=0&user_id=x").map(|r| r.success), Some(false));
        assert_eq!(parse_return("user_id=x"), None);
    }
}
