//! Feed files: `GET /shops/{id}/feed/preview`, `GET /shops/{id}/feed/download` (any format,
//! streamed), `GET /shops/{id}/feed/files` (history), `POST /shops/{id}/feed/generate`, and the
//! public hosted feed `GET /feeds/{token}/products.jsonl.gz` (no auth; ETag, Last-Modified,
//! Range, 304).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use productsynch_core::delivery::{self, FeedFormat, snapshot};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiPath, ApiQuery};
use crate::ownership::OwnedShop;
use crate::state::AppState;

/// Shop-scoped feed routes (nested under `/api/v1`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(preview))
        .routes(routes!(download))
        .routes(routes!(files))
        .routes(routes!(generate))
}

/// The public hosted feed (outside `/api/v1`).
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(hosted))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// Items to show (1-100, default 20).
    #[validate(range(min = 1, max = 100))]
    pub limit: Option<u64>,
}

/// The first feed items and a validation summary of the whole catalog.
#[utoipa::path(get, path = "/shops/{id}/feed/preview", tag = "feed", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), PreviewQuery),
    responses(
        (status = 200, description = "Preview", body = delivery::FeedPreview),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn preview(State(state): State<AppState>, shop: OwnedShop, ApiQuery(q): ApiQuery<PreviewQuery>) -> ApiResult<Json<delivery::FeedPreview>> {
    Ok(Json(delivery::preview(&state.app, &shop.shop.id, q.limit.unwrap_or(20)).await?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// `jsonl.gz` (default), `jsonl`, `json`, `csv`, `csv.gz`, `tsv`, `tsv.gz`, `xml`, `xml.gz`.
    #[validate(length(max = 16))]
    pub format: Option<String>,
    /// Field names: `openai` (default), `openai-v1`, `google`, `acp` (jsonl/json only).
    #[validate(length(max = 16))]
    pub profile: Option<String>,
}

fn file_headers(fmt: FeedFormat, len: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(fmt.content_type()));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", fmt.file_name())) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h
}

/// Downloads the feed, streamed, in any supported format. The `openai` profile is served from
/// the stored snapshot of that format when no product changed since (else one is generated and
/// recorded); other profiles are generated for this download.
#[utoipa::path(get, path = "/shops/{id}/feed/download", tag = "feed", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), DownloadQuery),
    responses(
        (status = 200, description = "The feed file", content_type = "application/octet-stream"),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unsupported format or profile", body = Problem, content_type = "application/problem+json"),
    ))]
async fn download(State(state): State<AppState>, shop: OwnedShop, ApiQuery(q): ApiQuery<DownloadQuery>) -> ApiResult<Response> {
    let fmt = FeedFormat::parse(q.format.as_deref().unwrap_or("jsonl.gz"), q.profile.as_deref())?;
    if fmt.is_recorded() {
        let file = snapshot::ensure_current(&state.app, &shop.shop.id, fmt).await?;
        let (size, stream) = state.app.storage().get_stream(&file.storage_key).await?;
        let mut h = file_headers(fmt, size);
        if let Ok(v) = HeaderValue::from_str(&file.item_count.to_string()) {
            h.insert("x-feed-item-count", v);
        }
        return Ok((h, Body::from_stream(stream)).into_response());
    }
    let (tmp, size, stats) = snapshot::write_temp(&state.app, &shop.shop.id, fmt).await?;
    let file = tokio::fs::File::open(tmp.path()).await.map_err(|e| ApiError::internal(anyhow::anyhow!("reopening feed: {e}")))?;
    // The temp file lives as long as the stream (deleted when the download ends).
    let stream = futures::stream::unfold(Some((file, tmp)), |state| async move {
        let (mut file, tmp) = state?;
        let mut buf = vec![0u8; 256 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buf)), Some((file, tmp))))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut h = file_headers(fmt, size);
    if let Ok(v) = HeaderValue::from_str(&stats.items.to_string()) {
        h.insert("x-feed-item-count", v);
    }
    Ok((h, Body::from_stream(stream.boxed())).into_response())
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilesQuery {
    /// Files to list (1-200, default 50).
    #[validate(range(min = 1, max = 200))]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedFiles {
    pub files: Vec<delivery::FeedFileView>,
}

