//! A WooCommerce store simulator that speaks REST API v3, wc-auth and webhooks like WooCommerce does.
//!
//! Embed it in tests:
//! ```no_run
//! # async fn demo() -> Result<(), productsynch_sim::woo::SimError> {
//! use productsynch_sim::woo::{SimConfig, SimStore, CatalogSource};
//! let sim = SimStore::start(SimConfig { catalog: CatalogSource::Generated { products: 500, seed: 7 }, ..SimConfig::default() }).await?;
//! let (ck, cs) = sim.credentials();
//! let url = format!("{}/wp-json/wc/v3/products?per_page=100", sim.base_url());
//! // ... GET it with Basic auth (ck, cs) ...
//! sim.control().update_product(sim.control().product_ids(1)[0], productsynch_sim::woo::ProductPatch { regular_price: Some("9.99".into()), ..Default::default() })?;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod control;
pub mod ctl_client;
pub mod error;
pub mod export;
pub mod faults;
pub mod generate;
pub mod info;
pub mod model;
pub mod orders;
pub mod render;
pub mod sample;
mod server;
pub mod store;
pub mod wcauth;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rand::Rng;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use control::{Control, NewOrder, NewOrderLine, NewProduct, ProductPatch};
pub use error::{ApiError, SimError};
pub use faults::{Fault, Faults};
pub use store::{ApiKey, Mutations, Webhook};
pub use webhooks::DeliveryRecord;

use store::{Base, Catalog};

/// Where the catalog comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogSource {
    /// `products` generated products, deterministic from `seed`, derived on demand.
    Generated { products: u64, seed: u64 },
    /// WooCommerce's own sample catalog (`sample_products.csv`) from this directory,
    /// or, when `None`, from `$SHARED_DIR/reference/woocommerce-sample-data` or `../shared/reference/woocommerce-sample-data`.
    Sample { dir: Option<PathBuf> },
}

/// Everything the simulated store can be told at start.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub catalog: CatalogSource,
    /// Address to bind; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Home URL the store believes it has (used in permalinks, `_links`, Link headers and the OAuth base string).
    /// Default: `http://{bound address}`.
    pub public_url: Option<String>,
    /// Behave as an HTTPS site (e.g. behind a TLS-terminating proxy): HTTP Basic and `consumer_key`/`consumer_secret`
    /// query parameters are accepted. When false, only OAuth 1.0a works, as on a plain-HTTP WooCommerce.
    pub https: bool,
    /// Pretty permalinks on: `/wp-json/...` works. Off: only `/?rest_route=/...` works, `/wp-json/` is a 404 page.
    pub pretty_permalinks: bool,
    /// Site timezone offset from UTC, seconds (non-GMT dates are rendered in it).
    pub utc_offset_secs: i64,
    pub currency: String,
    pub currency_symbol: String,
    /// `woocommerce_default_country`, e.g. `US:CA`.
    pub store_country: String,
    pub store_name: String,
    /// Consumer key/secret of the pre-created read_write key (random when `None`).
    pub consumer_key: Option<String>,
    pub consumer_secret: Option<String>,
    /// Persist mutations to this JSON file and reload them on start.
    pub state_file: Option<PathBuf>,
    /// Faults active from the start.
    pub faults: Faults,
    /// Orders generated at first start (deterministic from the seed).
    pub initial_orders: u64,
    /// Share of generated orders carrying `utm_source=chatgpt.com` attribution.
    pub chatgpt_share: f64,
    /// Extra delivery attempts after a failed webhook delivery.
    pub webhook_retries: u32,
    /// Delay before the first retry; doubles each time.
    pub webhook_retry_delay: Duration,
    /// Timeout of one webhook delivery or wc-auth callback.
    pub webhook_timeout: Duration,
    /// Consecutive failures allowed before a webhook is disabled (WooCommerce: 5; disabled on the next one).
    pub webhook_max_failures: u32,
    /// wc-auth: require `callback_url` to be https:// like WooCommerce (off by default so local receivers work).
    pub wc_auth_require_https_callback: bool,
    /// The web server drops the `Authorization` header before PHP sees it (common on CGI/FastCGI hosts without
    /// the rewrite rule): Basic and `Authorization: OAuth` fail, query-string keys and query OAuth still work.
    pub strip_authorization: bool,
    /// WooCommerce plugin active. When false, the site is plain WordPress: no `wc/*` namespaces, `rest_no_route`.
    pub woocommerce_active: bool,
    pub wc_version: String,
    pub wp_version: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            catalog: CatalogSource::Generated { products: 100, seed: 42 },
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            https: true,
            pretty_permalinks: true,
            utc_offset_secs: 0,
            currency: "USD".into(),
            currency_symbol: "$".into(),
            store_country: "US:CA".into(),
            store_name: "Simulated Store".into(),
            consumer_key: None,
            consumer_secret: None,
            state_file: None,
            faults: Faults::default(),
            initial_orders: 0,
            chatgpt_share: 0.3,
            webhook_retries: 2,
            webhook_retry_delay: Duration::from_millis(200),
            webhook_timeout: Duration::from_secs(10),
            webhook_max_failures: 5,
            wc_auth_require_https_callback: false,
            strip_authorization: false,
            woocommerce_active: true,
            wc_version: "9.9.5".into(),
            wp_version: "6.8.1".into(),
        }
    }
}

