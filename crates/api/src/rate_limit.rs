//! Keyed rate limits for the auth endpoints: per client IP and per account.
//!
//! In-process by default (governor's keyed GCRA limiter); shared across API processes through
//! Redis when `REDIS_URL` is set (fixed window: `INCR` + `EXPIRE`). If Redis fails, the
//! in-process limiter answers instead, so an outage of the optional cache never opens the gate
//! nor takes the login page down.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// A limit: at most `limit` requests per `window` for each key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub limit: u32,
    pub window: Duration,
}

impl Rule {
    pub const fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window }
    }
}

/// The kinds of limits the API applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every auth endpoint, keyed by client IP.
    AuthIp,
    /// Login / forgot-password / reset, keyed by the account (normalised email or user id).
    AuthAccount,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::AuthIp => "auth_ip",
            Scope::AuthAccount => "auth_account",
        }
    }
}

#[derive(Clone, Debug)]
pub struct RateLimitSettings {
    pub auth_per_ip: Rule,
    pub auth_per_account: Rule,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            auth_per_ip: Rule::new(30, Duration::from_secs(60)),
            auth_per_account: Rule::new(10, Duration::from_secs(600)),
        }
    }
}

impl RateLimitSettings {
    fn rule(&self, scope: Scope) -> Rule {
        match scope {
            Scope::AuthIp => self.auth_per_ip,
            Scope::AuthAccount => self.auth_per_account,
        }
    }
}

struct Memory {
    limiters: HashMap<Scope, DefaultKeyedRateLimiter<String>>,
}

impl Memory {
    fn new(settings: &RateLimitSettings) -> Self {
        let mut limiters = HashMap::new();
        for scope in [Scope::AuthIp, Scope::AuthAccount] {
            let rule = settings.rule(scope);
            let burst = NonZeroU32::new(rule.limit.max(1)).unwrap_or(NonZeroU32::MIN);
            let period = (rule.window / burst.get()).max(Duration::from_millis(1));
            let quota = Quota::with_period(period).unwrap_or_else(|| Quota::per_second(burst)).allow_burst(burst);
            limiters.insert(scope, RateLimiter::keyed(quota));
        }
        Self { limiters }
    }

    fn check(&self, scope: Scope, key: &str) -> Result<(), u64> {
        let Some(limiter) = self.limiters.get(&scope) else { return Ok(()) };
        if limiter.len() > 50_000 {
            limiter.retain_recent();
        }
        match limiter.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(wait.as_secs_f64().ceil().max(1.0) as u64)
            }
        }
    }
}

pub struct RateLimiterInner {
    settings: RateLimitSettings,
    memory: Memory,
    redis: Option<redis::aio::ConnectionManager>,
    prefix: String,
}

/// Cheap to clone; shared by all requests of one process.
#[derive(Clone)]
pub struct AuthRateLimiter(Arc<RateLimiterInner>);

impl AuthRateLimiter {
    pub fn in_memory(settings: RateLimitSettings) -> Self {
        let memory = Memory::new(&settings);
        Self(Arc::new(RateLimiterInner { settings, memory, redis: None, prefix: String::new() }))
    }

    /// Shared limits through Redis; fails if Redis cannot be reached now.
    /// `prefix` namespaces the keys (several deployments, or tests, can share one Redis).
    pub async fn with_redis(settings: RateLimitSettings, url: &str, prefix: &str) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let cfg = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        let manager = redis::aio::ConnectionManager::new_with_config(client, cfg).await?;
        let memory = Memory::new(&settings);
        Ok(Self(Arc::new(RateLimiterInner { settings, memory, redis: Some(manager), prefix: prefix.to_owned() })))
    }

    pub fn backend(&self) -> &'static str {
        if self.0.redis.is_some() { "redis" } else { "memory" }
    }

    /// `Err(ApiError::RateLimited)` when `key` has used up its allowance in `scope`.
    pub async fn check(&self, scope: Scope, key: &str) -> Result<(), ApiError> {
        let rule = self.0.settings.rule(scope);
        let outcome = match &self.0.redis {
            Some(conn) => match redis_fixed_window(conn.clone(), &self.0.prefix, scope, key, rule).await {
                Ok(o) => o,
                Err(e) => {
                    tracing::warn!(error = %e, "redis rate limiter unavailable; using the in-process limiter");
                    self.0.memory.check(scope, key)
                }
            },
            None => self.0.memory.check(scope, key),
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(retry_after_secs) => {
                metrics::counter!("rate_limited_total", "scope" => scope.name()).increment(1);
                Err(ApiError::RateLimited { retry_after_secs })
            }
        }
    }
}

