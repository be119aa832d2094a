//! Test databases for every crate's tests (feature `test-support`).
//!
//! * [`TestDb::sqlite`] — a migrated database in a fresh temporary file.
//! * [`TestDb::postgres`] — with `TEST_DATABASE_URL` set (an empty PostgreSQL database that
//!   `make test` creates per run), creates `<that db name>_<random>` on the same server,
//!   migrates it, and drops it again when the `TestDb` is dropped. Without the variable it
//!   returns `None` and prints a notice, unless `TEST_REQUIRE_POSTGRES=1`, then it panics.
//!
//! Run one async body on both backends with [`both_backends!`]:
//!
//! ```ignore
//! productsynch_db::both_backends!(users_roundtrip, |db| async move {
//!     // db: sea_orm::DatabaseConnection, migrated
//! });
//! ```

use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::{ConnectSettings, connect_and_migrate, connect_with, migrate};

/// A migrated throw-away database. Clone `db` freely; keep the `TestDb` alive for the test.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A migrated SQLite database in a new temp directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        let db = connect_and_migrate(&url, &test_settings()).await.expect("connect and migrate sqlite");
        TestDb { db, url, kind: Kind::Sqlite { _dir: dir } }
    }

    /// A migrated PostgreSQL database of its own, or `None` when `TEST_DATABASE_URL` is unset
    /// (panics instead when `TEST_REQUIRE_POSTGRES=1`).
    pub async fn postgres() -> Option<TestDb> {
        let base = match std::env::var("TEST_DATABASE_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ => {
                if std::env::var("TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("TEST_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
                }
                eprintln!("notice: TEST_DATABASE_URL not set, skipping the PostgreSQL variant of this test");
                return None;
            }
        };
        let mut parsed = url::Url::parse(&base).expect("TEST_DATABASE_URL is a URL");
        let base_name = parsed.path().trim_start_matches('/').to_owned();
        let base_name = if base_name.is_empty() { "postgres".to_owned() } else { base_name };
        let suffix: String = {
            use rand::Rng as _;
            let mut rng = rand::rng();
            (0..10).map(|_| char::from(b'a' + rng.random_range(0..26u8))).collect()
        };
        let name = format!("{base_name}_{suffix}");
        let admin = connect_with(&base, &admin_settings()).await.expect("connect TEST_DATABASE_URL");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        let _ = admin.close().await;
        parsed.set_path(&format!("/{name}"));
        let url = parsed.to_string();
        let db = connect_with(&url, &test_settings()).await.expect("connect test database");
        migrate(&db).await.expect("migrate postgres");
        Some(TestDb { db, url, kind: Kind::Postgres { admin_url: base, name } })
    }

    /// The backend's name, for messages.
    pub fn backend_name(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite { .. } => "sqlite",
            Kind::Postgres { .. } => "postgres",
        }
    }
}

fn test_settings() -> ConnectSettings {
    ConnectSettings { max_connections: 8, min_connections: 0, ..ConnectSettings::default() }
}

fn admin_settings() -> ConnectSettings {
    ConnectSettings { max_connections: 1, min_connections: 0, ..ConnectSettings::default() }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Kind::Postgres { admin_url, name } = &self.kind {
            let admin_url = admin_url.clone();
            let name = name.clone();
            let db = self.db.clone();
            // Drop from a separate thread with its own runtime: Drop may run inside (or outside)
            // the test's runtime, and must finish before the process exits.
            let handle = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(rt) = rt {
                    rt.block_on(async move {
                        let _ = db.close().await;
                        if let Ok(admin) = connect_with(&admin_url, &admin_settings()).await {
                            let _ = admin
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                }
            });
            let _ = handle.join();
        }
    }
}

/// Defines `mod $name { sqlite, postgres }`: two `#[tokio::test]`s running the same body,
/// which receives a migrated `sea_orm::DatabaseConnection`.
/// The crate using it needs `tokio` (with `macros`, `rt-multi-thread`) as a dev-dependency.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = $crate::test_support::TestDb::sqlite().await;
                let $db = test_db.db.clone();
                $body.await;
                drop(test_db);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = $crate::test_support::TestDb::postgres().await else { return };
                let $db = test_db.db.clone();
                $body.await;
                drop(test_db);
            }
        }
    };
}
