//! HTTP front: routing of `/wp-json/...` and `/?rest_route=...`, authentication, fault injection,
//! pagination headers, and the product/variation/taxonomy endpoints.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use serde_json::{Value, json};

use super::auth::{self, AuthRequest, Authn};
use super::error::ApiError;
use super::faults::{self, Fault};
use super::model::{Header, Product};
use super::render;
use super::store::ApiKey;
use super::{App, control, info, orders, wcauth, webhooks};

pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(dispatch).with_state(app)
}

/// A parsed incoming request.
pub struct Req {
    pub method: String,
    pub path: String,
    /// REST route, e.g. `/wc/v3/products` (None for non-REST requests).
    pub route: Option<String>,
    /// Whether the REST route came from `?rest_route=` (pretty permalinks off).
    pub via_rest_route: bool,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// All values of `name` and `name[]`, comma lists split.
    pub fn q_list(&self, name: &str) -> Vec<String> {
        let arr = format!("{name}[]");
        self.query
            .iter()
            .filter(|(k, _)| *k == name || *k == arr || (k.starts_with(&format!("{name}[")) && k.ends_with(']')))
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>())
            .collect()
    }

    pub fn form_params(&self) -> Vec<(String, String)> {
        let is_form = self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if is_form { url::form_urlencoded::parse(&self.body).into_owned().collect() } else { vec![] }
    }

    /// JSON body, or form body as an object, or `{}`.
    pub fn json_body(&self) -> Result<Value, ApiError> {
        if self.body.is_empty() {
            return Ok(json!({}));
        }
        let form = self.form_params();
        if !form.is_empty() {
            let mut m = serde_json::Map::new();
            for (k, v) in form {
                m.insert(k, Value::String(v));
            }
            return Ok(Value::Object(m));
        }
        serde_json::from_slice(&self.body).map_err(|e| ApiError::new(400, "rest_invalid_json", &format!("Invalid JSON body passed. {e}")))
    }
}

/// A successful REST answer before serialisation.
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn ok(body: Value) -> Self {
        Self { status: 200, body, headers: vec![] }
    }
}

pub type RestResult = Result<Resp, ApiError>;

async fn dispatch(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 32 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
    };
    let path = parts.uri.path().to_string();
    let query: Vec<(String, String)> = parts.uri.query().map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    let mut r = Req { method: parts.method.as_str().to_uppercase(), path: path.clone(), route: None, via_rest_route: false, query, headers: parts.headers, body };

    if path == "/__sim" || path.starts_with("/__sim/") {
        return control::http(&app, &r).await;
    }
    if path.starts_with("/wc-auth/") || r.q("wc-auth-route").is_some() {
        return wcauth::http(&app, &r).await;
    }
    if path == "/wp-json" || path.starts_with("/wp-json/") {
        if !app.cfg.pretty_permalinks {
            return not_found_page();
        }
        let rt = &path["/wp-json".len()..];
        r.route = Some(if rt.is_empty() { "/".into() } else { rt.to_string() });
    } else if (path == "/" || path == "/index.php") && r.q("rest_route").is_some() {
        r.route = r.q("rest_route").map(|s| if s.is_empty() { "/".to_string() } else { s.to_string() });
        r.via_rest_route = true;
    }
    if r.route.is_none() {
        return if path == "/" || path == "/index.php" { home_page(&app) } else { not_found_page() };
    }
    rest(app, r).await
}

