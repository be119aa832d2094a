//! `/api/v1/auth/*`: accounts and sessions over `productsynch_core::accounts::AccountService`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};
use productsynch_core::accounts::{
    AuthSession, NotificationSettings, NotificationSettingsPatch, RegisterInput, SessionView, UpdateMe, UserView,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use validator::Validate;

use crate::auth::{AuthUser, Client, REFRESH_COOKIE, check_csrf, clear_session_cookies, set_session_cookies};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::rate_limit::Scope;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(logout_all))
        .routes(routes!(me, update_me, delete_me))
        .routes(routes!(my_settings, update_my_settings))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
}

// ------------------------------------------------------------------ DTOs

/// Subscription tier.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Tier {
    Free,
    Starter,
    Professional,
    Enterprise,
}

impl From<productsynch_db::entities::SubscriptionTier> for Tier {
    fn from(t: productsynch_db::entities::SubscriptionTier) -> Self {
        use productsynch_db::entities::SubscriptionTier as T;
        match t {
            T::Free => Tier::Free,
            T::Starter => Tier::Starter,
            T::Professional => Tier::Professional,
            T::Enterprise => Tier::Enterprise,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[schema(example = "usr_01jf3q0m6x8e5s7c9v2b4n6k8p")]
    pub id: String,
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    pub tier: Tier,
    pub created_at: DateTime<Utc>,
}

impl From<UserView> for User {
    fn from(u: UserView) -> Self {
        User {
            id: u.id,
            email: u.email,
            name: u.name,
            email_verified: u.email_verified,
            tier: u.tier.into(),
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthResponse {
    pub user: User,
    /// JWT (HS256), valid for `expiresIn` seconds. Send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; rotated on every `/auth/refresh`. Reusing a rotated token revokes the session.
    pub refresh_token: String,
    #[schema(example = 900)]
    pub expires_in: i64,
}

impl From<AuthSession> for AuthResponse {
    fn from(s: AuthSession) -> Self {
        AuthResponse {
            user: s.user.into(),
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            expires_in: s.expires_in,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(example = "ada@example.com", format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    /// 8 to 128 characters.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 8, max_length = 128, example = "correct horse battery")]
    pub password: String,
    /// Up to 100 characters.
    #[validate(length(max = 200))]
    #[schema(max_length = 100)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(format = Email, min_length = 1, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// The refresh token may come in the body (API clients) or from the `ps_refresh` cookie
/// (browsers; then the CSRF header is required). Send `{}` to use the cookie.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[validate(length(max = 200))]
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// Required with `newPassword`.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: Option<String>,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteMeRequest {
    /// The current password, to confirm.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    /// The token from the emailed link.
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    /// Any string is answered alike (202), registered or not, valid or not.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetPasswordRequest {
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub token: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// The signed-in user's email notification preferences.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    /// Email me when a sync fails for good (after its retries). Default `true`.
    pub notify_sync_failures: bool,
    /// Email me when a store's keys stop working and the shop is disconnected. Default `true`.
    pub notify_store_disconnected: bool,
}

impl From<NotificationSettings> for UserSettings {
    fn from(s: NotificationSettings) -> Self {
        UserSettings {
            notify_sync_failures: s.notify_sync_failures,
            notify_store_disconnected: s.notify_store_disconnected,
        }
    }
}

/// Change notification preferences; a member left out keeps its value.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUserSettingsRequest {
    pub notify_sync_failures: Option<bool>,
    pub notify_store_disconnected: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Revoked {
    /// Number of refresh tokens revoked.
    pub revoked: u64,
}

/// One signed-in device (a refresh-token family).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session of the refresh cookie sent with this request.
    pub current: bool,
}

impl From<SessionView> for Session {
    fn from(s: SessionView) -> Self {
        Session {
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent,
            ip: s.ip,
            current: s.current,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    pub sessions: Vec<Session>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SessionPath {
    pub id: String,
}

// ------------------------------------------------------------------ helpers

fn session_response(state: &AppState, jar: CookieJar, status: StatusCode, session: AuthSession) -> Response {
    let jar = set_session_cookies(jar, &session, state.https);
    (status, jar, Json(AuthResponse::from(session))).into_response()
}

fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The refresh token of a refresh/logout request: the body's, or the cookie's (then CSRF applies).
fn refresh_token_of(
    state: &AppState,
    body: RefreshRequest,
    jar: &CookieJar,
    headers: &axum::http::HeaderMap,
) -> ApiResult<Option<String>> {
    if let Some(t) = body.refresh_token {
        return Ok(Some(t));
    }
    match jar.get(REFRESH_COOKIE) {
        Some(c) if !c.value().is_empty() => {
            check_csrf(&axum::http::Method::POST, headers, jar, state)?;
            Ok(Some(c.value().to_owned()))
        }
        _ => Ok(None),
    }
}

// ------------------------------------------------------------------ handlers

/// Create an account and sign in.
///
/// Sends a verification email. The tokens are also set as cookies for browser clients.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = AuthResponse),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ))]
async fn register(
    State(state): State<AppState>,
    client: Client,
    jar: CookieJar,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> ApiResult<Response> {
    state.limiter.check(Scope::AuthIp, &client.ip).await?;
    let input = RegisterInput { email: body.email, password: body.password, name: body.name };
    let session = state.app.accounts().register(input, &client.info).await?;
    Ok(session_response(&state, jar, StatusCode::CREATED, session))
}

/// Sign in with email and password.
///
/// A wrong password and an unknown email get the same answer.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 401, description = "Invalid email or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ))]
async fn login(
    State(state): State<AppState>,
    client: Client,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    state.limiter.check(Scope::AuthIp, &client.ip).await?;
    state.limiter.check(Scope::AuthAccount, &account_key(&body.email)).await?;
    let session = state.app.accounts().login(&body.email, &body.password, &client.info).await?;
    Ok(session_response(&state, jar, StatusCode::OK, session))
}

/// Exchange a refresh token for a new session (rotation).
///
/// Presenting an already rotated token revokes every token of its session (`token_reused`).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = AuthResponse),
        (status = 401, description = "Invalid, expired or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Cookie used without CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    client: Client,
    jar: CookieJar,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<Response> {
    state.limiter.check(Scope::AuthIp, &client.ip).await?;
    let token = refresh_token_of(&state, body, &jar, &headers)?.ok_or_else(|| ApiError::Unauthorized {
        code: "invalid_token",
        detail: "No refresh token: send refreshToken in the body or the ps_refresh cookie.".into(),
    })?;
    match state.app.accounts().refresh(&token, &client.info).await {
        Ok(session) => Ok(session_response(&state, jar, StatusCode::OK, session)),
        Err(e) => {
            // A dead refresh cookie is useless to the browser: clear it with the error.
            let jar = clear_session_cookies(jar, state.https);
            Ok((jar, ApiError::from(e)).into_response())
        }
    }
}

/// Sign out: revokes the session of the given refresh token and clears the cookies.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = 403, description = "Cookie used without CSRF token", body = Problem, content_type = "application/problem+json"),
    ))]
async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> ApiResult<Response> {
    if let Some(token) = refresh_token_of(&state, body, &jar, &headers)? {
        state.app.accounts().logout(&token).await?;
    }
    let jar = clear_session_cookies(jar, state.https);
    Ok((StatusCode::NO_CONTENT, jar).into_response())
}

/// Sign out everywhere: revokes every session of the current user.
#[utoipa::path(post, path = "/auth/logout-all", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "All sessions revoked", body = Revoked),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
async fn logout_all(State(state): State<AppState>, user: AuthUser, jar: CookieJar) -> ApiResult<Response> {
    let revoked = state.app.accounts().logout_all(user.id()).await?;
    let jar = clear_session_cookies(jar, state.https);
    Ok((jar, Json(Revoked { revoked })).into_response())
}

/// The current user.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = User),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
async fn me(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<User>> {
    Ok(Json(state.app.accounts().me(user.id()).await?.into()))
}

/// Change the name and/or the password.
///
/// A password change needs `currentPassword` and signs out every other session.
#[utoipa::path(patch, path = "/auth/me", tag = "auth", request_body = UpdateMeRequest, security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Updated user", body = User),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input; a wrong current password is `currentPassword` / `invalid_password`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<UpdateMeRequest>,
) -> ApiResult<Json<User>> {
    if body.current_password.is_some() || body.new_password.is_some() {
        state.limiter.check(Scope::AuthAccount, user.id()).await?;
    }
    let input = UpdateMe { name: body.name, current_password: body.current_password, new_password: body.new_password };
    match state.app.accounts().update_me(user.id(), input).await {
        Ok(u) => Ok(Json(u.into())),
        // The session is fine; the field is wrong: a 422 on `currentPassword`, not a 401 (which a
        // client would take for an expired session).
        Err(productsynch_core::Error::Unauthorized("invalid_password")) => {
            Err(ApiError::validation("currentPassword", "invalid_password", "The current password is not correct."))
        }
        Err(e) => Err(e.into()),
    }
}

/// The signed-in user's notification preferences.
#[utoipa::path(get, path = "/auth/me/settings", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The preferences", body = UserSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
async fn my_settings(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<UserSettings>> {
    Ok(Json(state.app.accounts().notification_settings(user.id()).await?.into()))
}

/// Change the signed-in user's notification preferences.
#[utoipa::path(patch, path = "/auth/me/settings", tag = "auth", request_body = UpdateUserSettingsRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "All preferences after the change", body = UserSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Cookie session without a valid CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A member is not a boolean, or is unknown (the problem names it)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_my_settings(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<UpdateUserSettingsRequest>,
) -> ApiResult<Json<UserSettings>> {
    let patch = NotificationSettingsPatch {
        notify_sync_failures: body.notify_sync_failures,
        notify_store_disconnected: body.notify_store_disconnected,
    };
    Ok(Json(state.app.accounts().update_notification_settings(user.id(), patch).await?.into()))
}

/// Delete the account and everything it owns. Needs the current password.
#[utoipa::path(delete, path = "/auth/me", tag = "auth", request_body = DeleteMeRequest, security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Account deleted"),
        (status = 401, description = "Not signed in, or wrong password", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_me(
    State(state): State<AppState>,
    user: AuthUser,
    jar: CookieJar,
    ApiJson(body): ApiJson<DeleteMeRequest>,
) -> ApiResult<Response> {
    state.limiter.check(Scope::AuthAccount, user.id()).await?;
    state.app.accounts().delete_account(user.id(), &body.password).await?;
    let jar = clear_session_cookies(jar, state.https);
    Ok((StatusCode::NO_CONTENT, jar).into_response())
}

/// Confirm the email address with the token from the verification email.
#[utoipa::path(post, path = "/auth/verify-email", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 200, description = "Verified", body = User),
        (status = 401, description = "Invalid, used or expired token", body = Problem, content_type = "application/problem+json"),
    ))]
async fn verify_email(
    State(state): State<AppState>,
    client: Client,
    ApiJson(body): ApiJson<TokenRequest>,
) -> ApiResult<Json<User>> {
    state.limiter.check(Scope::AuthIp, &client.ip).await?;
    Ok(Json(state.app.accounts().verify_email(&body.token).await?.into()))
}

/// Send the verification email again.
#[utoipa::path(post, path = "/auth/resend-verification", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 202, description = "Sent", body = Accepted),
        (status = 409, description = "Already verified", body = Problem, content_type = "application/problem+json"),
    ))]
async fn resend_verification(State(state): State<AppState>, user: AuthUser) -> ApiResult<Response> {
    state.limiter.check(Scope::AuthAccount, user.id()).await?;
    state.app.accounts().resend_verification(user.id()).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { message: "Verification email sent.".into() })).into_response())
}

/// Ask for a password reset link. Answers the same whether or not the email is registered.
#[utoipa::path(post, path = "/auth/forgot-password", tag = "auth", request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the email is registered, a link was sent", body = Accepted),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ))]
async fn forgot_password(
    State(state): State<AppState>,
    client: Client,
    ApiJson(body): ApiJson<ForgotPasswordRequest>,
) -> ApiResult<Response> {
    state.limiter.check(Scope::AuthIp, &client.ip).await?;
    state.limiter.check(Scope::AuthAccount, &account_key(&body.email)).await?;
    state.app.accounts().forgot_password(&body.email).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted { message: "If this email is registered, a reset link is on its way.".into() }),
    )
        .into_response())
}

/// Set a new password with the token from the reset email. Signs out every session.
#[utoipa::path(post, path = "/auth/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "Invalid, used or expired token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Weak password", body = Problem, content_type = "application/problem+json"),
    ))]
async fn reset_password(
    State(state): State<AppState>,
    client: Client,
    ApiJson(body): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    state.limiter.check(Scope::AuthIp, &client.ip).await?;
    state.app.accounts().reset_password(&body.token, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in devices of the current user.
#[utoipa::path(get, path = "/auth/sessions", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Active sessions", body = SessionList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_sessions(State(state): State<AppState>, user: AuthUser, jar: CookieJar) -> ApiResult<Json<SessionList>> {
    let current = jar.get(REFRESH_COOKIE).map(|c| c.value().to_owned());
    let sessions = state.app.accounts().list_sessions(user.id(), current.as_deref()).await?;
    Ok(Json(SessionList { sessions: sessions.into_iter().map(Session::from).collect() }))
}

/// Sign one device out.
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = "auth", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Session revoked"),
        (status = 404, description = "No such session of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke_session(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(p): ApiPath<SessionPath>,
) -> ApiResult<StatusCode> {
    state.app.accounts().revoke_session(user.id(), &p.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
