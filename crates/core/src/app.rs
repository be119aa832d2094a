//! The composition root: one [`App`] (cheap to clone) holding every service.

use std::sync::Arc;

use chrono::{Duration, Utc};
use productsynch_db::entities::{email_outbox, schedule_runs, webhook_events};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::accounts::AccountService;
use crate::config::Config;
use crate::crypto::Keyring;
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobQueue, JobResult, NewJob, queues};
use crate::mail::Mailer;
use crate::scheduler::{Scheduler, every};
use crate::storage::Storage;

/// Job kind of the 03:00 cleanup.
pub const CLEANUP_JOB: &str = "maintenance.cleanup";
/// Processed webhook events, schedule runs, finished jobs and outbox mail older than this are deleted.
pub const RETENTION_DAYS: i64 = 30;

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    db: DatabaseConnection,
    keyring: Keyring,
    accounts: AccountService,
    jobs: JobQueue,
    scheduler: Scheduler,
    storage: Storage,
    mailer: Mailer,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("env", &self.inner.config.app_env).finish_non_exhaustive()
    }
}

impl App {
    /// Connects to `DATABASE_URL`, applies pending migrations and builds every service.
    pub async fn start(config: Config) -> Result<App> {
        let db = productsynch_db::connect_and_migrate(config.database_url.expose(), &config.connect_settings()).await?;
        Self::from_parts(config, db)
    }

    /// Builds the services on an existing (already migrated) connection — for tests.
    pub fn from_parts(config: Config, db: DatabaseConnection) -> Result<App> {
        let keyring = Keyring::from_config(&config).map_err(|e| Error::Internal(anyhow::anyhow!("ENCRYPTION_KEY: {e}")))?;
        let mailer = Mailer::new(&config, db.clone())?;
        let storage = Storage::from_config(&config)?;
        let jobs = JobQueue::new(db.clone(), config.worker.clone());
        let scheduler = Scheduler::new(db.clone(), jobs.clone());
        let accounts = AccountService::new(db.clone(), config.clone(), mailer.clone())?;
        let app = App { inner: Arc::new(Inner { config, db, keyring, accounts, jobs, scheduler, storage, mailer }) };
        app.register_builtin()?;
        Ok(app)
    }

    fn register_builtin(&self) -> Result<()> {
        self.jobs().register(CLEANUP_JOB, cleanup_handler);
        crate::sync::register(self)?;
        crate::delivery::register(self)?;
        self.scheduler().register("cleanup", every::DAY_AT_0300, NewJob::new(queues::MAINTENANCE, CLEANUP_JOB, serde_json::json!({})))
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }
    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }
    /// AES-256-GCM encryption of secrets at rest.
    pub fn crypto(&self) -> &Keyring {
        &self.inner.keyring
    }
    pub fn accounts(&self) -> &AccountService {
        &self.inner.accounts
    }
    pub fn jobs(&self) -> &JobQueue {
        &self.inner.jobs
    }
    pub fn scheduler(&self) -> &Scheduler {
        &self.inner.scheduler
    }
    pub fn storage(&self) -> &Storage {
        &self.inner.storage
    }
    pub fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    /// Deletes expired tokens, old processed webhook events, schedule runs, finished jobs and
    /// outbox mail. Returns the number of rows removed.
    pub async fn cleanup(&self) -> Result<u64> {
        let cutoff = Utc::now() - Duration::days(RETENTION_DAYS);
        let mut n = self.accounts().cleanup_expired_tokens().await?;
        n += webhook_events::Entity::delete_many()
            .filter(webhook_events::Column::ReceivedAt.lt(cutoff))
            .filter(webhook_events::Column::Status.ne("received"))
            .exec(self.db())
            .await?
            .rows_affected;
        n += schedule_runs::Entity::delete_many()
            .filter(schedule_runs::Column::FiredAt.lt(cutoff))
            .exec(self.db())
            .await?
            .rows_affected;
        n += email_outbox::Entity::delete_many()
            .filter(email_outbox::Column::CreatedAt.lt(cutoff))
            .exec(self.db())
            .await?
            .rows_affected;
        n += self.jobs().purge_finished(Duration::days(RETENTION_DAYS)).await?;
        Ok(n)
    }
}

