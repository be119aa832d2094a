//! The nested ACP (Agentic Commerce Protocol) feed shape: one Product per line with `variants[]`,
//! prices in minor units (`{"amount": 1999, "currency": "USD"}`).
//!
//! Items arrive grouped (all variants of a group one after another, as [`crate::map::map_record`] emits
//! them), so the writer holds one product at a time.

use std::io::Write;

use serde_json::{Map, Value, json};

use crate::io::FeedIoError;
use crate::issue::Issue;
use crate::item::FeedItem;
use crate::value::{Availability, Money, StringMap};

pub struct AcpWriter<W: Write> {
    w: W,
    array: bool,
    first: bool,
    group: Option<String>,
    product: Option<Map<String, Value>>,
    variants: Vec<Value>,
}

fn price_json(m: &Money) -> Value {
    json!({"amount": m.minor_amount().unwrap_or(0), "currency": m.currency.code()})
}

/// One flat item as an ACP Variant.
pub fn variant_json(item: &FeedItem) -> Value {
    let mut v = Map::new();
    v.insert("id".into(), json!(item.item_id.clone().unwrap_or_default()));
    v.insert("title".into(), json!(item.title.clone().unwrap_or_default()));
    if let Some(d) = &item.description {
        v.insert("description".into(), json!({"plain": d}));
    }
    if let Some(u) = &item.url {
        v.insert("url".into(), json!(u.as_str()));
    }
    if let Some(g) = &item.gtin {
        v.insert("barcodes".into(), json!([{"type": "gtin", "value": g}]));
    }
    match (&item.price, &item.sale_price) {
        (Some(p), Some(s)) => {
            v.insert("price".into(), price_json(s));
            v.insert("list_price".into(), price_json(p));
        }
        (Some(p), None) => {
            v.insert("price".into(), price_json(p));
        }
        _ => {}
    }
    if let Some(a) = item.availability {
        let available = matches!(a, Availability::InStock | Availability::Backorder | Availability::PreOrder);
        v.insert("availability".into(), json!({"available": available, "status": a.as_str()}));
    }
    if let Some(c) = &item.product_category {
        v.insert("categories".into(), json!([{"value": c, "taxonomy": "merchant"}]));
    }
    if let Some(c) = item.condition {
        v.insert("condition".into(), json!(c.as_str()));
    }
    if let Some(d) = &item.variant_dict {
        v.insert("variant_options".into(), Value::Array(d.0.iter().map(|(k, x)| json!({"name": k, "value": x})).collect()));
    }
    let mut media = Vec::new();
    if let Some(u) = &item.image_url {
        media.push(json!({"type": "image", "url": u.as_str()}));
    }
    if let Some(l) = &item.additional_image_urls {
        media.extend(l.0.iter().map(|u| json!({"type": "image", "url": u.as_str()})));
    }
    if !media.is_empty() {
        v.insert("media".into(), Value::Array(media));
    }
    if let Some(n) = &item.seller_name {
        let mut links = Vec::new();
        for (t, u) in [("url", &item.seller_url), ("privacy_policy", &item.seller_privacy_policy), ("terms_of_service", &item.seller_tos), ("return_policy", &item.return_policy)] {
            if let Some(u) = u {
                links.push(json!({"type": t, "url": u.as_str()}));
            }
        }
        v.insert("seller".into(), json!({"name": n, "links": links}));
    }
    Value::Object(v)
}

impl<W: Write> AcpWriter<W> {
    pub fn new(mut w: W, array: bool) -> Result<Self, FeedIoError> {
        if array {
            w.write_all(b"[")?;
        }
        Ok(AcpWriter { w, array, first: true, group: None, product: None, variants: Vec::new() })
    }

    pub fn get_ref(&self) -> &W {
        &self.w
    }

