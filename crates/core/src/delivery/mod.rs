//! Feed delivery (issue 6): snapshots streamed from the database into storage, the hosted feed
//! URL, HTTPS and SFTP pushes with retries and a recorded history, and the push cadence.
//!
//! Public entry points (all take the [`App`]):
//! * [`snapshot::generate`] / [`snapshot::ensure_current`] / [`snapshot::latest`] /
//!   [`snapshot::history`] — feed files (`feed_files`), any [`FeedFormat`];
//! * [`preview`] — first items + validation summary;
//! * [`settings::save`] / [`settings::view`] / [`settings::rotate_token`] /
//!   [`settings::shop_for_token`] — `PUT /openai-config` and the hosted URL token;
//! * [`push::request_push`] (`POST /sync/push`), [`push::after_sync`] (call after a sync that
//!   changed anything), [`push::history`], [`push::last_push`], [`push::run_push`];
//! * [`register`] — job handlers (`feed.generate`, `feed.push`, `feed.push_due`) and the daily
//!   push schedule.

pub mod entities;
pub mod push;
pub mod settings;
pub mod sftp;
pub mod snapshot;

use productsynch_db::entities::{ProductStatus, products};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use serde_json::{Map, Value};

pub use push::{PushView, after_sync, request_push};
pub use settings::{DeliveryInput, DeliveryView, HttpsInput, SftpInput};
pub use snapshot::{FeedFormat, Snapshot, SnapshotStats};

use crate::App;
use crate::error::Result;
use crate::jobs::{NewJob, queues};

/// Registers the delivery job handlers and the daily push schedule.
pub fn register(app: &App) -> Result<()> {
    app.jobs().register(push::PUSH_JOB, push::push_handler);
    app.jobs().register(push::GENERATE_JOB, push::generate_handler);
    app.jobs().register(push::PUSH_DUE_JOB, push::push_due_handler);
    app.scheduler().register(
        "feed-push-daily",
        push::DAILY_PUSH_CRON,
        NewJob::new(queues::FEED_GENERATION, push::PUSH_DUE_JOB, serde_json::json!({})),
    )
}

/// Counts of a shop's products by feed state.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FeedSummary {
    pub total_products: u64,
    /// Valid, not excluded, with computed feed items: these go into the feed.
    pub included: u64,
    pub invalid: u64,
    pub excluded: u64,
    /// Feed items not computed yet.
    pub pending: u64,
}

/// `GET /feed/preview`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedPreview {
    /// The first items as they appear in the feed (current OpenAI field names).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>))]
    pub items: Vec<Map<String, Value>>,
    pub summary: FeedSummary,
    /// Validation of the previewed items (errors leave an item out; warnings are counted).
    pub preview_stats: SnapshotStats,
    pub latest_file: Option<FeedFileView>,
}

/// A generated feed file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FeedFile))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FeedFileView {
    pub id: String,
    pub format: String,
    pub size_bytes: i64,
    pub item_count: i32,
    pub sha256: Option<String>,
    pub batch_id: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<productsynch_db::entities::feed_files::Model> for FeedFileView {
    fn from(f: productsynch_db::entities::feed_files::Model) -> Self {
        FeedFileView {
            id: f.id,
            format: f.format,
            size_bytes: f.size_bytes,
            item_count: f.item_count,
            sha256: f.sha256,
            batch_id: f.batch_id,
            created_at: f.created_at,
        }
    }
}

/// Product counts by feed state (counting queries, no rows loaded).
pub async fn summary(app: &App, shop_id: &str) -> Result<FeedSummary> {
    let base = || products::Entity::find().filter(products::Column::ShopId.eq(shop_id));
    let total = base().count(app.db()).await?;
    let excluded = base().filter(products::Column::Status.eq(ProductStatus::Excluded)).count(app.db()).await?;
    let not_excluded = || base().filter(products::Column::Status.ne(ProductStatus::Excluded));
    let pending = not_excluded().filter(products::Column::FeedDataJson.is_null()).count(app.db()).await?;
    let invalid = not_excluded()
        .filter(products::Column::FeedDataJson.is_not_null())
        .filter(products::Column::IsValid.eq(false))
        .count(app.db())
        .await?;
    Ok(FeedSummary {
        total_products: total,
        included: total.saturating_sub(excluded + pending + invalid),
        invalid,
        excluded,
        pending,
    })
}

/// The first `limit` feed items and the catalog's feed summary.
pub async fn preview(app: &App, shop_id: &str, limit: u64) -> Result<FeedPreview> {
    let mut items = Vec::new();
    let stats = snapshot::for_each_item(app, shop_id, Some(limit.max(1)), |item, _| {
        items.push(productsynch_feed::profile::to_json_map(productsynch_feed::Profile::OpenAi, &item));
        Ok(())
    })
    .await?;
    let latest = snapshot::latest(app, shop_id, &FeedFormat::SNAPSHOT.label()).await?.map(FeedFileView::from);
    Ok(FeedPreview { items, summary: summary(app, shop_id).await?, preview_stats: stats, latest_file: latest })
}
