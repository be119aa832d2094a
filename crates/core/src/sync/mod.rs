//! Catalog sync (spec §2.2, §11): FULL, INCREMENTAL, SINGLE_PRODUCT (webhook) and MANUAL syncs run as
//! jobs of the `product-sync` queue, each recorded as a sync batch with counts and a per-product
//! error log. Products are upserted page by page with a checksum of their normalised JSON, so an
//! unchanged product costs no write; a full sync also removes products deleted at the store; a
//! restarted worker resumes a batch at its last finished page; one live sync job per shop
//! (dedupe key `sync:<shop>`).
//!
//! Also here: the webhook receiver ([`webhooks`]) and the 15-minute schedule ([`register`]).

pub mod client;
pub mod engine;
pub mod entities;
pub mod webhooks;

use chrono::Utc;
use productsynch_db::entities::{SyncStatus, SyncType, shops, sync_batches};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::App;
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobResult, NewJob, queues};
use crate::scheduler::every;

pub use client::{SyncTuning, set_tuning, tuning};
use entities::sync_batch_progress;

/// Job kind of a catalog sync of one shop.
pub const SYNC_JOB: &str = "sync.shop";
/// Job kind processing one stored webhook event.
pub const WEBHOOK_JOB: &str = "sync.webhook";
/// Job kind of the 15-minute schedule: enqueue an INCREMENTAL sync of every enabled shop.
pub const SCHEDULE_ALL_JOB: &str = "sync.schedule_all";
/// Job kind of the hourly connection health check.
pub const HEALTH_JOB: &str = "shops.health_check";

/// Payload of [`SYNC_JOB`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncJob {
    pub shop_id: String,
    pub sync_type: SyncType,
    /// `user`, `webhook`, `schedule`, `connect`.
    pub triggered_by: String,
}

/// Registers the job handlers and schedules of this module (called by `App`).
pub fn register(app: &App) -> Result<()> {
    app.jobs().register(SYNC_JOB, sync_handler);
    app.jobs().register(WEBHOOK_JOB, webhooks::webhook_handler);
    app.jobs().register(SCHEDULE_ALL_JOB, schedule_all_handler);
    app.jobs().register(HEALTH_JOB, health_handler);
    // Large `POST /products/bulk` requests (the products module has no register of its own).
    app.jobs().register(crate::products::BULK_JOB, crate::products::bulk_handler);
    app.scheduler().register(
        "sync.incremental",
        every::FIFTEEN_MINUTES,
        NewJob::new(queues::PRODUCT_SYNC, SCHEDULE_ALL_JOB, serde_json::json!({})),
    )?;
    app.scheduler().register("shops.health_check", every::HOUR, NewJob::new(queues::MAINTENANCE, HEALTH_JOB, serde_json::json!({})))?;
    Ok(())
}

/// Enqueues a sync of a shop; returns the job id. While a sync of the shop is queued or running,
/// this returns that job instead (two syncs of one shop never run at once).
pub async fn enqueue_sync(app: &App, shop: &shops::Model, sync_type: SyncType, triggered_by: &str) -> Result<crate::jobs::Enqueued> {
    let job = NewJob::new(
        queues::PRODUCT_SYNC,
        SYNC_JOB,
        SyncJob { shop_id: shop.id.clone(), sync_type, triggered_by: triggered_by.to_owned() },
    )
    .for_user(shop.user_id.clone())
    .for_shop(shop.id.clone())
    .dedupe(format!("sync:{}", shop.id))
    .max_attempts(10);
    app.jobs().enqueue(job).await
}

async fn sync_handler(ctx: JobContext) -> JobResult {
    let job: SyncJob = ctx.payload()?;
    let summary = engine::run(&ctx, &job).await?;
    Ok(Some(serde_json::to_value(summary).unwrap_or_default()))
}

async fn schedule_all_handler(ctx: JobContext) -> JobResult {
    let shops = shops::Entity::find()
        .filter(shops::Column::SyncEnabled.eq(true))
        .filter(shops::Column::IsConnected.eq(true))
        .all(ctx.app.db())
        .await?;
    let mut n = 0;
    for s in &shops {
        let t = if s.last_sync_at.is_some() { SyncType::Incremental } else { SyncType::Full };
        if enqueue_sync(&ctx.app, s, t, "schedule").await?.created {
            n += 1;
        }
    }
    tracing::info!(shops = shops.len(), enqueued = n, "scheduled incremental syncs");
    Ok(Some(serde_json::json!({ "enqueued": n })))
}

async fn health_handler(ctx: JobContext) -> JobResult {
    let report = crate::shops::health_check(&ctx.app).await?;
    Ok(Some(serde_json::to_value(report).unwrap_or_default()))
}

/// A batch as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchView {
    pub id: String,
    pub status: SyncStatus,
    pub sync_type: SyncType,
    pub triggered_by: Option<String>,
    pub total: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub deleted: i32,
    pub failed: i32,
    pub pages_done: i32,
    pub total_pages: i32,
    pub started_at: Option<chrono::DateTime<Utc>>,
    pub completed_at: Option<chrono::DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub errors: serde_json::Value,
    pub job_id: Option<String>,
}

