//! Configuration from the environment (and `.env`), with single-machine defaults.
//!
//! Every variable is documented in `docs/platform-services.md`. Invalid values fail at
//! start with [`ConfigError`] naming the variable. Secrets are wrapped in [`Secret`], which
//! never prints its content.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

/// A secret string: `Debug`/`Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret value. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Errors while loading configuration. Each names the offending variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid value for {var}: {message}")]
    Invalid { var: &'static str, message: String },
    #[error("{var} is required: {reason}")]
    Missing { var: &'static str, reason: &'static str },
    #[error("cannot read or write {path} (for {var}): {source}")]
    Io { var: &'static str, path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
    Test,
}

impl AppEnv {
    pub fn is_production(&self) -> bool {
        *self == AppEnv::Production
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            AppEnv::Development => "development",
            AppEnv::Production => "production",
            AppEnv::Test => "test",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailBackendKind {
    /// Stored in `email_outbox` and printed to the log (development default).
    Outbox,
    Smtp,
    Resend,
    Sendgrid,
}

impl MailBackendKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Outbox => "outbox",
            Self::Smtp => "smtp",
            Self::Resend => "resend",
            Self::Sendgrid => "sendgrid",
        }
    }
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub backend: MailBackendKind,
    /// `MAIL_FROM`, default `ProductSynch <no-reply@localhost>`.
    pub from: String,
    /// `SMTP_URL`, e.g. `smtps://user:pass@smtp.example.com:465` (takes precedence over SMTP_HOST…).
    pub smtp_url: Option<Secret>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<Secret>,
    pub resend_api_key: Option<Secret>,
    pub sendgrid_api_key: Option<Secret>,
    /// `RESEND_BASE_URL` (default `https://api.resend.com`), for tests.
    pub resend_base_url: String,
    /// `SENDGRID_BASE_URL` (default `https://api.sendgrid.com`), for tests.
    pub sendgrid_base_url: String,
}

#[derive(Debug, Clone)]
pub struct S3Config {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<Secret>,
    pub secret_access_key: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// `WORKER_CONCURRENCY` (default 4): jobs run at once per worker process.
    pub concurrency: usize,
    /// `JOB_MAX_ATTEMPTS` (default 5): attempts before a job is dead-lettered.
    pub job_max_attempts: i32,
    /// `WORKER_POLL_INTERVAL_MS` (default 500).
    pub poll_interval: Duration,
    /// `JOB_LEASE_SECS` (default 60): a claimed job's lease, renewed by heartbeats.
    pub lease: Duration,
    /// `SHUTDOWN_TIMEOUT_SECS` (default 30): how long in-flight jobs may finish on shutdown.
    pub shutdown_timeout: Duration,
    /// `RETRY_BASE_SECS` (default 10): first retry delay; doubles each attempt (with jitter).
    pub retry_base: Duration,
    /// `RETRY_MAX_SECS` (default 3600): cap of the retry delay.
    pub retry_max: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 4,
            job_max_attempts: 5,
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(30),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub app_env: AppEnv,
    pub host: String,
    pub port: u16,
    /// Base for links in emails, OAuth and webhook callbacks. No trailing slash.
    pub public_url: Url,
    pub data_dir: PathBuf,
    pub database_url: Secret,
    /// `DATABASE_MAX_CONNECTIONS`: the pool's size (default 8 on SQLite, 16 on PostgreSQL). On SQLite every
    /// connection is a thread running queries on the CPU: on 2 cores 8 answered `GET /products` under 50 clients with
    /// a lower p99 than 16 (fewer threads contending for SQLite's page cache and allocator).
    pub database_max_connections: u32,
    /// `SQLITE_MMAP_SIZE` (bytes, default 0 = off): SQLite reads the database through a memory map of up to this size
    /// instead of `pread` into each connection's page cache. At 100,000 products it served ~50 % more product-list
    /// requests per second, but the mapped file pages count in the process's RSS (per connection), and an I/O error
    /// becomes a signal instead of an error; see the README.
    pub sqlite_mmap_size: u64,
    pub redis_url: Option<Secret>,
    /// HS256 key for access tokens (hex or any string ≥ 32 bytes).
    pub jwt_secret: Secret,
    /// Primary AES-256 key (64 hex chars) used for new encryptions.
    pub encryption_key: Secret,
    /// `ENCRYPTION_KEYS_PREVIOUS`: comma-separated older keys still accepted for decryption.
    pub encryption_keys_previous: Vec<Secret>,
    pub openai_api_key: Option<Secret>,
    pub openai_base_url: String,
    pub s3: Option<S3Config>,
    pub mail: MailConfig,
    pub allow_private_network: bool,
    pub tls: Option<TlsConfig>,
    pub log_format: LogFormat,
    pub worker: WorkerConfig,
    /// `FEED_SNAPSHOTS_KEEP` (default 10): feed files kept per shop and format by the daily
    /// cleanup; older files are deleted from storage and from `feed_files`.
    pub feed_snapshots_keep: u64,
}

