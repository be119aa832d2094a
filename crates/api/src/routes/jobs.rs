//! `GET /api/v1/jobs/{id}`: a background job, visible to its owner only.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use productsynch_core::jobs::JobView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_job))
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Dead,
    Cancelled,
}

impl From<productsynch_db::entities::JobStatus> for JobState {
    fn from(s: productsynch_db::entities::JobStatus) -> Self {
        use productsynch_db::entities::JobStatus as S;
        match s {
            S::Queued => JobState::Queued,
            S::Running => JobState::Running,
            S::Succeeded => JobState::Succeeded,
            S::Dead => JobState::Dead,
            S::Cancelled => JobState::Cancelled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    #[schema(example = "job_01jf3q0m6x8e5s7c9v2b4n6k8p")]
    pub id: String,
    pub queue: String,
    pub kind: String,
    pub status: JobState,
    pub attempts: i32,
    pub max_attempts: i32,
    /// `{current, total, message}` as last reported by the worker.
    pub progress: Option<serde_json::Value>,
    pub result: Option<serde_json::Value>,
    /// The error of the last failed attempt (kept when dead-lettered).
    pub last_error: Option<String>,
    pub shop_id: Option<String>,
    pub run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<JobView> for Job {
    fn from(j: JobView) -> Self {
        Job {
            id: j.id,
            queue: j.queue,
            kind: j.kind,
            status: j.status.into(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            progress: j.progress,
            result: j.result,
            last_error: j.last_error,
            shop_id: j.shop_id,
            run_at: j.run_at,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct JobPath {
    pub id: String,
}

/// A background job of the current user (404 for anyone else's).
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = Job),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_job(State(state): State<AppState>, user: AuthUser, ApiPath(p): ApiPath<JobPath>) -> ApiResult<Json<Job>> {
    Ok(Json(state.app.jobs().get_for_owner(&p.id, user.id()).await?.into()))
}
