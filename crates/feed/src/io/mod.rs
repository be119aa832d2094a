//! Streaming feed writers and readers.
//!
//! Writers take one item at a time and never hold the feed in memory. Readers are push-style: they call
//! a closure per record, so a JSON array is parsed as a stream (serde `SeqAccess`), never loaded whole.

mod read;
mod shard;
mod write;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use read::{RawRecord, RecordError, StreamError, read_feed, read_feed_file, stream_json_array};
pub use shard::{ShardLimits, ShardedWriter};
pub use write::{CountingWriter, FeedWriter, check_supported};

/// File format of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jsonl,
    Json,
    Csv,
    Tsv,
    Xml,
    Parquet,
}

impl Format {
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Xml => "xml",
            Format::Parquet => "parquet",
        }
    }
    /// File extension (without the `.gz`).
    pub fn extension(&self) -> &'static str {
        self.as_str()
    }

    /// Format and gzip flag from a file name (`feed.jsonl.gz`, `products.txt`, ...).
    pub fn from_path(path: &Path) -> Option<(Format, bool)> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let (name, gz) = match name.strip_suffix(".gz").or_else(|| name.strip_suffix(".gzip")) {
            Some(n) => (n.to_string(), true),
            None => (name, false),
        };
        let ext = name.rsplit_once('.')?.1;
        let f = match ext {
            "jsonl" | "ndjson" => Format::Jsonl,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "tsv" | "txt" | "tab" => Format::Tsv,
            "xml" | "rss" => Format::Xml,
            "parquet" | "pq" => Format::Parquet,
            _ => return None,
        };
        Some((f, gz))
    }

    /// Guess from the first bytes of (decompressed) content.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        if head.starts_with(b"PAR1") {
            return Some(Format::Parquet);
        }
        let text = std::str::from_utf8(head).unwrap_or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""));
        let text = text.trim_start_matches('\u{feff}').trim_start();
        match text.chars().next()? {
            '[' => Some(Format::Json),
            '{' => Some(Format::Jsonl),
            '<' => Some(Format::Xml),
            _ => {
                let first_line = text.lines().next().unwrap_or("");
                if first_line.contains('\t') { Some(Format::Tsv) } else { Some(Format::Csv) }
            }
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = FeedIoError;
    fn from_str(s: &str) -> Result<Self, FeedIoError> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "tsv" | "txt" => Ok(Format::Tsv),
            "xml" | "rss" => Ok(Format::Xml),
            "parquet" => Ok(Format::Parquet),
            other => Err(FeedIoError::Unsupported(format!("unknown format '{other}' (jsonl, json, csv, tsv, xml, parquet)"))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FeedIoError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("xml: {0}")]
    Xml(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Parse(String),
}

#[cfg(test)]
mod tests;
