//! Issue 6, the operational pieces, over HTTP against the embedded WooCommerce simulator on SQLite
//! and PostgreSQL:
//! * `GET /sync/status` shows the last feed push and the next scheduled sync and push;
//! * the hourly health check marks a shop whose key was revoked (through the simulator's control
//!   API) disconnected and emails the owner once per transition;
//! * `POST /products/bulk` over more than `BULK_INLINE_MAX` products runs as a job with progress,
//!   small ones inline;
//! * a sync batch whose worker died mid-way is resumed at its cursor (the same job after its lease
//!   expired; a newer job adopting the batch of a dead one), a worker that lost its lease writes
//!   nothing, and two syncs of one shop never run at once.

use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use productsynch_api::{ApiSettings, AppState};
use productsynch_core::App;
use productsynch_core::config::Config;
use productsynch_core::jobs::JobContext;
use productsynch_core::sync::entities::sync_batch_progress;
use productsynch_core::sync::SyncJob;
use productsynch_db::entities::{JobStatus, jobs};
use productsynch_db::test_support::TestDb;
use productsynch_sim::feed_receiver::FeedReceiver;
use productsynch_sim::woo::{CatalogSource, Faults, SimConfig, SimHandle, SimStore};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::helpers::{Backend, Resp, test_db, urlencode};


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

