//! The guard against server-side request forgery (issue 5 §Security), over real HTTP with
//! `ALLOW_PRIVATE_NETWORK=false`, on SQLite and PostgreSQL: store URLs (`POST /shops`), delivery
//! destinations (`PUT /shops/:id/openai-config`: HTTPS endpoint and SFTP host), the push itself
//! (re-checked at send time), and the WooCommerce client (its DNS resolver refuses loopback).
//! Each refusal has a control run with `ALLOW_PRIVATE_NETWORK=true` that goes through, so the
//! refusal is the guard's doing and not an unreachable target.

use productsynch_core::App;
use productsynch_sim::feed_receiver::FeedReceiver;
use productsynch_sim::woo::{CatalogSource, SimConfig, SimHandle, SimStore};
use serde_json::{Value, json};

use crate::helpers::*;

async fn guarded(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, Opts { allow_private_network: false, ..Opts::default() }).await
}

async fn small_store() -> SimHandle {
    SimStore::start(SimConfig { catalog: CatalogSource::Generated { products: 3, seed: 1 }, webhook_retries: 0, ..SimConfig::default() })
        .await
        .expect("sim")
}

/// A name other than `localhost` that `/etc/hosts` maps to a loopback or private address (the
/// machine's own name usually is), so the refusal comes from resolving it, not from the name.
fn name_resolving_to_private() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().map(|l| l.split('#').next().unwrap_or("")).find_map(|l| {
        let mut parts = l.split_whitespace();
        let ip: std::net::IpAddr = parts.next()?.parse().ok()?;
        if !productsynch_core::net::is_forbidden_ip(ip) {
            return None;
        }
        parts.find(|n| !productsynch_core::net::is_forbidden_name(n) && n.contains(|c: char| c.is_ascii_alphabetic())).map(str::to_owned)
    })
}

fn assert_refused(r: &Resp, field: &str, code: &str, what: &str) {
    r.assert_problem(422);
    let codes = r.field_codes();
    assert!(codes.contains(&(field.to_owned(), code.to_owned())), "{what}: expected {field}/{code}, got {codes:?}; {}", r.text);
}

