use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use productsynch_core::Error;
use productsynch_core::accounts::{ClientInfo, RegisterInput};
use productsynch_core::config::WorkerConfig;
use productsynch_core::jobs::{JobError, JobQueue, NewJob, Progress, queues};
use productsynch_db::both_backends;
use productsynch_db::entities::{JobStatus, jobs};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use tokio_util::sync::CancellationToken;

use crate::{app_for, app_with};

fn kinds(k: &str) -> Vec<String> {
    vec![k.to_owned()]
}

async fn user(app: &productsynch_core::App, email: &str) -> String {
    app.accounts()
        .register(RegisterInput { email: email.into(), password: "password123".into(), name: None }, &ClientInfo::default())
        .await
        .unwrap()
        .user
        .id
}

both_backends!(two_workers_never_double_claim, |db| async move {
    let (app, _dir) = app_for(&db);
    const N: usize = 150;
    for i in 0..N {
        app.jobs().enqueue(NewJob::new(queues::ANALYTICS, "test.count", serde_json::json!({ "i": i }))).await.unwrap();
    }
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tasks = Vec::new();
    for w in 0..2 {
        let jobs = app.jobs().clone();
        let seen = seen.clone();
        tasks.push(tokio::spawn(async move {
            let wid = format!("worker-{w}");
            let mut mine = 0;
            loop {
                let claimed = jobs.claim(&wid, &kinds("test.count"), 7).await.unwrap();
                if claimed.is_empty() {
                    break;
                }
                for j in claimed {
                    assert_eq!(j.status, JobStatus::Running);
                    assert_eq!(j.locked_by.as_deref(), Some(wid.as_str()));
                    assert_eq!(j.attempts, 1);
                    seen.lock().unwrap().push(j.id.clone());
                    assert!(jobs.complete(&j.id, &wid, None).await.unwrap());
                    mine += 1;
                }
                tokio::task::yield_now().await;
            }
            mine
        }));
    }
    let mut per_worker = Vec::new();
    for t in tasks {
        per_worker.push(t.await.unwrap());
    }
    let seen = seen.lock().unwrap().clone();
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(seen.len(), N, "each job handled exactly once (per worker: {per_worker:?})");
    assert_eq!(unique.len(), N);
    let done = jobs::Entity::find().filter(jobs::Column::Status.eq(JobStatus::Succeeded)).all(&db).await.unwrap();
    assert_eq!(done.len(), N);
});

both_backends!(worker_loops_run_each_job_once, |db| async move {
    // Two full worker loops (as two processes would run them) on one database.
    let (app_a, _d1) = app_for(&db);
    let (app_b, _d2) = app_for(&db);
    let counts: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    for app in [&app_a, &app_b] {
        let counts = counts.clone();
        app.jobs().register("test.work", move |ctx| {
            let counts = counts.clone();
            async move {
                ctx.progress(1, Some(1), Some("done")).await?;
                *counts.lock().unwrap().entry(ctx.job.id.clone()).or_default() += 1;
                Ok(Some(serde_json::json!({ "ok": true })))
            }
        });
    }
    const N: usize = 60;
    for i in 0..N {
        app_a.jobs().enqueue(NewJob::new(queues::PRODUCT_SYNC, "test.work", serde_json::json!({ "i": i }))).await.unwrap();
    }
    let stop = CancellationToken::new();
    let wa = tokio::spawn(productsynch_core::worker::run_with(app_a.clone(), stop.clone(), productsynch_core::worker::WorkerOptions {
        worker_id: "A".into(),
        scheduler: false,
    }));
    let wb = tokio::spawn(productsynch_core::worker::run_with(app_b.clone(), stop.clone(), productsynch_core::worker::WorkerOptions {
        worker_id: "B".into(),
        scheduler: false,
    }));
    let mut finished = 0;
    for _ in 0..600 {
        finished = jobs::Entity::find().filter(jobs::Column::Status.eq(JobStatus::Succeeded)).all(&db).await.unwrap().len();
        if finished == N {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    wa.await.unwrap().unwrap();
    wb.await.unwrap().unwrap();
    assert_eq!(finished, N);
    {
        let counts = counts.lock().unwrap();
        assert_eq!(counts.len(), N);
        assert!(counts.values().all(|c| *c == 1), "{counts:?}");
    }
    let one = jobs::Entity::find().one(&db).await.unwrap().unwrap();
    assert_eq!(one.result, Some(serde_json::json!({ "ok": true })));
    assert_eq!(one.progress.unwrap()["message"], "done");
});

both_backends!(retries_with_backoff_then_dead_letter, |db| async move {
    let cfg = WorkerConfig {
        retry_base: Duration::from_secs(10),
        retry_max: Duration::from_secs(100),
        job_max_attempts: 3,
        ..WorkerConfig::default()
    };
    let q = JobQueue::new(db.clone(), cfg);
    let id = q.enqueue(NewJob::new(queues::WEBHOOKS, "test.fail", serde_json::json!({}))).await.unwrap().id;
    let k = kinds("test.fail");

    let j = q.claim("w", &k, 10).await.unwrap().pop().unwrap();
    let before = chrono::Utc::now();
    assert_eq!(q.fail(&j, "w", "boom 1", false).await.unwrap(), JobStatus::Queued);
    let row = q.get(&id).await.unwrap();
    let delay = (row.run_at - before).num_milliseconds();
    assert!((4_000..=11_000).contains(&delay), "first retry after ~5-10 s, got {delay} ms");
    assert_eq!(row.last_error.as_deref(), Some("boom 1"));
    // Not due yet: nobody can claim it.
    assert!(q.claim("w", &k, 10).await.unwrap().is_empty());

    // Make it due and fail twice more → dead with the error kept.
    for n in 2..=3 {
        jobs::Entity::update_many()
            .col_expr(jobs::Column::RunAt, Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)))
            .exec(&db)
            .await
            .unwrap();
        let j = q.claim("w", &k, 10).await.unwrap().pop().unwrap();
        assert_eq!(j.attempts, n);
        let st = q.fail(&j, "w", &format!("boom {n}"), false).await.unwrap();
        assert_eq!(st, if n == 3 { JobStatus::Dead } else { JobStatus::Queued });
    }
    let row = q.get(&id).await.unwrap();
    assert_eq!(row.status, JobStatus::Dead);
    assert_eq!(row.attempts, 3);
    assert_eq!(row.last_error.as_deref(), Some("boom 3"));
    assert!(row.finished_at.is_some());
    assert!(q.claim("w", &k, 10).await.unwrap().is_empty());

    // A permanent error dead-letters at once.
    let id2 = q.enqueue(NewJob::new(queues::WEBHOOKS, "test.fail", serde_json::json!({}))).await.unwrap().id;
    let j = q.claim("w", &k, 10).await.unwrap().pop().unwrap();
    assert_eq!(q.fail(&j, "w", "bad payload", true).await.unwrap(), JobStatus::Dead);
    assert_eq!(q.get(&id2).await.unwrap().attempts, 1);
});