async fn redis_fixed_window(
    mut conn: redis::aio::ConnectionManager,
    prefix: &str,
    scope: Scope,
    key: &str,
    rule: Rule,
) -> Result<Result<(), u64>, redis::RedisError> {
    let window = rule.window.as_secs().max(1);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let slot = now / window;
    let redis_key = format!("{prefix}:rl:{}:{}:{}", scope.name(), slot, key);
    let (count,): (u64,) = redis::pipe()
        .atomic()
        .incr(&redis_key, 1u64)
        .expire(&redis_key, window as i64 + 1)
        .ignore()
        .query_async(&mut conn)
        .await?;
    if count > u64::from(rule.limit) {
        let retry = (slot + 1) * window - now;
        Ok(Err(retry.max(1)))
    } else {
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_limiter_blocks_after_limit_and_tells_when() {
        let s = RateLimitSettings {
            auth_per_ip: Rule::new(3, Duration::from_secs(60)),
            auth_per_account: Rule::new(1, Duration::from_secs(60)),
        };
        let l = AuthRateLimiter::in_memory(s);
        for _ in 0..3 {
            l.check(Scope::AuthIp, "1.2.3.4").await.unwrap();
        }
        match l.check(Scope::AuthIp, "1.2.3.4").await {
            Err(ApiError::RateLimited { retry_after_secs }) => assert!((1..=60).contains(&retry_after_secs)),
            other => panic!("expected 429, got {other:?}"),
        }
        // other keys and scopes are independent
        l.check(Scope::AuthIp, "5.6.7.8").await.unwrap();
        l.check(Scope::AuthAccount, "1.2.3.4").await.unwrap();
        assert!(l.check(Scope::AuthAccount, "1.2.3.4").await.is_err());
    }

    /// Runs against the Redis of `TEST_REDIS_URL` (default 127.0.0.1:6379); `make test` sets
    /// `TEST_REQUIRE_REDIS=1` so that a missing Redis fails instead of skipping.
    #[tokio::test]
    async fn redis_limiter_is_shared_between_instances() {
        let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let s = RateLimitSettings {
            auth_per_ip: Rule::new(2, Duration::from_secs(30)),
            auth_per_account: Rule::new(2, Duration::from_secs(30)),
        };
        let prefix = format!("test-{}", uuid::Uuid::now_v7().simple());
        let a = match AuthRateLimiter::with_redis(s.clone(), &url, &prefix).await {
            Ok(l) => l,
            Err(e) if std::env::var_os("TEST_REQUIRE_REDIS").is_none() => {
                eprintln!("skipping: Redis not reachable at {url}: {e}");
                return;
            }
            Err(e) => panic!("Redis required but not reachable at {url}: {e}"),
        };
        let b = AuthRateLimiter::with_redis(s, &url, &prefix).await.unwrap();
        assert_eq!(a.backend(), "redis");
        a.check(Scope::AuthIp, "10.0.0.1").await.unwrap();
        b.check(Scope::AuthIp, "10.0.0.1").await.unwrap();
        // the third request, on either process, is over the shared limit
        match a.check(Scope::AuthIp, "10.0.0.1").await {
            Err(ApiError::RateLimited { retry_after_secs }) => assert!((1..=30).contains(&retry_after_secs)),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(b.check(Scope::AuthIp, "10.0.0.1").await.is_err());
        b.check(Scope::AuthIp, "10.0.0.2").await.unwrap();
    }
}
