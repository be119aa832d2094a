//! Per-shop delivery settings (`PUT /openai-config`): method, cadence, destination and secrets
//! (encrypted with the [`Keyring`](crate::crypto::Keyring), never returned), and the hosted-URL
//! token (random, stored as a SHA-256 hash for lookup plus an encrypted copy to show its owner).

use chrono::Utc;
use productsynch_db::entities::shops;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::entities::shop_delivery;
use crate::App;
use crate::crypto::{hash_token, random_token};
use crate::error::{Error, FieldError, Result};

pub const METHODS: &[&str] = &["hosted", "sftp", "https"];
pub const CADENCES: &[&str] = &["daily", "after_sync"];
pub const DEFAULT_SFTP_FILE: &str = "products.jsonl.gz";

/// Input of `PUT /openai-config`. Secrets left out keep their stored value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryInput {
    pub method: String,
    pub enabled: Option<bool>,
    pub cadence: Option<String>,
    pub https: Option<HttpsInput>,
    pub sftp: Option<SftpInput>,
}

#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpsInput {
    pub endpoint: String,
    pub token: Option<String>,
}

#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SftpInput {
    pub host: String,
    pub port: Option<u16>,
    pub username: String,
    pub password: Option<String>,
    pub private_key: Option<String>,
    pub directory: Option<String>,
    pub file_name: Option<String>,
    pub host_key_fingerprint: Option<String>,
}

impl std::fmt::Debug for HttpsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsInput").field("endpoint", &self.endpoint).finish_non_exhaustive()
    }
}
impl std::fmt::Debug for SftpInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SftpInput").field("host", &self.host).field("username", &self.username).finish_non_exhaustive()
    }
}