fn home_page(app: &App) -> Response {
    let link = format!("<{}/wp-json/>; rel=\"https://api.w.org/\"", app.site_url);
    let mut resp = Html(format!("<!DOCTYPE html><html><head><title>{}</title><link rel=\"https://api.w.org/\" href=\"{}/wp-json/\" /></head><body><h1>{}</h1><p>Just another WooCommerce store (simulated).</p></body></html>", app.cfg.store_name, app.site_url, app.cfg.store_name)).into_response();
    if app.cfg.pretty_permalinks {
        if let Ok(v) = HeaderValue::from_str(&link) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    resp
}

fn not_found_page() -> Response {
    (StatusCode::NOT_FOUND, Html("<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Oops! That page can&rsquo;t be found.</h1></body></html>")).into_response()
}

fn pick_fault(app: &App, route: &str) -> Option<Fault> {
    let mut f = app.faults.lock().unwrap_or_else(|e| e.into_inner());
    if !f.applies_to(route) {
        return None;
    }
    if !f.queue.is_empty() {
        return Some(f.queue.remove(0));
    }
    if f.error_rate > 0.0 && rand::rng().random_bool(f.error_rate.clamp(0.0, 1.0)) {
        return Some(f.random_fault.clone().unwrap_or(Fault::Status { status: 503, retry_after: Some(1) }));
    }
    None
}

fn status_fault(status: u16, retry_after: Option<u64>) -> Response {
    let (code, message) = match status {
        429 => ("too_many_requests", "Too Many Requests"),
        500 => ("internal_server_error", "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>"),
        _ => ("", ""),
    };
    let mut resp = if code.is_empty() {
        // Proxies and hosts answer 502/503/504 with an HTML page, not JSON.
        let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
        (StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE), Html(format!("<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>"))).into_response()
    } else {
        let mut e = ApiError::new(status, code, message);
        if status == 500 {
            e = e.with_data("additional_errors", json!([]));
        }
        e.into_response()
    };
    if let Some(s) = retry_after {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    resp
}

async fn rest(app: Arc<App>, r: Req) -> Response {
    app.requests.fetch_add(1, Ordering::Relaxed);
    let route = r.route.clone().unwrap_or_default();
    let (latency, jitter) = {
        let f = app.faults.lock().unwrap_or_else(|e| e.into_inner());
        (f.latency_ms, f.jitter_ms)
    };
    if latency > 0 || jitter > 0 {
        let extra = if jitter > 0 { rand::rng().random_range(0..=jitter) } else { 0 };
        tokio::time::sleep(Duration::from_millis(latency + extra)).await;
    }
    let fault = pick_fault(&app, &route);
    match &fault {
        Some(Fault::Status { status, retry_after }) => return status_fault(*status, *retry_after),
        Some(Fault::RateLimit { retry_after }) => return status_fault(429, Some(*retry_after)),
        Some(Fault::Timeout { secs }) => {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(*secs)) => {}
                _ = app.cancel.cancelled() => {}
            }
            return status_fault(504, None);
        }
        Some(Fault::Drop) => {
            let stream = futures::stream::iter(vec![Ok::<Bytes, std::io::Error>(Bytes::from_static(b"[{\"id\":")), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "simulated dropped connection"))]);
            let mut resp = Response::new(Body::from_stream(stream));
            resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
            return resp;
        }
        _ => {}
    }
    let result = handle_rest(&app, &r, &route).await;
    let mut resp = match result {
        Ok(resp) => resp,
        Err(e) => return e.into_response(),
    };
    if resp.status < 300 {
        let fields = r.q_list("_fields");
        if !fields.is_empty() {
            match &mut resp.body {
                Value::Array(items) => items.iter_mut().for_each(|v| keep_fields(v, &fields)),
                v @ Value::Object(_) => keep_fields(v, &fields),
                _ => {}
            }
        }
    }
    if fault == Some(Fault::WrongTypes) && resp.status == 200 {
        match &mut resp.body {
            Value::Array(items) => items.iter_mut().for_each(faults::mistype_product),
            v @ Value::Object(_) => faults::mistype_product(v),
            _ => {}
        }
    }
    let mut bytes = match serde_json::to_vec(&resp.body) {
        Ok(b) => b,
        Err(e) => return ApiError::new(500, "internal_server_error", &e.to_string()).into_response(),
    };
    match fault {
        Some(Fault::Truncate) => bytes.truncate(bytes.len() / 2),
        Some(Fault::PhpNotice) => {
            let mut b = b"<br />\n<b>Deprecated</b>:  Creation of dynamic property Some_Plugin::$cache is deprecated in <b>/var/www/html/wp-content/plugins/some-plugin/some-plugin.php</b> on line <b>42</b><br />\n".to_vec();
            b.extend_from_slice(&bytes);
            bytes = b;
        }
        _ => {}
    }
    let mut out = Response::new(Body::from(bytes));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::OK);
    let h = out.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
    h.insert("X-Robots-Tag", HeaderValue::from_static("noindex"));
    h.insert("X-Content-Type-Options", HeaderValue::from_static("nosniff"));
    for (k, v) in resp.headers {
        if let (Ok(k), Ok(v)) = (axum::http::HeaderName::try_from(k.as_str()), HeaderValue::from_str(&v)) {
            h.append(k, v);
        }
    }
    out
}

