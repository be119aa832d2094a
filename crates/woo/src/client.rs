//! The HTTP client: discovery, authentication, retries, request budget, pagination streams.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use bytes::Bytes;
use chrono::NaiveDateTime;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use crate::auth::{self, AuthMode, Credentials};
use crate::error::{Error, parse_retry_after, snippet};
use crate::model::{
    self, Category, Malformed, NotAList, Order, Parsed, ParsedPage, Product, RestIndex, Review, Setting, StoreSettings,
    SystemStatus, Tag, Variation, Webhook,
};

/// A range of records and the `X-WP-Total` seen while fetching it.
type RangeResult<T> = Result<(ParsedPage<T>, Option<u64>), Error>;

/// Records of one page that may be isolated and skipped because the store fails on them; beyond this the
/// store is considered down and the page fails.
pub const MAX_ISOLATED_PER_PAGE: usize = 3;

/// Maximum `per_page` WooCommerce allows.
pub const MAX_PER_PAGE: u32 = 100;

/// Retry policy: exponential backoff with jitter on 429, 5xx, timeouts and broken connections.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails with [`Error::RateLimited`].
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// A per-store request budget (token bucket): at most `per_second` requests per second, bursts of `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

impl Budget {
    pub fn per_second(n: u32) -> Option<Budget> {
        let n = NonZeroU32::new(n)?;
        Some(Budget { per_second: n, burst: n })
    }
}

/// Which authentication to use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AuthChoice {
    /// Detect at connect time: HTTPS tries Basic, then query-string keys, then OAuth 1.0a; HTTP uses OAuth 1.0a
    /// (Basic and query-string keys would send the secret in clear, and WooCommerce refuses them without HTTPS).
    #[default]
    Auto,
    /// Try these in order and keep the first the store accepts.
    Candidates(Vec<AuthMode>),
    Fixed(AuthMode),
}

/// Where the REST API lives on a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRoot {
    /// Pretty permalinks: `{home}/wp-json/`.
    Pretty,
    /// Permalinks off: `{home}/?rest_route=/…`.
    RestRoute,
}

/// Client settings. `ClientConfig::new(url, credentials)` gives the defaults.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The store's home URL (`https://shop.example` or `https://example.com/shop`).
    pub store_url: String,
    pub credentials: Credentials,
    pub auth: AuthChoice,
    /// Skip discovery of the REST root and use this one.
    pub api_root: Option<ApiRoot>,
    /// Maximum requests in flight to this store (default 4).
    pub concurrency: usize,
    /// Items per list page (1..=100, default 100).
    pub per_page: u32,
    /// Variations per variation request (1..=100, default 100): a product with 500 variations is 5 units of work.
    pub variation_chunk: u32,
    /// Timeout of one request attempt, body included (default 30 s).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Request budget (default 10 requests/s, bursts of 10); `None` = unlimited.
    pub budget: Option<Budget>,
    pub user_agent: String,
    /// Accept invalid TLS certificates (never in production; for self-signed staging sites).
    pub danger_accept_invalid_certs: bool,
    /// Applied last to the `reqwest::ClientBuilder` (default: none). The application uses it to
    /// install its guard against server-side request forgery (a DNS resolver refusing private
    /// addresses and a redirect policy re-checking every hop) without this crate knowing it.
    pub http_hook: Option<HttpHook>,
}

/// A function that adjusts the HTTP client builder of a [`Client`] (see [`ClientConfig::http_hook`]).
#[derive(Clone)]
pub struct HttpHook(pub Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>);

impl HttpHook {
    pub fn new(f: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static) -> Self {
        HttpHook(Arc::new(f))
    }
}

impl std::fmt::Debug for HttpHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpHook(..)")
    }
}

impl ClientConfig {
    pub fn new(store_url: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            store_url: store_url.into(),
            credentials,
            auth: AuthChoice::Auto,
            api_root: None,
            concurrency: 4,
            per_page: MAX_PER_PAGE,
            variation_chunk: MAX_PER_PAGE,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            budget: Budget::per_second(10),
            user_agent: format!("ProductSynch/{} (+woocommerce-connector)", env!("CARGO_PKG_VERSION")),
            danger_accept_invalid_certs: false,
            http_hook: None,
        }
    }
}

/// What discovery learned about a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreInfo {
    pub home_url: String,
    pub site_name: String,
    pub api_root: ApiRoot,
    /// Pretty permalinks (`/wp-json/` works).
    pub pretty_permalinks: bool,
    pub auth: AuthMode,
    pub namespaces: Vec<String>,
    /// WooCommerce version from the system status (`None` when the key may not read it).
    pub wc_version: Option<String>,
    pub wp_version: Option<String>,
    pub settings: StoreSettings,
}

/// Filters of a list request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Only items modified after this UTC time (sent with `dates_are_gmt=true`).
    pub modified_after: Option<NaiveDateTime>,
    /// `status` (products: `any` by default, which excludes trash).
    pub status: Option<String>,
    pub include: Vec<u64>,
    pub search: Option<String>,
    /// Other parameters, passed as is.
    pub extra: Vec<(String, String)>,
}

impl ListQuery {
    pub fn modified_after(t: NaiveDateTime) -> Self {
        Self { modified_after: Some(t), ..Default::default() }
    }

