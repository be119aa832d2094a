//! Assembles the router: `/api/v1` routes with their OpenAPI document, ops endpoints, the
//! SPA fallback, and the layers every request goes through.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self as mw, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::middleware::{RequestId, SecurityHeaders};
use crate::routes;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ProductSynch API",
        description = "WooCommerce catalogs, delivered to ChatGPT as OpenAI product feeds. \
            Errors are application/problem+json (RFC 9457) with `errors: [{field, code, message}]` for validation.",
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Accounts, sign-in and sessions"),
        (name = "jobs", description = "Background jobs"),
        (name = "feed", description = "Feed files, preview, download and the hosted feed URL"),
        (name = "delivery", description = "Delivery to OpenAI: settings, pushes and their history"),
        (name = "shops", description = "Store connection (wc-auth, keys), settings, verify, disconnect"),
        (name = "products", description = "Synced products, manual overrides, feed preview, bulk actions"),
        (name = "sync", description = "Catalog syncs: trigger, status, history"),
        (name = "webhooks", description = "WooCommerce webhook receiver"),
        (name = "dev", description = "Development helpers (not in production)"),
        (name = "ops", description = "Health and metrics"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::ACCESS_COOKIE,
                "Browser session; unsafe methods also need X-CSRF-Token = the ps_csrf cookie",
            ))),
        );
    }
}

/// The `/api/v1` routes (without layers) and the OpenAPI document describing them.
pub fn api_routes(production: bool) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut v1 = OpenApiRouter::new()
        .merge(routes::auth::router())
        .merge(routes::jobs::router())
        .merge(routes::feed::router())
        .merge(routes::delivery::router())
        .merge(routes::shops::router())
        .merge(routes::products::router())
        .merge(routes::sync::router())
        .merge(routes::webhooks::router());
    if !production {
        v1 = v1.merge(routes::dev::router());
    }
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let (router, doc) = OpenApiRouter::with_openapi(doc)
        .nest("/api/v1", v1)
        .merge(routes::health::router())
        .merge(routes::feed::public_router())
        .split_for_parts();
    let mut doc = doc;
    crate::openapi::add_common_responses(&mut doc);
    (router, doc)
}

/// The OpenAPI document (as served at `/api/v1/openapi.json`).
pub fn openapi(production: bool) -> utoipa::openapi::OpenApi {
    api_routes(production).1
}

/// The complete application: routes, SPA fallback and all layers.
pub fn build(state: AppState) -> Router {
    build_with(state, |r| r)
}

/// Like [`build`], with extra routes merged in before the layers (later issues' routes, tests).
pub fn build_with(state: AppState, extra: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Router {
    let production = state.app.config().app_env.is_production();
    let (api, doc) = api_routes(production);
    let doc_json: std::sync::Arc<str> = serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into()).into();
    let api = api.route(
        "/api/v1/openapi.json",
        get(move || {
            let body = doc_json.clone();
            async move { ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.to_string()) }
        }),
    );
    let api = extra(api);
    layered(api.fallback(crate::spa::serve), state)
}

/// Only `/healthz`, `/readyz` and `/metrics`, behind the same layers: what a worker-only process
/// (`serve --role worker`) serves on its port, so it can be probed and scraped too.
pub fn build_ops(state: AppState) -> Router {
    let (ops, _) = OpenApiRouter::<AppState>::new().merge(routes::health::router()).split_for_parts();
    layered(ops.fallback(not_found), state)
}

async fn not_found() -> Response {
    ApiError::NotFound.into_response()
}

/// The layers every request goes through (request id, trace span, security headers, panics,
/// timeout, body limit, metrics).
fn layered(router: Router<AppState>, state: AppState) -> Router {
    let security = SecurityHeaders { hsts: state.https };
    let timeout = state.settings.request_timeout;
    let body_limit = state.settings.body_limit;

    let layers = ServiceBuilder::new()
        .layer(mw::from_fn(crate::middleware::request_id))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.extensions().get::<RequestId>().map(|r| r.0.as_str()).unwrap_or("-");
                    // Never the raw path: the hosted feed URL carries its secret token in a segment.
                    let matched = req.extensions().get::<axum::extract::MatchedPath>().map(|m| m.as_str());
                    let path = crate::middleware::loggable_path(matched, req.uri().path());
                    tracing::info_span!("http", method = %req.method(), path = %path, request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(mw::from_fn_with_state(security, crate::middleware::security_headers))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(mw::from_fn_with_state(timeout, request_timeout))
        .layer(DefaultBodyLimit::max(body_limit));

    router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(mw::from_fn(crate::middleware::http_metrics))
        .layer(layers)
        .with_state(state)
}

async fn method_not_allowed() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    ApiError::Internal(anyhow::anyhow!("handler panicked: {msg}")).into_response()
}

async fn request_timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::Timeout.into_response(),
    }
}