/// WordPress's `_fields`: keep only the listed top-level fields (`a.b` keeps `b` inside `a`).
fn keep_fields(v: &mut Value, fields: &[String]) {
    let Some(o) = v.as_object_mut() else { return };
    let mut out = serde_json::Map::new();
    for (k, val) in std::mem::take(o) {
        let nested: Vec<String> = fields.iter().filter_map(|f| f.strip_prefix(&format!("{k}.")).map(|x| x.to_string())).collect();
        if fields.iter().any(|f| *f == k) {
            out.insert(k, val);
        } else if !nested.is_empty() {
            let mut val = val;
            keep_fields(&mut val, &nested);
            out.insert(k, val);
        }
    }
    *o = out;
}

/// Fields whose rendering runs the code that crashes on a "failing product" (prices, content, variations).
const HEAVY_FIELDS: &[&str] = &["price", "price_html", "regular_price", "sale_price", "description", "short_description", "variations", "on_sale", "purchasable"];

pub fn requests_heavy_fields(r: &Req) -> bool {
    let fields = r.q_list("_fields");
    fields.is_empty() || fields.iter().any(|f| HEAVY_FIELDS.contains(&f.split('.').next().unwrap_or("")))
}

/// The REST routes the store knows.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Products,
    Product(u64),
    Variations(u64),
    Variation(u64, u64),
    Categories,
    Category(u64),
    Tags,
    Tag(u64),
    Brands,
    Brand(u64),
    Reviews,
    Review(u64),
    Orders,
    Order(u64),
    Settings,
    SettingsGroup(String),
    Setting(String, String),
    SystemStatus,
    Webhooks,
    Webhook(u64),
}

fn id(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) { None } else { s.parse().ok() }
}

fn match_route(method: &str, rest: &str) -> Option<(Route, bool)> {
    let segs: Vec<&str> = rest.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let read = method == "GET" || method == "HEAD";
    let write = matches!(method, "POST" | "PUT" | "PATCH");
    let del = method == "DELETE";
    let r = match segs.as_slice() {
        ["products"] if read || method == "POST" => Route::Products,
        ["products", "categories"] if read => Route::Categories,
        ["products", "categories", i] if read => Route::Category(id(i)?),
        ["products", "tags"] if read => Route::Tags,
        ["products", "tags", i] if read => Route::Tag(id(i)?),
        ["products", "brands"] if read => Route::Brands,
        ["products", "brands", i] if read => Route::Brand(id(i)?),
        ["products", "reviews"] if read => Route::Reviews,
        ["products", "reviews", i] if read => Route::Review(id(i)?),
        ["products", i] if read || write || del => Route::Product(id(i)?),
        ["products", i, "variations"] if read => Route::Variations(id(i)?),
        ["products", i, "variations", v] if read || write => Route::Variation(id(i)?, id(v)?),
        ["orders"] if read => Route::Orders,
        ["orders", i] if read || write => Route::Order(id(i)?),
        ["settings"] if read => Route::Settings,
        ["settings", g] if read => Route::SettingsGroup((*g).to_string()),
        ["settings", g, s] if read => Route::Setting((*g).to_string(), (*s).to_string()),
        ["system_status"] if read => Route::SystemStatus,
        ["webhooks"] if read || method == "POST" => Route::Webhooks,
        ["webhooks", i] if read || write || del => Route::Webhook(id(i)?),
        _ => return None,
    };
    let collection = matches!(r, Route::Products | Route::Categories | Route::Tags | Route::Brands | Route::Reviews | Route::Orders | Route::Settings | Route::Webhooks | Route::Variations(_));
    Some((r, collection))
}

