use std::io::Write;

use quick_xml::escape::escape;

use super::{FeedIoError, Format};
use crate::acp::AcpWriter;
use crate::item::FeedItem;
use crate::profile::{Profile, columns, write_json_object};

/// Counts the bytes written through it (used for shard size limits).
#[derive(Debug)]
pub struct CountingWriter<W: Write> {
    pub inner: W,
    pub count: u64,
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> Self {
        CountingWriter { inner, count: 0 }
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

enum Encoder<W: Write> {
    Jsonl(W),
    Json { w: W, first: bool },
    Delimited(csv::Writer<W>),
    Xml(W),
    Acp(AcpWriter<W>),
    #[cfg(feature = "parquet")]
    Parquet(crate::parquet::ParquetFeedWriter<W>),
}

/// Streaming writer of one feed file in one format and profile.
pub struct FeedWriter<W: Write> {
    format: Format,
    profile: Profile,
    enc: Encoder<W>,
    items: u64,
    /// One item's bytes, handed to the writer in a single `write_all`: serde/`write!` make many tiny writes,
    /// and each tiny write into a compressor (gzip) costs a deflate call.
    scratch: Vec<u8>,
    /// One cell's text (flat formats), reused.
    text: String,
}

/// Whether a format can be written under a profile in this build (checked before any file is created).
pub fn check_supported(format: Format, profile: Profile) -> Result<(), FeedIoError> {
    if profile == Profile::Acp && !matches!(format, Format::Jsonl | Format::Json) {
        return Err(FeedIoError::Unsupported("the acp profile is nested: write it as jsonl or json".into()));
    }
    if format == Format::Parquet && !cfg!(feature = "parquet") {
        return Err(FeedIoError::Unsupported(
            "parquet support is not compiled in: build with `--features productsynch-feed/parquet`".into(),
        ));
    }
    Ok(())
}

impl<W: Write + Send> FeedWriter<W> {
    /// Start a feed: writes the header (CSV/TSV column row, `[`, XML prologue).
    pub fn new(mut w: W, format: Format, profile: Profile) -> Result<Self, FeedIoError> {
        let enc = match (format, profile) {
            (Format::Jsonl | Format::Json, Profile::Acp) => Encoder::Acp(AcpWriter::new(w, format == Format::Json)?),
            (_, Profile::Acp) => {
                return Err(FeedIoError::Unsupported("the acp profile is nested: write it as jsonl or json".into()));
            }
            (Format::Jsonl, _) => Encoder::Jsonl(w),
            (Format::Json, _) => {
                w.write_all(b"[")?;
                Encoder::Json { w, first: true }
            }
            (Format::Csv | Format::Tsv, _) => {
                let mut cw = csv::WriterBuilder::new()
                    .delimiter(if format == Format::Tsv { b'\t' } else { b',' })
                    .from_writer(w);
                cw.write_record(columns(profile).iter().map(|c| c.name.as_str()))?;
                Encoder::Delimited(cw)
            }
            (Format::Xml, _) => {
                w.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n<title>Product feed</title>\n")?;
                Encoder::Xml(w)
            }
            #[cfg(feature = "parquet")]
            (Format::Parquet, _) => Encoder::Parquet(crate::parquet::ParquetFeedWriter::new(w, profile)?),
            #[cfg(not(feature = "parquet"))]
            (Format::Parquet, _) => {
                return Err(FeedIoError::Unsupported(
                    "parquet support is not compiled in: build with `--features productsynch-feed/parquet`".into(),
                ));
            }
        };
        Ok(FeedWriter { format, profile, enc, items: 0, scratch: Vec::with_capacity(4096), text: String::with_capacity(1024) })
    }

    pub fn format(&self) -> Format {
        self.format
    }
    pub fn profile(&self) -> Profile {
        self.profile
    }
    /// Items written so far.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// The underlying writer (e.g. to read a byte count). Buffered encoders may hold some bytes back.
    pub fn get_ref(&self) -> &W {
        match &self.enc {
            Encoder::Jsonl(w) | Encoder::Json { w, .. } | Encoder::Xml(w) => w,
            Encoder::Delimited(cw) => cw.get_ref(),
            Encoder::Acp(a) => a.get_ref(),
            #[cfg(feature = "parquet")]
            Encoder::Parquet(p) => p.get_ref(),
        }
    }

    pub fn write(&mut self, item: &FeedItem) -> Result<(), FeedIoError> {
        let p = self.profile;
        match &mut self.enc {
            Encoder::Jsonl(w) => {
                let buf = &mut self.scratch;
                buf.clear();
                write_json_object(p, item, buf);
                buf.push(b'\n');
                w.write_all(buf)?;
            }
            Encoder::Json { w, first } => {
                let buf = &mut self.scratch;
                buf.clear();
                buf.extend_from_slice(if *first { b"\n" } else { b",\n" });
                *first = false;
                write_json_object(p, item, buf);
                w.write_all(buf)?;
            }
            Encoder::Delimited(cw) => {
                let t = &mut self.text;
                for c in columns(p) {
                    t.clear();
                    c.text_into(p, item, t);
                    cw.write_field(t.as_bytes())?;
                }
                cw.write_record(None::<&[u8]>)?;
            }
            Encoder::Xml(w) => {
                let out = w;
                let w = &mut self.scratch;
                w.clear();
                w.write_all(b"<item>")?;
                let t = &mut self.text;
                for c in columns(p) {
                    t.clear();
                    if c.text_into(p, item, t) {
                        // characters XML 1.0 cannot carry
                        if t.chars().any(|ch| ch.is_control() && !matches!(ch, '\n' | '\t' | '\r')) {
                            t.retain(|ch| !ch.is_control() || matches!(ch, '\n' | '\t' | '\r'));
                        }
                        write!(w, "<{0}>{1}</{0}>", c.name, escape(t.as_str()))?;
                    }
                }
                w.write_all(b"</item>\n")?;
                out.write_all(w)?;
            }
            Encoder::Acp(a) => a.write(item)?,
            #[cfg(feature = "parquet")]
            Encoder::Parquet(pw) => pw.write(item)?,
        }
        self.items += 1;
        Ok(())
    }

    /// Write the footer, flush and return the underlying writer.
    pub fn finish(self) -> Result<W, FeedIoError> {
        let mut w = match self.enc {
            Encoder::Jsonl(w) => w,
            Encoder::Json { mut w, .. } => {
                w.write_all(b"\n]\n")?;
                w
            }
            Encoder::Delimited(cw) => cw.into_inner().map_err(|e| FeedIoError::Io(e.into_error()))?,
            Encoder::Xml(mut w) => {
                w.write_all(b"</channel>\n</rss>\n")?;
                w
            }
            Encoder::Acp(a) => a.finish()?,
            #[cfg(feature = "parquet")]
            Encoder::Parquet(p) => p.finish()?,
        };
        w.flush()?;
        Ok(w)
    }
}
