//! Fault injection: what slow shared hosting, WAFs and broken plugins do to a WooCommerce REST API.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One injected fault, applied to a single REST request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// An error status with a WordPress-style error body (500/502/503/...), optionally with `Retry-After`.
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// 429 Too Many Requests with `Retry-After: secs` (what a host or WAF sends).
    RateLimit {
        #[serde(default = "one")]
        retry_after: u64,
    },
    /// Hold the request this long without answering (clients should time out first).
    Timeout {
        #[serde(default = "thirty")]
        secs: u64,
    },
    /// Send the status line and headers, then drop the connection mid-body.
    Drop,
    /// Answer 200 with the JSON body cut in half.
    Truncate,
    /// Answer 200 with fields of the wrong JSON type (prices as numbers, ids as strings, lists as null/objects).
    WrongTypes,
    /// Answer 200 with a PHP notice printed before the JSON (a classic on shared hosting).
    PhpNotice,
}

fn one() -> u64 {
    1
}
fn thirty() -> u64 {
    30
}

/// The active fault settings of a store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added to every REST response.
    pub latency_ms: u64,
    /// Random extra latency in `0..=jitter_ms`.
    pub jitter_ms: u64,
    /// One-shot faults, consumed in order by the next matching REST requests.
    pub queue: Vec<Fault>,
    /// Probability (0..1) that a REST request gets `random_fault`.
    pub error_rate: f64,
    /// The fault used by `error_rate` (default: 503 with `Retry-After: 1`).
    pub random_fault: Option<Fault>,
    /// Only REST routes containing this substring get queued/random faults (e.g. `/products`).
    pub route_filter: Option<String>,
    /// Any response that would include one of these product ids answers 500 (a product whose rendering crashes PHP).
    pub failing_products: BTreeSet<u64>,
    /// These products are rendered with wrongly typed fields inside otherwise good pages.
    pub malformed_products: BTreeSet<u64>,
}

impl Faults {
    pub fn applies_to(&self, route: &str) -> bool {
        self.route_filter.as_deref().is_none_or(|f| route.contains(f))
    }
}

/// Rewrites one product object with wrongly typed fields, as broken plugins produce:
/// prices as numbers, stock as a string, `tags` as `null`, `meta_data` as an object, `images` as `false`.
pub fn mistype_product(v: &mut serde_json::Value) {
    let Some(o) = v.as_object_mut() else { return };
    for k in ["price", "regular_price", "sale_price"] {
        if let Some(serde_json::Value::String(s)) = o.get(k) {
            let n = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Bool(false));
            o.insert(k.into(), n);
        }
    }
    if let Some(q) = o.get("stock_quantity").cloned() {
        o.insert("stock_quantity".into(), serde_json::Value::String(q.to_string()));
    }
    o.insert("tags".into(), serde_json::Value::Null);
    o.insert("meta_data".into(), serde_json::json!({}));
    if o.get("images").is_some_and(|i| i.as_array().is_some_and(|a| a.is_empty())) {
        o.insert("images".into(), serde_json::Value::Bool(false));
    }
    o.insert("average_rating".into(), serde_json::json!(0));
    o.insert("rating_count".into(), serde_json::json!("0"));
}

/// A product broken badly enough that a typed client cannot read it (but its `id` is intact).
pub fn malform_product(v: &mut serde_json::Value) {
    let Some(o) = v.as_object_mut() else { return };
    o.insert("name".into(), serde_json::json!({"rendered": o.get("name").cloned()}));
    o.insert("variations".into(), serde_json::json!("1,2,3"));
    o.insert("attributes".into(), serde_json::json!("oops"));
    o.insert("price".into(), serde_json::json!({"amount": "1"}));
    o.insert("date_modified_gmt".into(), serde_json::json!(false));
}
