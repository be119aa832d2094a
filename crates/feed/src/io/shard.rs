use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;

use super::{CountingWriter, FeedIoError, FeedWriter, Format};
use crate::item::FeedItem;
use crate::profile::Profile;

/// Shard limits: OpenAI asks for at most 500,000 items and about 500 MB per file.
#[derive(Debug, Clone, Copy)]
pub struct ShardLimits {
    pub max_items: u64,
    pub max_bytes: u64,
}

impl Default for ShardLimits {
    fn default() -> Self {
        ShardLimits { max_items: 500_000, max_bytes: 500_000_000 }
    }
}

/// A file sink: plain or gzip, counting the bytes that reach the file.
pub enum FileSink {
    Plain(CountingWriter<BufWriter<File>>),
    Gzip(GzEncoder<CountingWriter<BufWriter<File>>>),
}

impl FileSink {
    pub fn create(path: &Path, gzip: bool) -> Result<Self, FeedIoError> {
        let w = CountingWriter::new(BufWriter::with_capacity(256 * 1024, File::create(path)?));
        Ok(if gzip { FileSink::Gzip(GzEncoder::new(w, flate2::Compression::fast())) } else { FileSink::Plain(w) })
    }
    /// Bytes written to the file so far (compressed size for gzip).
    pub fn file_bytes(&self) -> u64 {
        match self {
            FileSink::Plain(w) => w.count,
            FileSink::Gzip(g) => g.get_ref().count,
        }
    }
    pub fn close(self) -> Result<u64, FeedIoError> {
        let mut w = match self {
            FileSink::Plain(w) => w,
            FileSink::Gzip(g) => g.finish()?,
        };
        w.flush()?;
        Ok(w.count)
    }
}

impl Write for FileSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            FileSink::Plain(w) => w.write(buf),
            FileSink::Gzip(g) => g.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            FileSink::Plain(w) => w.flush(),
            FileSink::Gzip(g) => g.flush(),
        }
    }
}

/// Writes a feed to `path`, starting a new shard file when a shard reaches its item or byte limit.
///
/// Shard names are stable: `products.jsonl.gz` is written as `products-00001.jsonl.gz`,
/// `products-00002.jsonl.gz`, ...; when everything fits in one shard the single file is renamed to `path`.
pub struct ShardedWriter {
    path: PathBuf,
    format: Format,
    profile: Profile,
    gzip: bool,
    limits: ShardLimits,
    current: Option<FeedWriter<FileSink>>,
    shards: Vec<PathBuf>,
    items: u64,
}

impl ShardedWriter {
    /// `path` ending in `.gz` turns gzip on.
    pub fn create(path: &Path, format: Format, profile: Profile, limits: ShardLimits) -> Result<Self, FeedIoError> {
        super::check_supported(format, profile)?;
        let gzip = path.extension().is_some_and(|e| e == "gz" || e == "gzip");
        let mut w = ShardedWriter { path: path.to_path_buf(), format, profile, gzip, limits, current: None, shards: Vec::new(), items: 0 };
        w.open_next()?;
        Ok(w)
    }

    /// Name of shard `n` (1-based) for `path`.
    pub fn shard_path(path: &Path, n: usize) -> PathBuf {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("feed");
        let (stem, ext) = match name.find('.') {
            Some(i) => (&name[..i], &name[i..]),
            None => (name, ""),
        };
        path.with_file_name(format!("{stem}-{n:05}{ext}"))
    }

    fn open_next(&mut self) -> Result<(), FeedIoError> {
        let p = Self::shard_path(&self.path, self.shards.len() + 1);
        let sink = FileSink::create(&p, self.gzip)?;
        self.current = Some(FeedWriter::new(sink, self.format, self.profile)?);
        self.shards.push(p);
        Ok(())
    }

    pub fn write(&mut self, item: &FeedItem) -> Result<(), FeedIoError> {
        let full = match &self.current {
            Some(w) => w.items() >= self.limits.max_items || w.get_ref().file_bytes() >= self.limits.max_bytes,
            None => true,
        };
        if full {
            if let Some(w) = self.current.take() {
                w.finish()?.close()?;
            }
            self.open_next()?;
        }
        if let Some(w) = self.current.as_mut() {
            w.write(item)?;
            self.items += 1;
        }
        Ok(())
    }

    pub fn items(&self) -> u64 {
        self.items
    }

    /// Close the last shard; returns the files written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, FeedIoError> {
        if let Some(w) = self.current.take() {
            w.finish()?.close()?;
        }
        // shards left over from an earlier, larger run would otherwise be read as part of this feed
        let mut n = self.shards.len() + 1;
        loop {
            let stale = Self::shard_path(&self.path, n);
            if !stale.exists() {
                break;
            }
            std::fs::remove_file(&stale)?;
            n += 1;
        }
        if self.shards.len() == 1 {
            std::fs::rename(&self.shards[0], &self.path)?;
            return Ok(vec![self.path]);
        }
        Ok(self.shards)
    }
}
