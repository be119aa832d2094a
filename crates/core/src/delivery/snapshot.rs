//! Feed snapshots: products are read from the database in keyset pages, each product's stored
//! feed items (`products.feed_data_json`) are validated and streamed through the feed engine's
//! writer into a temporary file (gzip and SHA-256 on the fly), which is then uploaded to
//! [`Storage`](crate::storage::Storage) in chunks and recorded in `feed_files`. The catalog is
//! never held in memory: one page of rows at a time.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::str::FromStr;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use futures::StreamExt;
use productsynch_db::entities::{ProductStatus, feed_files, products};
use productsynch_db::ids;
use productsynch_feed::io::{FeedWriter, Format};
use productsynch_feed::{FeedItem, FeedValidator, Profile, ValidateOptions};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::App;
use crate::error::{Error, Result};

/// Rows per keyset page.
pub const PAGE_SIZE: u64 = 500;

/// A file format for a snapshot or a download: format, gzip, profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedFormat {
    pub format: Format,
    pub gzip: bool,
    pub profile: Profile,
}

impl FeedFormat {
    /// What the hosted URL and every push deliver: `jsonl.gz`, current OpenAI field names.
    pub const SNAPSHOT: FeedFormat = FeedFormat { format: Format::Jsonl, gzip: true, profile: Profile::OpenAi };

    /// Parses `jsonl`, `jsonl.gz`, `json`, `csv`, `csv.gz`, `tsv`, `tsv.gz`, `xml`, `xml.gz` and a
    /// profile (`openai` default, `openai-v1`, `google`, `acp`).
    pub fn parse(format: &str, profile: Option<&str>) -> Result<FeedFormat> {
        let lower = format.trim().to_ascii_lowercase();
        let (base, gzip) = match lower.strip_suffix(".gz") {
            Some(b) => (b.to_owned(), true),
            None => (lower.clone(), false),
        };
        let fmt = Format::from_str(&base).map_err(|e| Error::invalid("format", "unsupported_format", &e.to_string()))?;
        if fmt == Format::Parquet {
            return Err(Error::invalid("format", "unsupported_format", "parquet is not offered for download; use jsonl.gz, csv.gz, tsv.gz, json or xml"));
        }
        let profile = match profile {
            None | Some("") => Profile::OpenAi,
            Some(p) => Profile::from_str(p).map_err(|e| Error::invalid("profile", "unsupported_profile", &e.to_string()))?,
        };
        if profile == Profile::Acp && !matches!(fmt, Format::Jsonl | Format::Json) {
            return Err(Error::invalid("format", "unsupported_format", "the acp profile is nested: use jsonl or json"));
        }
        Ok(FeedFormat { format: fmt, gzip, profile })
    }

    /// `jsonl.gz`, `csv`, …
    pub fn label(&self) -> String {
        if self.gzip { format!("{}.gz", self.format.extension()) } else { self.format.extension().to_owned() }
    }

    /// HTTP content type of the file.
    pub fn content_type(&self) -> &'static str {
        if self.gzip {
            return "application/gzip";
        }
        match self.format {
            Format::Jsonl => "application/x-ndjson",
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Tsv => "text/tab-separated-values; charset=utf-8",
            Format::Xml => "application/xml",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }

    /// Whether files of this format are stored and recorded in `feed_files` (the `openai`
    /// profile); other profiles are generated per download.
    pub fn is_recorded(&self) -> bool {
        self.profile == Profile::OpenAi
    }

    /// `products.jsonl.gz`, …
    pub fn file_name(&self) -> String {
        format!("products.{}", self.label())
    }
}

/// What a snapshot contained and skipped.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PreviewStats))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotStats {
    /// Product rows read.
    pub products: u64,
    /// Feed items written to the file.
    pub items: u64,
    /// Products excluded by the merchant (`status = EXCLUDED`).
    pub excluded: u64,
    /// Products marked invalid by the last feed recompute.
    pub invalid: u64,
    /// Products without computed feed items yet.
    pub pending: u64,
    /// Items left out because the feed engine found errors in them now.
    pub items_with_errors: u64,
    /// Warnings on written items.
    pub warnings: u64,
}

