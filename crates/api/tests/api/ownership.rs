//! Another user's job or shop answers 404, exactly like a missing one.

use axum::Json;
use axum::routing::get;
use chrono::Utc;
use productsynch_api::ownership::OwnedShop;
use productsynch_core::jobs::{NewJob, queues};
use productsynch_db::entities::{SyncStatus, shops};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::json;

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