impl SimConfig {
    fn seed(&self) -> u64 {
        match self.catalog {
            CatalogSource::Generated { seed, .. } => seed,
            CatalogSource::Sample { .. } => 1,
        }
    }
}

/// Shared state of one running store.
pub struct App {
    pub cfg: SimConfig,
    pub site_url: String,
    pub catalog: Catalog,
    pub state: RwLock<Mutations>,
    pub faults: Mutex<Faults>,
    pub nonces: Mutex<auth::NonceStore>,
    pub cache: Mutex<Vec<(String, u64, Arc<Vec<u64>>)>>,
    pub term_counts: Mutex<Vec<(u8, u64, Arc<std::collections::HashMap<u64, u64>>)>>,
    pub deliveries: Mutex<Vec<DeliveryRecord>>,
    pub events: mpsc::UnboundedSender<webhooks::Event>,
    pub http: reqwest::Client,
    pub cancel: CancellationToken,
    pub requests: AtomicU64,
    pub pending_events: AtomicU64,
    pub save_lock: Mutex<()>,
}

impl App {
    pub fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    pub fn site(&self) -> render::Site {
        render::Site {
            url: self.site_url.clone(),
            utc_offset: self.cfg.utc_offset_secs,
            currency: self.cfg.currency.clone(),
            currency_symbol: self.cfg.currency_symbol.clone(),
            now: Self::now(),
        }
    }

    pub fn taxonomies(&self) -> render::Taxonomies<'_> {
        render::Taxonomies { categories: &self.catalog.categories, tags: &self.catalog.tags, brands: &self.catalog.brands }
    }

    /// Writes the mutations to the state file, if one is configured (atomically: temp file + rename).
    pub fn save(&self) -> Result<(), SimError> {
        let Some(path) = &self.cfg.state_file else { return Ok(()) };
        let _g = self.save_lock.lock().unwrap_or_else(|e| e.into_inner());
        let snapshot = {
            let st = self.state.read().unwrap_or_else(|e| e.into_inner());
            serde_json::to_vec(&PersistedState { catalog: catalog_tag(&self.cfg.catalog), mutations: st.clone() })?
        };
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, snapshot)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PersistedState {
    catalog: String,
    mutations: Mutations,
}

fn catalog_tag(c: &CatalogSource) -> String {
    match c {
        CatalogSource::Generated { products, seed } => format!("generated:{products}:{seed}"),
        CatalogSource::Sample { .. } => "sample".into(),
    }
}

/// Random `ck_`/`cs_` + 40 hex chars, like `wc_rand_hash()`.
pub fn rand_hash() -> String {
    let mut b = [0u8; 20];
    rand::rng().fill(&mut b);
    hex::encode(b)
}

pub struct SimStore;

