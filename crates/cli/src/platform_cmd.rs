//! `serve`, `migrate`, `demo`: the platform commands (issue 5).
//!
//! Exit codes: 0 clean exit (also after SIGTERM/SIGINT), 1 runtime failure (database down,
//! port taken…), 2 invalid configuration (the message names the variable; also `TLS_CERT`/`TLS_KEY`
//! files that cannot be loaded and a `REDIS_URL` that does not answer).

use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use anyhow::Context as _;
use productsynch_api::{ApiSettings, AppState};
use productsynch_core::config::{Config, LogFormat};
use productsynch_core::{App, worker};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Which parts of the product this process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// HTTP API + job workers + scheduler (single-machine default).
    All,
    /// Only the HTTP API (scale horizontally behind a load balancer).
    Api,
    /// Only job workers and the scheduler (plus /healthz, /readyz and /metrics on HOST:PORT).
    Worker,
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Which parts to run in this process.
    #[arg(long, value_enum, default_value_t = Role::All, env = "ROLE")]
    pub role: Role,
}

#[derive(clap::Args, Debug)]
pub struct MigrateArgs {}

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Email of the demo account (created if missing).
    #[arg(long, default_value = "demo@productsynch.test")]
    pub email: String,
    /// Password of the demo account (used only when the account is created).
    #[arg(long, default_value = "demo-password-2026")]
    pub password: String,
    /// Port of the embedded WooCommerce store simulator (0 = any free port).
    #[arg(long, default_value_t = 8081)]
    pub store_port: u16,
    /// Products in the simulated store's generated catalog.
    #[arg(long, default_value_t = 250)]
    pub store_products: u64,
    /// Do not start the store simulator.
    #[arg(long)]
    pub no_store: bool,
}

// ---------------------------------------------------------------- startup helpers

/// A configuration value that proves invalid only when used (`TLS_CERT`/`TLS_KEY` files that
/// cannot be read, a `REDIS_URL` that does not answer): `serve` exits with code 2 for it, as for
/// any other invalid configuration. The message names the variable.
#[derive(Debug)]
struct ConfigError(anyhow::Error);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Exit code and message of a failed `run`: 2 for a [`ConfigError`], 1 otherwise.
fn failure_code(e: &anyhow::Error) -> ExitCode {
    if e.is::<ConfigError>() {
        tracing::error!(error = format!("{e:#}"), "invalid configuration");
        eprintln!("configuration error: {e:#}");
        ExitCode::from(2)
    } else {
        tracing::error!(error = format!("{e:#}"), "serve failed");
        eprintln!("error: {e:#}");
        ExitCode::from(1)
    }
}

/// Loads `.env` + environment; on error prints a message naming the variable.
fn load_config() -> Result<(Config, ApiSettings), ExitCode> {
    let config = Config::from_env().map_err(|e| {
        eprintln!("configuration error: {e}");
        ExitCode::from(2)
    })?;
    let settings = ApiSettings::from_env().map_err(|e| {
        eprintln!("configuration error: {e}");
        ExitCode::from(2)
    })?;
    Ok((config, settings))
}

/// tracing-subscriber with `RUST_LOG` (default `info,sqlx=warn,sea_orm=warn`); JSON lines when
/// `LOG_FORMAT=json` (the default in production).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(true).with_ansi(ansi);
    let res = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    if let Err(e) = res {
        eprintln!("note: tracing already initialised: {e}");
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")
}

/// Cancels `token` on SIGTERM or SIGINT (Ctrl-C).
fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut term = match signal(SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for SIGTERM");
                    return;
                }
            };
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received: shutting down"),
                _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT received: shutting down"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C received: shutting down");
        }
        token.cancel();
    });
}