    fn params(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(t) = self.modified_after {
            q.push(("modified_after".into(), t.format("%Y-%m-%dT%H:%M:%S").to_string()));
            q.push(("dates_are_gmt".into(), "true".into()));
        }
        if let Some(s) = &self.status {
            q.push(("status".into(), s.clone()));
        }
        if !self.include.is_empty() {
            q.push(("include".into(), self.include.iter().map(u64::to_string).collect::<Vec<_>>().join(",")));
        }
        if let Some(s) = &self.search {
            q.push(("search".into(), s.clone()));
        }
        q.extend(self.extra.iter().cloned());
        q
    }
}

/// One page of a list, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// 1-based page number.
    pub number: u32,
    pub total_pages: u32,
    /// `X-WP-Total`.
    pub total_items: u64,
    pub items: Vec<Parsed<T>>,
    /// Records reported and skipped (malformed JSON, or a product that makes the store fail every time).
    pub malformed: Vec<Malformed>,
}

/// A product with its variations (empty unless variable).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductWithVariations {
    pub product: Parsed<Product>,
    pub variations: Vec<Parsed<Variation>>,
}

/// A page of products with their variations.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogPage {
    pub number: u32,
    pub total_pages: u32,
    pub total_items: u64,
    pub products: Vec<ProductWithVariations>,
    /// Products and variations reported and skipped.
    pub malformed: Vec<Malformed>,
}

/// A raw successful response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    fn header_u64(&self, name: &str) -> Option<u64> {
        self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
    }
}

struct Inner {
    cfg: ClientConfig,
    http: reqwest::Client,
    home: Url,
    root: ApiRoot,
    auth: AuthMode,
    slots: Semaphore,
    limiter: Option<DefaultDirectRateLimiter>,
    info: Option<StoreInfo>,
}

/// A WooCommerce REST API v3 client for one store. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("home", &self.inner.home.as_str()).field("auth", &self.inner.auth).finish()
    }
}

/// A request to send.
#[derive(Debug, Clone)]
struct Req {
    method: Method,
    /// Route below the REST root, e.g. `wc/v3/products`.
    route: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    authenticated: bool,
}

impl Req {
    fn get(route: impl Into<String>, query: Vec<(String, String)>) -> Self {
        Req { method: Method::GET, route: route.into(), query, body: None, authenticated: true }
    }
}

fn parse_home(s: &str) -> Result<Url, Error> {
    let trimmed = s.trim();
    let with_scheme = if trimmed.contains("://") { trimmed.to_string() } else { format!("https://{trimmed}") };
    let mut url = Url::parse(&with_scheme).map_err(|e| Error::InvalidUrl { url: s.to_string(), reason: e.to_string() })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidUrl { url: s.to_string(), reason: "only http and https are supported".into() });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidUrl { url: s.to_string(), reason: "no host".into() });
    }
    url.set_query(None);
    url.set_fragment(None);
    // A pasted API URL is reduced to the home URL.
    let path = url.path().to_string();
    let path = match path.find("/wp-json") {
        Some(i) => path[..i].to_string(),
        None => path,
    };
    let path = if path.ends_with('/') { path } else { format!("{path}/") };
    url.set_path(&path);
    Ok(url)
}

/// Build the URL of a REST route for a home URL and API root.
pub fn route_url(home: &Url, root: &ApiRoot, route: &str, query: &[(String, String)]) -> Url {
    let route = route.trim_start_matches('/');
    let mut url = home.clone();
    match root {
        ApiRoot::Pretty => {
            url.set_path(&format!("{}wp-json/{}", home.path(), route));
            if !query.is_empty() {
                url.query_pairs_mut().extend_pairs(query.iter());
            }
        }
        ApiRoot::RestRoute => {
            let mut qp = url.query_pairs_mut();
            qp.append_pair("rest_route", &format!("/{route}"));
            qp.extend_pairs(query.iter());
            drop(qp);
        }
    }
    url
}

