//! Prometheus counters of the background work, recorded through the `metrics` facade (the API
//! crate installs the recorder and renders `/metrics`; without a recorder these calls do
//! nothing). Names and labels:
//!
//! | series | labels | counts |
//! |---|---|---|
//! | `productsynch_jobs_processed_total` | `queue`, `kind` | finished job attempts (any outcome) |
//! | `productsynch_jobs_succeeded_total` | `queue`, `kind` | attempts that succeeded |
//! | `productsynch_jobs_failed_total` | `queue`, `kind` | attempts that failed (retried or dead-lettered) |
//! | `productsynch_jobs_dead_lettered_total` | `queue`, `kind` | jobs dead-lettered by a worker |
//! | `productsynch_jobs_reaped_total` | | running jobs whose worker was lost (lease expired) |
//! | `productsynch_job_run_seconds` | `queue`, `kind` | histogram of attempt durations |
//! | `productsynch_sync_batches_total` | `type`, `status` | sync batches finished (`COMPLETED`, `FAILED`) |
//! | `productsynch_sync_products_total` | `result` | products synced: `created`, `updated`, `unchanged`, `deleted`, `failed` |
//! | `productsynch_feed_snapshots_total` | `format` | feed files generated and stored |
//! | `productsynch_feed_items_total` | `format` | items written into those files |
//! | `productsynch_feed_pushes_total` | `method`, `status` | push attempts recorded (`succeeded`, `failed`) |
//!
//! Labels are bounded sets (queues, job kinds, enums); never a shop or user id.

use std::time::Duration;

use productsynch_db::entities::{SyncStatus, SyncType};

/// A job attempt finished with the new job status (`succeeded`, `queued` = will retry, `dead`).
pub fn job_finished(queue: &str, kind: &str, status: &str, elapsed: Duration) {
    let (q, k) = (queue.to_owned(), kind.to_owned());
    metrics::counter!("productsynch_jobs_processed_total", "queue" => q.clone(), "kind" => k.clone()).increment(1);
    metrics::histogram!("productsynch_job_run_seconds", "queue" => q.clone(), "kind" => k.clone()).record(elapsed.as_secs_f64());
    match status {
        "succeeded" => {
            metrics::counter!("productsynch_jobs_succeeded_total", "queue" => q, "kind" => k).increment(1);
        }
        "dead" => {
            metrics::counter!("productsynch_jobs_failed_total", "queue" => q.clone(), "kind" => k.clone()).increment(1);
            metrics::counter!("productsynch_jobs_dead_lettered_total", "queue" => q, "kind" => k).increment(1);
        }
        _ => {
            metrics::counter!("productsynch_jobs_failed_total", "queue" => q, "kind" => k).increment(1);
        }
    }
}

/// Running jobs re-queued or dead-lettered because their worker vanished.
pub fn jobs_reaped(n: u64) {
    metrics::counter!("productsynch_jobs_reaped_total").increment(n);
}

fn sync_type_label(t: SyncType) -> String {
    serde_json::to_value(t).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| format!("{t:?}"))
}

fn sync_status_label(s: SyncStatus) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| format!("{s:?}"))
}

/// A sync batch reached a final status.
pub fn sync_batch_finished(sync_type: SyncType, status: SyncStatus) {
    metrics::counter!("productsynch_sync_batches_total", "type" => sync_type_label(sync_type), "status" => sync_status_label(status))
        .increment(1);
}

/// Products written (or found unchanged, deleted, failed) by a committed unit of sync work.
pub fn products_synced(created: i64, updated: i64, unchanged: i64, deleted: i64, failed: i64) {
    for (result, n) in [("created", created), ("updated", updated), ("unchanged", unchanged), ("deleted", deleted), ("failed", failed)] {
        if n > 0 {
            metrics::counter!("productsynch_sync_products_total", "result" => result).increment(n as u64);
        }
    }
}

/// A feed file was generated and stored.
pub fn feed_snapshot(format: &str, items: u64) {
    metrics::counter!("productsynch_feed_snapshots_total", "format" => format.to_owned()).increment(1);
    metrics::counter!("productsynch_feed_items_total", "format" => format.to_owned()).increment(items);
}

/// A push attempt was recorded with its final status.
pub fn push_finished(method: &str, status: &str) {
    metrics::counter!("productsynch_feed_pushes_total", "method" => method.to_owned(), "status" => status.to_owned()).increment(1);
}
