//! Profiles: the same item model under different field names and value spellings.
//!
//! * `openai` — the current flat file-upload schema (default).
//! * `openai-v1` — the launch schema (`enable_search`, `id`, `link`, `image_link`, `item_group_id`, `return_window`, ...).
//! * `google` — Google Merchant Center column names, as OpenAI's Google-compatible delimited path accepts them.
//! * `acp` — the nested Agentic Commerce Protocol Product/Variant shape (JSON/JSONL only; see [`crate::acp`]).

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::issue::Issue;
use crate::item::{FIELD_NAMES, FeedItem, FieldId};
use crate::value::Availability;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    #[default]
    OpenAi,
    OpenAiV1,
    Google,
    Acp,
}

impl Profile {
    pub const ALL: [Profile; 4] = [Profile::OpenAi, Profile::OpenAiV1, Profile::Google, Profile::Acp];

    pub fn as_str(&self) -> &'static str {
        match self {
            Profile::OpenAi => "openai",
            Profile::OpenAiV1 => "openai-v1",
            Profile::Google => "google",
            Profile::Acp => "acp",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown profile '{0}' (expected openai, openai-v1, google or acp)")]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Self, UnknownProfile> {
        match s.to_ascii_lowercase().as_str() {
            "openai" | "current" => Ok(Profile::OpenAi),
            "openai-v1" | "openai_v1" | "v1" | "launch" => Ok(Profile::OpenAiV1),
            "google" | "gmc" => Ok(Profile::Google),
            "acp" => Ok(Profile::Acp),
            _ => Err(UnknownProfile(s.to_string())),
        }
    }
}

/// Launch-era name -> current name.
pub const LEGACY_NAMES: &[(&str, &str)] = &[
    ("enable_search", "is_eligible_search"),
    ("enable_checkout", "is_eligible_checkout"),
    ("is_eligible_ads", "is_ads_eligible"),
    ("id", "item_id"),
    ("link", "url"),
    ("image_link", "image_url"),
    ("additional_image_link", "additional_image_urls"),
    ("item_group_id", "group_id"),
    ("return_window", "return_deadline_in_days"),
    ("product_review_count", "review_count"),
    ("product_review_rating", "star_rating"),
];

/// Google Merchant Center column -> canonical field (plain renames; value spellings handled separately).
const GOOGLE_NAMES: &[(&str, &str)] = &[
    ("id", "item_id"),
    ("title", "title"),
    ("description", "description"),
    ("link", "url"),
    ("image_link", "image_url"),
    ("additional_image_link", "additional_image_urls"),
    ("availability", "availability"),
    ("availability_date", "availability_date"),
    ("expiration_date", "expiration_date"),
    ("price", "price"),
    ("sale_price", "sale_price"),
    ("unit_pricing_measure", "unit_pricing_measure"),
    ("unit_pricing_base_measure", "base_measure"),
    ("brand", "brand"),
    ("gtin", "gtin"),
    ("mpn", "mpn"),
    ("identifier_exists", "identifier_exists"),
    ("condition", "condition"),
    ("product_type", "product_category"),
    ("item_group_id", "group_id"),
    ("color", "color"),
    ("size", "size"),
    ("size_system", "size_system"),
    ("material", "material"),
    ("age_group", "age_group"),
    ("gender", "gender"),
    ("video_link", "video_url"),
    ("virtual_model_link", "model_3d_url"),
    ("shipping", "shipping"),
    ("pickup_method", "pickup_method"),
    ("pickup_sla", "pickup_sla"),
];

/// Google columns that are read but have no canonical field of their own.
const GOOGLE_EXTRA: &[&str] = &[
    "sale_price_effective_date",
    "google_product_category",
    "pattern",
    "size_type",
    "product_weight",
    "shipping_weight",
];

/// Fields the profile requires on every item (canonical names).
pub fn required_fields(p: Profile) -> &'static [&'static str] {
    match p {
        Profile::OpenAi => &[
            "is_eligible_search", "is_eligible_checkout", "item_id", "title", "description", "url", "brand",
            "image_url", "price", "availability", "seller_name", "seller_url", "return_policy", "target_countries",
            "store_country",
        ],
        Profile::OpenAiV1 => &[
            "is_eligible_search", "is_eligible_checkout", "item_id", "title", "description", "url", "image_url",
            "price", "availability", "inventory_quantity", "seller_name", "seller_url", "return_policy",
            "return_deadline_in_days", "product_category",
        ],
        Profile::Google => &["item_id", "title", "description", "url", "image_url", "availability", "price", "brand"],
        Profile::Acp => &["item_id", "title", "url", "price", "availability"],
    }
}

