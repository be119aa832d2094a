//! Several processes starting at once on an empty PostgreSQL database all run `migrate`: the
//! advisory lock serialises them, so every one succeeds and the schema is applied once.

use productsynch_db::{ConnectSettings, connect_with, migrate};
use sea_orm::ConnectionTrait;

/// A fresh, empty (not migrated) database on the `TEST_DATABASE_URL` server; `None` without it.
async fn empty_postgres() -> Option<(String, String, String)> {
    let base = match std::env::var("TEST_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            assert_ne!(std::env::var("TEST_REQUIRE_POSTGRES").as_deref(), Ok("1"), "TEST_DATABASE_URL is not set");
            eprintln!("notice: TEST_DATABASE_URL not set, skipping");
            return None;
        }
    };
    let mut url = url::Url::parse(&base).expect("TEST_DATABASE_URL");
    let suffix = uuid::Uuid::now_v7().simple().to_string();
    let name = format!("{}_mlock_{}", url.path().trim_start_matches('/'), &suffix[suffix.len() - 10..]);
    let admin = connect_with(&base, &ConnectSettings { max_connections: 1, min_connections: 0, ..Default::default() })
        .await
        .expect("connect admin");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create database");
    let _ = admin.close().await;
    url.set_path(&format!("/{name}"));
    Some((base, name, url.to_string()))
}

async fn drop_database(admin_url: &str, name: &str) {
    let admin = connect_with(admin_url, &ConnectSettings { max_connections: 1, min_connections: 0, ..Default::default() })
        .await
        .expect("connect admin");
    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
    let _ = admin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_migrations_on_empty_postgres_all_succeed() {
    // A few rounds: without the lock, two `Migrator::up` on an empty database collide (duplicate
    // tables or ledger rows) in most of them.
    for round in 0..3 {
        let Some((admin, name, url)) = empty_postgres().await else { return };
        // Each "process" has its own pool, as separate binaries would.
        let settings = ConnectSettings { max_connections: 4, min_connections: 0, ..Default::default() };
        let mut pools = Vec::new();
        for _ in 0..3 {
            pools.push(connect_with(&url, &settings).await.expect("connect"));
        }
        let tasks: Vec<_> = pools.iter().cloned().map(|db| tokio::spawn(async move { migrate(&db).await })).collect();
        let mut failures = Vec::new();
        for t in tasks {
            if let Err(e) = t.await.expect("migrate task") {
                failures.push(e.to_string());
            }
        }
        let applied = productsynch_db::applied_migrations(&pools[0]).await;
        for db in pools {
            let _ = db.close().await;
        }
        drop_database(&admin, &name).await;
        assert!(failures.is_empty(), "round {round}: concurrent migrate failed: {failures:?}");
        let applied = applied.expect("ledger");
        assert!(applied.len() >= 7, "round {round}: {applied:?}");
        let mut unique = applied.clone();
        unique.dedup();
        assert_eq!(unique, applied, "each migration recorded once");
    }
}
