//! Platform micro-benchmarks: argon2id cost per login, job enqueue rate, and job throughput
//! of two worker loops sharing one database (SQLite always; PostgreSQL when TEST_DATABASE_URL
//! is set). Run: `cargo run --release -p productsynch-core --example platform_bench`.

use std::time::{Duration, Instant};

use productsynch_core::accounts::{ClientInfo, RegisterInput};
use productsynch_core::jobs::{NewJob, queues};
use productsynch_core::worker::{WorkerOptions, run_with};
use productsynch_core::{App, Config};
use productsynch_db::entities::{JobStatus, jobs};
use productsynch_db::test_support::TestDb;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tokio_util::sync::CancellationToken;

const JOBS: usize = 5_000;

async fn bench(name: &str, tdb: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::for_tests(dir.path(), &tdb.url);
    cfg.worker.concurrency = 8;
    cfg.worker.poll_interval = Duration::from_millis(10);
    let a = App::from_parts(cfg.clone(), tdb.db.clone()).unwrap();
    let b = App::from_parts(cfg, tdb.db.clone()).unwrap();

    // Accounts: register once, then time logins (argon2id verify dominates).
    a.accounts()
        .register(
            RegisterInput { email: "bench@example.com".into(), password: "bench password 1".into(), name: None },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    let n = 20;
    let t = Instant::now();
    for _ in 0..n {
        a.accounts().login("bench@example.com", "bench password 1", &ClientInfo::default()).await.unwrap();
    }
    let login = t.elapsed() / n;

    let t = Instant::now();
    for i in 0..JOBS {
        a.jobs().enqueue(NewJob::new(queues::ANALYTICS, "bench.noop", serde_json::json!({ "i": i }))).await.unwrap();
    }
    let enq = t.elapsed();

    for app in [&a, &b] {
        app.jobs().register("bench.noop", |_ctx| async { Ok(None) });
    }
    let stop = CancellationToken::new();
    let t = Instant::now();
    let wa = tokio::spawn(run_with(a.clone(), stop.clone(), WorkerOptions { worker_id: "A".into(), scheduler: false }));
    let wb = tokio::spawn(run_with(b.clone(), stop.clone(), WorkerOptions { worker_id: "B".into(), scheduler: false }));
    loop {
        let done = jobs::Entity::find()
            .filter(jobs::Column::Status.eq(JobStatus::Succeeded))
            .count(&tdb.db)
            .await
            .unwrap();
        if done as usize == JOBS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let run = t.elapsed();
    stop.cancel();
    wa.await.unwrap().unwrap();
    wb.await.unwrap().unwrap();
    println!(
        "{name:>8}: login {:>6.1} ms/op | enqueue {:>7.0} jobs/s | 2 workers x 8: {:>7.0} jobs/s ({JOBS} no-op jobs in {:.2} s)",
        login.as_secs_f64() * 1e3,
        JOBS as f64 / enq.as_secs_f64(),
        JOBS as f64 / run.as_secs_f64(),
        run.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    bench("sqlite", TestDb::sqlite().await).await;
    if let Some(pg) = TestDb::postgres().await {
        bench("postgres", pg).await;
    }
}
