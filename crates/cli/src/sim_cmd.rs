//! `productsynch sim`: the WooCommerce store simulator (issue 4), standalone; `sim generate` writes a generated
//! catalog as REST JSON files; `sim ctl` drives a running simulator's control API.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use productsynch_sim::woo::{self, CatalogSource, Fault, Faults, SimConfig, SimStore};
use serde_json::{Value, json};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SimArgs {
    #[command(subcommand)]
    pub command: Option<SimCommand>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Subcommand)]
pub enum SimCommand {
    /// Write a generated catalog as the JSON the REST API serves: products.json, variations.json,
    /// categories.json, shop.json (streamed, so 1,000,000 products are fine).
    Generate(GenerateArgs),
    /// Drive a running simulator through its control API (/__sim/...): change products, place orders, inject faults.
    Ctl(CtlArgs),
    /// Serve a simulated OpenAI feed endpoint (POST /v1/feeds/products with a bearer token) that
    /// validates every pushed feed and answers with counts.
    FeedReceiver(FeedReceiverArgs),
}

#[derive(Args)]
pub struct FeedReceiverArgs {
    /// Port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 8082)]
    pub port: u16,
    /// Bearer token the pusher must send.
    #[arg(long, env = "SIM_FEED_TOKEN", default_value = "sim-feed-token")]
    pub token: String,
}

async fn feed_receiver(a: FeedReceiverArgs) -> anyhow::Result<ExitCode> {
    let r = productsynch_sim::feed_receiver::FeedReceiver::start(&a.token, a.port).await?;
    println!("OpenAI feed receiver at {} (bearer token from --token / SIM_FEED_TOKEN)", r.url());
    tokio::signal::ctrl_c().await?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on.
    #[arg(long, default_value_t = 8081, env = "SIM_PORT")]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Serve a generated catalog of this many products (default: WooCommerce's sample catalog if found, else 200 generated).
    #[arg(long)]
    pub products: Option<u64>,
    /// Seed of the generated catalog (same seed and size = same catalog).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Use WooCommerce's sample catalog (sample_products.csv) even if --products is given.
    #[arg(long)]
    pub sample: bool,
    /// Folder holding sample_products.csv (default: $SHARED_DIR/reference/woocommerce-sample-data or ../shared/reference/woocommerce-sample-data).
    #[arg(long)]
    pub sample_dir: Option<PathBuf>,
    /// Home URL the store claims (permalinks, _links, Link headers, OAuth base string). Default: http://HOST:PORT.
    #[arg(long)]
    pub public_url: Option<String>,
    /// Behave as a plain-HTTP WooCommerce: HTTP Basic and query-string keys are ignored, only OAuth 1.0a works.
    #[arg(long)]
    pub plain_http: bool,
    /// Pretty permalinks off: /wp-json/ is a 404 page, only /?rest_route=/... works.
    #[arg(long)]
    pub no_pretty_permalinks: bool,
    /// Site timezone offset from UTC in minutes (non-GMT dates are rendered in it).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    pub utc_offset_minutes: i64,
    /// Store currency (ISO 4217).
    #[arg(long, default_value = "USD")]
    pub currency: String,
    /// Currency symbol used in price_html.
    #[arg(long, default_value = "$")]
    pub currency_symbol: String,
    /// woocommerce_default_country, e.g. US:CA.
    #[arg(long, default_value = "US:CA")]
    pub store_country: String,
    /// Store (site) name.
    #[arg(long, default_value = "Simulated Store")]
    pub store_name: String,
    /// Consumer key of the pre-created read_write key (random if not given).
    #[arg(long, env = "SIM_CONSUMER_KEY")]
    pub consumer_key: Option<String>,
    /// Consumer secret of the pre-created read_write key (random if not given).
    #[arg(long, env = "SIM_CONSUMER_SECRET")]
    pub consumer_secret: Option<String>,
    /// Persist state (changes, new products, orders, keys, webhooks) to this JSON file and reload it on start.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Orders to generate on first start (deterministic).
    #[arg(long, default_value_t = 0)]
    pub orders: u64,
    /// Share of generated orders attributed to ChatGPT (utm_source=chatgpt.com).
    #[arg(long, default_value_t = 0.3)]
    pub chatgpt_share: f64,
    /// Fault: latency added to every REST response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Fault: random extra latency up to this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub jitter_ms: u64,
    /// Fault: probability (0..1) that a REST request fails with --error-status.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Fault: status of random failures (429, 500, 502, 503, ...).
    #[arg(long, default_value_t = 503)]
    pub error_status: u16,
    /// Fault: Retry-After seconds sent with random 429/503 failures.
    #[arg(long, default_value_t = 1)]
    pub retry_after: u64,
    /// Fault: only REST routes containing this text get random/queued faults (e.g. /variations).
    #[arg(long)]
    pub fault_route: Option<String>,
    /// Fault: one-shot faults for the first requests, in order: 429, 500, 502, 503, timeout, drop, truncate, wrong-types, php-notice (repeatable).
    #[arg(long = "fault")]
    pub faults: Vec<String>,
    /// Fault: a product id whose rendering always fails (500 on any response containing it). Repeatable.
    #[arg(long = "failing-product")]
    pub failing_products: Vec<u64>,
    /// Fault: a product id always rendered with wrongly typed fields. Repeatable.
    #[arg(long = "malformed-product")]
    pub malformed_products: Vec<u64>,
    /// Extra webhook delivery attempts after a failure.
    #[arg(long, default_value_t = 2)]
    pub webhook_retries: u32,
    /// Delay before the first webhook retry (doubles each time), in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub webhook_retry_delay_ms: u64,
    /// Timeout of a webhook delivery or wc-auth callback, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Consecutive delivery failures tolerated before a webhook is disabled (WooCommerce: 5).
    #[arg(long, default_value_t = 5)]
    pub webhook_max_failures: u32,
    /// wc-auth: require callback_url to be https:// like WooCommerce does.
    #[arg(long)]
    pub strict_wc_auth: bool,
    /// Behave like a host that drops the Authorization header (only query-string keys / query OAuth work).
    #[arg(long)]
    pub strip_auth_header: bool,
    /// Plain WordPress without WooCommerce: no wc/v3 namespace, wc routes answer rest_no_route.
    #[arg(long)]
    pub woocommerce_inactive: bool,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Number of products.
    #[arg(long, default_value_t = 1000)]
    pub products: u64,
    /// Seed (same seed and size = byte-identical output).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output directory (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Store URL used in permalinks, image URLs and _links.
    #[arg(long, default_value = "https://shop.example.com")]
    pub store_url: String,
    /// Currency written to shop.json and used in price_html.
    #[arg(long, default_value = "USD")]
    pub currency: String,
    /// Store country (shop.json store_country).
    #[arg(long, default_value = "US")]
    pub store_country: String,
    /// Seller name (shop.json seller_name).
    #[arg(long, default_value = "Northwind Outfitters")]
    pub seller_name: String,
}

