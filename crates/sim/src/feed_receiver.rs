//! A simulated OpenAI feed endpoint: accepts a pushed feed (`POST`, bearer token), decodes it
//! (gzip by `Content-Encoding` or magic bytes; format from `X-Feed-Format`, `Content-Type` or
//! the content), validates every record with `productsynch-feed` (current OpenAI profile), keeps
//! what it got and answers with counts. Faults can be queued with [`FeedReceiver::fail_next`].

use std::collections::VecDeque;
use std::io::{BufReader, Cursor, Read};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use productsynch_feed::io::{Format, read_feed};
use productsynch_feed::{FeedValidator, Profile, ValidateOptions};
use serde::Serialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

/// Path the receiver listens on.
pub const FEED_PATH: &str = "/v1/feeds/products";
/// Largest accepted upload (decoded).
pub const MAX_BODY: usize = 512 * 1024 * 1024;

/// One accepted upload.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub format: String,
    /// Bytes on the wire.
    pub bytes: u64,
    pub items: u64,
    pub valid: u64,
    pub invalid: u64,
    /// `line: field code` of the first problems.
    pub errors: Vec<String>,
    pub item_ids: Vec<String>,
    pub idempotency_key: Option<String>,
    /// The decoded feed.
    #[serde(skip)]
    pub body: Vec<u8>,
}

#[derive(Default)]
struct Inner {
    token: String,
    uploads: Mutex<Vec<Upload>>,
    faults: Mutex<VecDeque<StatusCode>>,
    attempts: Mutex<u64>,
}

/// A running receiver (stops when dropped).
pub struct FeedReceiver {
    addr: SocketAddr,
    inner: Arc<Inner>,
    shutdown: CancellationToken,
}

impl Drop for FeedReceiver {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The receiver's routes (`POST /v1/feeds/products`, `GET /v1/feeds/products/_uploads`).
fn router(inner: Arc<Inner>) -> Router {
    Router::new()
        .route(FEED_PATH, post(receive))
        .route(&format!("{FEED_PATH}/_uploads"), get(list))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(inner)
}

impl FeedReceiver {
    /// Starts on `127.0.0.1:<port>` (0 = any) expecting `Authorization: Bearer <token>`.
    pub async fn start(token: &str, port: u16) -> std::io::Result<FeedReceiver> {
        let inner = Arc::new(Inner { token: token.to_owned(), ..Default::default() });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let app = router(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).with_graceful_shutdown(async move { stop.cancelled().await }).await;
        });
        tracing::info!(%addr, "feed receiver listening");
        Ok(FeedReceiver { addr, inner, shutdown })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL to configure as the HTTPS push destination.
    pub fn url(&self) -> String {
        format!("http://{}{FEED_PATH}", self.addr)
    }

    /// Accepted uploads so far.
    pub fn uploads(&self) -> Vec<Upload> {
        self.inner.uploads.lock().map(|u| u.clone()).unwrap_or_default()
    }

    /// Requests seen (accepted, rejected and faulted).
    pub fn attempts(&self) -> u64 {
        self.inner.attempts.lock().map(|a| *a).unwrap_or(0)
    }

    /// The next `n` authorised requests answer `status` (e.g. 503) without being stored.
    pub fn fail_next(&self, n: usize, status: u16) {
        let s = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Ok(mut f) = self.inner.faults.lock() {
            f.extend(std::iter::repeat_n(s, n));
        }
    }

    /// Stops serving.
    pub fn stop(&self) {
        self.shutdown.cancel();
    }
}

fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": { "type": "invalid_request", "code": code, "message": message } }))).into_response()
}

fn format_of(headers: &HeaderMap, decoded: &[u8]) -> Option<Format> {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
    if let Some(f) = h("x-feed-format") {
        let base = f.trim_end_matches(".gz");
        if let Ok(fmt) = base.parse::<Format>() {
            return Some(fmt);
        }
    }
    match h("content-type").as_deref().map(|c| c.split(';').next().unwrap_or("").trim().to_owned()).as_deref() {
        Some("application/x-ndjson" | "application/jsonl" | "application/jsonlines") => Some(Format::Jsonl),
        Some("text/csv") => Some(Format::Csv),
        Some("text/tab-separated-values") => Some(Format::Tsv),
        Some("application/xml" | "text/xml") => Some(Format::Xml),
        _ => Format::sniff(&decoded[..decoded.len().min(4096)]),
    }
}

async fn receive(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Ok(mut a) = inner.attempts.lock() {
        *a += 1;
    }
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    if auth.strip_prefix("Bearer ") != Some(inner.token.as_str()) {
        return problem(StatusCode::UNAUTHORIZED, "invalid_token", "missing or wrong bearer token");
    }
    if let Some(status) = inner.faults.lock().ok().and_then(|mut f| f.pop_front()) {
        return problem(status, "simulated_fault", "simulated failure");
    }
    let gz_header = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let decoded = if gz_header || body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let mut dec = flate2::read::MultiGzDecoder::new(&body[..]).take(MAX_BODY as u64 + 1);
        if let Err(e) = dec.read_to_end(&mut out) {
            return problem(StatusCode::BAD_REQUEST, "invalid_gzip", &format!("the body is not valid gzip: {e}"));
        }
        if out.len() > MAX_BODY {
            return problem(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the decoded feed is too large");
        }
        out
    } else {
        body.to_vec()
    };
    let Some(format) = format_of(&headers, &decoded) else {
        return problem(StatusCode::BAD_REQUEST, "empty_feed", "the feed is empty");
    };
    let mut validator = FeedValidator::new(ValidateOptions::new(Profile::OpenAi));
    let (mut items, mut valid, mut invalid) = (0u64, 0u64, 0u64);
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    let input = Box::new(BufReader::new(Cursor::new(decoded.clone())));
    let res = read_feed(input, format, &mut |rec| {
        items += 1;
        match rec {
            Ok(r) => {
                let (item, mut issues) = productsynch_feed::profile::read_item(Profile::OpenAi, &r.fields);
                issues.extend(validator.check(&item));
                if let Some(id) = &item.item_id {
                    ids.push(id.to_string());
                }
                let errs: Vec<_> = issues.iter().filter(|i| i.is_error()).collect();
                if errs.is_empty() {
                    valid += 1;
                } else {
                    invalid += 1;
                    for i in errs {
                        if errors.len() < 50 {
                            errors.push(format!("{}: {} {}", r.line, i.field, i.code));
                        }
                    }
                }
            }
            Err(e) => {
                invalid += 1;
                if errors.len() < 50 {
                    errors.push(format!("{}: {}", e.line, e.message));
                }
            }
        }
    });
    if let Err(e) = res {
        return problem(StatusCode::BAD_REQUEST, "unreadable_feed", &format!("the feed cannot be read as {format}: {e}"));
    }
    let upload = Upload {
        received_at: chrono::Utc::now(),
        format: format.to_string(),
        bytes: body.len() as u64,
        items,
        valid,
        invalid,
        errors: errors.clone(),
        item_ids: ids,
        idempotency_key: headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned),
        body: decoded,
    };
    if let Ok(mut u) = inner.uploads.lock() {
        u.push(upload);
    }
    tracing::info!(items, valid, invalid, "feed received");
    (StatusCode::OK, Json(json!({ "status": "accepted", "received": items, "valid": valid, "invalid": invalid, "errors": errors })))
        .into_response()
}

async fn list(State(inner): State<Arc<Inner>>) -> Json<Vec<Upload>> {
    Json(inner.uploads.lock().map(|u| u.clone()).unwrap_or_default())
}