async fn handle_rest(app: &Arc<App>, r: &Req, route: &str) -> RestResult {
    let route_norm = route.trim_end_matches('/');
    if route_norm.is_empty() {
        return Ok(Resp::ok(info::index(app)));
    }
    if !app.cfg.woocommerce_active && (route_norm.starts_with("/wc/") || route_norm.starts_with("/wc-")) {
        return Err(ApiError::no_route());
    }
    if route_norm == "/wc/v3" {
        return Ok(Resp::ok(info::namespace_index(app)));
    }
    let Some(rest) = route_norm.strip_prefix("/wc/v3/") else {
        return Err(ApiError::no_route());
    };
    let Some((rt, collection)) = match_route(&r.method, rest) else {
        return Err(ApiError::no_route());
    };
    // Authentication (WC_REST_Authentication) runs for /wp-json/wc/... requests.
    let key = authenticate(app, r)?;
    let Some(key) = key else {
        let (code, msg) = match r.method.as_str() {
            "GET" | "HEAD" if collection => ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
            "GET" | "HEAD" => ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
            "POST" if collection => ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
            "DELETE" => ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
            _ => ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
        };
        return Err(ApiError::new(401, code, msg));
    };
    tracing::debug!(method = %r.method, route, key = key.key_id, "rest request");
    match rt {
        Route::Products if r.method == "POST" => control::rest_create_product(app, r),
        Route::Products => list_products(app, r),
        Route::Product(id) => match r.method.as_str() {
            "GET" | "HEAD" => get_product(app, id, requests_heavy_fields(r)),
            "DELETE" => control::rest_delete_product(app, r, id),
            _ => control::rest_update_product(app, r, id),
        },
        Route::Variations(pid) => list_variations(app, r, pid),
        Route::Variation(pid, vid) => {
            if r.method == "GET" || r.method == "HEAD" {
                get_variation(app, pid, vid)
            } else {
                control::rest_update_product(app, r, vid)
            }
        }
        Route::Categories => list_terms(app, r, TermKind::Category),
        Route::Category(id) => get_term(app, TermKind::Category, id),
        Route::Tags => list_terms(app, r, TermKind::Tag),
        Route::Tag(id) => get_term(app, TermKind::Tag, id),
        Route::Brands => list_terms(app, r, TermKind::Brand),
        Route::Brand(id) => get_term(app, TermKind::Brand, id),
        Route::Reviews => orders::list_reviews(app, r),
        Route::Review(id) => orders::get_review(app, id),
        Route::Orders => orders::list_orders(app, r),
        Route::Order(id) => {
            if r.method == "GET" || r.method == "HEAD" {
                orders::get_order(app, id)
            } else {
                control::rest_update_order(app, r, id)
            }
        }
        Route::Settings => Ok(Resp::ok(info::settings_groups(app))),
        Route::SettingsGroup(g) => info::settings_group(app, &g).map(Resp::ok),
        Route::Setting(g, s) => info::setting_one(app, &g, &s).map(Resp::ok),
        Route::SystemStatus => Ok(Resp::ok(info::system_status(app))),
        Route::Webhooks => {
            if r.method == "POST" {
                webhooks::rest_create(app, r).await
            } else {
                webhooks::rest_list(app, r)
            }
        }
        Route::Webhook(id) => match r.method.as_str() {
            "GET" | "HEAD" => webhooks::rest_get(app, id),
            "DELETE" => webhooks::rest_delete(app, r, id),
            _ => webhooks::rest_update(app, r, id),
        },
    }
}

fn authenticate(app: &App, r: &Req) -> Result<Option<ApiKey>, ApiError> {
    let mut params = r.query.clone();
    params.extend(r.form_params());
    // The OAuth base string uses the home URL plus the request path (not the query).
    let base_url = format!("{}{}", app.site_url, r.path);
    let keys = app.state.read().unwrap_or_else(|e| e.into_inner()).keys.clone();
    let authz = if app.cfg.strip_authorization { None } else { r.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) };
    let areq = AuthRequest { method: &r.method, base_url, params: &params, authorization: authz, https: app.cfg.https, now: App::now() };
    let res = {
        let mut n = app.nonces.lock().unwrap_or_else(|e| e.into_inner());
        auth::authenticate(&areq, &keys, &mut n)?
    };
    Ok(match res {
        Authn::Key(k) => Some(k),
        Authn::Anonymous => None,
    })
}

// ---------- pagination ----------

pub struct Paging {
    pub page: u64,
    pub per_page: u64,
    pub offset: Option<u64>,
}

pub fn paging(r: &Req, default_per_page: u64) -> Result<Paging, ApiError> {
    let page = match r.q("page") {
        None => 1,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if n >= 1 => n as u64,
            Ok(_) => return Err(ApiError::invalid_param("page", "page must be greater than or equal to 1")),
            Err(_) => return Err(ApiError::invalid_param("page", "page is not of type integer.")),
        },
    };
    let per_page = match r.q("per_page") {
        None => default_per_page,
        Some(s) => match s.trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n as u64,
            Ok(_) => return Err(ApiError::invalid_param("per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)")),
            Err(_) => return Err(ApiError::invalid_param("per_page", "per_page is not of type integer.")),
        },
    };
    let offset = match r.q("offset") {
        None => None,
        Some(s) => Some(s.trim().parse::<u64>().map_err(|_| ApiError::invalid_param("offset", "offset is not of type integer."))?),
    };
    Ok(Paging { page, per_page, offset })
}

