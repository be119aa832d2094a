//! The client against the WooCommerce simulator (crates/sim): every behaviour of the connector,
//! including each injected fault.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use productsynch_sim::woo::{CatalogSource, Fault, Faults, ProductPatch, SimConfig, SimHandle, SimStore};
use productsynch_woo::model::{ProductType, WebhookStatus};
use productsynch_woo::wcauth::{self, AuthorizeRequest, Scope};
use productsynch_woo::webhooks::{self, Delivery, NewWebhook};
use productsynch_woo::*;

async fn sim(products: u64, tweak: impl FnOnce(&mut SimConfig)) -> SimHandle {
    let mut cfg = SimConfig { catalog: CatalogSource::Generated { products, seed: 7 }, ..SimConfig::default() };
    tweak(&mut cfg);
    SimStore::start(cfg).await.expect("simulator starts")
}

fn config(sim: &SimHandle) -> ClientConfig {
    let (ck, cs) = sim.credentials();
    let mut cfg = ClientConfig::new(sim.base_url(), Credentials::new(ck, cs));
    cfg.budget = None;
    cfg.timeout = Duration::from_secs(5);
    cfg.retry = RetryPolicy {
        max_retries: 4,
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    };
    cfg
}

async fn connect(sim: &SimHandle) -> Client {
    Client::connect(config(sim)).await.expect("connects")
}

fn set_faults(sim: &SimHandle, f: impl FnOnce(&mut Faults)) {
    let mut faults = Faults { route_filter: Some("/products".into()), ..Faults::default() };
    f(&mut faults);
    sim.control().set_faults(faults);
}

async fn first_page(client: &Client) -> Result<Page<model::Product>, Error> {
    client.fetch_page::<model::Product>("wc/v3/products", "product", &[("orderby".into(), "id".into()), ("order".into(), "asc".into())], 1, 100).await
}

// ---------------------------------------------------------------------------------------------
// Connect, discovery, authentication

#[tokio::test]
async fn http_store_uses_oauth1_and_reports_store_info() {
    let sim = sim(20, |c| c.https = false).await;
    let client = connect(&sim).await;
    assert_eq!(client.auth_mode(), AuthMode::OAuth1);
    let info = client.info().expect("info");
    assert!(info.pretty_permalinks);
    assert_eq!(info.api_root, ApiRoot::Pretty);
    assert!(info.namespaces.iter().any(|n| n == "wc/v3"));
    assert_eq!(info.wc_version.as_deref(), Some("9.9.5"));
    assert_eq!(info.settings.currency, "USD");
    assert_eq!(info.settings.country.as_deref(), Some("US"));
    assert_eq!(info.settings.state.as_deref(), Some("CA"));
    let page = first_page(&client).await.expect("signed requests are accepted");
    assert_eq!(page.total_items, 20);
}

#[tokio::test]
async fn basic_and_query_string_keys_work_on_an_https_store() {
    let sim = sim(5, |c| c.https = true).await;
    for mode in [AuthMode::Basic, AuthMode::QueryString, AuthMode::OAuth1] {
        let mut cfg = config(&sim);
        cfg.auth = AuthChoice::Fixed(mode);
        let client = Client::connect(cfg).await.unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        assert_eq!(client.auth_mode(), mode);
        assert_eq!(first_page(&client).await.expect("page").items.len(), 5);
    }
    // Plain-HTTP store: Basic is refused, and WooCommerce's code comes through.
    let http_only = self::sim(5, |c| c.https = false).await;
    let mut cfg = config(&http_only);
    cfg.auth = AuthChoice::Fixed(AuthMode::Basic);
    let err = Client::connect(cfg).await.expect_err("basic over http is refused");
    assert!(err.is_auth(), "{err}");
    assert!(err.code().is_some_and(|c| c.starts_with("woocommerce_rest_")), "{err:?}");
}

