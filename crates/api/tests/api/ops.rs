//! Cross-cutting behaviour: headers, request ids, problem shapes, OpenAPI, health, metrics, SPA.

use serde_json::{Value, json};

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
    // job gauges for every known queue and status, zeros included (an emptied group reads 0)
    for q in productsynch_core::jobs::queues::ALL {
        for s in ["queued", "running", "succeeded", "dead", "cancelled"] {
            let series = format!(r#"productsynch_jobs{{queue="{q}",status="{s}"}} "#);
            assert!(r.text.contains(&series), "missing {series}: {}", r.text);
        }
    }
});

/// A server on a fresh SQLite database with its own config and settings, and extra routes.
async fn spawn_custom(
    config: impl FnOnce(&mut productsynch_core::Config),
    settings: productsynch_api::ApiSettings,
    extra: impl FnOnce(axum::Router<productsynch_api::AppState>) -> axum::Router<productsynch_api::AppState>,
) -> TestApp {
    let db = productsynch_db::test_support::TestDb::sqlite().await;
    let dir = tempfile::tempdir().expect("dir");
    let mut cfg = productsynch_core::Config::for_tests(dir.path(), &db.url);
    config(&mut cfg);
    let app = productsynch_core::App::from_parts(cfg, db.db.clone()).expect("app");
    let state = productsynch_api::AppState::new(app.clone(), settings).await.expect("state");
    spawn_router(productsynch_api::router::build_with(state, extra), app, dir, Some(db)).await
}

/// `API_REQUEST_TIMEOUT_SECS`: a request slower than the limit gets a 408 problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_get_408() {
    let settings = productsynch_api::ApiSettings { request_timeout: std::time::Duration::from_millis(300), ..Default::default() };
    let t = spawn_custom(
        |_| {},
        settings,
        |r| {
            r.route(
                "/api/v1/test-slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    "late"
                }),
            )
        },
    )
    .await;
    let r = t.get("/api/v1/test-slow").await;
    r.assert_problem(408);
    // fast requests are unaffected
    assert_eq!(t.get("/healthz").await.status, 200);
}

/// `/api/v1/dev/outbox` exists outside production only (route and OpenAPI document).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_outbox_is_hidden_in_production() {
    let t = spawn_custom(|c| c.app_env = productsynch_core::config::AppEnv::Production, Default::default(), |r| r).await;
    t.get("/api/v1/dev/outbox").await.assert_problem(404);
    let doc = t.get("/api/v1/openapi.json").await.body;
    assert!(doc["paths"].get("/api/v1/dev/outbox").is_none(), "documented in production");
    assert!(doc["paths"].get("/api/v1/auth/me").is_some());
    let dev = spawn_custom(|_| {}, Default::default(), |r| r).await;
    assert_eq!(dev.get("/api/v1/dev/outbox").await.status, 200);
}

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

/// Tags whose JSON answers must all be described by a schema.
const TYPED_TAGS: [&str; 6] = ["shops", "products", "feed", "delivery", "jobs", "sync"];

