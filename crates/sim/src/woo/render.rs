//! WooCommerce REST v3 JSON representations, in WooCommerce's field order
//! (checked against the REST API docs examples in `shared/reference/woocommerce-docs-examples`).

use serde_json::{Map, Value, json};

use super::model::*;

/// What every representation needs to know about the site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Home URL without trailing slash, e.g. `http://127.0.0.1:8081`.
    pub url: String,
    /// Site-local offset from UTC in seconds (WordPress `gmt_offset`).
    pub utc_offset: i64,
    pub currency: String,
    pub currency_symbol: String,
    /// Unix time used for "is the sale active now".
    pub now: i64,
}

impl Site {
    pub fn rest(&self, path: &str) -> String {
        format!("{}/wp-json/wc/v3{}", self.url, path)
    }

    pub fn gmt(&self, ts: i64) -> Value {
        Value::String(fmt_date(ts))
    }

    pub fn local(&self, ts: i64) -> Value {
        Value::String(fmt_date(ts + self.utc_offset))
    }

    pub fn opt_gmt(&self, ts: Option<i64>) -> Value {
        ts.map(|t| self.gmt(t)).unwrap_or(Value::Null)
    }

    pub fn opt_local(&self, ts: Option<i64>) -> Value {
        ts.map(|t| self.local(t)).unwrap_or(Value::Null)
    }

    fn money_html(&self, amount: &str) -> String {
        let sym = html_escape_symbol(&self.currency_symbol);
        format!("<span class=\"woocommerce-Price-amount amount\"><bdi><span class=\"woocommerce-Price-currencySymbol\">{sym}</span>{amount}</bdi></span>")
    }
}

fn html_escape_symbol(s: &str) -> String {
    match s {
        "$" => "&#36;".into(),
        "€" => "&euro;".into(),
        "£" => "&pound;".into(),
        other => other.into(),
    }
}

/// `gmdate('Y-m-d\TH:i:s')`: no offset, no fraction.
pub fn fmt_date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default()
}

/// Parses the ISO 8601 forms WordPress accepts for `after`/`modified_after`: with or without offset/`Z`,
/// with or without seconds or fraction, or a bare date. Returns unix seconds and whether an offset was present.
pub fn parse_date(s: &str) -> Option<(i64, bool)> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some((d.timestamp(), true));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Some((d.and_utc().timestamp(), false));
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| (d.and_utc().timestamp(), false));
    }
    None
}

fn links(site: &Site, self_path: &str, collection: &str, up: Option<String>) -> Value {
    let mut m = Map::new();
    m.insert("self".into(), json!([{ "href": site.rest(self_path) }]));
    m.insert("collection".into(), json!([{ "href": site.rest(collection) }]));
    if let Some(u) = up {
        m.insert("up".into(), json!([{ "href": u }]));
    }
    Value::Object(m)
}

fn image(site: &Site, i: &Image) -> Value {
    json!({
        "id": i.id,
        "date_created": site.local(i.date),
        "date_created_gmt": site.gmt(i.date),
        "date_modified": site.local(i.date),
        "date_modified_gmt": site.gmt(i.date),
        "src": i.src,
        "name": i.name,
        "alt": i.alt,
    })
}

pub fn permalink(site: &Site, p: &Product) -> String {
    if p.status == "publish" || p.status == "private" {
        format!("{}/product/{}/", site.url, p.slug)
    } else {
        format!("{}/?post_type=product&p={}", site.url, p.id)
    }
}

fn term_refs(ids: &[u64], terms: &[Term]) -> Value {
    Value::Array(
        ids.iter()
            .filter_map(|id| terms.iter().find(|t| t.id == *id))
            .map(|t| json!({ "id": t.id, "name": t.name, "slug": t.slug }))
            .collect(),
    )
}

fn meta(m: &[Meta]) -> Value {
    Value::Array(m.iter().map(|m| json!({ "id": m.id, "key": m.key, "value": m.value })).collect())
}

fn downloads(d: &[Download]) -> Value {
    Value::Array(d.iter().map(|d| json!({ "id": d.id, "name": d.name, "file": d.file })).collect())
}

fn dims(d: &Dimensions) -> Value {
    json!({ "length": d.length, "width": d.width, "height": d.height })
}

/// Taxonomies needed to render a product's `categories`, `tags` and `brands`.
pub struct Taxonomies<'a> {
    pub categories: &'a [Term],
    pub tags: &'a [Term],
    pub brands: &'a [Term],
}

