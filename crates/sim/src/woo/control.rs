//! Changing the store from tests and demos: product edits, new/deleted products, orders, keys and faults,
//! each firing the webhooks WooCommerce would fire. Available from Rust ([`Control`]) and over HTTP (`/__sim/...`).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::{ApiError, SimError};
use super::faults::{Fault, Faults};
use super::model::*;
use super::orders;
use super::render;
use super::server::{Req, Resp, RestResult, render_product};
use super::store::{ApiKey, Webhook};
use super::webhooks::{self, DeliveryRecord};
use super::{App, rand_hash};

/// Fields a product change may set (any subset). On a variation id, the variation changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub regular_price: Option<String>,
    pub sale_price: Option<String>,
    pub stock_quantity: Option<i64>,
    pub stock_status: Option<String>,
    pub manage_stock: Option<bool>,
    pub status: Option<String>,
    pub description: Option<String>,
    pub short_description: Option<String>,
    pub sku: Option<String>,
    pub global_unique_id: Option<String>,
}

/// A product to create (simple unless `variations` are given).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct NewProduct {
    pub name: String,
    pub regular_price: String,
    pub sale_price: String,
    pub description: String,
    pub short_description: String,
    pub sku: String,
    pub global_unique_id: String,
    pub status: Option<String>,
    pub stock_quantity: Option<i64>,
    pub categories: Vec<u64>,
    pub images: Vec<String>,
    /// Variation option labels with prices, e.g. `[("S", "10.00"), ("M", "12.00")]` on a `Size` attribute.
    pub variations: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct NewOrderLine {
    pub product_id: u64,
    pub variation_id: u64,
    pub quantity: i64,
}

/// An order to place. `attribution`: `chatgpt` (utm_source=chatgpt.com), `chatgpt_referral`, `google`,
/// `direct`, `newsletter`, `none`; or give `meta` pairs yourself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct NewOrder {
    pub line_items: Vec<NewOrderLine>,
    pub status: Option<String>,
    pub attribution: Option<String>,
    pub meta: Vec<(String, String)>,
    pub email: Option<String>,
}

/// Mutations and fault injection on a running store.
#[derive(Clone)]
pub struct Control {
    app: Arc<App>,
}

fn now() -> i64 {
    App::now()
}

impl Control {
    pub(crate) fn new(app: Arc<App>) -> Self {
        Self { app }
    }

    /// The first `n` product ids in the default list order (newest first), drafts included.
    pub fn product_ids(&self, n: usize) -> Vec<u64> {
        let q = super::server::ProductQuery { status: vec!["any".into()], include: vec![], exclude: vec![], search: None, sku: vec![], kind: None, category: None, modified_after: None, modified_before: None, after: None, before: None, orderby: "date".into(), desc: true };
        super::server::product_ids(&self.app, &q).iter().take(n).copied().collect()
    }

    /// Every product id matching a status (`any`, `publish`, `draft`, ...) and optionally a type.
    pub fn find_products(&self, status: &str, kind: Option<&str>) -> Vec<u64> {
        let q = super::server::ProductQuery { status: vec![status.into()], include: vec![], exclude: vec![], search: None, sku: vec![], kind: kind.map(|k| k.to_string()), category: None, modified_after: None, modified_before: None, after: None, before: None, orderby: "id".into(), desc: false };
        super::server::product_ids(&self.app, &q).to_vec()
    }

    /// The product as `GET /products/{id}` renders it (a variation id renders as type `variation`).
    pub fn product_json(&self, id: u64) -> Option<Value> {
        let st = self.app.state.read().unwrap_or_else(|e| e.into_inner());
        let (p, j) = self.app.catalog.resolve(&st, id)?;
        drop(st);
        Some(match j {
            None => render::product(&self.app.site(), &self.app.taxonomies(), &p),
            Some(j) => render::variation_as_product(&self.app.site(), &self.app.taxonomies(), &p, &p.variations[j]),
        })
    }

