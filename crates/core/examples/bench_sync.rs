//! Benchmark: FULL sync of a generated catalog (products with variations) from the WooCommerce simulator into
//! SQLite (or `DATABASE_URL`), through the real job path (connect with keys → sync job → worker), then an
//! unchanged re-sync of the same catalog. Prints products/s, variations stored, and the peak RSS of each phase.
//!
//! The simulator runs in its own process when `--store URL --ck KEY --cs SECRET` are given (scripts/bench-sync.sh
//! starts `productsynch sim`), so the peak RSS is the sync's alone; without them an embedded simulator is used.
//!
//! `cargo run --release -p productsynch-core --example bench_sync -- 100000 [--store URL --ck KEY --cs SECRET]`

use std::time::{Duration, Instant};

use productsynch_core::accounts::{ClientInfo, RegisterInput};
use productsynch_core::sync::{SyncTuning, set_tuning};
use productsynch_core::{App, Config};
use productsynch_db::entities::SyncType;
use productsynch_sim::woo::{CatalogSource, SimConfig, SimStore};
use sea_orm::{ConnectionTrait, Statement};
use tokio_util::sync::CancellationToken;

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next phase reports its own peak.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn arg(name: &str) -> Option<String> {
    let mut it = std::env::args();
    while let Some(a) = it.next() {
        if a == name {
            return it.next();
        }
    }
    None
}

async fn wait_job(app: &App, id: &str) -> anyhow::Result<serde_json::Value> {
    loop {
        let j = app.jobs().get(id).await?;
        if j.status.is_finished() {
            if j.status.as_str() != "succeeded" {
                anyhow::bail!("job {id} {}: {:?}", j.status.as_str(), j.last_error);
            }
            return Ok(j.result.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(app: &App, table: &str) -> anyhow::Result<i64> {
    let db = app.db();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {table}")))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no count"))?;
    Ok(row.try_get("", "n")?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()));
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let db = productsynch_db::connect(&url).await?;
    productsynch_db::migrate(&db).await?;
    let mut cfg = Config::for_tests(dir.path(), &url);
    // Webhook pings from the store go to a closed port rather than anything listening on :3000.
    cfg.public_url = url::Url::parse("http://127.0.0.1:9")?;
    cfg.worker.concurrency = 2;
    cfg.worker.poll_interval = Duration::from_millis(100);
    let app = App::from_parts(cfg, db)?;
    set_tuning(SyncTuning { requests_per_sec: 0, concurrency: 4, per_page: 100, ..SyncTuning::default() });

    let (embedded, store_url, ck, cs) = match (arg("--store"), arg("--ck"), arg("--cs")) {
        (Some(u), Some(k), Some(s)) => (None, u, k, s),
        _ => {
            let sim = SimStore::start(SimConfig { catalog: CatalogSource::Generated { products: n, seed: 42 }, ..SimConfig::default() }).await?;
            let (k, s) = sim.credentials();
            let u = sim.base_url();
            (Some(sim), u, k, s)
        }
    };
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
    println!(
        "sync bench: {n} generated products, {backend}, simulator {}, RSS before {:.0} MiB",
        if embedded.is_some() { "in this process" } else { "in its own process" },
        mib(status_kb("VmRSS:"))
    );
    reset_peak();
    let t0 = Instant::now();
    let shop = productsynch_core::shops::connect_with_keys(&app, &user.user.id, &store_url, &ck, &cs).await?;
    let shop_row = productsynch_core::sync::shop_by_id(&app, &shop.id).await?;
    // The initial FULL sync was enqueued by the connect: enqueue_sync answers that live job (deduplicated).
    let first = productsynch_core::sync::enqueue_sync(&app, &shop_row, SyncType::Full, "bench").await?;
    let r1 = wait_job(&app, &first.id).await?;
    let full = t0.elapsed();
    let products = count(&app, "products").await?;
    let variants = count(&app, "product_variants").await.unwrap_or(-1);
    println!(
        "full sync: {products} products + {variants} variations stored in {:.1}s = {:.0} products/s ({:.0} products+variations/s); peak RSS {:.0} MiB",
        full.as_secs_f64(),
        products as f64 / full.as_secs_f64(),
        (products + variants.max(0)) as f64 / full.as_secs_f64(),
        mib(status_kb("VmHWM:"))
    );
    println!("   result: {r1}");
    if products as u64 != n {
        anyhow::bail!("expected {n} products stored, found {products}");
    }

    // Let the feed snapshot that follows the sync finish, so the re-sync is timed alone.
    while count(&app, "feed_files").await.unwrap_or(1) == 0 && t0.elapsed() < full * 3 + Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    reset_peak();
    let t1 = Instant::now();
    let second = productsynch_core::sync::enqueue_sync(&app, &shop_row, SyncType::Manual, "bench").await?;
    let r2 = wait_job(&app, &second.id).await?;
    let re = t1.elapsed();
    println!(
        "unchanged re-sync: {:.1}s = {:.0} products/s; peak RSS {:.0} MiB",
        re.as_secs_f64(),
        products as f64 / re.as_secs_f64(),
        mib(status_kb("VmHWM:"))
    );
    println!("   result: {r2}");
    shutdown.cancel();
    let _ = w.await;
    if let Some(sim) = embedded {
        sim.shutdown().await;
    }
    Ok(())
}