impl Paging {
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = self.offset.unwrap_or((self.page - 1) * self.per_page) as usize;
        let start = start.min(total);
        let end = (start + self.per_page as usize).min(total);
        start..end
    }
}

/// `X-WP-Total`, `X-WP-TotalPages` and the `Link` header with `prev`/`next` as WordPress builds them.
pub fn paged(app: &App, r: &Req, total: u64, p: &Paging, items: Vec<Value>) -> Resp {
    let max_pages = if total == 0 { 0 } else { total.div_ceil(p.per_page) };
    let mut headers = vec![("X-WP-Total".to_string(), total.to_string()), ("X-WP-TotalPages".to_string(), max_pages.to_string())];
    let route = r.route.clone().unwrap_or_default();
    let base_params: Vec<(String, String)> = r.query.iter().filter(|(k, _)| k != "page" && !(r.via_rest_route && k == "rest_route")).cloned().collect();
    let url_for = |page: u64| -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        if r.via_rest_route {
            ser.append_pair("rest_route", &route);
        }
        for (k, v) in &base_params {
            ser.append_pair(k, v);
        }
        ser.append_pair("page", &page.to_string());
        if r.via_rest_route { format!("{}/?{}", app.site_url, ser.finish()) } else { format!("{}/wp-json{}?{}", app.site_url, route, ser.finish()) }
    };
    let mut links = Vec::new();
    if p.page > 1 {
        let prev = (p.page - 1).min(max_pages.max(1));
        links.push(format!("<{}>; rel=\"prev\"", url_for(prev)));
    }
    if max_pages > p.page {
        links.push(format!("<{}>; rel=\"next\"", url_for(p.page + 1)));
    }
    if !links.is_empty() {
        headers.push(("Link".into(), links.join(", ")));
    }
    Resp { status: 200, body: Value::Array(items), headers }
}

// ---------- products ----------

#[derive(Debug, Clone, PartialEq)]
pub struct ProductQuery {
    pub status: Vec<String>,
    pub include: Vec<u64>,
    pub exclude: Vec<u64>,
    pub search: Option<String>,
    pub sku: Vec<String>,
    pub kind: Option<String>,
    pub category: Option<u64>,
    pub modified_after: Option<i64>,
    pub modified_before: Option<i64>,
    pub after: Option<i64>,
    pub before: Option<i64>,
    pub orderby: String,
    pub desc: bool,
}

fn date_param(r: &Req, name: &str, gmt: bool, offset: i64) -> Result<Option<i64>, ApiError> {
    let Some(s) = r.q(name) else { return Ok(None) };
    let Some((ts, had_offset)) = render::parse_date(s) else {
        return Err(ApiError::invalid_param(name, &format!("Invalid date. {name}")));
    };
    // A date without offset is site-local unless dates_are_gmt=true; convert to GMT.
    Ok(Some(if had_offset || gmt { ts } else { ts - offset }))
}

fn bool_param(r: &Req, name: &str) -> bool {
    r.q(name).is_some_and(|v| matches!(v, "1" | "true" | "TRUE" | "True" | "yes"))
}

fn parse_ids(r: &Req, name: &str) -> Result<Vec<u64>, ApiError> {
    r.q_list(name).iter().map(|s| s.parse::<u64>().map_err(|_| ApiError::invalid_param(name, &format!("{name}[0] is not of type integer.")))).collect()
}

