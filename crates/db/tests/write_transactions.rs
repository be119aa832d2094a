//! `begin_write`: on SQLite a transaction that reads and then writes must not fail when another connection
//! commits in between (a deferred `BEGIN` answers `SQLITE_BUSY` at once there, which the API turned into a 500).
use std::time::Duration;

use productsynch_db::test_support::TestDb;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};

async fn count(c: &impl ConnectionTrait) -> i64 {
    let row = c.query_one_raw(Statement::from_string(c.get_database_backend(), "SELECT COUNT(*) AS n FROM schedule_runs"))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn insert(c: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    c.execute_raw(Statement::from_string(
        c.get_database_backend(),
        format!("INSERT INTO schedule_runs (id, schedule, slot, fired_by, fired_at) VALUES ('{key}', '{key}', '2026-11-28T00:00:00Z', 'test', '2026-11-28T00:00:00Z')"),
    ))
    .await
    .map(|_| ())
}

/// Transaction A reads, B commits a write, then A writes.
async fn read_then_write(db: DatabaseConnection, immediate: bool) -> (Result<(), DbErr>, Result<(), DbErr>) {
    let other = db.clone();
    let b = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let txn = productsynch_db::begin_write(&other).await?;
        insert(&txn, "b").await?;
        txn.commit().await
    });
    let a = async {
        let txn = if immediate { productsynch_db::begin_write(&db).await? } else { db.begin().await? };
        let before = count(&txn).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        insert(&txn, &format!("a{before}")).await?;
        txn.commit().await
    }
    .await;
    (a, b.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_write_transactions_do_not_fail_on_a_concurrent_commit() {
    // The premise: with a deferred BEGIN the reader-turned-writer loses at once.
    let t = TestDb::sqlite().await;
    let (a, b) = read_then_write(t.db.clone(), false).await;
    assert!(b.is_ok(), "{b:?}");
    let err = a.expect_err("a deferred transaction that read before the other commit cannot write");
    assert!(err.to_string().contains("locked") || err.to_string().contains("busy"), "{err}");

    // begin_write: B waits for A's lock (busy timeout) and both commit.
    let t = TestDb::sqlite().await;
    let (a, b) = read_then_write(t.db.clone(), true).await;
    assert!(a.is_ok(), "{a:?}");
    assert!(b.is_ok(), "{b:?}");
    assert_eq!(count(&t.db).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_write_works_on_postgres() {
    let Some(t) = TestDb::postgres().await else { return };
    let (a, b) = read_then_write(t.db.clone(), true).await;
    assert!(a.is_ok(), "{a:?}");
    assert!(b.is_ok(), "{b:?}");
    assert_eq!(count(&t.db).await, 2);
}