fn is_custom_variant(f: &str) -> bool {
    f.starts_with("custom_variant")
}

fn openai_external(f: &'static str) -> String {
    if is_custom_variant(f) { format!("C{}", &f[1..]) } else { f.to_string() }
}

/// One output column of a profile.
#[derive(Debug, Clone)]
pub struct Column {
    /// Name in the file.
    pub name: String,
    kind: ColKind,
    /// The canonical field this column writes as its own JSON value (not a profile-specific spelling).
    direct: Option<FieldId>,
    /// `"name":` as JSON bytes.
    json_key: Vec<u8>,
}

impl Column {
    fn new(name: String, kind: ColKind) -> Self {
        let direct = match kind {
            ColKind::Field(f) if !matches!(f, "availability" | "identifier_exists") => FieldId::from_name(f),
            _ => None,
        };
        let mut json_key = serde_json::to_vec(&name).unwrap_or_default();
        json_key.push(b':');
        Column { name, kind, direct, json_key }
    }
}

#[derive(Debug, Clone, Copy)]
enum ColKind {
    Field(&'static str),
    GoogleSaleDates,
    GoogleWeight,
}

fn build_columns(p: Profile) -> Vec<Column> {
    match p {
        Profile::OpenAi | Profile::Acp => FIELD_NAMES
            .iter()
            .filter(|f| !matches!(**f, "inventory_quantity" | "identifier_exists"))
            .map(|f| Column::new(openai_external(f), ColKind::Field(f)))
            .collect(),
        Profile::OpenAiV1 => FIELD_NAMES
            .iter()
            .filter(|f| **f != "identifier_exists")
            .map(|f| {
                let name = LEGACY_NAMES
                    .iter()
                    .find(|(_, cur)| cur == f)
                    .map(|(old, _)| old.to_string())
                    .unwrap_or_else(|| openai_external(f));
                Column::new(name, ColKind::Field(f))
            })
            .collect(),
        Profile::Google => {
            let mut cols: Vec<Column> =
                GOOGLE_NAMES.iter().map(|(g, c)| Column::new(g.to_string(), ColKind::Field(c))).collect();
            cols.push(Column::new("sale_price_effective_date".into(), ColKind::GoogleSaleDates));
            cols.push(Column::new("product_weight".into(), ColKind::GoogleWeight));
            cols
        }
    }
}

/// Output columns of a profile, in order (flat formats write all of them as the header).
pub fn columns(p: Profile) -> &'static [Column] {
    static CACHE: OnceLock<[Vec<Column>; 4]> = OnceLock::new();
    let all = CACHE.get_or_init(|| Profile::ALL.map(build_columns));
    let i = Profile::ALL.iter().position(|x| *x == p).unwrap_or(0);
    &all[i]
}

/// Name of a canonical field in a profile's files (for issue reports).
pub fn external_name(p: Profile, canonical: &str) -> String {
    columns(p)
        .iter()
        .find(|c| matches!(c.kind, ColKind::Field(f) if f == canonical))
        .map(|c| c.name.clone())
        .unwrap_or_else(|| canonical.to_string())
}

fn availability_out(p: Profile, a: Availability) -> &'static str {
    match (p, a) {
        (Profile::OpenAiV1 | Profile::Google, Availability::PreOrder) => "preorder",
        (Profile::OpenAiV1, Availability::Backorder) => "preorder",
        (_, a) => a.as_str(),
    }
}

impl Column {
    /// Text cell for flat formats (`None` = empty).
    pub fn text(&self, p: Profile, item: &FeedItem) -> Option<String> {
        match self.kind {
            ColKind::Field("availability") => item.availability.map(|a| availability_out(p, a).to_string()),
            ColKind::Field("identifier_exists") => item.identifier_exists.map(|b| if b { "yes" } else { "no" }.into()),
            ColKind::Field(f) => item.text(f),
            ColKind::GoogleSaleDates => match (item.sale_price_start_date, item.sale_price_end_date) {
                (Some(s), Some(e)) => Some(format!("{}/{}", s.format("%Y-%m-%d"), e.format("%Y-%m-%d"))),
                _ => None,
            },
            ColKind::GoogleWeight => match (&item.weight, &item.item_weight_unit) {
                (Some(w), Some(u)) => Some(format!("{} {}", w.normalize(), u)),
                _ => None,
            },
        }
    }

