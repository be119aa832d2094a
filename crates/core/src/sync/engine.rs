//! The sync engine: pages of products -> checksum compare -> upsert + feed recompute -> deletions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures::{StreamExt, stream};
use productsynch_db::entities::{ProductStatus, SyncStatus, SyncType, product_variants, products, shops, sync_batches};
use productsynch_db::ids;
use productsynch_woo::model::{Product, Variation};
use productsynch_woo::{Client, Malformed, Parsed};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
    Set, TransactionTrait,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::SyncJob;
use super::entities::{product_manual_fields, shop_connections, sync_batch_progress};
use crate::App;
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError};
use crate::products::feed::{self, FeedContext};

/// Per-product error log entries kept on a batch (the rest are counted only).
pub const MAX_ERROR_LOG: usize = 500;

/// What a finished sync reports.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub batch_id: String,
    pub total: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub deleted: i64,
    pub failed: i64,
}

/// Counts of one unit of work.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub deleted: i64,
    pub failed: i64,
    pub errors: Vec<Value>,
    /// Woo ids written (created or updated).
    pub changed_ids: Vec<i64>,
}

impl Counts {
    fn fail(&mut self, woo_id: Option<u64>, message: impl Into<String>) {
        self.failed += 1;
        self.errors.push(json!({"wooProductId": woo_id, "message": message.into(), "at": Utc::now()}));
    }
}

fn strip_links(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().filter(|(k, _)| k.as_str() != "_links").map(|(k, v)| (k.clone(), v.clone())).collect()),
        other => other.clone(),
    }
}

/// SHA-256 of the normalised product JSON and its variations (links dropped; key order is serde_json's sorted map).
pub fn checksum(product: &Value, variations: &[Value]) -> String {
    let body = json!({"p": strip_links(product), "v": variations.iter().map(strip_links).collect::<Vec<_>>()});
    crate::crypto::sha256_hex(serde_json::to_vec(&body).unwrap_or_default())
}

fn modified_at(p: &Product) -> Option<DateTime<Utc>> {
    p.date_modified_gmt.or(p.date_modified).map(|t| t.and_utc())
}

fn dec(v: Option<rust_decimal::Decimal>) -> Option<rust_decimal::Decimal> {
    v.map(|d| d.round_dp(2))
}