    pub fn update_product(&self, id: u64, patch: ProductPatch) -> Result<Value, SimError> {
        update_product(&self.app, id, &patch).map_err(SimError::from)
    }

    pub fn create_product(&self, p: NewProduct) -> Result<Value, SimError> {
        create_product(&self.app, p).map_err(SimError::from)
    }

    /// Trash (`force=false`, fires `product.deleted`) or delete for good.
    pub fn delete_product(&self, id: u64, force: bool) -> Result<Value, SimError> {
        delete_product(&self.app, id, force).map_err(SimError::from)
    }

    /// Untrash a product (fires `product.restored`).
    pub fn restore_product(&self, id: u64) -> Result<Value, SimError> {
        restore_product(&self.app, id).map_err(SimError::from)
    }

    pub fn place_order(&self, o: NewOrder) -> Result<Value, SimError> {
        orders::place_order(&self.app, o).map_err(SimError::from)
    }

    /// Places `count` random orders; `chatgpt_share` of them carry utm_source=chatgpt.com.
    pub fn place_random_orders(&self, count: u64, chatgpt_share: f64) -> Result<Vec<u64>, SimError> {
        orders::place_random_orders(&self.app, count, chatgpt_share).map_err(SimError::from)
    }

    pub fn update_order_status(&self, id: u64, status: &str) -> Result<Value, SimError> {
        orders::update_order_status(&self.app, id, status).map_err(SimError::from)
    }

    pub fn faults(&self) -> Faults {
        self.app.faults.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_faults(&self, f: Faults) {
        *self.app.faults.lock().unwrap_or_else(|e| e.into_inner()) = f;
    }

    /// Queues one-shot faults for the next REST requests.
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.app.faults.lock().unwrap_or_else(|e| e.into_inner()).queue.extend(faults);
    }

    pub fn clear_faults(&self) {
        self.set_faults(Faults::default());
    }

    /// Creates an API key with `read`, `write` or `read_write` permissions.
    pub fn create_key(&self, permissions: &str, description: &str) -> ApiKey {
        create_key(&self.app, permissions, description)
    }

    /// Revokes (deletes) a key; requests with it then fail like on a store where the key was deleted.
    pub fn revoke_key(&self, consumer_key: &str) -> bool {
        revoke_key(&self.app, consumer_key)
    }

    pub fn keys(&self) -> Vec<ApiKey> {
        self.app.state.read().unwrap_or_else(|e| e.into_inner()).keys.clone()
    }

    pub fn webhooks(&self) -> Vec<Webhook> {
        self.app.state.read().unwrap_or_else(|e| e.into_inner()).webhooks.values().cloned().collect()
    }

