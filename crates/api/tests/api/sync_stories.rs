//! Issue 6 stories over HTTP against the embedded WooCommerce simulator, on SQLite and PostgreSQL:
//! connect through wc-auth, full sync of the sample catalog, a store edit reaching the product via
//! webhook, a missed webhook caught by an incremental sync, deletions (webhook and full sync), a
//! manual override winning over store data, and store faults survived without losing products.

use std::time::Duration;

use productsynch_api::{ApiSettings, AppState};
use productsynch_core::App;
use productsynch_core::config::Config;
use productsynch_db::test_support::TestDb;
use productsynch_sim::woo::{CatalogSource, Fault, ProductPatch, SimConfig, SimHandle, SimStore};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::helpers::{Backend, Resp, test_db};

struct Env {
    base: String,
    app: App,
    client: reqwest::Client,
    token: String,
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
    let w = shutdown.clone();
    let wapp = app.clone();
    tokio::spawn(async move {
        let opts = productsynch_core::worker::WorkerOptions { worker_id: "test-worker".into(), scheduler: false };
        let _ = productsynch_core::worker::run_with(wapp, w, opts).await;
    });
    let sim = SimStore::start(SimConfig { catalog: CatalogSource::Sample { dir: None }, webhook_retries: 0, ..SimConfig::default() })
        .await
        .expect("sim");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let base = format!("http://{addr}");
    let email = crate::helpers::unique_email("sync");
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
    Some(Env { base, app, client, token, sim, shutdown, _dir: dir, _db: db })
}

impl Env {
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
    async fn patch(&self, path: &str, body: Value) -> Resp {
        self.req(reqwest::Method::PATCH, path, Some(body)).await
    }

    /// Connects the simulated store through wc-auth like a merchant's browser would.
    async fn connect_wc_auth(&self) -> String {
        let r = self.post("/api/v1/shops", json!({"storeUrl": self.sim.base_url()})).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let auth_url = r.body["authUrl"].as_str().expect("authUrl").to_owned();
        let shop_id = r.body["shopId"].as_str().expect("shopId").to_owned();
        assert!(auth_url.starts_with(&format!("{}/wc-auth/v1/authorize?", self.sim.base_url())), "{auth_url}");
        assert!(auth_url.contains("scope=read_write"), "{auth_url}");
        // The grant page; follow "Approve".
        let page = self.client.get(&auth_url).send().await.expect("authorize page").text().await.expect("html");
        let at = page.find("wc-auth-approve").expect("approve button");
        let href_start = page[..at].rfind("href=\"").expect("href") + 6;
        let href_end = href_start + page[href_start..].find('"').expect("end quote");
        let approve = page[href_start..href_end].replace("&amp;", "&");
        let approve = if approve.starts_with("http") { approve } else { format!("{}{}", self.sim.base_url(), approve) };
        let r = self.client.get(&approve).send().await.expect("approve");
        assert_eq!(r.status().as_u16(), 302, "approve: {}", r.text().await.unwrap_or_default());
        let loc = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(loc.contains("success=1"), "{loc}");
        shop_id
    }

