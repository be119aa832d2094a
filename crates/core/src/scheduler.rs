//! Cron-like UTC schedules (spec §11.2) that fire **once per slot** across all workers.
//!
//! Firing a slot inserts `(schedule, slot)` into `schedule_runs` (unique) and, in the same
//! transaction, enqueues the schedule's job; a second worker racing for the same slot hits
//! the unique row and does nothing. Expressions use the `cron` crate's 6-field syntax
//! (`sec min hour day-of-month month day-of-week`), always in UTC.

use std::str::FromStr;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use productsynch_db::entities::schedule_runs;
use productsynch_db::ids;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::jobs::{JobQueue, NewJob};

/// The schedules of spec §11.2.
pub mod every {
    /// `*/15 * * * *` — sync all enabled shops.
    pub const FIFTEEN_MINUTES: &str = "0 */15 * * * *";
    /// `0 * * * *` — connection health check.
    pub const HOUR: &str = "0 0 * * * *";
    /// `0 1 * * *` — daily analytics rollup.
    pub const DAY_AT_0100: &str = "0 0 1 * * *";
    /// `0 3 * * *` — cleanup of stale data.
    pub const DAY_AT_0300: &str = "0 0 3 * * *";
}

/// How far back a starting scheduler looks for a slot nobody fired (e.g. a restart at 03:00:30).
const STARTUP_LOOKBACK: Duration = Duration::minutes(2);

struct ScheduleDef {
    name: String,
    expr: String,
    schedule: cron::Schedule,
    job: NewJob,
}

#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    jobs: JobQueue,
    defs: RwLock<Vec<Arc<ScheduleDef>>>,
}

impl Scheduler {
    pub fn new(db: DatabaseConnection, jobs: JobQueue) -> Scheduler {
        Scheduler { inner: Arc::new(Inner { db, jobs, defs: RwLock::new(Vec::new()) }) }
    }

    /// Registers (or replaces) a schedule: at each slot of `cron_expr` (UTC), enqueue `job`.
    pub fn register(&self, name: &str, cron_expr: &str, job: NewJob) -> Result<()> {
        let schedule = cron::Schedule::from_str(cron_expr)
            .map_err(|e| Error::Internal(anyhow::anyhow!("bad cron expression {cron_expr:?} for {name}: {e}")))?;
        let def = Arc::new(ScheduleDef { name: name.to_owned(), expr: cron_expr.to_owned(), schedule, job });
        let mut defs = self.inner.defs.write().expect("schedule registry lock");
        defs.retain(|d| d.name != name);
        defs.push(def);
        Ok(())
    }

    /// `(name, cron expression)` of every registered schedule.
    pub fn schedules(&self) -> Vec<(String, String)> {
        self.inner.defs.read().expect("schedule registry lock").iter().map(|d| (d.name.clone(), d.expr.clone())).collect()
    }

    fn defs(&self) -> Vec<Arc<ScheduleDef>> {
        self.inner.defs.read().expect("schedule registry lock").clone()
    }

    /// Fires `name` for `slot` unless some worker already did. Returns the job id when this
    /// call fired it.
    pub async fn fire_slot(&self, name: &str, slot: DateTime<Utc>, worker_id: &str) -> Result<Option<String>> {
        let def = self
            .defs()
            .into_iter()
            .find(|d| d.name == name)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("no schedule named {name}")))?;
        let txn = productsynch_db::begin_write(&self.inner.db).await?;
        let run_id = ids::new_id(ids::SCHEDULE_RUN);
        let inserted = schedule_runs::Entity::insert(schedule_runs::ActiveModel {
            id: Set(run_id.clone()),
            schedule: Set(name.to_owned()),
            slot: Set(slot),
            fired_by: Set(worker_id.to_owned()),
            fired_at: Set(Utc::now()),
            job_id: Set(None),
        })
        .on_conflict(
            OnConflict::columns([schedule_runs::Column::Schedule, schedule_runs::Column::Slot]).do_nothing().to_owned(),
        )
        .exec_without_returning(&txn)
        .await;
        let inserted = match inserted {
            Ok(n) => n > 0,
            Err(sea_orm::DbErr::RecordNotInserted) => false,
            Err(e) => return Err(e.into()),
        };
        if !inserted {
            txn.rollback().await?;
            return Ok(None);
        }
        let mut job = def.job.clone().dedupe(format!("schedule:{name}:{}", slot.to_rfc3339()));
        if let Some(obj) = job.payload.as_object_mut() {
            obj.insert("slot".into(), serde_json::Value::String(slot.to_rfc3339()));
        }
        let enq = self.inner.jobs.enqueue_in(&txn, job).await?;
        schedule_runs::Entity::update(schedule_runs::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(run_id),
            job_id: Set(Some(enq.id.clone())),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        txn.commit().await?;
        tracing::info!(schedule = name, slot = %slot, job.id = %enq.id, "schedule fired");
        Ok(Some(enq.id))
    }

    /// Fires, for every schedule, the latest slot in `(since, now]` (missed older slots are
    /// skipped, not replayed). Returns `(schedule, slot, job id)` for slots this call fired.
    pub async fn tick(&self, worker_id: &str, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<(String, DateTime<Utc>, String)>> {
        let mut fired = Vec::new();
        for def in self.defs() {
            let Some(slot) = def.schedule.after(&since).take_while(|t| *t <= now).last() else { continue };
            if let Some(job_id) = self.fire_slot(&def.name, slot, worker_id).await? {
                fired.push((def.name.clone(), slot, job_id));
            }
        }
        Ok(fired)
    }

    /// Runs until `shutdown`: checks every second for due slots.
    pub async fn run(&self, worker_id: String, shutdown: CancellationToken) {
        let mut since = Utc::now() - STARTUP_LOOKBACK;
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(1));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = interval.tick() => {}
            }
            let now = Utc::now();
            match self.tick(&worker_id, since, now).await {
                Ok(_) => since = now,
                Err(e) => tracing::warn!(error = %e, "scheduler tick failed; will retry"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_expressions_parse_and_give_utc_slots() {
        let base: DateTime<Utc> = "2026-11-28T00:07:00Z".parse().unwrap();
        let next = |e: &str| cron::Schedule::from_str(e).unwrap().after(&base).next().unwrap().to_rfc3339();
        assert_eq!(next(every::FIFTEEN_MINUTES), "2026-11-28T00:15:00+00:00");
        assert_eq!(next(every::HOUR), "2026-11-28T01:00:00+00:00");
        assert_eq!(next(every::DAY_AT_0100), "2026-11-28T01:00:00+00:00");
        assert_eq!(next(every::DAY_AT_0300), "2026-11-28T03:00:00+00:00");
    }
}
