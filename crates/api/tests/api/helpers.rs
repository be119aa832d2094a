//! `spawn_app`: the real router on 127.0.0.1:0 over a fresh, migrated database.

use std::sync::LazyLock;
use std::time::Duration;

use productsynch_api::rate_limit::{RateLimitSettings, Rule};
use productsynch_api::{ApiSettings, AppState};
use productsynch_core::App;
use productsynch_core::config::Config;
use productsynch_db::test_support::TestDb;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// Logs only when `TEST_LOG` is set.
static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt().with_env_filter("info,sqlx=warn,sea_orm=warn").with_test_writer().try_init();
    }
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Options of one test server.
#[derive(Clone)]
pub struct Opts {
    pub rate_limits: RateLimitSettings,
    pub redis: Option<(String, String)>,
    pub public_url: Option<String>,
    pub body_limit: Option<usize>,
    /// `ALLOW_PRIVATE_NETWORK` (true by default in tests, like `Config::for_tests`).
    pub allow_private_network: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Self {
            // generous: the stories below must not trip the limiter unless they mean to
            rate_limits: RateLimitSettings {
                auth_per_ip: Rule::new(10_000, Duration::from_secs(60)),
                auth_per_account: Rule::new(10_000, Duration::from_secs(60)),
            },
            redis: None,
            public_url: None,
            body_limit: None,
            allow_private_network: true,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub client: reqwest::Client,
    shutdown: CancellationToken,
    _dir: tempfile::TempDir,
    _db: Option<TestDb>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub async fn test_db(backend: Backend) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => Some(TestDb::sqlite().await),
        Backend::Postgres => TestDb::postgres().await,
    }
}

/// A server on a fresh database; `None` when the backend is not available (PostgreSQL
/// without `TEST_DATABASE_URL`, which `make test` always sets).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, Opts::default()).await
}

pub async fn spawn_app_with(backend: Backend, opts: Opts) -> Option<TestApp> {
    let db = test_db(backend).await?;
    let (conn, url) = (db.db.clone(), db.url.clone());
    Some(spawn_on(conn, &url, Some(db), opts).await)
}

/// A server on an existing database (two servers can share one).
pub async fn spawn_on(
    conn: productsynch_db::DatabaseConnection,
    url: &str,
    keep: Option<TestDb>,
    opts: Opts,
) -> TestApp {
    LazyLock::force(&TRACING);
    productsynch_api::server::install_crypto_provider();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_tests(dir.path(), url);
    if let Some(u) = &opts.public_url {
        config.public_url = u.parse().expect("public url");
    }
    config.allow_private_network = opts.allow_private_network;
    if let Some((redis_url, _)) = &opts.redis {
        config.redis_url = Some(productsynch_core::config::Secret::new(redis_url.clone()));
    }
    let app = App::from_parts(config, conn).expect("build app");
    let mut settings = ApiSettings { rate_limits: opts.rate_limits.clone(), ..ApiSettings::default() };
    if let Some((_, prefix)) = &opts.redis {
        settings.redis_prefix = prefix.clone();
    }
    if let Some(limit) = opts.body_limit {
        settings.body_limit = limit;
    }
    let state = AppState::new(app.clone(), settings).await.expect("state");
    spawn_router(productsynch_api::router::build(state), app, dir, keep).await
}

pub async fn spawn_router(router: axum::Router, app: App, dir: tempfile::TempDir, keep: Option<TestDb>) -> TestApp {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let shutdown = CancellationToken::new();
    let token = shutdown.clone();
    tokio::spawn(async move {
        productsynch_api::server::serve(listener, router, None, token, Duration::from_secs(5)).await.expect("server")
    });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { base: format!("http://{addr}"), app, client, shutdown, _dir: dir, _db: keep }
}

pub fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::now_v7().simple())
}