    /// Waits until the shop has a finished batch newer than `after` batches; returns the last batch.
    async fn wait_batches(&self, shop: &str, count: usize) -> Value {
        // Generous bound: a loaded CI machine (2 cores, other test binaries running) can be slow.
        let deadline = std::time::Instant::now() + Duration::from_secs(300);
        while std::time::Instant::now() < deadline {
            let r = self.get(&format!("/api/v1/shops/{shop}/sync/history?limit=50")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let done: Vec<&Value> = r.body["batches"]
                .as_array()
                .expect("batches")
                .iter()
                .filter(|b| b["syncType"] != "SINGLE_PRODUCT" && (b["status"] == "COMPLETED" || b["status"] == "FAILED"))
                .collect();
            if done.len() >= count {
                return done[0].clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("sync did not finish within 300 s");
    }

    async fn products(&self, shop: &str, query: &str) -> Resp {
        self.get(&format!("/api/v1/shops/{shop}/products?{query}")).await
    }

    async fn product_by_woo(&self, shop: &str, woo_id: u64) -> Option<Value> {
        let mut page = 1;
        loop {
            let r = self.products(shop, &format!("limit=200&page={page}&sort=wooProductId")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            let list = r.body["products"].as_array().expect("products").clone();
            if let Some(p) = list.iter().find(|p| p["wooProductId"] == woo_id) {
                return Some(p.clone());
            }
            if page >= r.body["pagination"]["totalPages"].as_u64().unwrap_or(0) {
                return None;
            }
            page += 1;
        }
    }

    async fn wait_for(&self, what: &str, mut check: impl AsyncFnMut() -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(300);
        while std::time::Instant::now() < deadline {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what} (300 s)");
    }

    async fn total(&self, shop: &str) -> u64 {
        self.products(shop, "limit=1").await.body["pagination"]["total"].as_u64().expect("total")
    }
}

fn sim_catalog_size(sim: &SimHandle) -> usize {
    // Every product the REST API lists (all statuses but trash).
    ["publish", "draft", "pending", "private"].iter().map(|s| sim.control().find_products(s, None).len()).sum()
}

async fn story(e: Env) {
    // --- connect through wc-auth
    let shop = e.connect_wc_auth().await;
    let r = e.get(&format!("/api/v1/shops/{shop}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["isConnected"], true, "{}", r.text);
    assert!(!r.text.contains("cs_"), "a secret leaked: {}", r.text);
    assert_eq!(r.body["storeSettings"]["currency"], "USD");
    let hooks = e.sim.control().webhooks();
    assert!(hooks.iter().any(|h| h.topic == "product.updated" && h.delivery_url.ends_with(&format!("/api/v1/webhooks/woocommerce/{shop}"))), "{hooks:?}");

    // the callback cannot be replayed (single-use nonce)
    let replay = e
        .client
        .post(format!("{}/api/v1/shops/{shop}/oauth/callback", e.base))
        .json(&json!({"key_id": 1, "user_id": format!("{shop}:forged"), "consumer_key": format!("ck_{}", "a".repeat(40)), "consumer_secret": format!("cs_{}", "b".repeat(40)), "key_permissions": "read_write"}))
        .send()
        .await
        .expect("replay");
    assert_eq!(replay.status().as_u16(), 401);

    // --- initial FULL sync of the sample catalog
    let b = e.wait_batches(&shop, 1).await;
    assert_eq!(b["status"], "COMPLETED", "{b}");
    let expected = sim_catalog_size(&e.sim);
    assert!(expected > 10);
    assert_eq!(e.total(&shop).await as usize, expected, "batch: {b}");
    assert_eq!(b["created"].as_u64().unwrap() as usize + b["failed"].as_u64().unwrap() as usize, expected, "{b}");
    assert_eq!(b["failed"], 0, "{b}");
    // a variable product has its variants and feed items
    let var_id = e.sim.control().find_products("publish", Some("variable"))[0];
    let p = e.product_by_woo(&shop, var_id).await.expect("variable product stored");
    let d = e.get(&format!("/api/v1/shops/{shop}/products/{}", p["id"].as_str().unwrap())).await;
    assert_eq!(d.status, 200, "{}", d.text);
    assert!(!d.body["variants"].as_array().unwrap().is_empty(), "{}", d.text);
    assert!(d.body["feedItems"].as_array().unwrap().len() >= 1, "{}", d.text);
    // filters and search
    let valid = e.products(&shop, "valid=true&limit=5").await;
    assert_eq!(valid.status, 200, "{}", valid.text);
    let bad = e.products(&shop, "limit=500").await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let title = p["title"].as_str().unwrap().to_owned();
    let found = e.products(&shop, &format!("search={}", title.split_whitespace().next().unwrap().to_lowercase())).await;
    assert!(found.body["products"].as_array().unwrap().iter().any(|x| x["id"] == p["id"]), "{}", found.text);

    // --- an unchanged re-sync writes nothing
    let r = e.post(&format!("/api/v1/shops/{shop}/sync"), json!({})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let b2 = e.wait_batches(&shop, 2).await;
    assert_eq!((b2["created"].as_u64(), b2["updated"].as_u64(), b2["deleted"].as_u64()), (Some(0), Some(0), Some(0)), "{b2}");
    assert_eq!(b2["unchanged"].as_u64().unwrap() as usize, expected, "{b2}");

    // --- a store edit reaches the product (and its feed item) through the webhook
    let simple = e.sim.control().find_products("publish", Some("simple"))[0];
    e.sim.control().update_product(simple, ProductPatch { name: Some("Webhook Renamed Tee".into()), ..Default::default() }).expect("edit");
    e.wait_for("webhook edit", async || e.product_by_woo(&shop, simple).await.is_some_and(|p| p["title"] == "Webhook Renamed Tee")).await;
    let sp = e.product_by_woo(&shop, simple).await.unwrap();
    let pid = sp["id"].as_str().unwrap().to_owned();
    let pv = e.get(&format!("/api/v1/shops/{shop}/products/{pid}/preview-feed")).await;
    assert_eq!(pv.body["items"][0]["title"], "Webhook Renamed Tee", "{}", pv.text);
    // The webhook's batch records what the event changed (one product updated), not all-zero counts.
    let h = e.get(&format!("/api/v1/shops/{shop}/sync/history?limit=50")).await;
    let wb = h.body["batches"].as_array().expect("batches").iter().find(|b| b["syncType"] == "SINGLE_PRODUCT").cloned();
    let wb = wb.unwrap_or_else(|| panic!("no webhook batch in {}", h.text));
    assert_eq!((wb["updated"].as_u64(), wb["created"].as_u64(), wb["deleted"].as_u64()), (Some(1), Some(0), Some(0)), "{wb}");

    // --- a manual override wins over store data; clearing it falls back to the store
    let r = e.patch(&format!("/api/v1/shops/{shop}/products/{pid}"), json!({"manualTitle": "Merchant Title", "fields": {"brand": "Acme"}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["feedItems"][0]["title"], "Merchant Title", "{}", r.text);
    assert_eq!(r.body["feedItems"][0]["brand"], "Acme", "{}", r.text);
    // ... and the hosted feed follows the manual edit (the snapshot is regenerated after an edit).
    let cfg = e.get(&format!("/api/v1/shops/{shop}/openai-config")).await;
    let hosted = cfg.body["hostedUrl"].as_str().unwrap_or_else(|| panic!("hostedUrl in {}", cfg.text)).to_owned();
    e.wait_for("hosted feed shows the manual edit", async || {
        use std::io::Read;
        let r = e.client.get(&hosted).send().await.expect("hosted feed");
        if !r.status().is_success() {
            return false;
        }
        let gz = r.bytes().await.expect("body");
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(&gz[..]).read_to_string(&mut text).is_ok() && text.contains("Merchant Title")
    })
    .await;
    let too_long = e.patch(&format!("/api/v1/shops/{shop}/products/{pid}"), json!({"manualTitle": "x".repeat(151)})).await;
    assert_eq!(too_long.status, 422, "{}", too_long.text);
    e.sim.control().update_product(simple, ProductPatch { name: Some("Store Name Again".into()), ..Default::default() }).expect("edit");
    e.wait_for("store edit under override", async || {
        let d = e.get(&format!("/api/v1/shops/{shop}/products/{pid}")).await;
        d.body["woo"]["title"] == "Store Name Again"
    })
    .await;
    let d = e.get(&format!("/api/v1/shops/{shop}/products/{pid}")).await;
    assert_eq!(d.body["feedItems"][0]["title"], "Merchant Title", "{}", d.text);
    let r = e.patch(&format!("/api/v1/shops/{shop}/products/{pid}"), json!({"manualTitle": null})).await;
    assert_eq!(r.body["feedItems"][0]["title"], "Store Name Again", "{}", r.text);

    // --- product.deleted through the webhook removes the product
    let victim = e.sim.control().find_products("publish", Some("simple"))[1];
    assert!(e.product_by_woo(&shop, victim).await.is_some());
    e.sim.control().delete_product(victim, false).expect("trash");
    e.wait_for("webhook deletion", async || e.product_by_woo(&shop, victim).await.is_none()).await;

    // --- missed webhooks: break the webhook secret so deliveries are refused (401)
    let shop_row = productsynch_core::sync::shop_by_id(&e.app, &shop).await.unwrap();
    let mut am: productsynch_db::entities::shops::ActiveModel = sea_orm::IntoActiveModel::into_active_model(shop_row);
    am.woo_webhook_secret = sea_orm::Set(Some(e.app.crypto().encrypt("not-the-store-secret")));
    sea_orm::ActiveModelTrait::update(am, e.app.db()).await.unwrap();
    let missed = e.sim.control().find_products("publish", Some("simple"))[2];
    e.sim.control().update_product(missed, ProductPatch { name: Some("Missed Webhook Mug".into()), ..Default::default() }).expect("edit");
    let gone = e.sim.control().find_products("publish", Some("simple"))[3];
    e.sim.control().delete_product(gone, true).expect("delete for good");
    e.sim.control().flush_webhooks(Duration::from_secs(5)).await;
    assert!(e.sim.control().deliveries().iter().any(|d| d.resource_id == missed && d.status == Some(401)), "delivery should be refused");
    assert_ne!(e.product_by_woo(&shop, missed).await.unwrap()["title"], "Missed Webhook Mug");
    // the incremental sync (what the 15-minute schedule runs) catches the edit up
    let r = e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "INCREMENTAL"})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let b3 = e.wait_batches(&shop, 3).await;
    assert_eq!(b3["syncType"], "INCREMENTAL", "{b3}");
    assert!(b3["updated"].as_u64().unwrap() >= 1, "{b3}");
    assert_eq!(e.product_by_woo(&shop, missed).await.unwrap()["title"], "Missed Webhook Mug");
    // a full sync finds the product deleted at the store
    assert!(e.product_by_woo(&shop, gone).await.is_some());
    e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "FULL"})).await;
    let b4 = e.wait_batches(&shop, 4).await;
    assert_eq!(b4["deleted"], 1, "{b4}");
    assert!(e.product_by_woo(&shop, gone).await.is_none());
    assert_eq!(e.total(&shop).await as usize, sim_catalog_size(&e.sim));

    // --- status endpoint
    let st = e.get(&format!("/api/v1/shops/{shop}/sync/status")).await;
    assert_eq!(st.status, 200, "{}", st.text);
    assert_eq!(st.body["syncStatus"], "COMPLETED", "{}", st.text);
    assert!(st.body["nextScheduledAt"].is_string(), "{}", st.text);

    // --- store faults: 429, 500, a timeout, broken JSON — the sync completes and loses nothing
    let before = e.total(&shop).await;
    e.sim.control().push_faults([
        Fault::RateLimit { retry_after: 1 },
        Fault::Status { status: 500, retry_after: None },
        Fault::Truncate,
        Fault::Timeout { secs: 4 },
        Fault::Drop,
        Fault::PhpNotice,
    ]);
    e.post(&format!("/api/v1/shops/{shop}/sync"), json!({"type": "FULL"})).await;
    let b5 = e.wait_batches(&shop, 5).await;
    assert_eq!(b5["status"], "COMPLETED", "{b5}");
    assert_eq!(b5["deleted"], 0, "{b5}");
    assert_eq!(e.total(&shop).await, before);

    // --- another user cannot see the shop
    let other = crate::helpers::unique_email("other");
    let r = Resp::from(
        e.client.post(format!("{}/api/v1/auth/register", e.base)).json(&json!({"email": other, "password": crate::helpers::PASSWORD, "name": "O"})).send().await.unwrap(),
    )
    .await;
    let tok = r.body["accessToken"].as_str().unwrap();
    let r = Resp::from(e.client.get(format!("{}/api/v1/shops/{shop}/products", e.base)).bearer_auth(tok).send().await.unwrap()).await;
    assert_eq!(r.status, 404);

    // --- disconnect removes our webhooks from the store
    let r = e.req(reqwest::Method::DELETE, &format!("/api/v1/shops/{shop}"), None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(e.sim.control().webhooks().iter().all(|h| !h.delivery_url.contains(&shop)), "webhooks left behind");
    assert_eq!(e.get(&format!("/api/v1/shops/{shop}")).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_story_sqlite() {
    let Some(e) = env(Backend::Sqlite).await else { return };
    story(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_story_postgres() {
    let Some(e) = env(Backend::Postgres).await else { return };
    story(e).await;
}

async fn manual_keys_and_validation(e: Env) {
    // not a store
    let r = e.post("/api/v1/shops", json!({"storeUrl": format!("{}/nothing-here", e.base)})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    // wrong keys
    let r = e
        .post("/api/v1/shops", json!({"storeUrl": e.sim.base_url(), "consumerKey": format!("ck_{}", "0".repeat(40)), "consumerSecret": format!("cs_{}", "0".repeat(40))}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    // keys entered by hand
    let (ck, cs) = e.sim.credentials();
    let r = e.post("/api/v1/shops", json!({"storeUrl": e.sim.base_url(), "consumerKey": ck, "consumerSecret": cs})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let shop = r.body["shopId"].as_str().unwrap().to_owned();
    assert_eq!(r.body["shop"]["isConnected"], true);
    let b = e.wait_batches(&shop, 1).await;
    assert_eq!(b["status"], "COMPLETED", "{b}");
    // seller settings are validated on save
    let r = e.patch(&format!("/api/v1/shops/{shop}"), json!({"sellerUrl": "not a url", "returnWindow": 900})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = e.patch(&format!("/api/v1/shops/{shop}"), json!({"sellerName": "Sim Shop", "returnWindow": 14, "feed": {"targetCountries": ["US", "CA"]}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["seller"]["returnWindow"], 14);
    let r = e.post(&format!("/api/v1/shops/{shop}/verify"), json!({})).await;
    assert_eq!(r.body["connected"], true, "{}", r.text);
    // revoked keys: verify marks the shop disconnected
    e.sim.control().revoke_key(&ck);
    let r = e.post(&format!("/api/v1/shops/{shop}/verify"), json!({})).await;
    assert_eq!(r.body["connected"], false, "{}", r.text);
    assert_eq!(r.body["shop"]["isConnected"], false, "{}", r.text);
    // bulk exclude removes feed items
    let list = e.products(&shop, "limit=3").await;
    let ids: Vec<Value> = list.body["products"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
    let r = e.post(&format!("/api/v1/shops/{shop}/products/bulk"), json!({"action": "exclude", "ids": ids})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["affected"], 3);
    let ex = e.products(&shop, "status=EXCLUDED").await;
    assert_eq!(ex.body["pagination"]["total"], 3, "{}", ex.text);
    let pv = e.get(&format!("/api/v1/shops/{shop}/products/{}/preview-feed", ids[0].as_str().unwrap())).await;
    assert_eq!(pv.body["items"], json!([]), "{}", pv.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_manual_keys_sqlite() {
    let Some(e) = env(Backend::Sqlite).await else { return };
    manual_keys_and_validation(e).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_manual_keys_postgres() {
    let Some(e) = env(Backend::Postgres).await else { return };
    manual_keys_and_validation(e).await;
}
