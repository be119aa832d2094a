//! Store connection (spec §6.1): `wc-auth` authorization with a single-use nonce, keys entered by
//! hand, key verification, store settings, webhook registration, seller settings, disconnect and
//! the hourly health check.

use chrono::{Duration, Utc};
use productsynch_db::entities::{SyncStatus, SyncType, shops};
use productsynch_db::ids;
use productsynch_woo::model::WebhookStatus;
use productsynch_woo::wcauth::{self, AuthorizeRequest, Scope};
use productsynch_woo::webhooks::{NewWebhook, TOPICS};
use productsynch_woo::Client;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

use crate::App;
use crate::error::{Error, FieldError, Result};
use crate::products::feed::FeedSettings;
use crate::sync::client::{client_config, woo_error};
use crate::sync::entities::shop_connections;

/// How long a started wc-auth authorization stays valid.
pub const CONNECT_TTL_MINUTES: i64 = 60;

/// A shop as the API shows it (never any secret).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Shop))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopView {
    pub id: String,
    pub store_url: String,
    pub shop_name: String,
    pub currency: String,
    pub is_connected: bool,
    pub connection_error: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::SyncState))]
    pub sync_status: SyncStatus,
    pub sync_enabled: bool,
    pub last_sync_at: Option<chrono::DateTime<Utc>>,
    pub last_health_check_at: Option<chrono::DateTime<Utc>>,
    pub consumer_key_hint: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>))]
    pub store_settings: Option<Value>,
    pub webhooks: Vec<u64>,
    pub seller: SellerSettings,
    pub feed: FeedSettings,
    pub created_at: chrono::DateTime<Utc>,
}

/// Seller settings (the `shops` columns).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SellerSettings {
    pub seller_name: Option<String>,
    pub seller_url: Option<String>,
    pub privacy_policy: Option<String>,
    pub terms_of_service: Option<String>,
    pub return_policy: Option<String>,
    pub return_window: Option<i32>,
}

fn view(s: shops::Model, c: Option<shop_connections::Model>) -> ShopView {
    let hint = (!s.woo_consumer_key.is_empty()).then(|| format!("…{}", &s.woo_consumer_key[s.woo_consumer_key.len().saturating_sub(4)..]));
    ShopView {
        seller: SellerSettings {
            seller_name: s.seller_name.clone(),
            seller_url: s.seller_url.clone(),
            privacy_policy: s.seller_privacy_policy.clone(),
            terms_of_service: s.seller_tos.clone(),
            return_policy: s.return_policy.clone(),
            return_window: s.return_window,
        },
        feed: c.as_ref().and_then(|c| c.feed_settings.clone()).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default(),
        store_settings: c.as_ref().and_then(|c| c.store_settings.clone()),
        webhooks: c.as_ref().and_then(|c| c.webhook_ids.clone()).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default(),
        id: s.id,
        store_url: s.woo_store_url,
        shop_name: s.shop_name,
        currency: s.shop_currency,
        is_connected: s.is_connected,
        connection_error: s.connection_error,
        sync_status: s.sync_status,
        sync_enabled: s.sync_enabled,
        last_sync_at: s.last_sync_at,
        last_health_check_at: s.last_health_check_at,
        consumer_key_hint: hint,
        created_at: s.created_at,
    }
}

/// The shop with its connection row, as the API shows it.
pub async fn shop_view(app: &App, shop: shops::Model) -> Result<ShopView> {
    let c = crate::sync::engine::connection(app, &shop.id).await?;
    Ok(view(shop, c))
}

/// Shops of a user, newest first.
pub async fn list(app: &App, user_id: &str) -> Result<Vec<ShopView>> {
    let rows = shops::Entity::find()
        .filter(shops::Column::UserId.eq(user_id))
        .order_by_desc(shops::Column::CreatedAt)
        .all(app.db())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        out.push(shop_view(app, s).await?);
    }
    Ok(out)
}

