//! Products of a shop: list (filters, search, sort, pagination), detail, manual overrides, feed
//! preview and bulk actions. Every function takes a shop already checked for ownership.

pub mod feed;

use chrono::Utc;
use productsynch_db::entities::{ProductStatus, SyncStatus, product_variants, products, shops, webhook_events};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Query, UnionType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, FromQueryResult, QueryTrait, Statement, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::App;
use crate::error::{Error, FieldError, Result};
use crate::sync::entities::product_manual_fields;
use feed::FeedContext;

pub const MAX_LIMIT: u64 = 200;

/// Query of `GET /products`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductQuery {
    pub page: Option<u64>,
    pub limit: Option<u64>,
    /// In title or SKU.
    pub search: Option<String>,
    /// `SYNCED`, `EXCLUDED`, `ERROR`, …
    pub status: Option<String>,
    pub sync_status: Option<String>,
    /// `in_stock`, `out_of_stock`, `backorder`, … (feed availability)
    pub availability: Option<String>,
    pub ai_enriched: Option<bool>,
    pub valid: Option<bool>,
    pub has_overrides: Option<bool>,
    /// Category name or slug (matched inside the stored categories).
    pub category: Option<String>,
    /// `title`, `price`, `updatedAt`, `createdAt`, `wooProductId`, `lastSyncedAt` (prefix `-` for descending).
    pub sort: Option<String>,
}

/// A product in a list (spec §9.2).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductSummary {
    pub id: String,
    pub woo_product_id: i64,
    pub title: String,
    pub sku: Option<String>,
    pub image_url: Option<String>,
    pub price: Option<String>,
    pub availability: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::ProductStatus))]
    pub status: ProductStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::SyncState))]
    pub sync_status: SyncStatus,
    pub ai_enriched: bool,
    pub manual_override: bool,
    pub is_valid: bool,
    pub feed_enable_search: bool,
    pub feed_enable_checkout: bool,
    pub last_synced_at: Option<chrono::DateTime<Utc>>,
    pub updated_at: chrono::DateTime<Utc>,
}

/// The columns of a product that its list row needs (the list never loads the large JSON columns: raw
/// WooCommerce JSON, feed JSON, descriptions…). `woo_images` is only read for a product without a feed image
/// link (see `list`).
#[derive(Debug, sea_orm::FromQueryResult)]
struct SummaryRow {
    id: String,
    woo_product_id: i64,
    woo_title: String,
    woo_sku: Option<String>,
    woo_price: Option<rust_decimal::Decimal>,
    woo_images: Option<Value>,
    feed_title: Option<String>,
    feed_availability: Option<String>,
    feed_image_link: Option<String>,
    feed_enable_search: bool,
    feed_enable_checkout: bool,
    ai_enriched: bool,
    manual_override: bool,
    manual_title: Option<String>,
    status: ProductStatus,
    sync_status: SyncStatus,
    last_synced_at: Option<chrono::DateTime<Utc>>,
    is_valid: bool,
    updated_at: chrono::DateTime<Utc>,
}

impl SummaryRow {
    fn of(p: &products::Model) -> SummaryRow {
        SummaryRow {
            id: p.id.clone(),
            woo_product_id: p.woo_product_id,
            woo_title: p.woo_title.clone(),
            woo_sku: p.woo_sku.clone(),
            woo_price: p.woo_price,
            woo_images: if p.feed_image_link.is_none() { p.woo_images.clone() } else { None },
            feed_title: p.feed_title.clone(),
            feed_availability: p.feed_availability.clone(),
            feed_image_link: p.feed_image_link.clone(),
            feed_enable_search: p.feed_enable_search,
            feed_enable_checkout: p.feed_enable_checkout,
            ai_enriched: p.ai_enriched,
            manual_override: p.manual_override,
            manual_title: p.manual_title.clone(),
            status: p.status,
            sync_status: p.sync_status,
            last_synced_at: p.last_synced_at,
            is_valid: p.is_valid,
            updated_at: p.updated_at,
        }
    }
}

const SUMMARY_COLUMNS: [products::Column; 18] = [
    products::Column::Id,
    products::Column::WooProductId,
    products::Column::WooTitle,
    products::Column::WooSku,
    products::Column::WooPrice,
    products::Column::FeedTitle,
    products::Column::FeedAvailability,
    products::Column::FeedImageLink,
    products::Column::FeedEnableSearch,
    products::Column::FeedEnableCheckout,
    products::Column::AiEnriched,
    products::Column::ManualOverride,
    products::Column::ManualTitle,
    products::Column::Status,
    products::Column::SyncStatus,
    products::Column::LastSyncedAt,
    products::Column::IsValid,
    products::Column::UpdatedAt,
];