/// A server (no worker: tests start one when they want it) and a simulated store with a generated
/// catalog of `products` products.
async fn env(backend: Backend, products: u64) -> Option<Env> {
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
    let sim = SimStore::start(SimConfig { catalog: CatalogSource::Generated { products, seed: 7 }, webhook_retries: 0, ..SimConfig::default() })
        .await
        .expect("sim");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let base = format!("http://{addr}");
    let email = crate::helpers::unique_email("ops");
    let r = Resp::from(
        client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": email, "password": crate::helpers::PASSWORD, "name": "Merchant"}))
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
    /// Runs a worker (no scheduler) until the returned token is cancelled or the env is dropped.
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
    async fn get(&self, path: &str) -> Resp {
        self.req(reqwest::Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Resp {
        self.req(reqwest::Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> Resp {
        self.req(reqwest::Method::PUT, path, Some(body)).await
    }

    /// The simulator's control API (`/__sim/...`).
    async fn sim_ctl(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut rb = self.client.request(method, format!("{}/__sim/{path}", self.sim.base_url()));
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = Resp::from(rb.send().await.expect("sim control")).await;
        assert!(r.status < 300, "sim control {path}: {} {}", r.status, r.text);
        r.body
    }

    /// Connects the simulated store with keys entered by hand; returns the shop id.
    async fn connect(&self, ck: &str, cs: &str) -> String {
        let r = self.post("/api/v1/shops", json!({"storeUrl": self.sim.base_url(), "consumerKey": ck, "consumerSecret": cs})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["shop"]["isConnected"], true, "{}", r.text);
        r.body["shopId"].as_str().expect("shopId").to_owned()
    }

    async fn wait_for(&self, what: &str, mut check: impl AsyncFnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(300);
        while std::time::Instant::now() < deadline {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what} (300 s)");
    }

    /// Waits until the job is finished (succeeded or dead) as its owner sees it; returns the job.
    async fn wait_job(&self, job_id: &str) -> Value {
        let mut last = Value::Null;
        self.wait_for(&format!("job {job_id}"), async || {
            let r = self.get(&format!("/api/v1/jobs/{job_id}")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            last = r.body.clone();
            last["status"] == "succeeded" || last["status"] == "dead"
        })
        .await;
        last
    }

    /// Waits until the shop has `n` finished non-webhook batches; returns them newest first.
    async fn wait_batches(&self, shop: &str, n: usize) -> Vec<Value> {
        let mut out = Vec::new();
        self.wait_for(&format!("{n} finished batches"), async || {
            out = self.batches(shop).await.into_iter().filter(|b| b["status"] == "COMPLETED" || b["status"] == "FAILED").collect();
            out.len() >= n
        })
        .await;
        out
    }

    /// Non-webhook batches of the shop, newest first.
    async fn batches(&self, shop: &str) -> Vec<Value> {
        let r = self.get(&format!("/api/v1/shops/{shop}/sync/history?limit=50")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["batches"].as_array().expect("batches").iter().filter(|b| b["syncType"] != "SINGLE_PRODUCT").cloned().collect()
    }

    async fn status(&self, shop: &str) -> Value {
        let r = self.get(&format!("/api/v1/shops/{shop}/sync/status")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body
    }

    /// Emails of one template in the dev outbox for the owner.
    async fn emails(&self, template: &str) -> Vec<Value> {
        let r = self.get(&format!("/api/v1/dev/outbox?to={}", urlencode(&self.email))).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["emails"].as_array().expect("emails").iter().filter(|m| m["template"] == template).cloned().collect()
    }

    async fn product_total(&self, shop: &str) -> u64 {
        let r = self.get(&format!("/api/v1/shops/{shop}/products?limit=1")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["pagination"]["total"].as_u64().expect("total")
    }

    /// Products the simulated store lists through the REST API (every status but trash).
    fn store_size(&self) -> u64 {
        ["publish", "draft", "pending", "private"].iter().map(|s| self.sim.control().find_products(s, None).len() as u64).sum()
    }
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap_or_else(|| panic!("a timestamp, got {v}")).parse().expect("RFC 3339")
}

// ------------------------------------------------------------------ 1. sync status

async fn status_shows_last_push_and_next_runs(e: Env) {
    let _worker = e.start_worker("ops-status");
    let (ck, cs) = e.sim.credentials();
    let shop = e.connect(&ck, &cs).await;
    e.wait_batches(&shop, 1).await;

    // before any push
    let st = e.status(&shop).await;
    assert_eq!(st["isConnected"], true, "{st}");
    assert_eq!(st["lastPush"], Value::Null, "{st}");
    let now = Utc::now();
    let next_sync = at(&st["next"]["sync"]);
    assert!(next_sync > now - chrono::Duration::seconds(5) && next_sync <= now + chrono::Duration::minutes(15), "{st}");
    assert_eq!((next_sync.minute() % 15, next_sync.second()), (0, 0), "a 15-minute slot: {st}");
    assert_eq!(st["nextScheduledAt"], st["next"]["sync"], "{st}");
    let next_push = at(&st["next"]["push"]);
    assert_eq!((next_push.hour(), next_push.minute(), next_push.second()), (4, 0, 0), "the 04:00 UTC daily push: {st}");
    assert!(next_push > now && next_push <= now + chrono::Duration::hours(24), "{st}");
    assert_eq!(st["next"]["pushCadence"], "daily", "{st}");
    assert_eq!(st["next"]["pushMethod"], "hosted", "{st}");
    assert_eq!(st["last"]["status"], "COMPLETED", "{st}");
    assert_eq!(st["productCount"].as_u64(), Some(e.store_size()), "{st}");

    // a successful HTTPS push shows up with its method, item count and size
    let receiver = FeedReceiver::start("status-token", 0).await.expect("receiver");
    let r = e
        .put(&format!("/api/v1/shops/{shop}/openai-config"), json!({"method": "https", "cadence": "daily", "https": {"endpoint": receiver.url(), "token": "status-token"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = e.post(&format!("/api/v1/shops/{shop}/sync/push"), json!({})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let job = e.wait_job(r.body["jobId"].as_str().expect("jobId")).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    let st = e.status(&shop).await;
    let p = &st["lastPush"];
    assert_eq!(p["status"], "succeeded", "{st}");
    assert_eq!(p["method"], "https", "{st}");
    assert_eq!(p["triggeredBy"], "manual", "{st}");
    assert_eq!(p["error"], Value::Null, "{st}");
    let uploads = receiver.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(p["items"].as_u64(), Some(uploads[0].items as u64), "{st}");
    assert!(p["items"].as_u64().unwrap() > 0, "{st}");
    assert!(p["bytes"].as_u64().unwrap() > 0, "{st}");
    assert!(at(&p["at"]) <= at(&p["finishedAt"]), "{st}");
    assert_eq!(st["next"]["pushMethod"], "https", "{st}");

    // a refused push (wrong token: 401, not retried) shows up with its error
    let r = e.put(&format!("/api/v1/shops/{shop}/openai-config"), json!({"method": "https", "https": {"endpoint": receiver.url(), "token": "wrong"}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = e.post(&format!("/api/v1/shops/{shop}/sync/push"), json!({})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let job = e.wait_job(r.body["jobId"].as_str().expect("jobId")).await;
    assert_eq!(job["status"], "dead", "{job}");
    let st = e.status(&shop).await;
    assert_eq!(st["lastPush"]["status"], "failed", "{st}");
    assert!(st["lastPush"]["error"].as_str().is_some_and(|m| m.contains("401")), "{st}");

    // after-sync cadence: no scheduled push
    let r = e.put(&format!("/api/v1/shops/{shop}/openai-config"), json!({"method": "hosted", "cadence": "after_sync"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let st = e.status(&shop).await;
    assert_eq!(st["next"]["pushCadence"], "after_sync", "{st}");
    assert_eq!(st["next"]["push"], Value::Null, "{st}");
    assert!(st["next"]["sync"].is_string(), "{st}");

    // sync disabled: no scheduled sync
    let r = e.req(reqwest::Method::PATCH, &format!("/api/v1/shops/{shop}"), Some(json!({"syncEnabled": false}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let st = e.status(&shop).await;
    assert_eq!(st["next"]["sync"], Value::Null, "{st}");
    assert_eq!(st["nextScheduledAt"], Value::Null, "{st}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_sqlite() {
    let Some(e) = env(Backend::Sqlite, 30).await else { return };
    status_shows_last_push_and_next_runs(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_postgres() {
    let Some(e) = env(Backend::Postgres, 30).await else { return };
    status_shows_last_push_and_next_runs(e).await;
}

// ------------------------------------------------------------------ 2. health check

/// Fires one slot of the hourly health-check schedule (what the scheduler does at HH:00) and waits
/// for its job; returns the job's result.
async fn run_health_check(e: &Env, slot: DateTime<Utc>) -> Value {
    let job_id = e.app.scheduler().fire_slot("shops.health_check", slot, "test").await.expect("fire").expect("slot fired once");
    let mut result = Value::Null;
    e.wait_for("health check job", async || {
        let j = e.app.jobs().get(&job_id).await.expect("job");
        result = j.result.clone().unwrap_or(Value::Null);
        assert_ne!(j.status, JobStatus::Dead, "health check died: {:?}", j.last_error);
        j.status == JobStatus::Succeeded
    })
    .await;
    result
}

async fn health_check_disconnects_and_emails_once(e: Env) {
    let _worker = e.start_worker("ops-health");
    let (ck, cs) = e.sim.credentials();
    let shop = e.connect(&ck, &cs).await;
    e.wait_batches(&shop, 1).await;
    let hour = Utc::now().with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).expect("hour");

    // keys that work: nothing happens
    let r = run_health_check(&e, hour).await;
    assert_eq!((r["checked"].as_u64(), r["disconnected"].as_u64()), (Some(1), Some(0)), "{r}");
    assert!(e.emails("store_disconnected").await.is_empty());

    // the merchant deletes our key in WooCommerce
    e.sim_ctl(reqwest::Method::DELETE, &format!("keys/{ck}"), None).await;
    let r = run_health_check(&e, hour + chrono::Duration::hours(1)).await;
    assert_eq!((r["checked"].as_u64(), r["disconnected"].as_u64()), (Some(1), Some(1)), "{r}");
    let shop_v = e.get(&format!("/api/v1/shops/{shop}")).await;
    assert_eq!(shop_v.body["isConnected"], false, "{}", shop_v.text);
    assert!(shop_v.body["connectionError"].as_str().is_some_and(|m| m.contains("401")), "{}", shop_v.text);
    assert!(shop_v.body["lastHealthCheckAt"].is_string(), "{}", shop_v.text);
    let st = e.status(&shop).await;
    assert_eq!(st["isConnected"], false, "{st}");
    assert_eq!(st["next"]["sync"], Value::Null, "{st}");
    assert_eq!(st["next"]["push"], Value::Null, "{st}");
    let mails = e.emails("store_disconnected").await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let text = mails[0]["textBody"].as_str().expect("text");
    assert!(text.contains(&format!("{}/shops/{shop}", e.base)), "{text}");
    assert!(text.contains("401"), "{text}");
    assert!(mails[0]["subject"].as_str().is_some_and(|s| s.contains("disconnected")), "{:?}", mails[0]);
    assert!(mails[0]["htmlBody"].as_str().is_some_and(|h| h.contains("Reconnect the store")), "{:?}", mails[0]);

    // the next hours (and a manual verify) change nothing and send nothing more
    let r = run_health_check(&e, hour + chrono::Duration::hours(2)).await;
    assert_eq!(r["checked"].as_u64(), Some(0), "a disconnected shop is not checked again: {r}");
    let v = e.post(&format!("/api/v1/shops/{shop}/verify"), json!({})).await;
    assert_eq!(v.body["connected"], false, "{}", v.text);
    assert_eq!(e.emails("store_disconnected").await.len(), 1);
    // a sync request is refused while disconnected
    e.post(&format!("/api/v1/shops/{shop}/sync"), json!({})).await.assert_problem(409);

    // reconnected with a new key, then that key is revoked too: a second transition, a second email
    let key = e.sim_ctl(reqwest::Method::POST, "keys", Some(json!({"permissions": "read_write"}))).await;
    let (ck2, cs2) = (key["consumer_key"].as_str().expect("ck").to_owned(), key["consumer_secret"].as_str().expect("cs").to_owned());
    assert_eq!(e.connect(&ck2, &cs2).await, shop, "the same shop is reconnected");
    let st = e.status(&shop).await;
    assert_eq!(st["isConnected"], true, "{st}");
    assert_eq!(st["connectionError"], Value::Null, "{st}");
    e.sim_ctl(reqwest::Method::DELETE, &format!("keys/{ck2}"), None).await;
    let r = run_health_check(&e, hour + chrono::Duration::hours(3)).await;
    assert_eq!(r["disconnected"].as_u64(), Some(1), "{r}");
    assert_eq!(e.emails("store_disconnected").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_sqlite() {
    let Some(e) = env(Backend::Sqlite, 10).await else { return };
    health_check_disconnects_and_emails_once(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_postgres() {
    let Some(e) = env(Backend::Postgres, 10).await else { return };
    health_check_disconnects_and_emails_once(e).await;
}

// ------------------------------------------------------------------ 3. bulk as a job

async fn bulk_large_runs_as_job(e: Env) {
    let inline_max = productsynch_core::products::BULK_INLINE_MAX;
    let _worker = e.start_worker("ops-bulk");
    let (ck, cs) = e.sim.credentials();
    let shop = e.connect(&ck, &cs).await;
    e.wait_batches(&shop, 1).await;
    let total = e.product_total(&shop).await;
    assert!(total > inline_max, "the catalog must exceed the inline limit: {total}");

    // a small selection is applied inline
    let list = e.get(&format!("/api/v1/shops/{shop}/products?limit=5&sort=wooProductId")).await;
    let ids: Vec<Value> = list.body["products"].as_array().expect("products").iter().map(|p| p["id"].clone()).collect();
    let r = e.post(&format!("/api/v1/shops/{shop}/products/bulk"), json!({"action": "disable_search", "ids": ids})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["affected"].as_u64(), r.body["matched"].as_u64()), (Some(5), Some(5)), "{}", r.text);
    assert_eq!(r.body["jobId"], Value::Null, "{}", r.text);
    let off = e.get(&format!("/api/v1/shops/{shop}/products?limit=200&sort=wooProductId")).await;
    let flags: Vec<bool> = off.body["products"].as_array().unwrap().iter().take(6).map(|p| p["feedEnableSearch"].as_bool().unwrap()).collect();
    assert_eq!(flags, vec![false, false, false, false, false, true]);

    // a filter over the whole catalog runs as a job
    let r = e.post(&format!("/api/v1/shops/{shop}/products/bulk"), json!({"action": "exclude", "filter": {}})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["matched"].as_u64(), Some(total), "{}", r.text);
    assert_eq!(r.body["affected"], Value::Null, "{}", r.text);
    let job_id = r.body["jobId"].as_str().expect("jobId").to_owned();
    let job = e.wait_job(&job_id).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["kind"], "products.bulk", "{job}");
    assert_eq!(job["shopId"], shop, "{job}");
    assert_eq!(job["result"]["affected"].as_u64(), Some(total), "{job}");
    assert_eq!(job["progress"]["current"].as_u64(), Some(total), "{job}");
    assert_eq!(job["progress"]["total"].as_u64(), Some(total), "{job}");
    let ex = e.get(&format!("/api/v1/shops/{shop}/products?status=EXCLUDED&limit=1")).await;
    assert_eq!(ex.body["pagination"]["total"].as_u64(), Some(total), "{}", ex.text);
    let pv = e.get(&format!("/api/v1/shops/{shop}/products/{}/preview-feed", ids[0].as_str().unwrap())).await;
    assert_eq!(pv.body["items"], json!([]), "an excluded product has no feed items: {}", pv.text);

    // another user cannot follow the job
    let other = crate::helpers::unique_email("other");
    let o = Resp::from(
        e.client.post(format!("{}/api/v1/auth/register", e.base)).json(&json!({"email": other, "password": crate::helpers::PASSWORD, "name": "O"})).send().await.unwrap(),
    )
    .await;
    let tok = o.body["accessToken"].as_str().unwrap();
    let r = Resp::from(e.client.get(format!("{}/api/v1/jobs/{job_id}", e.base)).bearer_auth(tok).send().await.unwrap()).await;
    assert_eq!(r.status, 404, "{}", r.text);

    // a filter matching few products is inline again; bad requests are 422 with the field
    let sku = list.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["sku"].as_str())
        .find(|s| !s.is_empty() && s.is_ascii())
        .expect("a product with a SKU")
        .to_owned();
    let r = e.post(&format!("/api/v1/shops/{shop}/products/bulk"), json!({"action": "include", "filter": {"search": sku}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let matched = r.body["matched"].as_u64().unwrap();
    assert!((1..=inline_max).contains(&matched), "{}", r.text);
    assert_eq!(r.body["affected"].as_u64(), Some(matched), "{}", r.text);
    let back = e.get(&format!("/api/v1/shops/{shop}/products?status=EXCLUDED&limit=1")).await;
    assert_eq!(back.body["pagination"]["total"].as_u64(), Some(total - matched), "{}", back.text);
    let bad = e.post(&format!("/api/v1/shops/{shop}/products/bulk"), json!({"action": "explode", "filter": {}})).await;
    bad.assert_problem(422);
    assert_eq!(bad.field_codes(), vec![("action".to_owned(), "invalid_value".to_owned())]);
    let bad = e.post(&format!("/api/v1/shops/{shop}/products/bulk"), json!({"action": "include"})).await;
    bad.assert_problem(422);
    assert_eq!(bad.field_codes(), vec![("ids".to_owned(), "required".to_owned())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_job_sqlite() {
    let Some(e) = env(Backend::Sqlite, 540).await else { return };
    bulk_large_runs_as_job(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_job_postgres() {
    let Some(e) = env(Backend::Postgres, 540).await else { return };
    bulk_large_runs_as_job(e).await;
}

// ------------------------------------------------------------------ 4. crash-resume

/// The progress (cursor) of the batch a sync job runs, if it started one.
async fn progress_of_job(e: &Env, job_id: &str) -> Option<sync_batch_progress::Model> {
    use productsynch_db::entities::sync_batches;
    let b = sync_batches::Entity::find().filter(sync_batches::Column::JobId.eq(job_id)).one(e.app.db()).await.expect("batch")?;
    sync_batch_progress::Entity::find_by_id(b.id).one(e.app.db()).await.expect("progress")
}

async fn progress_of_batch(e: &Env, batch_id: &str) -> sync_batch_progress::Model {
    sync_batch_progress::Entity::find_by_id(batch_id.to_owned()).one(e.app.db()).await.expect("progress").expect("a progress row")
}

/// Claims the shop's queued sync job as `worker`, runs it, and kills it (drops the running future,
/// as a crashed process would) once at least two pages are done. Returns the claimed job.
async fn crash_mid_sync(e: &Env, shop: &str, worker: &str) -> jobs::Model {
    let claimed = e.app.jobs().claim(worker, &[productsynch_core::sync::SYNC_JOB.to_owned()], 1).await.expect("claim");
    let job = claimed.into_iter().next().expect("a queued sync job");
    assert_eq!(job.shop_id.as_deref(), Some(shop));
    let payload: SyncJob = serde_json::from_value(job.payload.clone()).expect("payload");
    let ctx = JobContext { job: job.clone(), app: e.app.clone(), worker_id: worker.to_owned(), cancel: CancellationToken::new() };
    // Every store answer takes a while, so the sync is still mid-way when we kill it.
    e.sim.control().set_faults(Faults { latency_ms: 40, ..Faults::default() });
    let run = tokio::spawn(async move { productsynch_core::sync::engine::run(&ctx, &payload).await });
    e.wait_for("two pages done", async || progress_of_job(e, &job.id).await.is_some_and(|p| p.pages_done >= 2)).await;
    // Freeze the store so no further page can finish, then kill the worker.
    e.sim.control().set_faults(Faults { latency_ms: 60_000, ..Faults::default() });
    run.abort();
    assert!(run.await.is_err_and(|err| err.is_cancelled()), "the sync finished before it could be killed");
    e.sim.control().clear_faults();
    job
}

async fn crash_resume(e: Env) {
    let (ck, cs) = e.sim.credentials();
    let shop = e.connect(&ck, &cs).await; // queues the initial FULL sync; no worker runs yet
    let n = e.store_size();

    // --- A: the worker dies; its lease expires; the same job resumes the batch at its cursor
    let job = crash_mid_sync(&e, &shop, "w1").await;
    let p = progress_of_job(&e, &job.id).await.expect("progress");
    assert!(p.pages_done >= 2 && p.pages_done < p.total_pages, "killed mid-way: {p:?}");
    let crashed_at = p.pages_done;
    let live = e.get(&format!("/api/v1/shops/{shop}/sync/status")).await;
    assert_eq!(live.body["current"]["status"], "SYNCING", "{}", live.text);
    assert_eq!(live.body["current"]["pagesDone"].as_i64(), Some(crashed_at as i64), "{}", live.text);
    // while the job is held, a second sync request returns the same job (never two at once)
    let again = e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "FULL"})).await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert_eq!((again.body["jobId"].as_str(), again.body["created"].as_bool()), (Some(job.id.as_str()), Some(false)), "{}", again.text);
    // the lease runs out (the worker is gone) and the reaper re-queues the job
    jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedUntil, sea_orm::sea_query::Expr::value(Utc::now() - chrono::Duration::seconds(1)))
        .filter(jobs::Column::Id.eq(&job.id))
        .exec(e.app.db())
        .await
        .expect("expire lease");
    assert_eq!(e.app.jobs().reap_expired().await.expect("reap"), 1);
    let claimed = e.app.jobs().claim("w2", &[productsynch_core::sync::SYNC_JOB.to_owned()], 1).await.expect("claim");
    let job2 = claimed.into_iter().next().expect("the re-queued job");
    assert_eq!((job2.id.as_str(), job2.attempts), (job.id.as_str(), 2));
    let payload: SyncJob = serde_json::from_value(job2.payload.clone()).expect("payload");
    // the first worker, if it were still alive, has lost the job: it may not write anything
    let zombie = JobContext { job: job.clone(), app: e.app.clone(), worker_id: "w1".into(), cancel: CancellationToken::new() };
    assert!(productsynch_core::sync::engine::run(&zombie, &payload).await.is_err(), "a worker without the lease must not sync");
    assert_eq!(progress_of_batch(&e, &p.batch_id).await.pages_done, crashed_at, "the zombie wrote a page");
    // the new holder resumes and finishes the same batch
    let ctx = JobContext { job: job2.clone(), app: e.app.clone(), worker_id: "w2".into(), cancel: CancellationToken::new() };
    let summary = productsynch_core::sync::engine::run(&ctx, &payload).await.expect("resumed sync");
    assert!(e.app.jobs().complete(&job2.id, "w2", Some(serde_json::to_value(&summary).unwrap())).await.unwrap());
    assert_eq!(summary.batch_id, p.batch_id, "the same batch continued");
    assert_eq!((summary.created, summary.unchanged, summary.failed), (n as i64, 0, 0), "resumed, not restarted: {summary:?}");
    let batches = e.batches(&shop).await;
    assert_eq!(batches.len(), 1, "{batches:?}");
    assert_eq!(batches[0]["status"], "COMPLETED");
    assert_eq!(batches[0]["pagesDone"], batches[0]["totalPages"], "{:?}", batches[0]);
    assert_eq!(e.product_total(&shop).await, n);

    // --- B: a job dies for good (dead-lettered) mid-sync; the next sync adopts its batch
    let ids: Vec<String> = productsynch_db::entities::products::Entity::find()
        .filter(productsynch_db::entities::products::Column::ShopId.eq(&shop))
        .all(e.app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    productsynch_core::sync::engine::delete_products(e.app.db(), &ids).await.unwrap();
    let r = e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "FULL"})).await;
    assert_eq!((r.status, r.body["created"].as_bool()), (202, Some(true)), "{}", r.text);
    let dead_job = crash_mid_sync(&e, &shop, "w3").await;
    let p2 = progress_of_job(&e, &dead_job.id).await.expect("progress");
    assert_ne!(p2.batch_id, p.batch_id);
    assert!(p2.pages_done >= 2 && p2.pages_done < p2.total_pages, "{p2:?}");
    jobs::Entity::update_many()
        .col_expr(jobs::Column::Status, sea_orm::sea_query::Expr::value("dead"))
        .col_expr(jobs::Column::DedupeKey, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .col_expr(jobs::Column::LockedBy, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .filter(jobs::Column::Id.eq(&dead_job.id))
        .exec(e.app.db())
        .await
        .unwrap();
    // an INCREMENTAL sync (what the 15-minute schedule runs) picks the full batch up where it stopped
    let r = e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "INCREMENTAL"})).await;
    assert_eq!((r.status, r.body["created"].as_bool()), (202, Some(true)), "{}", r.text);
    let new_job = r.body["jobId"].as_str().unwrap().to_owned();
    let dup = e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "FULL"})).await;
    assert_eq!(dup.body["jobId"].as_str(), Some(new_job.as_str()), "one live sync per shop: {}", dup.text);
    let _worker = e.start_worker("w4");
    let job = e.wait_job(&new_job).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["result"]["batchId"].as_str(), Some(p2.batch_id.as_str()), "{job}");
    assert_eq!((job["result"]["created"].as_u64(), job["result"]["unchanged"].as_u64()), (Some(n), Some(0)), "{job}");
    let batches = e.batches(&shop).await;
    assert_eq!(batches.len(), 2, "no third batch: {batches:?}");
    assert_eq!(batches[0]["id"].as_str(), Some(p2.batch_id.as_str()));
    assert_eq!(batches[0]["syncType"], "MANUAL", "continued as the full sync it was");
    assert_eq!(batches[0]["status"], "COMPLETED");
    assert_eq!(batches[0]["jobId"].as_str(), Some(new_job.as_str()));
    assert_eq!(e.product_total(&shop).await, n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_resume_sqlite() {
    let Some(e) = env(Backend::Sqlite, 150).await else { return };
    crash_resume(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_resume_postgres() {
    let Some(e) = env(Backend::Postgres, 150).await else { return };
    crash_resume(e).await;
}

// ------------------------------------------------------------------ 5. metrics and feed retention

/// The sum of the samples of `name` whose labels include every one of `labels` (0 when absent).
fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (n, rest) = match series.split_once('{') {
                Some((n, rest)) => (n, rest),
                None => (series, ""),
            };
            (n == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))).then(|| value.parse::<f64>().ok())?
        })
        .sum()
}

impl Env {
    async fn metrics(&self) -> String {
        let r = self.client.get(format!("{}/metrics", self.base)).send().await.expect("metrics");
        assert_eq!(r.status().as_u16(), 200);
        r.text().await.expect("metrics text")
    }

    /// Stored objects under `feeds/{shop}`.
    async fn stored_feed_files(&self, shop: &str) -> Vec<String> {
        self.app.storage().list(Some(&format!("feeds/{shop}"))).await.expect("list").into_iter().map(|o| o.key).collect()
    }
}

/// After a sync and two pushes, `/metrics` shows the job, sync, product, snapshot and push
/// counters (other tests of this process add to the same counters, hence "at least"); the
/// retention keeps the newest files and deletes older objects and rows; disconnecting the shop
/// removes its objects.
async fn metrics_and_feed_retention(e: Env, products: u64) {
    use productsynch_db::entities::feed_files;
    let before = e.metrics().await;
    let _worker = e.start_worker("ops-metrics");
    let (ck, cs) = e.sim.credentials();
    let shop = e.connect(&ck, &cs).await;
    let batches = e.wait_batches(&shop, 1).await;
    assert_eq!(batches[0]["status"], "COMPLETED", "{batches:?}");
    let created = batches[0]["created"].as_u64().expect("created");
    assert!(created > 0 && created <= products, "{batches:?}");
    for _ in 0..2 {
        let r = e.post(&format!("/api/v1/shops/{shop}/sync/push"), json!({})).await;
        assert_eq!(r.status, 202, "{}", r.text);
        let job = e.wait_job(r.body["jobId"].as_str().expect("jobId")).await;
        assert_eq!(job["status"], "succeeded", "{job}");
    }
    // the job outcome is counted right after the job row is updated: wait for it
    let mut after = String::new();
    e.wait_for("job counters", async || {
        after = e.metrics().await;
        let d = |n: &str, l: &[(&str, &str)]| metric(&after, n, l) - metric(&before, n, l);
        d("productsynch_jobs_succeeded_total", &[("queue", "feed-generation"), ("kind", "feed.push")]) >= 2.0
            && d("productsynch_jobs_succeeded_total", &[("queue", "product-sync"), ("kind", "sync.shop")]) >= 1.0
    })
    .await;
    let delta = |n: &str, l: &[(&str, &str)]| metric(&after, n, l) - metric(&before, n, l);
    assert!(delta("productsynch_jobs_processed_total", &[("kind", "sync.shop")]) >= 1.0, "{after}");
    assert!(delta("productsynch_sync_batches_total", &[("status", "COMPLETED")]) >= 1.0, "{after}");
    assert!(after.contains(r#"productsynch_sync_batches_total{type="FULL",status="COMPLETED"}"#), "{after}");
    assert!(delta("productsynch_sync_products_total", &[("result", "created")]) >= created as f64, "{after}");
    assert!(delta("productsynch_feed_snapshots_total", &[("format", "jsonl.gz")]) >= 2.0, "{after}");
    let pushed_items: f64 = 2.0 * e.status(&shop).await["lastPush"]["items"].as_f64().expect("items");
    assert!(pushed_items > 0.0);
    assert!(delta("productsynch_feed_items_total", &[("format", "jsonl.gz")]) >= pushed_items, "{after}");
    assert!(delta("productsynch_feed_pushes_total", &[("method", "hosted"), ("status", "succeeded")]) >= 2.0, "{after}");
    assert!(after.contains("productsynch_job_run_seconds_bucket{"), "{after}");
    // job gauges: every queue and status, zeros included
    assert!(after.contains(r#"productsynch_jobs{queue="analytics",status="dead"}"#), "{after}");

    // retention: keep 1 file per format; the pushes made 2 jsonl.gz files (the post-sync
    // generation job may add one: wait until the shop has no job left)
    e.wait_for("the shop's jobs to finish", async || {
        jobs::Entity::find()
            .filter(jobs::Column::ShopId.eq(&shop))
            .filter(jobs::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
            .all(e.app.db())
            .await
            .expect("jobs")
            .is_empty()
    })
    .await;
    let rows = feed_files::Entity::find().filter(feed_files::Column::ShopId.eq(&shop)).all(e.app.db()).await.expect("rows");
    assert!(rows.len() >= 2, "{rows:?}");
    let newest = rows.iter().max_by_key(|f| (f.created_at, f.id.clone())).expect("newest").clone();
    assert_eq!(e.stored_feed_files(&shop).await.len(), rows.len());
    let report = productsynch_core::delivery::snapshot::prune(&e.app, 1).await.expect("prune");
    assert_eq!(report.files, rows.len() as u64 - 1, "{report:?}");
    assert_eq!(report.orphans, 0, "fresh objects are never swept: {report:?}");
    let left = feed_files::Entity::find().filter(feed_files::Column::ShopId.eq(&shop)).all(e.app.db()).await.expect("rows");
    assert_eq!(left.iter().map(|f| f.id.clone()).collect::<Vec<_>>(), vec![newest.id.clone()]);
    assert_eq!(e.stored_feed_files(&shop).await, vec![newest.storage_key.clone()]);
    // the push history keeps its rows
    let r = e.get(&format!("/api/v1/shops/{shop}/feed/pushes")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["pushes"].as_array().is_some_and(|p| p.len() >= 2), "{}", r.text);

    // disconnecting removes the shop's objects
    let r = e.req(reqwest::Method::DELETE, &format!("/api/v1/shops/{shop}"), None).await;
    assert!(r.status == 204 || r.status == 200, "{} {}", r.status, r.text);
    assert!(e.stored_feed_files(&shop).await.is_empty(), "objects left after disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_retention_sqlite() {
    let Some(e) = env(Backend::Sqlite, 25).await else { return };
    metrics_and_feed_retention(e, 25).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_retention_postgres() {
    let Some(e) = env(Backend::Postgres, 25).await else { return };
    metrics_and_feed_retention(e, 25).await;
}
