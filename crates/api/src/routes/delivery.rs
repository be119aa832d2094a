//! Delivery settings and pushes: `GET/PUT /shops/{id}/openai-config`,
//! `POST /shops/{id}/feed/rotate-token`, `POST /shops/{id}/sync/push`,
//! `GET /shops/{id}/feed/pushes`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use productsynch_core::delivery::{self, settings};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use validator::Validate;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::ownership::OwnedShop;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_config, put_config))
        .routes(routes!(rotate_token))
        .routes(routes!(push_now))
        .routes(routes!(pushes))
}

/// HTTPS push destination. `token` is write-only: leave it out to keep the stored one.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpsConfig {
    #[schema(example = "https://feeds.example.com/v1/products")]
    pub endpoint: String,
    pub token: Option<String>,
}

/// SFTP push destination. `password` / `privateKey` are write-only (empty string clears).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SftpConfig {
    pub host: String,
    pub port: Option<u16>,
    pub username: String,
    pub password: Option<String>,
    /// Unencrypted OpenSSH (or PEM) private key.
    pub private_key: Option<String>,
    /// Remote directory (default `.`).
    pub directory: Option<String>,
    /// Stable file name (default `products.jsonl.gz`).
    pub file_name: Option<String>,
    /// `SHA256:…`; when set, other host keys are refused.
    pub host_key_fingerprint: Option<String>,
}

#[derive(Deserialize, ToSchema, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenAiConfigInput {
    /// `hosted`, `sftp` or `https`.
    #[schema(example = "https")]
    pub method: String,
    pub enabled: Option<bool>,
    /// `daily` (default) or `after_sync`.
    pub cadence: Option<String>,
    pub https: Option<HttpsConfig>,
    pub sftp: Option<SftpConfig>,
}

/// The delivery settings with the last push and the next scheduled one.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenAiConfig {
    #[serde(flatten)]
    pub settings: delivery::DeliveryView,
    pub last_push: Option<delivery::PushView>,
    /// Next daily push (UTC) when the cadence is `daily`.
    pub next_scheduled_push: Option<DateTime<Utc>>,
}

async fn config_view(state: &AppState, v: delivery::DeliveryView, shop_id: &str) -> ApiResult<OpenAiConfig> {
    let last = delivery::push::last_push(&state.app, shop_id).await?;
    let next = (v.enabled && v.cadence == "daily").then(|| delivery::push::next_daily_push(Utc::now())).flatten();
    Ok(OpenAiConfig { settings: v, last_push: last, next_scheduled_push: next })
}

/// The shop's delivery settings (secrets are never returned, only whether they are set).
#[utoipa::path(get, path = "/shops/{id}/openai-config", tag = "delivery", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses(
        (status = 200, description = "Settings", body = OpenAiConfig),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_config(State(state): State<AppState>, shop: OwnedShop) -> ApiResult<Json<OpenAiConfig>> {
    let v = settings::view(&state.app, &shop.shop.id).await?;
    Ok(Json(config_view(&state, v, &shop.shop.id).await?))
}

/// Configures delivery: method (hosted URL, SFTP or HTTPS push), cadence and destination.
/// Secrets are encrypted at rest; omitted secrets keep their stored value.
#[utoipa::path(put, path = "/shops/{id}/openai-config", tag = "delivery", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    request_body = OpenAiConfigInput,
    responses(
        (status = 200, description = "Saved settings", body = OpenAiConfig),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json"),
    ))]
async fn put_config(
    State(state): State<AppState>,
    shop: OwnedShop,
    ApiJson(body): ApiJson<OpenAiConfigInput>,
) -> ApiResult<Json<OpenAiConfig>> {
    let input = delivery::DeliveryInput {
        method: body.method,
        enabled: body.enabled,
        cadence: body.cadence,
        https: body.https.map(|h| delivery::HttpsInput { endpoint: h.endpoint, token: h.token }),
        sftp: body.sftp.map(|s| delivery::SftpInput {
            host: s.host,
            port: s.port,
            username: s.username,
            password: s.password,
            private_key: s.private_key,
            directory: s.directory,
            file_name: s.file_name,
            host_key_fingerprint: s.host_key_fingerprint,
        }),
    };
    let v = settings::save(&state.app, &shop.shop.id, input).await?;
    Ok(Json(config_view(&state, v, &shop.shop.id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RotatedToken {
    pub hosted_url: String,
}

/// Replaces the hosted feed URL's token; the old URL answers 404 from now on.
#[utoipa::path(post, path = "/shops/{id}/feed/rotate-token", tag = "delivery", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses(
        (status = 200, description = "The new hosted URL", body = RotatedToken),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn rotate_token(State(state): State<AppState>, shop: OwnedShop) -> ApiResult<Json<RotatedToken>> {
    Ok(Json(RotatedToken { hosted_url: settings::rotate_token(&state.app, &shop.shop.id).await? }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PushAccepted {
    /// Follow it at `GET /api/v1/jobs/{jobId}`; attempts are listed at `GET /feed/pushes`.
    pub job_id: String,
    /// False when a push of this shop was already queued or running: that job is returned.
    pub created: bool,
}

/// Pushes the feed now: a fresh snapshot is generated and delivered by the configured method,
/// retried with backoff on failure.
#[utoipa::path(post, path = "/shops/{id}/sync/push", tag = "delivery", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses(
        (status = 202, description = "Push queued", body = PushAccepted),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn push_now(State(state): State<AppState>, shop: OwnedShop) -> ApiResult<(StatusCode, Json<PushAccepted>)> {
    let e = delivery::request_push(&state.app, &shop.shop.id, "manual", Some(shop.user.id())).await?;
    Ok((StatusCode::ACCEPTED, Json(PushAccepted { job_id: e.id, created: e.created })))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushesQuery {
    /// Pushes to list (1-200, default 50).
    #[validate(range(min = 1, max = 200))]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pushes {
    pub pushes: Vec<delivery::PushView>,
}

/// Push history (one row per attempt), newest first.
#[utoipa::path(get, path = "/shops/{id}/feed/pushes", tag = "delivery", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), PushesQuery),
    responses(
        (status = 200, description = "Pushes", body = Pushes),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn pushes(State(state): State<AppState>, shop: OwnedShop, ApiQuery(q): ApiQuery<PushesQuery>) -> ApiResult<Json<Pushes>> {
    let list = delivery::push::history(&state.app, &shop.shop.id, q.limit.unwrap_or(50)).await?;
    Ok(Json(Pushes { pushes: list }))
}