fn summary(p: SummaryRow) -> ProductSummary {
    let image = p
        .feed_image_link
        .or_else(|| p.woo_images.as_ref().and_then(|i| i.get(0)).and_then(|i| i.get("src")).and_then(Value::as_str).map(str::to_owned));
    ProductSummary {
        id: p.id,
        woo_product_id: p.woo_product_id,
        title: p.manual_title.or(p.feed_title).unwrap_or(p.woo_title),
        sku: p.woo_sku,
        image_url: image,
        price: p.woo_price.map(|d| d.to_string()),
        availability: p.feed_availability,
        status: p.status,
        sync_status: p.sync_status,
        ai_enriched: p.ai_enriched,
        manual_override: p.manual_override,
        is_valid: p.is_valid,
        feed_enable_search: p.feed_enable_search,
        feed_enable_checkout: p.feed_enable_checkout,
        last_synced_at: p.last_synced_at,
        updated_at: p.updated_at,
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub page: u64,
    pub limit: u64,
    pub total: u64,
    pub total_pages: u64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPage {
    pub products: Vec<ProductSummary>,
    pub pagination: Pagination,
}

fn parse_enum<T: for<'de> Deserialize<'de>>(field: &str, v: &str) -> Result<T> {
    serde_json::from_value(Value::String(v.trim().to_ascii_uppercase()))
        .map_err(|_| Error::invalid(field, "invalid_value", &format!("Unknown {field} {v:?}.")))
}

/// `LIKE` pattern matching `term` as a literal substring (with `ESCAPE '\\'`).
fn like_contains(term: &str) -> LikeExpr {
    LikeExpr::new(format!("%{}%", term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))).escape('\\')
}

/// The search filter: `term` (trimmed, non-empty) as a substring of the WooCommerce title, the SKU or the manual
/// title, case-insensitive. Served by indexes from migration `m20261128_000071_product_search_index`:
/// PostgreSQL: the `pg_trgm` GIN indexes on `lower(col)` serve the `lower(col) LIKE '%term%'` conditions (3+
/// characters). SQLite: the trigram FTS5 table `product_search_fts` answers a quoted phrase (3+ characters; the
/// trigram tokenizer folds case); shorter terms scan the narrow `product_search` copy instead of the products.
fn search_condition(backend: DatabaseBackend, shop_id: &str, term: &str, walk: bool) -> Condition {
    let lower = term.to_lowercase();
    if backend != DatabaseBackend::Sqlite {
        return Condition::any()
            .add(Expr::expr(Func::lower(Expr::col(products::Column::WooTitle))).like(like_contains(&lower)))
            .add(Expr::expr(Func::lower(Expr::col(products::Column::WooSku))).like(like_contains(&lower)))
            .add(Expr::expr(Func::lower(Expr::col(products::Column::ManualTitle))).like(like_contains(&lower)));
    }
    let ps = || Alias::new("product_search");
    let mut sub = Query::select();
    sub.column(Alias::new("product_id")).from(ps()).and_where(Expr::col(Alias::new("shop_id")).eq(shop_id));
    if term.chars().count() >= 3 {
        // An FTS5 phrase: the whole term between double quotes (inner quotes doubled), so its operators and
        // punctuation (`AND`, `*`, `-`, `:`…) are plain text; with the trigram tokenizer a phrase is a substring.
        let phrase = format!("\"{}\"", term.replace('"', "\"\""));
        sub.and_where(Expr::cust_with_values("id IN (SELECT rowid FROM product_search_fts WHERE product_search_fts MATCH ?)", [phrase]));
    } else {
        // SQLite's LIKE already ignores ASCII case (and `lower()` only folds ASCII): no `lower(col)`, which costs
        // more than the scan itself.
        let col = |c: &str| Expr::col(Alias::new(c));
        sub.cond_where(
            Condition::any()
                .add(col("woo_title").like(like_contains(&lower)))
                .add(col("woo_sku").like(like_contains(&lower)))
                .add(col("manual_title").like(like_contains(&lower))),
        );
    }
    Condition::all().add(product_id_expr(walk).in_subquery(sub.take()))
}

/// `products.id` for an `IN (subquery)` filter. `walk` (SQLite) writes it `+products.id`, which keeps the planner
/// from driving the query from the subquery's ids through the primary key (each a lookup of a wide row, to sort
/// them): it walks the `(shop_id, <sort col>, id)` index in order instead and probes the subquery's ids, which is
/// far cheaper when the matches are many and the page is early (see `list`).
fn product_id_expr(walk: bool) -> Expr {
    if walk { Expr::cust("+\"products\".\"id\"") } else { Expr::col((products::Entity, products::Column::Id)) }
}

/// The category filter: a category of the product whose slug or name equals `cat`, case-insensitive, through
/// the `product_categories` rows (kept current from `woo_categories` by triggers; both sides folded by the
/// database's `lower()`). Written as a UNION of two equality lookups, one per covering index
/// (`(shop_id, slug, product_id)`, `(shop_id, name_lower, product_id)`): with `slug = ? OR name_lower = ?` SQLite
/// (without statistics) used only the `shop_id` prefix and read every category row of the shop (~125k rows at
/// 100,000 products: ~120 ms per call, and under 50 clients ~1 s), against ~2-4 ms for the two lookups.
fn category_condition(shop_id: &str, cat: &str, walk: bool) -> Condition {
    let col = |c: &str| Expr::col(Alias::new(c));
    let lookup = |column: &str| {
        Query::select()
            .column(Alias::new("product_id"))
            .from(Alias::new("product_categories"))
            .and_where(col("shop_id").eq(shop_id))
            .and_where(col(column).eq(Func::lower(Expr::val(cat))))
            .to_owned()
    };
    let mut sub = lookup("slug");
    sub.union(UnionType::Distinct, lookup("name_lower"));
    Condition::all().add(product_id_expr(walk).in_subquery(sub))
}

fn search_term(q: &ProductQuery) -> Option<&str> {
    q.search.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn category_term(q: &ProductQuery) -> Option<&str> {
    q.category.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether the query filters through a shop-scoped `products.id IN (subquery)` (category; search on SQLite).
fn has_id_subquery(backend: DatabaseBackend, q: &ProductQuery) -> bool {
    category_term(q).is_some() || (backend == DatabaseBackend::Sqlite && search_term(q).is_some())
}

fn filter_condition(backend: DatabaseBackend, shop_id: &str, q: &ProductQuery) -> Result<Condition> {
    filter_condition_with(backend, shop_id, q, true, false)
}

/// The filters of `q`. `scope_shop: false` leaves out `products.shop_id = ?` (only valid when
/// [`has_id_subquery`]: the subqueries are scoped to the shop), so a count is answered from the primary key index
/// without reading the (wide) rows; `walk`: see [`product_id_expr`].
fn filter_condition_with(backend: DatabaseBackend, shop_id: &str, q: &ProductQuery, scope_shop: bool, walk: bool) -> Result<Condition> {
    let mut c = Condition::all();
    if scope_shop {
        c = c.add(products::Column::ShopId.eq(shop_id));
    }
    if let Some(s) = search_term(q) {
        c = c.add(search_condition(backend, shop_id, s, walk));
    }
    if let Some(s) = &q.status {
        c = c.add(products::Column::Status.eq(parse_enum::<ProductStatus>("status", s)?));
    }
    if let Some(s) = &q.sync_status {
        c = c.add(products::Column::SyncStatus.eq(parse_enum::<SyncStatus>("syncStatus", s)?));
    }
    if let Some(a) = &q.availability {
        c = c.add(products::Column::FeedAvailability.eq(a.trim().to_lowercase()));
    }
    if let Some(b) = q.ai_enriched {
        c = c.add(products::Column::AiEnriched.eq(b));
    }
    if let Some(b) = q.valid {
        c = c.add(products::Column::IsValid.eq(b));
    }
    if let Some(b) = q.has_overrides {
        c = c.add(products::Column::ManualOverride.eq(b));
    }
    if let Some(cat) = category_term(q) {
        c = c.add(category_condition(shop_id, cat, walk));
    }
    Ok(c)
}

/// `GET /products`: the count of the matches, then the page ([`count_statement`], [`page_statement`]).
pub async fn list(app: &App, shop: &shops::Model, q: &ProductQuery) -> Result<ProductPage> {
    let (page, limit) = page_and_limit(q)?;
    let backend = app.db().get_database_backend();
    let count = app.db().query_one_raw(count_statement(backend, &shop.id, q)?).await?;
    let total = u64::try_from(count.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0)).unwrap_or(0);
    let rows = SummaryRow::find_by_statement(page_statement(backend, &shop.id, q, total)?).all(app.db()).await?;
    Ok(ProductPage {
        products: rows.into_iter().map(summary).collect(),
        pagination: Pagination { page, limit, total, total_pages: total.div_ceil(limit) },
    })
}

fn page_and_limit(q: &ProductQuery) -> Result<(u64, u64)> {
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Error::invalid("limit", "out_of_range", "limit must be between 1 and 200."));
    }
    let page = q.page.unwrap_or(1);
    if page == 0 || page > 1_000_000 {
        return Err(Error::invalid("page", "out_of_range", "page starts at 1."));
    }
    Ok((page, limit))
}

