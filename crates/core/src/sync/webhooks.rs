//! WooCommerce webhook receiver: verify the signature on the raw body, answer the ping, store the
//! event (unique per delivery id) and queue its processing in the same transaction, all before the
//! 2xx answer. Processing: `product.created|updated|restored` upserts the product (never over a
//! newer stored `date_modified`), `product.deleted` removes it (and so its feed items).

use chrono::Utc;
use productsynch_db::entities::{SyncStatus, SyncType, products, shops, sync_batches, webhook_events};
use productsynch_db::ids;
use productsynch_woo::webhooks::{Delivery, parse_delivery};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

use super::engine::{self, Counts, Fetched};
use super::entities::sync_batch_progress;
use super::{WEBHOOK_JOB, shop_by_id};
use crate::App;
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError, JobResult, NewJob, queues};
use crate::products::feed::FeedContext;

/// What the receiver did with a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Ping,
    Stored { event_id: String },
    Duplicate,
    /// A topic we do not process (stored as `ignored`).
    Ignored,
}

/// Verifies and stores one delivery. `NotFound` for an unknown shop, `Unauthorized("invalid_signature")`
/// for a bad or missing signature.
pub async fn receive(app: &App, shop_id: &str, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<Received> {
    let shop = shop_by_id(app, shop_id).await?;
    let Some(enc) = &shop.woo_webhook_secret else { return Err(Error::NotFound("shop")) };
    let secret = app.crypto().decrypt(enc).map_err(|e| Error::Internal(anyhow::anyhow!("webhook secret: {e}")))?;
    let ev = match parse_delivery(headers, body, &secret) {
        Ok(Delivery::Ping { webhook_id }) => {
            tracing::info!(shop = %shop.id, webhook_id, "webhook ping");
            return Ok(Received::Ping);
        }
        Ok(Delivery::Event(ev)) => ev,
        Err(e) => {
            tracing::warn!(shop = %shop.id, error = %e, "webhook rejected");
            return Err(Error::Unauthorized("invalid_signature"));
        }
    };
    let processable = ev.resource == "product";
    let id = ids::new_id(ids::WEBHOOK_EVENT);
    let now = Utc::now();
    let am = webhook_events::ActiveModel {
        id: Set(id.clone()),
        shop_id: Set(shop.id.clone()),
        // WooCommerce derives the delivery id from the webhook id and the current second, so two
        // different events of one webhook within a second share it: dedupe on (delivery id, body).
        delivery_id: Set(format!("{}:{}", ev.delivery_id, &crate::crypto::sha256_hex(body)[..16])),
        topic: Set(ev.topic.clone()),
        resource_id: Set(ev.resource_id().map(|i| i as i64).unwrap_or(0)),
        payload: Set(Some(ev.payload.clone())),
        status: Set(if processable { "received".into() } else { "ignored".into() }),
        error: Set(None),
        attempts: Set(0),
        received_at: Set(now),
        processed_at: Set(None),
    };
    let txn = productsynch_db::begin_write(app.db()).await?;
    let inserted = match webhook_events::Entity::insert(am)
        .on_conflict(OnConflict::columns([webhook_events::Column::ShopId, webhook_events::Column::DeliveryId]).do_nothing().to_owned())
        .exec_without_returning(&txn)
        .await
    {
        Ok(n) => n > 0,
        Err(sea_orm::DbErr::RecordNotInserted) => false,
        Err(e) => return Err(e.into()),
    };
    if !inserted {
        txn.commit().await?;
        return Ok(Received::Duplicate);
    }
    if !processable {
        txn.commit().await?;
        return Ok(Received::Ignored);
    }
    let job = NewJob::new(queues::PRODUCT_SYNC, WEBHOOK_JOB, json!({"eventId": id}))
        .for_shop(shop.id.clone())
        .for_user(shop.user_id.clone())
        .dedupe(format!("webhook:{id}"));
    app.jobs().enqueue_in(&txn, job).await?;
    txn.commit().await?;
    Ok(Received::Stored { event_id: id })
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookJob {
    event_id: String,
}

pub(crate) async fn webhook_handler(ctx: JobContext) -> JobResult {
    let p: WebhookJob = ctx.payload()?;
    let app = &ctx.app;
    let Some(ev) = webhook_events::Entity::find_by_id(p.event_id.clone()).one(app.db()).await? else {
        return Err(JobError::Permanent(anyhow::anyhow!("webhook event {} is gone", p.event_id)));
    };
    let shop = shop_by_id(app, &ev.shop_id).await?;
    let res = process(app, &shop, &ev).await;
    let mut am = ev.clone().into_active_model();
    am.attempts = Set(ev.attempts + 1);
    match &res {
        Ok(_) => {
            am.status = Set("processed".into());
            am.processed_at = Set(Some(Utc::now()));
            am.error = Set(None);
        }
        Err(e) => am.error = Set(Some(e.to_string())),
    }
    am.update(app.db()).await?;
    let counts = res.map_err(|e| match e {
        Error::NotFound(_) | Error::Validation(_) => JobError::Permanent(anyhow::Error::new(e)),
        other => JobError::Retry(anyhow::Error::new(other)),
    })?;
    Ok(Some(json!({"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged, "deleted": counts.deleted})))
}

async fn process(app: &App, shop: &shops::Model, ev: &webhook_events::Model) -> Result<Counts> {
    let started = Utc::now();
    let event = ev.topic.split_once('.').map(|(_, e)| e).unwrap_or("");
    let mut counts = Counts::default();
    if event == "deleted" {
        let ids: Vec<String> = products::Entity::find()
            .filter(products::Column::ShopId.eq(&shop.id))
            .filter(products::Column::WooProductId.eq(ev.resource_id))
            .all(app.db())
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        counts.deleted = engine::delete_products(app.db(), &ids).await?;
    } else {
        let payload = ev.payload.clone().unwrap_or(json!({}));
        let parsed = productsynch_woo::model::parse_record::<productsynch_woo::model::Product>("product", 0, payload)
            .map_err(|m| Error::Validation(vec![crate::FieldError::new("payload", "malformed_product", m.to_string())]))?;
        let client = super::client::client_for(app, shop).await?;
        // A variation's change: sync its parent product.
        let parsed = if parsed.item.product_type == productsynch_woo::model::ProductType::Variation {
            client.product(parsed.item.parent_id).await.map_err(super::client::woo_error)?
        } else {
            parsed
        };
        let mut c = Counts::default();
        let fetched: Vec<Fetched> = engine::with_variations(&client, vec![parsed], 2, &mut c).await;
        if c.failed > 0 {
            return Err(Error::Unavailable(c.errors.first().map(|e| e.to_string()).unwrap_or_default()));
        }
        let conn = engine::connection(app, &shop.id).await?;
        let fctx = FeedContext::new(shop, conn.as_ref());
        counts = engine::upsert_products(app, shop, &fctx, fetched, true).await?;
    }
    crate::telemetry::products_synced(counts.created, counts.updated, counts.unchanged, counts.deleted, counts.failed);
    if counts.created + counts.updated + counts.deleted > 0 {
        let now = Utc::now();
        // The batch and its counts in one transaction, so the history shows what the event changed.
        let txn = productsynch_db::begin_write(app.db()).await?;
        let batch = sync_batches::ActiveModel {
            id: Set(ids::new_id(ids::BATCH)),
            shop_id: Set(shop.id.clone()),
            status: Set(SyncStatus::Completed),
            sync_type: Set(SyncType::SingleProduct),
            total_products: Set(1),
            synced_products: Set(1),
            failed_products: Set(0),
            started_at: Set(Some(started)),
            completed_at: Set(Some(now)),
            error_log: Set(Some(json!([]))),
            feed_file_url: Set(None),
            triggered_by: Set(Some("webhook".into())),
            job_id: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        sync_batch_progress::ActiveModel {
            batch_id: Set(batch.id),
            shop_id: Set(shop.id.clone()),
            created: Set(counts.created as i32),
            updated: Set(counts.updated as i32),
            unchanged: Set(counts.unchanged as i32),
            deleted: Set(counts.deleted as i32),
            pages_done: Set(1),
            last_woo_id: Set(ev.resource_id),
            total_pages: Set(1),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        crate::telemetry::sync_batch_finished(SyncType::SingleProduct, SyncStatus::Completed);
        engine::after_change(app, shop).await;
    }
    Ok(counts)
}
