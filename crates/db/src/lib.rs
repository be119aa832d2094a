//! productsynch-db: entities, migrations and connection handling for ProductSynch.
//!
//! One code path for SQLite (WAL, foreign keys on, busy timeout) and PostgreSQL 15+.
//! The backend is chosen at runtime from the URL scheme:
//!
//! * `sqlite://path/to/file.db?mode=rwc`, `sqlite::memory:`
//! * `postgres://…` / `postgresql://…`
//!
//! ```no_run
//! # async fn f() -> Result<(), productsynch_db::DbError> {
//! let db = productsynch_db::connect("sqlite://./data/productsynch.db?mode=rwc").await?;
//! productsynch_db::migrate(&db).await?;
//! # Ok(()) }
//! ```

pub mod entities;
pub mod ids;
pub mod migration;
pub mod nodelay;
#[cfg(feature = "test-support")]
pub mod test_support;

use std::time::Duration;

pub use sea_orm;
pub use sea_orm::{DatabaseBackend, DatabaseConnection, DbErr};
use sea_orm::{ConnectOptions, ConnectionTrait, Database};
use sea_orm_migration::MigratorTrait;

/// The database kinds ProductSynch runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    /// Picks the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, DbError> {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Ok(DbKind::Sqlite),
            "postgres" | "postgresql" => Ok(DbKind::Postgres),
            _ => Err(DbError::UnsupportedScheme(scheme)),
        }
    }
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL scheme {0:?}: use sqlite://… or postgres://…")]
    UnsupportedScheme(String),
    #[error("cannot create the directory for the SQLite database {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Options for [`connect_with`].
#[derive(Debug, Clone)]
pub struct ConnectSettings {
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout: Duration,
    /// Log every SQL statement (off by default; sqlx logs each at INFO otherwise).
    pub sql_logging: bool,
    /// SQLite `PRAGMA mmap_size` in bytes (0: off, SQLite's default).
    pub sqlite_mmap_size: u64,
}

impl Default for ConnectSettings {
    fn default() -> Self {
        Self { max_connections: 16, min_connections: 1, acquire_timeout: Duration::from_secs(10), sql_logging: false, sqlite_mmap_size: 0 }
    }
}

/// Connects with default pool settings. See [`connect_with`].
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbError> {
    connect_with(url, &ConnectSettings::default()).await
}

/// Connects to SQLite or PostgreSQL depending on the URL scheme.
///
/// SQLite connections get `journal_mode=WAL`, `foreign_keys=ON`, `busy_timeout=10000`
/// and `synchronous=NORMAL`; the parent directory of the file is created when missing.
pub async fn connect_with(url: &str, settings: &ConnectSettings) -> Result<DatabaseConnection, DbError> {
    let kind = DbKind::from_url(url)?;
    if kind == DbKind::Sqlite {
        ensure_sqlite_dir(url)?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(settings.max_connections)
        .min_connections(settings.min_connections)
        .acquire_timeout(settings.acquire_timeout)
        .sqlx_logging(settings.sql_logging);
    if kind == DbKind::Sqlite {
        let mmap_size = settings.sqlite_mmap_size.to_string();
        opts.map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .pragma("mmap_size", mmap_size.clone())
        });
    }
    if kind == DbKind::Postgres {
        if let Some(port) = nodelay::tcp_port(url) {
            opts.map_sqlx_postgres_pool_opts(move |o| {
                o.after_connect(move |_conn, _meta| {
                    Box::pin(async move {
                        let n = nodelay::set_on_sockets_to(port);
                        tracing::trace!(port, sockets = n, "TCP_NODELAY set on new database connections");
                        Ok(())
                    })
                })
            });
        }
    }
    let db = Database::connect(opts).await?;
    tracing::debug!(backend = ?kind, "database connected");
    Ok(db)
}

fn ensure_sqlite_dir(url: &str) -> Result<(), DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") || path == ":memory" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        std::fs::create_dir_all(parent)
            .map_err(|source| DbError::CreateDir { path: parent.display().to_string(), source })?;
    }
    Ok(())
}

/// Key of the PostgreSQL advisory lock that serialises [`migrate`] across processes ("prodsync").
pub const MIGRATION_LOCK_KEY: i64 = 0x7072_6f64_7379_6e63;

/// Applies every pending migration (ledger table `seaql_migrations`).
///
/// On PostgreSQL several processes may start at once on an empty database (API and worker
/// replicas): the migrations run while this process holds a session advisory lock
/// ([`MIGRATION_LOCK_KEY`]) on a dedicated connection outside the pool, so the others wait and
/// then find nothing left to apply. The lock goes with that connection, also when this
/// function fails or its future is dropped. SQLite needs nothing: its writers are serialised
/// by the database file's lock.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbError> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        migration::Migrator::up(db, None).await?;
        return Ok(());
    }
    use sea_orm::sqlx::Connection as _;
    let lock_err = |what: &str, e: sea_orm::sqlx::Error| DbErr::Custom(format!("migration lock: {what}: {e}"));
    let options = db.get_postgres_connection_pool().connect_options();
    let mut lock_conn = sea_orm::sqlx::postgres::PgConnection::connect_with(&options)
        .await
        .map_err(|e| lock_err("connecting", e))?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .execute(&mut lock_conn)
        .await
        .map_err(|e| lock_err("pg_advisory_lock", e))?;
    tracing::debug!("migration lock taken");
    let res = migration::Migrator::up(db, None).await;
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK_KEY).execute(&mut lock_conn).await;
    // Closing the session releases the lock in any case.
    let _ = lock_conn.close().await;
    res?;
    unlocked.map_err(|e| lock_err("pg_advisory_unlock", e))?;
    Ok(())
}

/// Connects, applies pending migrations on a pool of its own, and returns a fresh pool for the application.
/// On SQLite a connection that lived through the migrations' DDL answered "no such table: products" now and then
/// on its first insert into the table (seen in about 1 test run in 30); connections opened after the DDL never did.
pub async fn connect_and_migrate(url: &str, settings: &ConnectSettings) -> Result<DatabaseConnection, DbError> {
    let once = ConnectSettings { max_connections: 1, min_connections: 0, ..settings.clone() };
    let db = connect_with(url, &once).await?;
    migrate(&db).await?;
    db.close().await?;
    connect_with(url, settings).await
}

/// Names of applied migrations, oldest first.
pub async fn applied_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbError> {
    let list = migration::Migrator::get_applied_migrations(db).await?;
    Ok(list.into_iter().map(|m| m.name().to_owned()).collect())
}

/// Cheap liveness probe (`SELECT 1`), for `/readyz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbError> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

/// Is this error a unique-constraint violation (on either backend)?
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken (waiting
/// up to the busy timeout) before the first read, so a transaction that reads and then writes cannot fail with
/// `SQLITE_BUSY` when another connection committed in between (a deferred transaction's read snapshot cannot be
/// upgraded to a write then, and SQLite answers at once without waiting). PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