#[derive(Args)]
pub struct CtlArgs {
    /// Base URL of the running simulator.
    #[arg(long, default_value = "http://127.0.0.1:8081", env = "SIM_URL")]
    pub url: String,
    #[command(subcommand)]
    pub action: CtlAction,
}

#[derive(Subcommand)]
pub enum CtlAction {
    /// Show the simulator's state (keys, counts, faults).
    State,
    /// Change a product or variation (fires product.updated).
    ProductUpdate {
        id: u64,
        /// New regular price, e.g. 19.99.
        #[arg(long)]
        price: Option<String>,
        /// New sale price ("" removes the sale).
        #[arg(long)]
        sale_price: Option<String>,
        /// New stock quantity.
        #[arg(long)]
        stock: Option<i64>,
        /// New title.
        #[arg(long)]
        title: Option<String>,
        /// New status (publish, draft, private, pending).
        #[arg(long)]
        status: Option<String>,
    },
    /// Create a simple product (fires product.created).
    ProductCreate {
        #[arg(long)]
        title: String,
        #[arg(long)]
        price: String,
        #[arg(long, default_value = "")]
        sku: String,
        #[arg(long, default_value = "")]
        gtin: String,
    },
    /// Trash a product (fires product.deleted), or delete it for good with --force.
    ProductDelete {
        id: u64,
        #[arg(long)]
        force: bool,
    },
    /// Restore a trashed product (fires product.restored).
    ProductRestore { id: u64 },
    /// Place an order (fires order.created).
    Order {
        /// Product id (for a variable product, its first variation is ordered unless --variation is given).
        #[arg(long)]
        product: u64,
        #[arg(long, default_value_t = 0)]
        variation: u64,
        #[arg(long, default_value_t = 1)]
        quantity: i64,
        /// Attribution preset: chatgpt, chatgpt_referral, google, newsletter, direct, none.
        #[arg(long, default_value = "chatgpt")]
        attribution: String,
        #[arg(long, default_value = "processing")]
        status: String,
    },
    /// Place random orders; a share of them attributed to ChatGPT.
    OrdersRandom {
        #[arg(long, default_value_t = 10)]
        count: u64,
        #[arg(long, default_value_t = 0.3)]
        chatgpt_share: f64,
    },
    /// Change an order's status (fires order.updated).
    OrderStatus { id: u64, status: String },
    /// Queue one-shot faults: 429, 500, 502, 503, timeout, drop, truncate, wrong-types, php-notice.
    Fault { kinds: Vec<String> },
    /// Replace all fault settings with this JSON (see docs/simulator.md).
    Faults { json: String },
    /// Clear all faults.
    FaultsClear,
    /// Create an API key (read, write, read_write).
    KeyCreate {
        #[arg(long, default_value = "read_write")]
        permissions: String,
    },
    /// Revoke an API key by consumer key or key id.
    KeyRevoke { key: String },
    /// List webhook delivery attempts.
    Deliveries,
}

