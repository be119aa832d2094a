//! A small, tested job queue in our own `jobs` table (SQLite and PostgreSQL).
//!
//! * **Enqueue** with [`JobQueue::enqueue`] or, inside a caller's transaction, with
//!   [`JobQueue::enqueue_in`], so a job is committed together with the data it acts on.
//!   A `dedupe_key` keeps at most one queued/running job per key.
//! * **Claim** safely by several workers: PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite a
//!   single `UPDATE … WHERE status='queued' … RETURNING` (SQLite serialises writers).
//!   Claiming sets a lease (`locked_until`) that the running worker renews (heartbeat).
//! * **Retry** failed attempts with exponential backoff and jitter; after `max_attempts`
//!   (or a permanent error) the job is **dead-lettered** (`status = dead`) with `last_error`.
//! * Jobs whose worker vanished (lease expired) are re-queued by [`JobQueue::reap_expired`].
//! * **Progress**: `{"current","total","message"}` in `progress`, visible through
//!   [`JobQueue::get_for_owner`] (`GET /api/v1/jobs/:id`).
//! * **Handlers** are registered by job kind ([`JobQueue::register`]); the worker loop in
//!   [`crate::worker`] claims only kinds it has handlers for.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use productsynch_db::entities::{JobStatus, jobs};
use productsynch_db::ids;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, Value,
};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::config::WorkerConfig;
use crate::error::{Error, Result};

/// Queue names (spec §11.1, plus `maintenance` for cleanup and health checks).
pub mod queues {
    pub const PRODUCT_SYNC: &str = "product-sync";
    pub const AI_ENRICHMENT: &str = "ai-enrichment";
    pub const FEED_GENERATION: &str = "feed-generation";
    pub const WEBHOOKS: &str = "webhooks";
    pub const ANALYTICS: &str = "analytics";
    pub const MAINTENANCE: &str = "maintenance";
    pub const ALL: &[&str] = &[PRODUCT_SYNC, AI_ENRICHMENT, FEED_GENERATION, WEBHOOKS, ANALYTICS, MAINTENANCE];
}

/// A job to enqueue. Build with [`NewJob::new`] and the chained setters.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub queue: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub user_id: Option<String>,
    pub shop_id: Option<String>,
    pub dedupe_key: Option<String>,
    pub run_at: Option<DateTime<Utc>>,
    pub max_attempts: Option<i32>,
}

impl NewJob {
    pub fn new(queue: &str, kind: &str, payload: impl Serialize) -> NewJob {
        NewJob {
            queue: queue.to_owned(),
            kind: kind.to_owned(),
            payload: serde_json::to_value(payload).unwrap_or(serde_json::Value::Null),
            user_id: None,
            shop_id: None,
            dedupe_key: None,
            run_at: None,
            max_attempts: None,
        }
    }
    /// The owner: only this user sees the job through `get_for_owner`.
    pub fn for_user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }
    pub fn for_shop(mut self, shop_id: impl Into<String>) -> Self {
        self.shop_id = Some(shop_id.into());
        self
    }
    /// At most one queued or running job per key; enqueueing again returns the live one.
    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }
    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }
    pub fn max_attempts(mut self, n: i32) -> Self {
        self.max_attempts = Some(std::cmp::Ord::max(n, 1));
        self
    }
}

/// Result of an enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    pub id: String,
    /// False when an existing live job with the same dedupe key was returned instead.
    pub created: bool,
}

/// Progress as reported by a handler.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub current: u64,
    pub total: Option<u64>,
    pub message: Option<String>,
}

