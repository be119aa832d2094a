//! Email notification preferences (`GET`/`PATCH /auth/me/settings`) and the two owner emails they
//! govern, on SQLite and PostgreSQL:
//! * a sync that fails for good (every store request answers 500) sends one "Sync failed" email,
//!   and none once the owner turned `notifySyncFailures` off;
//! * the health check's disconnection email is not sent when `notifyStoreDisconnected` is off.

use std::time::Duration;

use chrono::{Timelike, Utc};
use productsynch_api::{ApiSettings, AppState};
use productsynch_core::App;
use productsynch_core::config::Config;
use productsynch_db::entities::{JobStatus, user_settings};
use productsynch_db::test_support::TestDb;
use productsynch_sim::woo::{CatalogSource, Fault, Faults, SimConfig, SimHandle, SimStore};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::both;
use crate::helpers::*;

const SETTINGS: &str = "/api/v1/auth/me/settings";

fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

async fn patch_settings(t: &TestApp, token: &str, body: Value) -> Resp {
    Resp::from(t.client.patch(t.url(SETTINGS)).bearer_auth(token).json(&body).send().await.expect("request")).await
}

// ------------------------------------------------------------------ API

both!(settings_default_on_and_patch_round_trips, |t| {
    let (_, access, _, user_id) = t.user("notif").await;
    let r = t.get_auth(SETTINGS, &access).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({"notifySyncFailures": true, "notifyStoreDisconnected": true}));

    // one member changes only that one
    let r = patch_settings(&t, &access, json!({"notifySyncFailures": false})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({"notifySyncFailures": false, "notifyStoreDisconnected": true}));
    let r = t.get_auth(SETTINGS, &access).await;
    assert_eq!(r.body, json!({"notifySyncFailures": false, "notifyStoreDisconnected": true}));

    let r = patch_settings(&t, &access, json!({"notifySyncFailures": true, "notifyStoreDisconnected": false})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = t.get_auth(SETTINGS, &access).await;
    assert_eq!(r.body, json!({"notifySyncFailures": true, "notifyStoreDisconnected": false}));
    // stored in the user's settings row
    let row = user_settings::Entity::find_by_id(user_id.clone()).one(t.app.db()).await.expect("db").expect("row");
    assert!(row.notify_sync_failures && !row.notify_store_disconnected);

    // an empty patch changes nothing
    let r = patch_settings(&t, &access, json!({})).await;
    assert_eq!(r.body, json!({"notifySyncFailures": true, "notifyStoreDisconnected": false}), "{}", r.text);

    // a user without a settings row (an older account) gets one with the defaults
    user_settings::Entity::delete_by_id(user_id.clone()).exec(t.app.db()).await.expect("delete row");
    let r = t.get_auth(SETTINGS, &access).await;
    assert_eq!(r.body, json!({"notifySyncFailures": true, "notifyStoreDisconnected": true}), "{}", r.text);
    assert!(user_settings::Entity::find_by_id(user_id).one(t.app.db()).await.expect("db").is_some());
});

both!(settings_bad_input_is_422_naming_the_field, |t| {
    let (_, access, ..) = t.user("notif-bad").await;
    for (body, field) in [
        (json!({"notifySyncFailures": "yes"}), "notifySyncFailures"),
        (json!({"notifyStoreDisconnected": 1}), "notifyStoreDisconnected"),
        (json!({"notifySyncFailures": true, "weeklyReport": true}), ""),
    ] {
        let r = patch_settings(&t, &access, body.clone()).await;
        r.assert_problem(422);
        let fields = r.field_codes();
        assert_eq!(fields.len(), 1, "{body}: {}", r.text);
        if !field.is_empty() {
            assert_eq!(fields[0], (field.to_owned(), "invalid_type".to_owned()), "{body}: {}", r.text);
        } else {
            assert!(r.text.contains("weeklyReport"), "the unknown member is named: {}", r.text);
        }
    }
    // nothing was changed by the refused requests
    let r = t.get_auth(SETTINGS, &access).await;
    assert_eq!(r.body, json!({"notifySyncFailures": true, "notifyStoreDisconnected": true}));
    // not JSON at all
    let r = Resp::from(
        t.client.patch(t.url(SETTINGS)).bearer_auth(&access).header("content-type", "application/json").body("{").send().await.unwrap(),
    )
    .await;
    r.assert_problem(400);
});