    /// Creates a webhook as `POST /webhooks` would (ping included).
    pub async fn create_webhook(&self, topic: &str, delivery_url: &str, secret: Option<String>) -> Result<Webhook, SimError> {
        webhooks::create(&self.app, None, topic, delivery_url, secret).await.map_err(SimError::from)
    }

    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.app.deliveries.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until every queued webhook event has been delivered (or given up), at most `timeout`.
    pub async fn flush_webhooks(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.app.pending_events.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// REST requests served so far.
    pub fn request_count(&self) -> u64 {
        self.app.requests.load(Ordering::Relaxed)
    }

    pub fn save(&self) -> Result<(), SimError> {
        self.app.save()
    }

    /// Stops the server (as `POST /__sim/shutdown`).
    pub fn stop(&self) {
        self.app.cancel.cancel();
    }
}

fn invalid_id() -> ApiError {
    ApiError::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
}

fn bump(app: &App, st: &mut super::store::Mutations) {
    st.version += 1;
    app.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Puts a changed product back: into `created` if it was created here, else as an override of the base.
fn store_product(app: &App, st: &mut super::store::Mutations, p: Product) {
    if st.created.contains_key(&p.id) {
        st.created.insert(p.id, p);
    } else {
        st.overrides.insert(p.id, p);
    }
    bump(app, st);
}

fn validate_price(field: &str, v: &str) -> Result<(), ApiError> {
    if v.is_empty() || parse_cents(v).is_some_and(|c| c >= 0) {
        Ok(())
    } else {
        Err(ApiError::invalid_param(field, &format!("{field} is not of type string.")))
    }
}

pub fn update_product(app: &App, id: u64, patch: &ProductPatch) -> Result<Value, ApiError> {
    if let Some(p) = &patch.regular_price {
        validate_price("regular_price", p)?;
    }
    if let Some(p) = &patch.sale_price {
        validate_price("sale_price", p)?;
    }
    if let Some(s) = &patch.status {
        if !matches!(s.as_str(), "draft" | "pending" | "private" | "publish" | "future") {
            return Err(ApiError::invalid_param("status", "status is not one of draft, pending, private, publish, and future."));
        }
    }
    if let Some(s) = &patch.stock_status {
        if !matches!(s.as_str(), "instock" | "outofstock" | "onbackorder") {
            return Err(ApiError::invalid_param("stock_status", "stock_status is not one of instock, outofstock, and onbackorder."));
        }
    }
    let t = now();
    let (parent, variation_index) = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let (mut p, j) = app.catalog.resolve(&st, id).ok_or_else(invalid_id)?;
        match j {
            None => {
                if let Some(v) = &patch.name {
                    p.name = v.clone();
                }
                if let Some(v) = &patch.regular_price {
                    if p.kind != "variable" {
                        p.regular_price = v.clone();
                    }
                }
                if let Some(v) = &patch.sale_price {
                    if p.kind != "variable" {
                        p.sale_price = v.clone();
                        if v.is_empty() {
                            p.date_on_sale_from = None;
                            p.date_on_sale_to = None;
                        }
                    }
                }
                if let Some(v) = patch.manage_stock {
                    p.manage_stock = v;
                    if !v {
                        p.stock_quantity = None;
                    }
                }
                if let Some(q) = patch.stock_quantity {
                    p.manage_stock = true;
                    p.stock_quantity = Some(q);
                    p.stock_status = if q > 0 { "instock".into() } else if p.backorders != "no" { "onbackorder".into() } else { "outofstock".into() };
                }
                if let Some(v) = &patch.stock_status {
                    p.stock_status = v.clone();
                }
                if let Some(v) = &patch.status {
                    p.status = v.clone();
                }
                if let Some(v) = &patch.description {
                    p.description = v.clone();
                }
                if let Some(v) = &patch.short_description {
                    p.short_description = v.clone();
                }
                if let Some(v) = &patch.sku {
                    p.sku = v.clone();
                }
                if let Some(v) = &patch.global_unique_id {
                    p.global_unique_id = v.clone();
                }
            }
            Some(j) => {
                let v = &mut p.variations[j];
                if let Some(x) = &patch.regular_price {
                    v.regular_price = x.clone();
                }
                if let Some(x) = &patch.sale_price {
                    v.sale_price = x.clone();
                    if x.is_empty() {
                        v.date_on_sale_from = None;
                        v.date_on_sale_to = None;
                    }
                }
                if let Some(q) = patch.stock_quantity {
                    v.manage_stock = true;
                    v.stock_quantity = Some(q);
                    v.stock_status = if q > 0 { "instock".into() } else { "outofstock".into() };
                }
                if let Some(x) = &patch.stock_status {
                    v.stock_status = x.clone();
                }
                if let Some(x) = &patch.status {
                    v.status = if x == "publish" { "publish".into() } else { "private".into() };
                }
                if let Some(x) = &patch.description {
                    v.description = x.clone();
                }
                if let Some(x) = &patch.sku {
                    v.sku = x.clone();
                }
                if let Some(x) = &patch.global_unique_id {
                    v.global_unique_id = x.clone();
                }
                v.date_modified = t;
            }
        }
        // Saving a variation syncs and saves its parent too, so the parent's modified date moves as well.
        p.date_modified = t;
        store_product(app, &mut st, p.clone());
        (p, j)
    };
    let _ = app.save();
    let site = app.site();
    let tax = app.taxonomies();
    let parent_json = render::product(&site, &tax, &parent);
    if let Some(j) = variation_index {
        let v = &parent.variations[j];
        webhooks::fire(app, "product.updated", v.id, render::variation_as_product(&site, &tax, &parent, v));
        webhooks::fire(app, "product.updated", parent.id, parent_json);
        return Ok(render::variation(&site, &parent, v));
    }
    webhooks::fire(app, "product.updated", parent.id, parent_json.clone());
    Ok(parent_json)
}

pub fn create_product(app: &App, np: NewProduct) -> Result<Value, ApiError> {
    if np.name.trim().is_empty() {
        return Err(ApiError::invalid_param("name", "name is required."));
    }
    validate_price("regular_price", &np.regular_price)?;
    validate_price("sale_price", &np.sale_price)?;
    let t = now();
    let p = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let id = st.next_product_id;
        st.next_product_id += 1 + np.variations.len() as u64;
        let site = app.site_url.clone();
        let images = np.images.iter().enumerate().map(|(j, src)| Image { id: super::generate::IMAGE_ID_BASE + id * 8 + j as u64, src: src.clone(), name: String::new(), alt: String::new(), date: t }).collect();
        let variable = !np.variations.is_empty();
        let mut p = Product {
            id,
            name: np.name.clone(),
            slug: format!("{}-{}", slugify(&np.name), id),
            kind: if variable { "variable".into() } else { "simple".into() },
            status: np.status.clone().unwrap_or_else(|| "publish".into()),
            featured: false,
            catalog_visibility: "visible".into(),
            description: np.description.clone(),
            short_description: np.short_description.clone(),
            sku: np.sku.clone(),
            global_unique_id: np.global_unique_id.clone(),
            regular_price: if variable { String::new() } else { np.regular_price.clone() },
            sale_price: if variable { String::new() } else { np.sale_price.clone() },
            date_on_sale_from: None,
            date_on_sale_to: None,
            date_created: t,
            date_modified: t,
            total_sales: 0,
            virtual_: false,
            downloadable: false,
            downloads: vec![],
            external_url: String::new(),
            button_text: String::new(),
            tax_status: "taxable".into(),
            tax_class: String::new(),
            manage_stock: np.stock_quantity.is_some(),
            stock_quantity: np.stock_quantity,
            stock_status: if np.stock_quantity == Some(0) { "outofstock".into() } else { "instock".into() },
            backorders: "no".into(),
            sold_individually: false,
            weight: String::new(),
            dimensions: Dimensions::default(),
            shipping_class: String::new(),
            reviews_allowed: true,
            average_rating: "0.00".into(),
            rating_count: 0,
            related_ids: vec![],
            upsell_ids: vec![],
            cross_sell_ids: vec![],
            parent_id: 0,
            purchase_note: String::new(),
            categories: if np.categories.is_empty() { app.catalog.categories.iter().find(|c| c.slug == "uncategorized").map(|c| vec![c.id]).unwrap_or_default() } else { np.categories.clone() },
            tags: vec![],
            brands: vec![],
            images,
            attributes: vec![],
            default_attributes: vec![],
            variations: vec![],
            grouped_products: vec![],
            menu_order: 0,
            meta_data: vec![],
        };
        if variable {
            p.attributes = vec![Attribute { id: 0, name: "Size".into(), slug: "size".into(), position: 0, visible: true, variation: true, options: np.variations.iter().map(|(o, _)| o.clone()).collect() }];
            p.variations = np
                .variations
                .iter()
                .enumerate()
                .map(|(j, (opt, price))| Variation {
                    id: id + 1 + j as u64,
                    parent_id: id,
                    date_created: t,
                    date_modified: t,
                    description: String::new(),
                    sku: if np.sku.is_empty() { String::new() } else { format!("{}-{}", np.sku, slugify(opt)) },
                    global_unique_id: String::new(),
                    regular_price: price.clone(),
                    sale_price: String::new(),
                    date_on_sale_from: None,
                    date_on_sale_to: None,
                    status: "publish".into(),
                    virtual_: false,
                    downloadable: false,
                    tax_status: "taxable".into(),
                    tax_class: String::new(),
                    manage_stock: false,
                    stock_quantity: None,
                    stock_status: "instock".into(),
                    backorders: "no".into(),
                    weight: String::new(),
                    dimensions: Dimensions::default(),
                    shipping_class: String::new(),
                    image: None,
                    attributes: vec![VariationAttr { id: 0, name: "Size".into(), slug: "size".into(), option: opt.clone() }],
                    menu_order: j as i64 + 1,
                    meta_data: vec![],
                })
                .collect();
        }
        let _ = site;
        st.created.insert(id, p.clone());
        bump(app, &mut st);
        p
    };
    let _ = app.save();
    let v = render::product(&app.site(), &app.taxonomies(), &p);
    webhooks::fire(app, "product.created", p.id, v.clone());
    Ok(v)
}

