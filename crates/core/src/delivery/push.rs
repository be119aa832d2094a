//! Pushing the snapshot to the shop's destination: one job per push request (`feed.push`),
//! retried with the queue's exponential backoff, every attempt recorded in `feed_pushes` with
//! status, size, item count and the remote answer.

use std::time::Duration;

use chrono::{DateTime, Utc};
use productsynch_db::entities::{feed_files, shops};
use productsynch_db::ids;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use super::entities::{feed_pushes, shop_delivery};
use super::settings;
use super::sftp::{self, SftpTarget};
use super::snapshot::{self, FeedFormat};
use crate::App;
use crate::error::{Error, Result};
use crate::jobs::{Enqueued, JobContext, JobError, JobResult, NewJob, queues};

/// Job kind: push the shop's feed now.
pub const PUSH_JOB: &str = "feed.push";
/// Job kind: regenerate the shop's snapshot (after a sync), then push when the cadence says so.
pub const GENERATE_JOB: &str = "feed.generate";
/// Job kind of the daily schedule: request a push for every shop on the daily cadence.
pub const PUSH_DUE_JOB: &str = "feed.push_due";
/// The daily push schedule (UTC).
pub const DAILY_PUSH_CRON: &str = "0 0 4 * * *";
/// Prefix of push ids.
pub const PUSH_ID_PREFIX: &str = "push";
/// How much of a remote answer is kept.
const MAX_REMOTE_ANSWER: usize = 2000;
/// Upper bound of one transfer.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PushPayload {
    pub shop_id: String,
    /// `manual`, `schedule` or `after_sync`.
    pub trigger: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratePayload {
    pub shop_id: String,
    pub batch_id: Option<String>,
}

/// A recorded push attempt as the API shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Push))]
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PushView {
    pub id: String,
    pub method: String,
    pub triggered_by: String,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    pub attempt: i32,
    pub size_bytes: i64,
    pub item_count: i32,
    pub destination: Option<String>,
    pub remote_status: Option<i32>,
    pub remote_response: Option<String>,
    pub error: Option<String>,
    pub feed_file_id: Option<String>,
    pub job_id: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<feed_pushes::Model> for PushView {
    fn from(p: feed_pushes::Model) -> Self {
        PushView {
            id: p.id,
            method: p.method,
            triggered_by: p.triggered_by,
            status: p.status,
            attempt: p.attempt,
            size_bytes: p.size_bytes,
            item_count: p.item_count,
            destination: p.destination,
            remote_status: p.remote_status,
            remote_response: p.remote_response,
            error: p.error,
            feed_file_id: p.feed_file_id,
            job_id: p.job_id,
            started_at: p.started_at,
            finished_at: p.finished_at,
        }
    }
}

/// Enqueues a push of `shop_id` (at most one queued or running per shop).
pub async fn request_push(app: &App, shop_id: &str, trigger: &str, user_id: Option<&str>) -> Result<Enqueued> {
    let mut job = NewJob::new(queues::FEED_GENERATION, PUSH_JOB, PushPayload { shop_id: shop_id.into(), trigger: trigger.into() })
        .for_shop(shop_id)
        .dedupe(format!("feed-push:{shop_id}"));
    if let Some(u) = user_id {
        job = job.for_user(u);
    }
    app.jobs().enqueue(job).await
}

/// Enqueues regeneration of the snapshot after a sync (call this when a sync changed anything).
/// With the `after_sync` cadence the generation job then requests a push.
pub async fn after_sync(app: &App, shop_id: &str, batch_id: Option<&str>) -> Result<Enqueued> {
    let job = NewJob::new(
        queues::FEED_GENERATION,
        GENERATE_JOB,
        GeneratePayload { shop_id: shop_id.into(), batch_id: batch_id.map(str::to_owned) },
    )
    .for_shop(shop_id)
    .dedupe(format!("feed-generate:{shop_id}"));
    app.jobs().enqueue(job).await
}

/// Push history of a shop, newest first.
pub async fn history(app: &App, shop_id: &str, limit: u64) -> Result<Vec<PushView>> {
    Ok(feed_pushes::Entity::find()
        .filter(feed_pushes::Column::ShopId.eq(shop_id))
        .order_by_desc(feed_pushes::Column::StartedAt)
        .order_by_desc(feed_pushes::Column::Id)
        .limit(limit)
        .all(app.db())
        .await?
        .into_iter()
        .map(PushView::from)
        .collect())
}

/// The newest push of a shop.
pub async fn last_push(app: &App, shop_id: &str) -> Result<Option<PushView>> {
    Ok(history(app, shop_id, 1).await?.into_iter().next())
}

/// Next slot of the daily push schedule after `now`.
pub fn next_daily_push(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use std::str::FromStr;
    cron::Schedule::from_str(DAILY_PUSH_CRON).ok()?.after(&now).next()
}

/// When the shop's feed is pushed next by schedule.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NextPush {
    /// `daily` or `after_sync`.
    pub cadence: String,
    pub method: String,
    pub enabled: bool,
    /// The next daily slot (UTC) when the cadence is `daily`, delivery is enabled and the shop is
    /// connected; `None` otherwise (with `after_sync` the push follows the next sync that changes
    /// anything).
    pub at: Option<DateTime<Utc>>,
}

