//! Another user's job or shop answers 404, exactly like a missing one. The sweep below takes every
//! route of the OpenAPI document with an id in its path, so a new shop-scoped route is covered (or the
//! test fails until it says how to call it).

use axum::Json;
use axum::routing::get;
use std::collections::BTreeSet;

use chrono::Utc;
use productsynch_api::ownership::OwnedShop;
use productsynch_core::jobs::{NewJob, queues};
use productsynch_db::entities::{ProductStatus, SyncStatus, jobs, products, shops};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::both;
use crate::helpers::*;

both!(another_users_job_is_404, |t| {
    let (_, alice, _, alice_id) = t.user("alice").await;
    let (_, bob, ..) = t.user("bob").await;
    let job = t
        .app
        .jobs()
        .enqueue(NewJob::new(queues::ANALYTICS, "test.noop", json!({"x": 1})).for_user(alice_id.clone()))
        .await
        .unwrap();
    let r = t.get_auth(&format!("/api/v1/jobs/{}", job.id), &alice).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], job.id);
    assert_eq!(r.body["status"], "queued");
    assert_eq!(r.body["queue"], "analytics");

    let r = t.get_auth(&format!("/api/v1/jobs/{}", job.id), &bob).await;
    r.assert_problem(404);
    let missing = t.get_auth("/api/v1/jobs/job_doesnotexist", &bob).await;
    missing.assert_problem(404);
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("requestId");
        v
    };
    assert_eq!(strip(&r.body), strip(&missing.body), "indistinguishable");
    t.get(&format!("/api/v1/jobs/{}", job.id)).await.assert_problem(401);
});