/// A snapshot written to storage and recorded in `feed_files`.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub file: feed_files::Model,
    pub stats: SnapshotStats,
}

/// Counts the bytes and hashes what goes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The file end of the writer chain: plain or gzip, always hashed.
enum Sink {
    Plain(Hashing<BufWriter<File>>),
    Gz(GzEncoder<Hashing<BufWriter<File>>>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gz(w) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gz(w) => w.flush(),
        }
    }
}

impl Sink {
    fn new(file: File, gzip: bool) -> Sink {
        let h = Hashing { inner: BufWriter::with_capacity(256 * 1024, file), hasher: Sha256::new(), bytes: 0 };
        if gzip { Sink::Gz(GzEncoder::new(h, Compression::default())) } else { Sink::Plain(h) }
    }
    /// Finishes gzip, flushes; returns (bytes, sha256 hex).
    fn finish(self) -> std::io::Result<(u64, String)> {
        let mut h = match self {
            Sink::Plain(h) => h,
            Sink::Gz(gz) => gz.finish()?,
        };
        h.flush()?;
        Ok((h.bytes, hex::encode(h.hasher.finalize())))
    }
}

/// The feed items stored on a product row: one object, an array of objects, or `{"items": […]}`.
pub fn stored_items(v: &Value) -> Vec<&Map<String, Value>> {
    match v {
        Value::Object(m) => match m.get("items") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
            _ => vec![m],
        },
        Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

fn io_err(e: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("writing feed file: {e}"))
}

type Row = (String, Option<Value>, bool, ProductStatus);

/// Streams the shop's products in keyset pages, calling `f` with each valid item.
/// Returns the stats (without `items`, which the caller counts).
pub(crate) async fn for_each_item(
    app: &App,
    shop_id: &str,
    limit: Option<u64>,
    mut f: impl FnMut(FeedItem, &mut SnapshotStats) -> Result<()>,
) -> Result<SnapshotStats> {
    let mut stats = SnapshotStats::default();
    let mut validator = FeedValidator::new(ValidateOptions::new(Profile::OpenAi));
    let mut after: Option<String> = None;
    loop {
        let mut q = products::Entity::find()
            .select_only()
            .columns([products::Column::Id, products::Column::FeedDataJson, products::Column::IsValid, products::Column::Status])
            .filter(products::Column::ShopId.eq(shop_id))
            .order_by_asc(products::Column::Id)
            .limit(PAGE_SIZE);
        if let Some(a) = &after {
            q = q.filter(products::Column::Id.gt(a.clone()));
        }
        let rows: Vec<Row> = q.into_tuple().all(app.db()).await?;
        let n = rows.len() as u64;
        for (id, data, is_valid, status) in rows {
            stats.products += 1;
            after = Some(id);
            if status == ProductStatus::Excluded {
                stats.excluded += 1;
                continue;
            }
            let Some(data) = data else {
                stats.pending += 1;
                continue;
            };
            if !is_valid {
                stats.invalid += 1;
                continue;
            }
            for map in stored_items(&data) {
                let (item, bad_values, _unknown) = FeedItem::from_json_map(map);
                let issues = validator.check(&item);
                if !bad_values.is_empty() || issues.iter().any(|i| i.is_error()) {
                    stats.items_with_errors += 1;
                    continue;
                }
                stats.warnings += issues.len() as u64;
                f(item, &mut stats)?;
                stats.items += 1;
                if limit.is_some_and(|l| stats.items >= l) {
                    return Ok(stats);
                }
            }
        }
        if n < PAGE_SIZE {
            break;
        }
    }
    Ok(stats)
}