/// The shop's push cadence and its next daily slot after `now` (what `feed.push_due` will do:
/// shops without delivery settings are on the default `daily` cadence).
pub async fn next_push(app: &App, shop: &shops::Model, now: DateTime<Utc>) -> Result<NextPush> {
    let row = settings::load(app, &shop.id).await?;
    let (cadence, method, enabled) = match &row {
        Some(r) => (r.cadence.clone(), r.method.clone(), r.enabled),
        None => ("daily".to_owned(), "hosted".to_owned(), true),
    };
    let at = (shop.is_connected && enabled && cadence == "daily").then(|| next_daily_push(now)).flatten();
    Ok(NextPush { cadence, method, enabled, at })
}

struct Delivered {
    destination: String,
    remote_status: Option<i32>,
    remote_response: Option<String>,
}

struct Failed {
    message: String,
    permanent: bool,
    destination: Option<String>,
    remote_status: Option<i32>,
    remote_response: Option<String>,
}

impl Failed {
    fn new(message: impl Into<String>, permanent: bool) -> Failed {
        Failed { message: message.into(), permanent, destination: None, remote_status: None, remote_response: None }
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_REMOTE_ANSWER {
        return s.to_owned();
    }
    let mut end = MAX_REMOTE_ANSWER;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn decrypt(app: &App, v: &Option<String>) -> std::result::Result<Option<String>, Failed> {
    match v {
        Some(env) => app
            .crypto()
            .decrypt(env)
            .map(Some)
            .map_err(|e| Failed::new(format!("stored secret cannot be decrypted: {e}"), true)),
        None => Ok(None),
    }
}

async fn deliver(app: &App, row: &shop_delivery::Model, file: &feed_files::Model, push_id: &str) -> std::result::Result<Delivered, Failed> {
    match row.method.as_str() {
        "hosted" => {
            let token = decrypt(app, &row.feed_token)?.unwrap_or_default();
            Ok(Delivered {
                destination: settings::hosted_url(app, &token),
                remote_status: None,
                remote_response: Some("published at the hosted URL".into()),
            })
        }
        "https" => push_https(app, row, file, push_id).await,
        "sftp" => push_sftp(app, row, file, push_id).await,
        other => Err(Failed::new(format!("unknown delivery method {other}"), true)),
    }
}

async fn push_https(app: &App, row: &shop_delivery::Model, file: &feed_files::Model, push_id: &str) -> std::result::Result<Delivered, Failed> {
    let endpoint = row.https_endpoint.clone().ok_or_else(|| Failed::new("no HTTPS endpoint configured", true))?;
    let token = decrypt(app, &row.https_token)?.ok_or_else(|| Failed::new("no bearer token configured", true))?;
    let fail = |message: String, permanent: bool, status: Option<i32>, body: Option<String>| Failed {
        message,
        permanent,
        destination: Some(endpoint.clone()),
        remote_status: status,
        remote_response: body,
    };
    // SSRF guard (unless ALLOW_PRIVATE_NETWORK): the endpoint is re-checked now (a literal address is
    // not seen by the resolver), the client's resolver refuses private answers at connect time (DNS
    // rebinding), and redirects are not followed at all.
    let allow_private = app.config().allow_private_network;
    crate::net::check_url(&endpoint, "https.endpoint", allow_private)
        .await
        .map_err(|e| {
            let permanent = matches!(&e, Error::Validation(v) if v.iter().any(|f| f.code != "unresolvable_host"));
            fail(format!("endpoint refused: {e}"), permanent, None, None)
        })?;
    let (size, stream) = app.storage().get_stream(&file.storage_key).await.map_err(|e| fail(e.to_string(), false, None, None))?;
    let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(15)).timeout(TRANSFER_TIMEOUT);
    let client = crate::net::guard_builder(builder, allow_private)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| fail(format!("http client: {e}"), false, None, None))?;
    let res = client
        .post(&endpoint)
        .bearer_auth(&token)
        .header(reqwest::header::CONTENT_TYPE, "application/x-ndjson")
        .header(reqwest::header::CONTENT_ENCODING, "gzip")
        .header(reqwest::header::CONTENT_LENGTH, size)
        .header("Idempotency-Key", push_id)
        .header("X-Feed-Format", file.format.as_str())
        .header("X-Feed-Item-Count", file.item_count)
        .header("X-Feed-Sha256", file.sha256.clone().unwrap_or_default())
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await;
    let res = match res {
        Ok(r) => r,
        Err(e) => return Err(fail(format!("request failed: {e}"), false, None, None)),
    };
    let status = res.status();
    let body = truncate(&res.text().await.unwrap_or_default());
    let code = Some(i32::from(status.as_u16()));
    if status.is_success() {
        Ok(Delivered { destination: endpoint.clone(), remote_status: code, remote_response: Some(body) })
    } else {
        let retryable = status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429;
        Err(fail(format!("the endpoint answered {status}"), !retryable, code, Some(body)))
    }
}