fn raw_str(raw: &Value, k: &str) -> Option<String> {
    raw.get(k).and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A product fetched from the store, with its variations.
pub struct Fetched {
    pub product: Parsed<Product>,
    pub variations: Vec<Parsed<Variation>>,
}

/// Upserts fetched products (one transaction), recomputing the feed of each changed one.
/// `guard_older`: never overwrite a stored product with an older `date_modified` (webhooks).
pub async fn upsert_products(app: &App, shop: &shops::Model, fctx: &FeedContext, fetched: Vec<Fetched>, guard_older: bool) -> Result<Counts> {
    // Deferred (not `begin_write`): its reads go through the pool, so its first statement is a write and takes
    // the lock then; holding it from BEGIN made a full sync ~25 % slower under the worker's other writes.
    let txn = app.db().begin().await?;
    let counts = upsert_products_in(app, &txn, shop, fctx, fetched, guard_older).await?;
    txn.commit().await?;
    Ok(counts)
}

/// [`upsert_products`] writing inside the caller's transaction (reads go through the pool), so a
/// sync page's products and its checkpoint commit together.
pub async fn upsert_products_in(
    app: &App,
    txn: &DatabaseTransaction,
    shop: &shops::Model,
    fctx: &FeedContext,
    fetched: Vec<Fetched>,
    guard_older: bool,
) -> Result<Counts> {
    let mut counts = Counts::default();
    if fetched.is_empty() {
        return Ok(counts);
    }
    let woo_ids: Vec<i64> = fetched.iter().map(|f| f.product.item.id as i64).collect();
    let existing: HashMap<i64, products::Model> = products::Entity::find()
        .filter(products::Column::ShopId.eq(&shop.id))
        .filter(products::Column::WooProductId.is_in(woo_ids))
        .all(app.db())
        .await?
        .into_iter()
        .map(|p| (p.woo_product_id, p))
        .collect();
    let pids: Vec<String> = existing.values().map(|p| p.id.clone()).collect();
    let extra: HashMap<String, Value> = if pids.is_empty() {
        HashMap::new()
    } else {
        product_manual_fields::Entity::find()
            .filter(product_manual_fields::Column::ProductId.is_in(pids))
            .all(app.db())
            .await?
            .into_iter()
            .map(|m| (m.product_id, m.fields))
            .collect()
    };
    let now = Utc::now();
    for f in fetched {
        let p = &f.product.item;
        let woo_id = p.id as i64;
        let raw_value = f.product.raw.value();
        let var_raw: Vec<Value> = f.variations.iter().map(|v| v.raw.value()).collect();
        let sum = checksum(&raw_value, &var_raw);
        let old = existing.get(&woo_id);
        if let Some(o) = old {
            if o.checksum.as_deref() == Some(sum.as_str()) {
                counts.unchanged += 1;
                continue;
            }
            if guard_older {
                if let (Some(stored), Some(incoming)) = (o.woo_modified_at, modified_at(p)) {
                    if incoming < stored {
                        tracing::info!(woo_id, %stored, %incoming, "older product data ignored");
                        counts.unchanged += 1;
                        continue;
                    }
                }
            }
        }
        let vars: Vec<Variation> = f.variations.iter().map(|v| v.item.clone()).collect();
        let (ai, manual, excluded) = match old {
            Some(o) => (feed::ai_overrides(o), feed::manual_overrides(o, extra.get(&o.id)), o.status == ProductStatus::Excluded),
            None => Default::default(),
        };
        let outcome = feed::compute(fctx, p, &vars, ai, manual, excluded);
        let mut am = match old {
            Some(o) => o.clone().into_active_model(),
            None => products::ActiveModel {
                id: Set(ids::new_id(ids::PRODUCT)),
                shop_id: Set(shop.id.clone()),
                woo_product_id: Set(woo_id),
                feed_enable_search: Set(true),
                feed_enable_checkout: Set(false),
                ai_enriched: Set(false),
                manual_override: Set(false),
                created_at: Set(now),
                ..Default::default()
            },
        };
        let raw = &raw_value;
        am.woo_type = Set(raw_str(raw, "type"));
        am.woo_title = Set(p.name.clone());
        am.woo_description = Set(Some(p.description.clone()).filter(|s| !s.is_empty()));
        am.woo_short_description = Set(Some(p.short_description.clone()).filter(|s| !s.is_empty()));
        am.woo_sku = Set(p.sku.clone().filter(|s| !s.is_empty()));
        am.woo_price = Set(dec(p.price));
        am.woo_regular_price = Set(dec(p.regular_price));
        am.woo_sale_price = Set(dec(p.sale_price));
        am.woo_stock_status = Set(raw_str(raw, "stock_status"));
        am.woo_stock_quantity = Set(p.stock_quantity.and_then(|q| i32::try_from(q).ok()));
        am.woo_categories = Set(raw.get("categories").cloned());
        am.woo_images = Set(raw.get("images").cloned());
        am.woo_attributes = Set(raw.get("attributes").cloned());
        am.woo_permalink = Set(Some(p.permalink.clone()).filter(|s| !s.is_empty()));
        am.woo_raw_json = Set(Some(raw.clone()));
        am.woo_modified_at = Set(modified_at(p));
        feed::apply_outcome(&mut am, &outcome);
        let status = match old.map(|o| o.status) {
            Some(ProductStatus::Excluded) => ProductStatus::Excluded,
            _ if outcome.valid => ProductStatus::Synced,
            _ => ProductStatus::Error,
        };
        am.status = Set(status);
        am.sync_status = Set(SyncStatus::Completed);
        am.last_synced_at = Set(Some(now));
        am.sync_error = Set(None);
        am.checksum = Set(Some(sum));
        am.updated_at = Set(now);
        let saved = match old {
            Some(_) => am.update(txn).await,
            None => am.insert(txn).await,
        };
        let saved = match saved {
            Ok(s) => s,
            Err(e) => {
                counts.fail(Some(p.id), format!("could not store product: {e}"));
                continue;
            }
        };
        product_variants::Entity::delete_many().filter(product_variants::Column::ProductId.eq(&saved.id)).exec(txn).await?;
        if !f.variations.is_empty() {
            let rows: Vec<product_variants::ActiveModel> = f
                .variations
                .iter()
                .zip(var_raw.iter())
                .map(|(v, vraw)| product_variants::ActiveModel {
                    id: Set(ids::new_id(ids::VARIANT)),
                    product_id: Set(saved.id.clone()),
                    shop_id: Set(shop.id.clone()),
                    woo_variation_id: Set(v.item.id as i64),
                    sku: Set(v.item.sku.clone().filter(|s| !s.is_empty())),
                    price: Set(dec(v.item.price)),
                    regular_price: Set(dec(v.item.regular_price)),
                    sale_price: Set(dec(v.item.sale_price)),
                    stock_status: Set(raw_str(vraw, "stock_status")),
                    stock_quantity: Set(v.item.stock_quantity.and_then(|q| i32::try_from(q).ok())),
                    attributes: Set(vraw.get("attributes").cloned()),
                    image: Set(vraw.get("image").cloned()),
                    permalink: Set(raw_str(vraw, "permalink")),
                    raw_json: Set(Some(vraw.clone())),
                    feed_id: Set(None),
                    checksum: Set(Some(crate::crypto::sha256_hex(serde_json::to_vec(&strip_links(vraw)).unwrap_or_default()))),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .collect();
            product_variants::Entity::insert_many(rows).exec_without_returning(txn).await?;
        }
        if old.is_some() {
            counts.updated += 1;
        } else {
            counts.created += 1;
        }
        counts.changed_ids.push(woo_id);
    }
    Ok(counts)
}

/// Fetches variations of the variable products of a page; a product whose variations cannot be read is failed.
pub async fn with_variations(client: &Client, items: Vec<Parsed<Product>>, concurrency: usize, counts: &mut Counts) -> Vec<Fetched> {
    let results: Vec<(Parsed<Product>, std::result::Result<Vec<Parsed<Variation>>, String>)> = stream::iter(items)
        .map(|p| async move {
            if p.item.is_variable() && !p.item.variations.is_empty() {
                match client.variations(p.item.id).await {
                    Ok((vars, bad)) => {
                        if bad.is_empty() {
                            (p, Ok(vars))
                        } else {
                            (p, Err(format!("{} malformed variation(s): {}", bad.len(), bad[0])))
                        }
                    }
                    Err(e) => (p, Err(format!("variations: {e}"))),
                }
            } else {
                (p, Ok(Vec::new()))
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let mut out = Vec::with_capacity(results.len());
    for (p, r) in results {
        match r {
            Ok(variations) => out.push(Fetched { product: p, variations }),
            Err(msg) => counts.fail(Some(p.item.id), msg),
        }
    }
    out
}

/// One page of products, falling back to smaller pages around records that break the store's answer.
struct PageData {
    items: Vec<Parsed<Product>>,
    malformed: Vec<Malformed>,
    total_pages: u32,
    /// False when some records could not be read at all (deletion detection is skipped for the range).
    complete: bool,
    unreadable: Vec<String>,
}

fn splittable(e: &productsynch_woo::Error) -> bool {
    matches!(e, productsynch_woo::Error::Server { .. } | productsynch_woo::Error::Decode { .. } | productsynch_woo::Error::Api { .. })
}

async fn fetch_products_page(client: &Client, q: &[(String, String)], page: u32, per_page: u32) -> std::result::Result<PageData, productsynch_woo::Error> {
    match client.fetch_page::<Product>("wc/v3/products", "product", q, page, per_page).await {
        Ok(p) => Ok(PageData { items: p.items, malformed: p.malformed, total_pages: p.total_pages, complete: true, unreadable: vec![] }),
        Err(e) if splittable(&e) && per_page > 1 => {
            tracing::warn!(page, per_page, error = %e, "page unreadable; retrying it in smaller pages");
            let sub = if per_page >= 10 { 10 } else { 1 };
            let parts = per_page / sub;
            let mut data = PageData { items: vec![], malformed: vec![], total_pages: 0, complete: true, unreadable: vec![] };
            let mut any_ok = false;
            let mut total_items = None;
            for i in 0..parts {
                let n = (page - 1) * parts + i + 1;
                match Box::pin(fetch_products_page(client, q, n, sub)).await {
                    Ok(d) => {
                        any_ok = true;
                        if total_items.is_none() {
                            total_items = Some(d.total_pages as u64 * sub as u64);
                        }
                        data.items.extend(d.items);
                        data.malformed.extend(d.malformed);
                        data.complete &= d.complete;
                        data.unreadable.extend(d.unreadable);
                        if n >= d.total_pages {
                            break;
                        }
                    }
                    Err(e2) if sub == 1 && splittable(&e2) => {
                        data.complete = false;
                        data.unreadable.push(format!("record at offset {}: {e2}", (n - 1)));
                    }
                    Err(e2) => return Err(e2),
                }
            }
            if !any_ok {
                return Err(e);
            }
            data.total_pages = total_items.map(|t| t.div_ceil(per_page as u64) as u32).unwrap_or(page);
            Ok(data)
        }
        Err(e) => Err(e),
    }
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(anyhow::anyhow!("{e}"))
}

/// Runs (or resumes) the sync batch of this job.
pub async fn run(ctx: &JobContext, job: &SyncJob) -> std::result::Result<Summary, JobError> {
    let app = &ctx.app;
    let shop = super::shop_by_id(app, &job.shop_id).await?;
    if !shop.is_connected {
        return Err(JobError::Permanent(anyhow::anyhow!("shop {} is not connected", shop.id)));
    }
    // A job whose lease this worker lost (reaped and handed to another worker) must not run.
    if !app.jobs().heartbeat(ctx.id(), &ctx.worker_id).await? {
        return Err(retry(format!("job {} is no longer held by worker {}", ctx.id(), ctx.worker_id)));
    }
    // The batch of this job: resume it after a crash; else adopt a batch of the shop that a dead
    // job left running; else start one.
    let mut existing = sync_batches::Entity::find().filter(sync_batches::Column::JobId.eq(ctx.id())).one(app.db()).await?;
    if existing.is_none() && job.sync_type != SyncType::SingleProduct {
        existing = adopt_orphan(app, &shop, job, ctx.id()).await?;
    }
    let (batch, mut progress) = match existing {
        Some(b) if b.status == SyncStatus::Syncing || b.status == SyncStatus::Pending => {
            let p = sync_batch_progress::Entity::find_by_id(b.id.clone()).one(app.db()).await?;
            let p = match p {
                Some(p) => p,
                None => new_progress(app, &b).await?,
            };
            tracing::info!(batch = %b.id, pages_done = p.pages_done, "resuming sync batch");
            (b, p)
        }
        Some(b) => {
            // Finished already (the job's completion was lost): report it.
            let p = sync_batch_progress::Entity::find_by_id(b.id.clone()).one(app.db()).await?;
            return Ok(Summary {
                batch_id: b.id.clone(),
                total: b.total_products as i64,
                failed: b.failed_products as i64,
                created: p.as_ref().map(|p| p.created as i64).unwrap_or(0),
                updated: p.as_ref().map(|p| p.updated as i64).unwrap_or(0),
                unchanged: p.as_ref().map(|p| p.unchanged as i64).unwrap_or(0),
                deleted: p.as_ref().map(|p| p.deleted as i64).unwrap_or(0),
            });
        }
        None => {
            let now = Utc::now();
            let b = sync_batches::ActiveModel {
                id: Set(ids::new_id(ids::BATCH)),
                shop_id: Set(shop.id.clone()),
                status: Set(SyncStatus::Syncing),
                sync_type: Set(job.sync_type),
                total_products: Set(0),
                synced_products: Set(0),
                failed_products: Set(0),
                started_at: Set(Some(now)),
                completed_at: Set(None),
                error_log: Set(Some(json!([]))),
                feed_file_url: Set(None),
                triggered_by: Set(Some(job.triggered_by.clone())),
                job_id: Set(Some(ctx.id().to_owned())),
                created_at: Set(now),
            }
            .insert(app.db())
            .await?;
            let p = new_progress(app, &b).await?;
            (b, p)
        }
    };
    set_shop_status(app, &shop.id, SyncStatus::Syncing, None).await?;
    match run_batch(ctx, &shop, &batch, &mut progress).await {
        Ok(s) => Ok(s),
        Err(e) => {
            let last_attempt = ctx.job.attempts >= ctx.job.max_attempts || matches!(e, JobError::Permanent(_));
            // Never fail a batch that another worker took over.
            if last_attempt && app.jobs().heartbeat(ctx.id(), &ctx.worker_id).await.unwrap_or(false) {
                let msg = e.to_string();
                let mut am = batch.clone().into_active_model();
                am.status = Set(SyncStatus::Failed);
                am.completed_at = Set(Some(Utc::now()));
                let mut log = batch.error_log.clone().and_then(|v| v.as_array().cloned()).unwrap_or_default();
                log.push(json!({"wooProductId": null, "message": msg, "at": Utc::now()}));
                am.error_log = Set(Some(Value::Array(log)));
                let marked = am.update(app.db()).await.is_ok();
                let _ = set_shop_status(app, &shop.id, SyncStatus::Failed, None).await;
                if marked {
                    crate::telemetry::sync_batch_finished(batch.sync_type, SyncStatus::Failed);
                    crate::shops::notify_sync_failed(app, &shop, &msg).await;
                }
            }
            Err(e)
        }
    }
}

/// A batch of `shop` still marked running whose job is gone (dead-lettered, finished, or deleted):
/// the newest one that `job` can continue is re-assigned to the job (it resumes at its cursor);
/// other orphans are marked FAILED. Returns the adopted batch.
///
/// A FULL/MANUAL orphan can be continued by any sync (a full pass is a superset); an INCREMENTAL
/// orphan only by another INCREMENTAL sync.
async fn adopt_orphan(app: &App, shop: &shops::Model, job: &SyncJob, job_id: &str) -> Result<Option<sync_batches::Model>> {
    use productsynch_db::entities::{JobStatus, jobs};
    use sea_orm::QueryOrder;
    let running = sync_batches::Entity::find()
        .filter(sync_batches::Column::ShopId.eq(&shop.id))
        .filter(sync_batches::Column::Status.is_in([SyncStatus::Syncing, SyncStatus::Pending]))
        .filter(sync_batches::Column::SyncType.ne(SyncType::SingleProduct))
        .order_by_desc(sync_batches::Column::CreatedAt)
        .all(app.db())
        .await?;
    let mut adopted: Option<sync_batches::Model> = None;
    for b in running {
        let live = match &b.job_id {
            Some(j) if j == job_id => true,
            Some(j) => jobs::Entity::find_by_id(j.clone())
                .one(app.db())
                .await?
                .is_some_and(|r| r.status == JobStatus::Queued || r.status == JobStatus::Running),
            None => false,
        };
        if live {
            continue;
        }
        let compatible = match b.sync_type {
            SyncType::Full | SyncType::Manual => true,
            SyncType::Incremental => job.sync_type == SyncType::Incremental,
            SyncType::SingleProduct => false,
        };
        if adopted.is_none() && compatible {
            // Conditional on the old job id, so two workers cannot adopt the same batch.
            let res = sync_batches::Entity::update_many()
                .col_expr(sync_batches::Column::JobId, sea_orm::sea_query::Expr::value(job_id.to_owned()))
                .filter(sync_batches::Column::Id.eq(&b.id))
                .filter(match &b.job_id {
                    Some(j) => sync_batches::Column::JobId.eq(j.clone()),
                    None => sync_batches::Column::JobId.is_null(),
                })
                .exec(app.db())
                .await?;
            if res.rows_affected == 1 {
                tracing::info!(batch = %b.id, old_job = ?b.job_id, job = job_id, "adopting a sync batch whose job died");
                adopted = Some(sync_batches::Model { job_id: Some(job_id.to_owned()), ..b });
            }
            continue;
        }
        let mut log = b.error_log.clone().and_then(|v| v.as_array().cloned()).unwrap_or_default();
        log.push(json!({"wooProductId": null, "message": "abandoned: its job died and a newer sync took over", "at": Utc::now()}));
        sync_batches::ActiveModel {
            id: Set(b.id.clone()),
            status: Set(SyncStatus::Failed),
            completed_at: Set(Some(Utc::now())),
            error_log: Set(Some(Value::Array(log))),
            ..Default::default()
        }
        .update(app.db())
        .await?;
        crate::telemetry::sync_batch_finished(b.sync_type, SyncStatus::Failed);
    }
    Ok(adopted)
}

async fn new_progress(app: &App, b: &sync_batches::Model) -> Result<sync_batch_progress::Model> {
    Ok(sync_batch_progress::ActiveModel {
        batch_id: Set(b.id.clone()),
        shop_id: Set(b.shop_id.clone()),
        created: Set(0),
        updated: Set(0),
        unchanged: Set(0),
        deleted: Set(0),
        pages_done: Set(0),
        last_woo_id: Set(0),
        total_pages: Set(0),
        updated_at: Set(Utc::now()),
    }
    .insert(app.db())
    .await?)
}

async fn set_shop_status(app: &App, shop_id: &str, status: SyncStatus, last_sync_at: Option<DateTime<Utc>>) -> Result<()> {
    let mut am = shops::ActiveModel { id: Set(shop_id.to_owned()), ..Default::default() };
    am.sync_status = Set(status);
    if let Some(t) = last_sync_at {
        am.last_sync_at = Set(Some(t));
    }
    am.updated_at = Set(Utc::now());
    am.update(app.db()).await?;
    Ok(())
}

/// Loads the shop's connection row (settings, categories).
pub async fn connection(app: &App, shop_id: &str) -> Result<Option<shop_connections::Model>> {
    Ok(shop_connections::Entity::find_by_id(shop_id.to_owned()).one(app.db()).await?)
}

async fn run_batch(
    ctx: &JobContext,
    shop: &shops::Model,
    batch: &sync_batches::Model,
    progress: &mut sync_batch_progress::Model,
) -> std::result::Result<Summary, JobError> {
    let app = &ctx.app;
    let tuning = super::tuning();
    let client = super::client::client_for(app, shop).await.map_err(|e| match e {
        // Rejected keys will not start working by retrying; anything else (a store answering garbage
        // during discovery, 5xx, timeouts) may.
        Error::Validation(ref errs) if errs.iter().any(|f| f.code == "invalid_keys" || f.code == "insufficient_permissions") => {
            JobError::Permanent(anyhow::anyhow!("store refused our keys: {e}"))
        }
        other => retry(other.to_string()),
    })?;
    // The batch's type, not the job's: an adopted batch continues as what it was.
    let full = match batch.sync_type {
        SyncType::Full | SyncType::Manual => true,
        SyncType::Incremental => shop.last_sync_at.is_none(),
        SyncType::SingleProduct => false,
    };
    let mut conn = connection(app, &shop.id).await?;
    if full && progress.pages_done == 0 {
        match client.categories().await {
            Ok(cats) => {
                let v = serde_json::to_value(&cats).unwrap_or(Value::Null);
                let am = shop_connections::ActiveModel {
                    shop_id: Set(shop.id.clone()),
                    categories: Set(Some(v)),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                };
                if conn.is_some() {
                    am.update(app.db()).await?;
                } else {
                    am.insert(app.db()).await?;
                }
                conn = connection(app, &shop.id).await?;
            }
            Err(e) => tracing::warn!(error = %e, "could not read categories; keeping the stored tree"),
        }
    }
    let fctx = FeedContext::new(shop, conn.as_ref());
    let mut q: Vec<(String, String)> = vec![("orderby".into(), "id".into()), ("order".into(), "asc".into())];
    if !full {
        if let Some(last) = shop.last_sync_at {
            let after = last - tuning.incremental_overlap;
            q.push(("modified_after".into(), after.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()));
            q.push(("dates_are_gmt".into(), "true".into()));
        }
    }
    let per_page = tuning.per_page.clamp(1, 100);
    let mut errors: Vec<Value> = batch.error_log.clone().and_then(|v| v.as_array().cloned()).unwrap_or_default();
    let mut failed = batch.failed_products as i64;
    let mut page = progress.pages_done as u32 + 1;
    loop {
        if ctx.cancel.is_cancelled() {
            return Err(retry("worker shutting down; the batch resumes later"));
        }
        let data = fetch_products_page(&client, &q, page, per_page).await.map_err(retry)?;
        let mut counts = Counts::default();
        for m in &data.malformed {
            counts.fail(m.id, format!("malformed product: {}", m.error));
        }
        for u in &data.unreadable {
            counts.fail(None, u.clone());
        }
        let page_ids: HashSet<i64> = data.items.iter().map(|p| p.item.id as i64).collect();
        let page_max = page_ids.iter().copied().max().unwrap_or(progress.last_woo_id);
        let last_page = page >= data.total_pages;
        let fetched = with_variations(&client, data.items, tuning.concurrency, &mut counts).await;
        // Deletions are confirmed at the store before the page's transaction opens (no network
        // call while it is open).
        let gone = if full && data.complete && data.malformed.iter().all(|m| m.id.is_some()) {
            let hi = if last_page { i64::MAX } else { page_max };
            let mut keep: HashSet<i64> = page_ids.clone();
            keep.extend(data.malformed.iter().filter_map(|m| m.id.map(|i| i as i64)));
            find_gone(app, &client, &shop.id, progress.last_woo_id, hi, &keep).await.map_err(retry)?
        } else {
            Vec::new()
        };
        // The page's products, deletions and checkpoint commit together: a worker that dies at any
        // point leaves either the whole page done (and recorded) or none of it.
        // Deferred, as in `upsert_products`: the first statement in it is a write.
        let txn = app.db().begin().await?;
        let c = upsert_products_in(app, &txn, shop, &fctx, fetched, false).await.map_err(retry)?;
        counts.created += c.created;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
        counts.failed += c.failed;
        counts.errors.extend(c.errors);
        counts.deleted += delete_products(&txn, &gone).await.map_err(retry)?;
        let mut next_progress = progress.clone();
        next_progress.created += counts.created as i32;
        next_progress.updated += counts.updated as i32;
        next_progress.unchanged += counts.unchanged as i32;
        next_progress.deleted += counts.deleted as i32;
        next_progress.pages_done = page as i32;
        next_progress.last_woo_id = progress.last_woo_id.max(page_max);
        next_progress.total_pages = data.total_pages as i32;
        next_progress.updated_at = Utc::now();
        let next_failed = failed + counts.failed;
        let mut next_errors = errors.clone();
        for e in counts.errors {
            if next_errors.len() < MAX_ERROR_LOG {
                next_errors.push(e);
            }
        }
        next_progress.clone().into_active_model().reset_all().update(&txn).await?;
        let total = (next_progress.created + next_progress.updated + next_progress.unchanged) as i64 + next_failed;
        sync_batches::ActiveModel {
            id: Set(batch.id.clone()),
            total_products: Set(total as i32),
            synced_products: Set(next_progress.created + next_progress.updated + next_progress.unchanged),
            failed_products: Set(next_failed as i32),
            error_log: Set(Some(Value::Array(next_errors.clone()))),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        // Fence: commit only while this worker still holds the job's lease (renewed here, in the
        // same transaction). A worker that stalled past its lease, whose job was handed to another
        // worker, rolls back instead of writing beside it.
        if !hold_lease(ctx, &txn).await? {
            txn.rollback().await?;
            return Err(retry(format!("lost the lease of job {}; another worker continues the batch", ctx.id())));
        }
        txn.commit().await?;
        crate::telemetry::products_synced(counts.created, counts.updated, counts.unchanged, counts.deleted, counts.failed);
        *progress = next_progress;
        failed = next_failed;
        errors = next_errors;
        let _ = ctx.progress(page as u64, Some(data.total_pages.max(page) as u64), Some("pages")).await;
        if last_page {
            break;
        }
        page += 1;
    }
    let now = Utc::now();
    let total = (progress.created + progress.updated + progress.unchanged) as i64 + failed;
    sync_batches::ActiveModel {
        id: Set(batch.id.clone()),
        status: Set(SyncStatus::Completed),
        completed_at: Set(Some(now)),
        total_products: Set(total as i32),
        ..Default::default()
    }
    .update(app.db())
    .await?;
    crate::telemetry::sync_batch_finished(batch.sync_type, SyncStatus::Completed);
    set_shop_status(app, &shop.id, SyncStatus::Completed, batch.started_at.or(Some(now))).await?;
    // Counted over the whole batch, pages done before a crash included.
    if progress.created + progress.updated + progress.deleted > 0 {
        after_change(app, shop).await;
    }
    let s = Summary {
        batch_id: batch.id.clone(),
        total,
        created: progress.created as i64,
        updated: progress.updated as i64,
        unchanged: progress.unchanged as i64,
        deleted: progress.deleted as i64,
        failed,
    };
    tracing::info!(shop = %shop.id, batch = %batch.id, ?s, "sync finished");
    Ok(s)
}

/// Products stored with a store id in `(lo, hi]` that the page did not list and that the store
/// confirms gone (an `include=` lookup): their product ids, to delete.
async fn find_gone(app: &App, client: &Client, shop_id: &str, lo: i64, hi: i64, seen: &HashSet<i64>) -> Result<Vec<String>> {
    let stored: Vec<(String, i64)> = products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .column(products::Column::WooProductId)
        .filter(products::Column::ShopId.eq(shop_id))
        .filter(products::Column::WooProductId.gt(lo))
        .filter(products::Column::WooProductId.lte(hi))
        .into_tuple()
        .all(app.db())
        .await?;
    let candidates: Vec<(String, i64)> = stored.into_iter().filter(|(_, w)| !seen.contains(w)).collect();
    let mut gone = Vec::new();
    for chunk in candidates.chunks(100) {
        let include = chunk.iter().map(|(_, w)| w.to_string()).collect::<Vec<_>>().join(",");
        let q = vec![("include".to_string(), include), ("orderby".into(), "id".into()), ("order".into(), "asc".into())];
        let page = client
            .fetch_page::<Product>("wc/v3/products", "product", &q, 1, 100)
            .await
            .map_err(|e| Error::Unavailable(e.to_string()))?;
        let present: HashSet<i64> = page.items.iter().map(|p| p.item.id as i64).collect();
        gone.extend(chunk.iter().filter(|(_, w)| !present.contains(w)).map(|(id, _)| id.clone()));
    }
    Ok(gone)
}

/// Renews this worker's lease on its job inside `txn`; false when the job is no longer ours.
async fn hold_lease(ctx: &JobContext, txn: &DatabaseTransaction) -> Result<bool> {
    use productsynch_db::entities::{JobStatus, jobs};
    let lease = chrono::Duration::from_std(ctx.app.jobs().config().lease).unwrap_or(chrono::Duration::seconds(60));
    let res = jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedUntil, sea_orm::sea_query::Expr::value(Utc::now() + lease))
        .filter(jobs::Column::Id.eq(ctx.id()))
        .filter(jobs::Column::LockedBy.eq(&ctx.worker_id))
        .filter(jobs::Column::Status.eq(JobStatus::Running))
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes product rows (and their variants and manual fields).
pub async fn delete_products<C: ConnectionTrait>(db: &C, product_ids: &[String]) -> Result<i64> {
    if product_ids.is_empty() {
        return Ok(0);
    }
    product_variants::Entity::delete_many().filter(product_variants::Column::ProductId.is_in(product_ids.to_vec())).exec(db).await?;
    product_manual_fields::Entity::delete_many()
        .filter(product_manual_fields::Column::ProductId.is_in(product_ids.to_vec()))
        .exec(db)
        .await?;
    productsynch_db::entities::product_analytics::Entity::delete_many()
        .filter(productsynch_db::entities::product_analytics::Column::ProductId.is_in(product_ids.to_vec()))
        .exec(db)
        .await?;
    let n = products::Entity::delete_many().filter(products::Column::Id.is_in(product_ids.to_vec())).exec(db).await?.rows_affected;
    Ok(n as i64)
}

/// Hook after a sync changed the catalog: the delivery module regenerates the feed snapshot (and pushes it
/// when the shop's cadence is "after every sync").
pub async fn after_change(app: &App, shop: &shops::Model) {
    if let Err(e) = crate::delivery::after_sync(app, &shop.id, None).await {
        tracing::warn!(shop.id = %shop.id, error = %e, "could not enqueue feed generation");
    }
}