impl Client {
    /// Connect: discover the REST root and WooCommerce, pick the authentication, read store settings and version.
    pub async fn connect(cfg: ClientConfig) -> Result<Client, Error> {
        let home = parse_home(&cfg.store_url)?;
        let http = build_http(&cfg)?;
        let mut client = Client::assemble(cfg.clone(), http, home.clone(), ApiRoot::Pretty, AuthMode::Basic);

        // 1. REST root and namespaces.
        let (root, index) = match cfg.api_root.clone() {
            Some(root) => {
                client.set_root(root.clone());
                let index = client.rest_index().await.ok();
                (root, index)
            }
            None => client.discover_root().await?,
        };
        client.set_root(root.clone());
        let namespaces = index.as_ref().map(|i| i.namespaces.clone()).unwrap_or_default();
        if index.is_some() && !namespaces.iter().any(|n| n == "wc/v3") {
            return Err(Error::NotWooCommerce { url: home.to_string(), namespaces });
        }

        // 2. Authentication.
        let auth = match &cfg.auth {
            AuthChoice::Fixed(mode) => {
                client.set_auth(*mode);
                client.probe().await.map_err(|e| client.explain_auth_failure(e))?;
                *mode
            }
            AuthChoice::Candidates(modes) => client.detect_auth(modes).await?,
            AuthChoice::Auto => {
                let modes: &[AuthMode] = if home.scheme() == "https" {
                    &[AuthMode::Basic, AuthMode::QueryString, AuthMode::OAuth1]
                } else {
                    &[AuthMode::OAuth1]
                };
                client.detect_auth(modes).await?
            }
        };
        client.set_auth(auth);

        // 3. Settings and version (best effort: a key without manage_woocommerce cannot read them).
        let mut settings: Vec<Setting> = Vec::new();
        for group in ["general", "products", "tax"] {
            match client.get_json::<Vec<Setting>>(&format!("wc/v3/settings/{group}"), vec![]).await {
                Ok(s) => settings.extend(s),
                Err(e) => tracing::warn!(group, error = %e, "could not read store settings group"),
            }
        }
        let status = client.system_status().await;
        if let Err(e) = &status {
            tracing::warn!(error = %e, "could not read system status");
        }
        let status = status.ok();
        let info = StoreInfo {
            home_url: index.as_ref().map(|i| i.home.clone()).filter(|h| !h.is_empty()).unwrap_or_else(|| home.to_string()),
            site_name: index.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
            pretty_permalinks: root == ApiRoot::Pretty,
            api_root: root,
            auth,
            namespaces,
            wc_version: status.as_ref().map(|s| s.environment.version.clone()).filter(|v| !v.is_empty()),
            wp_version: status.as_ref().map(|s| s.environment.wp_version.clone()).filter(|v| !v.is_empty()),
            settings: StoreSettings::from_settings(&settings),
        };
        tracing::info!(store = %info.home_url, auth = auth.as_str(), pretty_permalinks = info.pretty_permalinks, wc = ?info.wc_version, "connected to WooCommerce");
        if let Some(inner) = Arc::get_mut(&mut client.inner) {
            inner.info = Some(info);
        }
        Ok(client)
    }

    /// A client for a store whose REST root and authentication are already known (no discovery requests).
    pub fn new_known(cfg: ClientConfig, root: ApiRoot, auth: AuthMode) -> Result<Client, Error> {
        let home = parse_home(&cfg.store_url)?;
        let http = build_http(&cfg)?;
        Ok(Client::assemble(cfg, http, home, root, auth))
    }

    fn assemble(cfg: ClientConfig, http: reqwest::Client, home: Url, root: ApiRoot, auth: AuthMode) -> Client {
        let limiter = cfg.budget.map(|b| RateLimiter::direct(Quota::per_second(b.per_second).allow_burst(b.burst)));
        let slots = Semaphore::new(cfg.concurrency.max(1));
        Client { inner: Arc::new(Inner { cfg, http, home, root, auth, slots, limiter, info: None }) }
    }

