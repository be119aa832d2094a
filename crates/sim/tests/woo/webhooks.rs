use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use productsynch_sim::woo::{NewProduct, ProductPatch};
use serde_json::Value;

use crate::{Receiver, cfg, client, header, start};

fn sign(secret: &str, body: &[u8]) -> String {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    m.update(body);
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

#[tokio::test]
async fn create_pings_then_delivers_signed_payloads() {
    let sim = start(cfg(20)).await;
    let (rec, url) = Receiver::start(200).await;
    let (ck, cs) = sim.credentials();
    let r = client()
        .post(format!("{}/wp-json/wc/v3/webhooks", sim.base_url()))
        .basic_auth(&ck, Some(&cs))
        .json(&serde_json::json!({"name": "Sync", "topic": "product.updated", "delivery_url": url, "secret": "s3cr3t", "status": "paused"}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status().as_u16(), 201);
    assert!(header(r.headers(), "location").ends_with("/wp-json/wc/v3/webhooks/1"));
    let w: Value = r.json().await.expect("json");
    assert_eq!(w["status"], "active", "status is forced to active on create");
    assert_eq!(w["resource"], "product");
    assert_eq!(w["event"], "updated");
    let example: Value = serde_json::from_str(include_str!("../fixtures/webhook_create_response.json")).expect("example");
    for k in example.as_object().expect("obj").keys() {
        assert!(w.get(k).is_some(), "webhook lacks {k}");
    }
    // The ping arrived during creation: form body, no signature headers.
    let hits = rec.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(&hits[0].1[..], b"webhook_id=1");
    assert!(hits[0].0.get("x-wc-webhook-signature").is_none());
    assert!(header(&hits[0].0, "content-type").starts_with("application/x-www-form-urlencoded"));

    let id = sim.control().find_products("publish", Some("simple"))[0];
    sim.control().update_product(id, ProductPatch { regular_price: Some("77.00".into()), ..Default::default() }).expect("update");
    assert!(sim.control().flush_webhooks(Duration::from_secs(10)).await);
    let hits = rec.wait_for(2).await;
    assert_eq!(hits.len(), 2);
    let (h, body) = &hits[1];
    assert_eq!(header(h, "x-wc-webhook-topic"), "product.updated");
    assert_eq!(header(h, "x-wc-webhook-resource"), "product");
    assert_eq!(header(h, "x-wc-webhook-event"), "updated");
    assert_eq!(header(h, "x-wc-webhook-id"), "1");
    assert_eq!(header(h, "x-wc-webhook-source"), format!("{}/", sim.base_url()));
    assert!(!header(h, "x-wc-webhook-delivery-id").is_empty());
    assert!(header(h, "user-agent").starts_with("WooCommerce/"));
    assert_eq!(header(h, "x-wc-webhook-signature"), sign("s3cr3t", body), "signature verifies with the secret");
    let payload: Value = serde_json::from_slice(body).expect("json");
    assert_eq!(payload["id"].as_u64(), Some(id));
    assert_eq!(payload["regular_price"], "77.00");

    // Deleting requires force=true.
    let r = client().delete(format!("{}/wp-json/wc/v3/webhooks/1", sim.base_url())).basic_auth(&ck, Some(&cs)).send().await.expect("delete");
    assert_eq!(r.status().as_u16(), 501);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_trash_not_supported");
    let r = client().delete(format!("{}/wp-json/wc/v3/webhooks/1?force=true", sim.base_url())).basic_auth(&ck, Some(&cs)).send().await.expect("delete");
    assert_eq!(r.status().as_u16(), 200);
    assert!(sim.control().webhooks().is_empty());
}

#[tokio::test]
async fn invalid_topic_and_url_rejected() {
    let sim = start(cfg(2)).await;
    let (ck, cs) = sim.credentials();
    for (body, code) in [
        (serde_json::json!({"topic": "product.exploded", "delivery_url": "http://127.0.0.1:9/x"}), "woocommerce_rest_webhook_invalid_topic"),
        (serde_json::json!({"topic": "product.created", "delivery_url": "not a url"}), "woocommerce_rest_webhook_invalid_delivery_url"),
    ] {
        let r = client().post(format!("{}/wp-json/wc/v3/webhooks", sim.base_url())).basic_auth(&ck, Some(&cs)).json(&body).send().await.expect("post");
        assert_eq!(r.status().as_u16(), 400);
        let e: Value = r.json().await.expect("json");
        assert_eq!(e["code"], code);
    }
}

#[tokio::test]
async fn created_deleted_restored_and_order_topics() {
    let sim = start(cfg(20)).await;
    let (rec, url) = Receiver::start(200).await;
    let ctl = sim.control();
    for t in ["product.created", "product.deleted", "product.restored", "order.created", "order.updated"] {
        ctl.create_webhook(t, &url, Some(format!("secret-{t}"))).await.expect("webhook");
    }
    let created = ctl.create_product(NewProduct { name: "Brand-new Widget".into(), regular_price: "19.99".into(), ..Default::default() }).expect("create");
    let pid = created["id"].as_u64().expect("id");
    ctl.delete_product(pid, false).expect("trash");
    ctl.restore_product(pid).expect("restore");
    let order = ctl.place_order(productsynch_sim::woo::NewOrder { line_items: vec![productsynch_sim::woo::NewOrderLine { product_id: pid, variation_id: 0, quantity: 1 }], attribution: Some("chatgpt".into()), ..Default::default() }).expect("order");
    ctl.update_order_status(order["id"].as_u64().expect("id"), "completed").expect("status");
    assert!(ctl.flush_webhooks(Duration::from_secs(10)).await);
    let hits = rec.wait_for(10).await;
    let deliveries: Vec<(String, Value, String, Vec<u8>)> = hits
        .iter()
        .filter(|(h, _)| h.get("x-wc-webhook-topic").is_some())
        .map(|(h, b)| (header(h, "x-wc-webhook-topic"), serde_json::from_slice(b).expect("json"), header(h, "x-wc-webhook-signature"), b.to_vec()))
        .collect();
    let topics: Vec<&str> = deliveries.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(topics, vec!["product.created", "product.deleted", "product.restored", "order.created", "order.updated"]);
    for (topic, payload, sig, body) in &deliveries {
        assert_eq!(*sig, sign(&format!("secret-{topic}"), body));
        if topic == "product.deleted" {
            assert_eq!(*payload, serde_json::json!({ "id": pid }), "deleted payload is just the id");
        }
    }
    assert_eq!(deliveries[3].1["meta_data"].as_array().expect("m").iter().filter(|m| m["value"] == "chatgpt.com").count(), 1);
    assert_eq!(deliveries[4].1["status"], "completed");
}

#[tokio::test]
async fn variation_change_fires_for_variation_and_parent() {
    let sim = start(cfg(60)).await;
    let (rec, url) = Receiver::start(200).await;
    let ctl = sim.control();
    ctl.create_webhook("product.updated", &url, None).await.expect("webhook");
    let parent = ctl.find_products("publish", Some("variable"))[0];
    let pj = ctl.product_json(parent).expect("parent");
    let vid = pj["variations"][0].as_u64().expect("vid");
    ctl.update_product(vid, ProductPatch { regular_price: Some("5.55".into()), ..Default::default() }).expect("update");
    assert!(ctl.flush_webhooks(Duration::from_secs(10)).await);
    let hits = rec.wait_for(3).await;
    let payloads: Vec<Value> = hits.iter().skip(1).map(|(_, b)| serde_json::from_slice(b).expect("json")).collect();
    assert_eq!(payloads.len(), 2);
    assert_eq!(payloads[0]["id"].as_u64(), Some(vid));
    assert_eq!(payloads[0]["type"], "variation");
    assert_eq!(payloads[0]["regular_price"], "5.55");
    assert_eq!(payloads[1]["id"].as_u64(), Some(parent));
}

#[tokio::test]
async fn disabled_after_repeated_failures() {
    let sim = start(cfg(10)).await;
    let (rec, url) = Receiver::start(500).await;
    let ctl = sim.control();
    let w = ctl.create_webhook("product.updated", &url, None).await.expect("webhook");
    let id = ctl.find_products("publish", None)[0];
    for i in 0..10 {
        ctl.update_product(id, ProductPatch { stock_quantity: Some(i), ..Default::default() }).expect("update");
        assert!(ctl.flush_webhooks(Duration::from_secs(10)).await);
    }
    let attempts = ctl.deliveries().into_iter().filter(|d| d.webhook_id == w.id).collect::<Vec<_>>();
    // WooCommerce: failure_count goes 0..=5 then disables on the next failure -> 7 attempts, then nothing.
    assert_eq!(attempts.len(), 7, "{attempts:?}");
    assert!(attempts.iter().all(|d| !d.success && d.status == Some(500)));
    assert_eq!(attempts.last().map(|d| d.webhook_status.as_str()), Some("disabled"));
    assert_eq!(ctl.webhooks()[0].status, "disabled");
    assert_eq!(rec.hits().len(), 1 + 7, "ping + 7 deliveries");

    // Reactivating resets the failure count; a healthy receiver then gets deliveries.
    *rec.status.lock().expect("lock") = 200;
    let (ck, cs) = sim.credentials();
    let r = client().put(format!("{}/wp-json/wc/v3/webhooks/{}", sim.base_url(), w.id)).basic_auth(&ck, Some(&cs)).json(&serde_json::json!({"status": "active"})).send().await.expect("put");
    assert_eq!(r.status().as_u16(), 200);
    ctl.update_product(id, ProductPatch { stock_quantity: Some(99), ..Default::default() }).expect("update");
    assert!(ctl.flush_webhooks(Duration::from_secs(10)).await);
    assert!(ctl.deliveries().last().is_some_and(|d| d.success));
}

#[tokio::test]
async fn retries_until_success() {
    let mut c = cfg(10);
    c.webhook_retries = 2;
    let sim = start(c).await;
    let (rec, url) = Receiver::start(200).await;
    let ctl = sim.control();
    let w = ctl.create_webhook("product.updated", &url, None).await.expect("webhook");
    *rec.status.lock().expect("lock") = 503;
    let id = ctl.find_products("publish", None)[0];
    ctl.update_product(id, ProductPatch { name: Some("Retry me".into()), ..Default::default() }).expect("update");
    // Let the first attempt fail, then heal the receiver before the retry.
    for _ in 0..500 {
        if !ctl.deliveries().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    *rec.status.lock().expect("lock") = 200;
    assert!(ctl.flush_webhooks(Duration::from_secs(10)).await);
    let attempts: Vec<_> = ctl.deliveries().into_iter().filter(|d| d.webhook_id == w.id).collect();
    assert!(attempts.len() >= 2, "{attempts:?}");
    assert!(!attempts[0].success);
    assert!(attempts.last().is_some_and(|d| d.success));
    assert_eq!(ctl.webhooks()[0].failure_count, 0);
}