/// Default of [`Config::feed_snapshots_keep`].
pub const DEFAULT_FEED_SNAPSHOTS_KEEP: u64 = 10;

impl Config {
    /// Loads `.env` (if present, without overriding real environment variables), then the
    /// environment. Generates `DATA_DIR/jwt_secret` and `DATA_DIR/encryption_key` on first
    /// run outside production.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_lookup(|k| vars.get(k).cloned())
    }

    /// Builds the configuration from any variable lookup (used by `from_env` and tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let app_env = match get("APP_ENV").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some("test") => AppEnv::Test,
            Some(other) => {
                return Err(invalid("APP_ENV", format!("{other:?} is not one of development, production, test")));
            }
        };
        let host = get("HOST").unwrap_or_else(|| "127.0.0.1".into());
        let port = parse_num::<u16>("PORT", get("PORT"), 3000)?;
        let public_url = match get("PUBLIC_URL") {
            Some(u) => parse_url("PUBLIC_URL", &u)?,
            None => parse_url("PUBLIC_URL", &format!("http://{}:{port}", url_host(&host)))?,
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(u) => {
                productsynch_db::DbKind::from_url(&u).map_err(|e| invalid("DATABASE_URL", e.to_string()))?;
                u
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("productsynch.db").display()),
        };
        let sqlite = database_url.starts_with("sqlite:");
        let database_max_connections =
            parse_range("DATABASE_MAX_CONNECTIONS", get("DATABASE_MAX_CONNECTIONS"), if sqlite { 8 } else { 16 }, 1, 1000)?;
        let sqlite_mmap_size = parse_range("SQLITE_MMAP_SIZE", get("SQLITE_MMAP_SIZE"), 0u64, 0, 1 << 40)?;
        let redis_url = get("REDIS_URL");
        if let Some(r) = &redis_url
            && !(r.starts_with("redis://") || r.starts_with("rediss://") || r.starts_with("unix://"))
        {
            return Err(invalid("REDIS_URL", "must start with redis://, rediss:// or unix://".into()));
        }

        let jwt_secret = match get("JWT_SECRET") {
            Some(s) if s.len() < 32 => return Err(invalid("JWT_SECRET", "must be at least 32 characters".into())),
            Some(s) => s,
            None if app_env.is_production() => {
                return Err(ConfigError::Missing { var: "JWT_SECRET", reason: "APP_ENV=production" });
            }
            None => load_or_generate(&data_dir, "jwt_secret", "JWT_SECRET")?,
        };
        let encryption_key = match get("ENCRYPTION_KEY") {
            Some(k) => {
                check_key_hex("ENCRYPTION_KEY", &k)?;
                k.to_ascii_lowercase()
            }
            None if app_env.is_production() => {
                return Err(ConfigError::Missing { var: "ENCRYPTION_KEY", reason: "APP_ENV=production" });
            }
            None => {
                let k = load_or_generate(&data_dir, "encryption_key", "ENCRYPTION_KEY")?;
                check_key_hex("ENCRYPTION_KEY", &k)?;
                k
            }
        };
        let mut encryption_keys_previous = Vec::new();
        if let Some(list) = get("ENCRYPTION_KEYS_PREVIOUS") {
            for k in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                check_key_hex("ENCRYPTION_KEYS_PREVIOUS", k)?;
                encryption_keys_previous.push(Secret::new(k.to_ascii_lowercase()));
            }
        }

        let openai_base_url = match get("OPENAI_BASE_URL") {
            Some(u) => parse_url("OPENAI_BASE_URL", &u)?.to_string().trim_end_matches('/').to_owned(),
            None => "https://api.openai.com/v1".into(),
        };

        let s3 = match get("S3_BUCKET") {
            None => None,
            Some(bucket) => Some(S3Config {
                bucket,
                endpoint: match get("S3_ENDPOINT") {
                    Some(e) => Some(parse_url("S3_ENDPOINT", &e)?.to_string().trim_end_matches('/').to_owned()),
                    None => None,
                },
                region: get("S3_REGION").unwrap_or_else(|| "auto".into()),
                access_key_id: get("S3_ACCESS_KEY_ID").map(Secret::new),
                secret_access_key: get("S3_SECRET_ACCESS_KEY").map(Secret::new),
            }),
        };

        let mail = MailConfig {
            backend: match get("MAIL_BACKEND").as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("outbox") => MailBackendKind::Outbox,
                Some("smtp") => MailBackendKind::Smtp,
                Some("resend") => MailBackendKind::Resend,
                Some("sendgrid") => MailBackendKind::Sendgrid,
                Some(o) => {
                    return Err(invalid("MAIL_BACKEND", format!("{o:?} is not one of outbox, smtp, resend, sendgrid")));
                }
            },
            from: get("MAIL_FROM").unwrap_or_else(|| "ProductSynch <no-reply@localhost>".into()),
            smtp_url: get("SMTP_URL").map(Secret::new),
            smtp_host: get("SMTP_HOST"),
            smtp_port: match get("SMTP_PORT") {
                Some(p) => Some(parse_num::<u16>("SMTP_PORT", Some(p), 0)?),
                None => None,
            },
            smtp_user: get("SMTP_USER"),
            smtp_password: get("SMTP_PASSWORD").map(Secret::new),
            resend_api_key: get("RESEND_API_KEY").map(Secret::new),
            sendgrid_api_key: get("SENDGRID_API_KEY").map(Secret::new),
            resend_base_url: get("RESEND_BASE_URL").unwrap_or_else(|| "https://api.resend.com".into()),
            sendgrid_base_url: get("SENDGRID_BASE_URL").unwrap_or_else(|| "https://api.sendgrid.com".into()),
        };
        if mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid("MAIL_FROM", "not an email address (e.g. `Name <no-reply@example.com>`)".into()));
        }
        match mail.backend {
            MailBackendKind::Smtp if mail.smtp_url.is_none() && mail.smtp_host.is_none() => {
                return Err(ConfigError::Missing { var: "SMTP_URL", reason: "MAIL_BACKEND=smtp (or set SMTP_HOST)" });
            }
            MailBackendKind::Resend if mail.resend_api_key.is_none() => {
                return Err(ConfigError::Missing { var: "RESEND_API_KEY", reason: "MAIL_BACKEND=resend" });
            }
            MailBackendKind::Sendgrid if mail.sendgrid_api_key.is_none() => {
                return Err(ConfigError::Missing { var: "SENDGRID_API_KEY", reason: "MAIL_BACKEND=sendgrid" });
            }
            _ => {}
        }
        parse_url("RESEND_BASE_URL", &mail.resend_base_url)?;
        parse_url("SENDGRID_BASE_URL", &mail.sendgrid_base_url)?;

        let allow_private_network = parse_bool("ALLOW_PRIVATE_NETWORK", get("ALLOW_PRIVATE_NETWORK"), false)?;
        let tls = match (get("TLS_CERT"), get("TLS_KEY")) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some(TlsConfig { cert: cert.into(), key: key.into() }),
            (Some(_), None) => return Err(ConfigError::Missing { var: "TLS_KEY", reason: "TLS_CERT is set" }),
            (None, Some(_)) => return Err(ConfigError::Missing { var: "TLS_CERT", reason: "TLS_KEY is set" }),
        };
        let log_format = match get("LOG_FORMAT").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None if app_env.is_production() => LogFormat::Json,
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(o) => return Err(invalid("LOG_FORMAT", format!("{o:?} is not one of pretty, json"))),
        };
        let d = WorkerConfig::default();
        let worker = WorkerConfig {
            concurrency: parse_range("WORKER_CONCURRENCY", get("WORKER_CONCURRENCY"), d.concurrency, 1, 256)?,
            job_max_attempts: parse_range("JOB_MAX_ATTEMPTS", get("JOB_MAX_ATTEMPTS"), d.job_max_attempts, 1, 100)?,
            poll_interval: Duration::from_millis(parse_range(
                "WORKER_POLL_INTERVAL_MS",
                get("WORKER_POLL_INTERVAL_MS"),
                500u64,
                10,
                60_000,
            )?),
            lease: Duration::from_secs(parse_range("JOB_LEASE_SECS", get("JOB_LEASE_SECS"), 60u64, 5, 3600)?),
            shutdown_timeout: Duration::from_secs(parse_range(
                "SHUTDOWN_TIMEOUT_SECS",
                get("SHUTDOWN_TIMEOUT_SECS"),
                30u64,
                0,
                3600,
            )?),
            retry_base: Duration::from_secs(parse_range("RETRY_BASE_SECS", get("RETRY_BASE_SECS"), 10u64, 0, 86_400)?),
            retry_max: Duration::from_secs(parse_range("RETRY_MAX_SECS", get("RETRY_MAX_SECS"), 3600u64, 0, 604_800)?),
        };

        Ok(Config {
            app_env,
            host,
            port,
            public_url,
            data_dir,
            database_url: Secret::new(database_url),
            database_max_connections,
            sqlite_mmap_size,
            redis_url: redis_url.map(Secret::new),
            jwt_secret: Secret::new(jwt_secret),
            encryption_key: Secret::new(encryption_key),
            encryption_keys_previous,
            openai_api_key: get("OPENAI_API_KEY").map(Secret::new),
            openai_base_url,
            s3,
            mail,
            allow_private_network,
            tls,
            log_format,
            worker,
            feed_snapshots_keep: parse_range(
                "FEED_SNAPSHOTS_KEEP",
                get("FEED_SNAPSHOTS_KEEP"),
                DEFAULT_FEED_SNAPSHOTS_KEEP,
                1,
                10_000,
            )?,
        })
    }

    /// A configuration for tests: `APP_ENV=test`, outbox mail, private network allowed,
    /// fresh random secrets, files under `data_dir`, the given database URL, fast retries.
    /// Pool and SQLite settings for [`productsynch_db::connect_with`].
    pub fn connect_settings(&self) -> productsynch_db::ConnectSettings {
        productsynch_db::ConnectSettings {
            max_connections: self.database_max_connections,
            sqlite_mmap_size: self.sqlite_mmap_size,
            ..Default::default()
        }
    }

    pub fn for_tests(data_dir: &Path, database_url: &str) -> Config {
        let mut key = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
        let mut jwt = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut jwt);
        Config {
            app_env: AppEnv::Test,
            host: "127.0.0.1".into(),
            port: 0,
            public_url: Url::parse("http://127.0.0.1:3000").expect("static url"),
            data_dir: data_dir.to_path_buf(),
            database_url: Secret::new(database_url),
            database_max_connections: 8,
            sqlite_mmap_size: 0,
            redis_url: None,
            jwt_secret: Secret::new(hex::encode(jwt)),
            encryption_key: Secret::new(hex::encode(key)),
            encryption_keys_previous: Vec::new(),
            openai_api_key: None,
            openai_base_url: "http://127.0.0.1:9/v1".into(),
            s3: None,
            mail: MailConfig {
                backend: MailBackendKind::Outbox,
                from: "ProductSynch <no-reply@localhost>".into(),
                smtp_url: None,
                smtp_host: None,
                smtp_port: None,
                smtp_user: None,
                smtp_password: None,
                resend_api_key: None,
                sendgrid_api_key: None,
                resend_base_url: "http://127.0.0.1:9".into(),
                sendgrid_base_url: "http://127.0.0.1:9".into(),
            },
            allow_private_network: true,
            tls: None,
            log_format: LogFormat::Pretty,
            worker: WorkerConfig {
                concurrency: 4,
                job_max_attempts: 3,
                poll_interval: Duration::from_millis(20),
                lease: Duration::from_secs(30),
                shutdown_timeout: Duration::from_secs(10),
                retry_base: Duration::from_millis(0),
                retry_max: Duration::from_secs(1),
            },
            feed_snapshots_keep: DEFAULT_FEED_SNAPSHOTS_KEEP,
        }
    }

    /// `host:port` to bind.
    pub fn bind_addr(&self) -> String {
        format!("{}:{}", url_host(&self.host), self.port)
    }

    /// `PUBLIC_URL` joined with a path (`/verify-email?token=…`).
    pub fn public_link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path_and_query)
    }
}

