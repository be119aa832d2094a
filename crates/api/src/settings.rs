//! HTTP-only knobs, read from the environment next to core's `Config`.

use std::time::Duration;

use crate::rate_limit::{RateLimitSettings, Rule};

/// Settings of the HTTP layer. Everything else comes from `productsynch_core::config::Config`.
#[derive(Clone, Debug)]
pub struct ApiSettings {
    /// `API_BODY_LIMIT_BYTES` (default 1 MiB): larger request bodies get 413.
    pub body_limit: usize,
    /// `API_REQUEST_TIMEOUT_SECS` (default 30): slower requests get 408.
    pub request_timeout: Duration,
    /// `RATE_LIMIT_AUTH_PER_IP` (default `30/60`): auth requests per client IP per window (seconds).
    /// `RATE_LIMIT_AUTH_PER_ACCOUNT` (default `10/600`): login / password-reset attempts per account.
    pub rate_limits: RateLimitSettings,
    /// `TRUST_PROXY` (default false): take the client IP from `X-Forwarded-For` (last hop).
    pub trust_proxy: bool,
    /// Prefix of rate-limit keys in Redis (`productsynch`); lets several deployments share one Redis.
    pub redis_prefix: String,
    /// `METRICS_TOKEN` (optional): when set, `/metrics` requires `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            body_limit: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            rate_limits: RateLimitSettings::default(),
            trust_proxy: false,
            redis_prefix: "productsynch".into(),
            metrics_token: None,
        }
    }
}

/// A setting that could not be read; names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid value for {var}: {message}")]
pub struct SettingsError {
    pub var: &'static str,
    pub message: String,
}

impl ApiSettings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let d = Self::default();
        let body_limit = match get("API_BODY_LIMIT_BYTES") {
            None => d.body_limit,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1024..=1024 * 1024 * 1024).contains(n))
                .ok_or_else(|| err("API_BODY_LIMIT_BYTES", "a number of bytes between 1024 and 1073741824"))?,
        };
        let request_timeout = match get("API_REQUEST_TIMEOUT_SECS") {
            None => d.request_timeout,
            Some(v) => Duration::from_secs(
                v.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=3600).contains(n))
                    .ok_or_else(|| err("API_REQUEST_TIMEOUT_SECS", "a number of seconds between 1 and 3600"))?,
            ),
        };
        let auth_per_ip = match get("RATE_LIMIT_AUTH_PER_IP") {
            None => d.rate_limits.auth_per_ip,
            Some(v) => parse_rule(&v).ok_or_else(|| err("RATE_LIMIT_AUTH_PER_IP", "expected LIMIT/SECONDS, e.g. 30/60"))?,
        };
        let auth_per_account = match get("RATE_LIMIT_AUTH_PER_ACCOUNT") {
            None => d.rate_limits.auth_per_account,
            Some(v) => {
                parse_rule(&v).ok_or_else(|| err("RATE_LIMIT_AUTH_PER_ACCOUNT", "expected LIMIT/SECONDS, e.g. 10/600"))?
            }
        };
        let trust_proxy = match get("TRUST_PROXY").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") | Some("0") | Some("no") => false,
            Some("true") | Some("1") | Some("yes") => true,
            Some(_) => return Err(err("TRUST_PROXY", "expected true or false")),
        };
        Ok(Self {
            body_limit,
            request_timeout,
            rate_limits: RateLimitSettings { auth_per_ip, auth_per_account },
            trust_proxy,
            redis_prefix: get("REDIS_KEY_PREFIX").unwrap_or(d.redis_prefix),
            metrics_token: get("METRICS_TOKEN"),
        })
    }
}

fn err(var: &'static str, message: &str) -> SettingsError {
    SettingsError { var, message: message.into() }
}

fn parse_rule(v: &str) -> Option<Rule> {
    let (limit, secs) = v.split_once('/')?;
    let limit = limit.trim().parse::<u32>().ok().filter(|n| *n > 0)?;
    let secs = secs.trim().trim_end_matches('s').parse::<u64>().ok().filter(|n| *n > 0)?;
    Some(Rule::new(limit, Duration::from_secs(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_names_bad_variables() {
        let s = ApiSettings::from_lookup(|k| (k == "RATE_LIMIT_AUTH_PER_IP").then(|| "5/10".to_string())).unwrap();
        assert_eq!(s.rate_limits.auth_per_ip, Rule::new(5, Duration::from_secs(10)));
        let e = ApiSettings::from_lookup(|k| (k == "RATE_LIMIT_AUTH_PER_ACCOUNT").then(|| "x".to_string())).unwrap_err();
        assert_eq!(e.var, "RATE_LIMIT_AUTH_PER_ACCOUNT");
        let e = ApiSettings::from_lookup(|k| (k == "API_BODY_LIMIT_BYTES").then(|| "12".to_string())).unwrap_err();
        assert_eq!(e.var, "API_BODY_LIMIT_BYTES");
    }
}