/// `SELECT COUNT(*)` of the products of `shop_id` matching `q` (one row, one integer column). Public so that the
/// plans of the list's statements can be checked (`tests/products_plans.rs`).
pub fn count_statement(backend: DatabaseBackend, shop_id: &str, q: &ProductQuery) -> Result<Statement> {
    let indexed = has_id_subquery(backend, q);
    let cond = filter_condition_with(backend, shop_id, q, !indexed, false)?;
    let stmt = Query::select().expr(Expr::cust("COUNT(*)")).from(products::Entity).cond_where(cond).to_owned();
    let mut stmt = backend.build(&stmt);
    let flags = q.status.is_some()
        || q.sync_status.is_some()
        || q.availability.is_some()
        || q.ai_enriched.is_some()
        || q.valid.is_some()
        || q.has_overrides.is_some();
    if backend == DatabaseBackend::Sqlite && flags && !indexed {
        // Counted from the flags index alone (migration 000072). Without statistics SQLite often picks a two-column
        // `(shop_id, flag)` index instead and reads every match's wide row for the other flags (~130-240 ms at
        // 100,000 products); the flags index answers any combination in ~4 ms.
        stmt.sql = stmt.sql.replacen("FROM \"products\" WHERE", "FROM \"products\" INDEXED BY \"idx_products_list_flags\" WHERE", 1);
    }
    Ok(stmt)
}