fn url_host(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.to_owned() }
}

fn invalid(var: &'static str, message: String) -> ConfigError {
    ConfigError::Invalid { var, message }
}

fn parse_url(var: &'static str, v: &str) -> Result<Url, ConfigError> {
    let u = Url::parse(v).map_err(|e| invalid(var, format!("{v:?} is not a URL ({e})")))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(invalid(var, format!("{v:?} must be an http(s) URL")));
    }
    Ok(u)
}

fn parse_num<T: std::str::FromStr>(var: &'static str, v: Option<String>, default: T) -> Result<T, ConfigError> {
    match v {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| invalid(var, format!("{s:?} is not a valid number"))),
    }
}

fn parse_range<T>(var: &'static str, v: Option<String>, default: T, min: T, max: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let n = parse_num(var, v, default)?;
    if n < min || n > max {
        return Err(invalid(var, format!("{n} is outside {min}..={max}")));
    }
    Ok(n)
}

fn parse_bool(var: &'static str, v: Option<String>, default: bool) -> Result<bool, ConfigError> {
    match v.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(o) => Err(invalid(var, format!("{o:?} is not a boolean (true/false)"))),
    }
}

fn check_key_hex(var: &'static str, k: &str) -> Result<(), ConfigError> {
    if k.len() != 64 || !k.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(var, "must be 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`".into()));
    }
    Ok(())
}