async fn push_sftp(app: &App, row: &shop_delivery::Model, file: &feed_files::Model, push_id: &str) -> std::result::Result<Delivered, Failed> {
    let target = SftpTarget {
        host: row.sftp_host.clone().ok_or_else(|| Failed::new("no SFTP host configured", true))?,
        port: row.sftp_port.and_then(|p| u16::try_from(p).ok()).unwrap_or(22),
        addrs: Vec::new(),
        username: row.sftp_username.clone().unwrap_or_default(),
        password: decrypt(app, &row.sftp_password)?,
        private_key: decrypt(app, &row.sftp_private_key)?,
        directory: row.sftp_directory.clone().unwrap_or_else(|| ".".into()),
        file_name: row.sftp_file_name.clone().unwrap_or_else(|| settings::DEFAULT_SFTP_FILE.into()),
        host_key_fingerprint: row.sftp_host_key_fingerprint.clone(),
    };
    let destination = format!("sftp://{}@{}:{}/{}/{}", target.username, target.host, target.port, target.directory.trim_matches('/'), target.file_name);
    // SSRF guard (unless ALLOW_PRIVATE_NETWORK): resolve once, refuse private addresses, and connect
    // to exactly the checked addresses.
    let addrs = crate::net::resolve_checked(&target.host, target.port, "sftp.host", app.config().allow_private_network)
        .await
        .map_err(|e| Failed {
            message: format!("SFTP host refused: {e}"),
            permanent: matches!(&e, Error::Validation(v) if v.iter().any(|f| f.code != "unresolvable_host")),
            destination: Some(destination.clone()),
            remote_status: None,
            remote_response: None,
        })?;
    let target = SftpTarget { addrs, ..target };
    let (_, stream) = app.storage().get_stream(&file.storage_key).await.map_err(|e| Failed::new(e.to_string(), false))?;
    match sftp::upload(&target, push_id, stream, TRANSFER_TIMEOUT).await {
        Ok(up) => Ok(Delivered {
            destination,
            remote_status: None,
            remote_response: Some(format!(
                "wrote {} bytes to {} (host key {})",
                up.bytes,
                up.path,
                up.host_key.unwrap_or_else(|| "?".into())
            )),
        }),
        Err(e) => Err(Failed {
            message: e.to_string(),
            permanent: e.is_permanent(),
            destination: Some(destination),
            remote_status: None,
            remote_response: None,
        }),
    }
}

