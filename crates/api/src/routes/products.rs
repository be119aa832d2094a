//! `/api/v1/shops/{id}/products*`: list, detail, manual edits, feed preview, bulk actions.

use axum::Json;
use crate::routes::shops::RawBody;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use productsynch_core::products::{self, BulkOutcome, BulkRequest, ProductPage, ProductPatch, ProductQuery, ProductSummary, QAndA};
use serde::Serialize;
use utoipa::ToSchema;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiPath, parse_json};
use crate::ownership::OwnedShop;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products))
        .routes(routes!(get_product, patch_product))
        .routes(routes!(preview_product))
        .routes(routes!(bulk_products))
}

#[derive(Debug, serde::Deserialize)]
struct ProductPath {
    #[allow(dead_code)]
    id: String,
    pid: String,
}

// The detail and preview answers are built as JSON by productsynch-core (`products::detail`,
// `products::preview`); the structs below only describe them in the OpenAPI document (never
// constructed). The API tests check real answers against these schemas.

/// `GET /products/{pid}`: everything about one product.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ProductDetail {
    pub product: ProductSummary,
    pub woo: WooProductData,
    pub ai: AiProductData,
    pub manual: ManualProductData,
    pub variants: Vec<ProductVariant>,
    /// The product's feed items (OpenAI field names), one per variant or one for a simple product.
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    pub feed_items: Vec<Value>,
    pub is_valid: bool,
    /// `[{field, severity, message, …}]` from the feed validator.
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    pub validation_issues: Vec<Value>,
    /// The newest webhook events of this product (at most 20).
    pub sync_history: Vec<ProductSyncEvent>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_error: Option<String>,
}

/// The store's data of a product (prices as decimal strings; categories, images and attributes as
/// WooCommerce sent them).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct WooProductData {
    pub id: i64,
    /// `simple`, `variable`, …
    #[serde(rename = "type")]
    pub product_type: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub short_description: Option<String>,
    pub sku: Option<String>,
    pub price: Option<String>,
    pub regular_price: Option<String>,
    pub sale_price: Option<String>,
    pub stock_status: Option<String>,
    pub stock_quantity: Option<i32>,
    #[schema(value_type = Option<Vec<std::collections::HashMap<String, serde_json::Value>>>)]
    pub categories: Option<Value>,
    #[schema(value_type = Option<Vec<std::collections::HashMap<String, serde_json::Value>>>)]
    pub images: Option<Value>,
    #[schema(value_type = Option<Vec<std::collections::HashMap<String, serde_json::Value>>>)]
    pub attributes: Option<Value>,
    pub permalink: Option<String>,
    pub modified_at: Option<DateTime<Utc>>,
}

/// AI enrichment of a product.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AiProductData {
    pub enriched: bool,
    pub title: Option<String>,
    pub description: Option<String>,
    pub keywords: Option<Vec<String>>,
    pub q_and_a: Option<Vec<QAndA>>,
    pub suggested_category: Option<String>,
    pub enriched_at: Option<DateTime<Utc>>,
}

/// The merchant's manual overrides.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ManualProductData {
    pub manual_title: Option<String>,
    pub manual_description: Option<String>,
    pub manual_category: Option<String>,
    pub manual_keywords: Option<Vec<String>>,
    #[serde(rename = "manualQAndA")]
    pub manual_q_and_a: Option<Vec<QAndA>>,
    /// Other overridden feed fields by canonical name (`brand`, `gtin`, …).
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub fields: Value,
    pub excluded: bool,
    pub edited_at: Option<DateTime<Utc>>,
}

/// A variation of a variable product.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ProductVariant {
    pub id: String,
    pub woo_variation_id: i64,
    pub sku: Option<String>,
    pub price: Option<String>,
    pub stock_status: Option<String>,
    pub stock_quantity: Option<i32>,
    /// As WooCommerce sent them (`[{name, option}]`).
    #[schema(value_type = Option<Vec<std::collections::HashMap<String, serde_json::Value>>>)]
    pub attributes: Option<Value>,
}

/// A webhook event about the product.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ProductSyncEvent {
    /// `product.updated`, …
    pub topic: String,
    pub status: String,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

/// `GET /products/{pid}/preview-feed`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ProductFeedPreview {
    pub product_id: String,
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    pub items: Vec<Value>,
    pub is_valid: bool,
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    pub issues: Vec<Value>,
    pub excluded: bool,
}

