//! `/api/v1/shops/{id}/sync*`: trigger a sync, its status and history.

use axum::Json;
use crate::routes::shops::RawBody;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use productsynch_core::sync;
use productsynch_db::entities::SyncType;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::parse_json;
use crate::ownership::OwnedShop;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(trigger_sync)).routes(routes!(sync_status)).routes(routes!(sync_history))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TriggerSync {
    /// `FULL` (default) or `INCREMENTAL`.
    #[serde(rename = "type")]
    sync_type: Option<String>,
}

/// Queue a manual sync (returns the live one when a sync of the shop is already queued or running).
#[utoipa::path(post, path = "/shops/{id}/sync", tag = "sync", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 202, description = "`{jobId, created}`"),
        (status = 409, description = "Shop not connected", body = Problem, content_type = "application/problem+json")))]
async fn trigger_sync(State(state): State<AppState>, s: OwnedShop, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<Value>)> {
    let req: TriggerSync = if body.is_empty() { TriggerSync::default() } else { parse_json(&body)? };
    let t = match req.sync_type.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("FULL") | Some("MANUAL") => SyncType::Manual,
        Some("INCREMENTAL") => SyncType::Incremental,
        Some(other) => return Err(ApiError::validation("type", "invalid_value", format!("Unknown sync type {other:?}."))),
    };
    if !s.shop.is_connected {
        return Err(ApiError::Conflict { code: "not_connected", detail: "Connect the store first.".into(), errors: vec![] });
    }
    let e = sync::enqueue_sync(&state.app, &s.shop, t, "user").await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "jobId": e.id, "created": e.created }))))
}

/// Current batch and progress, last result, next scheduled run.
#[utoipa::path(get, path = "/shops/{id}/sync/status", tag = "sync", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 200, description = "Sync status")))]
async fn sync_status(State(state): State<AppState>, s: OwnedShop) -> ApiResult<Json<Value>> {
    let v = sync::status(&state.app, &s.shop).await?;
    Ok(Json(serde_json::to_value(v).unwrap_or(Value::Null)))
}

#[derive(Debug, Deserialize)]
struct HistoryQuery {
    limit: Option<u64>,
}

/// Sync batches, newest first, with counts and per-product errors.
#[utoipa::path(get, path = "/shops/{id}/sync/history", tag = "sync", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("limit" = Option<u64>, Query, description = "1..200, default 20")),
    responses((status = 200, description = "`{batches: [...]}`")))]
async fn sync_history(State(state): State<AppState>, s: OwnedShop, q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(|e| ApiError::validation("limit", "invalid", e.body_text()))?;
    let v = sync::history(&state.app, &s.shop.id, q.limit.unwrap_or(20)).await?;
    Ok(Json(json!({ "batches": serde_json::to_value(v).unwrap_or(Value::Null) })))
}
