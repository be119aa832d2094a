//! The `wc-auth` app-authorization endpoint (`WC_Auth`): an authorize page with Approve/Deny; Approve creates
//! a key, POSTs it as JSON to `callback_url` (which must answer exactly 200) and redirects to
//! `return_url?success=1&user_id=…`; Deny goes to `return_url?success=0&user_id=…`.
//! The simulator's admin is always logged in, so the login step is skipped.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::server::Req;
use super::{App, control, rand_hash};

fn salt() -> &'static str {
    static SALT: OnceLock<String> = OnceLock::new();
    SALT.get_or_init(rand_hash)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#039;")
}

/// `wp_die()` page with a status code.
fn die(status: u16, msg: &str) -> Response {
    let body = format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>WordPress &rsaquo; Error</title></head><body id=\"error-page\"><div class=\"wp-die-message\">{}</div></body></html>", esc(msg));
    (StatusCode::from_u16(status).unwrap_or(StatusCode::UNAUTHORIZED), Html(body)).into_response()
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// `add_query_arg`: appends parameters with `?` or `&`.
pub fn add_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", ser.finish())
}

struct Params {
    app_name: String,
    user_id: String,
    return_url: String,
    callback_url: String,
    scope: String,
}

fn fix_url(u: &str) -> String {
    let u = percent_encoding::percent_decode_str(u).decode_utf8_lossy().to_string();
    if u.contains("://") { u } else { format!("https://{u}") }
}

fn params(app: &App, r: &Req) -> Result<Params, Response> {
    let mut form = r.query.clone();
    form.extend(r.form_params());
    let get = |k: &str| form.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    for p in ["app_name", "user_id", "return_url", "callback_url", "scope"] {
        if get(p).trim().is_empty() {
            return Err(die(401, &format!("Error: Missing parameter {p}.")));
        }
    }
    let scope = get("scope");
    if !matches!(scope.as_str(), "read" | "write" | "read_write") {
        return Err(die(401, "Error: Invalid scope."));
    }
    let return_url = fix_url(&get("return_url"));
    let callback_url = fix_url(&get("callback_url"));
    for (name, u) in [("return_url", &return_url), ("callback_url", &callback_url)] {
        if url::Url::parse(u).is_err() {
            return Err(die(401, &format!("The {name} is not a valid URL.")));
        }
    }
    if app.cfg.wc_auth_require_https_callback && !callback_url.starts_with("https://") {
        return Err(die(401, "The callback_url needs to be over SSL."));
    }
    Ok(Params { app_name: get("app_name"), user_id: get("user_id"), return_url, callback_url, scope })
}

fn nonce(p: &Params) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("{}|{}|{}|{}|{}|{}", salt(), p.app_name, p.user_id, p.scope, p.return_url, p.callback_url).as_bytes());
    hex::encode(&d[..10])
}

fn scope_text(scope: &str) -> (&'static str, &'static [&'static str]) {
    match scope {
        "read" => ("Read", &["View coupons", "View customers", "View orders and sales reports", "View products"]),
        "write" => ("Write", &["Create webhooks", "Create coupons", "Create customers", "Create orders", "Create products"]),
        _ => ("Read/Write", &["View and manage coupons", "View and manage customers", "View and manage orders and sales reports", "View and manage products"]),
    }
}

fn authorize_page(app: &App, p: &Params) -> Response {
    let (label, perms) = scope_text(&p.scope);
    let approve = add_query(
        &format!("{}/wc-auth/v1/access_granted", app.site_url),
        &[("app_name", &p.app_name), ("user_id", &p.user_id), ("return_url", &p.return_url), ("callback_url", &p.callback_url), ("scope", &p.scope), ("wc_auth_nonce", &nonce(p))],
    );
    let deny = add_query(&p.return_url, &[("success", "0"), ("user_id", &p.user_id)]);
    let items: String = perms.iter().map(|x| format!("<li>{}</li>", esc(x))).collect();
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Application authentication request</title></head>\
<body class=\"wc-auth wp-core-ui\"><h1 id=\"wc-logo\">{store}</h1><div class=\"wc-auth-content\">\
<h1>{app_name} would like to connect to your store</h1>\
<p>This will give &quot;<strong>{app_name}</strong>&quot; <strong>{label}</strong> access which will allow it to:</p>\
<ul class=\"wc-auth-permissions\">{items}</ul>\
<div class=\"wc-auth-logged-in-as\"><p>Logged in as admin <a href=\"{site}/wp-login.php?action=logout\" class=\"wc-auth-logout\">Logout</a></p></div>\
<p class=\"wc-auth-actions\"><a href=\"{approve}\" class=\"button button-primary wc-auth-approve\">Approve</a> \
<a href=\"{deny}\" class=\"button wc-auth-deny\">Deny</a></p></div></body></html>",
        store = esc(&app.cfg.store_name),
        app_name = esc(&p.app_name),
        label = label,
        items = items,
        site = esc(&app.site_url),
        approve = esc(&approve),
        deny = esc(&deny),
    );
    Html(body).into_response()
}

async fn access_granted(app: &Arc<App>, r: &Req, p: Params) -> Response {
    let given = r.q("wc_auth_nonce").unwrap_or_default();
    if !super::auth::constant_time_eq(given.as_bytes(), nonce(&p).as_bytes()) {
        return die(401, "Invalid nonce verification");
    }
    let description = format!("{} - API ({})", p.app_name, chrono::Utc::now().format("%Y-%m-%d %H:%M:%S"));
    let key = control::create_key(app, &p.scope, &description);
    let body = json!({
        "key_id": key.key_id,
        "user_id": p.user_id,
        "consumer_key": key.consumer_key,
        "consumer_secret": key.consumer_secret,
        "key_permissions": key.permissions,
    });
    let sent = app
        .http
        .post(&p.callback_url)
        .timeout(Duration::from_secs(60).min(app.cfg.webhook_timeout.max(Duration::from_secs(1))))
        .header("Content-Type", "application/json;charset=UTF-8")
        .body(body.to_string())
        .send()
        .await;
    let status = sent.as_ref().map(|r| r.status().as_u16()).ok();
    tracing::info!(app_name = %p.app_name, callback = %p.callback_url, ?status, "wc-auth callback");
    if status != Some(200) {
        control::delete_key_by_id(app, key.key_id);
        return die(401, "Error: An error occurred in the request and at the time were unable to send the consumer data");
    }
    redirect(&add_query(&p.return_url, &[("success", "1"), ("user_id", &p.user_id)]))
}

pub async fn http(app: &Arc<App>, r: &Req) -> Response {
    let route = if let Some(rt) = r.q("wc-auth-route") {
        rt.to_string()
    } else {
        let rest = r.path.trim_start_matches("/wc-auth/");
        match rest.split_once('/') {
            Some(("v1", route)) => route.trim_matches('/').to_string(),
            _ => return die(404, "Error: Invalid version."),
        }
    };
    let p = match params(app, r) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    match route.as_str() {
        "authorize" | "login" => authorize_page(app, &p),
        "access_granted" => access_granted(app, r, p).await,
        _ => die(404, "Error: Invalid route."),
    }
}