pub fn product_query(app: &App, r: &Req) -> Result<ProductQuery, ApiError> {
    let gmt = bool_param(r, "dates_are_gmt");
    let off = app.cfg.utc_offset_secs;
    let status = r.q_list("status");
    for s in &status {
        if !matches!(s.as_str(), "any" | "future" | "trash" | "draft" | "pending" | "private" | "publish") {
            return Err(ApiError::invalid_param("status", "status is not one of any, future, trash, draft, pending, private, and publish."));
        }
    }
    let orderby = r.q("orderby").unwrap_or("date").to_string();
    if !matches!(orderby.as_str(), "date" | "id" | "include" | "title" | "slug" | "modified" | "menu_order" | "price" | "popularity" | "rating") {
        return Err(ApiError::invalid_param("orderby", "orderby is not one of date, id, include, title, slug, modified, menu_order, price, popularity, and rating."));
    }
    let order = r.q("order").unwrap_or("desc");
    if order != "asc" && order != "desc" {
        return Err(ApiError::invalid_param("order", "order is not one of asc and desc."));
    }
    let category = match r.q("category") {
        Some(c) if !c.is_empty() => Some(c.parse::<u64>().map_err(|_| ApiError::invalid_param("category", "category is not of type string."))?),
        _ => None,
    };
    Ok(ProductQuery {
        status: if status.is_empty() { vec!["any".into()] } else { status },
        include: parse_ids(r, "include")?,
        exclude: parse_ids(r, "exclude")?,
        search: r.q("search").filter(|s| !s.is_empty()).map(|s| s.to_lowercase()),
        sku: r.q_list("sku"),
        kind: r.q("type").map(|s| s.to_string()),
        category,
        modified_after: date_param(r, "modified_after", gmt, off)?,
        modified_before: date_param(r, "modified_before", gmt, off)?,
        after: date_param(r, "after", gmt, off)?,
        before: date_param(r, "before", gmt, off)?,
        orderby,
        desc: order == "desc",
    })
}

fn matches(app: &App, q: &ProductQuery, h: &Header) -> bool {
    let status_ok = q.status.iter().any(|s| if s == "any" { h.status != "trash" && h.status != "auto-draft" } else { *s == h.status });
    if !status_ok {
        return false;
    }
    if !q.include.is_empty() && !q.include.contains(&h.id) {
        return false;
    }
    if q.exclude.contains(&h.id) {
        return false;
    }
    if let Some(s) = &q.search {
        if !h.name.to_lowercase().contains(s.as_str()) {
            return false;
        }
    }
    if !q.sku.is_empty() && !q.sku.iter().any(|s| *s == h.sku) {
        return false;
    }
    if let Some(k) = &q.kind {
        if *k != h.kind {
            return false;
        }
    }
    if let Some(c) = q.category {
        if !h.categories.iter().any(|x| *x == c || app.catalog.category_parent(*x) == c) {
            return false;
        }
    }
    if q.modified_after.is_some_and(|t| h.date_modified <= t) || q.modified_before.is_some_and(|t| h.date_modified >= t) {
        return false;
    }
    if q.after.is_some_and(|t| h.date_created <= t) || q.before.is_some_and(|t| h.date_created >= t) {
        return false;
    }
    true
}

/// Ids matching `q`, in order; cached per query until the catalog changes.
pub fn product_ids(app: &App, q: &ProductQuery) -> Arc<Vec<u64>> {
    let key = format!("{q:?}");
    let version = app.state.read().unwrap_or_else(|e| e.into_inner()).version;
    {
        let c = app.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, ids)) = c.iter().find(|(k, v, _)| *k == key && *v == version) {
            return ids.clone();
        }
    }
    let mut rows: Vec<Header> = Vec::new();
    {
        let st = app.state.read().unwrap_or_else(|e| e.into_inner());
        if !q.include.is_empty() && q.include.len() < 1000 {
            for id in &q.include {
                if let Some(p) = app.catalog.product(&st, *id) {
                    let h = p.header();
                    if matches(app, q, &h) {
                        rows.push(h);
                    }
                }
            }
        } else {
            app.catalog.for_each_header(&st, |h| {
                if matches(app, q, &h) {
                    rows.push(h);
                }
            });
        }
    }
    match q.orderby.as_str() {
        "id" => rows.sort_by_key(|h| h.id),
        "title" | "slug" => rows.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id))),
        "modified" => rows.sort_by_key(|h| (h.date_modified, h.id)),
        "menu_order" => rows.sort_by(|a, b| a.menu_order.cmp(&b.menu_order).then(a.name.cmp(&b.name))),
        "include" => rows.sort_by_key(|h| q.include.iter().position(|i| *i == h.id).unwrap_or(usize::MAX)),
        _ => rows.sort_by_key(|h| (h.date_created, h.id)),
    }
    if q.desc && q.orderby != "include" {
        rows.reverse();
    }
    let ids = Arc::new(rows.into_iter().map(|h| h.id).collect::<Vec<_>>());
    let mut c = app.cache.lock().unwrap_or_else(|e| e.into_inner());
    c.retain(|(_, v, _)| *v == version);
    if c.len() >= 16 {
        c.remove(0);
    }
    c.push((key, version, ids.clone()));
    ids
}

fn critical_error() -> ApiError {
    ApiError::new(500, "internal_server_error", "<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>").with_data("additional_errors", json!([]))
}

