//! Orders (with WooCommerce order-attribution meta) and product reviews.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::error::ApiError;
use super::model::*;
use super::render::Site;
use super::server::{Req, Resp, RestResult, paged, paging};
use super::store::{Catalog, LineItem, Mutations, Order, Review};
use super::{App, NewOrder, NewOrderLine, webhooks};

const FIRST: &[&str] = &["Emma", "Liam", "Olivia", "Noah", "Ava", "Mateo", "Sofía", "Yuki", "Chloé", "Lukas", "Aisha", "Oscar", "Zoë", "Björn"];
const LAST: &[&str] = &["Smith", "García", "Müller", "Rossi", "Tanaka", "Dubois", "Kowalski", "Nguyen", "O'Brien", "Jensen", "Silva"];
const CITIES: &[(&str, &str, &str)] = &[("San Francisco", "US", "94103"), ("Austin", "US", "73301"), ("Toronto", "CA", "M5H 2N2"), ("New York", "US", "10001"), ("Seattle", "US", "98101"), ("Chicago", "US", "60601")];

/// Attribution presets: (source_type, utm_source, utm_medium, referrer).
fn attribution_meta(kind: &str, rng: &mut impl Rng) -> Vec<(String, String)> {
    let mut m = Vec::new();
    let ua = if rng.random_bool(0.6) {
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    } else {
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    };
    let device = if ua.contains("iPhone") { "Mobile" } else { "Desktop" };
    let mut push = |k: &str, v: &str| m.push((format!("_wc_order_attribution_{k}"), v.to_string()));
    match kind {
        "chatgpt" => {
            push("source_type", "utm");
            push("utm_source", "chatgpt.com");
            push("referrer", "https://chatgpt.com/");
        }
        "chatgpt_referral" => {
            push("source_type", "referral");
            push("referrer", "https://chatgpt.com/");
            push("utm_source", "chatgpt.com");
        }
        "google" => {
            push("source_type", "organic");
            push("referrer", "https://www.google.com/");
            push("utm_source", "google");
            push("utm_medium", "organic");
        }
        "newsletter" => {
            push("source_type", "utm");
            push("utm_source", "newsletter");
            push("utm_medium", "email");
            push("utm_campaign", "black-friday");
        }
        "direct" => {
            push("source_type", "typein");
            push("utm_source", "(direct)");
        }
        _ => return m,
    }
    push("session_entry", "https://shop.example.com/");
    push("session_start_time", "2025-11-20 10:11:12");
    push("session_pages", &rng.random_range(1..12).to_string());
    push("session_count", &rng.random_range(1..4).to_string());
    push("user_agent", ua);
    push("device_type", device);
    m
}

pub fn render_order(site: &Site, o: &Order) -> Value {
    let subtotal = o.subtotal_cents();
    let total = subtotal + o.shipping_cents;
    let items: Vec<Value> = o
        .line_items
        .iter()
        .map(|l| {
            json!({
                "id": l.id,
                "name": l.name,
                "product_id": l.product_id,
                "variation_id": l.variation_id,
                "quantity": l.quantity,
                "tax_class": "",
                "subtotal": format_cents(l.price_cents * l.quantity),
                "subtotal_tax": "0.00",
                "total": format_cents(l.price_cents * l.quantity),
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
                "sku": l.sku,
                "price": (l.price_cents as f64) / 100.0,
                "image": { "id": l.image_id, "src": l.image_src },
                "parent_name": Value::Null,
            })
        })
        .collect();
    let addr = json!({
        "first_name": o.first_name, "last_name": o.last_name, "company": "", "address_1": o.address, "address_2": "",
        "city": o.city, "state": "", "postcode": o.postcode, "country": o.country,
    });
    let mut billing = addr.clone();
    if let Some(b) = billing.as_object_mut() {
        b.insert("email".into(), json!(o.email));
        b.insert("phone".into(), json!(""));
    }
    json!({
        "id": o.id,
        "parent_id": 0,
        "status": o.status,
        "currency": o.currency,
        "version": "9.9.5",
        "prices_include_tax": false,
        "date_created": site.local(o.date_created),
        "date_modified": site.local(o.date_modified),
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": format_cents(o.shipping_cents),
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": format_cents(total),
        "total_tax": "0.00",
        "customer_id": o.customer_id,
        "order_key": o.order_key,
        "billing": billing,
        "shipping": addr,
        "payment_method": o.payment_method,
        "payment_method_title": o.payment_method_title,
        "transaction_id": "",
        "customer_ip_address": "",
        "customer_user_agent": o.customer_user_agent,
        "created_via": o.created_via,
        "customer_note": "",
        "date_completed": site.opt_local(o.date_completed),
        "date_paid": site.opt_local(o.date_paid),
        "cart_hash": "",
        "number": o.id.to_string(),
        "meta_data": o.meta_data.iter().map(|m| json!({ "id": m.id, "key": m.key, "value": m.value })).collect::<Vec<_>>(),
        "line_items": items,
        "tax_lines": [],
        "shipping_lines": [{ "id": o.id * 10 + 1, "method_title": "Flat rate", "method_id": "flat_rate", "instance_id": "1", "total": format_cents(o.shipping_cents), "total_tax": "0.00", "taxes": [], "meta_data": [] }],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
        "payment_url": format!("{}/checkout/order-pay/{}/?pay_for_order=true&key={}", site.url, o.id, o.order_key),
        "is_editable": matches!(o.status.as_str(), "pending" | "on-hold" | "auto-draft"),
        "needs_payment": o.status == "pending",
        "needs_processing": true,
        "date_created_gmt": site.gmt(o.date_created),
        "date_modified_gmt": site.gmt(o.date_modified),
        "date_completed_gmt": site.opt_gmt(o.date_completed),
        "date_paid_gmt": site.opt_gmt(o.date_paid),
        "currency_symbol": site.currency_symbol,
        "_links": {
            "self": [{ "href": site.rest(&format!("/orders/{}", o.id)) }],
            "collection": [{ "href": site.rest("/orders") }],
        },
    })
}