both!(settings_need_a_session_and_csrf_with_cookies, |t| {
    assert_eq!(t.get(SETTINGS).await.assert_problem(401)["code"], "unauthenticated");
    let r = Resp::from(t.client.patch(t.url(SETTINGS)).json(&json!({"notifySyncFailures": false})).send().await.unwrap()).await;
    r.assert_problem(401);
    t.get_auth(SETTINGS, "not.a.jwt").await.assert_problem(401);

    let r = t.register(&unique_email("notif-csrf"), PASSWORD).await;
    assert_eq!(r.status, 201);
    let csrf_pair = pair(&r.cookie("ps_csrf").unwrap());
    let csrf = csrf_pair.trim_start_matches("ps_csrf=").to_owned();
    let cookies = format!("{}; {}", pair(&r.cookie("ps_access").unwrap()), csrf_pair);
    let r = Resp::from(t.client.get(t.url(SETTINGS)).header("cookie", &cookies).send().await.unwrap()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let patch = |with_csrf: bool| {
        let mut rb = t.client.patch(t.url(SETTINGS)).header("cookie", &cookies).json(&json!({"notifySyncFailures": false}));
        if with_csrf {
            rb = rb.header("x-csrf-token", &csrf);
        }
        async move { Resp::from(rb.send().await.unwrap()).await }
    };
    patch(false).await.assert_problem(403);
    let r = patch(true).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["notifySyncFailures"], false);
});

// ------------------------------------------------------------------ emails


