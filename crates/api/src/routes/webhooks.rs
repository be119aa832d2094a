//! `POST /api/v1/webhooks/woocommerce/{shopId}`: WooCommerce webhook receiver. The raw body is
//! verified (HMAC) before anything is parsed; the event is stored and queued before the 2xx.

use axum::Json;
use crate::routes::shops::RawBody;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use productsynch_core::sync::webhooks::{self, Received};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, Problem};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(woocommerce_webhook))
}

/// Receives a WooCommerce delivery (or its creation ping).
#[utoipa::path(post, path = "/webhooks/woocommerce/{shopId}", tag = "webhooks",
    params(("shopId" = String, Path, description = "Shop id")),
    responses((status = 200, description = "Ping answered, duplicate ignored"),
        (status = 202, description = "Stored and queued"),
        (status = 401, description = "Bad or missing signature", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown shop", body = Problem, content_type = "application/problem+json")))]
async fn woocommerce_webhook(State(state): State<AppState>, Path(shop_id): Path<String>, headers: HeaderMap, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<Value>)> {
    Ok(match webhooks::receive(&state.app, &shop_id, &headers, &body).await? {
        Received::Ping => (StatusCode::OK, Json(json!({"status": "ping"}))),
        Received::Duplicate => (StatusCode::OK, Json(json!({"status": "duplicate"}))),
        Received::Ignored => (StatusCode::OK, Json(json!({"status": "ignored"}))),
        Received::Stored { event_id } => (StatusCode::ACCEPTED, Json(json!({"status": "queued", "eventId": event_id}))),
    })
}