pub fn delete_product(app: &App, id: u64, force: bool) -> Result<Value, ApiError> {
    let p = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let mut p = app.catalog.product(&st, id).ok_or_else(invalid_id)?;
        if force {
            st.created.remove(&id);
            st.overrides.remove(&id);
            if app.catalog.base.locate(id).is_some() {
                st.removed.insert(id);
            }
            bump(app, &mut st);
        } else {
            if p.status == "trash" {
                return Err(ApiError::new(410, "woocommerce_rest_already_trashed", &format!("The product with ID {id} has already been deleted.")));
            }
            p.status = "trash".into();
            p.date_modified = now();
            store_product(app, &mut st, p.clone());
        }
        p
    };
    let _ = app.save();
    let v = render::product(&app.site(), &app.taxonomies(), &p);
    if !force {
        // product.deleted fires on trash, with just the id as payload.
        webhooks::fire(app, "product.deleted", id, json!({ "id": id }));
    }
    Ok(v)
}

pub fn restore_product(app: &App, id: u64) -> Result<Value, ApiError> {
    let p = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let mut p = app.catalog.product(&st, id).ok_or_else(invalid_id)?;
        if p.status != "trash" {
            return Err(ApiError::new(400, "woocommerce_rest_not_trashed", "The product is not in the trash."));
        }
        // WordPress restores trashed posts as drafts since 5.6; WooCommerce products keep their old status meta,
        // the simulator restores them as published.
        p.status = "publish".into();
        p.date_modified = now();
        store_product(app, &mut st, p.clone());
        p
    };
    let _ = app.save();
    let v = render::product(&app.site(), &app.taxonomies(), &p);
    webhooks::fire(app, "product.restored", id, v.clone());
    Ok(v)
}