    /// Append the text cell to `out`; `false` (nothing appended) when the cell is empty. Same text as [`Column::text`].
    pub fn text_into(&self, p: Profile, item: &FeedItem, out: &mut String) -> bool {
        match (self.kind, self.direct) {
            (ColKind::Field("availability"), _) => match item.availability {
                Some(a) => {
                    out.push_str(availability_out(p, a));
                    true
                }
                None => false,
            },
            (ColKind::Field("identifier_exists"), _) => match item.identifier_exists {
                Some(b) => {
                    out.push_str(if b { "yes" } else { "no" });
                    true
                }
                None => false,
            },
            (ColKind::Field(_), Some(id)) => match item.value_of(id) {
                Some(v) => {
                    v.write_text(out);
                    true
                }
                None => false,
            },
            _ => match self.text(p, item) {
                Some(t) => {
                    out.push_str(&t);
                    true
                }
                None => false,
            },
        }
    }

    /// JSON value for JSON formats.
    pub fn json(&self, p: Profile, item: &FeedItem) -> Option<Value> {
        match self.kind {
            ColKind::Field(f) if !matches!(f, "availability" | "identifier_exists") => item.json(f),
            _ => self.text(p, item).map(Value::String),
        }
    }
}

/// Append the item as one JSON object under the profile's names: the same members and values as
/// [`to_json_map`], in column order, written straight from the typed fields (no `Value` tree).
pub fn write_json_object(p: Profile, item: &FeedItem, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    let mut text = String::new();
    for c in columns(p) {
        match c.direct {
            Some(id) => {
                let Some(v) = item.value_of(id) else { continue };
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(&c.json_key);
                v.write_json(out);
            }
            None if matches!(c.kind, ColKind::Field("availability")) => {
                // a fixed word: no text buffer needed
                let Some(a) = item.availability else { continue };
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(&c.json_key);
                crate::value::write_json_str(out, availability_out(p, a));
            }
            None => {
                text.clear();
                if !c.text_into(p, item, &mut text) {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(&c.json_key);
                crate::value::write_json_str(out, &text);
            }
        }
    }
    out.push(b'}');
}

/// The item as a JSON object under the profile's names.
pub fn to_json_map(p: Profile, item: &FeedItem) -> Map<String, Value> {
    if matches!(p, Profile::OpenAi | Profile::Acp) {
        let mut m = item.to_json_map();
        m.remove("inventory_quantity");
        m.remove("identifier_exists");
        for i in 1..=3 {
            for part in ["category", "option"] {
                let k = format!("custom_variant{i}_{part}");
                if let Some(v) = m.remove(&k) {
                    m.insert(format!("C{}", &k[1..]), v);
                }
            }
        }
        return m;
    }
    let mut m = Map::new();
    for c in columns(p) {
        if let Some(v) = c.json(p, item) {
            m.insert(c.name.clone(), v);
        }
    }
    m
}

fn normalize_availability_in(v: &Value) -> Value {
    match v.as_str() {
        Some("preorder") => Value::String("pre_order".into()),
        Some("in stock") => Value::String("in_stock".into()),
        Some("out of stock") => Value::String("out_of_stock".into()),
        _ => v.clone(),
    }
}

/// Read one record (profile names) into an item. Returns issues for values that do not parse and
/// for names that are not part of the profile (with launch-era names called out).
pub fn read_item(p: Profile, map: &Map<String, Value>) -> (FeedItem, Vec<Issue>) {
    let mut item = FeedItem::default();
    let mut issues = Vec::new();
    let set = |item: &mut FeedItem, issues: &mut Vec<Issue>, canonical: &str, ext: &str, v: &Value| {
        if let Err(e) = item.set_json(canonical, v) {
            issues.push(Issue::error(ext, e.code, format!("{ext}: {}", e.message)));
        }
    };
    match p {
        Profile::OpenAi | Profile::Acp => {
            for (k, v) in map {
                let lower = k.to_ascii_lowercase();
                if FIELD_NAMES.contains(&k.as_str()) && !matches!(k.as_str(), "inventory_quantity" | "identifier_exists") {
                    if is_custom_variant(k) {
                        issues.push(Issue::warning(k, "deprecated_field", format!("{k} is deprecated: describe variants with variant_dict")));
                    }
                    set(&mut item, &mut issues, k, k, v);
                } else if is_custom_variant(&lower) && FIELD_NAMES.contains(&lower.as_str()) {
                    issues.push(Issue::warning(k, "deprecated_field", format!("{k} is deprecated: describe variants with variant_dict")));
                    set(&mut item, &mut issues, &lower, k, v);
                } else if let Some((old, cur)) = LEGACY_NAMES.iter().find(|(old, _)| *old == k) {
                    issues.push(Issue::warning(
                        k,
                        "legacy_field_name",
                        format!("{old} is a launch-era field name; the current spec calls it {cur}: rename the column"),
                    ));
                    if !map.contains_key(*cur) {
                        set(&mut item, &mut issues, cur, k, v);
                    }
                } else if k == "inventory_quantity" {
                    issues.push(Issue::warning(k, "legacy_field_name", "inventory_quantity belongs to the launch-era schema and is ignored by the current spec: drop it"));
                } else {
                    issues.push(Issue::warning(k, "unknown_field", format!("{k} is not a field of the {p} profile and is ignored")));
                }
            }
        }
        Profile::OpenAiV1 => {
            for (k, v) in map {
                let col = columns(p).iter().find(|c| c.name == *k || c.name.eq_ignore_ascii_case(k));
                match col.map(|c| c.kind) {
                    Some(ColKind::Field("availability")) => set(&mut item, &mut issues, "availability", k, &normalize_availability_in(v)),
                    Some(ColKind::Field(f)) => set(&mut item, &mut issues, f, k, v),
                    _ => issues.push(Issue::warning(k, "unknown_field", format!("{k} is not a field of the launch-era (openai-v1) schema and is ignored"))),
                }
            }
        }
        Profile::Google => {
            for (k, v) in map {
                if let Some((_, c)) = GOOGLE_NAMES.iter().find(|(g, _)| g == k) {
                    let v = match *c {
                        "availability" => normalize_availability_in(v),
                        "identifier_exists" => match v.as_str().map(str::to_ascii_lowercase).as_deref() {
                            Some("no") | Some("false") => Value::String("false".into()),
                            Some("yes") | Some("true") => Value::String("true".into()),
                            _ => v.clone(),
                        },
                        _ => v.clone(),
                    };
                    set(&mut item, &mut issues, c, k, &v);
                } else if !GOOGLE_EXTRA.contains(&k.as_str()) {
                    let msg = if k.starts_with("g:") {
                        format!("{k}: g:-prefixed names are not supported; use the plain column name")
                    } else {
                        format!("{k} is not a Google Merchant Center column this path reads; it is ignored")
                    };
                    issues.push(Issue::warning(k, "unknown_field", msg));
                }
            }
            google_derive(map, &mut item, &mut issues);
        }
    }
    (item, issues)
}

/// The derivations OpenAI applies on its Google-compatible path.
fn google_derive(map: &Map<String, Value>, item: &mut FeedItem, issues: &mut Vec<Issue>) {
    let s = |k: &str| map.get(k).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
    if let Some(dates) = s("sale_price_effective_date") {
        let parts: Vec<&str> = dates.split('/').collect();
        let ok = parts.len() == 2
            && item.set_json("sale_price_start_date", &Value::String(parts[0].into())).is_ok()
            && item.set_json("sale_price_end_date", &Value::String(parts[1].into())).is_ok();
        if !ok {
            issues.push(Issue::error("sale_price_effective_date", "invalid_date", "sale_price_effective_date must be two ISO 8601 dates separated by '/'"));
        }
    }
    if item.product_category.is_none() {
        if let Some(c) = s("google_product_category") {
            item.product_category = Some(c.to_string());
        }
    }
    if let Some(w) = s("product_weight").or(s("shipping_weight")) {
        if let Some((n, u)) = w.split_once(' ') {
            if item.set_json("weight", &Value::String(n.into())).is_ok() {
                item.item_weight_unit = Some(u.trim().to_string());
            }
        }
    }
    if item.seller_url.is_none() {
        if let Some(u) = item.url.as_ref().and_then(|u| url::Url::parse(u.as_str()).ok()) {
            let origin = u.origin().ascii_serialization();
            if let Ok(v) = crate::value::Url::parse(&origin) {
                item.seller_url = Some(v);
            }
        }
    }
    let grouped = item.group_id.is_some();
    item.listing_has_variations = Some(grouped);
    if !grouped {
        item.group_id = item.item_id.clone();
    } else {
        let mut dict = Vec::new();
        for k in ["color", "size", "material", "age_group", "gender", "pattern", "size_type"] {
            if let Some(v) = s(k) {
                dict.push((k.to_string(), v.to_string()));
            }
        }
        if !dict.is_empty() {
            item.variant_dict = Some(crate::value::StringMap(dict));
        }
    }
    item.is_eligible_search = Some(true);
    item.is_eligible_checkout = Some(false);
}

/// Guess the profile from a record's field names: ACP if it has `variants`; OpenAI (current, launch-era
/// names accepted with warnings) if it carries any OpenAI flag or current-only name; else Google if it
/// has Google's required columns; else OpenAI. Mirrors OpenAI's "try the OpenAI schema first".
pub fn detect<'a>(keys: impl IntoIterator<Item = &'a str>) -> Profile {
    let keys: Vec<&str> = keys.into_iter().collect();
    let has = |k: &str| keys.contains(&k);
    if has("variants") {
        return Profile::Acp;
    }
    let openai_marks = ["is_eligible_search", "is_eligible_checkout", "enable_search", "enable_checkout", "item_id", "url", "image_url", "seller_name", "target_countries", "store_country"];
    if openai_marks.iter().any(|k| has(k)) {
        return Profile::OpenAi;
    }
    if has("id") && (has("link") || has("image_link")) {
        return Profile::Google;
    }
    Profile::OpenAi
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn profile_names_parse() {
        for p in Profile::ALL {
            assert_eq!(p.as_str().parse::<Profile>().unwrap(), p);
        }
        assert!("nope".parse::<Profile>().is_err());
    }

    #[test]
    fn v1_columns_use_launch_names() {
        let names: Vec<&str> = columns(Profile::OpenAiV1).iter().map(|c| c.name.as_str()).collect();
        for n in ["enable_search", "enable_checkout", "id", "link", "image_link", "item_group_id", "return_window", "inventory_quantity"] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(!names.contains(&"item_id"));
        assert_eq!(external_name(Profile::OpenAiV1, "item_id"), "id");
        assert_eq!(external_name(Profile::Google, "url"), "link");
        let cur: Vec<&str> = columns(Profile::OpenAi).iter().map(|c| c.name.as_str()).collect();
        assert!(cur.contains(&"Custom_variant1_category") && !cur.contains(&"inventory_quantity"));
    }

    #[test]
    fn legacy_names_under_current_profile_warn() {
        let m = json!({"enable_search": "true", "id": "A1", "link": "https://a.com/p", "title": "T"});
        let (item, issues) = read_item(Profile::OpenAi, m.as_object().unwrap());
        assert_eq!(item.item_id.as_deref(), Some("A1"));
        assert_eq!(item.is_eligible_search, Some(true));
        let legacy: Vec<&str> = issues.iter().filter(|i| i.code == "legacy_field_name").map(|i| i.field.as_str()).collect();
        assert_eq!(legacy, vec!["enable_search", "id", "link"]);
        assert!(issues.iter().any(|i| i.message.contains("is_eligible_search")));
    }

    #[test]
    fn google_path_derivations() {
        let m = json!({"id": "G1", "title": "T", "link": "https://shop.example/p/1?x=1", "availability": "preorder",
                       "item_group_id": "G", "color": "Red", "pattern": "Striped", "google_product_category": "Apparel",
                       "sale_price_effective_date": "2025-07-01/2025-07-15", "identifier_exists": "no"});
        let (item, issues) = read_item(Profile::Google, m.as_object().unwrap());
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(item.availability, Some(Availability::PreOrder));
        assert_eq!(item.seller_url.as_ref().unwrap().as_str(), "https://shop.example");
        assert_eq!(item.group_id.as_deref(), Some("G"));
        assert_eq!(item.listing_has_variations, Some(true));
        assert_eq!(item.variant_dict.as_ref().unwrap().get("pattern"), Some("Striped"));
        assert_eq!(item.product_category.as_deref(), Some("Apparel"));
        assert_eq!(item.identifier_exists, Some(false));
        assert_eq!(item.is_eligible_checkout, Some(false));
        assert_eq!(item.sale_price_end_date.unwrap().to_string(), "2025-07-15");
    }

    #[test]
    fn detection() {
        assert_eq!(detect(["item_id", "title"]), Profile::OpenAi);
        assert_eq!(detect(["enable_search", "id", "link"]), Profile::OpenAi);
        assert_eq!(detect(["id", "title", "link", "image_link"]), Profile::Google);
        assert_eq!(detect(["id", "variants"]), Profile::Acp);
    }
}
