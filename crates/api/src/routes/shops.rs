//! `/api/v1/shops*`: connect a WooCommerce store (wc-auth or keys by hand), read, update,
//! verify and disconnect it. Business logic lives in `productsynch_core::shops`.

use axum::Json;
use axum::extract::{FromRequest, Path, State};
use axum::http::StatusCode;
use productsynch_core::shops::{self, ConnectStart, ShopPatch, ShopView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::parse_json;
use crate::ownership::OwnedShop;
use crate::state::AppState;

/// The raw request body (for bodies parsed by the service layer or verified byte for byte).
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for RawBody {
    type Rejection = crate::error::ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        <axum::body::Bytes as FromRequest<S>>::from_request(req, state).await.map(RawBody).map_err(|rej| {
            if rej.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                crate::error::ApiError::PayloadTooLarge
            } else {
                crate::error::ApiError::BadRequest { detail: rej.body_text(), errors: vec![] }
            }
        })
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_shops, create_shop))
        .routes(routes!(get_shop, patch_shop, delete_shop))
        .routes(routes!(oauth_callback))
        .routes(routes!(verify_shop))
}

/// `POST /shops` body: `storeUrl` alone starts wc-auth; with `consumerKey` + `consumerSecret` the keys are used directly.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateShop {
    #[schema(example = "https://mystore.example.com")]
    pub store_url: String,
    pub consumer_key: Option<String>,
    pub consumer_secret: Option<String>,
    /// Path of the app to return to after approval (default `/shops/{id}?connected=1`).
    pub return_path: Option<String>,
}

/// `GET /shops`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopList {
    pub shops: Vec<ShopView>,
}

/// `POST /shops` with keys: the shop, connected.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShopConnected {
    pub shop_id: String,
    pub shop: ShopView,
}

/// `POST /shops`: `{authUrl, shopId}` (wc-auth started) or `{shopId, shop}` (keys given).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CreateShopResult {
    Started(ConnectStart),
    Connected(ShopConnected),
}

/// `POST /shops/{id}/oauth/callback`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OauthCallbackResult {
    pub ok: bool,
    pub shop_id: String,
}

/// `POST /shops/{id}/verify`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShopVerified {
    /// Whether the store accepted the stored keys now.
    pub connected: bool,
    pub shop: ShopView,
}

/// The user's shops.
#[utoipa::path(get, path = "/shops", tag = "shops", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The user's shops, newest first", body = ShopList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")))]
async fn list_shops(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<ShopList>> {
    Ok(Json(ShopList { shops: shops::list(&state.app, user.id()).await? }))
}

/// Starts connecting a store: `{authUrl, shopId}` for wc-auth, or — with keys — the connected shop.
#[utoipa::path(post, path = "/shops", tag = "shops", request_body = CreateShop, security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "`{authUrl, shopId}` (wc-auth) or `{shopId, shop}` (keys given)", body = CreateShopResult),
        (status = 422, description = "Not a reachable WooCommerce store, private address, bad keys", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_shop(State(state): State<AppState>, user: AuthUser, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<CreateShopResult>)> {
    let req: CreateShop = parse_json(&body)?;
    if let Some(p) = &req.return_path {
        if !p.starts_with('/') || p.starts_with("//") || p.len() > 500 {
            return Err(ApiError::validation("returnPath", "invalid", "A path of this app, starting with /."));
        }
    }
    match (&req.consumer_key, &req.consumer_secret) {
        (None, None) => {
            let start = shops::start_connect(&state.app, user.id(), &req.store_url, req.return_path.as_deref()).await?;
            Ok((StatusCode::CREATED, Json(CreateShopResult::Started(start))))
        }
        (ck, cs) => {
            let shop = shops::connect_with_keys(
                &state.app,
                user.id(),
                &req.store_url,
                ck.as_deref().unwrap_or_default(),
                cs.as_deref().unwrap_or_default(),
            )
            .await?;
            Ok((StatusCode::CREATED, Json(CreateShopResult::Connected(ShopConnected { shop_id: shop.id.clone(), shop }))))
        }
    }
}

/// A shop (never its secrets).
#[utoipa::path(get, path = "/shops/{id}", tag = "shops", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 200, description = "The shop", body = ShopView),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json")))]
async fn get_shop(State(state): State<AppState>, s: OwnedShop) -> ApiResult<Json<ShopView>> {
    Ok(Json(shops::shop_view(&state.app, s.shop).await?))
}

/// Update shop name, sync on/off, seller settings and feed settings (validated).
#[utoipa::path(patch, path = "/shops/{id}", tag = "shops", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 200, description = "The updated shop", body = ShopView),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json")))]
async fn patch_shop(State(state): State<AppState>, s: OwnedShop, RawBody(body): RawBody) -> ApiResult<Json<ShopView>> {
    let patch: ShopPatch = parse_json(&body)?;
    Ok(Json(shops::update(&state.app, s.shop, patch).await?))
}

/// Disconnect: removes our webhooks from the store, deletes the keys and the shop's data.
#[utoipa::path(delete, path = "/shops/{id}", tag = "shops", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 204, description = "Disconnected"),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json")))]
async fn delete_shop(State(state): State<AppState>, s: OwnedShop) -> ApiResult<StatusCode> {
    shops::disconnect(&state.app, s.shop).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// wc-auth callback, called by the store with the new keys. The `user_id` must carry the shop id and
/// the pending single-use nonce. Answers 200 so WooCommerce redirects the merchant back.
#[utoipa::path(post, path = "/shops/{id}/oauth/callback", tag = "shops",
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 200, description = "Keys stored, webhooks registered, full sync queued", body = OauthCallbackResult),
        (status = 401, description = "Not an authorization we started (or already used)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The keys do not work", body = Problem, content_type = "application/problem+json")))]
async fn oauth_callback(State(state): State<AppState>, Path(id): Path<String>, RawBody(body): RawBody) -> ApiResult<Json<OauthCallbackResult>> {
    let shop = shops::complete_wc_auth(&state.app, &id, &body).await?;
    Ok(Json(OauthCallbackResult { ok: true, shop_id: shop.id }))
}

/// Check the stored keys against the store now.
#[utoipa::path(post, path = "/shops/{id}/verify", tag = "shops", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses((status = 200, description = "Whether the keys work now, and the shop", body = ShopVerified),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json")))]
async fn verify_shop(State(state): State<AppState>, s: OwnedShop) -> ApiResult<Json<ShopVerified>> {
    let ok = shops::check_connection(&state.app, &s.shop).await?;
    let shop = shops::get_owned(&state.app, s.user.id(), &s.shop.id).await?;
    Ok(Json(ShopVerified { connected: ok, shop: shops::shop_view(&state.app, shop).await? }))
}