const STATUSES: &[&str] = &["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft"];

fn build_order(app: &App, st: &mut Mutations, req: &NewOrder, at: i64, rng: &mut impl Rng) -> Result<Order, ApiError> {
    if req.line_items.is_empty() {
        return Err(ApiError::invalid_param("line_items", "line_items must contain at least one item."));
    }
    let status = req.status.clone().unwrap_or_else(|| "processing".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(ApiError::invalid_param("status", "status is not one of pending, processing, on-hold, completed, cancelled, refunded, failed, and checkout-draft."));
    }
    let now_site = app.site();
    let mut items = Vec::new();
    for l in &req.line_items {
        let lookup = if l.variation_id != 0 { l.variation_id } else { l.product_id };
        let (p, j) = app.catalog.resolve(st, lookup).ok_or_else(|| ApiError::new(400, "woocommerce_rest_invalid_product_id", &format!("Product ID {} is invalid.", l.product_id)))?;
        let (name, price, sku, image, vid) = match j {
            Some(j) => {
                let v = &p.variations[j];
                let price = active_price(&v.regular_price, &v.sale_price, v.date_on_sale_from, v.date_on_sale_to, now_site.now);
                let name = format!("{} - {}", p.name, v.attributes.iter().map(|a| a.option.as_str()).collect::<Vec<_>>().join(", "));
                (name, price, if v.sku.is_empty() { p.sku.clone() } else { v.sku.clone() }, v.image.clone().or_else(|| p.images.first().cloned()), v.id)
            }
            None => {
                if p.kind == "variable" {
                    // Ordering a variable product means ordering its first variation.
                    let v = p.variations.first().ok_or_else(|| ApiError::new(400, "woocommerce_rest_invalid_product_id", "Variable product without variations."))?;
                    let price = active_price(&v.regular_price, &v.sale_price, v.date_on_sale_from, v.date_on_sale_to, now_site.now);
                    (format!("{} - {}", p.name, v.attributes.iter().map(|a| a.option.as_str()).collect::<Vec<_>>().join(", ")), price, v.sku.clone(), v.image.clone().or_else(|| p.images.first().cloned()), v.id)
                } else {
                    (p.name.clone(), p.active_price(now_site.now), p.sku.clone(), p.images.first().cloned(), 0)
                }
            }
        };
        let id = st.next_item_id;
        st.next_item_id += 1;
        items.push(LineItem {
            id,
            name,
            product_id: p.id,
            variation_id: vid,
            quantity: l.quantity.max(1),
            sku,
            price_cents: parse_cents(&price).unwrap_or(0),
            image_id: image.as_ref().map(|i| i.id).unwrap_or(0),
            image_src: image.map(|i| i.src).unwrap_or_default(),
        });
    }
    let id = st.next_order_id;
    st.next_order_id += 1;
    let mut meta_pairs = match &req.attribution {
        Some(a) => attribution_meta(a, rng),
        None => vec![],
    };
    meta_pairs.extend(req.meta.iter().cloned());
    let ua = meta_pairs.iter().find(|(k, _)| k == "_wc_order_attribution_user_agent").map(|(_, v)| v.clone()).unwrap_or_default();
    let meta_data = meta_pairs.into_iter().enumerate().map(|(i, (k, v))| Meta { id: id * 100 + i as u64, key: k, value: Value::String(v) }).collect();
    let (city, country, postcode) = *CITIES.choose(rng).unwrap_or(&CITIES[0]);
    let first = FIRST.choose(rng).copied().unwrap_or("Emma");
    let last = LAST.choose(rng).copied().unwrap_or("Smith");
    let paid = matches!(status.as_str(), "processing" | "completed" | "refunded");
    Ok(Order {
        id,
        order_key: format!("wc_order_{}", &super::rand_hash()[..13]),
        status: status.clone(),
        currency: app.cfg.currency.clone(),
        date_created: at,
        date_modified: at,
        date_paid: if paid { Some(at) } else { None },
        date_completed: if status == "completed" { Some(at) } else { None },
        customer_id: 0,
        first_name: first.into(),
        last_name: last.into(),
        email: req.email.clone().unwrap_or_else(|| format!("{}.{}@example.com", slugify(first), slugify(last))),
        city: city.into(),
        country: country.into(),
        postcode: postcode.into(),
        address: format!("{} Market St", rng.random_range(1..999)),
        payment_method: "stripe".into(),
        payment_method_title: "Credit Card (Stripe)".into(),
        shipping_cents: if rng.random_bool(0.3) { 0 } else { 599 },
        line_items: items,
        meta_data,
        created_via: "checkout".into(),
        customer_user_agent: ua,
    })
}