/// Runs one push attempt now (what the `feed.push` job does). Returns the recorded push; an
/// `Err` carries the recorded push too, and whether retrying can help.
pub async fn run_push(
    app: &App,
    shop_id: &str,
    trigger: &str,
    attempt: i32,
    job_id: Option<&str>,
) -> Result<std::result::Result<PushView, (PushView, bool)>> {
    let shop = shops::Entity::find_by_id(shop_id.to_owned()).one(app.db()).await?.ok_or(Error::NotFound("shop"))?;
    let row = settings::load_or_init(app, &shop.id).await?;
    // A fresh snapshot for the first attempt; retries resend the file of the failed attempt
    // unless the catalog changed since.
    let file = if attempt <= 1 {
        snapshot::generate(app, shop_id, FeedFormat::SNAPSHOT, None).await?.file
    } else {
        snapshot::ensure_current(app, shop_id, FeedFormat::SNAPSHOT).await?
    };
    let id = ids::new_id(PUSH_ID_PREFIX);
    let started = Utc::now();
    let mut rec = feed_pushes::Model {
        id: id.clone(),
        shop_id: shop_id.to_owned(),
        feed_file_id: Some(file.id.clone()),
        job_id: job_id.map(str::to_owned),
        method: row.method.clone(),
        triggered_by: trigger.to_owned(),
        status: "running".into(),
        attempt,
        size_bytes: file.size_bytes,
        item_count: file.item_count,
        destination: None,
        remote_status: None,
        remote_response: None,
        error: None,
        started_at: started,
        finished_at: None,
    };
    feed_pushes::Entity::insert(active(&rec)).exec_without_returning(app.db()).await?;
    let outcome = deliver(app, &row, &file, &id).await;
    rec.finished_at = Some(Utc::now());
    let result = match outcome {
        Ok(d) => {
            rec.status = "succeeded".into();
            rec.destination = Some(d.destination);
            rec.remote_status = d.remote_status;
            rec.remote_response = d.remote_response;
            tracing::info!(shop.id = shop_id, push.id = %id, method = %rec.method, items = rec.item_count, bytes = rec.size_bytes, "feed pushed");
            Ok(())
        }
        Err(f) => {
            rec.status = "failed".into();
            rec.destination = f.destination;
            rec.remote_status = f.remote_status;
            rec.remote_response = f.remote_response;
            rec.error = Some(f.message.clone());
            tracing::warn!(shop.id = shop_id, push.id = %id, method = %rec.method, attempt, error = %f.message, permanent = f.permanent, "feed push failed");
            Err(f.permanent)
        }
    };
    feed_pushes::Entity::update(active(&rec)).exec(app.db()).await?;
    crate::telemetry::push_finished(&rec.method, &rec.status);
    let view = PushView::from(rec);
    Ok(match result {
        Ok(()) => Ok(view),
        Err(permanent) => Err((view, permanent)),
    })
}

fn active(m: &feed_pushes::Model) -> feed_pushes::ActiveModel {
    feed_pushes::ActiveModel {
        id: Set(m.id.clone()),
        shop_id: Set(m.shop_id.clone()),
        feed_file_id: Set(m.feed_file_id.clone()),
        job_id: Set(m.job_id.clone()),
        method: Set(m.method.clone()),
        triggered_by: Set(m.triggered_by.clone()),
        status: Set(m.status.clone()),
        attempt: Set(m.attempt),
        size_bytes: Set(m.size_bytes),
        item_count: Set(m.item_count),
        destination: Set(m.destination.clone()),
        remote_status: Set(m.remote_status),
        remote_response: Set(m.remote_response.clone()),
        error: Set(m.error.clone()),
        started_at: Set(m.started_at),
        finished_at: Set(m.finished_at),
    }
}

pub(crate) async fn push_handler(ctx: JobContext) -> JobResult {
    let p: PushPayload = ctx.payload()?;
    match run_push(&ctx.app, &p.shop_id, &p.trigger, ctx.job.attempts, Some(ctx.id())).await? {
        Ok(v) => Ok(Some(serde_json::json!({ "pushId": v.id, "status": v.status, "items": v.item_count, "bytes": v.size_bytes }))),
        Err((v, true)) => Err(JobError::Permanent(anyhow::anyhow!("push {} failed: {}", v.id, v.error.unwrap_or_default()))),
        Err((v, false)) => Err(JobError::Retry(anyhow::anyhow!("push {} failed: {}", v.id, v.error.unwrap_or_default()))),
    }
}

pub(crate) async fn generate_handler(ctx: JobContext) -> JobResult {
    let p: GeneratePayload = ctx.payload()?;
    let snap = snapshot::generate(&ctx.app, &p.shop_id, FeedFormat::SNAPSHOT, p.batch_id.as_deref()).await?;
    let row = settings::load(&ctx.app, &p.shop_id).await?;
    let mut pushed = None;
    if let Some(row) = row
        && row.enabled
        && row.cadence == "after_sync"
        && row.method != "hosted"
    {
        pushed = Some(request_push(&ctx.app, &p.shop_id, "after_sync", None).await?.id);
    }
    Ok(Some(serde_json::json!({ "feedFileId": snap.file.id, "items": snap.stats.items, "pushJobId": pushed })))
}

pub(crate) async fn push_due_handler(ctx: JobContext) -> JobResult {
    let app = &ctx.app;
    let shop_ids: Vec<String> = shops::Entity::find()
        .select_only()
        .column(shops::Column::Id)
        .filter(shops::Column::IsConnected.eq(true))
        .into_tuple()
        .all(app.db())
        .await?;
    let mut requested = 0u64;
    for shop_id in shop_ids {
        let row = settings::load(app, &shop_id).await?;
        let due = match &row {
            Some(r) => r.enabled && r.cadence == "daily",
            None => true,
        };
        if due {
            request_push(app, &shop_id, "schedule", None).await?;
            requested += 1;
        }
    }
    tracing::info!(requested, "daily feed pushes requested");
    Ok(Some(serde_json::json!({ "requested": requested })))
}