/// Writes the shop's feed in `fmt` into `file` (a temp file). Returns (stats, bytes, sha256).
pub(crate) async fn write_feed(app: &App, shop_id: &str, fmt: FeedFormat, file: File) -> Result<(SnapshotStats, u64, String)> {
    let mut writer = FeedWriter::new(Sink::new(file, fmt.gzip), fmt.format, fmt.profile).map_err(io_err)?;
    let stats = for_each_item(app, shop_id, None, |item, _| writer.write(&item).map_err(io_err)).await?;
    let sink = writer.finish().map_err(io_err)?;
    let (bytes, sha) = sink.finish().map_err(io_err)?;
    Ok((stats, bytes, sha))
}

/// A temp file under `DATA_DIR/tmp`.
pub(crate) fn temp_file(app: &App) -> Result<tempfile::NamedTempFile> {
    let dir = app.config().data_dir.join("tmp");
    std::fs::create_dir_all(&dir).map_err(io_err)?;
    tempfile::Builder::new().prefix("feed-").tempfile_in(&dir).map_err(io_err)
}

/// Uploads a local file to storage in 1 MiB chunks.
pub(crate) async fn upload_file(app: &App, path: &std::path::Path, key: &str) -> Result<u64> {
    let file = File::open(path).map_err(io_err)?;
    let stream = futures::stream::unfold(Some(file), |state| async move {
        let mut file = state?;
        let mut buf = vec![0u8; 1024 * 1024];
        match file.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    app.storage().put_stream(key, stream.boxed()).await
}

/// Generates a snapshot of `shop_id` in `fmt`, stores it and records it in `feed_files`.
pub async fn generate(app: &App, shop_id: &str, fmt: FeedFormat, batch_id: Option<&str>) -> Result<Snapshot> {
    let started = std::time::Instant::now();
    let tmp = temp_file(app)?;
    let file = tmp.reopen().map_err(io_err)?;
    let (stats, bytes, sha) = write_feed(app, shop_id, fmt, file).await?;
    let id = ids::new_id(ids::FEED_FILE);
    let now = Utc::now();
    let key = format!("feeds/{shop_id}/{}-{id}.{}", now.format("%Y%m%dT%H%M%SZ"), fmt.label());
    let uploaded = upload_file(app, tmp.path(), &key).await?;
    debug_assert_eq!(uploaded, bytes);
    let model = feed_files::Model {
        id: id.clone(),
        shop_id: shop_id.to_owned(),
        format: fmt.label(),
        storage_key: key,
        size_bytes: bytes as i64,
        item_count: i32::try_from(stats.items).unwrap_or(i32::MAX),
        sha256: Some(sha),
        batch_id: batch_id.map(str::to_owned),
        created_at: now,
    };
    feed_files::Entity::insert(feed_files::ActiveModel {
        id: Set(model.id.clone()),
        shop_id: Set(model.shop_id.clone()),
        format: Set(model.format.clone()),
        storage_key: Set(model.storage_key.clone()),
        size_bytes: Set(model.size_bytes),
        item_count: Set(model.item_count),
        sha256: Set(model.sha256.clone()),
        batch_id: Set(model.batch_id.clone()),
        created_at: Set(model.created_at),
    })
    .exec_without_returning(app.db())
    .await?;
    crate::telemetry::feed_snapshot(&model.format, stats.items);
    tracing::info!(shop.id = shop_id, file.id = %id, format = %fmt.label(), items = stats.items, bytes,
        elapsed_ms = started.elapsed().as_millis() as u64, "feed snapshot generated");
    Ok(Snapshot { file: model, stats })
}

/// The newest file of `shop_id` in `label` format (`jsonl.gz`, …).
pub async fn latest(app: &App, shop_id: &str, label: &str) -> Result<Option<feed_files::Model>> {
    Ok(feed_files::Entity::find()
        .filter(feed_files::Column::ShopId.eq(shop_id))
        .filter(feed_files::Column::Format.eq(label))
        .order_by_desc(feed_files::Column::CreatedAt)
        .order_by_desc(feed_files::Column::Id)
        .one(app.db())
        .await?)
}

/// When the shop's feed content last changed: the newest `products.updated_at`.
pub async fn catalog_changed_at(app: &App, shop_id: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(products::Entity::find()
        .select_only()
        .column(products::Column::UpdatedAt)
        .filter(products::Column::ShopId.eq(shop_id))
        .order_by_desc(products::Column::UpdatedAt)
        .limit(1)
        .into_tuple()
        .one(app.db())
        .await?)
}

/// The latest stored file in `fmt` when no product changed after it, otherwise a freshly
/// generated one. (Deletions do not touch `updated_at`; the post-sync generation job
/// regenerates the snapshot after every sync, deletions included.)
pub async fn ensure_current(app: &App, shop_id: &str, fmt: FeedFormat) -> Result<feed_files::Model> {
    if let Some(file) = latest(app, shop_id, &fmt.label()).await? {
        let changed = catalog_changed_at(app, shop_id).await?;
        if !changed.is_some_and(|t| t >= file.created_at) {
            return Ok(file);
        }
    }
    Ok(generate(app, shop_id, fmt, None).await?.file)
}

/// Feed history of a shop, newest first.
pub async fn history(app: &App, shop_id: &str, limit: u64) -> Result<Vec<feed_files::Model>> {
    Ok(feed_files::Entity::find()
        .filter(feed_files::Column::ShopId.eq(shop_id))
        .order_by_desc(feed_files::Column::CreatedAt)
        .order_by_desc(feed_files::Column::Id)
        .limit(limit)
        .all(app.db())
        .await?)
}

/// Streams bytes `start..=end` of a stored file (for HTTP Range requests).
pub async fn read_range(
    app: &App,
    key: &str,
    start: u64,
    end_inclusive: u64,
) -> Result<futures::stream::BoxStream<'static, Result<Bytes>>> {
    use futures::TryStreamExt;
    let path = object_store::path::Path::parse(key).map_err(|_| Error::invalid("key", "invalid_key", "invalid storage key"))?;
    let opts = object_store::GetOptions {
        range: Some(object_store::GetRange::Bounded(start..end_inclusive + 1)),
        ..Default::default()
    };
    let res = app.storage().inner().get_opts(&path, opts).await.map_err(|e| match e {
        object_store::Error::NotFound { .. } => Error::NotFound("file"),
        other => Error::Unavailable(format!("storage: {other}")),
    })?;
    Ok(res.into_stream().map_err(|e| Error::Unavailable(format!("storage: {e}"))).boxed())
}

/// Writes the shop's feed in `fmt` to a temp file that is not recorded (other profiles'
/// downloads). Returns the open temp file (deleted when dropped) and its size.
pub async fn write_temp(app: &App, shop_id: &str, fmt: FeedFormat) -> Result<(tempfile::NamedTempFile, u64, SnapshotStats)> {
    let tmp = temp_file(app)?;
    let file = tmp.reopen().map_err(io_err)?;
    let (stats, bytes, _) = write_feed(app, shop_id, fmt, file).await?;
    Ok((tmp, bytes, stats))
}

/// What [`prune`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneReport {
    /// `feed_files` rows deleted (their objects with them).
    pub files: u64,
    /// Objects under `feeds/` that no `feed_files` row names any more (a shop deleted with its
    /// account, a generation that died between upload and record), deleted.
    pub orphans: u64,
}

