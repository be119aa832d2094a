//! PostgreSQL connections over TCP run with TCP_NODELAY (sqlx 0.9.0 no longer sets it: see `nodelay`).
use productsynch_db::test_support::TestDb;
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tcp_connections_have_nodelay() {
    let Some(t) = TestDb::postgres().await else { return };
    let port = url::Url::parse(&t.url).unwrap().port().unwrap_or(5432);
    // Open several pooled connections at once.
    let queries: Vec<_> = (0..4)
        .map(|_| {
            let db = t.db.clone();
            tokio::spawn(async move {
                db.execute_raw(Statement::from_string(db.get_database_backend(), "SELECT pg_sleep(0.2)")).await.unwrap()
            })
        })
        .collect();
    for q in queries {
        q.await.unwrap();
    }
    let states = productsynch_db::nodelay::states_of_sockets_to(port);
    assert!(states.len() >= 2, "expected several connections to port {port}: {states:?}");
    assert!(states.iter().all(|on| *on), "a database socket without TCP_NODELAY: {states:?}");
}