/// Settings as their owner sees them: no secret, only whether one is stored.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub method: String,
    pub enabled: bool,
    pub cadence: String,
    /// `PUBLIC_URL/feeds/<token>/products.jsonl.gz` (always available, whatever the method).
    pub hosted_url: String,
    pub https: Option<HttpsView>,
    pub sftp: Option<SftpView>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HttpsView {
    pub endpoint: String,
    pub has_token: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SftpView {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub has_password: bool,
    pub has_private_key: bool,
    pub directory: String,
    pub file_name: String,
    pub host_key_fingerprint: Option<String>,
}

fn default_row(shop_id: &str) -> shop_delivery::Model {
    let now = Utc::now();
    shop_delivery::Model {
        shop_id: shop_id.to_owned(),
        method: "hosted".into(),
        cadence: "daily".into(),
        enabled: true,
        https_endpoint: None,
        https_token: None,
        sftp_host: None,
        sftp_port: None,
        sftp_username: None,
        sftp_password: None,
        sftp_private_key: None,
        sftp_directory: None,
        sftp_file_name: None,
        sftp_host_key_fingerprint: None,
        feed_token_hash: None,
        feed_token: None,
        feed_token_rotated_at: None,
        created_at: now,
        updated_at: now,
    }
}

fn active(m: &shop_delivery::Model) -> shop_delivery::ActiveModel {
    shop_delivery::ActiveModel {
        shop_id: Set(m.shop_id.clone()),
        method: Set(m.method.clone()),
        cadence: Set(m.cadence.clone()),
        enabled: Set(m.enabled),
        https_endpoint: Set(m.https_endpoint.clone()),
        https_token: Set(m.https_token.clone()),
        sftp_host: Set(m.sftp_host.clone()),
        sftp_port: Set(m.sftp_port),
        sftp_username: Set(m.sftp_username.clone()),
        sftp_password: Set(m.sftp_password.clone()),
        sftp_private_key: Set(m.sftp_private_key.clone()),
        sftp_directory: Set(m.sftp_directory.clone()),
        sftp_file_name: Set(m.sftp_file_name.clone()),
        sftp_host_key_fingerprint: Set(m.sftp_host_key_fingerprint.clone()),
        feed_token_hash: Set(m.feed_token_hash.clone()),
        feed_token: Set(m.feed_token.clone()),
        feed_token_rotated_at: Set(m.feed_token_rotated_at),
        created_at: Set(m.created_at),
        updated_at: Set(m.updated_at),
    }
}

/// The stored settings row, if any.
pub async fn load(app: &App, shop_id: &str) -> Result<Option<shop_delivery::Model>> {
    Ok(shop_delivery::Entity::find_by_id(shop_id.to_owned()).one(app.db()).await?)
}

/// The settings row, created with defaults (hosted, daily) and a fresh feed token when missing.
pub async fn load_or_init(app: &App, shop_id: &str) -> Result<shop_delivery::Model> {
    if let Some(row) = load(app, shop_id).await? {
        if row.feed_token_hash.is_some() {
            return Ok(row);
        }
        let mut row = row;
        set_new_token(app, &mut row);
        shop_delivery::Entity::update(active(&row)).exec(app.db()).await?;
        return Ok(row);
    }
    let mut row = default_row(shop_id);
    set_new_token(app, &mut row);
    let insert = shop_delivery::Entity::insert(active(&row)).exec_without_returning(app.db()).await;
    match insert {
        Ok(_) => Ok(row),
        // a concurrent first call created it: use that one
        Err(_) => load(app, shop_id).await?.ok_or(Error::NotFound("shop")),
    }
}

fn set_new_token(app: &App, row: &mut shop_delivery::Model) -> String {
    let token = random_token(32);
    row.feed_token_hash = Some(hash_token(&token));
    row.feed_token = Some(app.crypto().encrypt(&token));
    row.feed_token_rotated_at = Some(Utc::now());
    token
}

/// Replaces the hosted-URL token; the old URL stops working at once. Returns the new URL.
pub async fn rotate_token(app: &App, shop_id: &str) -> Result<String> {
    let mut row = load_or_init(app, shop_id).await?;
    let token = set_new_token(app, &mut row);
    row.updated_at = Utc::now();
    shop_delivery::Entity::update(active(&row)).exec(app.db()).await?;
    tracing::info!(shop.id = shop_id, "hosted feed token rotated");
    Ok(hosted_url(app, &token))
}

/// `PUBLIC_URL/feeds/<token>/products.jsonl.gz`.
pub fn hosted_url(app: &App, token: &str) -> String {
    format!("{}/feeds/{token}/products.jsonl.gz", app.config().public_url.as_str().trim_end_matches('/'))
}

/// The shop whose current hosted token is `token`.
pub async fn shop_for_token(app: &App, token: &str) -> Result<Option<String>> {
    if token.is_empty() || token.len() > 128 || !token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Ok(None);
    }
    Ok(shop_delivery::Entity::find()
        .filter(shop_delivery::Column::FeedTokenHash.eq(hash_token(token)))
        .one(app.db())
        .await?
        .map(|r| r.shop_id))
}

/// The owner's view of the settings.
pub async fn view(app: &App, shop_id: &str) -> Result<DeliveryView> {
    let row = load_or_init(app, shop_id).await?;
    view_of(app, &row)
}

fn view_of(app: &App, row: &shop_delivery::Model) -> Result<DeliveryView> {
    let token = match &row.feed_token {
        Some(t) => app.crypto().decrypt(t).map_err(|e| Error::Internal(anyhow::anyhow!("feed token: {e}")))?,
        None => String::new(),
    };
    Ok(DeliveryView {
        method: row.method.clone(),
        enabled: row.enabled,
        cadence: row.cadence.clone(),
        hosted_url: hosted_url(app, &token),
        https: row
            .https_endpoint
            .as_ref()
            .map(|e| HttpsView { endpoint: e.clone(), has_token: row.https_token.is_some() }),
        sftp: row.sftp_host.as_ref().map(|h| SftpView {
            host: h.clone(),
            port: row.sftp_port.and_then(|p| u16::try_from(p).ok()).unwrap_or(22),
            username: row.sftp_username.clone().unwrap_or_default(),
            has_password: row.sftp_password.is_some(),
            has_private_key: row.sftp_private_key.is_some(),
            directory: row.sftp_directory.clone().unwrap_or_else(|| ".".into()),
            file_name: row.sftp_file_name.clone().unwrap_or_else(|| DEFAULT_SFTP_FILE.into()),
            host_key_fingerprint: row.sftp_host_key_fingerprint.clone(),
        }),
    })
}

