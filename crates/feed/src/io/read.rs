use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::marker::PhantomData;
use std::path::Path;

use quick_xml::events::Event;
use serde::de::{DeserializeOwned, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};

use super::{FeedIoError, Format};

/// One record of a feed file, field names as written in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    /// 1-based item number: data row for CSV/TSV, line for JSONL, array position for JSON, `<item>` for XML.
    pub line: u64,
    pub fields: Map<String, Value>,
}

/// A record that could not be parsed (the rest of the file is still read).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub line: u64,
    pub message: String,
}

/// Parse a top-level JSON array from a reader as a stream, calling `f` per element.
/// The callback may stop the stream by returning an error.
pub fn stream_json_array<R, T, E, F>(reader: R, mut f: F) -> Result<(), StreamError<E>>
where
    R: Read,
    T: DeserializeOwned,
    F: FnMut(T) -> Result<(), E>,
{
    struct V<'a, T, E, F> {
        f: &'a mut F,
        stop: &'a mut Option<E>,
        _t: PhantomData<T>,
    }
    impl<'de, T: DeserializeOwned, E, F: FnMut(T) -> Result<(), E>> Visitor<'de> for V<'_, T, E, F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(x) = seq.next_element::<T>()? {
                if let Err(e) = (self.f)(x) {
                    *self.stop = Some(e);
                    return Err(serde::de::Error::custom("stopped by the consumer"));
                }
            }
            Ok(())
        }
    }
    let mut stop = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let res = de.deserialize_seq(V { f: &mut f, stop: &mut stop, _t: PhantomData });
    if let Some(e) = stop {
        return Err(StreamError::Consumer(e));
    }
    res.map_err(StreamError::Json)?;
    de.end().map_err(StreamError::Json)?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum StreamError<E> {
    #[error("json: {0}")]
    Json(serde_json::Error),
    #[error("stopped")]
    Consumer(E),
}

/// Open a feed file: gzip detected by magic bytes, format from `format` or the name or the content.
pub fn read_feed_file(
    path: &Path,
    format: Option<Format>,
    f: &mut dyn FnMut(Result<RawRecord, RecordError>),
) -> Result<Format, FeedIoError> {
    let file = File::open(path)?;
    let mut raw = BufReader::with_capacity(256 * 1024, file);
    let gz = raw.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let mut input: Box<dyn BufRead> = if gz {
        Box::new(BufReader::with_capacity(256 * 1024, flate2::read::MultiGzDecoder::new(raw)))
    } else {
        Box::new(raw)
    };
    let format = match format.or_else(|| Format::from_path(path).map(|(f, _)| f)) {
        Some(f) => f,
        None => Format::sniff(input.fill_buf()?).ok_or_else(|| FeedIoError::Parse("the file is empty".into()))?,
    };
    read_feed(input, format, f)?;
    Ok(format)
}

/// Read records of a feed in `format` from `input`, calling `f` per record. Fatal problems (the file is not
/// in that format at all) are returned as errors; a bad record is handed to `f` as a [`RecordError`].
pub fn read_feed(
    input: Box<dyn BufRead>,
    format: Format,
    f: &mut dyn FnMut(Result<RawRecord, RecordError>),
) -> Result<(), FeedIoError> {
    match format {
        Format::Jsonl => read_jsonl(input, f),
        Format::Json => {
            let mut n = 0u64;
            stream_json_array(input, |v: Value| -> Result<(), FeedIoError> {
                n += 1;
                match v {
                    Value::Object(fields) => f(Ok(RawRecord { line: n, fields })),
                    _ => f(Err(RecordError { line: n, message: "array element is not a JSON object".into() })),
                }
                Ok(())
            })
            .map_err(|e| match e {
                StreamError::Json(j) => FeedIoError::Json(j),
                StreamError::Consumer(c) => c,
            })
        }
        Format::Csv | Format::Tsv => read_delimited(input, if format == Format::Tsv { b'\t' } else { b',' }, f),
        Format::Xml => read_xml(input, f),
        #[cfg(feature = "parquet")]
        Format::Parquet => crate::parquet::read_parquet(input, f),
        #[cfg(not(feature = "parquet"))]
        Format::Parquet => Err(FeedIoError::Unsupported(
            "parquet support is not compiled in: build with `--features productsynch-feed/parquet`".into(),
        )),
    }
}