fn view(b: sync_batches::Model, p: Option<sync_batch_progress::Model>) -> BatchView {
    let p = p.unwrap_or(sync_batch_progress::Model {
        batch_id: b.id.clone(),
        shop_id: b.shop_id.clone(),
        created: 0,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        pages_done: 0,
        last_woo_id: 0,
        total_pages: 0,
        updated_at: b.created_at,
    });
    BatchView {
        duration_ms: match (b.started_at, b.completed_at) {
            (Some(s), Some(c)) => Some((c - s).num_milliseconds()),
            _ => None,
        },
        id: b.id,
        status: b.status,
        sync_type: b.sync_type,
        triggered_by: b.triggered_by,
        total: b.total_products,
        created: p.created,
        updated: p.updated,
        unchanged: p.unchanged,
        deleted: p.deleted,
        failed: b.failed_products,
        pages_done: p.pages_done,
        total_pages: p.total_pages,
        started_at: b.started_at,
        completed_at: b.completed_at,
        errors: b.error_log.unwrap_or(serde_json::json!([])),
        job_id: b.job_id,
    }
}

/// Sync history of a shop, newest first.
pub async fn history(app: &App, shop_id: &str, limit: u64) -> Result<Vec<BatchView>> {
    let batches = sync_batches::Entity::find()
        .filter(sync_batches::Column::ShopId.eq(shop_id))
        .order_by_desc(sync_batches::Column::CreatedAt)
        .limit(limit.clamp(1, 200))
        .all(app.db())
        .await?;
    let ids: Vec<String> = batches.iter().map(|b| b.id.clone()).collect();
    let progress = sync_batch_progress::Entity::find()
        .filter(sync_batch_progress::Column::BatchId.is_in(ids))
        .all(app.db())
        .await?;
    Ok(batches
        .into_iter()
        .map(|b| {
            let p = progress.iter().find(|p| p.batch_id == b.id).cloned();
            view(b, p)
        })
        .collect())
}

/// `GET /sync/status`: the running (or last) batch, the shop's state, the last push, the next
/// scheduled runs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusView {
    pub shop_id: String,
    pub sync_status: SyncStatus,
    pub sync_enabled: bool,
    pub is_connected: bool,
    pub connection_error: Option<String>,
    pub last_sync_at: Option<chrono::DateTime<Utc>>,
    pub current: Option<BatchView>,
    pub last: Option<BatchView>,
    /// The next incremental sync (same as `next.sync`), kept for older clients.
    pub next_scheduled_at: Option<chrono::DateTime<Utc>>,
    pub last_push: Option<LastPush>,
    pub next: NextRuns,
    pub product_count: u64,
}

/// The newest feed push of a shop, as `GET /sync/status` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LastPush {
    pub id: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    /// When the attempt started.
    pub at: chrono::DateTime<Utc>,
    pub finished_at: Option<chrono::DateTime<Utc>>,
    /// `hosted`, `https` or `sftp`.
    pub method: String,
    /// `manual`, `schedule` or `after_sync`.
    pub triggered_by: String,
    pub items: i32,
    pub bytes: i64,
    pub error: Option<String>,
}

impl From<crate::delivery::PushView> for LastPush {
    fn from(p: crate::delivery::PushView) -> Self {
        LastPush {
            id: p.id,
            status: p.status,
            at: p.started_at,
            finished_at: p.finished_at,
            method: p.method,
            triggered_by: p.triggered_by,
            items: p.item_count,
            bytes: p.size_bytes,
            error: p.error,
        }
    }
}

/// The next scheduled runs of a shop (UTC).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NextRuns {
    /// Next slot of the 15-minute incremental sync; `None` when the shop is disconnected or its
    /// sync is disabled.
    pub sync: Option<chrono::DateTime<Utc>>,
    /// Next scheduled push; `None` unless the cadence is `daily`, delivery is enabled and the shop
    /// is connected.
    pub push: Option<chrono::DateTime<Utc>>,
    /// `daily` or `after_sync`.
    pub push_cadence: String,
    /// `hosted`, `https` or `sftp`.
    pub push_method: String,
}

pub async fn status(app: &App, shop: &shops::Model) -> Result<SyncStatusView> {
    use sea_orm::PaginatorTrait;
    let now = Utc::now();
    let recent = history(app, &shop.id, 5).await?;
    let current = recent.iter().find(|b| b.status == SyncStatus::Syncing || b.status == SyncStatus::Pending).cloned();
    let last = recent.iter().find(|b| b.status != SyncStatus::Syncing && b.status != SyncStatus::Pending).cloned();
    let next_sync = if shop.sync_enabled && shop.is_connected { cron_next(every::FIFTEEN_MINUTES, now) } else { None };
    let push = crate::delivery::push::next_push(app, shop, now).await?;
    let last_push = crate::delivery::push::last_push(app, &shop.id).await?.map(LastPush::from);
    let product_count = productsynch_db::entities::products::Entity::find()
        .filter(productsynch_db::entities::products::Column::ShopId.eq(&shop.id))
        .count(app.db())
        .await?;
    Ok(SyncStatusView {
        shop_id: shop.id.clone(),
        sync_status: shop.sync_status,
        sync_enabled: shop.sync_enabled,
        is_connected: shop.is_connected,
        connection_error: shop.connection_error.clone(),
        last_sync_at: shop.last_sync_at,
        current,
        last,
        next_scheduled_at: next_sync,
        last_push,
        next: NextRuns { sync: next_sync, push: push.at, push_cadence: push.cadence, push_method: push.method },
        product_count,
    })
}

fn cron_next(expr: &str, now: chrono::DateTime<Utc>) -> Option<chrono::DateTime<Utc>> {
    use std::str::FromStr;
    cron::Schedule::from_str(expr).ok()?.after(&now).next()
}

/// Loads a shop by id (no owner check: for workers and the webhook receiver).
pub async fn shop_by_id(app: &App, shop_id: &str) -> Result<shops::Model> {
    shops::Entity::find_by_id(shop_id.to_owned()).one(app.db()).await?.ok_or(Error::NotFound("shop"))
}