#[tokio::test]
async fn candidates_fall_back_to_the_next_mode() {
    let sim = sim(3, |c| c.https = false).await;
    let mut cfg = config(&sim);
    cfg.auth = AuthChoice::Candidates(vec![AuthMode::Basic, AuthMode::QueryString, AuthMode::OAuth1]);
    let client = Client::connect(cfg).await.expect("connects");
    assert_eq!(client.auth_mode(), AuthMode::OAuth1);
}

#[tokio::test]
async fn permalinks_off_falls_back_to_rest_route() {
    let sim = sim(12, |c| c.pretty_permalinks = false).await;
    let client = connect(&sim).await;
    assert_eq!(client.api_root(), &ApiRoot::RestRoute);
    assert!(!client.info().unwrap().pretty_permalinks);
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::default()).try_collect().await.expect("pages");
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 12);
}

#[tokio::test]
async fn wrong_credentials_and_revoked_keys_are_typed() {
    let sim = sim(3, |_| {}).await;
    let mut cfg = config(&sim);
    cfg.credentials = Credentials::new("ck_0000000000000000000000000000000000000000", "cs_0000000000000000000000000000000000000000");
    let err = Client::connect(cfg).await.expect_err("unknown key");
    assert!(matches!(err, Error::Unauthorized { status: 401, .. }), "{err:?}");

    let client = connect(&sim).await;
    let (ck, _) = sim.credentials();
    assert!(sim.control().revoke_key(&ck));
    let err = first_page(&client).await.expect_err("revoked key");
    assert!(matches!(err, Error::Unauthorized { status: 401, .. }), "{err:?}");
    assert!(!err.code().unwrap_or("").is_empty(), "WooCommerce's code is kept: {err:?}");
}

#[tokio::test]
async fn read_only_key_cannot_write() {
    let sim = sim(3, |_| {}).await;
    let key = sim.control().create_key("read", "read only");
    let mut cfg = config(&sim);
    cfg.credentials = Credentials::new(key.consumer_key, key.consumer_secret);
    let client = Client::connect(cfg).await.expect("a read key connects");
    let err = client
        .create_webhook(&NewWebhook::new(webhooks::PRODUCT_UPDATED, "http://127.0.0.1:9/hook", "s"))
        .await
        .expect_err("no write permission");
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}

#[tokio::test]
async fn unreachable_store_is_typed() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = ClientConfig::new(format!("http://127.0.0.1:{port}"), Credentials::new("ck", "cs"));
    let err = Client::connect(cfg).await.expect_err("nothing listens");
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Pagination, incremental reads, variations

#[tokio::test]
async fn pages_arrive_in_order_under_concurrency() {
    let sim = sim(1050, |_| {}).await;
    // Random latency makes later pages finish before earlier ones.
    sim.control().set_faults(Faults { jitter_ms: 40, ..Faults::default() });
    let mut cfg = config(&sim);
    cfg.concurrency = 4;
    let client = Client::connect(cfg).await.expect("connects");
    let before = sim.control().request_count();
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::default()).try_collect().await.expect("pages");
    assert_eq!(pages.len(), 11);
    assert_eq!(pages.iter().map(|p| p.number).collect::<Vec<_>>(), (1..=11).collect::<Vec<u32>>());
    assert!(pages.iter().all(|p| p.total_pages == 11 && p.total_items == 1050));
    let ids: Vec<u64> = pages.iter().flat_map(|p| p.items.iter().map(|i| i.item.id)).collect();
    assert_eq!(ids.len(), 1050);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids ascend across pages");
    assert_eq!(sim.control().request_count() - before, 11, "one request per page");
}

