//! Cross-cutting behaviour: headers, request ids, problem shapes, OpenAPI, health, metrics, SPA.

use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(security_headers_and_request_ids, |t| {
    for path in ["/healthz", "/api/v1/auth/me", "/some/client/route"] {
        let r = t.get(path).await;
        assert!(r.header("content-security-policy").is_some_and(|v| v.contains("frame-ancestors 'none'")), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(r.header("referrer-policy").is_some(), "{path}");
        assert!(r.header("strict-transport-security").is_none(), "no HSTS over plain http ({path})");
        assert!(r.header("x-request-id").is_some_and(|v| !v.is_empty()), "{path}");
    }
    // an incoming id is kept, echoed, and written into problem bodies
    let r = Resp::from(t.client.get(t.url("/api/v1/auth/me")).header("x-request-id", "abc-123").send().await.unwrap()).await;
    assert_eq!(r.header("x-request-id"), Some("abc-123"));
    assert_eq!(r.body["requestId"], "abc-123");
    // a hostile one is replaced
    let r = Resp::from(t.client.get(t.url("/healthz")).header("x-request-id", "a b<c>").send().await.unwrap()).await;
    assert_ne!(r.header("x-request-id"), Some("a b<c>"));
});

both!(problem_json_for_unknown_routes_methods_and_big_bodies, |t| {
    t.get("/api/v1/does-not-exist").await.assert_problem(404);
    let r = Resp::from(t.client.put(t.url("/api/v1/auth/login")).json(&json!({})).send().await.unwrap()).await;
    r.assert_problem(405);
    let big = "x".repeat(2 * 1024 * 1024);
    let r = t.post("/api/v1/auth/login", json!({"email": big, "password": "x"})).await;
    r.assert_problem(413);
});

both!(openapi_document_lists_the_routes, |t| {
    let r = t.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("application/json")));
    assert!(r.body["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", &r.text[..100.min(r.text.len())]);
    let paths = r.body["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/auth/verify-email",
        "/api/v1/auth/forgot-password",
        "/api/v1/auth/reset-password",
        "/api/v1/auth/sessions",
        "/api/v1/jobs/{id}",
        "/api/v1/dev/outbox",
        "/healthz",
        "/readyz",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    let me = &paths["/api/v1/auth/me"];
    assert!(me.get("get").is_some() && me.get("patch").is_some() && me.get("delete").is_some());
    assert!(r.body["components"]["schemas"]["AuthResponse"].is_object());
    assert!(r.body["components"]["securitySchemes"]["bearer"].is_object());
});

both!(health_readiness_and_metrics, |t| {
    let r = t.get("/healthz").await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ok")));
    let r = t.get("/readyz").await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ready")));
    t.get("/api/v1/auth/me").await;
    let r = t.get("/metrics").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/plain")));
    assert!(r.text.contains("http_requests_total{"), "{}", r.text);
    assert!(r.text.contains(r#"route="/api/v1/auth/me""#), "{}", r.text);
    assert!(r.text.contains("http_request_duration_seconds_bucket"), "{}", r.text);
});

both!(spa_fallback_serves_html_outside_the_api, |t| {
    let r = t.get("/shops/123/products").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert!(r.text.to_lowercase().contains("<html"));
    let root = t.get("/").await;
    assert_eq!(root.text, r.text, "client routes get index.html");
    // missing hashed assets are real 404s, and the API never falls back to HTML
    t.get("/assets/missing-abc123.js").await.assert_problem(404);
    t.get("/api/v1/nope").await.assert_problem(404);
    let r = Resp::from(t.client.post(t.url("/some/page")).send().await.unwrap()).await;
    r.assert_problem(405);
});

/// `/readyz` reports 503 when the database is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_without_database() {
    let t = spawn_app(Backend::Sqlite).await.unwrap();
    t.app.db().clone().close().await.unwrap();
    let r = t.get("/readyz").await;
    r.assert_problem(503);
}