/// Runs the chosen roles until a signal (or a failing part) stops them; returns the exit code.
async fn run(app: App, settings: ApiSettings, role: Role, shutdown: CancellationToken) -> anyhow::Result<ExitCode> {
    let config = app.config().clone();
    let grace = config.worker.shutdown_timeout;
    let mut tasks: JoinSet<(&'static str, anyhow::Result<()>)> = JoinSet::new();

    // Job, sync and feed counters are recorded in every role, so install the recorder first.
    let _ = productsynch_api::metrics_export::handle();
    let tls = match &config.tls {
        Some(t) => Some(productsynch_api::server::load_tls(&t.cert, &t.key).map_err(ConfigError)?),
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let addr = format!("{}:{}", config.host, config.port);
    let listener = TcpListener::bind(&addr).with_context(|| format!("HOST/PORT: cannot listen on {addr}"))?;
    let local: SocketAddr = listener.local_addr()?;
    if matches!(role, Role::All | Role::Api) {
        let state = AppState::new(app.clone(), settings).await.map_err(ConfigError)?;
        tracing::info!(
            address = %format!("{scheme}://{local}"),
            public_url = %config.public_url,
            rate_limits = state.limiter.backend(),
            web_app = productsynch_api::spa::embedded(),
            "listening"
        );
        let router = productsynch_api::router::build(state);
        let token = shutdown.clone();
        tasks.spawn(async move {
            ("api", productsynch_api::server::serve(listener, router, tls, token, grace).await)
        });
    } else {
        // A worker-only process answers /healthz, /readyz and /metrics on its port (no API), so
        // it can be probed and scraped like the API processes.
        let state = AppState::for_ops(app.clone(), settings);
        tracing::info!(address = %format!("{scheme}://{local}"), "ops endpoints listening (/healthz, /readyz, /metrics)");
        let router = productsynch_api::router::build_ops(state);
        let token = shutdown.clone();
        tasks.spawn(async move {
            ("ops", productsynch_api::server::serve(listener, router, tls, token, grace).await)
        });
    }
    if matches!(role, Role::All | Role::Worker) {
        let app = app.clone();
        let token = shutdown.clone();
        tasks.spawn(async move { ("worker", worker::run(app, token).await) });
    }

    let mut code = ExitCode::SUCCESS;
    // The first part to end (normally because of the signal) stops the others.
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((name, Ok(()))) => {
                if !shutdown.is_cancelled() {
                    tracing::error!(part = name, "stopped unexpectedly; shutting down");
                    code = ExitCode::from(1);
                }
                tracing::info!(part = name, "stopped");
            }
            Ok((name, Err(e))) => {
                tracing::error!(part = name, error = format!("{e:#}"), "failed; shutting down");
                code = ExitCode::from(1);
            }
            Err(e) => {
                tracing::error!(error = %e, "a task panicked; shutting down");
                code = ExitCode::from(1);
            }
        }
        shutdown.cancel();
    }
    tracing::info!("shutdown complete");
    Ok(code)
}

async fn start_app(config: Config) -> Result<App, ExitCode> {
    App::start(config).await.map_err(|e| {
        tracing::error!(error = format!("{e:#}"), "cannot start (database connection or migration failed)");
        eprintln!("error: cannot start: {e:#}");
        ExitCode::from(1)
    })
}

// ---------------------------------------------------------------- commands

pub fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let (config, settings) = match load_config() {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    init_tracing(config.log_format);
    runtime()?.block_on(async move {
        let shutdown = CancellationToken::new();
        cancel_on_signal(shutdown.clone());
        let app = match start_app(config).await {
            Ok(app) => app,
            Err(code) => return Ok(code),
        };
        match run(app, settings, a.role, shutdown).await {
            Ok(code) => Ok(code),
            Err(e) => Ok(failure_code(&e)),
        }
    })
}