/// The page of `q` given the number of matches `total` (which picks the SQLite plan: see `product_id_expr`).
pub fn page_statement(backend: DatabaseBackend, shop_id: &str, q: &ProductQuery, total: u64) -> Result<Statement> {
    let (page, limit) = page_and_limit(q)?;
    let indexed = has_id_subquery(backend, q);
    // Many matches and an early page: walk the sort index and probe the matches (SQLite; see `product_id_expr`).
    // Few matches (a rare search term) or a deep page: fetch the matches by id and sort them.
    let walk = indexed && backend == DatabaseBackend::Sqlite && total >= 2_000 && page.saturating_mul(limit) <= total / 4;
    let cond = filter_condition_with(backend, shop_id, q, true, walk)?;
    let (name, desc) = match q.sort.as_deref().unwrap_or("-updatedAt") {
        s => match s.strip_prefix('-') {
            Some(n) => (n, true),
            None => (s, false),
        },
    };
    let col = match name {
        "title" => products::Column::WooTitle,
        "price" => products::Column::WooPrice,
        "updatedAt" => products::Column::UpdatedAt,
        "createdAt" => products::Column::CreatedAt,
        "wooProductId" => products::Column::WooProductId,
        "lastSyncedAt" => products::Column::LastSyncedAt,
        other => return Err(Error::invalid("sort", "invalid_value", &format!("Cannot sort by {other:?}."))),
    };
    // Only the list columns; the WooCommerce images (JSON) only for a row without a feed image link.
    let mut sel = products::Entity::find().select_only().columns(SUMMARY_COLUMNS).expr_as(
        Expr::case(products::Column::FeedImageLink.is_null(), Expr::col(products::Column::WooImages)).finally(Expr::null()),
        "woo_images",
    );
    sel = sel.filter(cond);
    sel = if desc { sel.order_by_desc(col).order_by_desc(products::Column::Id) } else { sel.order_by_asc(col).order_by_asc(products::Column::Id) };
    Ok(sel.offset((page - 1) * limit).limit(limit).build(backend))
}

/// A product of the shop (404 for another shop's).
pub async fn get(app: &App, shop: &shops::Model, product_id: &str) -> Result<products::Model> {
    products::Entity::find_by_id(product_id.to_owned())
        .filter(products::Column::ShopId.eq(&shop.id))
        .one(app.db())
        .await?
        .ok_or(Error::NotFound("product"))
}

async fn manual_extra(app: &App, product_id: &str) -> Result<Option<Value>> {
    Ok(product_manual_fields::Entity::find_by_id(product_id.to_owned()).one(app.db()).await?.map(|m| m.fields))
}

async fn variants(app: &App, product_id: &str) -> Result<Vec<product_variants::Model>> {
    Ok(product_variants::Entity::find()
        .filter(product_variants::Column::ProductId.eq(product_id))
        .order_by_asc(product_variants::Column::WooVariationId)
        .all(app.db())
        .await?)
}