async fn cleanup_handler(ctx: JobContext) -> JobResult {
    let removed = ctx.app.cleanup().await?;
    let reencrypted = ctx.app.reencrypt_secrets().await?;
    let feeds = crate::delivery::snapshot::prune(&ctx.app, ctx.app.config().feed_snapshots_keep).await?;
    tracing::info!(removed, reencrypted, feed_files = feeds.files, feed_orphans = feeds.orphans, "cleanup done");
    Ok(Some(serde_json::json!({ "removed": removed, "reencrypted": reencrypted, "feedFiles": feeds })))
}

impl App {
    /// Key rotation: re-encrypts every encrypted column still written with a previous key under
    /// the primary key, so the old key can be dropped from `ENCRYPTION_KEYS_PREVIOUS` afterwards:
    /// `shops.woo_consumer_secret`, `shops.woo_webhook_secret`, `shops.openai_token`, and
    /// `shop_delivery.feed_token`, `.https_token`, `.sftp_password`, `.sftp_private_key`. Runs in
    /// the daily cleanup. Returns the number of rows updated (shops and delivery settings).
    pub async fn reencrypt_secrets(&self) -> Result<u64> {
        use crate::delivery::entities::shop_delivery;
        use productsynch_db::entities::shops;
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let ring = self.crypto();
        let rotate = |v: &str| -> Result<Option<String>> {
            if !ring.needs_reencrypt(v) {
                return Ok(None);
            }
            let plain = ring.decrypt(v).map_err(|e| Error::Internal(anyhow::anyhow!("re-encrypting a secret: {e}")))?;
            Ok(Some(ring.encrypt(&plain)))
        };
        let mut updated = 0;
        for shop in shops::Entity::find().all(self.db()).await? {
            let secret = rotate(&shop.woo_consumer_secret)?;
            let webhook = match &shop.woo_webhook_secret {
                Some(v) => rotate(v)?,
                None => None,
            };
            let openai = match &shop.openai_token {
                Some(v) => rotate(v)?,
                None => None,
            };
            if secret.is_none() && webhook.is_none() && openai.is_none() {
                continue;
            }
            let mut am = shop.into_active_model();
            if let Some(v) = secret {
                am.woo_consumer_secret = Set(v);
            }
            if let Some(v) = webhook {
                am.woo_webhook_secret = Set(Some(v));
            }
            if let Some(v) = openai {
                am.openai_token = Set(Some(v));
            }
            am.update(self.db()).await?;
            updated += 1;
        }
        let opt = |v: &Option<String>| -> Result<Option<String>> {
            match v {
                Some(v) => rotate(v),
                None => Ok(None),
            }
        };
        for row in shop_delivery::Entity::find().all(self.db()).await? {
            let feed_token = opt(&row.feed_token)?;
            let https_token = opt(&row.https_token)?;
            let sftp_password = opt(&row.sftp_password)?;
            let sftp_private_key = opt(&row.sftp_private_key)?;
            if feed_token.is_none() && https_token.is_none() && sftp_password.is_none() && sftp_private_key.is_none() {
                continue;
            }
            let mut am = shop_delivery::ActiveModel { shop_id: Set(row.shop_id.clone()), ..Default::default() };
            if let Some(v) = feed_token {
                am.feed_token = Set(Some(v));
            }
            if let Some(v) = https_token {
                am.https_token = Set(Some(v));
            }
            if let Some(v) = sftp_password {
                am.sftp_password = Set(Some(v));
            }
            if let Some(v) = sftp_private_key {
                am.sftp_private_key = Set(Some(v));
            }
            am.update(self.db()).await?;
            updated += 1;
        }
        Ok(updated)
    }
}