    fn set_root(&mut self, root: ApiRoot) {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.root = root;
        }
    }

    fn set_auth(&mut self, auth: AuthMode) {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.auth = auth;
        }
    }

    /// What [`Client::connect`] discovered (`None` for [`Client::new_known`]).
    pub fn info(&self) -> Option<&StoreInfo> {
        self.inner.info.as_ref()
    }

    pub fn auth_mode(&self) -> AuthMode {
        self.inner.auth
    }

    pub fn api_root(&self) -> &ApiRoot {
        &self.inner.root
    }

    /// The store's home URL (with a trailing slash).
    pub fn home_url(&self) -> &Url {
        &self.inner.home
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.cfg
    }

    /// URL of a REST route on this store (without authentication parameters).
    pub fn url(&self, route: &str, query: &[(String, String)]) -> Url {
        route_url(&self.inner.home, &self.inner.root, route, query)
    }

    // ---------------------------------------------------------------------------------------------
    // Discovery

    async fn rest_index(&self) -> Result<RestIndex, Error> {
        let req = Req { authenticated: false, ..Req::get("", vec![]) };
        let resp = self.execute_once(&req).await?;
        serde_json::from_slice::<RestIndex>(&resp.body)
            .map_err(|e| Error::Decode { url: self.url("", &[]).to_string(), message: e.to_string() })
    }

    async fn discover_root(&self) -> Result<(ApiRoot, Option<RestIndex>), Error> {
        let home = self.inner.home.to_string();
        let mut last_err = None;
        for root in [ApiRoot::Pretty, ApiRoot::RestRoute] {
            let probe = Client { inner: Arc::new(Inner { root: root.clone(), info: None, ..self.inner_clone() }) };
            match probe.rest_index().await {
                Ok(index) if !index.namespaces.is_empty() => {
                    tracing::debug!(?root, "found the WordPress REST API");
                    return Ok((root, Some(index)));
                }
                Ok(_) => last_err = None,
                Err(e @ (Error::Unreachable { .. } | Error::Tls { .. } | Error::Timeout { .. })) => return Err(e),
                Err(Error::Api { status: 401 | 403, .. }) | Err(Error::Forbidden { .. }) | Err(Error::Unauthorized { .. }) => {
                    // REST index closed to anonymous users by a security plugin: assume WordPress and find out with the key.
                    return Ok((root, None));
                }
                Err(e) => last_err = Some(e),
            }
        }
        tracing::debug!(error = ?last_err, "no REST API found");
        Err(Error::NotWordPress { url: home })
    }

    fn inner_clone(&self) -> Inner {
        let i = &self.inner;
        Inner {
            cfg: i.cfg.clone(),
            http: i.http.clone(),
            home: i.home.clone(),
            root: i.root.clone(),
            auth: i.auth,
            slots: Semaphore::new(i.cfg.concurrency.max(1)),
            limiter: i.cfg.budget.map(|b| RateLimiter::direct(Quota::per_second(b.per_second).allow_burst(b.burst))),
            info: None,
        }
    }

    /// One cheap authenticated request.
    async fn probe(&self) -> Result<(), Error> {
        let req = Req::get("wc/v3/products", vec![("per_page".into(), "1".into()), ("_fields".into(), "id".into())]);
        self.execute(&req, Ok).await.map(|_| ())
    }

    fn explain_auth_failure(&self, e: Error) -> Error {
        if self.inner.root == ApiRoot::RestRoute && matches!(&e, Error::Unauthorized { code, .. } if code == "woocommerce_rest_cannot_view") {
            return Error::PermalinksOff { url: self.inner.home.to_string() };
        }
        e
    }

    async fn detect_auth(&mut self, order: &[AuthMode]) -> Result<AuthMode, Error> {
        let mut first_err: Option<Error> = None;
        for &mode in order {
            self.set_auth(mode);
            match self.probe().await {
                Ok(()) => return Ok(mode),
                Err(e) if e.is_auth() => {
                    tracing::debug!(mode = mode.as_str(), error = %e, "authentication mode rejected");
                    // A definite "wrong secret" / "no permission" answer means the key was read: stop here.
                    let definite = matches!(&e, Error::Unauthorized { code, .. } if code == "woocommerce_rest_authentication_error")
                        || matches!(e, Error::Forbidden { .. });
                    if definite {
                        return Err(self.explain_auth_failure(e));
                    }
                    first_err.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(self.explain_auth_failure(first_err.unwrap_or(Error::Unauthorized {
            status: 401,
            code: String::new(),
            message: "no authentication method accepted".into(),
        })))
    }

    // ---------------------------------------------------------------------------------------------
    // Sending

    fn build_request(&self, req: &Req) -> Result<(reqwest::RequestBuilder, String), Error> {
        let inner = &self.inner;
        let mut url = self.url(&req.route, &req.query);
        let mut builder_headers = HeaderMap::new();
        if req.authenticated {
            let creds = &inner.cfg.credentials;
            match inner.auth {
                AuthMode::Basic => {
                    let v = HeaderValue::from_str(&auth::basic_header(creds))
                        .map_err(|e| Error::Http(format!("invalid credentials header: {e}")))?;
                    builder_headers.insert(reqwest::header::AUTHORIZATION, v);
                }
                AuthMode::QueryString => {
                    url.query_pairs_mut()
                        .append_pair("consumer_key", &creds.consumer_key)
                        .append_pair("consumer_secret", &creds.consumer_secret);
                }
                AuthMode::OAuth1 => {
                    let params = auth::oauth1_params(creds, req.method.as_str(), &url, chrono::Utc::now().timestamp(), &auth::nonce());
                    url.query_pairs_mut().extend_pairs(params.iter());
                }
            }
        }
        let shown = redact(&url);
        let mut b = inner.http.request(req.method.clone(), url).headers(builder_headers);
        if let Some(body) = &req.body {
            b = b.json(body);
        }
        Ok((b, shown))
    }

    /// One attempt: budget, slot, send, read the whole body, map errors.
    async fn execute_once(&self, req: &Req) -> Result<RawResponse, Error> {
        if let Some(l) = &self.inner.limiter {
            l.until_ready().await;
        }
        let _slot = self.inner.slots.acquire().await.map_err(|_| Error::Http("client closed".into()))?;
        let (builder, shown) = self.build_request(req)?;
        let resp = builder.send().await.map_err(|e| Error::from_transport(&shown, &e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| Error::from_transport(&shown, &e))?;
        if status.is_success() {
            tracing::trace!(url = %shown, status = status.as_u16(), bytes = body.len(), "woo response");
            return Ok(RawResponse { status: status.as_u16(), headers, body });
        }
        let retry_after = headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
        if status == StatusCode::NOT_FOUND && !looks_like_json(&body) {
            return Err(Error::Api { status: 404, code: "not_found_html".into(), message: snippet(&body) });
        }
        Err(Error::from_response(&shown, status.as_u16(), retry_after, &body))
    }

    /// Send with retries; `parse` runs inside the retry so a truncated body is fetched again.
    async fn execute<T>(&self, req: &Req, parse: impl Fn(RawResponse) -> Result<T, Error>) -> Result<T, Error> {
        self.execute_with(req, self.inner.cfg.retry.max_retries, &parse).await
    }

    async fn execute_with<T>(
        &self,
        req: &Req,
        max_retries: usize,
        parse: &impl Fn(RawResponse) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let policy = &self.inner.cfg.retry;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(policy.min_delay)
            .with_max_delay(policy.max_delay)
            .with_max_times(max_retries)
            .with_jitter();
        let max_ra = policy.max_retry_after;
        let attempt = || async { parse(self.execute_once(req).await?) };
        attempt
            .retry(backoff)
            .when(Error::is_retryable)
            .adjust(move |e: &Error, next: Option<Duration>| {
                let next = next?;
                match e.retry_after() {
                    Some(ra) if ra > max_ra => None,
                    Some(ra) => Some(ra.max(next)),
                    None => Some(next),
                }
            })
            .notify(|e: &Error, wait: Duration| {
                tracing::warn!(route = %req.route, error = %e, wait_ms = wait.as_millis() as u64, "retrying WooCommerce request");
            })
            .await
    }

    /// GET a route and deserialize the JSON body.
    pub async fn get_json<T: DeserializeOwned>(&self, route: &str, query: Vec<(String, String)>) -> Result<T, Error> {
        let req = Req::get(route, query);
        self.execute(&req, |r| decode_json(&self.url(&req.route, &[]), &r.body)).await
    }

    /// Send any request (POST/PUT/DELETE with an optional JSON body) and deserialize the answer.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        route: &str,
        query: Vec<(String, String)>,
        body: Option<Value>,
    ) -> Result<T, Error> {
        let req = Req { method: method.clone(), route: route.to_string(), query, body, authenticated: true };
        // Only idempotent methods are retried after a response; a POST is retried only if it never reached the store.
        let retries = if method == Method::POST { 0 } else { self.inner.cfg.retry.max_retries };
        self.execute_with(&req, retries, &|r: RawResponse| decode_json(&self.url(&req.route, &[]), &r.body)).await
    }

    // ---------------------------------------------------------------------------------------------
    // Lists

    /// Fetch one list page (`page`, `per_page`), parse record by record.
    pub async fn fetch_page<T: DeserializeOwned + model::HasId + Send + 'static>(
        &self,
        route: &str,
        kind: &'static str,
        query: &[(String, String)],
        page: u32,
        per_page: u32,
    ) -> Result<Page<T>, Error> {
        let mut q = query.to_vec();
        q.push(("per_page".into(), per_page.to_string()));
        q.push(("page".into(), page.to_string()));
        let req = Req::get(route, q);
        let url = self.url(route, &[]).to_string();
        let res = self
            .execute(&req, |r| {
                let parsed = parse_page_lenient::<T>(kind, &r.body).map_err(|e| Error::Decode { url: url.clone(), message: e.0 })?;
                Ok((r.header_u64("X-WP-Total"), r.header_u64("X-WP-TotalPages"), parsed))
            })
            .await;
        match res {
            Ok((total, pages, parsed)) => {
                let total_items = total.unwrap_or(parsed.items.len() as u64 + parsed.malformed.len() as u64);
                let total_pages = pages.map(|p| p as u32).unwrap_or_else(|| total_items.div_ceil(per_page as u64) as u32);
                Ok(Page { number: page, total_pages, total_items, items: parsed.items, malformed: parsed.malformed })
            }
            // A page that fails every time: a record in it crashes the store. Find it by halving, skip it, keep the rest.
            Err(Error::Server { status: 500, .. }) if per_page > 1 => {
                tracing::warn!(route, page, "page keeps failing with 500; isolating the failing record");
                let offset = (page as u64 - 1) * per_page as u64;
                let isolated = AtomicUsize::new(0);
                let (parsed, total) = self.fetch_range::<T>(route, kind, query, offset, per_page as u64, &isolated).await?;
                let total_items = total.unwrap_or(0);
                Ok(Page {
                    number: page,
                    total_pages: total_items.div_ceil(per_page as u64) as u32,
                    total_items,
                    items: parsed.items,
                    malformed: parsed.malformed,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Fetch `count` records from `offset`, halving on persistent 500s down to single records.
    fn fetch_range<'a, T: DeserializeOwned + model::HasId + Send + 'static>(
        &'a self,
        route: &'a str,
        kind: &'static str,
        query: &'a [(String, String)],
        offset: u64,
        count: u64,
        isolated: &'a AtomicUsize,
    ) -> futures::future::BoxFuture<'a, RangeResult<T>> {
        Box::pin(async move {
            let mut q = query.to_vec();
            q.push(("per_page".into(), count.to_string()));
            q.push(("offset".into(), offset.to_string()));
            let req = Req::get(route, q);
            let url = self.url(route, &[]).to_string();
            let res = self
                .execute_with(&req, 1, &|r: RawResponse| {
                    let parsed = parse_page_lenient::<T>(kind, &r.body).map_err(|e| Error::Decode { url: url.clone(), message: e.0 })?;
                    Ok((parsed, r.header_u64("X-WP-Total")))
                })
                .await;
            match res {
                Ok(ok) => Ok(ok),
                Err(Error::Server { status: 500, snippet, url, retry_after }) if count == 1 => {
                    // More failing records than a broken product or two explain: the store itself is failing.
                    if isolated.fetch_add(1, Ordering::Relaxed) + 1 > MAX_ISOLATED_PER_PAGE {
                        return Err(Error::Server { status: 500, url, snippet, retry_after });
                    }
                    let id = self.failing_record_id(route, query, offset).await;
                    let m = Malformed { kind, id, index: offset as usize, error: format!("the store fails with 500 on this record: {snippet}") };
                    tracing::warn!(kind, id = ?id, offset, "skipping a record the store cannot render");
                    Ok((ParsedPage { items: vec![], malformed: vec![m] }, None))
                }
                Err(Error::Server { status: 500, .. }) => {
                    let left = count / 2;
                    let (mut a, ta) = self.fetch_range::<T>(route, kind, query, offset, left, isolated).await?;
                    let (b, tb) = self.fetch_range::<T>(route, kind, query, offset + left, count - left, isolated).await?;
                    a.items.extend(b.items);
                    a.malformed.extend(b.malformed);
                    Ok((a, ta.or(tb)))
                }
                Err(e) => Err(e),
            }
        })
    }

    /// Try to learn the id of a record that makes the store fail, asking only for its id (`_fields=id`).
    async fn failing_record_id(&self, route: &str, query: &[(String, String)], offset: u64) -> Option<u64> {
        let mut q = query.to_vec();
        q.push(("per_page".into(), "1".into()));
        q.push(("offset".into(), offset.to_string()));
        q.push(("_fields".into(), "id".into()));
        let req = Req::get(route, q);
        let ids: Vec<model::IdOnly> = self.execute_with(&req, 0, &|r: RawResponse| decode_json(&self.url(route, &[]), &r.body)).await.ok()?;
        ids.first().map(|i| i.id).filter(|&i| i != 0)
    }

    /// Every page of a list as an ordered stream: page 1 first (for the totals), then the rest with bounded concurrency.
    pub fn list<T: DeserializeOwned + model::HasId + Send + 'static>(
        &self,
        route: impl Into<String>,
        kind: &'static str,
        query: Vec<(String, String)>,
    ) -> BoxStream<'static, Result<Page<T>, Error>> {
        let client = self.clone();
        let route: String = route.into();
        let per_page = self.inner.cfg.per_page.clamp(1, MAX_PER_PAGE);
        let concurrency = self.inner.cfg.concurrency.max(1);
        let first = {
            let (client, route, query) = (client.clone(), route.clone(), query.clone());
            async move { client.fetch_page::<T>(&route, kind, &query, 1, per_page).await }
        };
        stream::once(first)
            .map(move |first| -> BoxStream<'static, Result<Page<T>, Error>> {
                match first {
                    Err(e) => stream::iter([Err(e)]).boxed(),
                    Ok(p1) => {
                        let total_pages = p1.total_pages;
                        let (client, route, query) = (client.clone(), route.clone(), query.clone());
                        let rest = stream::iter(2..=total_pages)
                            .map(move |n| {
                                let (client, route, query) = (client.clone(), route.clone(), query.clone());
                                async move { client.fetch_page::<T>(&route, kind, &query, n, per_page).await }
                            })
                            .buffered(concurrency);
                        stream::iter([Ok(p1)]).chain(rest).boxed()
                    }
                }
            })
            .flatten()
            .boxed()
    }

    /// Collect every item of a list (for small lists: categories, tags, webhooks).
    pub async fn list_all<T: DeserializeOwned + model::HasId + Send + 'static>(
        &self,
        route: &str,
        kind: &'static str,
        query: Vec<(String, String)>,
    ) -> Result<Vec<T>, Error> {
        let pages: Vec<Page<T>> = self.list::<T>(route.to_string(), kind, query).try_collect().await?;
        Ok(pages.into_iter().flat_map(|p| p.items.into_iter().map(|i| i.item)).collect())
    }

    /// Products, page by page, in order (`orderby=id&order=asc` so new products land on the last page).
    pub fn products(&self, query: &ListQuery) -> BoxStream<'static, Result<Page<Product>, Error>> {
        let mut q = query.params();
        push_default(&mut q, "orderby", "id");
        push_default(&mut q, "order", "asc");
        self.list("wc/v3/products", "product", q)
    }

    /// All variations of one product, fetched in chunks of `variation_chunk` concurrently.
    pub async fn variations(&self, product_id: u64) -> Result<(Vec<Parsed<Variation>>, Vec<Malformed>), Error> {
        let route = format!("wc/v3/products/{product_id}/variations");
        let mut q = Vec::new();
        push_default(&mut q, "orderby", "id");
        push_default(&mut q, "order", "asc");
        let chunk = self.inner.cfg.variation_chunk.clamp(1, MAX_PER_PAGE);
        let first = self.fetch_page::<Variation>(&route, "variation", &q, 1, chunk).await?;
        let rest: Vec<Page<Variation>> = stream::iter(2..=first.total_pages)
            .map(|n| {
                let (route, q) = (route.clone(), q.clone());
                async move { self.fetch_page::<Variation>(&route, "variation", &q, n, chunk).await }
            })
            .buffered(self.inner.cfg.concurrency.max(1))
            .try_collect()
            .await?;
        let mut items = Vec::new();
        let mut bad = Vec::new();
        for p in std::iter::once(first).chain(rest) {
            items.extend(p.items);
            bad.extend(p.malformed);
        }
        for v in &mut items {
            if v.item.parent_id == 0 {
                v.item.parent_id = product_id;
            }
        }
        Ok((items, bad))
    }

    /// Products with their variations, page by page, in order. Variation requests of a page are split into
    /// chunks of `variation_chunk` (known up front from each product's `variations` ids) and run concurrently.
    pub fn catalog(&self, query: &ListQuery) -> BoxStream<'static, Result<CatalogPage, Error>> {
        let client = self.clone();
        let concurrency = self.inner.cfg.concurrency.max(1);
        self.products(query)
            .map(move |page| {
                let client = client.clone();
                async move { client.attach_variations(page?).await }
            })
            .buffered(concurrency.clamp(1, 2))
            .boxed()
    }

    async fn attach_variations(&self, page: Page<Product>) -> Result<CatalogPage, Error> {
        let chunk = self.inner.cfg.variation_chunk.clamp(1, MAX_PER_PAGE) as usize;
        let mut units: Vec<(usize, u64, u32)> = Vec::new();
        for (i, p) in page.items.iter().enumerate() {
            if p.item.is_variable() && !p.item.variations.is_empty() {
                let n_chunks = p.item.variations.len().div_ceil(chunk);
                for c in 1..=n_chunks {
                    units.push((i, p.item.id, c as u32));
                }
            }
        }
        let mut q = Vec::new();
        push_default(&mut q, "orderby", "id");
        push_default(&mut q, "order", "asc");
        let fetched: Vec<(usize, Page<Variation>)> = stream::iter(units)
            .map(|(i, pid, n)| {
                let q = q.clone();
                async move {
                    let route = format!("wc/v3/products/{pid}/variations");
                    self.fetch_page::<Variation>(&route, "variation", &q, n, chunk as u32).await.map(|p| (i, p))
                }
            })
            .buffered(self.inner.cfg.concurrency.max(1) * 2)
            .try_collect()
            .await?;
        let mut products: Vec<ProductWithVariations> =
            page.items.into_iter().map(|p| ProductWithVariations { product: p, variations: Vec::new() }).collect();
        let mut malformed = page.malformed;
        for (i, vp) in fetched {
            let pid = products[i].product.item.id;
            for mut v in vp.items {
                if v.item.parent_id == 0 {
                    v.item.parent_id = pid;
                }
                products[i].variations.push(v);
            }
            malformed.extend(vp.malformed);
        }
        Ok(CatalogPage {
            number: page.number,
            total_pages: page.total_pages,
            total_items: page.total_items,
            products,
            malformed,
        })
    }

    /// One product by id (also works for a variation id: it comes back with `type: "variation"`).
    pub async fn product(&self, id: u64) -> Result<Parsed<Product>, Error> {
        let req = Req::get(format!("wc/v3/products/{id}"), vec![]);
        let url = self.url(&req.route, &[]).to_string();
        self.execute(&req, |r| {
            let raw: &serde_json::value::RawValue =
                serde_json::from_slice(strip_php_noise(&r.body)).map_err(|e| Error::Decode { url: url.clone(), message: e.to_string() })?;
            model::parse_raw_record::<Product>("product", 0, raw).map_err(|m| Error::Decode { url: url.clone(), message: m.to_string() })
        })
        .await
    }

    pub async fn categories(&self) -> Result<Vec<Category>, Error> {
        self.list_all("wc/v3/products/categories", "category", vec![]).await
    }

    pub async fn tags(&self) -> Result<Vec<Tag>, Error> {
        self.list_all("wc/v3/products/tags", "tag", vec![]).await
    }

    /// Brands (WooCommerce ≥ 9.6). A store without brands answers `rest_no_route`: that is an empty list.
    pub async fn brands(&self) -> Result<Vec<model::Brand>, Error> {
        match self.list_all("wc/v3/products/brands", "brand", vec![]).await {
            Err(Error::Api { status: 404, ref code, .. }) if code == "rest_no_route" => Ok(vec![]),
            other => other,
        }
    }

    pub fn reviews(&self, query: &ListQuery) -> BoxStream<'static, Result<Page<Review>, Error>> {
        self.list("wc/v3/products/reviews", "review", query.params())
    }

    /// Orders, page by page, in order (`status=any` unless set).
    pub fn orders(&self, query: &ListQuery) -> BoxStream<'static, Result<Page<Order>, Error>> {
        let mut q = query.params();
        push_default(&mut q, "orderby", "id");
        push_default(&mut q, "order", "asc");
        self.list("wc/v3/orders", "order", q)
    }

    pub async fn settings_group(&self, group: &str) -> Result<Vec<Setting>, Error> {
        self.get_json(&format!("wc/v3/settings/{group}"), vec![]).await
    }

    pub async fn system_status(&self) -> Result<SystemStatus, Error> {
        self.get_json("wc/v3/system_status", vec![]).await
    }

    // ---------------------------------------------------------------------------------------------
    // Webhooks

    /// Create a webhook (WooCommerce sets it `active` and pings the delivery URL).
    pub async fn create_webhook(&self, hook: &crate::webhooks::NewWebhook) -> Result<Webhook, Error> {
        let body = serde_json::to_value(hook).map_err(|e| Error::Http(e.to_string()))?;
        self.send_json(Method::POST, "wc/v3/webhooks", vec![], Some(body)).await
    }

    /// All webhooks of the store.
    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        self.list_all("wc/v3/webhooks", "webhook", vec![]).await
    }

    /// Delete a webhook for good (`force=true`; WooCommerce cannot trash webhooks).
    pub async fn delete_webhook(&self, id: u64) -> Result<Webhook, Error> {
        self.send_json(Method::DELETE, &format!("wc/v3/webhooks/{id}"), vec![("force".into(), "true".into())], None).await
    }

    /// Change a webhook's status (`active`, `paused`, `disabled`).
    pub async fn set_webhook_status(&self, id: u64, status: model::WebhookStatus) -> Result<Webhook, Error> {
        let body = serde_json::json!({ "status": status.as_str() });
        self.send_json(Method::PUT, &format!("wc/v3/webhooks/{id}"), vec![], Some(body)).await
    }
}

