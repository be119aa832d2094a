//! The simulator's own catalog model. It is deliberately independent of the client crate:
//! both sides implement the WooCommerce wire format from the reference, and check each other.
//!
//! Dates are kept as UTC unix seconds; prices as the strings WooCommerce stores (`""` = unset).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Image {
    pub id: u64,
    pub src: String,
    pub name: String,
    pub alt: String,
    pub date: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attribute {
    /// 0 for a local (custom) attribute, the global attribute id otherwise.
    pub id: u64,
    pub name: String,
    pub slug: String,
    pub position: i64,
    pub visible: bool,
    pub variation: bool,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VariationAttr {
    pub id: u64,
    pub name: String,
    pub slug: String,
    pub option: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub id: u64,
    pub key: String,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Download {
    pub id: String,
    pub name: String,
    pub file: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Dimensions {
    pub length: String,
    pub width: String,
    pub height: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Variation {
    pub id: u64,
    pub parent_id: u64,
    pub date_created: i64,
    pub date_modified: i64,
    pub description: String,
    pub sku: String,
    pub global_unique_id: String,
    pub regular_price: String,
    pub sale_price: String,
    pub date_on_sale_from: Option<i64>,
    pub date_on_sale_to: Option<i64>,
    pub status: String,
    pub virtual_: bool,
    pub downloadable: bool,
    pub tax_status: String,
    pub tax_class: String,
    /// `None` = stock managed at the parent level (`"parent"` on the wire when the parent manages stock).
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
    pub stock_status: String,
    pub backorders: String,
    pub weight: String,
    pub dimensions: Dimensions,
    pub shipping_class: String,
    pub image: Option<Image>,
    pub attributes: Vec<VariationAttr>,
    pub menu_order: i64,
    pub meta_data: Vec<Meta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Product {
    pub id: u64,
    pub name: String,
    pub slug: String,
    /// `simple|variable|external|grouped`
    pub kind: String,
    /// `publish|draft|pending|private|trash`
    pub status: String,
    pub featured: bool,
    pub catalog_visibility: String,
    pub description: String,
    pub short_description: String,
    pub sku: String,
    pub global_unique_id: String,
    pub regular_price: String,
    pub sale_price: String,
    pub date_on_sale_from: Option<i64>,
    pub date_on_sale_to: Option<i64>,
    pub date_created: i64,
    pub date_modified: i64,
    pub total_sales: u64,
    pub virtual_: bool,
    pub downloadable: bool,
    pub downloads: Vec<Download>,
    pub external_url: String,
    pub button_text: String,
    pub tax_status: String,
    pub tax_class: String,
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
    pub stock_status: String,
    pub backorders: String,
    pub sold_individually: bool,
    pub weight: String,
    pub dimensions: Dimensions,
    pub shipping_class: String,
    pub reviews_allowed: bool,
    pub average_rating: String,
    pub rating_count: u64,
    pub related_ids: Vec<u64>,
    pub upsell_ids: Vec<u64>,
    pub cross_sell_ids: Vec<u64>,
    pub parent_id: u64,
    pub purchase_note: String,
    pub categories: Vec<u64>,
    pub tags: Vec<u64>,
    pub brands: Vec<u64>,
    pub images: Vec<Image>,
    pub attributes: Vec<Attribute>,
    pub default_attributes: Vec<VariationAttr>,
    pub variations: Vec<Variation>,
    pub grouped_products: Vec<u64>,
    pub menu_order: i64,
    pub meta_data: Vec<Meta>,
}

/// A taxonomy term: product category, tag or brand.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Term {
    pub id: u64,
    pub name: String,
    pub slug: String,
    pub parent: u64,
    pub description: String,
}

/// What the list endpoints filter and sort on, cheap to derive for a generated product.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub id: u64,
    pub name: String,
    pub sku: String,
    pub kind: String,
    pub status: String,
    pub date_created: i64,
    pub date_modified: i64,
    pub categories: Vec<u64>,
    pub menu_order: i64,
}

impl Product {
    pub fn header(&self) -> Header {
        Header {
            id: self.id,
            name: self.name.clone(),
            sku: self.sku.clone(),
            kind: self.kind.clone(),
            status: self.status.clone(),
            date_created: self.date_created,
            date_modified: self.date_modified,
            categories: self.categories.clone(),
            menu_order: self.menu_order,
        }
    }

    /// The price WooCommerce shows: the active sale price if on sale, else the regular price;
    /// for a variable product, the lowest active variation price.
    pub fn active_price(&self, now: i64) -> String {
        if self.kind == "variable" {
            let mut best: Option<(i64, String)> = None;
            for v in &self.variations {
                if v.status != "publish" {
                    continue;
                }
                let p = active_price(&v.regular_price, &v.sale_price, v.date_on_sale_from, v.date_on_sale_to, now);
                if let Some(c) = parse_cents(&p) {
                    if best.as_ref().is_none_or(|(b, _)| c < *b) {
                        best = Some((c, p));
                    }
                }
            }
            return best.map(|(_, p)| p).unwrap_or_default();
        }
        active_price(&self.regular_price, &self.sale_price, self.date_on_sale_from, self.date_on_sale_to, now)
    }
}

pub fn sale_active(sale_price: &str, from: Option<i64>, to: Option<i64>, now: i64) -> bool {
    if sale_price.is_empty() {
        return false;
    }
    if let Some(f) = from {
        if f > now {
            return false;
        }
    }
    if let Some(t) = to {
        if t < now {
            return false;
        }
    }
    true
}

pub fn active_price(regular: &str, sale: &str, from: Option<i64>, to: Option<i64>, now: i64) -> String {
    if sale_active(sale, from, to, now) { sale.to_string() } else { regular.to_string() }
}

/// Parses a WooCommerce decimal price string into cents (two decimals); `None` for `""` or junk.
pub fn parse_cents(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let i: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f = frac.chars().take(2).collect::<String>();
    while f.len() < 2 {
        f.push('0');
    }
    let c = i.checked_mul(100)?.checked_add(f.parse::<i64>().ok()?)?;
    Some(if neg { -c } else { c })
}

pub fn format_cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let c = c.abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// WordPress's `sanitize_title`: accents removed (`remove_accents`), lowercase, runs of other characters become `-`,
/// remaining non-ASCII letters percent-encoded in lowercase hex (`sanitize_title_with_dashes`), e.g. `東京` -> `%e6%9d%b1%e4%ba%ac`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for ch in s.chars() {
        let mapped = remove_accent(ch);
        let chars: Vec<char> = match mapped {
            Some(m) => m.chars().collect(),
            None => vec![ch],
        };
        for c in chars {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
                dash = false;
            } else if c.is_alphanumeric() {
                for l in c.to_lowercase() {
                    let mut buf = [0u8; 4];
                    for b in l.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02x}"));
                    }
                }
                dash = false;
            } else if !dash && !out.is_empty() {
                out.push('-');
                dash = true;
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn remove_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ł' => "l",
        'Ł' => "L",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ß' => "ss",
        'ś' | 'š' => "s",
        'Ś' | 'Š' => "S",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => return None,
    })
}

