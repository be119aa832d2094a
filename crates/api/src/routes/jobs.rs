//! `GET /api/v1/jobs/{id}`: a background job, visible to its owner only.

use axum::Json;
use axum::extract::State;
use productsynch_core::jobs::JobView;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_job))
}

#[derive(Debug, Deserialize)]
pub struct JobPath {
    pub id: String,
}

/// A background job of the current user (404 for anyone else's).
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_job(State(state): State<AppState>, user: AuthUser, ApiPath(p): ApiPath<JobPath>) -> ApiResult<Json<JobView>> {
    Ok(Json(state.app.jobs().get_for_owner(&p.id, user.id()).await?))
}