async fn shop_story(backend: Backend) {
    let Some(db) = test_db(backend).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = productsynch_core::config::Config::for_tests(dir.path(), &db.url);
    let app = productsynch_core::App::from_parts(config, db.db.clone()).unwrap();
    let state = productsynch_api::AppState::new(app.clone(), productsynch_api::ApiSettings::default()).await.unwrap();
    // A shop-scoped route, as later issues add them.
    let router = productsynch_api::router::build_with(state, |r| {
        r.route(
            "/api/v1/shops/{shopId}/probe",
            get(|s: OwnedShop| async move { Json(json!({"shopId": s.shop.id, "owner": s.user.id()})) }),
        )
    });
    let t = spawn_router(router, app, dir, Some(db)).await;
    let (_, alice, _, alice_id) = t.user("shopalice").await;
    let (_, bob, ..) = t.user("shopbob").await;
    let now = Utc::now();
    let shop = shops::Model {
        id: productsynch_db::ids::new_id(productsynch_db::ids::SHOP),
        user_id: alice_id.clone(),
        woo_store_url: "https://store.example.com".into(),
        woo_consumer_key: "ck_test".into(),
        woo_consumer_secret: "v1:k:cipher".into(),
        woo_webhook_secret: None,
        shop_name: "Alice's".into(),
        shop_currency: "USD".into(),
        is_connected: true,
        last_sync_at: None,
        sync_status: SyncStatus::default(),
        sync_enabled: true,
        last_health_check_at: None,
        connection_error: None,
        openai_merchant_id: None,
        openai_endpoint: None,
        openai_token: None,
        openai_enabled: false,
        seller_name: None,
        seller_url: None,
        seller_privacy_policy: None,
        seller_tos: None,
        return_policy: None,
        return_window: None,
        created_at: now,
        updated_at: now,
    };
    shop.clone().into_active_model().insert(t.app.db()).await.unwrap();

    let r = t.get_auth(&format!("/api/v1/shops/{}/probe", shop.id), &alice).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["owner"], alice_id);
    t.get_auth(&format!("/api/v1/shops/{}/probe", shop.id), &bob).await.assert_problem(404);
    t.get_auth("/api/v1/shops/shop_missing/probe", &alice).await.assert_problem(404);
    t.get(&format!("/api/v1/shops/{}/probe", shop.id)).await.assert_problem(401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_shop_is_404_sqlite() {
    shop_story(Backend::Sqlite).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_shop_is_404_postgres() {
    shop_story(Backend::Postgres).await
}

/// Routes with an id in the path that no user token authorizes: the caller is the store (wc-auth
/// callback with its single-use nonce, webhooks with their HMAC). A bearer token must change nothing.
const MACHINE_ROUTES: &[(&str, &str)] =
    &[("POST", "/api/v1/shops/{id}/oauth/callback"), ("POST", "/api/v1/webhooks/woocommerce/{shopId}")];

/// Bodies the owner's control request needs to be valid; any other write gets `{}`.
fn body_for(method: &str, path: &str, pid: &str) -> Option<Value> {
    Some(match (method, path) {
        ("PATCH", "/api/v1/shops/{id}") => json!({"shopName": "Renamed by owner"}),
        ("PUT", "/api/v1/shops/{id}/openai-config") => json!({"method": "hosted"}),
        ("PATCH", "/api/v1/shops/{id}/products/{pid}") => json!({"manualTitle": "Owner's title"}),
        ("POST", "/api/v1/shops/{id}/products/bulk") => json!({"action": "exclude", "ids": [pid]}),
        ("GET" | "DELETE", _) => return None,
        _ => json!({}),
    })
}

/// A connected shop of `user_id` whose store URL refuses connections (verify and disconnect fail
/// fast, without the network).
async fn insert_shop(t: &TestApp, user_id: &str, name: &str) -> String {
    t.insert_shop(user_id, "http://127.0.0.1:1", "ck_test", name).await
}

async fn insert_product(t: &TestApp, shop_id: &str) -> String {
    let now = Utc::now();
    let id = format!("prod_{shop_id}_1");
    products::ActiveModel {
        id: Set(id.clone()),
        shop_id: Set(shop_id.to_owned()),
        woo_product_id: Set(1),
        woo_title: Set("Trail Running Shoe".into()),
        // As a sync stores it (edits and bulk actions recompute the feed from it).
        woo_raw_json: Set(Some(json!({
            "id": 1, "name": "Trail Running Shoe", "type": "simple", "status": "publish",
            "permalink": "https://shop.example.com/product/1", "price": "79.99", "regular_price": "79.99",
            "stock_status": "instock"
        }))),
        feed_enable_search: Set(true),
        feed_enable_checkout: Set(false),
        feed_data_json: Set(None),
        ai_enriched: Set(false),
        manual_override: Set(false),
        status: Set(ProductStatus::Draft),
        sync_status: Set(SyncStatus::Completed),
        is_valid: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(t.app.db())
    .await
    .expect("product");
    id
}

async fn send(t: &TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
    let mut rb = t.client.request(method.parse().expect("method"), t.url(path));
    if let Some(tok) = token {
        rb = rb.bearer_auth(tok);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    Resp::from(rb.send().await.expect("request")).await
}

fn strip_request_id(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("requestId");
    }
    v
}

/// Fills a path template: `{id}` by the route's resource (shop, job, session), `{pid}` and `{shopId}`.
fn fill(template: &str, shop: &str, pid: &str, job: &str, session: &str) -> String {
    let id = if template.starts_with("/api/v1/shops/") {
        shop
    } else if template.starts_with("/api/v1/jobs/") {
        job
    } else if template.starts_with("/api/v1/auth/sessions/") {
        session
    } else {
        assert!(!template.contains("{id}"), "{template}: say here which resource its {{id}} names");
        ""
    };
    let path = template.replace("{id}", id).replace("{pid}", pid).replace("{shopId}", shop);
    assert!(!path.contains('{'), "{template}: a path parameter this sweep does not know; add it to `fill`");
    path
}

/// What another user may observe of A's data; must be the same before and after B's requests.
async fn owner_snapshot(t: &TestApp, token: &str, shop: &str, pid: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        format!("/api/v1/shops/{shop}"),
        format!("/api/v1/shops/{shop}/openai-config"),
        format!("/api/v1/shops/{shop}/products/{pid}"),
        format!("/api/v1/shops/{shop}/products"),
        format!("/api/v1/shops/{shop}/sync/history"),
        format!("/api/v1/shops/{shop}/feed/pushes"),
        format!("/api/v1/shops/{shop}/feed/files"),
        "/api/v1/auth/sessions".to_owned(),
    ] {
        let r = t.get_auth(&path, token).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        out.push(json!({"path": path, "body": r.body}));
    }
    let jobs = jobs::Entity::find().filter(jobs::Column::ShopId.eq(shop)).count(t.app.db()).await.unwrap();
    out.push(json!({"jobsOfShop": jobs}));
    out
}

// Every route of the OpenAPI document with `{id}` or `{shopId}` in its path, called with user B's
// token on user A's shop (product, job, session): 404 problem+json, the same body as for a missing
// id, nothing changed; A gets a real answer to the same request (the control).
both!(every_id_route_of_the_openapi_document_is_404_to_another_user, |t| {
    crate::helpers::fast_sync_tuning();
    let doc = t.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, 200, "{}", doc.text);

    let (alice_email, alice, _, alice_id) = t.user("sweepalice").await;
    let (_, bob, _, bob_id) = t.user("sweepbob").await;
    let shop = insert_shop(&t, &alice_id, "Alice's store").await;
    let pid = insert_product(&t, &shop).await;
    let bob_shop = insert_shop(&t, &bob_id, "Bob's store").await;
    let bob_pid = insert_product(&t, &bob_shop).await;
    let job = t
        .app
        .jobs()
        .enqueue(NewJob::new(queues::ANALYTICS, "test.noop", json!({})).for_user(alice_id.clone()))
        .await
        .unwrap()
        .id;
    // A second session of A (the one A's control revokes; the first keeps the access token's session).
    assert_eq!(t.login(&alice_email, PASSWORD).await.status, 200);
    let sessions = t.get_auth("/api/v1/auth/sessions", &alice).await;
    let session = sessions.body["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .max_by_key(|s| s["createdAt"].as_str().unwrap_or_default().to_owned())
        .and_then(|s| s["id"].as_str())
        .expect("a session")
        .to_owned();

    // Every (method, path template) with an id in the path, and whether a user token authorizes it.
    let mut routes: Vec<(String, String, bool)> = Vec::new();
    for (path, item) in doc.body["paths"].as_object().expect("paths") {
        if !(path.contains("{id}") || path.contains("{shopId}")) {
            continue;
        }
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let user_auth = op["security"].as_array().is_some_and(|s| !s.is_empty());
            routes.push((method.to_uppercase(), path.clone(), user_auth));
        }
    }
    // The owner's DELETE of the shop goes last (it takes the shop's data with it).
    routes.sort_by_key(|(m, p, _)| (m == "DELETE" && p == "/api/v1/shops/{id}", p.clone(), m.clone()));
    let names: BTreeSet<(&str, &str)> = routes.iter().map(|(m, p, _)| (m.as_str(), p.as_str())).collect();
    // The document really lists the shop routes (a broken filter would make the sweep vacuous).
    for known in [
        ("GET", "/api/v1/shops/{id}"),
        ("PATCH", "/api/v1/shops/{id}"),
        ("DELETE", "/api/v1/shops/{id}"),
        ("POST", "/api/v1/shops/{id}/verify"),
        ("POST", "/api/v1/shops/{id}/sync"),
        ("GET", "/api/v1/shops/{id}/sync/status"),
        ("GET", "/api/v1/shops/{id}/sync/history"),
        ("POST", "/api/v1/shops/{id}/sync/push"),
        ("GET", "/api/v1/shops/{id}/feed/preview"),
        ("GET", "/api/v1/shops/{id}/feed/download"),
        ("GET", "/api/v1/shops/{id}/feed/files"),
        ("POST", "/api/v1/shops/{id}/feed/rotate-token"),
        ("PUT", "/api/v1/shops/{id}/openai-config"),
        ("GET", "/api/v1/shops/{id}/products"),
        ("GET", "/api/v1/shops/{id}/products/{pid}"),
        ("PATCH", "/api/v1/shops/{id}/products/{pid}"),
        ("GET", "/api/v1/shops/{id}/products/{pid}/preview-feed"),
        ("POST", "/api/v1/shops/{id}/products/bulk"),
        ("GET", "/api/v1/jobs/{id}"),
        ("DELETE", "/api/v1/auth/sessions/{id}"),
    ] {
        assert!(names.contains(&known), "{known:?} missing from the OpenAPI document");
    }
    // Routes without user auth are only the store's own callbacks, named above with their reason.
    for (m, p, user_auth) in &routes {
        let machine = MACHINE_ROUTES.contains(&(m.as_str(), p.as_str()));
        assert_eq!(!user_auth, machine, "{m} {p}: without user auth but not in MACHINE_ROUTES (or the reverse)");
    }
    for r in MACHINE_ROUTES {
        assert!(names.contains(r), "MACHINE_ROUTES lists {r:?}, which is no longer in the document");
    }

    let missing = t.get_auth("/api/v1/shops/shop_doesnotexist", &bob).await;
    missing.assert_problem(404);
    let before = owner_snapshot(&t, &alice, &shop, &pid).await;

    // B on A's resources.
    for (m, p, user_auth) in &routes {
        let path = fill(p, &shop, &pid, &job, &session);
        let body = body_for(m, p, &pid);
        let r = send(&t, m, &path, Some(&bob), body.clone()).await;
        if *user_auth {
            assert_eq!(r.status, 404, "{m} {p}: another user got {}", r.text);
            r.assert_problem(404);
            assert_eq!(strip_request_id(&r.body), strip_request_id(&missing.body), "{m} {p}: not like a missing id");
            // Anonymous: 401, not 404 (the check is about the owner, not about being signed in).
            send(&t, m, &path, None, body.clone()).await.assert_problem(401);
            // B's own shop with A's product id: 404 too (the product is looked up within the shop).
            if p.contains("{pid}") {
                let path = fill(p, &bob_shop, &pid, &job, &session);
                let r = send(&t, m, &path, Some(&bob), body.clone()).await;
                r.assert_problem(404);
                assert_eq!(strip_request_id(&r.body), strip_request_id(&missing.body), "{m} {p} (B's shop)");
            }
        } else {
            // The store's callbacks: B's token neither helps nor changes the answer.
            assert!(r.status >= 400 && r.status < 500, "{m} {p}: {} {}", r.status, r.text);
            let anon = send(&t, m, &path, None, body.clone()).await;
            assert_eq!((r.status, strip_request_id(&r.body)), (anon.status, strip_request_id(&anon.body)), "{m} {p}");
        }
    }
    assert_eq!(before, owner_snapshot(&t, &alice, &shop, &pid).await, "B's requests changed A's data");
    // B's own product is untouched by B's requests that named A's product within B's shop.
    let r = t.get_auth(&format!("/api/v1/shops/{bob_shop}/products/{bob_pid}"), &bob).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // The control: A's same requests are answered (not 404, nor refused).
    for (m, p, user_auth) in &routes {
        if !user_auth {
            continue;
        }
        let path = fill(p, &shop, &pid, &job, &session);
        let r = send(&t, m, &path, Some(&alice), body_for(m, p, &pid)).await;
        assert!(
            (200..300).contains(&r.status),
            "{m} {p}: the owner got {} {}",
            r.status,
            r.text
        );
    }
    assert!(routes.len() >= 25, "only {} routes with an id in the document", routes.len());
});