/// Objects younger than this (hours) are never swept as orphans: a generation uploads its object
/// before it records the row.
const ORPHAN_MIN_AGE_HOURS: i64 = 6;

/// Feed retention (the daily cleanup): keeps the newest `keep` files of every shop and format and
/// deletes older ones, object first, then row (a failed object deletion keeps its row, so the next
/// run tries again); then sweeps objects under `feeds/` that no row names. Pushes that sent a
/// deleted file keep their history (`feed_pushes.feed_file_id` becomes NULL).
pub async fn prune(app: &App, keep: u64) -> Result<PruneReport> {
    let keep = keep.max(1) as usize;
    let mut report = PruneReport::default();
    type Key = (String, String, String, DateTime<Utc>);
    // Newest first per (shop, format); only ids, keys and times are read.
    let rows: Vec<Key> = feed_files::Entity::find()
        .select_only()
        .columns([feed_files::Column::Id, feed_files::Column::ShopId, feed_files::Column::Format, feed_files::Column::CreatedAt])
        .order_by_asc(feed_files::Column::ShopId)
        .order_by_asc(feed_files::Column::Format)
        .order_by_desc(feed_files::Column::CreatedAt)
        .order_by_desc(feed_files::Column::Id)
        .into_tuple::<(String, String, String, DateTime<Utc>)>()
        .all(app.db())
        .await?;
    let mut old_ids: Vec<String> = Vec::new();
    let mut seen = 0usize;
    let mut group: Option<(String, String)> = None;
    for (id, shop, format, _) in rows {
        let g = (shop, format);
        if group.as_ref() != Some(&g) {
            group = Some(g);
            seen = 0;
        }
        seen += 1;
        if seen > keep {
            old_ids.push(id);
        }
    }
    for chunk in old_ids.chunks(500) {
        let files = feed_files::Entity::find().filter(feed_files::Column::Id.is_in(chunk.to_vec())).all(app.db()).await?;
        for f in files {
            if let Err(e) = app.storage().delete(&f.storage_key).await {
                tracing::warn!(file.id = %f.id, key = %f.storage_key, error = %e, "could not delete an old feed file; kept for the next cleanup");
                continue;
            }
            report.files += feed_files::Entity::delete_by_id(f.id.clone()).exec(app.db()).await?.rows_affected;
        }
    }
    report.orphans = sweep_orphans(app, None).await?;
    if report.files + report.orphans > 0 {
        tracing::info!(files = report.files, orphans = report.orphans, keep, "old feed files deleted");
    }
    Ok(report)
}

