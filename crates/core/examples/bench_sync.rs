//! Benchmark: FULL sync of a generated catalog from the embedded simulator into SQLite (or
//! `DATABASE_URL`), then an unchanged re-sync. Prints products/s and peak RSS (VmHWM).
//!
//! `cargo run --release -p productsynch-core --example bench_sync -- 100000`

use std::time::{Duration, Instant};

use productsynch_core::accounts::{ClientInfo, RegisterInput};
use productsynch_core::sync::{SyncTuning, set_tuning};
use productsynch_core::{App, Config};
use productsynch_db::entities::SyncType;
use productsynch_sim::woo::{CatalogSource, SimConfig, SimStore};
use tokio_util::sync::CancellationToken;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0)))
        .unwrap_or(0.0)
        / 1024.0
}

async fn wait_job(app: &App, id: &str) -> anyhow::Result<serde_json::Value> {
    loop {
        let j = app.jobs().get(id).await?;
        if j.status.is_finished() {
            return Ok(serde_json::json!({"status": j.status.as_str(), "result": j.result, "error": j.last_error}));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()));
    let db = productsynch_db::connect(&url).await?;
    productsynch_db::migrate(&db).await?;
    let mut cfg = Config::for_tests(dir.path(), &url);
    cfg.worker.concurrency = 2;
    let app = App::from_parts(cfg, db)?;
    set_tuning(SyncTuning { requests_per_sec: 0, concurrency: 4, per_page: 100, ..SyncTuning::default() });
    let sim = SimStore::start(SimConfig { catalog: CatalogSource::Generated { products: n, seed: 42 }, ..SimConfig::default() }).await?;
    let user = app
        .accounts()
        .register(
            RegisterInput { email: "bench@example.com".into(), password: "correct horse battery".into(), name: Some("Bench".into()) },
            &ClientInfo { user_agent: None, ip: None },
        )
        .await?;
    let shutdown = CancellationToken::new();
    let w = tokio::spawn(productsynch_core::worker::run_with(
        app.clone(),
        shutdown.clone(),
        productsynch_core::worker::WorkerOptions { worker_id: "bench".into(), scheduler: false },
    ));
    let (ck, cs) = sim.credentials();
    let t0 = Instant::now();
    let shop = productsynch_core::shops::connect_with_keys(&app, &user.user.id, &sim.base_url(), &ck, &cs).await?;
    let shop_row = productsynch_core::sync::shop_by_id(&app, &shop.id).await?;
    // The initial FULL sync was enqueued by connect; find and wait for it.
    let first = productsynch_core::sync::enqueue_sync(&app, &shop_row, SyncType::Full, "bench").await?;
    let r1 = wait_job(&app, &first.id).await?;
    let full = t0.elapsed();
    let stored = productsynch_core::sync::status(&app, &productsynch_core::sync::shop_by_id(&app, &shop.id).await?).await?.product_count;
    println!("full sync: {n} store products -> {stored} stored in {:.1}s = {:.0} products/s; peak RSS {:.0} MB; {}", full.as_secs_f64(), stored as f64 / full.as_secs_f64(), peak_rss_mb(), r1);
    let t1 = Instant::now();
    let second = productsynch_core::sync::enqueue_sync(&app, &shop_row, SyncType::Manual, "bench").await?;
    let r2 = wait_job(&app, &second.id).await?;
    let re = t1.elapsed();
    println!("unchanged re-sync: {:.1}s = {:.0} products/s; peak RSS {:.0} MB; {}", re.as_secs_f64(), stored as f64 / re.as_secs_f64(), peak_rss_mb(), r2);
    shutdown.cancel();
    let _ = w.await;
    sim.shutdown().await;
    Ok(())
}