/// `GET /products/:pid`.
pub async fn detail(app: &App, shop: &shops::Model, product_id: &str) -> Result<Value> {
    let p = get(app, shop, product_id).await?;
    let vars = variants(app, &p.id).await?;
    let extra = manual_extra(app, &p.id).await?;
    let events = webhook_events::Entity::find()
        .filter(webhook_events::Column::ShopId.eq(&shop.id))
        .filter(webhook_events::Column::ResourceId.eq(p.woo_product_id))
        .order_by_desc(webhook_events::Column::ReceivedAt)
        .limit(20)
        .all(app.db())
        .await?;
    Ok(json!({
        "product": summary(SummaryRow::of(&p)),
        "woo": {
            "id": p.woo_product_id, "type": p.woo_type, "title": p.woo_title, "description": p.woo_description,
            "shortDescription": p.woo_short_description, "sku": p.woo_sku,
            "price": p.woo_price.map(|d| d.to_string()), "regularPrice": p.woo_regular_price.map(|d| d.to_string()),
            "salePrice": p.woo_sale_price.map(|d| d.to_string()), "stockStatus": p.woo_stock_status,
            "stockQuantity": p.woo_stock_quantity, "categories": p.woo_categories, "images": p.woo_images,
            "attributes": p.woo_attributes, "permalink": p.woo_permalink, "modifiedAt": p.woo_modified_at,
        },
        "ai": {
            "enriched": p.ai_enriched, "title": p.ai_title, "description": p.ai_description, "keywords": p.ai_keywords,
            "qAndA": p.ai_q_and_a, "suggestedCategory": p.ai_suggested_category, "enrichedAt": p.ai_enriched_at,
        },
        "manual": manual_view(&p, extra.as_ref()),
        "variants": vars.iter().map(|v| json!({
            "id": v.id, "wooVariationId": v.woo_variation_id, "sku": v.sku, "price": v.price.map(|d| d.to_string()),
            "stockStatus": v.stock_status, "stockQuantity": v.stock_quantity, "attributes": v.attributes,
        })).collect::<Vec<_>>(),
        "feedItems": p.feed_data_json.clone().unwrap_or(json!([])),
        "isValid": p.is_valid,
        "validationIssues": p.validation_errors.clone().unwrap_or(json!([])),
        "syncHistory": events.iter().map(|e| json!({
            "topic": e.topic, "status": e.status, "receivedAt": e.received_at, "processedAt": e.processed_at, "error": e.error,
        })).collect::<Vec<_>>(),
        "lastSyncedAt": p.last_synced_at,
        "syncError": p.sync_error,
    }))
}

fn manual_view(p: &products::Model, extra: Option<&Value>) -> Value {
    json!({
        "manualTitle": p.manual_title, "manualDescription": p.manual_description, "manualCategory": p.manual_category,
        "manualKeywords": p.manual_keywords, "manualQAndA": p.manual_q_and_a, "fields": extra.cloned().unwrap_or(json!({})),
        "excluded": p.status == ProductStatus::Excluded, "editedAt": p.manual_edited_at,
    })
}

/// `PATCH /products/:pid`. A JSON `null` clears a value (falling back to AI, then store data);
/// an absent key leaves it unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductPatch {
    #[serde(default, with = "double_option")]
    pub manual_title: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub manual_description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub manual_category: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    pub manual_keywords: Option<Option<Vec<String>>>,
    #[serde(default, with = "double_option", rename = "manualQAndA")]
    pub manual_q_and_a: Option<Option<Vec<QAndA>>>,
    /// Other feed fields by canonical name (`brand`, `gtin`, `mpn`, `condition`, `material`, …); `null` clears one.
    pub fields: Option<Map<String, Value>>,
    pub feed_enable_search: Option<bool>,
    pub feed_enable_checkout: Option<bool>,
    /// Exclude from (or include back into) the feed.
    pub excluded: Option<bool>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QAndA {
    pub q: String,
    pub a: String,
}

mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// Fields the text overrides may not set through `fields` (they have their own keys or are computed).
const RESERVED: &[&str] = &["item_id", "title", "description", "product_category", "q_and_a", "price", "sale_price", "url", "availability", "seller_name", "seller_url", "group_id"];

fn max_len(field: &str) -> Option<usize> {
    productsynch_feed::validate::MAX_LENGTHS.iter().find(|(f, _)| *f == field).map(|(_, n)| *n)
}

fn check_len(errs: &mut Vec<FieldError>, api: &str, feed_field: &str, v: &str) {
    if v.trim().is_empty() {
        errs.push(FieldError::new(api, "empty", "Use null to clear a value."));
    }
    if let Some(n) = max_len(feed_field) {
        if v.chars().count() > n {
            errs.push(FieldError::new(api, "too_long", format!("At most {n} characters (feed limit).")));
        }
    }
}

