//! Rate limits on auth endpoints: per IP, per account, in-process and shared through Redis.

use std::time::Duration;

use productsynch_api::rate_limit::{RateLimitSettings, Rule};
use serde_json::json;

use crate::helpers::*;

fn tight(per_ip: u32, per_account: u32) -> Opts {
    Opts {
        rate_limits: RateLimitSettings {
            auth_per_ip: Rule::new(per_ip, Duration::from_secs(60)),
            auth_per_account: Rule::new(per_account, Duration::from_secs(600)),
        },
        ..Opts::default()
    }
}

async fn per_ip(backend: Backend) {
    let Some(t) = spawn_app_with(backend, tight(3, 1000)).await else { return };
    for i in 0..3 {
        let r = t.login(&unique_email(&format!("ip{i}")), "whatever password").await;
        assert_eq!(r.status, 401, "{}", r.text);
    }
    let r = t.login(&unique_email("ip4"), "whatever password").await;
    r.assert_problem(429);
    let retry: u64 = r.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // every auth endpoint shares the per-IP budget
    t.post("/api/v1/auth/forgot-password", json!({"email": unique_email("x")})).await.assert_problem(429);
    // other endpoints are not limited
    assert_eq!(t.get("/healthz").await.status, 200);
}

async fn per_account(backend: Backend) {
    let Some(t) = spawn_app_with(backend, tight(1000, 2)).await else { return };
    let (email, ..) = t.user("acct").await;
    t.login(&email, "wrong password 1").await.assert_problem(401);
    t.login(&email, "wrong password 2").await.assert_problem(401);
    // third attempt on the same account, even with the right password: limited
    let r = t.login(&email.to_uppercase(), PASSWORD).await;
    r.assert_problem(429);
    assert!(r.header("retry-after").is_some());
    // another account from the same IP is fine
    let (other, ..) = t.user("acct2").await;
    assert_eq!(t.login(&other, PASSWORD).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_ip_sqlite() {
    per_ip(Backend::Sqlite).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_ip_postgres() {
    per_ip(Backend::Postgres).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_account_sqlite() {
    per_account(Backend::Sqlite).await
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_account_postgres() {
    per_account(Backend::Postgres).await
}

/// Two API processes (two servers here) on one database and one Redis share the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_through_redis_across_servers() {
    let redis_url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    if redis::Client::open(redis_url.as_str()).is_err() {
        panic!("bad TEST_REDIS_URL");
    }
    let prefix = format!("test-{}", uuid::Uuid::now_v7().simple());
    let mut opts = tight(4, 1000);
    opts.redis = Some((redis_url.clone(), prefix));
    let db = test_db(Backend::Sqlite).await.unwrap();
    let conn = db.db.clone();
    let url = db.url.clone();
    let probe = productsynch_api::rate_limit::AuthRateLimiter::with_redis(opts.rate_limits.clone(), &redis_url, "probe").await;
    if let Err(e) = probe {
        if std::env::var_os("TEST_REQUIRE_REDIS").is_some() {
            panic!("Redis required but unreachable at {redis_url}: {e}");
        }
        eprintln!("skipping: Redis unreachable at {redis_url}: {e}");
        return;
    }
    let a = spawn_on(conn.clone(), &url, Some(db), opts.clone()).await;
    let b = spawn_on(conn, &url, None, opts).await;
    for t in [&a, &b, &a, &b] {
        t.login(&unique_email("r"), "whatever password").await.assert_problem(401);
    }
    let r = b.login(&unique_email("r"), "whatever password").await;
    r.assert_problem(429);
    assert!(r.header("retry-after").is_some());
    a.login(&unique_email("r"), "whatever password").await.assert_problem(429);
}
