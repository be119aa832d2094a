//! Parquet (zstd) writer and reader, behind the `parquet` cargo feature (OpenAI's preferred format).
//!
//! Every column of the profile is a nullable UTF-8 column holding the same text as the CSV cell, so the
//! schema is stable and the reader shares the CSV path. Rows are buffered in batches of 8,192.

use std::io::{BufRead, Write};
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde_json::{Map, Value};

use crate::io::{FeedIoError, RawRecord, RecordError};
use crate::item::FeedItem;
use crate::profile::{Profile, columns};

const BATCH: usize = 8192;

fn pq(e: impl std::fmt::Display) -> FeedIoError {
    FeedIoError::Parse(format!("parquet: {e}"))
}

pub struct ParquetFeedWriter<W: Write> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    profile: Profile,
    builders: Vec<StringBuilder>,
    rows: usize,
}

impl<W: Write + Send> ParquetFeedWriter<W> {
    pub fn new(w: W, profile: Profile) -> Result<Self, FeedIoError> {
        let fields: Vec<Field> = columns(profile).iter().map(|c| Field::new(c.name.as_str(), DataType::Utf8, true)).collect();
        let schema = Arc::new(Schema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).map_err(pq)?))
            .build();
        let writer = ArrowWriter::try_new(w, schema.clone(), Some(props)).map_err(pq)?;
        let builders = (0..schema.fields().len()).map(|_| StringBuilder::new()).collect();
        Ok(ParquetFeedWriter { writer, schema, profile, builders, rows: 0 })
    }

    pub fn get_ref(&self) -> &W {
        self.writer.inner()
    }

    fn flush_batch(&mut self) -> Result<(), FeedIoError> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<Arc<dyn Array>> = self.builders.iter_mut().map(|b| Arc::new(b.finish()) as Arc<dyn Array>).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(pq)?;
        self.writer.write(&batch).map_err(pq)?;
        self.rows = 0;
        Ok(())
    }

    pub fn write(&mut self, item: &FeedItem) -> Result<(), FeedIoError> {
        for (c, b) in columns(self.profile).iter().zip(self.builders.iter_mut()) {
            b.append_option(c.text(self.profile, item));
        }
        self.rows += 1;
        if self.rows >= BATCH {
            self.flush_batch()?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<W, FeedIoError> {
        self.flush_batch()?;
        self.writer.into_inner().map_err(pq)
    }
}

/// Read a Parquet feed (the whole file is loaded: Parquet needs random access to its footer).
pub fn read_parquet(mut input: Box<dyn BufRead>, f: &mut dyn FnMut(Result<RawRecord, RecordError>)) -> Result<(), FeedIoError> {
    let mut buf = Vec::new();
    input.read_to_end(&mut buf)?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(buf)).map_err(pq)?.with_batch_size(BATCH).build().map_err(pq)?;
    let mut n = 0u64;
    for batch in reader {
        let batch = batch.map_err(pq)?;
        let schema = batch.schema();
        let cols: Vec<(String, Option<&StringArray>)> = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, fld)| (fld.name().clone(), batch.column(i).as_any().downcast_ref::<StringArray>()))
            .collect();
        for row in 0..batch.num_rows() {
            n += 1;
            let mut fields = Map::new();
            for (name, col) in &cols {
                if let Some(col) = col {
                    if col.is_valid(row) && !col.value(row).is_empty() {
                        fields.insert(name.clone(), Value::String(col.value(row).to_string()));
                    }
                }
            }
            f(Ok(RawRecord { line: n, fields }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{FeedWriter, Format, read_feed};
    use crate::profile::read_item;

    #[test]
    fn parquet_round_trip() {
        let m = serde_json::json!({"item_id": "A1", "title": "Shoe", "price": "79.99 USD", "availability": "in_stock",
            "variant_dict": {"color": "Blue"}, "target_countries": ["US"], "description": "two\nlines"});
        let (item, _, _) = FeedItem::from_json_map(m.as_object().unwrap());
        let mut w = FeedWriter::new(Vec::new(), Format::Parquet, Profile::OpenAi).unwrap();
        for _ in 0..3 {
            w.write(&item).unwrap();
        }
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with(b"PAR1"));
        assert_eq!(Format::sniff(&bytes), Some(Format::Parquet));
        let mut back = Vec::new();
        read_feed(Box::new(std::io::Cursor::new(bytes)), Format::Parquet, &mut |r| {
            let (it, issues) = read_item(Profile::OpenAi, &r.unwrap().fields);
            assert!(issues.is_empty());
            back.push(it);
        })
        .unwrap();
        assert_eq!(back, vec![item.clone(), item.clone(), item]);
    }
}