pub const PASSWORD: &str = "correct horse battery";

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub async fn from(r: reqwest::Response) -> Resp {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, headers, body, text }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok().map(str::to_owned)).collect()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().into_iter().find(|c| c.starts_with(&format!("{name}=")))
    }

    /// Asserts an RFC 9457 problem with this status.
    pub fn assert_problem(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "body: {}", self.text);
        assert_eq!(self.body["status"], status);
        assert!(self.body["type"].as_str().is_some_and(|t| t.starts_with("https://")), "type: {}", self.text);
        assert!(self.body["title"].is_string());
        assert!(self.body["detail"].is_string());
        &self.body
    }

    pub fn field_codes(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| (e["field"].as_str().unwrap_or("").into(), e["code"].as_str().unwrap_or("").into()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        Resp::from(self.client.post(self.url(path)).json(&body).send().await.expect("request")).await
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> Resp {
        Resp::from(self.client.post(self.url(path)).bearer_auth(token).json(&body).send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        Resp::from(self.client.get(self.url(path)).send().await.expect("request")).await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Resp {
        Resp::from(self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request")).await
    }

    pub async fn register(&self, email: &str, password: &str) -> Resp {
        self.post("/api/v1/auth/register", json!({"email": email, "password": password, "name": "Test User"})).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.post("/api/v1/auth/login", json!({"email": email, "password": password})).await
    }

    /// A connected, synced shop of `user_id` written straight to the database (no store is asked), with its
    /// consumer secret encrypted as the API would store it; returns the shop id.
    pub async fn insert_shop(&self, user_id: &str, store_url: &str, consumer_key: &str, name: &str) -> String {
        use productsynch_db::entities::{SyncStatus, shops};
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let now = chrono::Utc::now();
        let id = productsynch_db::ids::new_id(productsynch_db::ids::SHOP);
        shops::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user_id.to_owned()),
            woo_store_url: Set(store_url.into()),
            woo_consumer_key: Set(consumer_key.into()),
            woo_consumer_secret: Set(self.app.crypto().encrypt("cs_test")),
            shop_name: Set(name.into()),
            shop_currency: Set("USD".into()),
            is_connected: Set(true),
            sync_status: Set(SyncStatus::Completed),
            sync_enabled: Set(true),
            openai_enabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.app.db())
        .await
        .expect("shop");
        id
    }

    /// Registers a new user; returns (email, access token, refresh token, user id).
    pub async fn user(&self, tag: &str) -> (String, String, String, String) {
        let email = unique_email(tag);
        let r = self.register(&email, PASSWORD).await;
        assert_eq!(r.status, 201, "register: {}", r.text);
        (
            email,
            r.body["accessToken"].as_str().expect("access").to_owned(),
            r.body["refreshToken"].as_str().expect("refresh").to_owned(),
            r.body["user"]["id"].as_str().expect("id").to_owned(),
        )
    }

    /// Waits (bounded) for an email to `to` whose text contains `needle`; returns its text body.
    pub async fn mail_containing(&self, to: &str, needle: &str) -> Option<String> {
        for _ in 0..100 {
            let r = self.get(&format!("/api/v1/dev/outbox?to={}", urlencode(to))).await;
            assert_eq!(r.status, 200, "outbox: {}", r.text);
            if let Some(text) = r.body["emails"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m["textBody"].as_str())
                .find(|t| t.contains(needle))
            {
                return Some(text.to_owned());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

pub fn urlencode(s: &str) -> String {
    s.replace('@', "%40").replace('+', "%2B")
}

/// Extracts `token=…` from a link in an email body.
pub fn token_from(text: &str) -> String {
    let start = text.find("token=").expect("a token link") + "token=".len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Runs one async story on SQLite and on PostgreSQL as two tests.
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let Some($app) = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await else { return };
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await else { return };
                $body
            }
        }
    };
}

/// Fast sync tuning for tests against the simulator (short timeouts and retry delays). The tuning is
/// process-wide and tests run side by side, so every test sets the same values.
pub fn fast_sync_tuning() {
    productsynch_core::sync::set_tuning(productsynch_core::sync::SyncTuning {
        requests_per_sec: 0,
        concurrency: 4,
        timeout: std::time::Duration::from_secs(2),
        retry: productsynch_woo::RetryPolicy {
            max_retries: 4,
            min_delay: std::time::Duration::from_millis(10),
            max_delay: std::time::Duration::from_millis(200),
            max_retry_after: std::time::Duration::from_secs(2),
        },
        per_page: 20,
        incremental_overlap: chrono::Duration::minutes(10),
    });
}