/// A user's shop (404 for someone else's).
pub async fn get_owned(app: &App, user_id: &str, shop_id: &str) -> Result<shops::Model> {
    shops::Entity::find_by_id(shop_id.to_owned())
        .filter(shops::Column::UserId.eq(user_id))
        .one(app.db())
        .await?
        .ok_or(Error::NotFound("shop"))
}

fn invalid_url(msg: &str) -> Error {
    Error::invalid("storeUrl", "invalid_url", msg)
}

/// Normalises a store URL: scheme (https when absent), no query/fragment, no trailing slash.
pub fn normalize_store_url(input: &str) -> Result<Url> {
    let t = input.trim();
    if t.is_empty() {
        return Err(Error::invalid("storeUrl", "required", "Enter your store's address."));
    }
    if t.len() > 2048 {
        return Err(invalid_url("The address is too long."));
    }
    let with_scheme = if t.contains("://") { t.to_owned() } else { format!("https://{t}") };
    let mut u = Url::parse(&with_scheme).map_err(|e| invalid_url(&format!("Not a valid address: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(invalid_url("Only http:// and https:// addresses are supported."));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(invalid_url("The address has no host name."));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(invalid_url("Addresses with credentials are not accepted."));
    }
    u.set_query(None);
    u.set_fragment(None);
    let path = u.path().trim_end_matches('/').to_owned();
    u.set_path(&path);
    Ok(u)
}

/// Refuses private, loopback, link-local (and the other ranges of [`crate::net`]) store
/// addresses unless `ALLOW_PRIVATE_NETWORK`: the host is resolved and every address checked.
async fn check_public(app: &App, url: &Url) -> Result<()> {
    crate::net::check_url(url.as_str(), "storeUrl", app.config().allow_private_network).await.map(|_| ())
}

/// `GET /wp-json/` (or `?rest_route=/`) of the store: is it WooCommerce (`wc/v3`)? Returns (site name, pretty permalinks).
/// The HTTP client is guarded ([`crate::net::guard_builder`]) unless `allow_private`: private DNS
/// answers are refused at connect time and each redirect hop (at most 5) is re-checked.
pub async fn probe_store(url: &Url, allow_private: bool) -> Result<(String, bool)> {
    let builder = reqwest::Client::builder()
        .timeout(crate::sync::tuning().timeout.min(std::time::Duration::from_secs(20)))
        .user_agent("ProductSynch (+woocommerce-connector)");
    let http = crate::net::guard_builder(builder, allow_private)
        .build()
        .map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
    let base = url.as_str().trim_end_matches('/').to_owned();
    let mut reached = false;
    for (candidate, pretty) in [(format!("{base}/wp-json/"), true), (format!("{base}/?rest_route=/"), false)] {
        let Ok(r) = http.get(&candidate).send().await else { continue };
        reached = true;
        if !r.status().is_success() {
            continue;
        }
        let Ok(bytes) = r.bytes().await else { continue };
        let Ok(v) = serde_json::from_slice::<Value>(productsynch_woo::client::strip_php_noise(&bytes)) else { continue };
        let namespaces: Vec<&str> = v.get("namespaces").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        if namespaces.contains(&"wc/v3") {
            let name = v.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            return Ok((name, pretty));
        }
        return Err(Error::invalid("storeUrl", "not_woocommerce", "WordPress answers, but WooCommerce's REST API (wc/v3) is not active."));
    }
    if reached {
        Err(Error::invalid("storeUrl", "not_woocommerce", "This site does not look like a WordPress store with the REST API."))
    } else {
        Err(Error::invalid("storeUrl", "unreachable", "The store could not be reached."))
    }
}

async fn find_or_create(app: &App, user_id: &str, url: &Url, name: &str) -> Result<shops::Model> {
    let url_s = url.as_str().trim_end_matches('/').to_owned();
    if let Some(s) = shops::Entity::find()
        .filter(shops::Column::UserId.eq(user_id))
        .filter(shops::Column::WooStoreUrl.eq(&url_s))
        .one(app.db())
        .await?
    {
        return Ok(s);
    }
    let now = Utc::now();
    let host = url.host_str().unwrap_or("store").to_owned();
    let shop = shops::ActiveModel {
        id: Set(ids::new_id(ids::SHOP)),
        user_id: Set(user_id.to_owned()),
        woo_store_url: Set(url_s),
        woo_consumer_key: Set(String::new()),
        woo_consumer_secret: Set(String::new()),
        woo_webhook_secret: Set(None),
        shop_name: Set(if name.trim().is_empty() { host } else { name.trim().to_owned() }),
        shop_currency: Set("USD".into()),
        is_connected: Set(false),
        last_sync_at: Set(None),
        sync_status: Set(SyncStatus::Pending),
        sync_enabled: Set(true),
        last_health_check_at: Set(None),
        connection_error: Set(None),
        openai_merchant_id: Set(None),
        openai_endpoint: Set(None),
        openai_token: Set(None),
        openai_enabled: Set(false),
        seller_name: Set(None),
        seller_url: Set(None),
        seller_privacy_policy: Set(None),
        seller_tos: Set(None),
        return_policy: Set(None),
        return_window: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db())
    .await?;
    shop_connections::ActiveModel { shop_id: Set(shop.id.clone()), updated_at: Set(now), ..Default::default() }
        .insert(app.db())
        .await?;
    Ok(shop)
}

/// The answer of `POST /shops`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectStart {
    pub auth_url: String,
    pub shop_id: String,
}

/// Starts a connection: checks the store, creates (or reuses) the shop, and builds the wc-auth URL
/// whose `user_id` carries the shop id and a fresh single-use nonce.
pub async fn start_connect(app: &App, user_id: &str, store_url: &str, return_path: Option<&str>) -> Result<ConnectStart> {
    let url = normalize_store_url(store_url)?;
    check_public(app, &url).await?;
    let (name, pretty) = probe_store(&url, app.config().allow_private_network).await?;
    let shop = find_or_create(app, user_id, &url, &name).await?;
    let nonce = crate::crypto::random_token(24);
    let now = Utc::now();
    upsert_connection(app, &shop.id, |c| {
        c.connect_nonce = Set(Some(nonce.clone()));
        c.connect_started_at = Set(Some(now));
    })
    .await?;
    let req = AuthorizeRequest {
        app_name: "ProductSynch".into(),
        scope: Scope::ReadWrite,
        user_id: format!("{}:{}", shop.id, nonce),
        return_url: app.config().public_link(return_path.unwrap_or(&format!("/shops/{}?connected=1", shop.id))),
        callback_url: app.config().public_link(&format!("/api/v1/shops/{}/oauth/callback", shop.id)),
    };
    let allow_http = !app.config().app_env.is_production() || app.config().allow_private_network;
    let auth_url = wcauth::authorize_url(shop.woo_store_url.as_str(), &req, pretty, allow_http)
        .map_err(|e| Error::invalid("storeUrl", "invalid_url", &e.to_string()))?;
    tracing::info!(shop = %shop.id, "wc-auth started");
    Ok(ConnectStart { auth_url: auth_url.to_string(), shop_id: shop.id })
}

async fn upsert_connection(app: &App, shop_id: &str, f: impl FnOnce(&mut shop_connections::ActiveModel)) -> Result<()> {
    let existing = shop_connections::Entity::find_by_id(shop_id.to_owned()).one(app.db()).await?;
    let mut am = match &existing {
        Some(c) => c.clone().into_active_model(),
        None => shop_connections::ActiveModel { shop_id: Set(shop_id.to_owned()), ..Default::default() },
    };
    f(&mut am);
    am.updated_at = Set(Utc::now());
    if existing.is_some() {
        am.update(app.db()).await?;
    } else {
        am.insert(app.db()).await?;
    }
    Ok(())
}

/// The wc-auth callback (`POST /shops/:id/oauth/callback`, called by the store): the body must carry the
/// `user_id` we issued (shop id + pending nonce); the nonce is consumed first, so a replay fails.
pub async fn complete_wc_auth(app: &App, shop_id: &str, body: &[u8]) -> Result<ShopView> {
    let shop = crate::sync::shop_by_id(app, shop_id).await.map_err(|_| Error::Unauthorized("invalid_callback"))?;
    let conn = crate::sync::engine::connection(app, &shop.id).await?.ok_or(Error::Unauthorized("invalid_callback"))?;
    let (Some(nonce), Some(started)) = (conn.connect_nonce.clone(), conn.connect_started_at) else {
        return Err(Error::Unauthorized("invalid_callback"));
    };
    if Utc::now() - started > Duration::minutes(CONNECT_TTL_MINUTES) {
        return Err(Error::Unauthorized("token_expired"));
    }
    let expected = format!("{}:{}", shop.id, nonce);
    let keys = wcauth::parse_callback(body, &expected, Scope::ReadWrite).map_err(|e| {
        tracing::warn!(shop = %shop.id, error = %e, "wc-auth callback rejected");
        Error::Unauthorized("invalid_callback")
    })?;
    // Consume the nonce (only if it is still the one we checked).
    let consumed = shop_connections::Entity::update_many()
        .col_expr(shop_connections::Column::ConnectNonce, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .filter(shop_connections::Column::ShopId.eq(&shop.id))
        .filter(shop_connections::Column::ConnectNonce.eq(&nonce))
        .exec(app.db())
        .await?
        .rows_affected;
    if consumed != 1 {
        return Err(Error::Unauthorized("token_reused"));
    }
    connect_keys(app, shop, &keys.consumer_key, &keys.consumer_secret, "connect").await
}

/// Connects a user's store with keys entered by hand (for stores where wc-auth is blocked); creates the
/// shop when needed. Also the entry point of `productsynch demo`.
pub async fn connect_with_keys(app: &App, user_id: &str, store_url: &str, consumer_key: &str, consumer_secret: &str) -> Result<ShopView> {
    let url = normalize_store_url(store_url)?;
    check_public(app, &url).await?;
    let mut errs = Vec::new();
    if consumer_key.trim().is_empty() {
        errs.push(FieldError::new("consumerKey", "required", "Enter the consumer key."));
    }
    if consumer_secret.trim().is_empty() {
        errs.push(FieldError::new("consumerSecret", "required", "Enter the consumer secret."));
    }
    if !errs.is_empty() {
        return Err(Error::Validation(errs));
    }
    let (name, _) = probe_store(&url, app.config().allow_private_network).await?;
    let shop = find_or_create(app, user_id, &url, &name).await?;
    connect_keys(app, shop, consumer_key.trim(), consumer_secret.trim(), "user").await
}

/// Verifies keys against the store (read: discovery + settings; write: webhook registration), stores them
/// encrypted, registers our webhooks and enqueues the initial FULL sync.
pub async fn connect_keys(app: &App, shop: shops::Model, ck: &str, cs: &str, triggered_by: &str) -> Result<ShopView> {
    let client = Client::connect(client_config(&shop.woo_store_url, ck, cs, app.config().allow_private_network)).await.map_err(woo_error)?;
    let info = client.info().cloned();
    // Write permission is proven by registering the webhooks.
    let old = crate::sync::engine::connection(app, &shop.id).await?;
    let old_ids: Vec<u64> = old.as_ref().and_then(|c| c.webhook_ids.clone()).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    for id in old_ids {
        if let Err(e) = client.delete_webhook(id).await {
            tracing::debug!(webhook = id, error = %e, "old webhook not removed");
        }
    }
    let secret = crate::crypto::random_token(32);
    let delivery = app.config().public_link(&format!("/api/v1/webhooks/woocommerce/{}", shop.id));
    // Store the secret first: the store pings and may deliver as soon as a webhook exists.
    let mut am = shop.clone().into_active_model();
    am.woo_webhook_secret = Set(Some(app.crypto().encrypt(&secret)));
    am.updated_at = Set(Utc::now());
    let shop = am.update(app.db()).await?;
    let mut hook_ids = Vec::new();
    for topic in TOPICS {
        match client.create_webhook(&NewWebhook::new(topic, &delivery, &secret)).await {
            Ok(h) => {
                if h.status != WebhookStatus::Active {
                    let _ = client.set_webhook_status(h.id, WebhookStatus::Active).await;
                }
                hook_ids.push(h.id)
            }
            Err(e) => {
                for id in &hook_ids {
                    let _ = client.delete_webhook(*id).await;
                }
                return Err(woo_error(e));
            }
        }
    }
    let settings = info.as_ref().map(|i| i.settings.clone()).unwrap_or_default();
    let now = Utc::now();
    let mut am = shop.clone().into_active_model();
    am.woo_consumer_key = Set(ck.to_owned());
    am.woo_consumer_secret = Set(app.crypto().encrypt(cs));
    am.is_connected = Set(true);
    am.connection_error = Set(None);
    am.last_health_check_at = Set(Some(now));
    am.shop_currency = Set(settings.currency.chars().take(3).collect::<String>().to_ascii_uppercase());
    if let Some(i) = &info {
        if !i.site_name.trim().is_empty() {
            am.shop_name = Set(i.site_name.trim().to_owned());
        }
    }
    am.updated_at = Set(now);
    let shop = am.update(app.db()).await?;
    let settings_json = serde_json::to_value(&settings).unwrap_or(Value::Null);
    let auth = info.as_ref().map(|i| i.auth.as_str().to_owned());
    upsert_connection(app, &shop.id, |c| {
        c.store_settings = Set(Some(settings_json));
        c.webhook_ids = Set(Some(json!(hook_ids)));
        c.auth_mode = Set(auth);
        c.connect_nonce = Set(None);
    })
    .await?;
    crate::sync::enqueue_sync(app, &shop, SyncType::Full, triggered_by).await?;
    tracing::info!(shop = %shop.id, webhooks = hook_ids.len(), "store connected");
    shop_view(app, shop).await
}

/// `POST /shops/:id/verify` and the hourly health check: are the keys still good? Updates the shop.
///
/// Only a store that refuses our keys (401/403) marks the shop disconnected; a store that is down,
/// slow or answering garbage keeps its connection and gets `connection_error` noted. The owner is
/// emailed (template `store_disconnected`) once per connected → disconnected transition: the
/// transition is a conditional update, so concurrent checks cannot both send it.
pub async fn check_connection(app: &App, shop: &shops::Model) -> Result<bool> {
    if shop.woo_consumer_key.is_empty() {
        return Ok(false);
    }
    let res = crate::sync::client::client_for(app, shop).await;
    let now = Utc::now();
    match res {
        Ok(_) => {
            let mut am = shop.clone().into_active_model();
            am.last_health_check_at = Set(Some(now));
            am.is_connected = Set(true);
            am.connection_error = Set(None);
            am.update(app.db()).await?;
            Ok(true)
        }
        Err(Error::Validation(errs)) if errs.iter().any(|e| e.code == "invalid_keys" || e.code == "insufficient_permissions") => {
            let reason = if errs.iter().any(|e| e.code == "insufficient_permissions") {
                "the store refused our API keys (HTTP 403: the key lacks read/write permission)"
            } else {
                "the store refused our API keys (HTTP 401: the key was revoked or deleted)"
            };
            mark_disconnected(app, shop, reason).await?;
            Ok(false)
        }
        Err(e) => {
            // The store is down, slow, or not answering like WooCommerce right now: keep the
            // connection, note the error.
            let mut am = shop.clone().into_active_model();
            am.last_health_check_at = Set(Some(now));
            am.connection_error = Set(Some(e.to_string()));
            am.update(app.db()).await?;
            Ok(true)
        }
    }
}

/// Marks a shop disconnected with `reason`. When this call made the transition (the shop was
/// connected), the owner is emailed; returns whether it did.
pub async fn mark_disconnected(app: &App, shop: &shops::Model, reason: &str) -> Result<bool> {
    use sea_orm::sea_query::Expr;
    let now = Utc::now();
    let base = shops::Entity::update_many()
        .col_expr(shops::Column::IsConnected, Expr::value(false))
        .col_expr(shops::Column::ConnectionError, Expr::value(reason.to_owned()))
        .col_expr(shops::Column::LastHealthCheckAt, Expr::value(now))
        .col_expr(shops::Column::UpdatedAt, Expr::value(now))
        .filter(shops::Column::Id.eq(&shop.id));
    let changed = base.clone().filter(shops::Column::IsConnected.eq(true)).exec(app.db()).await?.rows_affected == 1;
    if !changed {
        base.exec(app.db()).await?;
        return Ok(false);
    }
    tracing::warn!(shop = %shop.id, reason, "store keys stopped working; shop marked disconnected");
    notify_disconnected(app, shop, reason).await;
    Ok(true)
}

/// The shop's owner and the name to greet them with, when `wants(settings)` says they want this
/// email; `None` when they opted out, or the owner cannot be loaded (logged).
async fn owner_to_notify(
    app: &App,
    shop: &shops::Model,
    wants: impl Fn(&crate::accounts::NotificationSettings) -> bool,
) -> Option<(productsynch_db::entities::users::Model, String)> {
    let user = match productsynch_db::entities::users::Entity::find_by_id(shop.user_id.clone()).one(app.db()).await {
        Ok(Some(u)) => u,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(shop = %shop.id, error = %e, "could not load the shop owner to email");
            return None;
        }
    };
    match crate::accounts::notification_settings_of(app.db(), &user.id).await {
        Ok(s) if wants(&s) => {}
        Ok(_) => {
            tracing::debug!(shop = %shop.id, "the owner turned this notification off");
            return None;
        }
        Err(e) => {
            tracing::warn!(shop = %shop.id, error = %e, "could not load the owner's notification settings");
            return None;
        }
    }
    let name = user
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| user.email.split('@').next().unwrap_or("there").to_owned());
    Some((user, name))
}