fn valid_file_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && !s.starts_with('.')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Validates and saves the settings; returns the owner's view.
pub async fn save(app: &App, shop_id: &str, input: DeliveryInput) -> Result<DeliveryView> {
    let mut row = load_or_init(app, shop_id).await?;
    let mut errs: Vec<FieldError> = Vec::new();
    let allow_private = app.config().allow_private_network;
    let method = input.method.trim().to_ascii_lowercase();
    if !METHODS.contains(&method.as_str()) {
        errs.push(FieldError::new("method", "invalid_choice", "method must be one of hosted, sftp, https"));
    }
    let cadence = input.cadence.as_deref().map(|c| c.trim().to_ascii_lowercase()).unwrap_or_else(|| row.cadence.clone());
    if !CADENCES.contains(&cadence.as_str()) {
        errs.push(FieldError::new("cadence", "invalid_choice", "cadence must be daily or after_sync"));
    }
    if method == "https" && input.https.is_none() {
        errs.push(FieldError::new("https", "required", "the https method needs https.endpoint and https.token"));
    }
    if method == "sftp" && input.sftp.is_none() {
        errs.push(FieldError::new("sftp", "required", "the sftp method needs sftp.host, sftp.username and a key or password"));
    }
    let mut new = row.clone();
    if let Some(h) = &input.https {
        match url::Url::parse(h.endpoint.trim()) {
            Ok(u) => {
                let scheme_ok = u.scheme() == "https" || (u.scheme() == "http" && allow_private);
                if !scheme_ok {
                    errs.push(FieldError::new("https.endpoint", "https_required", "the endpoint must be an https:// URL"));
                } else if !u.username().is_empty() || u.password().is_some() {
                    errs.push(FieldError::new("https.endpoint", "invalid_url", "put credentials in https.token, not in the URL"));
                } else {
                    // SSRF guard: resolved now, refused when any address is private (unless ALLOW_PRIVATE_NETWORK);
                    // checked again at every push.
                    match crate::net::check_url(u.as_str(), "https.endpoint", allow_private).await {
                        Ok(_) => new.https_endpoint = Some(u.to_string()),
                        Err(Error::Validation(v)) => errs.extend(v),
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(_) => errs.push(FieldError::new("https.endpoint", "invalid_url", "the endpoint is not a valid URL")),
        }
        match h.token.as_deref().map(str::trim) {
            Some("") => errs.push(FieldError::new("https.token", "required", "the bearer token must not be empty")),
            Some(t) if t.len() > 4096 || t.chars().any(|c| c.is_control() || c == ' ') => {
                errs.push(FieldError::new("https.token", "invalid_token", "the bearer token must be at most 4096 visible characters"))
            }
            Some(t) => new.https_token = Some(app.crypto().encrypt(t)),
            None if new.https_token.is_none() => {
                errs.push(FieldError::new("https.token", "required", "a bearer token is required"))
            }
            None => {}
        }
    }
    if let Some(s) = &input.sftp {
        let host = s.host.trim();
        match s.port {
            Some(0) => errs.push(FieldError::new("sftp.port", "out_of_range", "port must be 1-65535")),
            p => new.sftp_port = Some(i32::from(p.unwrap_or(22))),
        }
        if host.is_empty() || host.len() > 255 || host.chars().any(|c| c.is_whitespace() || c == '/' || c == '@') {
            errs.push(FieldError::new("sftp.host", "invalid_host", "a host name or IP address is required"));
        } else if !allow_private {
            // SSRF guard: resolved now, refused when any address is private; checked again at every push.
            let port = s.port.filter(|p| *p != 0).unwrap_or(22);
            match crate::net::resolve_checked(host, port, "sftp.host", false).await {
                Ok(_) => new.sftp_host = Some(host.to_owned()),
                Err(Error::Validation(v)) => errs.extend(v),
                Err(e) => return Err(e),
            }
        } else {
            new.sftp_host = Some(host.to_owned());
        }
        let user = s.username.trim();
        if user.is_empty() || user.len() > 128 || user.chars().any(char::is_whitespace) {
            errs.push(FieldError::new("sftp.username", "required", "a user name is required"));
        } else {
            new.sftp_username = Some(user.to_owned());
        }
        if let Some(pw) = &s.password {
            if pw.is_empty() {
                new.sftp_password = None;
            } else {
                new.sftp_password = Some(app.crypto().encrypt(pw));
            }
        }
        if let Some(key) = &s.private_key {
            if key.trim().is_empty() {
                new.sftp_private_key = None;
            } else if let Err(e) = super::sftp::parse_private_key(key) {
                errs.push(FieldError::new("sftp.privateKey", "invalid_key", &format!("not an unencrypted OpenSSH/PEM private key: {e}")));
            } else {
                new.sftp_private_key = Some(app.crypto().encrypt(key));
            }
        }
        if new.sftp_password.is_none() && new.sftp_private_key.is_none() {
            errs.push(FieldError::new("sftp.privateKey", "required", "a private key or a password is required"));
        }
        let dir = s.directory.as_deref().map(str::trim).unwrap_or(".");
        if dir.is_empty() || dir.len() > 512 || dir.split('/').any(|seg| seg == "..") || dir.chars().any(char::is_control) {
            errs.push(FieldError::new("sftp.directory", "invalid_path", "a directory without .. segments is required"));
        } else {
            new.sftp_directory = Some(dir.to_owned());
        }
        let file = s.file_name.as_deref().map(str::trim).unwrap_or(DEFAULT_SFTP_FILE);
        if !valid_file_name(file) {
            errs.push(FieldError::new("sftp.fileName", "invalid_file_name", "letters, digits, '.', '_' and '-' only, not starting with '.'"));
        } else {
            new.sftp_file_name = Some(file.to_owned());
        }
        match s.host_key_fingerprint.as_deref().map(str::trim) {
            None | Some("") => new.sftp_host_key_fingerprint = None,
            Some(fp) if fp.starts_with("SHA256:") && fp.len() > 10 && fp.len() < 100 => {
                new.sftp_host_key_fingerprint = Some(fp.to_owned())
            }
            Some(_) => errs.push(FieldError::new(
                "sftp.hostKeyFingerprint",
                "invalid_fingerprint",
                "use the SHA256:… form printed by ssh-keygen -lf",
            )),
        }
    }
    if !errs.is_empty() {
        return Err(Error::Validation(errs));
    }
    new.method = method;
    new.cadence = cadence;
    new.enabled = input.enabled.unwrap_or(row.enabled);
    new.updated_at = Utc::now();
    shop_delivery::Entity::update(active(&new)).exec(app.db()).await?;
    // Mirror the spec's shop columns (§4 Shop.openai*).
    shops::Entity::update_many()
        .col_expr(shops::Column::OpenaiEnabled, sea_orm::sea_query::Expr::value(new.enabled))
        .col_expr(shops::Column::OpenaiEndpoint, sea_orm::sea_query::Expr::value(new.https_endpoint.clone()))
        .col_expr(shops::Column::OpenaiToken, sea_orm::sea_query::Expr::value(new.https_token.clone()))
        .filter(shops::Column::Id.eq(shop_id))
        .exec(app.db())
        .await?;
    tracing::info!(shop.id = shop_id, method = %new.method, cadence = %new.cadence, "delivery settings saved");
    row = new;
    view_of(app, &row)
}