pub fn create_key(app: &App, permissions: &str, description: &str) -> ApiKey {
    let k = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let k = ApiKey {
            key_id: st.next_key_id,
            user_id: 1,
            description: description.into(),
            permissions: if matches!(permissions, "read" | "write" | "read_write") { permissions.into() } else { "read".into() },
            consumer_key: format!("ck_{}", rand_hash()),
            consumer_secret: format!("cs_{}", rand_hash()),
            last_access: None,
        };
        st.next_key_id += 1;
        st.keys.push(k.clone());
        k
    };
    let _ = app.save();
    k
}

pub fn revoke_key(app: &App, consumer_key: &str) -> bool {
    let removed = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let before = st.keys.len();
        st.keys.retain(|k| k.consumer_key != consumer_key);
        before != st.keys.len()
    };
    let _ = app.save();
    removed
}

pub fn delete_key_by_id(app: &App, key_id: u64) -> bool {
    let removed = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let before = st.keys.len();
        st.keys.retain(|k| k.key_id != key_id);
        before != st.keys.len()
    };
    let _ = app.save();
    removed
}

// ---------- REST write endpoints (need a write key) ----------

fn patch_from_json(b: &Value) -> Result<ProductPatch, ApiError> {
    let str_field = |k: &str| -> Result<Option<String>, ApiError> {
        match b.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if k.ends_with("price") => Ok(Some(n.to_string())),
            Some(_) => Err(ApiError::invalid_param(k, &format!("{k} is not of type string."))),
        }
    };
    let stock = match b.get("stock_quantity") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => Some(s.parse::<i64>().map_err(|_| ApiError::invalid_param("stock_quantity", "stock_quantity is not of type integer."))?),
        Some(_) => return Err(ApiError::invalid_param("stock_quantity", "stock_quantity is not of type integer.")),
    };
    Ok(ProductPatch {
        name: str_field("name")?,
        regular_price: str_field("regular_price")?,
        sale_price: str_field("sale_price")?,
        stock_quantity: stock,
        stock_status: str_field("stock_status")?,
        manage_stock: b.get("manage_stock").and_then(|v| v.as_bool()),
        status: str_field("status")?,
        description: str_field("description")?,
        short_description: str_field("short_description")?,
        sku: str_field("sku")?,
        global_unique_id: str_field("global_unique_id")?,
    })
}

