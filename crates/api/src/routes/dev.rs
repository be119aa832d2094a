//! `GET /api/v1/dev/outbox`: emails stored by the development outbox. Not mounted in production.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use validator::Validate;

use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(outbox))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only mail sent to this address.
    #[validate(length(min = 1, max = 254))]
    #[param(min_length = 1, max_length = 254)]
    pub to: Option<String>,
    /// At most this many, newest first (default 50, max 500).
    #[validate(range(min = 1, max = 500))]
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEmail {
    pub id: String,
    pub to: String,
    pub from: String,
    pub subject: String,
    pub template: String,
    pub text_body: String,
    pub html_body: String,
    pub backend: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Outbox {
    pub emails: Vec<OutboxEmail>,
}

/// Emails the app has "sent" (development and test only).
#[utoipa::path(get, path = "/dev/outbox", tag = "dev", params(OutboxQuery),
    responses((status = 200, description = "Stored emails, newest first", body = Outbox)))]
async fn outbox(State(state): State<AppState>, ApiQuery(q): ApiQuery<OutboxQuery>) -> ApiResult<Json<Outbox>> {
    let rows = state.app.mailer().outbox(q.to.as_deref(), q.limit.unwrap_or(50)).await?;
    let emails = rows
        .into_iter()
        .map(|m| OutboxEmail {
            id: m.id,
            to: m.to_addr,
            from: m.from_addr,
            subject: m.subject,
            template: m.template,
            text_body: m.text_body,
            html_body: m.html_body,
            backend: m.backend,
            status: m.status,
            created_at: m.created_at,
        })
        .collect();
    Ok(Json(Outbox { emails }))
}