struct Env {
    base: String,
    app: App,
    client: reqwest::Client,
    token: String,
    email: String,
    sim: SimHandle,
    shutdown: CancellationToken,
    _dir: tempfile::TempDir,
    _db: TestDb,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn env(backend: Backend) -> Option<Env> {
    let db = test_db(backend).await?;
    crate::helpers::fast_sync_tuning();
    productsynch_api::server::install_crypto_provider();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let dir = tempfile::tempdir().expect("dir");
    let mut config = Config::for_tests(dir.path(), &db.url);
    config.public_url = format!("http://{addr}").parse().expect("url");
    let app = App::from_parts(config, db.db.clone()).expect("app");
    let state = AppState::new(app.clone(), ApiSettings::default()).await.expect("state");
    let router = productsynch_api::router::build(state);
    let shutdown = CancellationToken::new();
    let t = shutdown.clone();
    tokio::spawn(async move { productsynch_api::server::serve(listener, router, None, t, Duration::from_secs(5)).await.expect("serve") });
    let sim = SimStore::start(SimConfig { catalog: CatalogSource::Generated { products: 5, seed: 7 }, webhook_retries: 0, ..SimConfig::default() })
        .await
        .expect("sim");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let base = format!("http://{addr}");
    let email = unique_email("notify");
    let r = Resp::from(
        client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": email, "password": PASSWORD, "name": "Merchant"}))
            .send()
            .await
            .expect("register"),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.body["accessToken"].as_str().expect("token").to_owned();
    Some(Env { base, app, client, token, email, sim, shutdown, _dir: dir, _db: db })
}

impl Env {
    fn start_worker(&self, id: &str) -> CancellationToken {
        let stop = self.shutdown.child_token();
        let opts = productsynch_core::worker::WorkerOptions { worker_id: id.into(), scheduler: false };
        tokio::spawn(productsynch_core::worker::run_with(self.app.clone(), stop.clone(), opts));
        stop
    }

    async fn req(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Resp {
        let mut rb = self.client.request(method, format!("{}{}", self.base, path)).bearer_auth(&self.token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        Resp::from(rb.send().await.expect("request")).await
    }

    async fn set_prefs(&self, body: Value) {
        let r = self.req(reqwest::Method::PATCH, SETTINGS, Some(body)).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    async fn connect(&self) -> String {
        let (ck, cs) = self.sim.credentials();
        let r = self
            .req(reqwest::Method::POST, "/api/v1/shops", Some(json!({"storeUrl": self.sim.base_url(), "consumerKey": ck, "consumerSecret": cs})))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["shopId"].as_str().expect("shopId").to_owned()
    }

    async fn wait_for(&self, what: &str, mut check: impl AsyncFnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while std::time::Instant::now() < deadline {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what} (120 s)");
    }

    /// Non-webhook batches of the shop with this status.
    async fn batches(&self, shop: &str, status: &str) -> Vec<Value> {
        let r = self.req(reqwest::Method::GET, &format!("/api/v1/shops/{shop}/sync/history?limit=50"), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["batches"].as_array().expect("batches").iter().filter(|b| b["status"] == status).cloned().collect()
    }

    async fn job_status(&self, job: &str) -> String {
        let r = self.req(reqwest::Method::GET, &format!("/api/v1/jobs/{job}"), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["status"].as_str().unwrap_or_default().to_owned()
    }

    /// Emails of one template in the dev outbox for the owner.
    async fn emails(&self, template: &str) -> Vec<Value> {
        let r = self.req(reqwest::Method::GET, &format!("/api/v1/dev/outbox?to={}", urlencode(&self.email)), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["emails"].as_array().expect("emails").iter().filter(|m| m["template"] == template).cloned().collect()
    }

    /// Every store REST request answers 500 from now on.
    fn break_store(&self) {
        self.sim.control().set_faults(Faults {
            error_rate: 1.0,
            random_fault: Some(Fault::Status { status: 500, retry_after: None }),
            ..Faults::default()
        });
    }
}

async fn sync_failure_emails_once_unless_turned_off(e: Env) {
    // connected while the store works; its first sync is queued (no worker yet) and then the store breaks
    let shop = e.connect().await;
    e.break_store();
    let _worker = e.start_worker("notify-sync");
    e.wait_for("a FAILED batch", async || !e.batches(&shop, "FAILED").await.is_empty()).await;
    e.wait_for("the sync failure email", async || !e.emails("sync_failed").await.is_empty()).await;
    let failed = e.batches(&shop, "FAILED").await;
    assert_eq!(failed.len(), 1);
    let reason = failed[0]["errors"].as_array().and_then(|a| a.last()).and_then(|m| m["message"].as_str()).expect("the batch's error").to_owned();
    let mails = e.emails("sync_failed").await;
    assert_eq!(mails.len(), 1, "one email for one failed batch (not one per attempt): {mails:?}");
    assert!(mails[0]["subject"].as_str().is_some_and(|s| s.starts_with("Sync failed for")), "{:?}", mails[0]);
    let text = mails[0]["textBody"].as_str().expect("text");
    assert!(text.contains(&format!("{}/shops/{shop}/sync", e.base)), "links to the shop's sync page: {text}");
    assert!(!reason.is_empty() && text.contains(&reason), "says what went wrong ({reason}): {text}");
    // the shop stays connected (a failing store is not a revoked key) and nothing else was mailed
    assert!(e.emails("store_disconnected").await.is_empty());

    // the owner turns sync failure emails off; the next failed sync sends nothing
    e.set_prefs(json!({"notifySyncFailures": false})).await;
    let r = e.req(reqwest::Method::POST, &format!("/api/v1/shops/{shop}/sync"), Some(json!({}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let job = r.body["jobId"].as_str().expect("jobId").to_owned();
    e.wait_for("the second sync to die", async || e.job_status(&job).await == "dead").await;
    assert_eq!(e.batches(&shop, "FAILED").await.len(), 2, "the second sync failed too");
    assert_eq!(e.emails("sync_failed").await.len(), 1, "no email after opting out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_failed_email_sqlite() {
    let Some(e) = env(Backend::Sqlite).await else { return };
    sync_failure_emails_once_unless_turned_off(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_failed_email_postgres() {
    let Some(e) = env(Backend::Postgres).await else { return };
    sync_failure_emails_once_unless_turned_off(e).await;
}

async fn no_disconnection_email_when_turned_off(e: Env) {
    let _worker = e.start_worker("notify-health");
    let shop = e.connect().await;
    e.wait_for("the first sync", async || !e.batches(&shop, "COMPLETED").await.is_empty()).await;
    e.set_prefs(json!({"notifyStoreDisconnected": false})).await;
    let (ck, _) = e.sim.credentials();
    let r = Resp::from(e.client.delete(format!("{}/__sim/keys/{ck}", e.sim.base_url())).send().await.expect("sim")).await;
    assert!(r.status < 300, "{}", r.text);

    let hour = Utc::now().with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).expect("hour");
    let job_id = e.app.scheduler().fire_slot("shops.health_check", hour, "test").await.expect("fire").expect("slot fired once");
    let mut result = Value::Null;
    e.wait_for("health check job", async || {
        let j = e.app.jobs().get(&job_id).await.expect("job");
        result = j.result.clone().unwrap_or(Value::Null);
        assert_ne!(j.status, JobStatus::Dead, "health check died: {:?}", j.last_error);
        j.status == JobStatus::Succeeded
    })
    .await;
    assert_eq!(result["disconnected"].as_u64(), Some(1), "{result}");
    let s = e.req(reqwest::Method::GET, &format!("/api/v1/shops/{shop}"), None).await;
    assert_eq!(s.body["isConnected"], false, "the disconnection itself is recorded: {}", s.text);
    assert!(e.emails("store_disconnected").await.is_empty(), "no email after opting out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_opt_out_sqlite() {
    let Some(e) = env(Backend::Sqlite).await else { return };
    no_disconnection_email_when_turned_off(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_opt_out_postgres() {
    let Some(e) = env(Backend::Postgres).await else { return };
    no_disconnection_email_when_turned_off(e).await;
}
