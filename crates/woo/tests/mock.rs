//! Behaviours the simulator does not model, checked against wiremock: a host that strips the
//! `Authorization` header, sites that are not WordPress / not WooCommerce, permalinks off with keys refused,
//! TLS failures, and replaying WooCommerce's documented example responses through the client.

use futures::TryStreamExt;
use productsynch_woo::model::ProductType;
use productsynch_woo::*;
use serde_json::json;
use wiremock::matchers::{header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

fn cfg(server: &MockServer) -> ClientConfig {
    let mut c = ClientConfig::new(server.uri(), Credentials::new("ck_x", "cs_x"));
    c.budget = None;
    c.retry.max_retries = 1;
    c.retry.min_delay = std::time::Duration::from_millis(5);
    c
}

async fn wordpress_index(server: &MockServer, namespaces: &[&str]) {
    Mock::given(method("GET"))
        .and(path("/wp-json/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "name": "Mock Shop", "description": "", "url": server.uri(), "home": server.uri(), "namespaces": namespaces
        })))
        .mount(server)
        .await;
}

fn cannot_view() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({
        "code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.", "data": {"status": 401}
    }))
}

#[tokio::test]
async fn header_stripping_host_falls_back_to_query_string_keys() {
    let server = MockServer::start().await;
    wordpress_index(&server, &["wp/v2", "wc/v3"]).await;
    // The host drops Authorization: Basic never authenticates; query-string keys do.
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/products"))
        .and(query_param("consumer_key", "ck_x"))
        .and(query_param("consumer_secret", "cs_x"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]").insert_header("X-WP-Total", "0").insert_header("X-WP-TotalPages", "0"))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/wp-json/wc/v3/products")).respond_with(cannot_view()).mount(&server).await;
    let mut c = cfg(&server);
    c.auth = AuthChoice::Candidates(vec![AuthMode::Basic, AuthMode::QueryString]);
    let client = Client::connect(c).await.expect("connects");
    assert_eq!(client.auth_mode(), AuthMode::QueryString);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().any(|r| r.headers.contains_key("authorization")), "Basic was tried first");
}

#[tokio::test]
async fn a_site_without_the_rest_api_is_not_wordpress() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html><body>Not Found</body></html>"))
        .mount(&server)
        .await;
    let err = Client::connect(cfg(&server)).await.expect_err("not WordPress");
    assert!(matches!(err, Error::NotWordPress { .. }), "{err:?}");
}

#[tokio::test]
async fn wordpress_without_woocommerce_is_reported() {
    let server = MockServer::start().await;
    wordpress_index(&server, &["oembed/1.0", "wp/v2"]).await;
    let err = Client::connect(cfg(&server)).await.expect_err("no wc/v3");
    match err {
        Error::NotWooCommerce { namespaces, .. } => assert_eq!(namespaces, vec!["oembed/1.0", "wp/v2"]),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn permalinks_off_with_keys_refused_is_explained() {
    let server = MockServer::start().await;
    // /wp-json/ is a theme 404 page; ?rest_route=/ works, but WooCommerce ignores keys on such URLs.
    Mock::given(method("GET"))
        .and(path("/"))
        .and(query_param("rest_route", "/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "Mock", "home": server.uri(), "namespaces": ["wc/v3"]})))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/")).and(query_param("rest_route", "/wc/v3/products")).respond_with(cannot_view()).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404).set_body_string("<html>404</html>")).mount(&server).await;
    let mut c = cfg(&server);
    c.auth = AuthChoice::Fixed(AuthMode::OAuth1);
    let err = Client::connect(c).await.expect_err("keys refused");
    assert!(matches!(err, Error::PermalinksOff { .. }), "{err:?}");
}

#[tokio::test]
async fn https_to_a_plain_http_port_is_a_tls_error() {
    let server = MockServer::start().await;
    let url = server.uri().replace("http://", "https://");
    let mut c = ClientConfig::new(url, Credentials::new("ck", "cs"));
    c.retry.max_retries = 0;
    let err = Client::connect(c).await.expect_err("no TLS there");
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

/// Replays the documented "List all products" response through the paginated stream, with the headers WooCommerce sends.
#[tokio::test]
async fn documented_product_list_replays_through_the_client() {
    let server = MockServer::start().await;
    wordpress_index(&server, &["wc/v3"]).await;
    let list = fixture("products_list.json");
    let n = serde_json::from_slice::<Vec<serde_json::Value>>(&list).unwrap().len();
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/products"))
        .and(header_exists("authorization"))
        .respond_with(move |req: &Request| {
            let page = req.url.query_pairs().find(|(k, _)| k == "page").map(|(_, v)| v.to_string());
            let body = if page.as_deref() == Some("1") { list.clone() } else { b"[]".to_vec() };
            ResponseTemplate::new(200)
                .set_body_raw(body, "application/json")
                .insert_header("X-WP-Total", n.to_string().as_str())
                .insert_header("X-WP-TotalPages", "1")
        })
        .mount(&server)
        .await;
    let variation = fixture("product_variation_retrieve.json");
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/products/794"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture("product_retrieve.json"), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wc/v3/products/22/variations/732"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(variation, "application/json"))
        .mount(&server)
        .await;
    let mut c = cfg(&server);
    c.auth = AuthChoice::Fixed(AuthMode::Basic);
    let client = Client::connect(c).await.expect("connects");
    let pages: Vec<Page<model::Product>> = client.products(&ListQuery::default()).try_collect().await.expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items.len(), n);
    assert!(pages[0].malformed.is_empty());
    assert_eq!(pages[0].total_items as usize, n);
    let want: Vec<u64> = serde_json::from_slice::<Vec<serde_json::Value>>(&fixture("products_list.json"))
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect();
    assert_eq!(pages[0].items.iter().map(|p| p.item.id).collect::<Vec<_>>(), want);
    assert!(pages[0].items.iter().any(|p| p.item.product_type == ProductType::Simple));

    let p = client.product(794).await.expect("product 794");
    assert_eq!(p.item.name, "Premium Quality");
    assert_eq!(p.raw.value()["_links"]["self"][0]["href"], "https://example.com/wp-json/wc/v3/products/794");
    let v: model::Variation = client.get_json("wc/v3/products/22/variations/732", vec![]).await.expect("variation");
    assert_eq!(v.id, 732);
}