impl SimStore {
    /// Binds, loads the catalog (and state file), starts the HTTP server and the webhook worker.
    pub async fn start(cfg: SimConfig) -> Result<SimHandle, SimError> {
        let listener = tokio::net::TcpListener::bind(cfg.bind).await?;
        let addr = listener.local_addr()?;
        let site_url = cfg.public_url.clone().unwrap_or_else(|| format!("http://{addr}")).trim_end_matches('/').to_string();
        let base = match &cfg.catalog {
            CatalogSource::Generated { products, seed } => Base::Generated(generate::Generator::new(*seed, *products, site_url.clone())),
            CatalogSource::Sample { dir } => {
                let dir = sample::find_sample_dir(dir.as_deref())?;
                Base::Fixed(Arc::new(sample::load_sample(&dir, &site_url)?.products))
            }
        };
        let (categories, tags, brands) = match &cfg.catalog {
            CatalogSource::Generated { .. } => (generate::categories(), generate::tags(), generate::brands()),
            CatalogSource::Sample { dir } => {
                let dir = sample::find_sample_dir(dir.as_deref())?;
                let s = sample::load_sample(&dir, &site_url)?;
                (s.categories, s.tags, s.brands)
            }
        };
        let catalog = Catalog { base, categories, tags, brands };

        let mut mutations = None;
        if let Some(path) = &cfg.state_file {
            if path.exists() {
                let raw = std::fs::read(path)?;
                let ps: PersistedState = serde_json::from_slice(&raw)?;
                if ps.catalog != catalog_tag(&cfg.catalog) {
                    tracing::warn!(file = %path.display(), saved = %ps.catalog, now = %catalog_tag(&cfg.catalog), "state file was saved with another catalog; loading it anyway");
                }
                mutations = Some(ps.mutations);
            }
        }
        let fresh = mutations.is_none();
        let mut m = mutations.unwrap_or_default();
        if fresh {
            m.next_product_id = catalog.base.max_id() + 1;
            m.next_order_id = 10_000_000_000;
            m.next_item_id = 1;
            m.next_webhook_id = 1;
            m.next_key_id = 1;
            m.next_review_id = 1;
            m.keys.push(ApiKey {
                key_id: m.next_key_id,
                user_id: 1,
                description: "Simulator admin - API".into(),
                permissions: "read_write".into(),
                consumer_key: cfg.consumer_key.clone().unwrap_or_else(|| format!("ck_{}", rand_hash())),
                consumer_secret: cfg.consumer_secret.clone().unwrap_or_else(|| format!("cs_{}", rand_hash())),
                last_access: None,
            });
            m.next_key_id += 1;
            orders::seed_reviews(&catalog, &mut m, cfg.seed());
        } else if let (Some(ck), Some(cs)) = (&cfg.consumer_key, &cfg.consumer_secret) {
            if !m.keys.iter().any(|k| &k.consumer_key == ck) {
                let id = m.next_key_id;
                m.next_key_id += 1;
                m.keys.insert(0, ApiKey { key_id: id, user_id: 1, description: "Simulator admin - API".into(), permissions: "read_write".into(), consumer_key: ck.clone(), consumer_secret: cs.clone(), last_access: None });
            }
        }

        let (tx, rx) = mpsc::unbounded_channel();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).user_agent(format!("WooCommerce/{} Hookshot (WordPress/{})", cfg.wc_version, cfg.wp_version)).build().map_err(|e| SimError::Http(e.to_string()))?;
        let cancel = CancellationToken::new();
        let faults = cfg.faults.clone();
        let initial_orders = if fresh { cfg.initial_orders } else { 0 };
        let app = Arc::new(App {
            cfg,
            site_url,
            catalog,
            state: RwLock::new(m),
            faults: Mutex::new(faults),
            nonces: Mutex::new(auth::NonceStore::default()),
            cache: Mutex::new(Vec::new()),
            term_counts: Mutex::new(Vec::new()),
            deliveries: Mutex::new(Vec::new()),
            events: tx,
            http,
            cancel: cancel.clone(),
            requests: AtomicU64::new(0),
            pending_events: AtomicU64::new(0),
            save_lock: Mutex::new(()),
        });
        if initial_orders > 0 {
            orders::seed_orders(&app, initial_orders);
        }
        app.save()?;
        let worker = tokio::spawn(webhooks::worker(app.clone(), rx));
        let router = server::router(app.clone());
        let c2 = cancel.clone();
        let server = tokio::spawn(async move {
            let r = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(async move { c2.cancelled().await }).await;
            if let Err(e) = r {
                tracing::error!(error = %e, "simulator server stopped");
            }
        });
        tracing::info!(url = %app.site_url, "WooCommerce simulator listening");
        Ok(SimHandle { app, addr, server: Some(server), worker: Some(worker) })
    }
}

/// A running simulated store. Dropping it stops the server (use [`SimHandle::shutdown`] to wait for it).
pub struct SimHandle {
    app: Arc<App>,
    addr: SocketAddr,
    server: Option<tokio::task::JoinHandle<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl SimHandle {
    /// Home URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.app.site_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Consumer key and secret of the pre-created read_write key.
    pub fn credentials(&self) -> (String, String) {
        let st = self.app.state.read().unwrap_or_else(|e| e.into_inner());
        st.keys.first().map(|k| (k.consumer_key.clone(), k.consumer_secret.clone())).unwrap_or_default()
    }

    /// Mutations and fault injection from Rust.
    pub fn control(&self) -> Control {
        Control::new(self.app.clone())
    }

    /// Stops accepting requests, waits for in-flight ones and the webhook worker, saves state.
    pub async fn shutdown(mut self) {
        self.app.cancel.cancel();
        if let Some(s) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), s).await;
        }
        if let Some(w) = self.worker.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), w).await;
        }
        if let Err(e) = self.app.save() {
            tracing::warn!(error = %e, "could not save simulator state");
        }
    }

    /// Resolves when the server stops (after [`Control::stop`] or a cancelled token).
    pub async fn wait(mut self) {
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
        self.shutdown().await;
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.app.cancel.cancel();
    }
}
