//! productsynch-feed: the OpenAI product feed engine.
//!
//! Pure library (no async, no network, no database):
//! * [`item::FeedItem`] — every field of OpenAI's flat schema, typed ([`value`]);
//! * [`profile::Profile`] — `openai` (current, default), `openai-v1` (launch names), `google`, `acp`;
//! * [`record::CatalogRecord`] + [`map::map_record`] — neutral store record to items (manual > AI > store);
//! * [`validate`] — stable issue codes ([`issue::CODES`]);
//! * [`io`] — streaming writers/readers for JSONL, JSON, CSV, TSV, XML (+gzip), sharding, detection.

pub mod acp;
pub mod codes;
pub mod io;
pub mod issue;
pub mod item;
pub mod map;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod profile;
pub mod record;
pub mod report;
pub mod sanitize;
pub mod validate;
pub mod value;

pub use issue::{Issue, Severity};
pub use item::FeedItem;
pub use map::{MapContext, MapError, Mapped, map_record};
pub use profile::Profile;
pub use report::{ValidationReport, validate_file, validate_file_now};
pub use record::{CatalogRecord, Overrides, ShopSettings, StoreProduct, StoreVariation};
pub use validate::{FeedValidator, ValidateOptions, validate_item};
