//! Authentication for handlers: bearer tokens for API clients, cookies for browsers, and
//! CSRF protection for cookie-authenticated unsafe requests.
//!
//! * `Authorization: Bearer <access token>` — no cookies involved, no CSRF check needed.
//! * Browser sessions get three cookies from register/login/refresh:
//!   `ps_access` (HttpOnly, `Path=/`, 15 min), `ps_refresh` (HttpOnly, `Path=/api/v1/auth`, 7 days)
//!   and `ps_csrf` (readable by the page's JavaScript, `Path=/`). All `SameSite=Lax`, and
//!   `Secure` when served over HTTPS.
//! * **Double-submit CSRF**: a request authenticated by cookie with an unsafe method
//!   (POST, PUT, PATCH, DELETE) must carry `X-CSRF-Token` equal to the `ps_csrf` cookie.
//!   A cross-site page can make the browser send cookies but can neither read `ps_csrf`
//!   nor set custom headers without a CORS preflight (which this API never grants). When an
//!   `Origin` header is present on such a request it must also match `PUBLIC_URL` or the
//!   request's own `Host`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine as _;
use productsynch_core::accounts::{AccessClaims, AuthSession, ClientInfo};
use rand::RngCore as _;

use crate::error::ApiError;
use crate::state::AppState;

pub const ACCESS_COOKIE: &str = "ps_access";
pub const REFRESH_COOKIE: &str = "ps_refresh";
pub const CSRF_COOKIE: &str = "ps_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub claims: AccessClaims,
    /// True when the access token came from the `ps_access` cookie.
    pub via_cookie: bool,
}

impl AuthUser {
    pub fn id(&self) -> &str {
        &self.claims.sub
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| ApiError::Unauthorized {
                    code: "invalid_token",
                    detail: "Expected `Authorization: Bearer <access token>`.".into(),
                })?;
            let claims = state.app.accounts().verify_access_token(token)?;
            return Ok(AuthUser { claims, via_cookie: false });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(ACCESS_COOKIE) else {
            return Err(ApiError::unauthenticated());
        };
        let claims = state.app.accounts().verify_access_token(cookie.value())?;
        check_csrf(&parts.method, &parts.headers, &jar, state)?;
        Ok(AuthUser { claims, via_cookie: true })
    }
}

/// Same as [`AuthUser`] but `None` instead of 401 when no credentials were sent.
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl FromRequestParts<AppState> for MaybeAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let has_credentials = parts.headers.contains_key(header::AUTHORIZATION)
            || CookieJar::from_headers(&parts.headers).get(ACCESS_COOKIE).is_some();
        if !has_credentials {
            return Ok(MaybeAuthUser(None));
        }
        AuthUser::from_request_parts(parts, state).await.map(|u| MaybeAuthUser(Some(u)))
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// The double-submit check for requests that rely on cookies.
pub fn check_csrf(method: &Method, headers: &HeaderMap, jar: &CookieJar, state: &AppState) -> Result<(), ApiError> {
    if !is_unsafe(method) {
        return Ok(());
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
        && !origin_allowed(origin, headers, state)
    {
        return Err(ApiError::Forbidden("Cross-site request refused (Origin does not match).".into()));
    }
    let cookie = jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    let header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if cookie.is_empty() || header.is_empty() || !constant_time_eq(cookie.as_bytes(), header.as_bytes()) {
        return Err(ApiError::Forbidden(
            "Missing or invalid CSRF token: send the ps_csrf cookie's value in the X-CSRF-Token header.".into(),
        ));
    }
    Ok(())
}

fn origin_allowed(origin: &str, headers: &HeaderMap, state: &AppState) -> bool {
    let public = state.app.config().public_url.origin().ascii_serialization();
    if origin.eq_ignore_ascii_case(&public) {
        return true;
    }
    // Same origin as the request itself (e.g. http://127.0.0.1:PORT in development).
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Ok(url) = url::Url::parse(origin) else { return false };
    let origin_host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_csrf() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Adds the session cookies (access, refresh, a fresh CSRF token) for browser clients.
pub fn set_session_cookies(jar: CookieJar, session: &AuthSession, secure: bool) -> CookieJar {
    let access = Cookie::build((ACCESS_COOKIE, session.access_token.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time_secs(session.expires_in));
    let refresh_secs = (session.refresh_expires_at - chrono::Utc::now()).num_seconds().max(0);
    let refresh = Cookie::build((REFRESH_COOKIE, session.refresh_token.clone()))
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time_secs(refresh_secs));
    let csrf = Cookie::build((CSRF_COOKIE, random_csrf()))
        .path("/")
        .http_only(false)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time_secs(refresh_secs));
    jar.add(access).add(refresh).add(csrf)
}

/// Expires the session cookies (always sent, whether or not the request carried them).
pub fn clear_session_cookies(jar: CookieJar, secure: bool) -> CookieJar {
    let mut jar = jar;
    for (name, path) in [(ACCESS_COOKIE, "/"), (REFRESH_COOKIE, REFRESH_COOKIE_PATH), (CSRF_COOKIE, "/")] {
        let c = Cookie::build((name, ""))
            .path(path)
            .same_site(SameSite::Lax)
            .secure(secure)
            .http_only(name != CSRF_COOKIE)
            .max_age(time_secs(0))
            .expires(cookie::time::OffsetDateTime::UNIX_EPOCH);
        jar = jar.add(c);
    }
    jar
}

fn time_secs(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs)
}

/// The client's IP and user agent (for rate limits, the sessions list and the audit log).
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: String,
    pub info: ClientInfo,
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        let forwarded = state
            .settings
            .trust_proxy
            .then(|| {
                parts
                    .headers
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.rsplit(',').next())
                    .map(|s| s.trim().to_owned())
                    .filter(|s| s.parse::<std::net::IpAddr>().is_ok())
            })
            .flatten();
        let ip = forwarded.or(peer).unwrap_or_else(|| "unknown".into());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(255).collect());
        Ok(Client { ip: ip.clone(), info: ClientInfo { user_agent, ip: Some(ip) } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn unsafe_methods() {
        assert!(is_unsafe(&Method::POST));
        assert!(is_unsafe(&Method::DELETE));
        assert!(!is_unsafe(&Method::GET));
    }
}