/// Validates and applies a manual edit, recomputes the product's feed, returns the new detail.
pub async fn patch(app: &App, shop: &shops::Model, product_id: &str, patch: ProductPatch) -> Result<Value> {
    let p = get(app, shop, product_id).await?;
    let mut errs = Vec::new();
    if let Some(Some(t)) = &patch.manual_title {
        check_len(&mut errs, "manualTitle", "title", t);
    }
    if let Some(Some(d)) = &patch.manual_description {
        check_len(&mut errs, "manualDescription", "description", d);
    }
    if let Some(Some(c)) = &patch.manual_category {
        check_len(&mut errs, "manualCategory", "product_category", c);
    }
    if let Some(Some(k)) = &patch.manual_keywords {
        if k.len() > 30 || k.iter().any(|w| w.trim().is_empty() || w.chars().count() > 100) {
            errs.push(FieldError::new("manualKeywords", "invalid", "Up to 30 keywords of 1 to 100 characters."));
        }
    }
    if let Some(Some(qa)) = &patch.manual_q_and_a {
        if qa.len() > 20 || qa.iter().any(|x| x.q.trim().is_empty() || x.a.trim().is_empty() || x.q.len() > 500 || x.a.len() > 2000) {
            errs.push(FieldError::new("manualQAndA", "invalid", "Up to 20 pairs; questions ≤ 500 and answers ≤ 2000 characters, none empty."));
        }
    }
    let mut extra: Map<String, Value> = manual_extra(app, &p.id).await?.and_then(|v| v.as_object().cloned()).unwrap_or_default();
    if let Some(fields) = &patch.fields {
        for (k, v) in fields {
            let api = format!("fields.{k}");
            if RESERVED.contains(&k.as_str()) || !productsynch_feed::item::FIELD_NAMES.contains(&k.as_str()) {
                errs.push(FieldError::new(api, "unknown_field", "Not an overridable feed field."));
                continue;
            }
            if v.is_null() {
                extra.remove(k);
                continue;
            }
            let mut probe = productsynch_feed::FeedItem::default();
            match probe.set_json(k, v) {
                Ok(_) => {
                    if let (Some(n), Some(text)) = (max_len(k), probe.text(k)) {
                        if text.chars().count() > n {
                            errs.push(FieldError::new(api, "too_long", format!("At most {n} characters (feed limit).")));
                            continue;
                        }
                    }
                    extra.insert(k.clone(), v.clone());
                }
                Err(e) => errs.push(FieldError::new(api, "invalid_value", e.message)),
            }
        }
    }
    if !errs.is_empty() {
        return Err(Error::Validation(errs));
    }
    let now = Utc::now();
    let mut am = p.clone().into_active_model();
    if let Some(v) = patch.manual_title {
        am.manual_title = Set(v.map(|s| s.trim().to_owned()));
    }
    if let Some(v) = patch.manual_description {
        am.manual_description = Set(v.map(|s| s.trim().to_owned()));
    }
    if let Some(v) = patch.manual_category {
        am.manual_category = Set(v.map(|s| s.trim().to_owned()));
    }
    if let Some(v) = patch.manual_keywords {
        am.manual_keywords = Set(v.map(|k| json!(k)));
    }
    if let Some(v) = patch.manual_q_and_a {
        am.manual_q_and_a = Set(v.map(|qa| json!(qa)));
    }
    if let Some(b) = patch.feed_enable_search {
        am.feed_enable_search = Set(b);
    }
    if let Some(b) = patch.feed_enable_checkout {
        am.feed_enable_checkout = Set(b);
    }
    if let Some(x) = patch.excluded {
        am.status = Set(if x { ProductStatus::Excluded } else if p.is_valid { ProductStatus::Synced } else { ProductStatus::Error });
    }
    am.manual_edited_at = Set(Some(now));
    am.updated_at = Set(now);
    let updated = am.update(app.db()).await?;
    let has_override = updated.manual_title.is_some()
        || updated.manual_description.is_some()
        || updated.manual_category.is_some()
        || updated.manual_keywords.is_some()
        || updated.manual_q_and_a.is_some()
        || !extra.is_empty();
    let extra_v = Value::Object(extra.clone());
    product_manual_fields::Entity::delete_by_id(updated.id.clone()).exec(app.db()).await?;
    if !extra.is_empty() {
        product_manual_fields::ActiveModel {
            product_id: Set(updated.id.clone()),
            shop_id: Set(shop.id.clone()),
            fields: Set(extra_v.clone()),
            updated_at: Set(now),
        }
        .insert(app.db())
        .await?;
    }
    let mut am = updated.clone().into_active_model();
    am.manual_override = Set(has_override);
    let updated = am.update(app.db()).await?;
    recompute(app, shop, &updated, Some(&extra_v)).await?;
    // The hosted feed (and a push on the after-sync cadence) follows the edit; the generation job is
    // deduplicated per shop, so a burst of edits regenerates the snapshot once.
    crate::sync::engine::after_change(app, shop).await;
    detail(app, shop, product_id).await
}

async fn recompute(app: &App, shop: &shops::Model, p: &products::Model, extra: Option<&Value>) -> Result<products::Model> {
    let conn = crate::sync::engine::connection(app, &shop.id).await?;
    let fctx = FeedContext::new(shop, conn.as_ref());
    let vars = variants(app, &p.id).await?;
    let out = feed::recompute_stored(app.db(), &fctx, p, &vars, extra).await?;
    // Status follows validity unless excluded.
    if out.status != ProductStatus::Excluded {
        let s = if out.is_valid { ProductStatus::Synced } else { ProductStatus::Error };
        if s != out.status {
            let mut am = out.clone().into_active_model();
            am.status = Set(s);
            return Ok(am.update(app.db()).await?);
        }
    }
    Ok(out)
}