/// History of generated feed files, newest first.
#[utoipa::path(get, path = "/shops/{id}/feed/files", tag = "feed", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id"), FilesQuery),
    responses(
        (status = 200, description = "Generated files", body = FeedFiles),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn files(State(state): State<AppState>, shop: OwnedShop, ApiQuery(q): ApiQuery<FilesQuery>) -> ApiResult<Json<FeedFiles>> {
    let files = snapshot::history(&state.app, &shop.shop.id, q.limit.unwrap_or(50)).await?;
    Ok(Json(FeedFiles { files: files.into_iter().map(delivery::FeedFileView::from).collect() }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobAccepted {
    pub job_id: String,
    /// False when a generation (or push) of this shop was already queued: that job is returned.
    pub created: bool,
}

/// Regenerates the shop's feed snapshot in the background (`feed.generate` job).
#[utoipa::path(post, path = "/shops/{id}/feed/generate", tag = "feed", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Shop id")),
    responses(
        (status = 202, description = "Generation queued", body = JobAccepted),
        (status = 404, description = "No such shop of this user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn generate(State(state): State<AppState>, shop: OwnedShop) -> ApiResult<(StatusCode, Json<JobAccepted>)> {
    let e = delivery::after_sync(&state.app, &shop.shop.id, None).await?;
    Ok((StatusCode::ACCEPTED, Json(JobAccepted { job_id: e.id, created: e.created })))
}

#[derive(Debug, Deserialize)]
pub struct HostedPath {
    pub token: String,
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(s.trim()).ok().map(|d| d.with_timezone(&Utc))
}

/// `If-None-Match` matches `etag` (weak comparison, `*` included).
fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// One `bytes=` range of a `size`-byte file: `Ok(Some((start, end_inclusive)))`, `Ok(None)` to
/// ignore the header (other units, several ranges), `Err(())` when unsatisfiable.
fn parse_range(v: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = v.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    if size == 0 {
        return Err(());
    }
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end: u64 = if b.is_empty() { size - 1 } else { b.parse::<u64>().map_err(|_| ())?.min(size - 1) };
        (start, end)
    };
    if start >= size || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// The shop's latest feed snapshot (`jsonl.gz`) at its unguessable hosted URL. No sign-in: the
/// token is the credential (rotate it to revoke). Supports `ETag`/`If-None-Match`,
/// `Last-Modified`/`If-Modified-Since` (304) and single byte ranges (206, 416).
#[utoipa::path(get, path = "/feeds/{token}/products.jsonl.gz", tag = "feed",
    params(("token" = String, Path, description = "The shop's hosted feed token")),
    responses(
        (status = 200, description = "The snapshot", content_type = "application/gzip"),
        (status = 206, description = "A byte range of the snapshot", content_type = "application/gzip"),
        (status = 304, description = "Not modified"),
        (status = 404, description = "Unknown or rotated token", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable"),
    ))]
async fn hosted(State(state): State<AppState>, ApiPath(p): ApiPath<HostedPath>, headers: HeaderMap) -> ApiResult<Response> {
    let app = &state.app;
    let shop_id = delivery::settings::shop_for_token(app, &p.token).await?.ok_or(ApiError::NotFound)?;
    let file = match snapshot::latest(app, &shop_id, &FeedFormat::SNAPSHOT.label()).await? {
        Some(f) => f,
        None => snapshot::generate(app, &shop_id, FeedFormat::SNAPSHOT, None).await?.file,
    };
    let etag = format!("\"{}\"", file.sha256.clone().unwrap_or_else(|| file.id.clone()));
    let last_modified = file.created_at;
    let mut h = HeaderMap::new();
    let set = |h: &mut HeaderMap, name: header::HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(name, v);
        }
    };
    set(&mut h, header::ETAG, &etag);
    set(&mut h, header::LAST_MODIFIED, &http_date(last_modified));
    set(&mut h, header::CACHE_CONTROL, "no-cache");
    set(&mut h, header::ACCEPT_RANGES, "bytes");
    set(&mut h, header::HeaderName::from_static("x-feed-item-count"), &file.item_count.to_string());

    let not_modified = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(inm) => etag_matches(inm, &etag),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| last_modified.timestamp() <= since.timestamp()),
    };
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    set(&mut h, header::CONTENT_TYPE, FeedFormat::SNAPSHOT.content_type());
    let size = u64::try_from(file.size_bytes).unwrap_or(0);
    // If-Range: only honour Range when the client's validator still matches.
    let if_range_ok = match headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(v) if v.trim().starts_with('"') || v.trim().starts_with("W/") => v.trim() == etag,
        Some(v) => parse_http_date(v).is_some_and(|d| last_modified.timestamp() <= d.timestamp()),
    };
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(r) if if_range_ok => parse_range(r, size),
        _ => Ok(None),
    };
    match range {
        Err(()) => {
            set(&mut h, header::CONTENT_RANGE, &format!("bytes */{size}"));
            Ok((StatusCode::RANGE_NOT_SATISFIABLE, h).into_response())
        }
        Ok(Some((start, end))) => {
            let stream = snapshot::read_range(app, &file.storage_key, start, end).await?;
            set(&mut h, header::CONTENT_RANGE, &format!("bytes {start}-{end}/{size}"));
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
            Ok((StatusCode::PARTIAL_CONTENT, h, Body::from_stream(stream)).into_response())
        }
        Ok(None) => {
            let (len, stream) = app.storage().get_stream(&file.storage_key).await?;
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            Ok((StatusCode::OK, h, Body::from_stream(stream)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=95-200", 100), Ok(Some((95, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Err(()));
        assert_eq!(parse_range("bytes=5-2", 100), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
        assert_eq!(parse_range("bytes=x-1", 100), Err(()));
    }

    #[test]
    fn etags_and_dates() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
        let t: DateTime<Utc> = "2026-11-28T10:00:05Z".parse().unwrap();
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
    }
}