fn price_html(site: &Site, p: &Product) -> String {
    if p.kind == "variable" {
        let mut prices: Vec<(i64, String)> = p
            .variations
            .iter()
            .filter(|v| v.status == "publish")
            .filter_map(|v| {
                let s = active_price(&v.regular_price, &v.sale_price, v.date_on_sale_from, v.date_on_sale_to, site.now);
                parse_cents(&s).map(|c| (c, s))
            })
            .collect();
        prices.sort();
        return match (prices.first(), prices.last()) {
            (Some(lo), Some(hi)) if lo.0 != hi.0 => format!("{} &ndash; {}", site.money_html(&lo.1), site.money_html(&hi.1)),
            (Some(lo), _) => site.money_html(&lo.1),
            _ => String::new(),
        };
    }
    let active = p.active_price(site.now);
    if active.is_empty() {
        return String::new();
    }
    if sale_active(&p.sale_price, p.date_on_sale_from, p.date_on_sale_to, site.now) {
        format!(
            "<del aria-hidden=\"true\">{}</del> <span class=\"screen-reader-text\">Original price was: {}{}.</span><ins aria-hidden=\"true\">{}</ins><span class=\"screen-reader-text\">Current price is: {}{}.</span>",
            site.money_html(&p.regular_price),
            html_escape_symbol(&site.currency_symbol),
            p.regular_price,
            site.money_html(&p.sale_price),
            html_escape_symbol(&site.currency_symbol),
            p.sale_price
        )
    } else {
        site.money_html(&active)
    }
}

fn on_sale(site: &Site, p: &Product) -> bool {
    if p.kind == "variable" {
        p.variations.iter().any(|v| v.status == "publish" && sale_active(&v.sale_price, v.date_on_sale_from, v.date_on_sale_to, site.now))
    } else {
        sale_active(&p.sale_price, p.date_on_sale_from, p.date_on_sale_to, site.now)
    }
}

/// `GET /wc/v3/products/{id}`.
pub fn product(site: &Site, tax: &Taxonomies<'_>, p: &Product) -> Value {
    let price = p.active_price(site.now);
    let purchasable = p.status == "publish" && (!price.is_empty() || p.kind == "external" && !p.regular_price.is_empty()) && p.kind != "grouped";
    let attributes: Vec<Value> = p
        .attributes
        .iter()
        .map(|a| json!({ "id": a.id, "name": a.name, "slug": a.slug, "position": a.position, "visible": a.visible, "variation": a.variation, "options": a.options }))
        .collect();
    let default_attributes: Vec<Value> = p.default_attributes.iter().map(|a| json!({ "id": a.id, "name": a.name, "option": a.option })).collect();
    json!({
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "permalink": permalink(site, p),
        "date_created": site.local(p.date_created),
        "date_created_gmt": site.gmt(p.date_created),
        "date_modified": site.local(p.date_modified),
        "date_modified_gmt": site.gmt(p.date_modified),
        "type": p.kind,
        "status": p.status,
        "featured": p.featured,
        "catalog_visibility": p.catalog_visibility,
        "description": p.description,
        "short_description": p.short_description,
        "sku": p.sku,
        "global_unique_id": p.global_unique_id,
        "price": price,
        "regular_price": p.regular_price,
        "sale_price": p.sale_price,
        "date_on_sale_from": site.opt_local(p.date_on_sale_from),
        "date_on_sale_from_gmt": site.opt_gmt(p.date_on_sale_from),
        "date_on_sale_to": site.opt_local(p.date_on_sale_to),
        "date_on_sale_to_gmt": site.opt_gmt(p.date_on_sale_to),
        "price_html": price_html(site, p),
        "on_sale": on_sale(site, p),
        "purchasable": purchasable,
        "total_sales": p.total_sales,
        "virtual": p.virtual_,
        "downloadable": p.downloadable,
        "downloads": downloads(&p.downloads),
        "download_limit": -1,
        "download_expiry": -1,
        "external_url": p.external_url,
        "button_text": p.button_text,
        "tax_status": p.tax_status,
        "tax_class": p.tax_class,
        "manage_stock": p.manage_stock,
        "stock_quantity": p.stock_quantity,
        "stock_status": p.stock_status,
        "backorders": p.backorders,
        "backorders_allowed": p.backorders != "no",
        "backordered": p.manage_stock && p.stock_quantity.is_some_and(|q| q < 0),
        "low_stock_amount": Value::Null,
        "sold_individually": p.sold_individually,
        "weight": p.weight,
        "dimensions": dims(&p.dimensions),
        "shipping_required": !p.virtual_,
        "shipping_taxable": !p.virtual_ && p.tax_status == "taxable",
        "shipping_class": p.shipping_class,
        "shipping_class_id": 0,
        "reviews_allowed": p.reviews_allowed,
        "average_rating": p.average_rating,
        "rating_count": p.rating_count,
        "related_ids": p.related_ids,
        "upsell_ids": p.upsell_ids,
        "cross_sell_ids": p.cross_sell_ids,
        "parent_id": p.parent_id,
        "purchase_note": p.purchase_note,
        "categories": term_refs(&p.categories, tax.categories),
        "tags": term_refs(&p.tags, tax.tags),
        "brands": term_refs(&p.brands, tax.brands),
        "images": p.images.iter().map(|i| image(site, i)).collect::<Vec<_>>(),
        "has_options": p.kind == "variable" || !p.attributes.is_empty() && p.kind == "variable",
        "attributes": attributes,
        "default_attributes": default_attributes,
        "variations": p.variations.iter().map(|v| v.id).collect::<Vec<_>>(),
        "grouped_products": p.grouped_products,
        "menu_order": p.menu_order,
        "meta_data": meta(&p.meta_data),
        "_links": links(site, &format!("/products/{}", p.id), "/products", None),
    })
}

