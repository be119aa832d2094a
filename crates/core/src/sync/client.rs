//! Building a WooCommerce client for a stored shop, with process-wide tuning.

use std::sync::RwLock;
use std::time::Duration;

use productsynch_db::entities::shops;
use productsynch_woo::{AuthChoice, Budget, Client, ClientConfig, Credentials, HttpHook, RetryPolicy};

use crate::App;
use crate::error::{Error, Result};

/// Knobs of the store connector (tests and benchmarks shorten them).
#[derive(Debug, Clone)]
pub struct SyncTuning {
    /// Requests per second to one store; 0 = unlimited. Env `WOO_REQUESTS_PER_SEC` (default 10).
    pub requests_per_sec: u32,
    /// Requests in flight to one store (default 4).
    pub concurrency: usize,
    /// Timeout of one request attempt (default 30 s). Env `WOO_TIMEOUT_SECS`.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Products per page (1..=100).
    pub per_page: u32,
    /// Safety overlap subtracted from the last successful sync for INCREMENTAL (default 10 min).
    pub incremental_overlap: chrono::Duration,
}

impl Default for SyncTuning {
    fn default() -> Self {
        let env_u = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse::<u64>().ok());
        SyncTuning {
            requests_per_sec: env_u("WOO_REQUESTS_PER_SEC").map(|v| v as u32).unwrap_or(10),
            concurrency: env_u("WOO_CONCURRENCY").map(|v| v.max(1) as usize).unwrap_or(4),
            timeout: Duration::from_secs(env_u("WOO_TIMEOUT_SECS").unwrap_or(30)),
            retry: RetryPolicy::default(),
            per_page: 100,
            incremental_overlap: chrono::Duration::minutes(10),
        }
    }
}

static TUNING: RwLock<Option<SyncTuning>> = RwLock::new(None);

/// The current tuning.
pub fn tuning() -> SyncTuning {
    TUNING.read().ok().and_then(|t| t.clone()).unwrap_or_default()
}

/// Replace the tuning for this process (tests, benchmarks).
pub fn set_tuning(t: SyncTuning) {
    if let Ok(mut g) = TUNING.write() {
        *g = Some(t);
    }
}

/// The client settings for a store. Unless `allow_private` (`ALLOW_PRIVATE_NETWORK`), the HTTP
/// client carries the SSRF guard of [`crate::net`]: its DNS resolver refuses private, loopback and
/// link-local answers (DNS rebinding after the URL was checked) and every redirect hop is
/// re-checked.
pub fn client_config(store_url: &str, ck: &str, cs: &str, allow_private: bool) -> ClientConfig {
    let t = tuning();
    let mut cfg = ClientConfig::new(store_url, Credentials::new(ck, cs));
    cfg.auth = AuthChoice::Auto;
    cfg.concurrency = t.concurrency;
    cfg.per_page = t.per_page.clamp(1, 100);
    cfg.timeout = t.timeout;
    cfg.connect_timeout = t.timeout.min(Duration::from_secs(10));
    cfg.retry = t.retry.clone();
    cfg.budget = Budget::per_second(t.requests_per_sec);
    if !allow_private {
        cfg.http_hook = Some(HttpHook::new(|b| crate::net::guard_builder(b, false)));
    }
    cfg
}

/// Connect to a stored shop's store with its (decrypted) keys.
pub async fn client_for(app: &App, shop: &shops::Model) -> Result<Client> {
    let secret = app
        .crypto()
        .decrypt(&shop.woo_consumer_secret)
        .map_err(|e| Error::Internal(anyhow::anyhow!("shop {} secret: {e}", shop.id)))?;
    let allow = app.config().allow_private_network;
    // A literal address is not seen by the guarded resolver: check the URL's host itself too (names
    // are checked by the resolver at every connection, so a DNS hiccup stays a retryable error).
    if !allow && url::Url::parse(&shop.woo_store_url).ok().and_then(|u| u.host().map(|h| crate::net::is_forbidden_host(&h))).unwrap_or(false) {
        return Err(Error::invalid("storeUrl", "private_address", "The store's address is private or local."));
    }
    Client::connect(client_config(&shop.woo_store_url, &shop.woo_consumer_key, &secret, allow)).await.map_err(woo_error)
}

/// A store error as a service error.
pub fn woo_error(e: productsynch_woo::Error) -> Error {
    use productsynch_woo::Error as W;
    match e {
        W::Unauthorized { .. } => Error::Validation(vec![crate::FieldError::new("consumerKey", "invalid_keys", e.to_string())]),
        W::Forbidden { .. } => {
            Error::Validation(vec![crate::FieldError::new("consumerKey", "insufficient_permissions", e.to_string())])
        }
        W::InvalidUrl { .. } => Error::Validation(vec![crate::FieldError::new("storeUrl", "invalid_url", e.to_string())]),
        W::NotWordPress { .. } | W::NotWooCommerce { .. } | W::PermalinksOff { .. } => {
            Error::Validation(vec![crate::FieldError::new("storeUrl", "not_woocommerce", e.to_string())])
        }
        other => Error::Unavailable(other.to_string()),
    }
}