pub fn rest_update_product(app: &App, r: &Req, id: u64) -> RestResult {
    let patch = patch_from_json(&r.json_body()?)?;
    let v = update_product(app, id, &patch)?;
    Ok(Resp::ok(v))
}

pub fn rest_create_product(app: &App, r: &Req) -> RestResult {
    let b = r.json_body()?;
    let np = NewProduct {
        name: b.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        regular_price: b.get("regular_price").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        sale_price: b.get("sale_price").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        description: b.get("description").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        short_description: b.get("short_description").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        sku: b.get("sku").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        global_unique_id: b.get("global_unique_id").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        status: b.get("status").and_then(|v| v.as_str()).map(|s| s.to_string()),
        stock_quantity: b.get("stock_quantity").and_then(|v| v.as_i64()),
        categories: b.get("categories").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|c| c.get("id").and_then(|i| i.as_u64())).collect()).unwrap_or_default(),
        images: b.get("images").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|c| c.get("src").and_then(|i| i.as_str()).map(|s| s.to_string())).collect()).unwrap_or_default(),
        variations: vec![],
    };
    let v = create_product(app, np)?;
    let mut resp = Resp::ok(v);
    resp.status = 201;
    Ok(resp)
}

pub fn rest_delete_product(app: &App, r: &Req, id: u64) -> RestResult {
    let force = r.q("force").is_some_and(|v| v == "true" || v == "1");
    let p = render_product(
        app,
        &{
            let st = app.state.read().unwrap_or_else(|e| e.into_inner());
            app.catalog.product(&st, id).ok_or_else(invalid_id)?
        },
        true,
    )?;
    let v = delete_product(app, id, force)?;
    Ok(Resp::ok(if force { p } else { v }))
}

pub fn rest_update_order(app: &App, r: &Req, id: u64) -> RestResult {
    let b = r.json_body()?;
    let status = b.get("status").and_then(|v| v.as_str()).ok_or_else(|| ApiError::invalid_param("status", "status is required."))?;
    Ok(Resp::ok(orders::update_order_status(app, id, status)?))
}

// ---------- HTTP control API ----------