/// Deletes objects under `feeds/` (or `feeds/{shop_id}/`) that no `feed_files` row names and that
/// are older than [`ORPHAN_MIN_AGE_HOURS`]. Returns how many were deleted.
async fn sweep_orphans(app: &App, shop_id: Option<&str>) -> Result<u64> {
    let prefix = match shop_id {
        Some(s) => format!("feeds/{s}"),
        None => "feeds".to_owned(),
    };
    let objects = app.storage().list(Some(&prefix)).await?;
    if objects.is_empty() {
        return Ok(0);
    }
    let cutoff = Utc::now() - chrono::Duration::hours(ORPHAN_MIN_AGE_HOURS);
    let mut n = 0;
    for chunk in objects.chunks(500) {
        let candidates: Vec<&crate::storage::StoredObject> = chunk.iter().filter(|o| o.last_modified < cutoff).collect();
        if candidates.is_empty() {
            continue;
        }
        let keys: Vec<String> = candidates.iter().map(|o| o.key.clone()).collect();
        let known: std::collections::HashSet<String> = feed_files::Entity::find()
            .select_only()
            .column(feed_files::Column::StorageKey)
            .filter(feed_files::Column::StorageKey.is_in(keys))
            .into_tuple::<String>()
            .all(app.db())
            .await?
            .into_iter()
            .collect();
        for o in candidates {
            if known.contains(&o.key) {
                continue;
            }
            match app.storage().delete(&o.key).await {
                Ok(()) => n += 1,
                Err(e) => tracing::warn!(key = %o.key, error = %e, "could not delete an orphaned feed object"),
            }
        }
    }
    Ok(n)
}

/// Deletes every stored feed object of a shop (its disconnect or deletion; the rows go with the
/// shop's data). Best effort: failures are logged, and the daily orphan sweep retries them.
/// Returns how many objects were deleted.
pub async fn delete_shop_files(app: &App, shop_id: &str) -> u64 {
    let objects = match app.storage().list(Some(&format!("feeds/{shop_id}"))).await {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(shop.id = shop_id, error = %e, "could not list the shop's feed files; the daily cleanup removes them");
            return 0;
        }
    };
    let mut n = 0;
    for o in objects {
        match app.storage().delete(&o.key).await {
            Ok(()) => n += 1,
            Err(e) => tracing::warn!(shop.id = shop_id, key = %o.key, error = %e, "could not delete a feed file of the shop"),
        }
    }
    n
}