pub fn migrate(_a: MigrateArgs) -> anyhow::Result<ExitCode> {
    let (config, _) = match load_config() {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    init_tracing(config.log_format);
    runtime()?.block_on(async move {
        let db = match productsynch_db::connect_with(config.database_url.expose(), &config.connect_settings()).await {
            Ok(db) => db,
            Err(e) => {
                eprintln!("error: DATABASE_URL: cannot connect: {e}");
                return Ok(ExitCode::from(1));
            }
        };
        let before = productsynch_db::applied_migrations(&db).await.unwrap_or_default();
        if let Err(e) = productsynch_db::migrate(&db).await {
            eprintln!("error: migration failed: {e}");
            return Ok(ExitCode::from(1));
        }
        let after = productsynch_db::applied_migrations(&db).await.context("reading the migration ledger")?;
        let new: Vec<_> = after.iter().filter(|m| !before.contains(m)).collect();
        if new.is_empty() {
            println!("database is up to date ({} migrations applied)", after.len());
        } else {
            for m in &new {
                println!("applied {m}");
            }
            println!("{} new migration(s); {} in total", new.len(), after.len());
        }
        let _ = db.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

pub fn demo(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let (mut config, settings) = match load_config() {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    // The simulated store lives on loopback: let store URLs point there.
    config.allow_private_network = true;
    init_tracing(config.log_format);
    runtime()?.block_on(async move {
        let shutdown = CancellationToken::new();
        cancel_on_signal(shutdown.clone());
        let public_url = config.public_url.clone();
        let store = if a.no_store {
            None
        } else {
            let sim = productsynch_sim::woo::SimConfig {
                catalog: productsynch_sim::woo::CatalogSource::Generated { products: a.store_products, seed: 42 },
                bind: SocketAddr::from(([127, 0, 0, 1], a.store_port)),
                store_name: "Demo Outdoor Store".into(),
                consumer_key: Some("ck_demo0000000000000000000000000000000000".into()),
                consumer_secret: Some("cs_demo0000000000000000000000000000000000".into()),
                state_file: Some(config.data_dir.join("demo-store.json")),
                initial_orders: 200,
                ..Default::default()
            };
            match productsynch_sim::woo::SimStore::start(sim).await {
                Ok(h) => Some(h),
                Err(e) => {
                    eprintln!("error: cannot start the store simulator on port {}: {e} (try --store-port 0)", a.store_port);
                    return Ok(ExitCode::from(1));
                }
            }
        };
        let app = match start_app(config).await {
            Ok(app) => app,
            Err(code) => return Ok(code),
        };
        let created = ensure_demo_account(&app, &a.email, &a.password).await?;
        if let Some(store) = &store {
            connect_demo_store(&app, &a.email, store).await?;
        }
        println!();
        println!("  ProductSynch demo is starting at {public_url}");
        println!("  Sign in with   email: {}", a.email);
        if created {
            println!("              password: {}", a.password);
        } else {
            println!("              password: (unchanged since the account was created; default {})", a.password);
        }
        if let Some(store) = &store {
            let (ck, cs) = store.credentials();
            println!("  Simulated WooCommerce store: {}", store.base_url());
            println!("    consumer key:    {ck}");
            println!("    consumer secret: {cs}");
        }
        println!("  Stop with Ctrl-C.");
        println!();
        let code = run(app, settings, Role::All, shutdown).await;
        if let Some(store) = store {
            store.shutdown().await;
        }
        Ok(code.unwrap_or_else(|e| failure_code(&e)))
    })
}

/// Connects the simulated store to the demo account with its known keys (idempotent: the same shop is reused,
/// our old webhooks replaced, and a FULL sync queued, deduplicated) so the demo opens on a synced catalog.
async fn connect_demo_store(app: &App, email: &str, store: &productsynch_sim::woo::SimHandle) -> anyhow::Result<()> {
    let user = app
        .accounts()
        .find_by_email(email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo account {email} does not exist"))?;
    let (ck, cs) = store.credentials();
    let shop = productsynch_core::shops::connect_with_keys(app, &user.id, &store.base_url(), &ck, &cs)
        .await
        .map_err(|e| anyhow::anyhow!("connecting the simulated store: {e}"))?;
    println!("  Connected the simulated store as shop {}; the initial sync runs in the background.", shop.id);
    Ok(())
}

/// Creates the demo account unless it exists; returns whether it was created now.
async fn ensure_demo_account(app: &App, email: &str, password: &str) -> anyhow::Result<bool> {
    use productsynch_core::accounts::{ClientInfo, RegisterInput};
    let input = RegisterInput { email: email.to_owned(), password: password.to_owned(), name: Some("Demo".into()) };
    match app.accounts().register(input, &ClientInfo::default()).await {
        Ok(_) => Ok(true),
        Err(productsynch_core::Error::Conflict { .. }) => Ok(false),
        Err(e) => Err(anyhow::anyhow!("creating the demo account: {e}")),
    }
}