fn parse_fault(s: &str, retry_after: u64) -> anyhow::Result<Fault> {
    Ok(match s {
        "429" | "rate-limit" => Fault::RateLimit { retry_after },
        "timeout" => Fault::Timeout { secs: 120 },
        "drop" => Fault::Drop,
        "truncate" => Fault::Truncate,
        "wrong-types" => Fault::WrongTypes,
        "php-notice" => Fault::PhpNotice,
        n => {
            let status: u16 = n.parse().with_context(|| format!("unknown fault {n:?}"))?;
            Fault::Status { status, retry_after: if status == 503 { Some(retry_after) } else { None } }
        }
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub fn run(a: SimArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Runtime::new()?;
    match a.command {
        Some(SimCommand::Generate(g)) => generate(g),
        Some(SimCommand::Ctl(c)) => rt.block_on(ctl(c)),
        Some(SimCommand::FeedReceiver(f)) => {
            init_tracing();
            rt.block_on(feed_receiver(f))
        }
        None => {
            init_tracing();
            rt.block_on(serve(a.serve))
        }
    }
}

fn generate(g: GenerateArgs) -> anyhow::Result<ExitCode> {
    let opts = woo::export::GenerateOptions { products: g.products, seed: g.seed, store_url: g.store_url, currency: g.currency, store_country: g.store_country, seller_name: g.seller_name };
    let s = woo::export::generate_to_dir(&opts, &g.out).with_context(|| format!("writing {}", g.out.display()))?;
    println!("wrote {} products, {} variations, {} categories to {}", s.products, s.variations, s.categories, g.out.display());
    Ok(ExitCode::SUCCESS)
}

async fn serve(s: ServeArgs) -> anyhow::Result<ExitCode> {
    let catalog = if s.sample || s.products.is_none() {
        match woo::sample::find_sample_dir(s.sample_dir.as_deref()) {
            Ok(dir) => CatalogSource::Sample { dir: Some(dir) },
            Err(e) if s.sample => return Err(e.into()),
            Err(_) => CatalogSource::Generated { products: 200, seed: s.seed },
        }
    } else {
        CatalogSource::Generated { products: s.products.unwrap_or(200), seed: s.seed }
    };
    let mut queue = Vec::new();
    for f in &s.faults {
        queue.push(parse_fault(f, s.retry_after)?);
    }
    let random_fault = if s.error_status == 429 { Fault::RateLimit { retry_after: s.retry_after } } else { Fault::Status { status: s.error_status, retry_after: Some(s.retry_after) } };
    let faults = Faults {
        latency_ms: s.latency_ms,
        jitter_ms: s.jitter_ms,
        queue,
        error_rate: s.error_rate,
        random_fault: Some(random_fault),
        route_filter: s.fault_route.clone(),
        failing_products: s.failing_products.iter().copied().collect(),
        malformed_products: s.malformed_products.iter().copied().collect(),
    };
    let bind = format!("{}:{}", s.host, s.port).parse().with_context(|| format!("bad --host/--port {}:{}", s.host, s.port))?;
    let cfg = SimConfig {
        catalog,
        bind,
        public_url: s.public_url,
        https: !s.plain_http,
        pretty_permalinks: !s.no_pretty_permalinks,
        utc_offset_secs: s.utc_offset_minutes * 60,
        currency: s.currency,
        currency_symbol: s.currency_symbol,
        store_country: s.store_country,
        store_name: s.store_name,
        consumer_key: s.consumer_key,
        consumer_secret: s.consumer_secret,
        state_file: s.state,
        faults,
        initial_orders: s.orders,
        chatgpt_share: s.chatgpt_share,
        webhook_retries: s.webhook_retries,
        webhook_retry_delay: Duration::from_millis(s.webhook_retry_delay_ms),
        webhook_timeout: Duration::from_millis(s.webhook_timeout_ms),
        webhook_max_failures: s.webhook_max_failures,
        wc_auth_require_https_callback: s.strict_wc_auth,
        strip_authorization: s.strip_auth_header,
        woocommerce_active: !s.woocommerce_inactive,
        ..SimConfig::default()
    };
    let catalog_desc = match &cfg.catalog {
        CatalogSource::Generated { products, seed } => format!("generated, {products} products, seed {seed}"),
        CatalogSource::Sample { dir } => format!("WooCommerce sample catalog from {}", dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default()),
    };
    let handle = SimStore::start(cfg).await?;
    let (ck, cs) = handle.credentials();
    println!("WooCommerce simulator at {} ({catalog_desc})", handle.base_url());
    println!("  REST:     {}/wp-json/wc/v3/products", handle.base_url());
    println!("  key:      {ck}");
    println!("  secret:   {cs}");
    println!("  control:  {}/__sim/state", handle.base_url());
    println!("  wc-auth:  {}/wc-auth/v1/authorize?app_name=...&scope=read_write&user_id=...&return_url=...&callback_url=...", handle.base_url());
    let ctl = handle.control();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    ctl.stop();
                    return;
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        ctl.stop();
    });
    handle.wait().await;
    Ok(ExitCode::SUCCESS)
}

async fn ctl(c: CtlArgs) -> anyhow::Result<ExitCode> {
    use woo::ctl_client::control_request as req;
    let u = c.url.as_str();
    let out: Value = match c.action {
        CtlAction::State => req(u, "GET", "state", None).await?,
        CtlAction::ProductUpdate { id, price, sale_price, stock, title, status } => {
            let body = json!({ "regular_price": price, "sale_price": sale_price, "stock_quantity": stock, "name": title, "status": status });
            req(u, "PATCH", &format!("products/{id}"), Some(&body)).await?
        }
        CtlAction::ProductCreate { title, price, sku, gtin } => req(u, "POST", "products", Some(&json!({ "name": title, "regular_price": price, "sku": sku, "global_unique_id": gtin }))).await?,
        CtlAction::ProductDelete { id, force } => req(u, "DELETE", &format!("products/{id}?force={force}"), None).await?,
        CtlAction::ProductRestore { id } => req(u, "POST", &format!("products/{id}/restore"), None).await?,
        CtlAction::Order { product, variation, quantity, attribution, status } => {
            let body = json!({ "line_items": [{ "product_id": product, "variation_id": variation, "quantity": quantity }], "attribution": attribution, "status": status });
            req(u, "POST", "orders", Some(&body)).await?
        }
        CtlAction::OrdersRandom { count, chatgpt_share } => req(u, "POST", "orders/random", Some(&json!({ "count": count, "chatgpt_share": chatgpt_share }))).await?,
        CtlAction::OrderStatus { id, status } => req(u, "PATCH", &format!("orders/{id}"), Some(&json!({ "status": status }))).await?,
        CtlAction::Fault { kinds } => {
            let faults = kinds.iter().map(|k| parse_fault(k, 1)).collect::<anyhow::Result<Vec<_>>>()?;
            req(u, "POST", "faults", Some(&serde_json::to_value(faults)?)).await?
        }
        CtlAction::Faults { json } => {
            let v: Value = serde_json::from_str(&json).context("faults JSON")?;
            req(u, "PUT", "faults", Some(&v)).await?
        }
        CtlAction::FaultsClear => req(u, "DELETE", "faults", None).await?,
        CtlAction::KeyCreate { permissions } => req(u, "POST", "keys", Some(&json!({ "permissions": permissions }))).await?,
        CtlAction::KeyRevoke { key } => req(u, "DELETE", &format!("keys/{key}"), None).await?,
        CtlAction::Deliveries => req(u, "GET", "deliveries", None).await?,
    };
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