fn display_shop_name(shop: &shops::Model) -> String {
    if shop.shop_name.trim().is_empty() { shop.woo_store_url.clone() } else { shop.shop_name.clone() }
}

/// Emails the shop's owner that the store was disconnected, unless they turned
/// `notifyStoreDisconnected` off (failures are logged, never raised: the transition is recorded
/// either way and the outbox keeps the failed message).
async fn notify_disconnected(app: &App, shop: &shops::Model, reason: &str) {
    let Some((user, name)) = owner_to_notify(app, shop, |s| s.notify_store_disconnected).await else {
        return;
    };
    let template = crate::mail::Template::StoreDisconnected {
        name,
        shop_name: display_shop_name(shop),
        reason: reason.to_owned(),
        link: app.config().public_link(&format!("/shops/{}", shop.id)),
    };
    if let Err(e) = app.mailer().send(&user.email, &template).await {
        tracing::warn!(shop = %shop.id, error = %e, "could not email the disconnection");
    }
}

/// Emails the shop's owner that a sync failed for good (its batch is FAILED), unless they turned
/// `notifySyncFailures` off. Failures are logged, never raised.
pub async fn notify_sync_failed(app: &App, shop: &shops::Model, error: &str) {
    let Some((user, name)) = owner_to_notify(app, shop, |s| s.notify_sync_failures).await else {
        return;
    };
    let template = crate::mail::Template::SyncFailed {
        name,
        shop_name: display_shop_name(shop),
        error: error.to_owned(),
        link: app.config().public_link(&format!("/shops/{}/sync", shop.id)),
    };
    if let Err(e) = app.mailer().send(&user.email, &template).await {
        tracing::warn!(shop = %shop.id, error = %e, "could not email the sync failure");
    }
}