both_backends!(worker_retries_failing_handler_until_dead, |db| async move {
    let (app, _dir) = app_with(&db, |c| c.worker.job_max_attempts = 3);
    let calls = Arc::new(Mutex::new(0u32));
    let c2 = calls.clone();
    app.jobs().register("test.flaky", move |ctx| {
        let calls = c2.clone();
        async move {
            let n = {
                let mut g = calls.lock().unwrap();
                *g += 1;
                *g
            };
            if ctx.job.payload["panic"] == true && n == 1 {
                panic!("first attempt panics");
            }
            Err(JobError::Retry(anyhow::anyhow!("attempt {n} failed")))
        }
    });
    let id = app
        .jobs()
        .enqueue(NewJob::new(queues::AI_ENRICHMENT, "test.flaky", serde_json::json!({ "panic": true })))
        .await
        .unwrap()
        .id;
    let stop = CancellationToken::new();
    let w = tokio::spawn(productsynch_core::worker::run_with(app.clone(), stop.clone(), productsynch_core::worker::WorkerOptions {
        worker_id: "W".into(),
        scheduler: false,
    }));
    let mut row = app.jobs().get(&id).await.unwrap();
    for _ in 0..400 {
        row = app.jobs().get(&id).await.unwrap();
        if row.status == JobStatus::Dead {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    stop.cancel();
    w.await.unwrap().unwrap();
    assert_eq!(row.status, JobStatus::Dead);
    assert_eq!(row.attempts, 3);
    assert_eq!(*calls.lock().unwrap(), 3);
    assert_eq!(row.last_error.as_deref(), Some("attempt 3 failed"));
});

both_backends!(dedupe_transactions_owner_and_progress, |db| async move {
    let (app, _dir) = app_for(&db);
    let q = app.jobs();
    let owner = user(&app, "owner@example.com").await;
    let stranger = user(&app, "stranger@example.com").await;

    let a = q.enqueue(NewJob::new(queues::PRODUCT_SYNC, "test.sync", serde_json::json!({})).for_user(&owner).dedupe("sync:shop_1")).await.unwrap();
    let b = q.enqueue(NewJob::new(queues::PRODUCT_SYNC, "test.sync", serde_json::json!({})).for_user(&owner).dedupe("sync:shop_1")).await.unwrap();
    assert!(a.created);
    assert!(!b.created);
    assert_eq!(a.id, b.id);

    // Visible to its owner only.
    let v = q.get_for_owner(&a.id, &owner).await.unwrap();
    assert_eq!(v.status, JobStatus::Queued);
    assert!(matches!(q.get_for_owner(&a.id, &stranger).await, Err(Error::NotFound("job"))));
    assert!(matches!(q.get_for_owner("job_nope", &owner).await, Err(Error::NotFound("job"))));
    assert_eq!(q.list_for_owner(&owner, None, 10).await.unwrap().len(), 1);

    let j = q.claim("w", &kinds("test.sync"), 5).await.unwrap().pop().unwrap();
    q.report_progress(&j.id, "w", &Progress { current: 3, total: Some(10), message: Some("products".into()) }).await.unwrap();
    let v = q.get_for_owner(&a.id, &owner).await.unwrap();
    assert_eq!(v.status, JobStatus::Running);
    assert_eq!(v.progress.unwrap()["current"], 3);
    // Still live: dedupe holds while running.
    assert!(!q.enqueue(NewJob::new(queues::PRODUCT_SYNC, "test.sync", serde_json::json!({})).dedupe("sync:shop_1")).await.unwrap().created);
    // Another worker cannot complete it.
    assert!(!q.complete(&j.id, "intruder", None).await.unwrap());
    assert!(q.complete(&j.id, "w", Some(serde_json::json!({"n": 10}))).await.unwrap());
    // Finished: the key is free again.
    assert!(q.enqueue(NewJob::new(queues::PRODUCT_SYNC, "test.sync", serde_json::json!({})).dedupe("sync:shop_1")).await.unwrap().created);

    // Enqueue inside a transaction: rolled back → no job; committed → job, dedupe inside txn works.
    let txn = db.begin().await.unwrap();
    q.enqueue_in(&txn, NewJob::new(queues::FEED_GENERATION, "test.rollback", serde_json::json!({}))).await.unwrap();
    txn.rollback().await.unwrap();
    assert!(jobs::Entity::find().filter(jobs::Column::Kind.eq("test.rollback")).one(&db).await.unwrap().is_none());
    let txn = db.begin().await.unwrap();
    let x = q.enqueue_in(&txn, NewJob::new(queues::FEED_GENERATION, "test.commit", serde_json::json!({})).dedupe("feed:1")).await.unwrap();
    let y = q.enqueue_in(&txn, NewJob::new(queues::FEED_GENERATION, "test.commit", serde_json::json!({})).dedupe("feed:1")).await.unwrap();
    assert_eq!(x.id, y.id);
    txn.commit().await.unwrap();
    assert!(jobs::Entity::find_by_id(x.id.clone()).one(&db).await.unwrap().is_some());

    // Cancel a queued job (owner only).
    let c = q.enqueue(NewJob::new(queues::ANALYTICS, "test.cancel", serde_json::json!({})).for_user(&owner)).await.unwrap();
    assert!(matches!(q.cancel(&c.id, &stranger).await, Err(Error::NotFound(_))));
    assert_eq!(q.cancel(&c.id, &owner).await.unwrap().status, JobStatus::Cancelled);
    assert!(matches!(q.cancel(&c.id, &owner).await, Err(Error::Conflict { .. })));
});

both_backends!(release_and_reap, |db| async move {
    let (app, _dir) = app_for(&db);
    let q = app.jobs();
    let id = q.enqueue(NewJob::new(queues::WEBHOOKS, "test.lease", serde_json::json!({}))).await.unwrap().id;
    let k = kinds("test.lease");
    q.claim("w1", &k, 1).await.unwrap().pop().unwrap();
    assert!(q.heartbeat(&id, "w1").await.unwrap());
    assert!(!q.heartbeat(&id, "w2").await.unwrap());
    // Shutdown: released without counting the attempt.
    assert_eq!(q.release("w1").await.unwrap(), 1);
    let row = q.get(&id).await.unwrap();
    assert_eq!((row.status, row.attempts, row.locked_by), (JobStatus::Queued, 0, None));

    // A worker dies: its lease expires and the job is re-queued for someone else.
    q.claim("w1", &k, 1).await.unwrap().pop().unwrap();
    assert_eq!(q.reap_expired().await.unwrap(), 0);
    jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedUntil, Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)))
        .exec(&db)
        .await
        .unwrap();
    assert_eq!(q.reap_expired().await.unwrap(), 1);
    let j = q.claim("w2", &k, 1).await.unwrap().pop().unwrap();
    assert_eq!(j.attempts, 2);
    assert_eq!(j.locked_by.as_deref(), Some("w2"));
});

both_backends!(shutdown_releases_in_flight_job_after_deadline, |db| async move {
    let (app, _dir) = app_with(&db, |c| c.worker.shutdown_timeout = Duration::from_millis(200));
    let started = Arc::new(tokio::sync::Notify::new());
    let s2 = started.clone();
    app.jobs().register("test.slow", move |ctx| {
        let started = s2.clone();
        async move {
            started.notify_one();
            ctx.cancel.cancelled().await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(None)
        }
    });
    let id = app.jobs().enqueue(NewJob::new(queues::PRODUCT_SYNC, "test.slow", serde_json::json!({}))).await.unwrap().id;
    let stop = CancellationToken::new();
    let w = tokio::spawn(productsynch_core::worker::run_with(app.clone(), stop.clone(), productsynch_core::worker::WorkerOptions {
        worker_id: "S".into(),
        scheduler: false,
    }));
    tokio::time::timeout(Duration::from_secs(30), started.notified()).await.expect("job started");
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(30), w).await.expect("worker stops").unwrap().unwrap();
    let row = app.jobs().get(&id).await.unwrap();
    assert_eq!(row.status, JobStatus::Queued, "released for another worker");
    assert_eq!(row.attempts, 0);
    assert_eq!(row.locked_by, None);
});