fn push_default(q: &mut Vec<(String, String)>, k: &str, v: &str) {
    if !q.iter().any(|(k2, _)| k2 == k) {
        q.push((k.to_string(), v.to_string()));
    }
}

fn build_http(cfg: &ClientConfig) -> Result<reqwest::Client, Error> {
    let b = reqwest::Client::builder()
        .timeout(cfg.timeout)
        .connect_timeout(cfg.connect_timeout)
        .user_agent(cfg.user_agent.clone())
        .pool_max_idle_per_host(cfg.concurrency.max(1) * 2)
        .tls_danger_accept_invalid_certs(cfg.danger_accept_invalid_certs);
    let b = match &cfg.http_hook {
        Some(hook) => (hook.0)(b),
        None => b,
    };
    b.build().map_err(|e| Error::Http(e.to_string()))
}

/// The URL without credentials or signatures, for logs and errors.
fn redact(url: &Url) -> String {
    let mut u = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("oauth_") && k != "consumer_key" && k != "consumer_secret")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(kept.iter());
    }
    u.to_string()
}

fn looks_like_json(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b == b'{' || *b == b'[')
}

/// Strip text a misconfigured PHP prints before the JSON (notices, warnings, a BOM).
pub fn strip_php_noise(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if looks_like_json(body) {
        return body;
    }
    // The JSON starts at a `[` or `{` at the beginning of a line (after the notice's `<br />\n`).
    let mut i = 0;
    while let Some(pos) = body[i..].iter().position(|&b| b == b'\n') {
        let start = i + pos + 1;
        if looks_like_json(&body[start..]) {
            let rest = &body[start..];
            let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            return &rest[skip..];
        }
        i = start;
    }
    body
}