both!(openapi_every_success_of_the_catalog_tags_has_a_schema, |t| {
    let doc = t.get("/api/v1/openapi.json").await.body;
    let mut checked = 0;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            let tags: Vec<&str> = op["tags"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if !tags.iter().any(|t| TYPED_TAGS.contains(t)) {
                continue;
            }
            for (status, resp) in op["responses"].as_object().expect("responses") {
                // 204 and 304 have no body by definition; every other success must say what it carries
                if !status.starts_with('2') || status == "204" {
                    continue;
                }
                checked += 1;
                let content = resp["content"].as_object();
                let ok = content.is_some_and(|c| {
                    !c.is_empty()
                        && c.iter().all(|(mime, m)| {
                            // binary downloads only name their media type; JSON must have a real schema
                            !mime.contains("json") || m["schema"].as_object().is_some_and(|s| !s.is_empty())
                        })
                });
                if !ok {
                    missing.push(format!("{} {path} {status}", method.to_uppercase()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "success responses without a schema: {missing:#?}");
    assert!(checked >= 20, "only {checked} success responses checked");
    for name in ["Shop", "ShopList", "ProductPage", "ProductSummary", "ProductDetail", "FeedPreview", "Push", "Job", "JobState"] {
        assert!(doc["components"]["schemas"][name].is_object(), "schema {name} missing");
    }
});

/// Checks `v` against `schema` of `doc` (the subset utoipa emits: `$ref`, `type` (or a list of
/// types), `enum`, `properties` + `required`, `items`, `allOf`, `oneOf`). Objects must not carry
/// undocumented members. Returns the first mismatch with its JSON path.
fn conforms(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return conforms(doc, &doc["components"]["schemas"][name], v, at);
    }
    if let Some(branches) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        let errs: Vec<String> = branches.iter().filter_map(|b| conforms(doc, b, v, at).err()).collect();
        if errs.len() == branches.len() {
            return Err(format!("{at}: matches no branch: {errs:?}"));
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        // flattened structs: every part's own checks, and members known to one of the parts
        let mut known = std::collections::BTreeSet::new();
        for p in parts {
            let p = match p["$ref"].as_str() {
                Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
                None => p,
            };
            known.extend(p["properties"].as_object().into_iter().flat_map(|o| o.keys().cloned()));
            let mut loose = p.clone();
            loose["x-open"] = json!(true);
            conforms(doc, &loose, v, at)?;
        }
        if let Some(o) = v.as_object() {
            if let Some(k) = o.keys().find(|k| !known.contains(*k)) {
                return Err(format!("{at}.{k}: not in the schema"));
            }
        }
    }
    if let Some(e) = schema["enum"].as_array() {
        if !e.contains(v) {
            return Err(format!("{at}: {v} not one of {e:?}"));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() {
        let actual = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !types.contains(&actual) && !(actual == "integer" && types.contains(&"number")) {
            return Err(format!("{at}: {actual} where the schema says {types:?}"));
        }
    }
    if let (Some(o), Some(props)) = (v.as_object(), schema["properties"].as_object()) {
        for r in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !o.contains_key(r) {
                return Err(format!("{at}.{r}: required but absent"));
            }
        }
        for (k, x) in o {
            match props.get(k) {
                Some(s) => conforms(doc, s, x, &format!("{at}.{k}"))?,
                None if schema["x-open"] != json!(true) => return Err(format!("{at}.{k}: not in the schema")),
                None => {}
            }
        }
    }
    if let (Some(a), Some(items)) = (v.as_array(), schema.get("items")) {
        for (i, x) in a.iter().enumerate() {
            conforms(doc, items, x, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The JSON schema of `method path`'s `status` answer.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let s = &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    assert!(s.is_object(), "{method} {path} {status} has no JSON schema");
    s
}

both!(answers_of_the_catalog_routes_match_their_schemas, |t| {
    use chrono::Utc;
    use productsynch_db::entities::{ProductStatus, SyncStatus, product_variants, products, webhook_events};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let doc = t.get("/api/v1/openapi.json").await.body;
    let (_, token, _, user_id) = t.user("shapes").await;
    let now = Utc::now();
    let shop_id = t.insert_shop(&user_id, "https://shop.example.com", "ck_test_1234", "Example Store").await;
    let pid = format!("prod_{shop_id}_1");
    products::ActiveModel {
        id: Set(pid.clone()),
        shop_id: Set(shop_id.clone()),
        woo_product_id: Set(41),
        woo_type: Set(Some("variable".into())),
        woo_title: Set("Trail Running Shoe".into()),
        woo_sku: Set(Some("TRS".into())),
        woo_price: Set(Some("79.99".parse().unwrap())),
        woo_categories: Set(Some(json!([{"id": 9, "name": "Shoes", "slug": "shoes"}]))),
        woo_images: Set(Some(json!([{"id": 3, "src": "https://shop.example.com/a.jpg"}]))),
        woo_attributes: Set(Some(json!([{"name": "Size", "options": ["42", "43"]}]))),
        woo_modified_at: Set(Some(now)),
        feed_enable_search: Set(true),
        feed_enable_checkout: Set(false),
        feed_data_json: Set(Some(json!([{"item_id": "TRS-42", "title": "Trail Running Shoe"}]))),
        validation_errors: Set(Some(json!([{"field": "brand", "severity": "warning", "message": "Missing"}]))),
        ai_enriched: Set(true),
        ai_title: Set(Some("Trail shoe".into())),
        ai_keywords: Set(Some(json!(["trail", "running"]))),
        ai_q_and_a: Set(Some(json!([{"q": "Waterproof?", "a": "Yes"}]))),
        ai_enriched_at: Set(Some(now)),
        manual_override: Set(true),
        manual_title: Set(Some("Trail Running Shoe, waterproof".into())),
        manual_keywords: Set(Some(json!(["hiking"]))),
        manual_edited_at: Set(Some(now)),
        status: Set(ProductStatus::Synced),
        sync_status: Set(SyncStatus::Completed),
        is_valid: Set(true),
        last_synced_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(t.app.db())
    .await
    .expect("product");
    product_variants::ActiveModel {
        id: Set(format!("var_{shop_id}_1")),
        product_id: Set(pid.clone()),
        shop_id: Set(shop_id.clone()),
        woo_variation_id: Set(42),
        sku: Set(Some("TRS-42".into())),
        price: Set(Some("79.99".parse().unwrap())),
        stock_status: Set(Some("instock".into())),
        stock_quantity: Set(Some(3)),
        attributes: Set(Some(json!([{"name": "Size", "option": "42"}]))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(t.app.db())
    .await
    .expect("variant");
    webhook_events::ActiveModel {
        id: Set(format!("whe_{shop_id}_1")),
        shop_id: Set(shop_id.clone()),
        delivery_id: Set("d1".into()),
        topic: Set("product.updated".into()),
        resource_id: Set(41),
        payload: Set(None),
        status: Set("processed".into()),
        error: Set(None),
        attempts: Set(1),
        received_at: Set(now),
        processed_at: Set(Some(now)),
    }
    .insert(t.app.db())
    .await
    .expect("webhook event");

    let s = format!("/api/v1/shops/{shop_id}");
    let check = |method: &'static str, template: &'static str, status: &'static str, r: Resp| {
        assert_eq!(r.status.to_string(), status, "{method} {template}: {}", r.text);
        let schema = response_schema(&doc, method, template, status);
        if let Err(e) = conforms(&doc, schema, &r.body, "$") {
            panic!("{method} {template}: {e}\n{}", r.text);
        }
        r.body
    };
    let list = check("get", "/api/v1/shops", "200", t.get_auth("/api/v1/shops", &token).await);
    assert_eq!(list["shops"][0]["id"], shop_id.as_str());
    assert_eq!(list["shops"][0]["consumerKeyHint"], "…1234");
    check("get", "/api/v1/shops/{id}", "200", t.get_auth(&s, &token).await);
    let patched = Resp::from(
        t.client.patch(t.url(&s)).bearer_auth(&token).json(&json!({"sellerName": "Example", "feed": {"targetCountries": ["US"]}})).send().await.unwrap(),
    )
    .await;
    let patched = check("patch", "/api/v1/shops/{id}", "200", patched);
    assert_eq!((patched["seller"]["sellerName"].as_str(), patched["feed"]["targetCountries"].clone()), (Some("Example"), json!(["US"])));
    let page = check("get", "/api/v1/shops/{id}/products", "200", t.get_auth(&format!("{s}/products"), &token).await);
    assert_eq!(page["pagination"]["total"], 1);
    let detail = check("get", "/api/v1/shops/{id}/products/{pid}", "200", t.get_auth(&format!("{s}/products/{pid}"), &token).await);
    assert_eq!((detail["variants"][0]["wooVariationId"].as_i64(), detail["syncHistory"][0]["topic"].as_str()), (Some(42), Some("product.updated")));
    assert_eq!(detail["ai"]["qAndA"][0]["q"], "Waterproof?");
    check("get", "/api/v1/shops/{id}/products/{pid}/preview-feed", "200", t.get_auth(&format!("{s}/products/{pid}/preview-feed"), &token).await);
    check("get", "/api/v1/shops/{id}/feed/preview", "200", t.get_auth(&format!("{s}/feed/preview"), &token).await);
    let cfg = check("get", "/api/v1/shops/{id}/openai-config", "200", t.get_auth(&format!("{s}/openai-config"), &token).await);
    assert_eq!(cfg["method"], "hosted");
    check("get", "/api/v1/shops/{id}/feed/pushes", "200", t.get_auth(&format!("{s}/feed/pushes"), &token).await);
    // a recorded file: downloading the default format stores a snapshot
    let dl = t.client.get(t.url(&format!("{s}/feed/download"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(dl.status().as_u16(), 200);
    let files = check("get", "/api/v1/shops/{id}/feed/files", "200", t.get_auth(&format!("{s}/feed/files"), &token).await);
    assert_eq!(files["files"][0]["format"], "jsonl.gz");
    check("post", "/api/v1/shops/{id}/feed/generate", "202", t.post_auth(&format!("{s}/feed/generate"), &token, json!({})).await);
    // a push is the user's own job (visible at /jobs/{id})
    let queued = check("post", "/api/v1/shops/{id}/sync/push", "202", t.post_auth(&format!("{s}/sync/push"), &token, json!({})).await);
    let job = queued["jobId"].as_str().expect("jobId");
    let job = check("get", "/api/v1/jobs/{id}", "200", t.get_auth(&format!("/api/v1/jobs/{job}"), &token).await);
    assert_eq!(job["status"], "queued");
    check("get", "/api/v1/shops/{id}/sync/status", "200", t.get_auth(&format!("{s}/sync/status"), &token).await);

    // the checker itself: an undocumented member, a wrong type and a missing member are refused
    let shop_schema = json!({"$ref": "#/components/schemas/Shop"});
    let mut bad = list["shops"][0].clone();
    bad["extra"] = json!(1);
    assert!(conforms(&doc, &shop_schema, &bad, "$").is_err());
    let mut bad = list["shops"][0].clone();
    bad["isConnected"] = json!("yes");
    assert!(conforms(&doc, &shop_schema, &bad, "$").is_err());
    let mut bad = list["shops"][0].clone();
    bad.as_object_mut().unwrap().remove("id");
    assert!(conforms(&doc, &shop_schema, &bad, "$").is_err());
});