/// A job as its owner sees it (`GET /api/v1/jobs/:id`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Job))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub id: String,
    pub queue: String,
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::JobState))]
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub progress: Option<serde_json::Value>,
    pub result: Option<serde_json::Value>,
    pub last_error: Option<String>,
    pub shop_id: Option<String>,
    pub run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<jobs::Model> for JobView {
    fn from(j: jobs::Model) -> Self {
        JobView {
            id: j.id,
            queue: j.queue,
            kind: j.kind,
            status: j.status,
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

/// How a handler failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (backoff), until `max_attempts`.
    #[error("{0:#}")]
    Retry(anyhow::Error),
    /// Do not retry: dead-letter now.
    #[error("{0:#}")]
    Permanent(anyhow::Error),
}

impl From<anyhow::Error> for JobError {
    fn from(e: anyhow::Error) -> Self {
        JobError::Retry(e)
    }
}

impl From<Error> for JobError {
    fn from(e: Error) -> Self {
        match e {
            Error::Validation(_) | Error::NotFound(_) | Error::Forbidden(_) | Error::Unauthorized(_) => {
                JobError::Permanent(anyhow::Error::new(e))
            }
            other => JobError::Retry(anyhow::Error::new(other)),
        }
    }
}

impl From<sea_orm::DbErr> for JobError {
    fn from(e: sea_orm::DbErr) -> Self {
        JobError::Retry(e.into())
    }
}

pub type JobResult = std::result::Result<Option<serde_json::Value>, JobError>;
type HandlerFn = Arc<dyn Fn(JobContext) -> BoxFuture<'static, JobResult> + Send + Sync>;

/// What a handler receives.
#[derive(Clone)]
pub struct JobContext {
    /// The claimed row (attempts already counts this attempt).
    pub job: jobs::Model,
    pub app: crate::App,
    pub worker_id: String,
    /// Cancelled when the worker shuts down past its deadline; long handlers should check it.
    pub cancel: CancellationToken,
}

impl JobContext {
    pub fn id(&self) -> &str {
        &self.job.id
    }
    /// Deserialises the payload; a malformed payload is a permanent failure.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> std::result::Result<T, JobError> {
        serde_json::from_value(self.job.payload.clone())
            .map_err(|e| JobError::Permanent(anyhow::anyhow!("invalid payload for {}: {e}", self.job.kind)))
    }
    /// Stores progress (also renews the lease).
    pub async fn progress(&self, current: u64, total: Option<u64>, message: Option<&str>) -> Result<()> {
        let p = Progress { current, total, message: message.map(str::to_owned) };
        self.app.jobs().report_progress(&self.job.id, &self.worker_id, &p).await
    }
}

#[derive(Clone)]
pub struct JobQueue {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    cfg: WorkerConfig,
    handlers: RwLock<HashMap<String, HandlerFn>>,
}

fn ts(t: DateTime<Utc>) -> Value {
    Value::ChronoDateTimeUtc(Some(t))
}

impl JobQueue {
    pub fn new(db: DatabaseConnection, cfg: WorkerConfig) -> JobQueue {
        JobQueue { inner: Arc::new(Inner { db, cfg, handlers: RwLock::new(HashMap::new()) }) }
    }

    pub fn config(&self) -> &WorkerConfig {
        &self.inner.cfg
    }

    // ------------------------------------------------------------- handlers

    /// Registers the handler of a job kind (replaces an earlier one).
    pub fn register<F, Fut>(&self, kind: &str, handler: F)
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        let f: HandlerFn = Arc::new(move |ctx| Box::pin(handler(ctx)));
        self.inner.handlers.write().expect("handler registry lock").insert(kind.to_owned(), f);
    }

    /// Job kinds with a handler.
    pub fn registered_kinds(&self) -> Vec<String> {
        let mut v: Vec<String> = self.inner.handlers.read().expect("handler registry lock").keys().cloned().collect();
        v.sort();
        v
    }

    pub(crate) fn handler(&self, kind: &str) -> Option<HandlerFn> {
        self.inner.handlers.read().expect("handler registry lock").get(kind).cloned()
    }

    // ------------------------------------------------------------- enqueue

    /// Enqueues on the app's connection.
    pub async fn enqueue(&self, job: NewJob) -> Result<Enqueued> {
        self.enqueue_in(&self.inner.db, job).await
    }

    /// Enqueues on `conn`, which may be the caller's transaction.
    pub async fn enqueue_in<C: ConnectionTrait>(&self, conn: &C, job: NewJob) -> Result<Enqueued> {
        if !queues::ALL.contains(&job.queue.as_str()) {
            return Err(Error::Internal(anyhow::anyhow!("unknown queue {:?}", job.queue)));
        }
        let now = Utc::now();
        let id = ids::new_id(ids::JOB);
        let am = jobs::ActiveModel {
            id: Set(id.clone()),
            queue: Set(job.queue),
            kind: Set(job.kind),
            payload: Set(job.payload),
            status: Set(JobStatus::Queued),
            attempts: Set(0),
            max_attempts: Set(job.max_attempts.unwrap_or(self.inner.cfg.job_max_attempts)),
            run_at: Set(job.run_at.unwrap_or(now)),
            locked_by: Set(None),
            locked_until: Set(None),
            progress: Set(None),
            result: Set(None),
            last_error: Set(None),
            user_id: Set(job.user_id),
            shop_id: Set(job.shop_id),
            dedupe_key: Set(job.dedupe_key.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            started_at: Set(None),
            finished_at: Set(None),
        };
        let Some(key) = job.dedupe_key else {
            jobs::Entity::insert(am).exec_without_returning(conn).await?;
            return Ok(Enqueued { id, created: true });
        };
        // ON CONFLICT DO NOTHING keeps the caller's PostgreSQL transaction usable.
        let res = jobs::Entity::insert(am)
            .on_conflict(OnConflict::column(jobs::Column::DedupeKey).do_nothing().to_owned())
            .exec_without_returning(conn)
            .await;
        let inserted = match res {
            Ok(n) => n > 0,
            Err(sea_orm::DbErr::RecordNotInserted) => false,
            Err(e) => return Err(e.into()),
        };
        if inserted {
            return Ok(Enqueued { id, created: true });
        }
        let existing = jobs::Entity::find()
            .filter(jobs::Column::DedupeKey.eq(&key))
            .one(conn)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("dedupe conflict on {key:?} but no live job")))?;
        Ok(Enqueued { id: existing.id, created: false })
    }

    // ------------------------------------------------------------- read

    pub async fn get(&self, id: &str) -> Result<jobs::Model> {
        jobs::Entity::find_by_id(id.to_owned()).one(&self.inner.db).await?.ok_or(Error::NotFound("job"))
    }

    /// The job if `user_id` owns it; someone else's (or an ownerless) job is `NotFound`.
    pub async fn get_for_owner(&self, id: &str, user_id: &str) -> Result<JobView> {
        jobs::Entity::find_by_id(id.to_owned())
            .filter(jobs::Column::UserId.eq(user_id))
            .one(&self.inner.db)
            .await?
            .map(JobView::from)
            .ok_or(Error::NotFound("job"))
    }

    /// A user's jobs, newest first, optionally for one shop.
    pub async fn list_for_owner(&self, user_id: &str, shop_id: Option<&str>, limit: u64) -> Result<Vec<JobView>> {
        let mut q = jobs::Entity::find().filter(jobs::Column::UserId.eq(user_id));
        if let Some(s) = shop_id {
            q = q.filter(jobs::Column::ShopId.eq(s));
        }
        Ok(q.order_by_desc(jobs::Column::CreatedAt)
            .limit(limit)
            .all(&self.inner.db)
            .await?
            .into_iter()
            .map(JobView::from)
            .collect())
    }

    /// Counts by queue and status (for metrics): every known queue × every status, zeros
    /// included (a group that empties must read 0, not keep its last value), plus any other
    /// queue found in the table.
    pub async fn counts(&self) -> Result<Vec<(String, JobStatus, i64)>> {
        #[derive(Debug, sea_orm::FromQueryResult)]
        struct Row {
            queue: String,
            status: JobStatus,
            n: i64,
        }
        let rows = jobs::Entity::find()
            .select_only()
            .column(jobs::Column::Queue)
            .column(jobs::Column::Status)
            .column_as(Expr::col(jobs::Column::Id).count(), "n")
            .group_by(jobs::Column::Queue)
            .group_by(jobs::Column::Status)
            .into_model::<Row>()
            .all(&self.inner.db)
            .await?;
        Ok(full_grid(rows.into_iter().map(|r| (r.queue, r.status, r.n))))
    }

    // ------------------------------------------------------------- worker side

    /// Claims up to `limit` due jobs of the given kinds for `worker_id`, oldest `run_at` first.
    pub async fn claim(&self, worker_id: &str, kinds: &[String], limit: u64) -> Result<Vec<jobs::Model>> {
        if kinds.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let db = &self.inner.db;
        let backend = db.get_database_backend();
        let now = Utc::now();
        let lease_until = now + chrono::Duration::from_std(self.inner.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
        // Numbered placeholders: `$n` on PostgreSQL, `?n` on SQLite.
        let p = |i: usize| if backend == DatabaseBackend::Postgres { format!("${i}") } else { format!("?{i}") };
        let mut values: Vec<Value> = vec![worker_id.into(), ts(lease_until), ts(now), (limit as i64).into()];
        let mut kind_ph = Vec::new();
        for k in kinds {
            values.push(k.as_str().into());
            kind_ph.push(p(values.len()));
        }
        let set = format!(
            "status = 'running', attempts = attempts + 1, locked_by = {w}, locked_until = {l}, \
             started_at = COALESCE(started_at, {n}), updated_at = {n}",
            w = p(1),
            l = p(2),
            n = p(3)
        );
        let pick = format!(
            "SELECT id FROM jobs WHERE status = 'queued' AND run_at <= {n} AND kind IN ({k}) \
             ORDER BY run_at, id LIMIT {lim}",
            n = p(3),
            k = kind_ph.join(", "),
            lim = p(4)
        );
        let sql = match backend {
            DatabaseBackend::Postgres => {
                // ARRAY(...) evaluates the locking sub-select exactly once (a plain `IN (…)` may be
                // re-run by the planner and lock more than LIMIT rows).
                format!(
                    "UPDATE jobs SET {set} WHERE id = ANY(ARRAY({pick} FOR UPDATE SKIP LOCKED)) \
                     AND status = 'queued' RETURNING *"
                )
            }
            // SQLite runs one writer at a time; the status guard makes the claim idempotent.
            _ => format!("UPDATE jobs SET {set} WHERE id IN ({pick}) AND status = 'queued' RETURNING *"),
        };
        let stmt = Statement::from_sql_and_values(backend, sql, values);
        let mut claimed = jobs::Entity::find().from_raw_sql(stmt).all(db).await?;
        claimed.sort_by(|a, b| (a.run_at, &a.id).cmp(&(b.run_at, &b.id)));
        Ok(claimed)
    }

    /// Renews the lease of a running job held by `worker_id`. False if it is no longer ours.
    pub async fn heartbeat(&self, id: &str, worker_id: &str) -> Result<bool> {
        let until = Utc::now() + chrono::Duration::from_std(self.inner.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
        let res = jobs::Entity::update_many()
            .col_expr(jobs::Column::LockedUntil, Expr::value(until))
            .filter(jobs::Column::Id.eq(id))
            .filter(jobs::Column::LockedBy.eq(worker_id))
            .filter(jobs::Column::Status.eq(JobStatus::Running))
            .exec(&self.inner.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Stores progress and renews the lease.
    pub async fn report_progress(&self, id: &str, worker_id: &str, progress: &Progress) -> Result<()> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(self.inner.cfg.lease).unwrap_or(chrono::Duration::seconds(60));
        let value = serde_json::to_value(progress).map_err(|e| Error::Internal(e.into()))?;
        jobs::Entity::update_many()
            .col_expr(jobs::Column::Progress, Expr::value(value))
            .col_expr(jobs::Column::LockedUntil, Expr::value(until))
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now))
            .filter(jobs::Column::Id.eq(id))
            .filter(jobs::Column::LockedBy.eq(worker_id))
            .filter(jobs::Column::Status.eq(JobStatus::Running))
            .exec(&self.inner.db)
            .await?;
        Ok(())
    }

    /// Marks a running job succeeded. False if the job was not ours any more.
    pub async fn complete(&self, id: &str, worker_id: &str, result: Option<serde_json::Value>) -> Result<bool> {
        let now = Utc::now();
        let res = jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Succeeded.as_str()))
            .col_expr(jobs::Column::Result, Expr::value(result))
            .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(jobs::Column::DedupeKey, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::FinishedAt, Expr::value(now))
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now))
            .filter(jobs::Column::Id.eq(id))
            .filter(jobs::Column::LockedBy.eq(worker_id))
            .filter(jobs::Column::Status.eq(JobStatus::Running))
            .exec(&self.inner.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Records a failed attempt: back to `queued` with a backoff delay, or `dead` when
    /// attempts are used up or `permanent`. Returns the new status.
    pub async fn fail(&self, job: &jobs::Model, worker_id: &str, error: &str, permanent: bool) -> Result<JobStatus> {
        let now = Utc::now();
        let dead = permanent || job.attempts >= job.max_attempts;
        let error: String = error.chars().take(4000).collect();
        let mut q = jobs::Entity::update_many()
            .col_expr(jobs::Column::LastError, Expr::value(error))
            .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now));
        let status = if dead {
            q = q
                .col_expr(jobs::Column::Status, Expr::value(JobStatus::Dead.as_str()))
                .col_expr(jobs::Column::DedupeKey, Expr::value(Option::<String>::None))
                .col_expr(jobs::Column::FinishedAt, Expr::value(now));
            JobStatus::Dead
        } else {
            let delay = backoff(job.attempts, &self.inner.cfg);
            q = q
                .col_expr(jobs::Column::Status, Expr::value(JobStatus::Queued.as_str()))
                .col_expr(jobs::Column::RunAt, Expr::value(now + delay));
            JobStatus::Queued
        };
        q.filter(jobs::Column::Id.eq(&job.id))
            .filter(jobs::Column::LockedBy.eq(worker_id))
            .filter(jobs::Column::Status.eq(JobStatus::Running))
            .exec(&self.inner.db)
            .await?;
        Ok(status)
    }

    /// Gives back jobs a stopping worker still holds, without counting the attempt.
    pub async fn release(&self, worker_id: &str) -> Result<u64> {
        let now = Utc::now();
        let res = jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Queued.as_str()))
            .col_expr(jobs::Column::Attempts, Expr::col(jobs::Column::Attempts).sub(1))
            .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(jobs::Column::RunAt, Expr::value(now))
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now))
            .filter(jobs::Column::LockedBy.eq(worker_id))
            .filter(jobs::Column::Status.eq(JobStatus::Running))
            .exec(&self.inner.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Re-queues running jobs whose lease expired (their worker died); the lost attempt
    /// counts, so a job that keeps killing workers ends up dead. Returns rows changed.
    pub async fn reap_expired(&self) -> Result<u64> {
        let now = Utc::now();
        let base = jobs::Entity::update_many()
            .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now))
            .filter(jobs::Column::Status.eq(JobStatus::Running))
            .filter(jobs::Column::LockedUntil.lt(now));
        let dead = base
            .clone()
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Dead.as_str()))
            .col_expr(jobs::Column::DedupeKey, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::FinishedAt, Expr::value(now))
            .col_expr(jobs::Column::LastError, Expr::value("worker lost (lease expired)"))
            .filter(Expr::col(jobs::Column::Attempts).gte(Expr::col(jobs::Column::MaxAttempts)))
            .exec(&self.inner.db)
            .await?
            .rows_affected;
        let requeued = base
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Queued.as_str()))
            .col_expr(jobs::Column::RunAt, Expr::value(now))
            .col_expr(jobs::Column::LastError, Expr::value("worker lost (lease expired)"))
            .exec(&self.inner.db)
            .await?
            .rows_affected;
        Ok(dead + requeued)
    }

    /// Cancels a queued job of the owner. Running or finished jobs give `Conflict`.
    pub async fn cancel(&self, id: &str, user_id: &str) -> Result<JobView> {
        let job = self.get_for_owner(id, user_id).await?;
        let now = Utc::now();
        let res = jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Cancelled.as_str()))
            .col_expr(jobs::Column::DedupeKey, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::FinishedAt, Expr::value(now))
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now))
            .filter(jobs::Column::Id.eq(&job.id))
            .filter(jobs::Column::Status.eq(JobStatus::Queued))
            .exec(&self.inner.db)
            .await?;
        if res.rows_affected != 1 {
            return Err(Error::Conflict {
                field: None,
                code: "job_not_queued",
                message: "Only queued jobs can be cancelled".into(),
            });
        }
        self.get_for_owner(id, user_id).await
    }

    /// Deletes finished jobs older than `age`. Returns rows removed.
    pub async fn purge_finished(&self, age: chrono::Duration) -> Result<u64> {
        let cutoff = Utc::now() - age;
        Ok(jobs::Entity::delete_many()
            .filter(jobs::Column::Status.is_in([JobStatus::Succeeded, JobStatus::Cancelled, JobStatus::Dead]))
            .filter(jobs::Column::FinishedAt.lt(cutoff))
            .exec(&self.inner.db)
            .await?
            .rows_affected)
    }
}