#[tokio::test]
async fn modified_after_reads_only_changes() {
    let sim = sim(200, |_| {}).await;
    let client = connect(&sim).await;
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    let mut ids = sim.control().product_ids(200);
    ids.sort_unstable();
    let changed = [ids[3], ids[150]];
    for id in changed {
        sim.control().update_product(id, ProductPatch { regular_price: Some("9.99".into()), ..Default::default() }).expect("update");
    }
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::modified_after(since)).try_collect().await.expect("pages");
    let got: Vec<u64> = pages.iter().flat_map(|p| p.items.iter().map(|i| i.item.id)).collect();
    assert_eq!(got, changed.to_vec());
    assert!(pages[0].items.iter().all(|p| p.item.date_modified_gmt.is_some_and(|t| t > since)));
}

#[tokio::test]
async fn variations_are_fetched_in_chunks_and_attached() {
    let sim = sim(80, |_| {}).await;
    let mut cfg = config(&sim);
    cfg.variation_chunk = 7;
    let client = Client::connect(cfg).await.expect("connects");
    let before = sim.control().request_count();
    let pages: Vec<CatalogPage> = client.catalog(&ListQuery::default()).try_collect().await.expect("catalog");
    let requests = sim.control().request_count() - before;
    let mut expected_requests = 1u64; // the single product page
    let mut variable = 0;
    for pw in pages.iter().flat_map(|p| p.products.iter()) {
        let p = &pw.product.item;
        if p.product_type == ProductType::Variable {
            variable += 1;
            expected_requests += p.variations.len().div_ceil(7) as u64;
            let got: BTreeSet<u64> = pw.variations.iter().map(|v| v.item.id).collect();
            assert_eq!(got, p.variations.iter().copied().collect::<BTreeSet<u64>>(), "product {}", p.id);
            assert!(pw.variations.iter().all(|v| v.item.parent_id == p.id));
        } else {
            assert!(pw.variations.is_empty());
        }
    }
    assert!(variable > 3, "the generated catalog has variable products");
    assert_eq!(requests, expected_requests, "one request per chunk of 7 variations");

    // The single-product helper returns the same variations.
    let pw = pages[0].products.iter().find(|p| p.product.item.variations.len() > 7).expect("a product with > 7 variations");
    let (vs, bad) = client.variations(pw.product.item.id).await.expect("variations");
    assert!(bad.is_empty());
    assert_eq!(vs.len(), pw.product.item.variations.len());
}

// ---------------------------------------------------------------------------------------------
// Faults

async fn recovers_from(fault: Fault) -> (Page<model::Product>, u64) {
    let sim = sim(30, |_| {}).await;
    let mut cfg = config(&sim);
    cfg.timeout = Duration::from_millis(700);
    let client = Client::connect(cfg).await.expect("connects");
    set_faults(&sim, |f| f.queue = vec![fault.clone()]);
    let before = sim.control().request_count();
    let page = first_page(&client).await.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    assert!(page.malformed.is_empty(), "{fault:?}: {:?}", page.malformed);
    assert_eq!(page.items.len(), 30, "{fault:?}");
    (page, sim.control().request_count() - before)
}

#[tokio::test]
async fn retries_rate_limit_honouring_retry_after() {
    let started = std::time::Instant::now();
    let (_, requests) = recovers_from(Fault::RateLimit { retry_after: 1 }).await;
    assert_eq!(requests, 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "waited for Retry-After");
}

#[tokio::test]
async fn retries_server_errors() {
    for status in [500, 502, 503] {
        let (_, requests) = recovers_from(Fault::Status { status, retry_after: None }).await;
        assert_eq!(requests, 2, "{status}");
    }
}

#[tokio::test]
async fn retries_timeouts_drops_and_truncated_bodies() {
    for fault in [Fault::Timeout { secs: 3 }, Fault::Drop, Fault::Truncate] {
        let (_, requests) = recovers_from(fault.clone()).await;
        assert_eq!(requests, 2, "{fault:?}");
    }
}

#[tokio::test]
async fn tolerates_wrong_types_and_php_notices() {
    let (page, requests) = recovers_from(Fault::WrongTypes).await;
    assert_eq!(requests, 1, "wrongly typed JSON is read, not retried");
    assert!(page.items.iter().all(|p| p.item.id != 0));
    assert!(page.items.iter().any(|p| p.item.price.is_some()), "numeric prices are read");
    let (_, requests) = recovers_from(Fault::PhpNotice).await;
    assert_eq!(requests, 1, "the notice is stripped");
}