/// What one run of the hourly health check found.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub checked: u64,
    /// Shops whose keys were refused (now disconnected).
    pub disconnected: u64,
    /// Shops whose store could not be checked (kept connected).
    pub errors: u64,
}

/// The hourly health check (`shops.health_check`): every connected shop's keys are checked; one
/// shop's failure never stops the others.
pub async fn health_check(app: &App) -> Result<HealthReport> {
    let shops = shops::Entity::find().filter(shops::Column::IsConnected.eq(true)).all(app.db()).await?;
    let mut r = HealthReport::default();
    for s in shops {
        r.checked += 1;
        match check_connection(app, &s).await {
            Ok(true) => {}
            Ok(false) => r.disconnected += 1,
            Err(e) => {
                r.errors += 1;
                tracing::warn!(shop = %s.id, error = %e, "health check of a shop failed");
            }
        }
    }
    tracing::info!(checked = r.checked, disconnected = r.disconnected, errors = r.errors, "connection health check");
    Ok(r)
}

/// Seller and feed settings update (`PATCH /shops/:id`); `None` leaves a value as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShopPatch {
    pub shop_name: Option<String>,
    pub sync_enabled: Option<bool>,
    #[serde(flatten)]
    pub seller: SellerPatch,
    pub feed: Option<FeedSettings>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SellerPatch {
    pub seller_name: Option<String>,
    pub seller_url: Option<String>,
    pub privacy_policy: Option<String>,
    pub terms_of_service: Option<String>,
    pub return_policy: Option<String>,
    pub return_window: Option<i32>,
}