/// Products with pagination (`page`, `limit` ≤ 200), search (title/SKU), filters and sort.
#[utoipa::path(get, path = "/shops/{id}/products", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"),
        ("page" = Option<u64>, Query), ("limit" = Option<u64>, Query), ("search" = Option<String>, Query),
        ("status" = Option<String>, Query), ("syncStatus" = Option<String>, Query), ("availability" = Option<String>, Query),
        ("aiEnriched" = Option<bool>, Query), ("valid" = Option<bool>, Query), ("hasOverrides" = Option<bool>, Query),
        ("category" = Option<String>, Query), ("sort" = Option<String>, Query, description = "title, price, updatedAt, createdAt, wooProductId, lastSyncedAt; prefix - for descending")),
    responses((status = 200, description = "A page of products", body = ProductPage),
        (status = 422, description = "Bad query", body = Problem, content_type = "application/problem+json")))]
async fn list_products(
    State(state): State<AppState>,
    s: OwnedShop,
    q: Result<Query<ProductQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ProductPage>> {
    let Query(q) = q.map_err(|e| ApiError::validation("query", "invalid", e.body_text()))?;
    Ok(Json(products::list(&state.app, &s.shop, &q).await?))
}

/// WooCommerce data, AI data, manual overrides, variants, feed items, validation issues, history.
#[utoipa::path(get, path = "/shops/{id}/products/{pid}", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("pid" = String, Path, description = "Product id")),
    responses((status = 200, description = "The product", body = ProductDetail),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")))]
async fn get_product(State(state): State<AppState>, s: OwnedShop, ApiPath(ProductPath { pid, .. }): ApiPath<ProductPath>) -> ApiResult<Json<Value>> {
    Ok(Json(products::detail(&state.app, &s.shop, &pid).await?))
}

/// Manual edits (validated against feed limits); `null` clears a value (falls back to AI, then store).
#[utoipa::path(patch, path = "/shops/{id}/products/{pid}", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("pid" = String, Path, description = "Product id")),
    responses((status = 200, description = "The product with its new feed preview", body = ProductDetail),
        (status = 422, description = "Invalid edit", body = Problem, content_type = "application/problem+json")))]
async fn patch_product(State(state): State<AppState>, s: OwnedShop, ApiPath(ProductPath { pid, .. }): ApiPath<ProductPath>, RawBody(body): RawBody) -> ApiResult<Json<Value>> {
    let patch: ProductPatch = parse_json(&body)?;
    Ok(Json(products::patch(&state.app, &s.shop, &pid, patch).await?))
}

/// The product's feed items and issues.
#[utoipa::path(get, path = "/shops/{id}/products/{pid}/preview-feed", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("pid" = String, Path, description = "Product id")),
    responses((status = 200, description = "The feed items and issues", body = ProductFeedPreview)))]
async fn preview_product(State(state): State<AppState>, s: OwnedShop, ApiPath(ProductPath { pid, .. }): ApiPath<ProductPath>) -> ApiResult<Json<Value>> {
    Ok(Json(products::preview(&state.app, &s.shop, &pid).await?))
}

/// `POST /products/bulk` body.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct BulkBody {
    /// `include`, `exclude`, `enable_search`, `disable_search`, `enable_checkout`, `disable_checkout` or `reset_overrides`.
    #[schema(example = "exclude")]
    pub action: String,
    /// Selected product ids (1 to 10,000); or `filter`.
    pub ids: Option<Vec<String>>,
    /// Everything matching these `GET /products` filters (`search`, `status`, `syncStatus`, `availability`,
    /// `aiEnriched`, `valid`, `hasOverrides`, `category`).
    #[schema(value_type = Option<Object>)]
    pub filter: Option<Value>,
}

/// What a bulk action did (200) or queued (202).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    pub action: String,
    /// Products matching `ids` / `filter` when the request arrived.
    pub matched: u64,
    /// Products changed (inline runs only).
    pub affected: Option<u64>,
    /// The background job (when more than `BULK_INLINE_MAX` = 500 products match); follow it at `GET /jobs/{jobId}`.
    pub job_id: Option<String>,
}

/// Bulk include/exclude, search/checkout flags, reset overrides — over `ids` or a `filter`.
/// Up to 500 matching products are changed at once (200); more run as a job (202 with `jobId`,
/// progress at `GET /jobs/{jobId}`).
#[utoipa::path(post, path = "/shops/{id}/products/bulk", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    request_body = BulkBody,
    responses((status = 200, description = "Applied now", body = BulkResult),
        (status = 202, description = "Queued as a job (more than 500 products match)", body = BulkResult),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json")))]
async fn bulk_products(State(state): State<AppState>, s: OwnedShop, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<BulkResult>)> {
    let req: BulkRequest = parse_json(&body)?;
    Ok(match products::bulk(&state.app, &s.shop, req).await? {
        BulkOutcome::Done { action, matched, affected } => {
            (StatusCode::OK, Json(BulkResult { action, matched, affected: Some(affected), job_id: None }))
        }
        BulkOutcome::Queued { action, matched, job_id } => {
            (StatusCode::ACCEPTED, Json(BulkResult { action, matched, affected: None, job_id: Some(job_id) }))
        }
    })
}