pub fn place_order(app: &App, req: NewOrder) -> Result<Value, ApiError> {
    let o = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let o = build_order(app, &mut st, &req, App::now(), &mut rand::rng())?;
        st.orders.insert(o.id, o.clone());
        o
    };
    let _ = app.save();
    let v = render_order(&app.site(), &o);
    webhooks::fire(app, "order.created", o.id, v.clone());
    Ok(v)
}

fn attribution_pick(rng: &mut impl Rng, chatgpt_share: f64) -> &'static str {
    if rng.random_bool(chatgpt_share.clamp(0.0, 1.0)) {
        return if rng.random_bool(0.85) { "chatgpt" } else { "chatgpt_referral" };
    }
    *["google", "direct", "newsletter", "none"].choose(rng).unwrap_or(&"direct")
}

fn random_lines(app: &App, st: &Mutations, rng: &mut impl Rng) -> Vec<NewOrderLine> {
    let n = app.catalog.base.len() + st.created.len() as u64;
    let mut lines = Vec::new();
    for _ in 0..rng.random_range(1..4) {
        for _attempt in 0..20 {
            let k = rng.random_range(0..n.max(1));
            let id = if k < app.catalog.base.len() { app.catalog.base.header(k).id } else { st.created.keys().nth((k - app.catalog.base.len()) as usize).copied().unwrap_or(0) };
            if let Some(p) = app.catalog.product(st, id) {
                if p.status == "publish" && (p.kind == "simple" || p.kind == "variable" && !p.variations.is_empty()) {
                    let vid = if p.kind == "variable" { p.variations[rng.random_range(0..p.variations.len())].id } else { 0 };
                    lines.push(NewOrderLine { product_id: p.id, variation_id: vid, quantity: rng.random_range(1..3) });
                    break;
                }
            }
        }
    }
    lines
}

pub fn place_random_orders(app: &App, count: u64, chatgpt_share: f64) -> Result<Vec<u64>, ApiError> {
    let mut ids = Vec::new();
    for _ in 0..count {
        let req = {
            let st = app.state.read().unwrap_or_else(|e| e.into_inner());
            let mut rng = rand::rng();
            NewOrder { line_items: random_lines(app, &st, &mut rng), status: Some(if rng.random_bool(0.8) { "processing".into() } else { "completed".into() }), attribution: Some(attribution_pick(&mut rng, chatgpt_share).into()), meta: vec![], email: None }
        };
        if req.line_items.is_empty() {
            return Err(ApiError::new(400, "woocommerce_rest_invalid_product_id", "No purchasable products in the catalog."));
        }
        let v = place_order(app, req)?;
        ids.push(v.get("id").and_then(|i| i.as_u64()).unwrap_or(0));
    }
    Ok(ids)
}