fn check_url_field(errs: &mut Vec<FieldError>, field: &str, v: &Option<String>) {
    if let Some(s) = v {
        if !s.is_empty() && !Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
            errs.push(FieldError::new(field, "invalid_url", "Enter a full http(s) URL."));
        }
    }
}

pub async fn update(app: &App, shop: shops::Model, patch: ShopPatch) -> Result<ShopView> {
    let mut errs = Vec::new();
    if let Some(n) = &patch.shop_name {
        if n.trim().is_empty() || n.len() > 200 {
            errs.push(FieldError::new("shopName", "invalid", "1 to 200 characters."));
        }
    }
    if let Some(n) = &patch.seller.seller_name {
        if n.chars().count() > 70 {
            errs.push(FieldError::new("sellerName", "too_long", "At most 70 characters (feed limit)."));
        }
    }
    check_url_field(&mut errs, "sellerUrl", &patch.seller.seller_url);
    check_url_field(&mut errs, "privacyPolicy", &patch.seller.privacy_policy);
    check_url_field(&mut errs, "termsOfService", &patch.seller.terms_of_service);
    check_url_field(&mut errs, "returnPolicy", &patch.seller.return_policy);
    if let Some(w) = patch.seller.return_window {
        if !(0..=365).contains(&w) {
            errs.push(FieldError::new("returnWindow", "out_of_range", "0 to 365 days."));
        }
    }
    if let Some(f) = &patch.feed {
        let cc = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic());
        if let Some(c) = &f.store_country {
            if !cc(c) {
                errs.push(FieldError::new("feed.storeCountry", "invalid_country", "ISO 3166-1 alpha-2 code, e.g. US."));
            }
        }
        if f.target_countries.iter().any(|c| !cc(c)) {
            errs.push(FieldError::new("feed.targetCountries", "invalid_country", "ISO 3166-1 alpha-2 codes."));
        }
        if f.enable_checkout == Some(true) {
            let pp = patch.seller.privacy_policy.clone().or(shop.seller_privacy_policy.clone());
            let tos = patch.seller.terms_of_service.clone().or(shop.seller_tos.clone());
            if pp.is_none_or(|s| s.is_empty()) || tos.is_none_or(|s| s.is_empty()) {
                errs.push(FieldError::new("feed.enableCheckout", "requires_policies", "Checkout needs privacy policy and terms URLs."));
            }
        }
    }
    if !errs.is_empty() {
        return Err(Error::Validation(errs));
    }
    let opt = |s: Option<String>| s.map(|v| Some(v.trim().to_owned()).filter(|x| !x.is_empty()));
    let mut am = shop.clone().into_active_model();
    if let Some(n) = patch.shop_name {
        am.shop_name = Set(n.trim().to_owned());
    }
    if let Some(b) = patch.sync_enabled {
        am.sync_enabled = Set(b);
    }
    if let Some(v) = opt(patch.seller.seller_name) {
        am.seller_name = Set(v);
    }
    if let Some(v) = opt(patch.seller.seller_url) {
        am.seller_url = Set(v);
    }
    if let Some(v) = opt(patch.seller.privacy_policy) {
        am.seller_privacy_policy = Set(v);
    }
    if let Some(v) = opt(patch.seller.terms_of_service) {
        am.seller_tos = Set(v);
    }
    if let Some(v) = opt(patch.seller.return_policy) {
        am.return_policy = Set(v);
    }
    if let Some(w) = patch.seller.return_window {
        am.return_window = Set(Some(w));
    }
    am.updated_at = Set(Utc::now());
    let shop = am.update(app.db()).await?;
    if let Some(f) = patch.feed {
        let v = serde_json::to_value(&f).unwrap_or(Value::Null);
        upsert_connection(app, &shop.id, |c| c.feed_settings = Set(Some(v))).await?;
    }
    shop_view(app, shop).await
}