/// GS1 check digit for a GTIN body (all digits but the last).
pub fn gtin_check_digit(body: &str) -> Option<u32> {
    let mut sum = 0u32;
    for (i, ch) in body.chars().rev().enumerate() {
        let d = ch.to_digit(10)?;
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some((10 - sum % 10) % 10)
}

/// True when `s` is 8, 12, 13 or 14 digits with a correct GS1 check digit.
pub fn gtin_is_valid(s: &str) -> bool {
    if !matches!(s.len(), 8 | 12 | 13 | 14) || !s.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let (body, last) = s.split_at(s.len() - 1);
    gtin_check_digit(body) == last.chars().next().and_then(|c| c.to_digit(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_round_trip() {
        assert_eq!(parse_cents("21.99"), Some(2199));
        assert_eq!(parse_cents("45"), Some(4500));
        assert_eq!(parse_cents(".5"), Some(50));
        assert_eq!(parse_cents(""), None);
        assert_eq!(parse_cents("abc"), None);
        assert_eq!(format_cents(2199), "21.99");
        assert_eq!(format_cents(5), "0.05");
    }

    #[test]
    fn gtin_checks() {
        assert!(gtin_is_valid("4006381333931"));
        assert!(!gtin_is_valid("4006381333932"));
        assert!(gtin_is_valid("036000291452"));
        assert!(!gtin_is_valid("12345"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("V-Neck T-Shirt"), "v-neck-t-shirt");
        assert_eq!(slugify("  Café & Crème "), "cafe-creme");
        assert_eq!(slugify("Łódź Smörgås"), "lodz-smorgas");
        assert_eq!(slugify("東京 Mug"), "%e6%9d%b1%e4%ba%ac-mug");
    }
}
