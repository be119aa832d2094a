//! `feed build` from REST JSON files, streaming: products are parsed one by one from the `P.json` array;
//! variations are joined through a byte-offset index of `V.json`, so peak memory does not grow with the
//! catalog (only the index: ~40 bytes per variable product, and a 1-bit-per-id duplicate bitmap).
//!
//! Design of the join: a first streaming pass over `V.json` (a JSON object `parent id -> [variations]`)
//! records, for every parent id, the byte range of its array (serde `MapAccess` over a byte-counting reader;
//! each array is skipped with `IgnoredAny`, never built). While streaming `P.json`, a variable product's
//! range is read with one seek and parsed alone.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use productsynch_feed::io::{FeedIoError, Format, ShardLimits, ShardedWriter, stream_json_array};
use productsynch_feed::{FeedValidator, Issue, MapContext, Profile, ShopSettings, ValidateOptions, map_record};
use productsynch_woo::model::{self, Category, CategoryTree, Product, ProductStatus, ProductType};
use serde::Deserializer;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::{AdapterContext, variations_from_json, woo_to_record};

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    #[error("shop settings: {0}")]
    Shop(#[from] productsynch_feed::MapError),
    #[error("writing the feed: {0}")]
    Output(#[from] FeedIoError),
}

/// Input files of `feed build`.
#[derive(Debug, Clone)]
pub struct BuildInput {
    pub products: PathBuf,
    pub variations: Option<PathBuf>,
    pub categories: Option<PathBuf>,
    pub shop: PathBuf,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub format: Format,
    pub profile: Profile,
    pub out: PathBuf,
    pub limits: ShardLimits,
}

/// An item (or product) left out of the feed, with the reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeftOut {
    pub product_id: Option<u64>,
    pub item_id: Option<String>,
    pub issues: Vec<Issue>,
}

/// What a build did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BuildSummary {
    pub format: String,
    pub profile: String,
    pub products: u64,
    pub skipped_unpublished: u64,
    pub items: u64,
    pub left_out: u64,
    pub files: Vec<PathBuf>,
}

struct CountingReader<R> {
    inner: R,
    pos: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos.set(self.pos.get() + n as u64);
        Ok(n)
    }
}

/// Byte ranges of each parent's variations array in a `V.json` file.
pub struct VariationIndex {
    file: File,
    path: PathBuf,
    ranges: HashMap<u64, (u64, u32)>,
}

impl VariationIndex {
    /// One streaming pass over the file.
    pub fn build(path: &Path) -> Result<Self, BuildError> {
        let io = |source| BuildError::Io { path: path.to_path_buf(), source };
        let pos = Rc::new(Cell::new(0u64));
        let reader = CountingReader { inner: BufReader::with_capacity(256 * 1024, File::open(path).map_err(io)?), pos: pos.clone() };
        struct V<'a> {
            pos: &'a Cell<u64>,
            out: &'a mut HashMap<u64, (u64, u32)>,
        }
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object mapping parent product ids to variation arrays")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                while let Some(key) = map.next_key::<String>()? {
                    let start = self.pos.get();
                    map.next_value::<IgnoredAny>()?;
                    let end = self.pos.get();
                    if let Ok(id) = key.trim().parse::<u64>() {
                        let len = u32::try_from(end - start).map_err(|_| serde::de::Error::custom("variation list over 4 GiB"))?;
                        self.out.insert(id, (start, len));
                    }
                }
                Ok(())
            }
        }
        let mut ranges = HashMap::new();
        let mut de = serde_json::Deserializer::from_reader(reader);
        de.deserialize_map(V { pos: &pos, out: &mut ranges })
            .and_then(|_| de.end())
            .map_err(|e| BuildError::Input { path: path.to_path_buf(), message: e.to_string() })?;
        Ok(VariationIndex { file: File::open(path).map_err(io)?, path: path.to_path_buf(), ranges })
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The raw variations of one parent (empty when the file has none for it).
    pub fn get(&mut self, parent: u64) -> Result<Vec<Value>, BuildError> {
        let Some(&(start, len)) = self.ranges.get(&parent) else { return Ok(Vec::new()) };
        let io = |source| BuildError::Io { path: self.path.clone(), source };
        self.file.seek(SeekFrom::Start(start)).map_err(io)?;
        let mut buf = vec![0u8; len as usize];
        self.file.read_exact(&mut buf).map_err(|source| BuildError::Io { path: self.path.clone(), source })?;
        let s = std::str::from_utf8(&buf).map_err(|e| BuildError::Input { path: self.path.clone(), message: e.to_string() })?;
        let s = s.trim_start_matches(|c: char| c.is_whitespace() || c == ':');
        let s = s.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '}');
        match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(a)) => Ok(a),
            Ok(_) => Ok(Vec::new()),
            Err(e) => Err(BuildError::Input { path: self.path.clone(), message: format!("variations of {parent}: {e}") }),
        }
    }
}

/// Set of store ids: a bitmap for ids below 2^26 (8 MiB at most), a hash set above.
#[derive(Default)]
struct IdSet {
    bits: Vec<u64>,
    big: HashSet<u64>,
}