fn parse_page_lenient<T: DeserializeOwned + model::HasId>(kind: &'static str, body: &[u8]) -> Result<ParsedPage<T>, NotAList> {
    model::parse_page(kind, strip_php_noise(body))
}

fn decode_json<T: DeserializeOwned>(url: &Url, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(strip_php_noise(body)).map_err(|e| Error::Decode { url: url.to_string(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_url_normalisation() {
        assert_eq!(parse_home("shop.example").unwrap().as_str(), "https://shop.example/");
        assert_eq!(parse_home("http://shop.example/store/wp-json/wc/v3").unwrap().as_str(), "http://shop.example/store/");
        assert_eq!(parse_home("https://shop.example/?x=1#y").unwrap().as_str(), "https://shop.example/");
        assert!(matches!(parse_home("ftp://shop.example"), Err(Error::InvalidUrl { .. })));
        assert!(matches!(parse_home("http://"), Err(Error::InvalidUrl { .. })));
    }

    #[test]
    fn route_urls_for_both_roots() {
        let home = parse_home("https://shop.example/store").unwrap();
        let q = vec![("per_page".to_string(), "100".to_string()), ("page".to_string(), "2".to_string())];
        assert_eq!(
            route_url(&home, &ApiRoot::Pretty, "wc/v3/products", &q).as_str(),
            "https://shop.example/store/wp-json/wc/v3/products?per_page=100&page=2"
        );
        assert_eq!(
            route_url(&home, &ApiRoot::RestRoute, "wc/v3/products", &q).as_str(),
            "https://shop.example/store/?rest_route=%2Fwc%2Fv3%2Fproducts&per_page=100&page=2"
        );
        assert_eq!(route_url(&home, &ApiRoot::Pretty, "", &[]).as_str(), "https://shop.example/store/wp-json/");
    }

    #[test]
    fn list_query_params() {
        let t = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap().and_hms_opt(12, 0, 0).unwrap();
        let q = ListQuery { include: vec![3, 4], status: Some("publish".into()), ..ListQuery::modified_after(t) };
        assert_eq!(
            q.params(),
            vec![
                ("modified_after".to_string(), "2024-05-01T12:00:00".to_string()),
                ("dates_are_gmt".to_string(), "true".to_string()),
                ("status".to_string(), "publish".to_string()),
                ("include".to_string(), "3,4".to_string()),
            ]
        );
    }

    #[test]
    fn php_notice_is_stripped() {
        let body = b"<br />\n<b>Notice</b>: Undefined index: x in /var/www/a.php on line <b>3</b><br />\n[{\"id\":1}]";
        assert_eq!(strip_php_noise(body), b"[{\"id\":1}]");
        assert_eq!(strip_php_noise(b"\xEF\xBB\xBF[]"), b"[]");
        assert_eq!(strip_php_noise(b" {\"a\":1}"), b" {\"a\":1}");
    }

    #[test]
    fn redaction_hides_secrets() {
        let u = Url::parse("https://s/wp-json/wc/v3/products?page=2&consumer_key=ck&consumer_secret=cs&oauth_signature=x").unwrap();
        assert_eq!(redact(&u), "https://s/wp-json/wc/v3/products?page=2");
    }
}
