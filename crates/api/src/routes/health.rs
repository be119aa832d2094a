//! `/healthz` (process up), `/readyz` (database reachable), `/metrics` (Prometheus text).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz)).routes(routes!(metrics_text))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    pub version: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "Alive", body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses(
    (status = 200, description = "Ready", body = Health),
    (status = 503, description = "Database unreachable", body = Problem, content_type = "application/problem+json"),
))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(3), productsynch_db::ping(state.app.db())).await;
    match ping {
        Ok(Ok(())) => Ok(Json(Health { status: "ready".into(), version: env!("CARGO_PKG_VERSION").into() })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::Unavailable("The database is not reachable.".into()))
        }
        Err(_) => Err(ApiError::Unavailable("The database did not answer in time.".into())),
    }
}

/// Prometheus metrics: HTTP requests by route and status, latency histograms, jobs by queue
/// and status (every known queue × status, zeros included), and the job, sync and feed counters
/// of `productsynch_core::telemetry`. Protected by `METRICS_TOKEN` (bearer) when that is set.
#[utoipa::path(get, path = "/metrics", tag = "ops", responses(
    (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
    (status = 401, description = "METRICS_TOKEN set and not given", body = Problem, content_type = "application/problem+json"),
))]
async fn metrics_text(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = state.settings.metrics_token.as_deref() {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if given.len() != expected.len()
            || given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0
        {
            return ApiError::Unauthorized { code: "invalid_token", detail: "A valid METRICS_TOKEN is required.".into() }
                .into_response();
        }
    }
    match state.app.jobs().counts().await {
        Ok(counts) => {
            for (queue, status, n) in counts {
                let status = serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                metrics::gauge!("productsynch_jobs", "queue" => queue, "status" => status).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "job counts for /metrics failed"),
    }
    let body = crate::metrics_export::render();
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    res
}