/// `GET /wc/v3/products/{parent}/variations/{id}`.
pub fn variation(site: &Site, parent: &Product, v: &Variation) -> Value {
    let price = active_price(&v.regular_price, &v.sale_price, v.date_on_sale_from, v.date_on_sale_to, site.now);
    let query: Vec<String> = v.attributes.iter().map(|a| format!("attribute_{}={}", a.slug, slugify(&a.option))).collect();
    let permalink = if query.is_empty() { permalink(site, parent) } else { format!("{}?{}", permalink(site, parent), query.join("&")) };
    let name = if v.attributes.is_empty() { parent.name.clone() } else { format!("{} - {}", parent.name, v.attributes.iter().map(|a| a.option.as_str()).collect::<Vec<_>>().join(", ")) };
    let manage_stock = if v.manage_stock { Value::Bool(true) } else if parent.manage_stock { Value::String("parent".into()) } else { Value::Bool(false) };
    let (qty, status) = if !v.manage_stock && parent.manage_stock { (parent.stock_quantity, parent.stock_status.clone()) } else { (v.stock_quantity, v.stock_status.clone()) };
    json!({
        "id": v.id,
        "type": "variation",
        "date_created": site.local(v.date_created),
        "date_created_gmt": site.gmt(v.date_created),
        "date_modified": site.local(v.date_modified),
        "date_modified_gmt": site.gmt(v.date_modified),
        "description": v.description,
        "permalink": permalink,
        "sku": if v.sku.is_empty() { parent.sku.clone() } else { v.sku.clone() },
        "global_unique_id": v.global_unique_id,
        "price": price,
        "regular_price": v.regular_price,
        "sale_price": v.sale_price,
        "date_on_sale_from": site.opt_local(v.date_on_sale_from),
        "date_on_sale_from_gmt": site.opt_gmt(v.date_on_sale_from),
        "date_on_sale_to": site.opt_local(v.date_on_sale_to),
        "date_on_sale_to_gmt": site.opt_gmt(v.date_on_sale_to),
        "on_sale": sale_active(&v.sale_price, v.date_on_sale_from, v.date_on_sale_to, site.now),
        "status": v.status,
        "purchasable": v.status == "publish" && !price.is_empty(),
        "virtual": v.virtual_,
        "downloadable": v.downloadable,
        "downloads": [],
        "download_limit": -1,
        "download_expiry": -1,
        "tax_status": v.tax_status,
        "tax_class": v.tax_class,
        "manage_stock": manage_stock,
        "stock_quantity": qty,
        "stock_status": status,
        "backorders": v.backorders,
        "backorders_allowed": v.backorders != "no",
        "backordered": false,
        "low_stock_amount": Value::Null,
        "weight": v.weight,
        "dimensions": dims(&v.dimensions),
        "shipping_class": v.shipping_class,
        "shipping_class_id": 0,
        "image": v.image.as_ref().map(|i| image(site, i)).unwrap_or(Value::Null),
        "attributes": v.attributes.iter().map(|a| json!({ "id": a.id, "name": a.name, "slug": a.slug, "option": a.option })).collect::<Vec<_>>(),
        "menu_order": v.menu_order,
        "meta_data": meta(&v.meta_data),
        "name": name,
        "parent_id": v.parent_id,
        "_links": links(site, &format!("/products/{}/variations/{}", parent.id, v.id), &format!("/products/{}/variations", parent.id), Some(site.rest(&format!("/products/{}", parent.id)))),
    })
}

