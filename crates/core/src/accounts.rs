//! Accounts: registration, login, token refresh with rotation and reuse detection,
//! logout, profile, email verification, password reset, sessions, account deletion.
//!
//! * Passwords: argon2id, OWASP parameters (19 MiB, t=2, p=1), hashed in `spawn_blocking`.
//! * Access tokens: HS256 JWT, 15 minutes, claims of spec §5.2
//!   `{sub, email, name, tier, iat, exp, type:"access"}`.
//! * Refresh tokens: 32 random bytes (base64url), 7 days, stored as SHA-256, rotated on every
//!   use; presenting an already-rotated token revokes its whole family (all sessions that
//!   descend from the same login).
//! * Email verification (24 h) and password reset (1 h) tokens: single use, hashed at rest.
//! * `login` and `forgot_password` never reveal whether an email is registered.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use productsynch_db::entities::{
    EmailTokenKind, SubscriptionTier, audit_log, email_tokens, refresh_tokens, user_settings, users,
};
use productsynch_db::ids;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::crypto::{hash_token, random_token};
use crate::error::{Error, FieldError, Result};
use crate::mail::{Mailer, Template};

/// Access token lifetime.
pub const ACCESS_TTL: Duration = Duration::minutes(15);
/// Refresh token lifetime (from its issue; every rotation issues a fresh one).
pub const REFRESH_TTL: Duration = Duration::days(7);
pub const VERIFY_EMAIL_TTL: Duration = Duration::hours(24);
pub const RESET_PASSWORD_TTL: Duration = Duration::hours(1);
pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 128;

/// A user as the API shows it (`{"id","email","name","emailVerified","tier"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    pub tier: SubscriptionTier,
    pub created_at: DateTime<Utc>,
}

impl From<&users::Model> for UserView {
    fn from(u: &users::Model) -> Self {
        UserView {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone().unwrap_or_default(),
            email_verified: u.email_verified,
            tier: u.subscription_tier,
            created_at: u.created_at,
        }
    }
}

/// What register/login/refresh return.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSession {
    pub user: UserView,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires (900).
    pub expires_in: i64,
    #[serde(skip)]
    pub refresh_expires_at: DateTime<Utc>,
}

/// JWT access token claims (spec §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub email: String,
    pub name: String,
    pub tier: SubscriptionTier,
    pub iat: i64,
    pub exp: i64,
    #[serde(rename = "type")]
    pub typ: String,
}

/// Who is calling (for the sessions list and the audit log).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub name: Option<String>,
}

/// `PATCH /auth/me`: change the name and/or the password (the latter needs the current one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMe {
    pub name: Option<String>,
    pub current_password: Option<String>,
    pub new_password: Option<String>,
}

/// A user's email notification preferences (`GET /auth/me/settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettings {
    /// Email the owner when a sync fails for good (after its retries).
    pub notify_sync_failures: bool,
    /// Email the owner when a store's keys stop working and the shop is disconnected.
    pub notify_store_disconnected: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings { notify_sync_failures: true, notify_store_disconnected: true }
    }
}

impl From<&user_settings::Model> for NotificationSettings {
    fn from(s: &user_settings::Model) -> Self {
        NotificationSettings {
            notify_sync_failures: s.notify_sync_failures,
            notify_store_disconnected: s.notify_store_disconnected,
        }
    }
}

/// `PATCH /auth/me/settings`: `None` leaves a preference as it is.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettingsPatch {
    pub notify_sync_failures: Option<bool>,
    pub notify_store_disconnected: Option<bool>,
}

/// One login session (a refresh token family).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// The family id; pass it to [`AccountService::revoke_session`].
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// True for the session of the refresh token passed to `list_sessions`.
    pub current: bool,
}

