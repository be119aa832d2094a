//! `/api/v1/shops/{id}/sync*`: trigger a sync, its status and history.

use axum::Json;
use crate::routes::shops::RawBody;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use productsynch_core::sync;
use productsynch_db::entities::SyncType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
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
    responses((status = 202, description = "`{jobId, created}`", body = crate::routes::feed::JobAccepted),
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

/// A sync batch (one run of a sync) with its counts and per-product errors.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncBatch {
    #[schema(example = "batch_01jf3q0m6x8e5s7c9v2b4n6k8p")]
    pub id: String,
    /// `PENDING`, `SYNCING`, `COMPLETED`, `FAILED` or `PAUSED`.
    #[schema(example = "COMPLETED")]
    pub status: String,
    /// `FULL`, `INCREMENTAL`, `SINGLE_PRODUCT` or `MANUAL`.
    #[schema(example = "INCREMENTAL")]
    pub sync_type: String,
    /// `user`, `webhook`, `schedule` or `connect`.
    pub triggered_by: Option<String>,
    pub total: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub deleted: i32,
    pub failed: i32,
    /// Pages of products finished (the resume point of a crashed batch).
    pub pages_done: i32,
    pub total_pages: i32,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    /// Per-product errors: `[{wooProductId, message, at}]` (the first 500).
    #[schema(value_type = Vec<Object>)]
    pub errors: Value,
    pub job_id: Option<String>,
}

fn enum_str<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl From<sync::BatchView> for SyncBatch {
    fn from(b: sync::BatchView) -> Self {
        SyncBatch {
            id: b.id,
            status: enum_str(&b.status),
            sync_type: enum_str(&b.sync_type),
            triggered_by: b.triggered_by,
            total: b.total,
            created: b.created,
            updated: b.updated,
            unchanged: b.unchanged,
            deleted: b.deleted,
            failed: b.failed,
            pages_done: b.pages_done,
            total_pages: b.total_pages,
            started_at: b.started_at,
            completed_at: b.completed_at,
            duration_ms: b.duration_ms,
            errors: b.errors,
            job_id: b.job_id,
        }
    }
}

/// The newest feed push of the shop.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LastPush {
    #[schema(example = "push_01jf3q0m6x8e5s7c9v2b4n6k8p")]
    pub id: String,
    /// `running`, `succeeded` or `failed`.
    #[schema(example = "succeeded")]
    pub status: String,
    /// When the push started.
    pub at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `hosted`, `https` or `sftp`.
    #[schema(example = "https")]
    pub method: String,
    /// `manual`, `schedule` or `after_sync`.
    pub triggered_by: String,
    /// Feed items sent.
    pub items: i32,
    /// Size of the file sent (bytes, gzip).
    pub bytes: i64,
    pub error: Option<String>,
}

/// The next scheduled runs (UTC).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NextRuns {
    /// Next 15-minute incremental sync; null when the shop is disconnected or its sync is disabled.
    pub sync: Option<DateTime<Utc>>,
    /// Next daily push (04:00 UTC); null unless the cadence is `daily`, delivery is enabled and the shop is connected.
    pub push: Option<DateTime<Utc>>,
    /// `daily` or `after_sync` (a push after every sync that changed the catalog).
    #[schema(example = "daily")]
    pub push_cadence: String,
    /// `hosted`, `https` or `sftp`.
    #[schema(example = "hosted")]
    pub push_method: String,
}

/// `GET /shops/{id}/sync/status`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub shop_id: String,
    /// The shop's sync state: `PENDING`, `SYNCING`, `COMPLETED`, `FAILED` or `PAUSED`.
    pub sync_status: String,
    pub sync_enabled: bool,
    pub is_connected: bool,
    /// Why the store connection failed last (keys rejected, store unreachable…).
    pub connection_error: Option<String>,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// The batch queued or running now.
    pub current: Option<SyncBatch>,
    /// The newest finished batch.
    pub last: Option<SyncBatch>,
    /// Same as `next.sync` (kept for older clients).
    pub next_scheduled_at: Option<DateTime<Utc>>,
    pub last_push: Option<LastPush>,
    pub next: NextRuns,
    pub product_count: u64,
}

impl From<sync::SyncStatusView> for SyncStatus {
    fn from(v: sync::SyncStatusView) -> Self {
        SyncStatus {
            shop_id: v.shop_id,
            sync_status: enum_str(&v.sync_status),
            sync_enabled: v.sync_enabled,
            is_connected: v.is_connected,
            connection_error: v.connection_error,
            last_sync_at: v.last_sync_at,
            current: v.current.map(SyncBatch::from),
            last: v.last.map(SyncBatch::from),
            next_scheduled_at: v.next_scheduled_at,
            last_push: v.last_push.map(|p| LastPush {
                id: p.id,
                status: p.status,
                at: p.at,
                finished_at: p.finished_at,
                method: p.method,
                triggered_by: p.triggered_by,
                items: p.items,
                bytes: p.bytes,
                error: p.error,
            }),
            next: NextRuns { sync: v.next.sync, push: v.next.push, push_cadence: v.next.push_cadence, push_method: v.next.push_method },
            product_count: v.product_count,
        }
    }
}

/// `GET /shops/{id}/sync/history`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncHistory {
    pub batches: Vec<SyncBatch>,
}

/// Current batch and progress, last result, last feed push, next scheduled sync and push.
#[utoipa::path(get, path = "/shops/{id}/sync/status", tag = "sync", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 200, description = "Sync status", body = SyncStatus)))]
async fn sync_status(State(state): State<AppState>, s: OwnedShop) -> ApiResult<Json<SyncStatus>> {
    Ok(Json(sync::status(&state.app, &s.shop).await?.into()))
}

#[derive(Debug, Deserialize)]
struct HistoryQuery {
    limit: Option<u64>,
}

/// Sync batches, newest first, with counts and per-product errors.
#[utoipa::path(get, path = "/shops/{id}/sync/history", tag = "sync", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("limit" = Option<u64>, Query, description = "1..200, default 20")),
    responses((status = 200, description = "Batches, newest first", body = SyncHistory)))]
async fn sync_history(State(state): State<AppState>, s: OwnedShop, q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>) -> ApiResult<Json<SyncHistory>> {
    let Query(q) = q.map_err(|e| ApiError::validation("limit", "invalid", e.body_text()))?;
    let v = sync::history(&state.app, &s.shop.id, q.limit.unwrap_or(20)).await?;
    Ok(Json(SyncHistory { batches: v.into_iter().map(SyncBatch::from).collect() }))
}