#[tokio::test]
async fn malformed_product_is_reported_and_skipped() {
    let sim = sim(30, |_| {}).await;
    let client = connect(&sim).await;
    let bad = sim.control().product_ids(30)[10];
    set_faults(&sim, |f| {
        f.malformed_products.insert(bad);
    });
    let page = first_page(&client).await.expect("page");
    assert_eq!(page.items.len(), 29);
    assert_eq!(page.malformed.len(), 1);
    assert_eq!(page.malformed[0].id, Some(bad));
    assert!(page.items.iter().all(|p| p.item.id != bad));
}

#[tokio::test]
async fn a_product_that_always_fails_is_isolated_and_skipped() {
    let sim = sim(250, |_| {}).await;
    let client = connect(&sim).await;
    let mut ids = sim.control().product_ids(250);
    ids.sort_unstable();
    let poison = ids[137];
    set_faults(&sim, |f| {
        f.failing_products.insert(poison);
    });
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::default()).try_collect().await.expect("the sync goes on");
    let got: Vec<u64> = pages.iter().flat_map(|p| p.items.iter().map(|i| i.item.id)).collect();
    let want: Vec<u64> = ids.iter().copied().filter(|&i| i != poison).collect();
    assert_eq!(got, want);
    let bad: Vec<&Malformed> = pages.iter().flat_map(|p| p.malformed.iter()).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].index, 137, "position of the failing product");
}

#[tokio::test]
async fn a_store_that_fails_everything_is_an_error_not_a_page_of_skipped_products() {
    let sim = sim(150, |_| {}).await;
    let client = connect(&sim).await;
    set_faults(&sim, |f| {
        f.error_rate = 1.0;
        f.random_fault = Some(Fault::Status { status: 500, retry_after: None });
    });
    let before = sim.control().request_count();
    let err = client.products(&ListQuery::default()).try_collect::<Vec<_>>().await.expect_err("store down");
    assert!(matches!(err, Error::Server { status: 500, .. }), "{err:?}");
    assert!(sim.control().request_count() - before < 60, "gives up after a few isolated failures");
}

#[tokio::test]
async fn persistent_errors_give_up_with_a_typed_error() {
    let sim = sim(10, |_| {}).await;
    let client = connect(&sim).await;
    set_faults(&sim, |f| {
        f.error_rate = 1.0;
        f.random_fault = Some(Fault::Status { status: 503, retry_after: None });
    });
    let before = sim.control().request_count();
    let err = first_page(&client).await.expect_err("always 503");
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert_eq!(sim.control().request_count() - before, 5, "1 try + 4 retries");

    // A Retry-After beyond the limit is not waited for.
    set_faults(&sim, |f| f.queue = vec![Fault::RateLimit { retry_after: 3600 }]);
    let err = first_page(&client).await.expect_err("too long to wait");
    assert!(matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600)), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Webhooks

type Seen = Arc<Mutex<Vec<(axum::http::HeaderMap, Vec<u8>)>>>;

