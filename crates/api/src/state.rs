//! Shared state of the HTTP layer.

use std::sync::Arc;

use productsynch_core::App;

use crate::rate_limit::AuthRateLimiter;
use crate::settings::ApiSettings;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub settings: Arc<ApiSettings>,
    pub limiter: AuthRateLimiter,
    /// Cookies carry `Secure` (and HSTS is sent) when served over HTTPS: TLS here, or an
    /// `https://` PUBLIC_URL behind a proxy.
    pub https: bool,
}

impl AppState {
    /// Builds the state; connects to Redis for shared rate limits when `REDIS_URL` is set.
    pub async fn new(app: App, settings: ApiSettings) -> anyhow::Result<Self> {
        let limiter = match app.config().redis_url.as_ref() {
            Some(url) => AuthRateLimiter::with_redis(settings.rate_limits.clone(), url.expose(), &settings.redis_prefix)
                .await
                .map_err(|e| anyhow::anyhow!("REDIS_URL: cannot connect to Redis: {e}"))?,
            None => AuthRateLimiter::in_memory(settings.rate_limits.clone()),
        };
        // Install the metrics recorder before the first request is counted.
        let _ = crate::metrics_export::handle();
        let https = app.config().tls.is_some() || app.config().public_url.scheme() == "https";
        Ok(Self { app, settings: Arc::new(settings), limiter, https })
    }

    /// The state of the ops endpoints of a worker-only process: no Redis (it serves no
    /// rate-limited route), the metrics recorder installed.
    pub fn for_ops(app: App, settings: ApiSettings) -> Self {
        let limiter = AuthRateLimiter::in_memory(settings.rate_limits.clone());
        let _ = crate::metrics_export::handle();
        let https = app.config().tls.is_some() || app.config().public_url.scheme() == "https";
        Self { app, settings: Arc::new(settings), limiter, https }
    }
}