/// `GET /products/:pid/preview-feed`: the feed items and their issues.
pub async fn preview(app: &App, shop: &shops::Model, product_id: &str) -> Result<Value> {
    let p = get(app, shop, product_id).await?;
    Ok(json!({
        "productId": p.id,
        "items": p.feed_data_json.clone().unwrap_or(json!([])),
        "isValid": p.is_valid,
        "issues": p.validation_errors.clone().unwrap_or(json!([])),
        "excluded": p.status == ProductStatus::Excluded,
    }))
}

/// `POST /products/bulk`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkRequest {
    /// `include`, `exclude`, `enable_search`, `disable_search`, `enable_checkout`, `disable_checkout`, `reset_overrides`.
    pub action: String,
    /// Selected product ids; or `filter` for everything matching it.
    pub ids: Option<Vec<String>>,
    pub filter: Option<ProductQuery>,
}

/// The bulk actions.
pub const BULK_ACTIONS: &[&str] =
    &["include", "exclude", "enable_search", "disable_search", "enable_checkout", "disable_checkout", "reset_overrides"];

/// A bulk request matching more products than this runs as a background job (`products.bulk`,
/// answered `202 {jobId}`; progress at `GET /api/v1/jobs/:id`); up to this many are applied
/// inline (`200 {affected}`). Each product costs a feed recompute (~1-3 ms), so 500 keeps the
/// inline answer well under a second.
pub const BULK_INLINE_MAX: u64 = 500;

/// Job kind of a large bulk action.
pub const BULK_JOB: &str = "products.bulk";

/// Products handled per transaction (and per progress report) by a bulk action.
const BULK_PAGE: u64 = 200;

/// What `bulk` did: applied now, or queued as a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkOutcome {
    Done { action: String, matched: u64, affected: u64 },
    Queued { action: String, matched: u64, job_id: String },
}

/// Payload of [`BULK_JOB`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkJob {
    pub shop_id: String,
    pub request: BulkRequest,
}

fn bulk_condition(backend: DatabaseBackend, shop: &shops::Model, req: &BulkRequest) -> Result<Condition> {
    if !BULK_ACTIONS.contains(&req.action.as_str()) {
        return Err(Error::invalid("action", "invalid_value", &format!("Unknown action {:?}; one of {}.", req.action, BULK_ACTIONS.join(", "))));
    }
    let cond = match (&req.ids, &req.filter) {
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > 10_000 {
                return Err(Error::invalid("ids", "out_of_range", "Between 1 and 10000 ids."));
            }
            Condition::all().add(products::Column::Id.is_in(ids.clone()))
        }
        (None, Some(f)) => filter_condition(backend, &shop.id, f)?,
        _ => return Err(Error::invalid("ids", "required", "Give either ids or filter.")),
    };
    Ok(cond.add(products::Column::ShopId.eq(&shop.id)))
}

/// `POST /products/bulk`: validates the request, counts the products it matches, and applies it
/// now (≤ [`BULK_INLINE_MAX`]) or queues a [`BULK_JOB`] owned by the shop's owner.
pub async fn bulk(app: &App, shop: &shops::Model, req: BulkRequest) -> Result<BulkOutcome> {
    let cond = bulk_condition(app.db().get_database_backend(), shop, &req)?;
    let matched = products::Entity::find().filter(cond).count(app.db()).await?;
    if matched > BULK_INLINE_MAX {
        let job = crate::jobs::NewJob::new(
            crate::jobs::queues::PRODUCT_SYNC,
            BULK_JOB,
            BulkJob { shop_id: shop.id.clone(), request: req.clone() },
        )
        .for_user(shop.user_id.clone())
        .for_shop(shop.id.clone());
        let enq = app.jobs().enqueue(job).await?;
        tracing::info!(shop = %shop.id, action = %req.action, matched, job = %enq.id, "bulk action queued");
        return Ok(BulkOutcome::Queued { action: req.action, matched, job_id: enq.id });
    }
    let affected = run_bulk(app, shop, &req, None).await?;
    Ok(BulkOutcome::Done { action: req.action, matched, affected })
}

/// The `products.bulk` job: applies the request page by page, reporting progress. Every action is
/// idempotent, so a retried job simply runs again.
pub async fn bulk_handler(ctx: crate::jobs::JobContext) -> crate::jobs::JobResult {
    let job: BulkJob = ctx.payload()?;
    let shop = crate::sync::shop_by_id(&ctx.app, &job.shop_id).await?;
    let affected = run_bulk(&ctx.app, &shop, &job.request, Some(&ctx)).await?;
    Ok(Some(json!({"action": job.request.action, "affected": affected})))
}