/// Renders a product, applying the failing/malformed product faults. A failing product only fails when
/// the prices/content are rendered (not for `_fields=id,name`), as a crashing price or content filter would.
pub fn render_product(app: &App, p: &Product, heavy: bool) -> Result<Value, ApiError> {
    let (failing, malformed) = {
        let f = app.faults.lock().unwrap_or_else(|e| e.into_inner());
        (f.failing_products.contains(&p.id), f.malformed_products.contains(&p.id))
    };
    if failing && heavy {
        tracing::debug!(id = p.id, "failing product requested");
        return Err(critical_error());
    }
    let mut v = render::product(&app.site(), &app.taxonomies(), p);
    if malformed {
        faults::malform_product(&mut v);
    }
    Ok(v)
}

fn list_products(app: &App, r: &Req) -> RestResult {
    let p = paging(r, 10)?;
    let q = product_query(app, r)?;
    let ids = product_ids(app, &q);
    let range = p.range(ids.len());
    let products: Vec<Product> = {
        let st = app.state.read().unwrap_or_else(|e| e.into_inner());
        ids[range].iter().filter_map(|id| app.catalog.product(&st, *id)).collect()
    };
    let heavy = requests_heavy_fields(r);
    let mut items = Vec::with_capacity(products.len());
    for prod in &products {
        items.push(render_product(app, prod, heavy)?);
    }
    Ok(paged(app, r, ids.len() as u64, &p, items))
}

fn invalid_product_id() -> ApiError {
    ApiError::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
}

fn get_product(app: &App, id: u64, heavy: bool) -> RestResult {
    let found = {
        let st = app.state.read().unwrap_or_else(|e| e.into_inner());
        app.catalog.resolve(&st, id)
    };
    match found {
        Some((p, None)) => {
            let v = render_product(app, &p, heavy)?;
            let mut resp = Resp::ok(v);
            if p.status == "publish" {
                resp.headers.push(("Link".into(), format!("<{}>; rel=\"alternate\"; type=text/html", render::permalink(&app.site(), &p))));
            }
            Ok(resp)
        }
        Some((p, Some(j))) => {
            if heavy && app.faults.lock().unwrap_or_else(|e| e.into_inner()).failing_products.contains(&p.id) {
                return Err(critical_error());
            }
            Ok(Resp::ok(render::variation_as_product(&app.site(), &app.taxonomies(), &p, &p.variations[j])))
        }
        None => Err(invalid_product_id()),
    }
}