/// Every known queue × every status with its count (0 when absent), then other queues' groups.
fn full_grid(found: impl IntoIterator<Item = (String, JobStatus, i64)>) -> Vec<(String, JobStatus, i64)> {
    use sea_orm::Iterable;
    let found: Vec<(String, JobStatus, i64)> = found.into_iter().collect();
    let mut out = Vec::new();
    for q in queues::ALL {
        for st in JobStatus::iter() {
            let n = found.iter().filter(|(fq, fs, _)| fq == q && *fs == st).map(|(_, _, n)| *n).sum();
            out.push(((*q).to_owned(), st, n));
        }
    }
    out.extend(found.into_iter().filter(|(q, _, _)| !queues::ALL.contains(&q.as_str())));
    out
}

/// Delay before retry number `attempts` (1-based): `base · 2^(attempts-1)` capped at `max`,
/// with "equal jitter" (half fixed, half random), so retries of many jobs spread out.
pub fn backoff(attempts: i32, cfg: &WorkerConfig) -> chrono::Duration {
    use rand::Rng;
    let exp = attempts.clamp(1, 30) as u32 - 1;
    let raw = cfg.retry_base.saturating_mul(2u32.saturating_pow(exp));
    let capped = raw.min(cfg.retry_max);
    let half = capped / 2;
    let jitter = if half.is_zero() {
        Duration::ZERO
    } else {
        Duration::from_millis(rand::rng().random_range(0..=half.as_millis() as u64))
    };
    chrono::Duration::from_std(half + jitter).unwrap_or(chrono::Duration::seconds(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cover_every_queue_and_status_with_zeros() {
        let grid = full_grid([("webhooks".to_owned(), JobStatus::Queued, 3), ("legacy".to_owned(), JobStatus::Dead, 1)]);
        assert_eq!(grid.len(), queues::ALL.len() * 5 + 1);
        assert!(grid.contains(&("webhooks".into(), JobStatus::Queued, 3)));
        assert!(grid.contains(&("webhooks".into(), JobStatus::Running, 0)));
        assert!(grid.contains(&("maintenance".into(), JobStatus::Dead, 0)));
        assert!(grid.contains(&("legacy".into(), JobStatus::Dead, 1)));
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let cfg = WorkerConfig {
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(100),
            ..WorkerConfig::default()
        };
        for _ in 0..50 {
            let d1 = backoff(1, &cfg).num_milliseconds();
            assert!((5_000..=10_000).contains(&d1), "{d1}");
            let d3 = backoff(3, &cfg).num_milliseconds();
            assert!((20_000..=40_000).contains(&d3), "{d3}");
            let d10 = backoff(10, &cfg).num_milliseconds();
            assert!((50_000..=100_000).contains(&d10), "{d10}");
        }
    }
}