fn read_jsonl(mut input: Box<dyn BufRead>, f: &mut dyn FnMut(Result<RawRecord, RecordError>)) -> Result<(), FeedIoError> {
    let mut line = String::new();
    let mut n = 0u64;
    let mut good = 0u64;
    loop {
        line.clear();
        let read = input.read_line(&mut line)?;
        if read == 0 {
            break;
        }
        n += 1;
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(fields)) => {
                good += 1;
                f(Ok(RawRecord { line: n, fields }))
            }
            Ok(_) => f(Err(RecordError { line: n, message: "line is not a JSON object".into() })),
            Err(e) => {
                if good == 0 && n == 1 && !t.starts_with('{') {
                    return Err(FeedIoError::Parse(format!("not JSON Lines: line 1: {e}")));
                }
                f(Err(RecordError { line: n, message: format!("invalid JSON: {e}") }))
            }
        }
    }
    Ok(())
}

fn read_delimited(input: Box<dyn BufRead>, delim: u8, f: &mut dyn FnMut(Result<RawRecord, RecordError>)) -> Result<(), FeedIoError> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delim).flexible(true).from_reader(input);
    let headers: Vec<String> = rdr
        .headers()?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(FeedIoError::Parse("no header row".into()));
    }
    let mut n = 0u64;
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                n += 1;
                if rec.len() != headers.len() {
                    f(Err(RecordError {
                        line: n,
                        message: format!("row has {} cells but the header has {} columns", rec.len(), headers.len()),
                    }));
                    continue;
                }
                let mut fields = Map::new();
                for (h, v) in headers.iter().zip(rec.iter()) {
                    if !v.is_empty() && !h.is_empty() {
                        fields.insert(h.clone(), Value::String(v.to_string()));
                    }
                }
                f(Ok(RawRecord { line: n, fields }))
            }
            Err(e) if e.is_io_error() => return Err(e.into()),
            Err(e) => {
                n += 1;
                f(Err(RecordError { line: n, message: e.to_string() }))
            }
        }
    }
    Ok(())
}

fn read_xml(input: Box<dyn BufRead>, f: &mut dyn FnMut(Result<RawRecord, RecordError>)) -> Result<(), FeedIoError> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut n = 0u64;
    let mut current: Option<Map<String, Value>> = None;
    let mut field: Option<(String, String)> = None;
    let mut depth_in_field = 0usize;
    let mut saw_root = false;
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| FeedIoError::Xml(e.to_string()))?;
        match ev {
            Event::Start(e) => {
                saw_root = true;
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if current.is_none() && (name == "item" || name == "entry") {
                    current = Some(Map::new());
                } else if current.is_some() {
                    if field.is_none() {
                        let full = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                        field = Some((full, String::new()));
                        depth_in_field = 0;
                    } else {
                        depth_in_field += 1;
                    }
                }
            }
            Event::Empty(_) => saw_root = true,
            Event::Text(t) => {
                if let Some((_, text)) = field.as_mut() {
                    let s = t.decode().map_err(|e| FeedIoError::Xml(e.to_string()))?;
                    text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = field.as_mut() {
                    let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                    let ent = format!("&{name};");
                    text.push_str(&html_escape::decode_html_entities(&ent));
                }
            }
            Event::CData(t) => {
                if let Some((_, text)) = field.as_mut() {
                    text.push_str(&String::from_utf8_lossy(&t.into_inner()));
                }
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if field.is_some() {
                    if depth_in_field == 0 {
                        if let (Some((k, v)), Some(m)) = (field.take(), current.as_mut()) {
                            let v = v.trim().to_string();
                            if !v.is_empty() {
                                m.insert(k, Value::String(v));
                            }
                        }
                    } else {
                        depth_in_field -= 1;
                    }
                } else if current.is_some() && (name == "item" || name == "entry") {
                    n += 1;
                    let fields = current.take().unwrap_or_default();
                    f(Ok(RawRecord { line: n, fields }));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err(FeedIoError::Xml("no XML element found".into()));
    }
    Ok(())
}