#[derive(Clone)]
pub struct AccountService {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    cfg: Config,
    mailer: Mailer,
    enc: EncodingKey,
    dec: DecodingKey,
    /// A valid hash of a random password, verified when the email is unknown so that
    /// login takes the same time either way.
    dummy_hash: String,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

async fn hash_password(password: String) -> Result<String> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _g = span.enter();
        argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(anyhow::anyhow!("argon2 hash: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _g = span.enter();
        argon2().verify_password(password.as_bytes(), hash.as_str()).is_ok()
    })
    .await
    .map_err(|e| Error::Internal(e.into()))
}

/// A fresh settings row with the defaults (notifications on).
fn default_settings(user_id: &str, now: DateTime<Utc>) -> user_settings::ActiveModel {
    let d = NotificationSettings::default();
    user_settings::ActiveModel {
        user_id: Set(user_id.to_owned()),
        timezone: Set("UTC".into()),
        locale: Set("en".into()),
        notify_sync_failures: Set(d.notify_sync_failures),
        notify_store_disconnected: Set(d.notify_store_disconnected),
        weekly_report: Set(false),
        auto_enrich: Set(false),
        preferences: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The notification preferences of `user_id` (defaults when the user has no settings row).
pub async fn notification_settings_of<C: ConnectionTrait>(conn: &C, user_id: &str) -> Result<NotificationSettings> {
    Ok(user_settings::Entity::find_by_id(user_id.to_owned())
        .one(conn)
        .await?
        .map(|r| NotificationSettings::from(&r))
        .unwrap_or_default())
}

/// Lower-cases and trims; checks the shape `local@domain.tld`.
pub fn normalize_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.parse::<lettre::Address>().is_ok()
        && e.rsplit_once('@').is_some_and(|(_, d)| d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
    if ok { Ok(e) } else { Err(Error::invalid("email", "invalid_email", "Enter a valid email address")) }
}

fn check_password(field: &str, pw: &str, errors: &mut Vec<FieldError>) {
    let n = pw.chars().count();
    if n < MIN_PASSWORD_LEN {
        errors.push(FieldError::new(field, "too_short", format!("Use at least {MIN_PASSWORD_LEN} characters")));
    } else if n > MAX_PASSWORD_LEN {
        errors.push(FieldError::new(field, "too_long", format!("Use at most {MAX_PASSWORD_LEN} characters")));
    }
}

fn check_name(name: &str, errors: &mut Vec<FieldError>) {
    if name.chars().count() > 100 {
        errors.push(FieldError::new("name", "too_long", "Use at most 100 characters"));
    }
}

impl AccountService {
    pub fn new(db: DatabaseConnection, cfg: Config, mailer: Mailer) -> Result<AccountService> {
        let secret = cfg.jwt_secret.expose().as_bytes().to_vec();
        let dummy_hash = argon2()
            .hash_password(random_token(24).as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(anyhow::anyhow!("argon2 hash: {e}")))?;
        Ok(AccountService {
            inner: Arc::new(Inner {
                db,
                cfg,
                mailer,
                enc: EncodingKey::from_secret(&secret),
                dec: DecodingKey::from_secret(&secret),
                dummy_hash,
            }),
        })
    }

    fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    // ---------------------------------------------------------------- tokens

    /// Signs a 15-minute access token for `user`.
    pub fn issue_access_token(&self, user: &users::Model) -> Result<String> {
        let now = Utc::now();
        let claims = AccessClaims {
            sub: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone().unwrap_or_default(),
            tier: user.subscription_tier,
            iat: now.timestamp(),
            exp: (now + ACCESS_TTL).timestamp(),
            typ: "access".into(),
        };
        jsonwebtoken::encode(&Header::new(jsonwebtoken::Algorithm::HS256), &claims, &self.inner.enc)
            .map_err(|e| Error::Internal(e.into()))
    }

    /// Verifies an access token (signature, expiry with 5 s leeway, `type == "access"`).
    /// Does not hit the database; use [`Self::me`] when the user must still exist.
    pub fn verify_access_token(&self, token: &str) -> Result<AccessClaims> {
        let mut v = Validation::new(jsonwebtoken::Algorithm::HS256);
        v.leeway = 5;
        v.set_required_spec_claims(&["exp", "sub", "iat"]);
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.inner.dec, &v).map_err(|e| {
            match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => Error::Unauthorized("token_expired"),
                _ => Error::Unauthorized("invalid_token"),
            }
        })?;
        if data.claims.typ != "access" {
            return Err(Error::Unauthorized("invalid_token"));
        }
        Ok(data.claims)
    }

    async fn new_session<C: ConnectionTrait>(
        &self,
        conn: &C,
        user: &users::Model,
        family_id: Option<String>,
        client: &ClientInfo,
    ) -> Result<(AuthSession, String)> {
        let now = Utc::now();
        let token = random_token(32);
        let id = ids::new_id(ids::REFRESH_TOKEN);
        let expires_at = now + REFRESH_TTL;
        refresh_tokens::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user.id.clone()),
            family_id: Set(family_id.unwrap_or_else(|| ids::new_id(ids::TOKEN_FAMILY))),
            token_hash: Set(hash_token(&token)),
            created_at: Set(now),
            expires_at: Set(expires_at),
            last_used_at: Set(None),
            rotated_at: Set(None),
            revoked_at: Set(None),
            revoked_reason: Set(None),
            replaced_by: Set(None),
            user_agent: Set(client.user_agent.as_deref().map(|s| truncate(s, 255))),
            ip: Set(client.ip.as_deref().map(|s| truncate(s, 64))),
        }
        .insert(conn)
        .await?;
        let session = AuthSession {
            user: UserView::from(user),
            access_token: self.issue_access_token(user)?,
            refresh_token: token,
            expires_in: ACCESS_TTL.num_seconds(),
            refresh_expires_at: expires_at,
        };
        Ok((session, id))
    }

    // ---------------------------------------------------------------- flows

    /// Creates an account, sends the verification email, and signs the user in.
    /// An already registered email gives `Conflict{field:"email", code:"email_taken"}`.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn register(&self, input: RegisterInput, client: &ClientInfo) -> Result<AuthSession> {
        let mut errors = Vec::new();
        let email = match normalize_email(&input.email) {
            Ok(e) => Some(e),
            Err(Error::Validation(mut v)) => {
                errors.append(&mut v);
                None
            }
            Err(e) => return Err(e),
        };
        check_password("password", &input.password, &mut errors);
        let name = input.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if let Some(n) = &name {
            check_name(n, &mut errors);
        }
        let Some(email) = email.filter(|_| errors.is_empty()) else {
            return Err(Error::Validation(errors));
        };
        if users::Entity::find().filter(users::Column::Email.eq(&email)).one(self.db()).await?.is_some() {
            return Err(email_taken());
        }
        let hash = hash_password(input.password).await?;
        let now = Utc::now();
        let user = users::Model {
            id: ids::new_id(ids::USER),
            email: email.clone(),
            password_hash: hash,
            name,
            email_verified: false,
            email_verified_at: None,
            subscription_tier: SubscriptionTier::Free,
            password_changed_at: now,
            created_at: now,
            updated_at: now,
        };
        let txn = productsynch_db::begin_write(self.db()).await?;
        if let Err(e) = user.clone().into_active_model().insert(&txn).await {
            return Err(if productsynch_db::is_unique_violation(&e) { email_taken() } else { e.into() });
        }
        default_settings(&user.id, now).insert(&txn).await?;
        let verify_token = create_email_token(&txn, &user, EmailTokenKind::VerifyEmail).await?;
        let (session, _) = self.new_session(&txn, &user, None, client).await?;
        audit(&txn, Some(&user.id), "auth.register", client, None).await?;
        txn.commit().await?;
        self.send_in_background(&user, Template::VerifyEmail {
            name: display_name(&user),
            link: self.inner.cfg.public_link(&format!("/verify-email?token={verify_token}")),
        });
        tracing::info!(user.id = %user.id, "user registered");
        Ok(session)
    }

    /// Email + password → session. Unknown email and wrong password both give
    /// `Unauthorized("invalid_credentials")`, after the same amount of hashing work.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn login(&self, email: &str, password: &str, client: &ClientInfo) -> Result<AuthSession> {
        let email = email.trim().to_lowercase();
        let user = users::Entity::find().filter(users::Column::Email.eq(&email)).one(self.db()).await?;
        let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| self.inner.dummy_hash.clone());
        let ok = verify_password(password.to_owned(), hash).await?;
        let user = match user {
            Some(u) if ok => u,
            other => {
                audit(self.db(), other.as_ref().map(|u| u.id.as_str()), "auth.login_failed", client, None).await?;
                return Err(Error::Unauthorized("invalid_credentials"));
            }
        };
        let txn = productsynch_db::begin_write(self.db()).await?;
        let (session, _) = self.new_session(&txn, &user, None, client).await?;
        audit(&txn, Some(&user.id), "auth.login", client, None).await?;
        txn.commit().await?;
        Ok(session)
    }

    /// Exchanges a refresh token for a new session (rotation). Errors:
    /// `invalid_token` (unknown/revoked), `token_expired`, `token_reused` (the presented token
    /// was already rotated: its whole family is revoked).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn refresh(&self, refresh_token: &str, client: &ClientInfo) -> Result<AuthSession> {
        let hash = hash_token(refresh_token);
        let now = Utc::now();
        let Some(row) =
            refresh_tokens::Entity::find().filter(refresh_tokens::Column::TokenHash.eq(&hash)).one(self.db()).await?
        else {
            return Err(Error::Unauthorized("invalid_token"));
        };
        if row.revoked_at.is_some() {
            return Err(Error::Unauthorized("invalid_token"));
        }
        if row.rotated_at.is_some() {
            self.revoke_family_for_reuse(&row, client).await?;
            return Err(Error::Unauthorized("token_reused"));
        }
        if row.expires_at <= now {
            return Err(Error::Unauthorized("token_expired"));
        }
        let Some(user) = users::Entity::find_by_id(row.user_id.clone()).one(self.db()).await? else {
            return Err(Error::Unauthorized("invalid_token"));
        };
        let txn = productsynch_db::begin_write(self.db()).await?;
        let (session, new_id) = self.new_session(&txn, &user, Some(row.family_id.clone()), client).await?;
        // Guarded update: only one concurrent refresh of the same token can win.
        let res = refresh_tokens::Entity::update_many()
            .col_expr(refresh_tokens::Column::RotatedAt, Expr::value(now))
            .col_expr(refresh_tokens::Column::LastUsedAt, Expr::value(now))
            .col_expr(refresh_tokens::Column::ReplacedBy, Expr::value(new_id))
            .filter(refresh_tokens::Column::Id.eq(&row.id))
            .filter(refresh_tokens::Column::RotatedAt.is_null())
            .filter(refresh_tokens::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            txn.rollback().await?;
            self.revoke_family_for_reuse(&row, client).await?;
            return Err(Error::Unauthorized("token_reused"));
        }
        txn.commit().await?;
        Ok(session)
    }

    async fn revoke_family_for_reuse(&self, row: &refresh_tokens::Model, client: &ClientInfo) -> Result<()> {
        let n = revoke_where(self.db(), refresh_tokens::Column::FamilyId.eq(&row.family_id), "reuse_detected").await?;
        tracing::warn!(user.id = %row.user_id, family = %row.family_id, revoked = n, "refresh token reuse: family revoked");
        audit(
            self.db(),
            Some(&row.user_id),
            "auth.refresh_reuse",
            client,
            Some(serde_json::json!({ "family": row.family_id })),
        )
        .await
    }

    /// Revokes the session (token family) of this refresh token. Unknown tokens are ignored.
    pub async fn logout(&self, refresh_token: &str) -> Result<()> {
        let hash = hash_token(refresh_token);
        if let Some(row) =
            refresh_tokens::Entity::find().filter(refresh_tokens::Column::TokenHash.eq(&hash)).one(self.db()).await?
        {
            revoke_where(self.db(), refresh_tokens::Column::FamilyId.eq(&row.family_id), "logout").await?;
            audit(self.db(), Some(&row.user_id), "auth.logout", &ClientInfo::default(), None).await?;
        }
        Ok(())
    }

    /// Revokes every session of the user. Returns how many tokens were revoked.
    pub async fn logout_all(&self, user_id: &str) -> Result<u64> {
        let n = revoke_where(self.db(), refresh_tokens::Column::UserId.eq(user_id), "logout_all").await?;
        audit(self.db(), Some(user_id), "auth.logout_all", &ClientInfo::default(), None).await?;
        Ok(n)
    }

    /// The user, or `Unauthorized("invalid_token")` when it no longer exists.
    pub async fn me(&self, user_id: &str) -> Result<UserView> {
        Ok(UserView::from(&self.user(user_id).await?))
    }

    /// The user with this email, if any (operator tools such as `productsynch demo`; never exposed over HTTP,
    /// where answers must not reveal whether an email is registered).
    pub async fn find_by_email(&self, email: &str) -> Result<Option<users::Model>> {
        let email = email.trim().to_lowercase();
        Ok(users::Entity::find().filter(users::Column::Email.eq(&email)).one(self.db()).await?)
    }

    /// The full user row (for other services).
    pub async fn user(&self, user_id: &str) -> Result<users::Model> {
        users::Entity::find_by_id(user_id.to_owned()).one(self.db()).await?.ok_or(Error::Unauthorized("invalid_token"))
    }

    /// Updates the name and/or the password. A new password needs `current_password`
    /// (`Unauthorized("invalid_password")` when wrong) and revokes all other sessions.
    pub async fn update_me(&self, user_id: &str, input: UpdateMe) -> Result<UserView> {
        let user = self.user(user_id).await?;
        let mut errors = Vec::new();
        let name = input.name.as_deref().map(str::trim).map(str::to_owned);
        if let Some(n) = &name {
            check_name(n, &mut errors);
        }
        if let Some(pw) = &input.new_password {
            check_password("newPassword", pw, &mut errors);
            if input.current_password.is_none() {
                errors.push(FieldError::new("currentPassword", "required", "Enter your current password"));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let now = Utc::now();
        let mut am = user.clone().into_active_model();
        if let Some(n) = name {
            am.name = Set(if n.is_empty() { None } else { Some(n) });
        }
        let mut password_changed = false;
        if let (Some(new_pw), Some(cur)) = (input.new_password, input.current_password) {
            if !verify_password(cur, user.password_hash.clone()).await? {
                return Err(Error::Unauthorized("invalid_password"));
            }
            am.password_hash = Set(hash_password(new_pw).await?);
            am.password_changed_at = Set(now);
            password_changed = true;
        }
        am.updated_at = Set(now);
        let txn = productsynch_db::begin_write(self.db()).await?;
        let updated = am.update(&txn).await?;
        if password_changed {
            revoke_where(&txn, refresh_tokens::Column::UserId.eq(user_id), "password_changed").await?;
            audit(&txn, Some(user_id), "auth.password_changed", &ClientInfo::default(), None).await?;
        }
        txn.commit().await?;
        Ok(UserView::from(&updated))
    }

    /// The user's notification preferences; a user without a settings row (created before the
    /// row existed) gets one with the defaults (both on).
    pub async fn notification_settings(&self, user_id: &str) -> Result<NotificationSettings> {
        Ok(NotificationSettings::from(&self.settings_row(user_id).await?))
    }

    /// Changes the given notification preferences and returns all of them.
    pub async fn update_notification_settings(
        &self,
        user_id: &str,
        patch: NotificationSettingsPatch,
    ) -> Result<NotificationSettings> {
        let row = self.settings_row(user_id).await?;
        if patch.notify_sync_failures.is_none() && patch.notify_store_disconnected.is_none() {
            return Ok(NotificationSettings::from(&row));
        }
        let mut am = row.into_active_model();
        if let Some(v) = patch.notify_sync_failures {
            am.notify_sync_failures = Set(v);
        }
        if let Some(v) = patch.notify_store_disconnected {
            am.notify_store_disconnected = Set(v);
        }
        am.updated_at = Set(Utc::now());
        let updated = am.update(self.db()).await?;
        Ok(NotificationSettings::from(&updated))
    }

    /// The settings row of an existing user, inserted with the defaults when missing.
    async fn settings_row(&self, user_id: &str) -> Result<user_settings::Model> {
        if let Some(row) = user_settings::Entity::find_by_id(user_id.to_owned()).one(self.db()).await? {
            return Ok(row);
        }
        let user = self.user(user_id).await?;
        match default_settings(&user.id, Utc::now()).insert(self.db()).await {
            Ok(row) => Ok(row),
            // Created concurrently by another request: read that one.
            Err(e) if productsynch_db::is_unique_violation(&e) => user_settings::Entity::find_by_id(user.id.clone())
                .one(self.db())
                .await?
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("user_settings row vanished"))),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes the account and everything it owns (cascade). Needs the password.
    pub async fn delete_account(&self, user_id: &str, password: &str) -> Result<()> {
        let user = self.user(user_id).await?;
        if !verify_password(password.to_owned(), user.password_hash.clone()).await? {
            return Err(Error::Unauthorized("invalid_password"));
        }
        users::Entity::delete_by_id(user.id.clone()).exec(self.db()).await?;
        audit(self.db(), None, "auth.account_deleted", &ClientInfo::default(), Some(serde_json::json!({"user": user.id})))
            .await?;
        tracing::info!(user.id = %user.id, "account deleted");
        Ok(())
    }

    /// Consumes a verification token. Invalid, used or expired → `Unauthorized("invalid_token")`.
    pub async fn verify_email(&self, token: &str) -> Result<UserView> {
        let txn = productsynch_db::begin_write(self.db()).await?;
        let row = consume_email_token(&txn, token, EmailTokenKind::VerifyEmail).await?;
        let user = users::Entity::find_by_id(row.user_id.clone()).one(&txn).await?.ok_or(Error::Unauthorized("invalid_token"))?;
        if user.email != row.email {
            // The address changed since the token was sent.
            return Err(Error::Unauthorized("invalid_token"));
        }
        let now = Utc::now();
        let mut am = user.into_active_model();
        am.email_verified = Set(true);
        am.email_verified_at = Set(Some(now));
        am.updated_at = Set(now);
        let user = am.update(&txn).await?;
        txn.commit().await?;
        Ok(UserView::from(&user))
    }

    /// Sends a fresh verification email (previous unused ones stop working).
    /// Already verified → `Conflict{code:"already_verified"}`.
    pub async fn resend_verification(&self, user_id: &str) -> Result<()> {
        let user = self.user(user_id).await?;
        if user.email_verified {
            return Err(Error::Conflict { field: None, code: "already_verified", message: "Email already verified".into() });
        }
        let token = create_email_token(self.db(), &user, EmailTokenKind::VerifyEmail).await?;
        self.send_in_background(&user, Template::VerifyEmail {
            name: display_name(&user),
            link: self.inner.cfg.public_link(&format!("/verify-email?token={token}")),
        });
        Ok(())
    }

    /// Sends a reset link when the email is registered; answers `Ok(())` either way.
    pub async fn forgot_password(&self, email: &str) -> Result<()> {
        let Ok(email) = normalize_email(email) else { return Ok(()) };
        if let Some(user) = users::Entity::find().filter(users::Column::Email.eq(&email)).one(self.db()).await? {
            let token = create_email_token(self.db(), &user, EmailTokenKind::ResetPassword).await?;
            self.send_in_background(&user, Template::PasswordReset {
                name: display_name(&user),
                link: self.inner.cfg.public_link(&format!("/reset-password?token={token}")),
            });
            audit(self.db(), Some(&user.id), "auth.password_reset_requested", &ClientInfo::default(), None).await?;
        }
        Ok(())
    }

    /// Sets a new password with a reset token; revokes every session. The email counts as
    /// verified afterwards (the user proved they receive mail there).
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<()> {
        let mut errors = Vec::new();
        check_password("password", new_password, &mut errors);
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let hash = hash_password(new_password.to_owned()).await?;
        let txn = productsynch_db::begin_write(self.db()).await?;
        let row = consume_email_token(&txn, token, EmailTokenKind::ResetPassword).await?;
        let user = users::Entity::find_by_id(row.user_id.clone()).one(&txn).await?.ok_or(Error::Unauthorized("invalid_token"))?;
        let now = Utc::now();
        let verified = user.email == row.email;
        let mut am = user.into_active_model();
        am.password_hash = Set(hash);
        am.password_changed_at = Set(now);
        am.updated_at = Set(now);
        if verified {
            am.email_verified = Set(true);
        }
        am.update(&txn).await?;
        revoke_where(&txn, refresh_tokens::Column::UserId.eq(&row.user_id), "password_reset").await?;
        audit(&txn, Some(&row.user_id), "auth.password_reset", &ClientInfo::default(), None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Live sessions (one per token family), newest first. `current_refresh_token` marks
    /// the caller's own session.
    pub async fn list_sessions(&self, user_id: &str, current_refresh_token: Option<&str>) -> Result<Vec<SessionView>> {
        let now = Utc::now();
        let rows = refresh_tokens::Entity::find()
            .filter(refresh_tokens::Column::UserId.eq(user_id))
            .filter(refresh_tokens::Column::RevokedAt.is_null())
            .filter(refresh_tokens::Column::RotatedAt.is_null())
            .filter(refresh_tokens::Column::ExpiresAt.gt(now))
            .order_by_desc(refresh_tokens::Column::CreatedAt)
            .all(self.db())
            .await?;
        let current_hash = current_refresh_token.map(hash_token);
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let started = refresh_tokens::Entity::find()
                .filter(refresh_tokens::Column::FamilyId.eq(&r.family_id))
                .order_by_asc(refresh_tokens::Column::CreatedAt)
                .one(self.db())
                .await?
                .map(|f| f.created_at)
                .unwrap_or(r.created_at);
            out.push(SessionView {
                current: current_hash.as_deref() == Some(r.token_hash.as_str()),
                id: r.family_id,
                created_at: started,
                last_used_at: Some(r.created_at),
                expires_at: r.expires_at,
                user_agent: r.user_agent,
                ip: r.ip,
            });
        }
        Ok(out)
    }

    /// Revokes one session of the user by its id (from `list_sessions`). Someone else's → NotFound.
    pub async fn revoke_session(&self, user_id: &str, session_id: &str) -> Result<()> {
        let n = revoke_where(
            self.db(),
            refresh_tokens::Column::FamilyId.eq(session_id).and(refresh_tokens::Column::UserId.eq(user_id)),
            "session_revoked",
        )
        .await?;
        if n == 0 {
            return Err(Error::NotFound("session"));
        }
        Ok(())
    }

    /// Deletes expired or long-dead refresh and email tokens. Returns rows removed.
    pub async fn cleanup_expired_tokens(&self) -> Result<u64> {
        let now = Utc::now();
        let grace = now - Duration::days(1);
        let a = refresh_tokens::Entity::delete_many()
            .filter(
                refresh_tokens::Column::ExpiresAt
                    .lt(now)
                    .or(refresh_tokens::Column::RevokedAt.lt(grace))
                    .or(refresh_tokens::Column::RotatedAt.lt(now - REFRESH_TTL)),
            )
            .exec(self.db())
            .await?
            .rows_affected;
        let b = email_tokens::Entity::delete_many()
            .filter(email_tokens::Column::ExpiresAt.lt(now).or(email_tokens::Column::UsedAt.lt(grace)))
            .exec(self.db())
            .await?
            .rows_affected;
        Ok(a + b)
    }

    fn send_in_background(&self, user: &users::Model, template: Template) {
        let mailer = self.inner.mailer.clone();
        let to = user.email.clone();
        let user_id = user.id.clone();
        tokio::spawn(async move {
            if let Err(e) = mailer.send(&to, &template).await {
                tracing::warn!(user.id = %user_id, template = template.name(), error = %e, "could not send email");
            }
        });
    }
}

fn email_taken() -> Error {
    Error::Conflict {
        field: Some("email".into()),
        code: "email_taken",
        message: "An account with this email already exists".into(),
    }
}

fn display_name(u: &users::Model) -> String {
    u.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| u.email.split('@').next().unwrap_or("there").to_owned())
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

async fn revoke_where<C: ConnectionTrait>(conn: &C, cond: impl sea_orm::sea_query::IntoCondition, reason: &str) -> Result<u64> {
    let res = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(refresh_tokens::Column::RevokedReason, Expr::value(reason))
        .filter(cond)
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}

async fn create_email_token<C: ConnectionTrait>(conn: &C, user: &users::Model, kind: EmailTokenKind) -> Result<String> {
    let now = Utc::now();
    // Earlier unused tokens of the same kind stop working.
    email_tokens::Entity::update_many()
        .col_expr(email_tokens::Column::UsedAt, Expr::value(now))
        .filter(email_tokens::Column::UserId.eq(&user.id))
        .filter(email_tokens::Column::Kind.eq(kind))
        .filter(email_tokens::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = random_token(32);
    let ttl = match kind {
        EmailTokenKind::VerifyEmail => VERIFY_EMAIL_TTL,
        EmailTokenKind::ResetPassword => RESET_PASSWORD_TTL,
    };
    email_tokens::ActiveModel {
        id: Set(ids::new_id(ids::EMAIL_TOKEN)),
        user_id: Set(user.id.clone()),
        kind: Set(kind),
        token_hash: Set(hash_token(&token)),
        email: Set(user.email.clone()),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// Marks the token used (guarded, so it works once even under concurrency) and returns it.
async fn consume_email_token<C: ConnectionTrait>(conn: &C, token: &str, kind: EmailTokenKind) -> Result<email_tokens::Model> {
    let now = Utc::now();
    let row = email_tokens::Entity::find()
        .filter(email_tokens::Column::TokenHash.eq(hash_token(token)))
        .filter(email_tokens::Column::Kind.eq(kind))
        .one(conn)
        .await?
        .ok_or(Error::Unauthorized("invalid_token"))?;
    if row.used_at.is_some() {
        return Err(Error::Unauthorized("invalid_token"));
    }
    if row.expires_at <= now {
        return Err(Error::Unauthorized("token_expired"));
    }
    let res = email_tokens::Entity::update_many()
        .col_expr(email_tokens::Column::UsedAt, Expr::value(now))
        .filter(email_tokens::Column::Id.eq(&row.id))
        .filter(email_tokens::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        return Err(Error::Unauthorized("invalid_token"));
    }
    Ok(row)
}

/// Appends to `audit_log`.
pub async fn audit<C: ConnectionTrait>(
    conn: &C,
    user_id: Option<&str>,
    action: &str,
    client: &ClientInfo,
    details: Option<serde_json::Value>,
) -> Result<()> {
    audit_log::ActiveModel {
        id: Set(ids::new_id(ids::AUDIT)),
        user_id: Set(user_id.map(str::to_owned)),
        action: Set(action.to_owned()),
        target_type: Set(None),
        target_id: Set(None),
        ip: Set(client.ip.clone()),
        user_agent: Set(client.user_agent.as_deref().map(|s| truncate(s, 255))),
        details: Set(details),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}