async fn store_urls_refused(backend: Backend) {
    let Some(t) = guarded(backend).await else { return };
    let store = small_store().await;
    let port = store.addr().port();
    let (ck, cs) = store.credentials();
    let (_, token, _, _) = t.user("ssrf-store").await;
    let mut urls = vec![
        store.base_url(),
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}"),
        format!("http://[::ffff:127.0.0.1]:{port}"),
        "http://10.0.0.1".to_owned(),
        "http://169.254.169.254/latest".to_owned(),
        "http://100.64.0.1".to_owned(),
        "http://[fd00::1]".to_owned(),
        "http://[fe80::1]".to_owned(),
        "http://0.0.0.0".to_owned(),
    ];
    match name_resolving_to_private() {
        Some(name) => urls.push(format!("http://{name}:{port}")),
        None => eprintln!("no /etc/hosts name maps to a private address here: DNS-resolved case covered by the unit tests only"),
    }
    for u in &urls {
        let r = t.post_auth("/api/v1/shops", &token, json!({"storeUrl": u})).await;
        assert_refused(&r, "storeUrl", "private_address", u);
        let r = t.post_auth("/api/v1/shops", &token, json!({"storeUrl": u, "consumerKey": ck, "consumerSecret": cs})).await;
        assert_refused(&r, "storeUrl", "private_address", u);
    }
    assert_eq!(store.control().request_count(), 0, "the guard refused before any request reached the store");

    // Control: the same store is accepted when private networks are allowed.
    let Some(open) = spawn_app(backend).await else { return };
    let (_, token, _, _) = open.user("ssrf-store-open").await;
    let r = open.post_auth("/api/v1/shops", &token, json!({"storeUrl": format!("http://localhost:{port}")})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.body["authUrl"].as_str().is_some(), "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_urls_refused_sqlite() {
    store_urls_refused(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_urls_refused_postgres() {
    store_urls_refused(Backend::Postgres).await;
}

async fn shop_of(t: &TestApp, tag: &str) -> (String, String) {
    let (_, token, _, user_id) = t.user(tag).await;
    let shop_id = t.insert_shop(&user_id, "https://shop.example.com", "ck_test", "Example Store").await;
    (token, shop_id)
}

async fn put_config(t: &TestApp, token: &str, shop: &str, body: Value) -> Resp {
    let req = t.client.put(t.url(&format!("/api/v1/shops/{shop}/openai-config"))).bearer_auth(token).json(&body);
    Resp::from(req.send().await.expect("request")).await
}

fn https_body(endpoint: &str) -> Value {
    json!({"method": "https", "https": {"endpoint": endpoint, "token": "push-token"}})
}

fn sftp_body(host: &str) -> Value {
    json!({"method": "sftp", "sftp": {"host": host, "username": "feeds", "password": "pw"}})
}

async fn delivery_destinations_refused(backend: Backend) {
    let Some(t) = guarded(backend).await else { return };
    let (token, shop) = shop_of(&t, "ssrf-delivery").await;
    let private_name = name_resolving_to_private();
    let mut endpoints: Vec<String> = [
        "https://10.0.0.1/feed",
        "https://localhost:8443/feed",
        "https://127.0.0.1/feed",
        "https://[::1]/feed",
        "https://[::ffff:10.0.0.1]/feed",
        "https://[fd12::1]/feed",
        "https://169.254.169.254/feed",
        "https://100.100.0.1/feed",
        "https://metadata.google.internal/feed",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut hosts: Vec<String> =
        ["10.0.0.1", "localhost", "127.0.0.1", "::1", "[::1]", "192.168.1.20", "100.64.0.1", "fe80::1", "::ffff:172.16.0.1"]
            .map(str::to_owned)
            .to_vec();
    if let Some(n) = &private_name {
        endpoints.push(format!("https://{n}/feed"));
        hosts.push(n.clone());
    }
    for e in &endpoints {
        assert_refused(&put_config(&t, &token, &shop, https_body(e)).await, "https.endpoint", "private_address", e);
    }
    for h in &hosts {
        assert_refused(&put_config(&t, &token, &shop, sftp_body(h)).await, "sftp.host", "private_address", h);
    }
    // nothing was saved
    let cfg = t.get_auth(&format!("/api/v1/shops/{shop}/openai-config"), &token).await;
    assert_eq!(cfg.status, 200, "{}", cfg.text);
    assert_eq!(cfg.body["method"], "hosted", "{}", cfg.text);
    assert!(cfg.body["https"].is_null() && cfg.body["sftp"].is_null(), "{}", cfg.text);

    // Control: the same destinations are accepted when private networks are allowed.
    let Some(open) = spawn_app(backend).await else { return };
    let (token, shop) = shop_of(&open, "ssrf-delivery-open").await;
    let r = put_config(&open, &token, &shop, https_body("https://10.0.0.1/feed")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = put_config(&open, &token, &shop, sftp_body("localhost")).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_destinations_refused_sqlite() {
    delivery_destinations_refused(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_destinations_refused_postgres() {
    delivery_destinations_refused(Backend::Postgres).await;
}

/// A destination saved while private networks were allowed (or pointed at a private address
/// since) is refused again when the push runs: nothing reaches the receiver.
async fn push_rechecks_destination(backend: Backend) {
    let Some(t) = spawn_app(backend).await else { return };
    let (token, shop) = shop_of(&t, "ssrf-push").await;
    let receiver = FeedReceiver::start("receiver-token", 0).await.expect("receiver");
    let localhost_url = receiver.url().replace("127.0.0.1", "localhost");
    for (endpoint, method) in [(receiver.url(), "https"), (localhost_url, "https"), ("localhost".to_owned(), "sftp")] {
        let body = if method == "https" {
            json!({"method": "https", "https": {"endpoint": endpoint, "token": "receiver-token"}})
        } else {
            json!({"method": "sftp", "sftp": {"host": endpoint, "port": receiver.addr().port(), "username": "u", "password": "p"}})
        };
        let r = put_config(&t, &token, &shop, body).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let mut config = t.app.config().clone();
        config.allow_private_network = false;
        let strict = App::from_parts(config, t.app.db().clone()).expect("app");
        let before = receiver.attempts();
        match productsynch_core::delivery::push::run_push(&strict, &shop, "manual", 1, None).await.expect("push ran") {
            Ok(v) => panic!("{endpoint}: push to a private destination went through: {v:?}"),
            Err((v, permanent)) => {
                assert!(permanent, "{endpoint}: a private destination is a permanent failure");
                assert_eq!(v.status, "failed");
                assert!(v.error.as_deref().is_some_and(|e| e.contains("refused")), "{endpoint}: {:?}", v.error);
            }
        }
        assert_eq!(receiver.attempts(), before, "{endpoint}: the guarded push reached the receiver");
    }
    // Control: with private networks allowed the HTTPS push reaches the receiver.
    let r = put_config(&t, &token, &shop, json!({"method": "https", "https": {"endpoint": receiver.url(), "token": "receiver-token"}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let before = receiver.attempts();
    let ok = productsynch_core::delivery::push::run_push(&t.app, &shop, "manual", 1, None).await.expect("push ran");
    assert!(ok.is_ok(), "{ok:?}");
    assert!(receiver.attempts() > before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_rechecks_destination_sqlite() {
    push_rechecks_destination(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_rechecks_destination_postgres() {
    push_rechecks_destination(Backend::Postgres).await;
}

/// The WooCommerce client built for sync carries the guard: a store host name resolving to
/// loopback is refused at connect time (DNS rebinding after the URL was checked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn woo_client_resolver_refuses_loopback() {
    productsynch_api::server::install_crypto_provider();
    crate::helpers::fast_sync_tuning();
    let store = small_store().await;
    let (ck, cs) = store.credentials();
    let url = format!("http://localhost:{}", store.addr().port());
    let cfg = productsynch_core::sync::client::client_config(&url, &ck, &cs, false);
    let err = productsynch_woo::Client::connect(cfg).await.expect_err("guarded client reached a loopback store");
    assert_eq!(store.control().request_count(), 0, "{err}");
    // Control: unguarded, the same URL reaches the store (whose OAuth 1.0a check then fails,
    // the simulator signs for 127.0.0.1 and not `localhost`: reaching it is what matters here).
    let cfg = productsynch_core::sync::client::client_config(&url, &ck, &cs, true);
    let unguarded = productsynch_woo::Client::connect(cfg).await;
    assert!(store.control().request_count() > 0, "the unguarded client did not reach the store: {unguarded:?}");
}