fn parent_for_variations(app: &App, pid: u64) -> Result<Product, ApiError> {
    let st = app.state.read().unwrap_or_else(|e| e.into_inner());
    match app.catalog.product(&st, pid) {
        Some(p) => Ok(p),
        None => Err(ApiError::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")),
    }
}

fn list_variations(app: &App, r: &Req, pid: u64) -> RestResult {
    let p = paging(r, 10)?;
    let parent = parent_for_variations(app, pid)?;
    if requests_heavy_fields(r) && app.faults.lock().unwrap_or_else(|e| e.into_inner()).failing_products.contains(&pid) {
        return Err(critical_error());
    }
    let gmt = bool_param(r, "dates_are_gmt");
    let modified_after = date_param(r, "modified_after", gmt, app.cfg.utc_offset_secs)?;
    let include = parse_ids(r, "include")?;
    let status = r.q_list("status");
    let order_asc = r.q("order") == Some("asc");
    let mut vs: Vec<_> = parent
        .variations
        .iter()
        .filter(|v| include.is_empty() || include.contains(&v.id))
        .filter(|v| modified_after.is_none_or(|t| v.date_modified > t))
        .filter(|v| status.is_empty() || status.iter().any(|s| s == "any" || *s == v.status))
        .collect();
    // Default order: date desc (all variations share the parent's date, so effectively id desc).
    vs.sort_by_key(|v| (v.date_created, v.id));
    if !order_asc {
        vs.reverse();
    }
    let site = app.site();
    let range = p.range(vs.len());
    let items = vs[range].iter().map(|v| render::variation(&site, &parent, v)).collect();
    Ok(paged(app, r, vs.len() as u64, &p, items))
}

fn get_variation(app: &App, pid: u64, vid: u64) -> RestResult {
    let parent = parent_for_variations(app, pid)?;
    match parent.variations.iter().find(|v| v.id == vid) {
        Some(v) => Ok(Resp::ok(render::variation(&app.site(), &parent, v))),
        None => Err(ApiError::new(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")),
    }
}

// ---------- taxonomies ----------

#[derive(Clone, Copy)]
enum TermKind {
    Category,
    Tag,
    Brand,
}

fn term_counts(app: &App, kind: TermKind) -> Arc<std::collections::HashMap<u64, u64>> {
    let tag = match kind {
        TermKind::Category => 0u8,
        TermKind::Tag => 1,
        TermKind::Brand => 2,
    };
    let version = app.state.read().unwrap_or_else(|e| e.into_inner()).version;
    if let Some((_, _, c)) = app.term_counts.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(t, v, _)| *t == tag && *v == version) {
        return c.clone();
    }
    let counts = Arc::new(compute_term_counts(app, kind));
    let mut cache = app.term_counts.lock().unwrap_or_else(|e| e.into_inner());
    cache.retain(|(t, v, _)| *t != tag && *v == version);
    cache.push((tag, version, counts.clone()));
    counts
}

fn compute_term_counts(app: &App, kind: TermKind) -> std::collections::HashMap<u64, u64> {
    let mut counts = std::collections::HashMap::new();
    let st = app.state.read().unwrap_or_else(|e| e.into_inner());
    match kind {
        TermKind::Category => app.catalog.for_each_header(&st, |h| {
            if h.status == "publish" {
                for c in &h.categories {
                    *counts.entry(*c).or_insert(0) += 1;
                }
            }
        }),
        // Tags and brands need whole products: count them for catalogs small enough, else leave 0.
        TermKind::Tag | TermKind::Brand => {
            if app.catalog.base.len() <= 20_000 {
                for k in 0..app.catalog.base.len() {
                    let id = app.catalog.base.header(k).id;
                    if let Some(p) = app.catalog.product(&st, id) {
                        if p.status == "publish" {
                            let ids = if matches!(kind, TermKind::Tag) { &p.tags } else { &p.brands };
                            for t in ids {
                                *counts.entry(*t).or_insert(0) += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    counts
}

fn terms(app: &App, kind: TermKind) -> &[super::model::Term] {
    match kind {
        TermKind::Category => &app.catalog.categories,
        TermKind::Tag => &app.catalog.tags,
        TermKind::Brand => &app.catalog.brands,
    }
}

fn render_term(app: &App, kind: TermKind, t: &super::model::Term, count: u64) -> Value {
    let site = app.site();
    match kind {
        TermKind::Category => render::category(&site, t, count),
        TermKind::Tag => render::tag(&site, t, count),
        TermKind::Brand => render::brand(&site, t, count),
    }
}

fn list_terms(app: &App, r: &Req, kind: TermKind) -> RestResult {
    let p = paging(r, 10)?;
    let counts = term_counts(app, kind);
    let hide_empty = bool_param(r, "hide_empty");
    let parent = r.q("parent").and_then(|s| s.parse::<u64>().ok());
    let search = r.q("search").map(|s| s.to_lowercase());
    let include = parse_ids(r, "include")?;
    let mut list: Vec<&super::model::Term> = terms(app, kind)
        .iter()
        .filter(|t| !hide_empty || counts.get(&t.id).copied().unwrap_or(0) > 0)
        .filter(|t| parent.is_none_or(|p| t.parent == p))
        .filter(|t| search.as_ref().is_none_or(|s| t.name.to_lowercase().contains(s)))
        .filter(|t| include.is_empty() || include.contains(&t.id))
        .collect();
    // Terms default to orderby=name asc.
    match r.q("orderby") {
        Some("id") => list.sort_by_key(|t| t.id),
        Some("count") => list.sort_by_key(|t| counts.get(&t.id).copied().unwrap_or(0)),
        _ => list.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase())),
    }
    if r.q("order") == Some("desc") {
        list.reverse();
    }
    let range = p.range(list.len());
    let items = list[range].iter().map(|t| render_term(app, kind, t, counts.get(&t.id).copied().unwrap_or(0))).collect();
    Ok(paged(app, r, list.len() as u64, &p, items))
}

fn get_term(app: &App, kind: TermKind, id: u64) -> RestResult {
    let counts = term_counts(app, kind);
    match terms(app, kind).iter().find(|t| t.id == id) {
        Some(t) => Ok(Resp::ok(render_term(app, kind, t, counts.get(&id).copied().unwrap_or(0)))),
        None => Err(ApiError::new(404, "woocommerce_rest_term_invalid", "Resource does not exist.")),
    }
}