/// Deterministic historical orders over the last 30 days.
pub fn seed_orders(app: &App, count: u64) {
    let seed = match app.cfg.catalog {
        super::CatalogSource::Generated { seed, .. } => seed,
        _ => 1,
    };
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0dde_5eed);
    let now = App::now();
    let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
    for i in 0..count {
        let lines = random_lines(app, &st, &mut rng);
        if lines.is_empty() {
            break;
        }
        let status = if rng.random_bool(0.7) { "completed" } else if rng.random_bool(0.8) { "processing" } else { "cancelled" };
        let req = NewOrder { line_items: lines, status: Some(status.into()), attribution: Some(attribution_pick(&mut rng, app.cfg.chatgpt_share).into()), meta: vec![], email: None };
        let at = now - 30 * 86_400 + (i as i64 * 30 * 86_400) / count.max(1) as i64;
        match build_order(app, &mut st, &req, at, &mut rng) {
            Ok(o) => {
                st.orders.insert(o.id, o);
            }
            Err(e) => tracing::warn!(error = ?e, "could not seed order"),
        }
    }
}

pub fn update_order_status(app: &App, id: u64, status: &str) -> Result<Value, ApiError> {
    if !STATUSES.contains(&status) {
        return Err(ApiError::invalid_param("status", "status is not one of pending, processing, on-hold, completed, cancelled, refunded, failed, and checkout-draft."));
    }
    let o = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let o = st.orders.get_mut(&id).ok_or_else(|| ApiError::new(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID."))?;
        let now = App::now();
        o.status = status.into();
        o.date_modified = now;
        if status == "completed" {
            o.date_completed = Some(now);
        }
        if matches!(status, "processing" | "completed") && o.date_paid.is_none() {
            o.date_paid = Some(now);
        }
        o.clone()
    };
    let _ = app.save();
    let v = render_order(&app.site(), &o);
    webhooks::fire(app, "order.updated", id, v.clone());
    Ok(v)
}

pub fn list_orders(app: &App, r: &Req) -> RestResult {
    let p = paging(r, 10)?;
    let statuses = r.q_list("status");
    let gmt = r.q("dates_are_gmt").is_some_and(|v| v == "true" || v == "1");
    let off = app.cfg.utc_offset_secs;
    let date = |name: &str| -> Result<Option<i64>, ApiError> {
        match r.q(name) {
            None => Ok(None),
            Some(s) => match super::render::parse_date(s) {
                Some((t, had)) => Ok(Some(if had || gmt { t } else { t - off })),
                None => Err(ApiError::invalid_param(name, &format!("Invalid date. {name}"))),
            },
        }
    };
    let (after, before, mafter, mbefore) = (date("after")?, date("before")?, date("modified_after")?, date("modified_before")?);
    let include: Vec<u64> = r.q_list("include").iter().filter_map(|s| s.parse().ok()).collect();
    let product: Option<u64> = r.q("product").and_then(|s| s.parse().ok());
    let include_meta: Vec<String> = r.q_list("include_meta");
    let exclude_meta: Vec<String> = r.q_list("exclude_meta");
    let site = app.site();
    let mut list: Vec<Order> = {
        let st = app.state.read().unwrap_or_else(|e| e.into_inner());
        st.orders
            .values()
            .filter(|o| statuses.is_empty() || statuses.iter().any(|s| s == "any" || *s == o.status))
            .filter(|o| after.is_none_or(|t| o.date_created > t) && before.is_none_or(|t| o.date_created < t))
            .filter(|o| mafter.is_none_or(|t| o.date_modified > t) && mbefore.is_none_or(|t| o.date_modified < t))
            .filter(|o| include.is_empty() || include.contains(&o.id))
            .filter(|o| product.is_none_or(|pid| o.line_items.iter().any(|l| l.product_id == pid || l.variation_id == pid)))
            .cloned()
            .collect()
    };
    list.sort_by_key(|o| (o.date_created, o.id));
    if r.q("order") != Some("asc") {
        list.reverse();
    }
    let range = p.range(list.len());
    let items = list[range]
        .iter()
        .map(|o| {
            let mut v = render_order(&site, o);
            if !include_meta.is_empty() || !exclude_meta.is_empty() {
                if let Some(Value::Array(m)) = v.get_mut("meta_data") {
                    m.retain(|e| {
                        let k = e.get("key").and_then(|k| k.as_str()).unwrap_or("");
                        (include_meta.is_empty() || include_meta.iter().any(|i| i == k)) && !exclude_meta.iter().any(|x| x == k)
                    });
                }
            }
            v
        })
        .collect();
    Ok(paged(app, r, list.len() as u64, &p, items))
}

pub fn get_order(app: &App, id: u64) -> RestResult {
    let o = app.state.read().unwrap_or_else(|e| e.into_inner()).orders.get(&id).cloned();
    match o {
        Some(o) => Ok(Resp::ok(render_order(&app.site(), &o))),
        None => Err(ApiError::new(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")),
    }
}

// ---------- reviews ----------

const REVIEW_TEXTS: &[&str] = &[
    "Great quality, exactly as described.",
    "Arrived quickly and well packaged. Would buy again!",
    "Nice, but runs a bit small.",
    "Très bien — je recommande.",
    "Not what I expected; the colour is darker than on the photos.",
    "Absolutely love it 😍",
    "Good value for money.",
];

/// A few deterministic reviews on the first products of the catalog.
pub fn seed_reviews(catalog: &Catalog, m: &mut Mutations, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5e71_e3);
    let n = catalog.base.len().min(60);
    for k in 0..n {
        let h = catalog.base.header(k);
        if h.status != "publish" || !rng.random_bool(0.5) {
            continue;
        }
        for _ in 0..rng.random_range(1..4) {
            let id = m.next_review_id;
            m.next_review_id += 1;
            let first = FIRST.choose(&mut rng).copied().unwrap_or("Emma");
            m.reviews.insert(
                id,
                Review {
                    id,
                    product_id: h.id,
                    date_created: h.date_created + rng.random_range(86_400..60 * 86_400),
                    reviewer: first.into(),
                    reviewer_email: format!("{}@example.com", slugify(first)),
                    review: format!("<p>{}</p>\n", REVIEW_TEXTS.choose(&mut rng).copied().unwrap_or("")),
                    rating: rng.random_range(1..=5),
                    verified: rng.random_bool(0.7),
                    status: "approved".into(),
                },
            );
        }
    }
}

fn render_review(app: &App, r: &Review) -> Value {
    let site = app.site();
    let (name, link) = {
        let st = app.state.read().unwrap_or_else(|e| e.into_inner());
        match app.catalog.product(&st, r.product_id) {
            Some(p) => (p.name.clone(), super::render::permalink(&site, &p)),
            None => (String::new(), String::new()),
        }
    };
    let hash = hex::encode(&{
        use sha2::Digest;
        sha2::Sha256::digest(r.reviewer_email.as_bytes())
    }[..16]);
    json!({
        "id": r.id,
        "date_created": site.local(r.date_created),
        "date_created_gmt": site.gmt(r.date_created),
        "product_id": r.product_id,
        "product_name": name,
        "product_permalink": link,
        "status": r.status,
        "reviewer": r.reviewer,
        "reviewer_email": r.reviewer_email,
        "review": r.review,
        "rating": r.rating,
        "verified": r.verified,
        "reviewer_avatar_urls": {
            "24": format!("https://secure.gravatar.com/avatar/{hash}?s=24&d=mm&r=g"),
            "48": format!("https://secure.gravatar.com/avatar/{hash}?s=48&d=mm&r=g"),
            "96": format!("https://secure.gravatar.com/avatar/{hash}?s=96&d=mm&r=g"),
        },
        "_links": {
            "self": [{ "href": site.rest(&format!("/products/reviews/{}", r.id)) }],
            "collection": [{ "href": site.rest("/products/reviews") }],
            "up": [{ "href": site.rest(&format!("/products/{}", r.product_id)) }],
        },
    })
}

pub fn list_reviews(app: &App, r: &Req) -> RestResult {
    let p = paging(r, 10)?;
    let product: Vec<u64> = r.q_list("product").iter().filter_map(|s| s.parse().ok()).collect();
    let mut list: Vec<Review> = app.state.read().unwrap_or_else(|e| e.into_inner()).reviews.values().filter(|x| product.is_empty() || product.contains(&x.product_id)).cloned().collect();
    list.sort_by_key(|x| (x.date_created, x.id));
    if r.q("order") != Some("asc") {
        list.reverse();
    }
    let range = p.range(list.len());
    let items = list[range].iter().map(|x| render_review(app, x)).collect();
    Ok(paged(app, r, list.len() as u64, &p, items))
}

pub fn get_review(app: &App, id: u64) -> RestResult {
    let x = app.state.read().unwrap_or_else(|e| e.into_inner()).reviews.get(&id).cloned();
    match x {
        Some(x) => Ok(Resp::ok(render_review(app, &x))),
        None => Err(ApiError::new(404, "woocommerce_rest_review_invalid_id", "Invalid review ID.")),
    }
}