/// Reads `DATA_DIR/<file>`, or creates it with 32 random bytes as hex, mode 0600.
fn load_or_generate(data_dir: &Path, file: &str, var: &'static str) -> Result<String, ConfigError> {
    let path = data_dir.join(file);
    let io = |source| ConfigError::Io { var, path: path.clone(), source };
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => return Ok(s.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let value = hex::encode(bytes);
    write_private(&path, &value).map_err(io)?;
    tracing::info!(path = %path.display(), "generated {var} (development); set {var} in production");
    Ok(value)
}

fn write_private(path: &Path, value: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(value.as_bytes())?;
            f.sync_all()
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_generate_secrets_once_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let a = cfg(&[("DATA_DIR", d)]).unwrap();
        assert_eq!(a.host, "127.0.0.1");
        assert_eq!(a.port, 3000);
        assert_eq!(a.public_url.as_str(), "http://127.0.0.1:3000/");
        assert!(a.database_url.expose().starts_with("sqlite://"));
        assert_eq!(a.encryption_key.expose().len(), 64);
        let b = cfg(&[("DATA_DIR", d)]).unwrap();
        assert_eq!(a.jwt_secret, b.jwt_secret, "second start reuses the generated secret");
        assert_eq!(a.encryption_key, b.encryption_key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("encryption_key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn database_pool_and_mmap() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let c = cfg(&[("DATA_DIR", d)]).unwrap();
        assert_eq!((c.connect_settings().max_connections, c.connect_settings().sqlite_mmap_size), (8, 0));
        let c = cfg(&[("DATA_DIR", d), ("DATABASE_URL", "postgres://u@db/x")]).unwrap();
        assert_eq!(c.database_max_connections, 16);
        let c = cfg(&[("DATA_DIR", d), ("DATABASE_MAX_CONNECTIONS", "4"), ("SQLITE_MMAP_SIZE", "1073741824")]).unwrap();
        assert_eq!((c.connect_settings().max_connections, c.connect_settings().sqlite_mmap_size), (4, 1 << 30));
    }

    #[test]
    fn production_requires_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let err = cfg(&[("DATA_DIR", d), ("APP_ENV", "production")]).unwrap_err();
        assert!(err.to_string().contains("JWT_SECRET"), "{err}");
        let err = cfg(&[("DATA_DIR", d), ("APP_ENV", "production"), ("JWT_SECRET", &"x".repeat(40))]).unwrap_err();
        assert!(err.to_string().contains("ENCRYPTION_KEY"), "{err}");
        let ok = cfg(&[
            ("DATA_DIR", d),
            ("APP_ENV", "production"),
            ("JWT_SECRET", &"x".repeat(40)),
            ("ENCRYPTION_KEY", &"ab".repeat(32)),
        ])
        .unwrap();
        assert_eq!(ok.log_format, LogFormat::Json);
        assert!(!dir.path().join("jwt_secret").exists());
    }

    #[test]
    fn invalid_values_name_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        for (var, val) in [
            ("PORT", "http"),
            ("ENCRYPTION_KEY", "abc"),
            ("DATABASE_URL", "mysql://x"),
            ("MAIL_BACKEND", "pigeon"),
            ("ALLOW_PRIVATE_NETWORK", "maybe"),
            ("PUBLIC_URL", "not a url"),
            ("WORKER_CONCURRENCY", "0"),
            ("APP_ENV", "staging"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("SQLITE_MMAP_SIZE", "-1"),
        ] {
            let err = cfg(&[("DATA_DIR", d), (var, val)]).unwrap_err();
            assert!(err.to_string().contains(var), "{var}: {err}");
        }
        let err = cfg(&[("DATA_DIR", d), ("MAIL_BACKEND", "resend")]).unwrap_err();
        assert!(err.to_string().contains("RESEND_API_KEY"), "{err}");
    }

    #[test]
    fn debug_redacts_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(&[
            ("DATA_DIR", dir.path().to_str().unwrap()),
            ("JWT_SECRET", "super-secret-jwt-value-that-is-long-enough"),
            ("DATABASE_URL", "postgres://u:hunter2@db/x"),
        ])
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("super-secret-jwt"));
        assert!(!dbg.contains("hunter2"));
        assert!(!dbg.contains(c.encryption_key.expose()));
    }
}