impl IdSet {
    /// True when newly inserted.
    fn insert(&mut self, id: u64) -> bool {
        if id < (1 << 26) {
            let (w, b) = ((id / 64) as usize, id % 64);
            if w >= self.bits.len() {
                self.bits.resize((w + 1).next_power_of_two(), 0);
            }
            let fresh = self.bits[w] & (1 << b) == 0;
            self.bits[w] |= 1 << b;
            fresh
        } else {
            self.big.insert(id)
        }
    }
}

fn read_json_file<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, BuildError> {
    let f = File::open(path).map_err(|source| BuildError::Io { path: path.to_path_buf(), source })?;
    serde_json::from_reader(BufReader::new(f)).map_err(|e| BuildError::Input { path: path.to_path_buf(), message: e.to_string() })
}

/// Build a feed file (or shard set) from REST JSON files. Items failing validation are left out and handed to
/// `left_out`; so are products whose JSON cannot be typed.
pub fn build_feed(input: &BuildInput, opts: &BuildOptions, left_out: &mut dyn FnMut(LeftOut)) -> Result<BuildSummary, BuildError> {
    let shop: ShopSettings = read_json_file(&input.shop)?;
    let mctx = MapContext::new_now(shop.clone())?;
    let categories: Vec<Category> = match &input.categories {
        Some(p) => {
            let raw: Vec<Value> = read_json_file(p)?;
            raw.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect()
        }
        None => Vec::new(),
    };
    let tree = CategoryTree::new(categories);
    let actx = AdapterContext::new(&shop, &tree);
    let mut index = match &input.variations {
        Some(p) => Some(VariationIndex::build(p)?),
        None => None,
    };
    tracing::info!(variable_products = index.as_ref().map(|i| i.len()).unwrap_or(0), "variations indexed");

    let mut writer = ShardedWriter::create(&opts.out, opts.format, opts.profile, opts.limits)?;
    let mut validator = FeedValidator::without_duplicate_check(ValidateOptions::new(opts.profile));
    let mut seen = IdSet::default();
    let mut seen_items: HashSet<String> = HashSet::new();
    let mut summary = BuildSummary {
        format: opts.format.to_string(),
        profile: opts.profile.to_string(),
        products: 0,
        skipped_unpublished: 0,
        items: 0,
        left_out: 0,
        files: Vec::new(),
    };
    let products_path = input.products.clone();
    let file = File::open(&products_path).map_err(|source| BuildError::Io { path: products_path.clone(), source })?;
    let mut index_pos = 0usize;
    let res = stream_json_array(BufReader::with_capacity(256 * 1024, file), |raw: Value| -> Result<(), BuildError> {
        index_pos += 1;
        summary.products += 1;
        let id = raw.get("id").and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
        let product: Product = match model::parse_record::<Product>("product", index_pos - 1, raw) {
            Ok(p) => p.item,
            Err(m) => {
                summary.left_out += 1;
                left_out(LeftOut { product_id: id, item_id: None, issues: vec![Issue::error("product", "invalid_record", m.to_string())] });
                return Ok(());
            }
        };
        if product.status != ProductStatus::Publish {
            summary.skipped_unpublished += 1;
            return Ok(());
        }
        let vars = match (&mut index, product.product_type == ProductType::Variable) {
            (Some(ix), true) => ix.get(product.id)?,
            _ => Vec::new(),
        };
        let (vars, bad) = variations_from_json(vars);
        let record = match woo_to_record(&product, &vars, &actx) {
            Ok(r) => r,
            Err(e) => {
                summary.left_out += 1;
                left_out(LeftOut { product_id: id, item_id: None, issues: vec![Issue::error("product", "invalid_record", e.to_string())] });
                return Ok(());
            }
        };
        for m in bad {
            summary.left_out += 1;
            left_out(LeftOut { product_id: Some(product.id), item_id: m.id.map(|i| mctx.item_id(i)), issues: vec![Issue::error("variation", "invalid_record", m.to_string())] });
        }
        let mapped = map_record(&record, &mctx);
        for item in mapped.items {
            let mut issues = validator.check(&item);
            let woo_id = item.item_id.as_deref().and_then(|s| s.strip_prefix(&mctx.prefix)).and_then(|s| s.parse::<u64>().ok());
            let fresh = match woo_id {
                Some(w) => seen.insert(w),
                None => item.item_id.as_ref().is_none_or(|s| seen_items.insert(s.clone())),
            };
            if !fresh {
                let shown = productsynch_feed::profile::external_name(opts.profile, "item_id");
                issues.push(Issue::error(shown, "duplicate_id", format!("{} appears more than once in the input", item.item_id.as_deref().unwrap_or(""))));
            }
            if issues.iter().any(Issue::is_error) {
                summary.left_out += 1;
                left_out(LeftOut { product_id: Some(product.id), item_id: item.item_id.clone(), issues: issues.into_iter().filter(Issue::is_error).collect() });
                continue;
            }
            writer.write(&item)?;
            summary.items += 1;
        }
        Ok(())
    });
    match res {
        Ok(()) => {}
        Err(productsynch_feed::io::StreamError::Consumer(e)) => return Err(e),
        Err(productsynch_feed::io::StreamError::Json(e)) => {
            return Err(BuildError::Input { path: input.products.clone(), message: format!("not a JSON array of products: {e}") });
        }
    }
    summary.files = writer.finish()?;
    Ok(summary)
}