/// `GET /wc/v3/products/{variation_id}`: a variation seen through the products endpoint
/// (WooCommerce returns it as a product of type `variation`, which webhook payloads also use).
pub fn variation_as_product(site: &Site, tax: &Taxonomies<'_>, parent: &Product, v: &Variation) -> Value {
    let mut as_product = parent.clone();
    as_product.id = v.id;
    as_product.kind = "variation".into();
    as_product.parent_id = parent.id;
    as_product.name = match variation(site, parent, v).get("name") {
        Some(Value::String(s)) => s.clone(),
        _ => parent.name.clone(),
    };
    as_product.description = v.description.clone();
    as_product.short_description = String::new();
    as_product.sku = if v.sku.is_empty() { parent.sku.clone() } else { v.sku.clone() };
    as_product.global_unique_id = v.global_unique_id.clone();
    as_product.regular_price = v.regular_price.clone();
    as_product.sale_price = v.sale_price.clone();
    as_product.date_on_sale_from = v.date_on_sale_from;
    as_product.date_on_sale_to = v.date_on_sale_to;
    as_product.status = v.status.clone();
    as_product.date_created = v.date_created;
    as_product.date_modified = v.date_modified;
    as_product.manage_stock = v.manage_stock;
    as_product.stock_quantity = v.stock_quantity;
    as_product.stock_status = v.stock_status.clone();
    as_product.images = v.image.iter().cloned().collect();
    as_product.attributes = vec![];
    as_product.default_attributes = vec![];
    as_product.variations = vec![];
    as_product.categories = vec![];
    as_product.tags = vec![];
    as_product.brands = vec![];
    let mut val = product(site, tax, &as_product);
    if let Some(o) = val.as_object_mut() {
        o.insert("attributes".into(), Value::Array(v.attributes.iter().map(|a| json!({ "id": a.id, "name": a.name, "option": a.option })).collect()));
        o.insert("permalink".into(), variation(site, parent, v)["permalink"].clone());
        o.insert("_links".into(), links(site, &format!("/products/{}", v.id), "/products", Some(site.rest(&format!("/products/{}", parent.id)))));
    }
    val
}

/// `GET /wc/v3/products/categories` item. `count` is supplied by the caller.
pub fn category(site: &Site, t: &Term, count: u64) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "slug": t.slug,
        "parent": t.parent,
        "description": t.description,
        "display": "default",
        "image": Value::Null,
        "menu_order": 0,
        "count": count,
        "_links": links(site, &format!("/products/categories/{}", t.id), "/products/categories", if t.parent != 0 { Some(site.rest(&format!("/products/categories/{}", t.parent))) } else { None }),
    })
}

pub fn tag(site: &Site, t: &Term, count: u64) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "slug": t.slug,
        "description": t.description,
        "count": count,
        "_links": links(site, &format!("/products/tags/{}", t.id), "/products/tags", None),
    })
}

pub fn brand(site: &Site, t: &Term, count: u64) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "slug": t.slug,
        "parent": t.parent,
        "description": t.description,
        "display": "default",
        "image": Value::Null,
        "menu_order": 0,
        "count": count,
        "_links": links(site, &format!("/products/brands/{}", t.id), "/products/brands", None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_like_wordpress() {
        assert_eq!(fmt_date(1_490_299_274), "2017-03-23T20:01:14");
        assert_eq!(parse_date("2017-03-23T20:01:14"), Some((1_490_299_274, false)));
        assert_eq!(parse_date("2017-03-23T20:01:14Z"), Some((1_490_299_274, true)));
        assert_eq!(parse_date("2017-03-23T22:01:14+02:00"), Some((1_490_299_274, true)));
        assert!(parse_date("yesterday").is_none());
    }
}