/// Applies a bulk request over every matching product in keyset pages of [`BULK_PAGE`] (never the
/// whole selection in memory), one transaction per page; then queues the feed regeneration.
pub async fn run_bulk(app: &App, shop: &shops::Model, req: &BulkRequest, ctx: Option<&crate::jobs::JobContext>) -> Result<u64> {
    let cond = bulk_condition(app.db().get_database_backend(), shop, req)?;
    let total = match ctx {
        Some(_) => Some(products::Entity::find().filter(cond.clone()).count(app.db()).await?),
        None => None,
    };
    let conn = crate::sync::engine::connection(app, &shop.id).await?;
    let fctx = FeedContext::new(shop, conn.as_ref());
    let mut last = String::new();
    let mut affected = 0u64;
    if let Some(c) = ctx {
        let _ = c.progress(0, total, Some("products")).await;
    }
    loop {
        let ids: Vec<String> = products::Entity::find()
            .select_only()
            .column(products::Column::Id)
            .filter(cond.clone())
            .filter(products::Column::Id.gt(last.clone()))
            .order_by_asc(products::Column::Id)
            .limit(BULK_PAGE)
            .into_tuple()
            .all(app.db())
            .await?;
        let Some(l) = ids.last() else { break };
        last = l.clone();
        affected += bulk_page(app, shop, &fctx, &req.action, &ids).await?;
        if let Some(c) = ctx {
            if c.cancel.is_cancelled() {
                return Err(Error::Unavailable("worker shutting down; the bulk action runs again later".into()));
            }
            let _ = c.progress(affected, total.map(|t| std::cmp::Ord::max(t, affected)), Some("products")).await;
        }
        if (ids.len() as u64) < BULK_PAGE {
            break;
        }
    }
    if affected > 0 {
        crate::sync::engine::after_change(app, shop).await;
    }
    Ok(affected)
}

/// One page of a bulk action in one transaction: the change, then the feed recompute of each product.
async fn bulk_page(app: &App, shop: &shops::Model, fctx: &FeedContext, action: &str, ids: &[String]) -> Result<u64> {
    let rows = products::Entity::find()
        .filter(products::Column::ShopId.eq(&shop.id))
        .filter(products::Column::Id.is_in(ids.to_vec()))
        .all(app.db())
        .await?;
    let mut vars: std::collections::HashMap<String, Vec<product_variants::Model>> = std::collections::HashMap::new();
    for v in product_variants::Entity::find()
        .filter(product_variants::Column::ProductId.is_in(ids.to_vec()))
        .order_by_asc(product_variants::Column::WooVariationId)
        .all(app.db())
        .await?
    {
        vars.entry(v.product_id.clone()).or_default().push(v);
    }
    let mut extras: std::collections::HashMap<String, Value> = product_manual_fields::Entity::find()
        .filter(product_manual_fields::Column::ProductId.is_in(ids.to_vec()))
        .all(app.db())
        .await?
        .into_iter()
        .map(|m| (m.product_id, m.fields))
        .collect();
    let now = Utc::now();
    let txn = productsynch_db::begin_write(app.db()).await?;
    if action == "reset_overrides" {
        product_manual_fields::Entity::delete_many().filter(product_manual_fields::Column::ProductId.is_in(ids.to_vec())).exec(&txn).await?;
        extras.clear();
    }
    let mut n = 0u64;
    for p in rows {
        let mut am = p.clone().into_active_model();
        match action {
            "exclude" => am.status = Set(ProductStatus::Excluded),
            "include" => {
                if p.status == ProductStatus::Excluded {
                    am.status = Set(ProductStatus::Synced);
                }
            }
            "enable_search" | "disable_search" => am.feed_enable_search = Set(action == "enable_search"),
            "enable_checkout" | "disable_checkout" => am.feed_enable_checkout = Set(action == "enable_checkout"),
            "reset_overrides" => {
                am.manual_title = Set(None);
                am.manual_description = Set(None);
                am.manual_category = Set(None);
                am.manual_keywords = Set(None);
                am.manual_q_and_a = Set(None);
                am.manual_override = Set(false);
            }
            other => return Err(Error::invalid("action", "invalid_value", &format!("Unknown action {other:?}."))),
        }
        am.updated_at = Set(now);
        let p2 = am.update(&txn).await?;
        let out = feed::recompute_stored(&txn, fctx, &p2, vars.get(&p2.id).map(Vec::as_slice).unwrap_or(&[]), extras.get(&p2.id)).await?;
        // Status follows validity unless excluded.
        if out.status != ProductStatus::Excluded {
            let s = if out.is_valid { ProductStatus::Synced } else { ProductStatus::Error };
            if s != out.status {
                let mut am = out.into_active_model();
                am.status = Set(s);
                am.update(&txn).await?;
            }
        }
        n += 1;
    }
    txn.commit().await?;
    Ok(n)
}