/// A receiver that records every POST and answers 200.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let s2 = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let s = s2.clone();
            async move {
                s.lock().unwrap().push((headers, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn wait_for(seen: &Seen, n: usize) {
    for _ in 0..200 {
        if seen.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("expected {n} deliveries, got {}", seen.lock().unwrap().len());
}

#[tokio::test]
async fn webhooks_crud_ping_and_signed_deliveries() {
    let sim = sim(10, |_| {}).await;
    let client = connect(&sim).await;
    let (url, seen) = receiver().await;
    let secret = "whsec_test_123";

    let hook = client.create_webhook(&NewWebhook::new(webhooks::PRODUCT_UPDATED, &url, secret)).await.expect("create");
    assert_eq!(hook.topic, "product.updated");
    assert_eq!(hook.status, WebhookStatus::Active);
    assert!(client.list_webhooks().await.expect("list").iter().any(|w| w.id == hook.id));

    // The ping: unsigned form body.
    wait_for(&seen, 1).await;
    let (h, b) = seen.lock().unwrap()[0].clone();
    assert_eq!(webhooks::parse_delivery(&h, &b, secret), Ok(Delivery::Ping { webhook_id: hook.id }));

    // A change fires a signed delivery.
    let id = sim.control().product_ids(1)[0];
    sim.control().update_product(id, ProductPatch { name: Some("Renamed".into()), ..Default::default() }).expect("update");
    wait_for(&seen, 2).await;
    let (h, b) = seen.lock().unwrap()[1].clone();
    let Delivery::Event(ev) = webhooks::parse_delivery(&h, &b, secret).expect("verified") else { panic!("not an event") };
    assert_eq!(ev.topic, "product.updated");
    assert_eq!(ev.resource, "product");
    assert_eq!(ev.event, "updated");
    assert_eq!(ev.webhook_id, Some(hook.id));
    assert!(!ev.delivery_id.is_empty());
    assert_eq!(ev.resource_id(), Some(id));
    assert_eq!(ev.product().unwrap().expect("typed").item.name, "Renamed");
    assert_eq!(webhooks::parse_delivery(&h, &b, "wrong secret"), Err(webhooks::WebhookError::BadSignature));

    let paused = client.set_webhook_status(hook.id, WebhookStatus::Paused).await.expect("pause");
    assert_eq!(paused.status, WebhookStatus::Paused);
    let deleted = client.delete_webhook(hook.id).await.expect("delete");
    assert_eq!(deleted.id, hook.id);
    assert!(client.list_webhooks().await.expect("list").iter().all(|w| w.id != hook.id));
}

// ---------------------------------------------------------------------------------------------
// wc-auth

#[tokio::test]
async fn wc_auth_approve_delivers_working_keys_and_deny_returns_failure() {
    let sim = sim(5, |_| {}).await;
    let (callback_url, seen) = receiver().await;
    let state = "st_4f1c9a77e2";
    let req = AuthorizeRequest {
        app_name: "ProductSynch".into(),
        scope: Scope::ReadWrite,
        user_id: state.into(),
        return_url: "http://127.0.0.1:9/return".into(),
        callback_url: callback_url.clone(),
    };
    let url = wcauth::authorize_url(&sim.base_url(), &req, true, true).expect("url");
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = browser.get(url.clone()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("ProductSynch"));
    let href = |class: &str| -> String {
        let at = page.find(class).unwrap_or_else(|| panic!("{class} link"));
        let start = page[..at].rfind("href=\"").expect("href") + 6;
        let end = start + page[start..].find('"').unwrap();
        page[start..end].replace("&amp;", "&")
    };

    let resp = browser.get(href("wc-auth-approve")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let ret = wcauth::parse_return(location.split_once('?').unwrap().1).expect("return params");
    assert!(ret.success);
    assert_eq!(ret.user_id, state);

    wait_for(&seen, 1).await;
    let (_, body) = seen.lock().unwrap()[0].clone();
    let keys = wcauth::parse_callback(&body, state, Scope::ReadWrite).expect("valid callback");
    assert_eq!(keys.key_permissions, Scope::ReadWrite);
    assert!(matches!(wcauth::parse_callback(&body, "forged", Scope::Read), Err(wcauth::WcAuthError::UserIdMismatch)));

    let mut cfg = config(&sim);
    cfg.credentials = keys.credentials();
    let client = Client::connect(cfg).await.expect("the new keys work");
    assert_eq!(first_page(&client).await.expect("page").items.len(), 5);

    // Deny links straight to return_url with success=0.
    let deny = href("wc-auth-deny");
    assert!(deny.starts_with("http://127.0.0.1:9/return?"));
    let ret = wcauth::parse_return(deny.split_once('?').unwrap().1).expect("return params");
    assert!(!ret.success);
    assert_eq!(ret.user_id, state);
}

// ---------------------------------------------------------------------------------------------
// Other resources

#[tokio::test]
async fn taxonomies_orders_and_product_by_id() {
    let sim = sim(40, |c| c.initial_orders = 30).await;
    let client = connect(&sim).await;
    let cats = client.categories().await.expect("categories");
    assert!(!cats.is_empty());
    let tree = model::CategoryTree::new(cats.clone());
    assert!(cats.iter().all(|c| !tree.path(c.id).is_empty()));
    assert!(!client.tags().await.expect("tags").is_empty());
    client.brands().await.expect("brands");

    let orders: Vec<Page<model::Order>> =
        client.orders(&ListQuery { status: Some("any".into()), ..Default::default() }).try_collect().await.expect("orders");
    let all: Vec<&model::Order> = orders.iter().flat_map(|p| p.items.iter().map(|i| &i.item)).collect();
    assert_eq!(all.len(), 30);
    assert!(all.iter().all(|o| !o.line_items.is_empty()));

    let id = sim.control().product_ids(1)[0];
    let p = client.product(id).await.expect("product");
    assert_eq!(p.item.id, id);
    let err = client.product(1).await.expect_err("no such product");
    assert_eq!(err.status(), Some(404));
    assert!(err.code().unwrap().ends_with("invalid_id"), "{err:?}");

    let stream_len = client.reviews(&ListQuery::default()).map(|p| p.map(|p| p.items.len())).try_collect::<Vec<_>>().await.expect("reviews");
    assert!(!stream_len.is_empty());
}

#[tokio::test]
async fn the_request_budget_spaces_requests() {
    let sim = sim(500, |_| {}).await;
    let mut cfg = config(&sim);
    cfg.per_page = 100;
    cfg.auth = AuthChoice::Fixed(AuthMode::Basic);
    cfg.api_root = Some(ApiRoot::Pretty);
    let client = Client::new_known(cfg.clone(), ApiRoot::Pretty, AuthMode::Basic).expect("client");
    let started = std::time::Instant::now();
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::default()).try_collect().await.expect("pages");
    assert_eq!(pages.len(), 5);
    let unlimited = started.elapsed();

    cfg.budget = Some(Budget { per_second: std::num::NonZeroU32::new(4).unwrap(), burst: std::num::NonZeroU32::new(1).unwrap() });
    let client = Client::new_known(cfg, ApiRoot::Pretty, AuthMode::Basic).expect("client");
    let started = std::time::Instant::now();
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::default()).try_collect().await.expect("pages");
    assert_eq!(pages.len(), 5);
    // 5 requests at 4/s with no burst cannot finish before 4 intervals of 250 ms.
    assert!(started.elapsed() >= Duration::from_millis(1000), "budget held requests back ({unlimited:?} without it)");
}

#[tokio::test]
async fn sim_host_stripping_authorization_falls_back_to_query_string_keys() {
    let sim = sim(8, |c| {
        c.https = true;
        c.strip_authorization = true;
    })
    .await;
    let mut cfg = config(&sim);
    cfg.auth = AuthChoice::Candidates(vec![AuthMode::Basic, AuthMode::QueryString, AuthMode::OAuth1]);
    let client = Client::connect(cfg).await.expect("connects");
    assert_eq!(client.auth_mode(), AuthMode::QueryString);
    assert_eq!(first_page(&client).await.expect("page").items.len(), 8);
}

#[tokio::test]
async fn sim_wordpress_without_woocommerce_is_reported() {
    let sim = sim(3, |c| c.woocommerce_active = false).await;
    let err = Client::connect(config(&sim)).await.expect_err("no WooCommerce");
    assert!(matches!(err, Error::NotWooCommerce { .. }), "{err:?}");
}