/// Disconnect: removes our webhooks from the store (best effort), deletes the keys and the shop's data.
pub async fn disconnect(app: &App, shop: shops::Model) -> Result<()> {
    if let Some(conn) = crate::sync::engine::connection(app, &shop.id).await? {
        let ids: Vec<u64> = conn.webhook_ids.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
        if !ids.is_empty() && !shop.woo_consumer_key.is_empty() {
            if let Ok(secret) = app.crypto().decrypt(&shop.woo_consumer_secret) {
                let cfg = client_config(&shop.woo_store_url, &shop.woo_consumer_key, &secret, app.config().allow_private_network);
                match Client::connect(cfg).await {
                    Ok(c) => {
                        for id in ids {
                            if let Err(e) = c.delete_webhook(id).await {
                                tracing::warn!(webhook = id, error = %e, "could not remove webhook");
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "store unreachable at disconnect; webhooks left"),
                }
            }
        }
    }
    delete_shop_data(app, &shop.id).await?;
    crate::delivery::snapshot::delete_shop_files(app, &shop.id).await;
    Ok(())
}

async fn delete_shop_data(app: &App, shop_id: &str) -> Result<()> {
    use productsynch_db::entities::{feed_files, jobs, product_analytics, product_variants, products, shop_analytics, sync_batches, webhook_events};
    let txn = productsynch_db::begin_write(app.db()).await?;
    product_variants::Entity::delete_many().filter(product_variants::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    crate::sync::entities::product_manual_fields::Entity::delete_many()
        .filter(crate::sync::entities::product_manual_fields::Column::ShopId.eq(shop_id))
        .exec(&txn)
        .await?;
    let pids: Vec<String> = products::Entity::find()
        .filter(products::Column::ShopId.eq(shop_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for chunk in pids.chunks(500) {
        product_analytics::Entity::delete_many().filter(product_analytics::Column::ProductId.is_in(chunk.to_vec())).exec(&txn).await?;
    }
    products::Entity::delete_many().filter(products::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    let bids: Vec<String> = sync_batches::Entity::find()
        .filter(sync_batches::Column::ShopId.eq(shop_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    for chunk in bids.chunks(500) {
        crate::sync::entities::sync_batch_progress::Entity::delete_many()
            .filter(crate::sync::entities::sync_batch_progress::Column::BatchId.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    sync_batches::Entity::delete_many().filter(sync_batches::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    webhook_events::Entity::delete_many().filter(webhook_events::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    shop_analytics::Entity::delete_many().filter(shop_analytics::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    feed_files::Entity::delete_many().filter(feed_files::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    jobs::Entity::update_many()
        .col_expr(jobs::Column::ShopId, sea_orm::sea_query::Expr::value(Option::<String>::None))
        .filter(jobs::Column::ShopId.eq(shop_id))
        .exec(&txn)
        .await?;
    shop_connections::Entity::delete_many().filter(shop_connections::Column::ShopId.eq(shop_id)).exec(&txn).await?;
    shops::Entity::delete_by_id(shop_id.to_owned()).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