fn json_resp(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

fn ctl_err(e: ApiError) -> Response {
    e.into_response()
}

fn parse_body<T: for<'de> Deserialize<'de> + Default>(r: &Req) -> Result<T, Response> {
    if r.body.is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(&r.body).map_err(|e| json_resp(StatusCode::BAD_REQUEST, json!({ "error": format!("invalid JSON: {e}") })))
}

/// `/__sim/...`: unauthenticated control endpoints for tests and demos (never part of a real store).
pub async fn http(app: &Arc<App>, r: &Req) -> Response {
    let segs: Vec<&str> = r.path.trim_matches('/').split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let m = r.method.as_str();
    let ctl = Control::new(app.clone());
    let num = |s: &str| s.parse::<u64>().ok();
    match (m, segs.as_slice()) {
        ("GET", []) | ("GET", ["state"]) => {
            let st = app.state.read().unwrap_or_else(|e| e.into_inner());
            json_resp(
                StatusCode::OK,
                json!({
                    "base_url": app.site_url,
                    "catalog_products": app.catalog.base.len(),
                    "created_products": st.created.len(),
                    "changed_products": st.overrides.len(),
                    "deleted_products": st.removed.len(),
                    "orders": st.orders.len(),
                    "webhooks": st.webhooks.len(),
                    "keys": st.keys.iter().map(|k| json!({"key_id": k.key_id, "consumer_key": k.consumer_key, "consumer_secret": k.consumer_secret, "permissions": k.permissions, "description": k.description})).collect::<Vec<_>>(),
                    "requests": app.requests.load(Ordering::Relaxed),
                    "faults": *app.faults.lock().unwrap_or_else(|e| e.into_inner()),
                }),
            )
        }
        ("GET", ["products"]) => {
            let status = r.q("status").unwrap_or("any");
            let ids = ctl.find_products(status, r.q("type"));
            let limit = r.q("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(100);
            json_resp(StatusCode::OK, json!({ "total": ids.len(), "ids": ids.iter().take(limit).collect::<Vec<_>>() }))
        }
        ("POST", ["products"]) => match parse_body::<NewProduct>(r) {
            Ok(np) => match create_product(app, np) {
                Ok(v) => json_resp(StatusCode::CREATED, v),
                Err(e) => ctl_err(e),
            },
            Err(resp) => resp,
        },
        ("GET", ["products", id]) => match num(id).and_then(|i| ctl.product_json(i)) {
            Some(v) => json_resp(StatusCode::OK, v),
            None => ctl_err(invalid_id()),
        },
        ("PATCH" | "POST" | "PUT", ["products", id]) => match (num(id), parse_body::<ProductPatch>(r)) {
            (Some(i), Ok(p)) => match update_product(app, i, &p) {
                Ok(v) => json_resp(StatusCode::OK, v),
                Err(e) => ctl_err(e),
            },
            (None, _) => ctl_err(invalid_id()),
            (_, Err(resp)) => resp,
        },
        ("DELETE", ["products", id]) => match num(id) {
            Some(i) => match delete_product(app, i, r.q("force").is_some_and(|f| f == "true" || f == "1")) {
                Ok(v) => json_resp(StatusCode::OK, v),
                Err(e) => ctl_err(e),
            },
            None => ctl_err(invalid_id()),
        },
        ("POST", ["products", id, "restore"]) => match num(id) {
            Some(i) => match restore_product(app, i) {
                Ok(v) => json_resp(StatusCode::OK, v),
                Err(e) => ctl_err(e),
            },
            None => ctl_err(invalid_id()),
        },
        ("POST", ["orders"]) => match parse_body::<NewOrder>(r) {
            Ok(o) => match orders::place_order(app, o) {
                Ok(v) => json_resp(StatusCode::CREATED, v),
                Err(e) => ctl_err(e),
            },
            Err(resp) => resp,
        },
        ("POST", ["orders", "random"]) => {
            #[derive(Deserialize, Default)]
            #[serde(default)]
            struct Rnd {
                count: Option<u64>,
                chatgpt_share: Option<f64>,
            }
            match parse_body::<Rnd>(r) {
                Ok(x) => match orders::place_random_orders(app, x.count.unwrap_or(1), x.chatgpt_share.unwrap_or(app.cfg.chatgpt_share)) {
                    Ok(ids) => json_resp(StatusCode::CREATED, json!({ "ids": ids })),
                    Err(e) => ctl_err(e),
                },
                Err(resp) => resp,
            }
        }
        ("PATCH" | "POST" | "PUT", ["orders", id]) => {
            #[derive(Deserialize, Default)]
            #[serde(default)]
            struct St {
                status: String,
            }
            match (num(id), parse_body::<St>(r)) {
                (Some(i), Ok(s)) => match orders::update_order_status(app, i, &s.status) {
                    Ok(v) => json_resp(StatusCode::OK, v),
                    Err(e) => ctl_err(e),
                },
                (None, _) => ctl_err(ApiError::new(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")),
                (_, Err(resp)) => resp,
            }
        }
        ("GET", ["faults"]) => json_resp(StatusCode::OK, serde_json::to_value(ctl.faults()).unwrap_or(Value::Null)),
        ("PUT", ["faults"]) => match parse_body::<Faults>(r) {
            Ok(f) => {
                ctl.set_faults(f.clone());
                json_resp(StatusCode::OK, serde_json::to_value(f).unwrap_or(Value::Null))
            }
            Err(resp) => resp,
        },
        ("POST", ["faults"]) => {
            // Append one-shot faults: a single fault object or an array of them.
            let parsed: Result<Vec<Fault>, _> = serde_json::from_slice::<Vec<Fault>>(&r.body).or_else(|_| serde_json::from_slice::<Fault>(&r.body).map(|f| vec![f]));
            match parsed {
                Ok(fs) => {
                    ctl.push_faults(fs);
                    json_resp(StatusCode::OK, serde_json::to_value(ctl.faults()).unwrap_or(Value::Null))
                }
                Err(e) => json_resp(StatusCode::BAD_REQUEST, json!({ "error": format!("invalid fault: {e}") })),
            }
        }
        ("DELETE", ["faults"]) => {
            ctl.clear_faults();
            json_resp(StatusCode::OK, json!({}))
        }
        ("GET", ["keys"]) => json_resp(StatusCode::OK, serde_json::to_value(ctl.keys()).unwrap_or(Value::Null)),
        ("POST", ["keys"]) => {
            #[derive(Deserialize, Default)]
            #[serde(default)]
            struct K {
                permissions: Option<String>,
                description: Option<String>,
            }
            match parse_body::<K>(r) {
                Ok(k) => {
                    let key = ctl.create_key(k.permissions.as_deref().unwrap_or("read_write"), k.description.as_deref().unwrap_or("Created by the control API"));
                    json_resp(StatusCode::CREATED, serde_json::to_value(key).unwrap_or(Value::Null))
                }
                Err(resp) => resp,
            }
        }
        ("DELETE", ["keys", k]) => {
            let ok = match num(k) {
                Some(id) => delete_key_by_id(app, id),
                None => ctl.revoke_key(k),
            };
            if ok { json_resp(StatusCode::OK, json!({ "revoked": k })) } else { json_resp(StatusCode::NOT_FOUND, json!({ "error": "no such key" })) }
        }
        ("GET", ["webhooks"]) => json_resp(StatusCode::OK, json!(ctl.webhooks().iter().map(|w| json!({"id": w.id, "name": w.name, "status": w.status, "topic": w.topic, "delivery_url": w.delivery_url, "secret": w.secret, "failure_count": w.failure_count})).collect::<Vec<_>>())),
        ("GET", ["deliveries"]) => json_resp(StatusCode::OK, serde_json::to_value(ctl.deliveries()).unwrap_or(Value::Null)),
        ("POST", ["save"]) => match ctl.save() {
            Ok(()) => json_resp(StatusCode::OK, json!({ "saved": app.cfg.state_file.as_ref().map(|p| p.display().to_string()) })),
            Err(e) => json_resp(StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": e.to_string() })),
        },
        ("POST", ["shutdown"]) => {
            ctl.stop();
            json_resp(StatusCode::OK, json!({ "stopping": true }))
        }
        _ => json_resp(StatusCode::NOT_FOUND, json!({ "error": "unknown control endpoint", "see": "docs/simulator.md" })),
    }
}
