use std::time::Duration;

use productsynch_sim::woo::{Fault, Faults};
use serde_json::Value;

use crate::{cfg, client, get, header, start};

#[tokio::test]
async fn status_faults_and_retry_after() {
    let sim = start(cfg(5)).await;
    sim.control().push_faults([Fault::RateLimit { retry_after: 7 }, Fault::Status { status: 500, retry_after: None }, Fault::Status { status: 502, retry_after: None }, Fault::Status { status: 503, retry_after: Some(2) }]);
    let (s, h, e) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 429);
    assert_eq!(header(&h, "retry-after"), "7");
    assert_eq!(e["data"]["status"], 429);
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 500);
    assert_eq!(e["code"], "internal_server_error");
    let (s, h, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 502);
    assert!(header(&h, "content-type").starts_with("text/html"));
    let (s, h, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 503);
    assert_eq!(header(&h, "retry-after"), "2");
    let (s, _, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 200, "one-shot faults are consumed");
}

#[tokio::test]
async fn route_filter_and_error_rate() {
    let sim = start(cfg(5)).await;
    sim.control().set_faults(Faults { error_rate: 1.0, route_filter: Some("/variations".into()), ..Faults::default() });
    let (s, _, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 200);
    let id = sim.control().product_ids(1)[0];
    let (s, h, _) = get(&sim, &format!("/wp-json/wc/v3/products/{id}/variations")).await;
    assert_eq!(s, 503);
    assert_eq!(header(&h, "retry-after"), "1");
}

#[tokio::test]
async fn timeout_drop_truncate_wrong_types_php_notice() {
    let sim = start(cfg(5)).await;
    let (ck, cs) = sim.credentials();
    let url = format!("{}/wp-json/wc/v3/products", sim.base_url());

    sim.control().push_faults([Fault::Timeout { secs: 30 }]);
    let r = client().get(&url).basic_auth(&ck, Some(&cs)).timeout(Duration::from_millis(300)).send().await;
    assert!(r.as_ref().err().is_some_and(|e| e.is_timeout()), "{r:?}");

    sim.control().push_faults([Fault::Drop]);
    let r = client().get(&url).basic_auth(&ck, Some(&cs)).send().await;
    let body = match r {
        Ok(resp) => resp.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(body.is_err(), "a dropped connection yields an error");

    sim.control().push_faults([Fault::Truncate]);
    let r = client().get(&url).basic_auth(&ck, Some(&cs)).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.expect("text");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "truncated JSON does not parse");
    assert!(text.starts_with('['));

    sim.control().push_faults([Fault::WrongTypes]);
    let (s, _, v) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 200);
    let first = &v[0];
    assert!(first["regular_price"].is_number() || first["regular_price"].is_boolean() || first["type"] == "variable");
    assert!(first["tags"].is_null());
    assert!(first["meta_data"].is_object());
    assert!(first["id"].is_u64());

    sim.control().push_faults([Fault::PhpNotice]);
    let r = client().get(&url).basic_auth(&ck, Some(&cs)).send().await.expect("send");
    let text = r.text().await.expect("text");
    assert!(text.starts_with("<br />"));
    let json_start = text.find('[').expect("json follows");
    assert!(serde_json::from_str::<Value>(&text[json_start..]).is_ok());
}

#[tokio::test]
async fn failing_and_malformed_products() {
    let sim = start(cfg(30)).await;
    let ids = sim.control().product_ids(30);
    let bad = ids[3];
    let odd = ids[5];
    sim.control().set_faults(Faults { failing_products: [bad].into(), malformed_products: [odd].into(), ..Faults::default() });
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/products?per_page=10").await;
    assert_eq!(s, 500, "the page containing the failing product fails");
    assert_eq!(e["code"], "internal_server_error");
    let (s, _, _) = get(&sim, &format!("/wp-json/wc/v3/products/{bad}")).await;
    assert_eq!(s, 500);
    let (s, _, list) = get(&sim, &format!("/wp-json/wc/v3/products?per_page=10&exclude={bad}")).await;
    assert_eq!(s, 200);
    let broken = list.as_array().expect("a").iter().find(|p| p["id"].as_u64() == Some(odd)).expect("malformed product present").clone();
    assert!(broken["name"].is_object());
    assert!(broken["variations"].is_string());
    let (s, _, _) = get(&sim, "/wp-json/wc/v3/products?per_page=2&page=10").await;
    assert_eq!(s, 200, "pages without the failing product are fine");
    // Asking only for ids skips the crashing price/content rendering, so the culprit can be found.
    let (s, _, ids_only) = get(&sim, "/wp-json/wc/v3/products?per_page=10&_fields=id").await;
    assert_eq!(s, 200);
    let items = ids_only.as_array().expect("a");
    assert!(items.iter().all(|p| p.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("id"))));
    assert!(items.iter().any(|p| p["id"].as_u64() == Some(bad)));
    let (s, _, _) = get(&sim, "/wp-json/wc/v3/products?per_page=10&_fields=id,price").await;
    assert_eq!(s, 500);
}

#[tokio::test]
async fn latency_and_control_api_over_http() {
    let sim = start(cfg(5)).await;
    let c = client();
    let r = c.put(format!("{}/__sim/faults", sim.base_url())).json(&serde_json::json!({"latency_ms": 50, "queue": [{"kind": "status", "status": 503, "retry_after": 3}]})).send().await.expect("put");
    assert_eq!(r.status().as_u16(), 200);
    let started = std::time::Instant::now();
    let (s, h, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 503);
    assert_eq!(header(&h, "retry-after"), "3");
    assert!(started.elapsed() >= Duration::from_millis(50), "latency applied");
    let r = c.post(format!("{}/__sim/faults", sim.base_url())).json(&serde_json::json!({"kind": "rate_limit", "retry_after": 4})).send().await.expect("post");
    assert_eq!(r.status().as_u16(), 200);
    let (s, _, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 429);
    c.delete(format!("{}/__sim/faults", sim.base_url())).send().await.expect("delete");
    assert_eq!(sim.control().faults(), Faults::default());
    // Revoke the admin key over HTTP.
    let (ck, _) = sim.credentials();
    let r = c.delete(format!("{}/__sim/keys/{ck}", sim.base_url())).send().await.expect("delete");
    assert_eq!(r.status().as_u16(), 200);
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 401);
    assert_eq!(e["code"], "woocommerce_rest_cannot_view");
}
