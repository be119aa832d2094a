//! The worker loop: claims jobs of every registered kind, runs them with bounded
//! concurrency, renews their leases, records results, and runs the scheduler — until the
//! shutdown token is cancelled. Then it stops claiming, lets in-flight jobs finish within
//! `SHUTDOWN_TIMEOUT_SECS`, aborts the rest and releases what it still holds.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;
use productsynch_db::entities::jobs;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::App;
use crate::jobs::{JobContext, JobError};

/// Options for [`run_with`].
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Identifies this worker in `jobs.locked_by` and `schedule_runs.fired_by`.
    pub worker_id: String,
    /// Run the scheduler in this process too (default true).
    pub scheduler: bool,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions { worker_id: default_worker_id(), scheduler: true }
    }
}

/// `<host>-<pid>-<random>`.
pub fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "worker".into());
    format!("{host}-{}-{}", std::process::id(), &crate::crypto::random_token(6)[..6])
}

/// Runs job workers and the scheduler until `shutdown` is cancelled.
pub async fn run(app: App, shutdown: CancellationToken) -> anyhow::Result<()> {
    run_with(app, shutdown, WorkerOptions::default()).await
}

pub async fn run_with(app: App, shutdown: CancellationToken, opts: WorkerOptions) -> anyhow::Result<()> {
    let cfg = app.config().worker.clone();
    let wid = opts.worker_id.clone();
    tracing::info!(worker = %wid, concurrency = cfg.concurrency, kinds = ?app.jobs().registered_kinds(), "worker started");

    let sched_handle = opts.scheduler.then(|| {
        let s = app.scheduler().clone();
        let token = shutdown.clone();
        let id = wid.clone();
        tokio::spawn(async move { s.run(id, token).await })
    });

    let sem = Arc::new(Semaphore::new(cfg.concurrency));
    let job_cancel = CancellationToken::new();
    let mut set: JoinSet<()> = JoinSet::new();
    let mut last_reap: Option<Instant> = None;

    while !shutdown.is_cancelled() {
        while set.try_join_next().is_some() {}
        if last_reap.is_none_or(|t| t.elapsed() >= cfg.lease / 2) {
            match app.jobs().reap_expired().await {
                Ok(n) if n > 0 => {
                    crate::telemetry::jobs_reaped(n);
                    tracing::warn!(count = n, "re-queued jobs whose worker was lost");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reaping expired leases failed"),
            }
            last_reap = Some(Instant::now());
        }
        let free = sem.available_permits();
        let kinds = app.jobs().registered_kinds();
        let claimed = if free > 0 && !kinds.is_empty() {
            match app.jobs().claim(&wid, &kinds, free as u64).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming jobs failed");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let got_any = !claimed.is_empty();
        for job in claimed {
            let permit = match sem.clone().acquire_owned().await {
                Ok(p) => p,
                Err(_) => break,
            };
            let app = app.clone();
            let wid = wid.clone();
            let cancel = job_cancel.child_token();
            let span = tracing::info_span!("job", job.id = %job.id, job.kind = %job.kind, queue = %job.queue, attempt = job.attempts);
            set.spawn(
                async move {
                    run_one(app, job, wid, cancel).await;
                    drop(permit);
                }
                .instrument(span),
            );
        }
        if !got_any || sem.available_permits() == 0 {
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = tokio::time::sleep(cfg.poll_interval) => {}
                // wake early when a running job finishes and frees a slot
                Some(_) = set.join_next(), if !set.is_empty() && sem.available_permits() == 0 => {}
            }
        }
    }

    tracing::info!(worker = %wid, in_flight = set.len(), "worker stopping");
    let drained = tokio::time::timeout(cfg.shutdown_timeout, async {
        while set.join_next().await.is_some() {}
    })
    .await
    .is_ok();
    if !drained {
        tracing::warn!(worker = %wid, remaining = set.len(), "shutdown deadline passed; aborting in-flight jobs");
        job_cancel.cancel();
        set.abort_all();
        while set.join_next().await.is_some() {}
    }
    let released = app.jobs().release(&wid).await?;
    if released > 0 {
        tracing::info!(worker = %wid, released, "released claimed jobs");
    }
    if let Some(h) = sched_handle {
        let _ = h.await;
    }
    tracing::info!(worker = %wid, "worker stopped");
    Ok(())
}

async fn run_one(app: App, job: jobs::Model, wid: String, cancel: CancellationToken) {
    let jobs_svc = app.jobs().clone();
    let Some(handler) = jobs_svc.handler(&job.kind) else {
        if jobs_svc.fail(&job, &wid, &format!("no handler for job kind {}", job.kind), true).await.is_ok() {
            crate::telemetry::job_finished(&job.queue, &job.kind, "dead", std::time::Duration::ZERO);
        }
        return;
    };
    // Heartbeat: renew the lease while the handler runs.
    let hb_stop = CancellationToken::new();
    let hb = {
        let (svc, id, w, stop) = (jobs_svc.clone(), job.id.clone(), wid.clone(), hb_stop.clone());
        let every = (svc.config().lease / 3).max(std::time::Duration::from_millis(100));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tokio::time::sleep(every) => {
                        if let Err(e) = svc.heartbeat(&id, &w).await {
                            tracing::warn!(error = %e, "job heartbeat failed");
                        }
                    }
                }
            }
        })
    };
    let ctx = JobContext { job: job.clone(), app: app.clone(), worker_id: wid.clone(), cancel };
    let started = Instant::now();
    let outcome = AssertUnwindSafe(handler(ctx)).catch_unwind().await;
    hb_stop.cancel();
    let _ = hb.await;
    let res = match outcome {
        Ok(Ok(result)) => jobs_svc.complete(&job.id, &wid, result).await.map(|_| "succeeded"),
        Ok(Err(JobError::Retry(e))) => jobs_svc.fail(&job, &wid, &format!("{e:#}"), false).await.map(|s| s.as_str()),
        Ok(Err(JobError::Permanent(e))) => jobs_svc.fail(&job, &wid, &format!("{e:#}"), true).await.map(|s| s.as_str()),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "handler panicked".into());
            jobs_svc.fail(&job, &wid, &format!("panic: {msg}"), false).await.map(|s| s.as_str())
        }
    };
    match res {
        Ok(status) => {
            crate::telemetry::job_finished(&job.queue, &job.kind, status, started.elapsed());
            tracing::info!(status, elapsed_ms = started.elapsed().as_millis() as u64, "job finished")
        }
        Err(e) => tracing::error!(error = %e, "could not record job outcome"),
    }
}