    fn flush_product(&mut self) -> Result<(), FeedIoError> {
        if let Some(mut p) = self.product.take() {
            p.insert("variants".into(), Value::Array(std::mem::take(&mut self.variants)));
            if self.array {
                self.w.write_all(if self.first { b"\n" } else { b",\n" })?;
            }
            self.first = false;
            serde_json::to_writer(&mut self.w, &p)?;
            if !self.array {
                self.w.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    pub fn write(&mut self, item: &FeedItem) -> Result<(), FeedIoError> {
        let group = item.group_id.clone().or_else(|| item.item_id.clone()).unwrap_or_default();
        if self.group.as_deref() != Some(group.as_str()) {
            self.flush_product()?;
            let mut p = Map::new();
            p.insert("id".into(), json!(group));
            let title = item.item_group_title.clone().or_else(|| item.title.clone()).unwrap_or_default();
            p.insert("title".into(), json!(title));
            if let Some(d) = &item.description {
                p.insert("description".into(), json!({"plain": d}));
            }
            if let Some(u) = &item.url {
                p.insert("url".into(), json!(u.as_str()));
            }
            if let Some(u) = &item.image_url {
                p.insert("media".into(), json!([{"type": "image", "url": u.as_str()}]));
            }
            self.product = Some(p);
            self.group = Some(group);
        }
        self.variants.push(variant_json(item));
        Ok(())
    }

    pub fn finish(mut self) -> Result<W, FeedIoError> {
        self.flush_product()?;
        if self.array {
            self.w.write_all(b"\n]\n")?;
        }
        Ok(self.w)
    }
}

/// Flatten one ACP Product into flat items (one per variant), with issues for values that do not parse.
pub fn flatten_product(p: &Map<String, Value>) -> Vec<(FeedItem, Vec<Issue>)> {
    let mut out = Vec::new();
    let pid = p.get("id").and_then(Value::as_str).map(String::from);
    let ptitle = p.get("title").and_then(Value::as_str).map(String::from);
    let Some(variants) = p.get("variants").and_then(Value::as_array) else {
        out.push((FeedItem { group_id: pid, ..Default::default() }, vec![Issue::error("variants", "missing_required", "an ACP product needs a variants list")]));
        return out;
    };
    let many = variants.len() > 1;
    for v in variants {
        let mut item = FeedItem::default();
        let mut issues = Vec::new();
        let Some(v) = v.as_object() else {
            issues.push(Issue::error("variants", "invalid_type", "each variant must be a JSON object"));
            out.push((item, issues));
            continue;
        };
        let mut set = |item: &mut FeedItem, f: &str, val: Option<&Value>, shown: &str| {
            if let Some(val) = val {
                if let Err(e) = item.set_json(f, val) {
                    issues.push(Issue::error(shown, e.code, format!("{shown}: {}", e.message)));
                }
            }
        };
        set(&mut item, "item_id", v.get("id"), "id");
        set(&mut item, "title", v.get("title"), "title");
        set(&mut item, "description", v.get("description").and_then(|d| d.get("plain")), "description.plain");
        set(&mut item, "url", v.get("url").or(p.get("url")), "url");
        if let Some(g) = v.get("barcodes").and_then(Value::as_array).and_then(|b| b.first()).and_then(|b| b.get("value")) {
            set(&mut item, "gtin", Some(g), "barcodes");
        }
        match (v.get("price"), v.get("list_price")) {
            (Some(pr), Some(list)) => {
                set(&mut item, "price", Some(list), "list_price");
                set(&mut item, "sale_price", Some(pr), "price");
            }
            (Some(pr), None) => set(&mut item, "price", Some(pr), "price"),
            _ => {}
        }
        set(&mut item, "availability", v.get("availability").and_then(|a| a.get("status")), "availability.status");
        set(&mut item, "product_category", v.get("categories").and_then(Value::as_array).and_then(|c| c.first()).and_then(|c| c.get("value")), "categories");
        set(&mut item, "condition", v.get("condition"), "condition");
        if let Some(opts) = v.get("variant_options").and_then(Value::as_array) {
            let d: Vec<(String, String)> = opts
                .iter()
                .filter_map(|o| Some((o.get("name")?.as_str()?.to_string(), o.get("value")?.as_str()?.to_string())))
                .collect();
            if !d.is_empty() {
                item.variant_dict = Some(StringMap(d));
            }
        }
        let images: Vec<&Value> = v
            .get("media")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter(|x| x.get("type").and_then(Value::as_str) != Some("video")).filter_map(|x| x.get("url")).collect())
            .unwrap_or_default();
        if let Some(first) = images.first() {
            set(&mut item, "image_url", Some(first), "media");
        }
        if images.len() > 1 {
            let rest = Value::Array(images[1..].iter().map(|x| (*x).clone()).collect());
            set(&mut item, "additional_image_urls", Some(&rest), "media");
        }
        if let Some(s) = v.get("seller") {
            set(&mut item, "seller_name", s.get("name"), "seller.name");
            for l in s.get("links").and_then(Value::as_array).into_iter().flatten() {
                let field = match l.get("type").and_then(Value::as_str) {
                    Some("url") => "seller_url",
                    Some("privacy_policy") => "seller_privacy_policy",
                    Some("terms_of_service") => "seller_tos",
                    Some("return_policy") => "return_policy",
                    _ => continue,
                };
                set(&mut item, field, l.get("url"), "seller.links");
            }
        }
        item.group_id = pid.clone();
        if many {
            item.item_group_title = ptitle.clone();
        }
        item.listing_has_variations = Some(many);
        out.push((item, issues));
    }
    out
}
