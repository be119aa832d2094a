//! `/api/v1/shops/{id}/products*`: list, detail, manual edits, feed preview, bulk actions.

use axum::Json;
use crate::routes::shops::RawBody;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use productsynch_core::products::{self, BulkOutcome, BulkRequest, ProductPatch, ProductQuery};
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

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Products with pagination (`page`, `limit` ≤ 200), search (title/SKU), filters and sort.
#[utoipa::path(get, path = "/shops/{id}/products", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"),
        ("page" = Option<u64>, Query), ("limit" = Option<u64>, Query), ("search" = Option<String>, Query),
        ("status" = Option<String>, Query), ("syncStatus" = Option<String>, Query), ("availability" = Option<String>, Query),
        ("aiEnriched" = Option<bool>, Query), ("valid" = Option<bool>, Query), ("hasOverrides" = Option<bool>, Query),
        ("category" = Option<String>, Query), ("sort" = Option<String>, Query, description = "title, price, updatedAt, createdAt, wooProductId, lastSyncedAt; prefix - for descending")),
    responses((status = 200, description = "`{products, pagination}`"),
        (status = 422, description = "Bad query", body = Problem, content_type = "application/problem+json")))]
async fn list_products(
    State(state): State<AppState>,
    s: OwnedShop,
    q: Result<Query<ProductQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(|e| ApiError::validation("query", "invalid", e.body_text()))?;
    Ok(Json(to_json(&products::list(&state.app, &s.shop, &q).await?)))
}

/// WooCommerce data, AI data, manual overrides, variants, feed items, validation issues, history.
#[utoipa::path(get, path = "/shops/{id}/products/{pid}", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("pid" = String, Path, description = "Product id")),
    responses((status = 200, description = "The product"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json")))]
async fn get_product(State(state): State<AppState>, s: OwnedShop, ApiPath(ProductPath { pid, .. }): ApiPath<ProductPath>) -> ApiResult<Json<Value>> {
    Ok(Json(products::detail(&state.app, &s.shop, &pid).await?))
}

/// Manual edits (validated against feed limits); `null` clears a value (falls back to AI, then store).
#[utoipa::path(patch, path = "/shops/{id}/products/{pid}", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("pid" = String, Path, description = "Product id")),
    responses((status = 200, description = "The product with its new feed preview"),
        (status = 422, description = "Invalid edit", body = Problem, content_type = "application/problem+json")))]
async fn patch_product(State(state): State<AppState>, s: OwnedShop, ApiPath(ProductPath { pid, .. }): ApiPath<ProductPath>, RawBody(body): RawBody) -> ApiResult<Json<Value>> {
    let patch: ProductPatch = parse_json(&body)?;
    Ok(Json(products::patch(&state.app, &s.shop, &pid, patch).await?))
}

/// The product's feed items and issues.
#[utoipa::path(get, path = "/shops/{id}/products/{pid}/preview-feed", tag = "products", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), ("pid" = String, Path, description = "Product id")),
    responses((status = 200, description = "`{items, isValid, issues}`")))]
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
