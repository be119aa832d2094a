//! The store's data: an immutable base catalog (generated lazily or loaded from WooCommerce's sample CSV)
//! plus the mutations made since (product changes, new and deleted products, orders, keys, webhooks),
//! which are what gets persisted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::generate::Generator;
use super::model::*;

/// The immutable starting catalog.
#[derive(Debug, Clone)]
pub enum Base {
    Generated(Generator),
    /// Materialised products sorted by id (the sample catalog).
    Fixed(Arc<Vec<Product>>),
}

impl Base {
    pub fn len(&self) -> u64 {
        match self {
            Base::Generated(g) => g.n,
            Base::Fixed(v) => v.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn header(&self, k: u64) -> Header {
        match self {
            Base::Generated(g) => g.header(k),
            Base::Fixed(v) => v[k as usize].header(),
        }
    }

    pub fn product(&self, k: u64) -> Product {
        match self {
            Base::Generated(g) => g.product(k),
            Base::Fixed(v) => v[k as usize].clone(),
        }
    }

    /// id -> (index, variation slot) for a product or one of its variations.
    pub fn locate(&self, id: u64) -> Option<(u64, Option<u64>)> {
        match self {
            Base::Generated(g) => g.locate(id),
            Base::Fixed(v) => {
                if let Ok(i) = v.binary_search_by_key(&id, |p| p.id) {
                    return Some((i as u64, None));
                }
                v.iter().enumerate().find_map(|(i, p)| p.variations.iter().position(|x| x.id == id).map(|j| (i as u64, Some(j as u64))))
            }
        }
    }

    pub fn max_id(&self) -> u64 {
        match self {
            Base::Generated(g) => Generator::id_of(g.n) + 1,
            Base::Fixed(v) => v.iter().flat_map(|p| std::iter::once(p.id).chain(p.variations.iter().map(|x| x.id))).max().unwrap_or(0),
        }
    }
}

/// A REST API key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ApiKey {
    pub key_id: u64,
    pub user_id: u64,
    pub description: String,
    /// `read|write|read_write`
    pub permissions: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub last_access: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Webhook {
    pub id: u64,
    pub name: String,
    /// `active|paused|disabled`
    pub status: String,
    pub topic: String,
    pub delivery_url: String,
    pub secret: String,
    pub failure_count: u32,
    pub date_created: i64,
    pub date_modified: i64,
    pub pending_delivery: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LineItem {
    pub id: u64,
    pub name: String,
    pub product_id: u64,
    pub variation_id: u64,
    pub quantity: i64,
    pub sku: String,
    pub price_cents: i64,
    pub image_id: u64,
    pub image_src: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Order {
    pub id: u64,
    pub order_key: String,
    pub status: String,
    pub currency: String,
    pub date_created: i64,
    pub date_modified: i64,
    pub date_paid: Option<i64>,
    pub date_completed: Option<i64>,
    pub customer_id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub city: String,
    pub country: String,
    pub postcode: String,
    pub address: String,
    pub payment_method: String,
    pub payment_method_title: String,
    pub shipping_cents: i64,
    pub line_items: Vec<LineItem>,
    pub meta_data: Vec<Meta>,
    pub created_via: String,
    pub customer_user_agent: String,
}

impl Order {
    pub fn subtotal_cents(&self) -> i64 {
        self.line_items.iter().map(|l| l.price_cents * l.quantity).sum()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Review {
    pub id: u64,
    pub product_id: u64,
    pub date_created: i64,
    pub reviewer: String,
    pub reviewer_email: String,
    pub review: String,
    pub rating: u8,
    pub verified: bool,
    pub status: String,
}

/// Everything that changes after start, and is persisted with `--state`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Mutations {
    /// Full replacement of a base product (its variations included).
    pub overrides: BTreeMap<u64, Product>,
    /// Base products deleted for good (`force=true`).
    pub removed: BTreeSet<u64>,
    /// Products created after start.
    pub created: BTreeMap<u64, Product>,
    pub next_product_id: u64,
    pub orders: BTreeMap<u64, Order>,
    pub next_order_id: u64,
    pub next_item_id: u64,
    pub webhooks: BTreeMap<u64, Webhook>,
    pub next_webhook_id: u64,
    pub keys: Vec<ApiKey>,
    pub next_key_id: u64,
    pub reviews: BTreeMap<u64, Review>,
    pub next_review_id: u64,
    /// Bumped by every product change; list query caches are keyed by it.
    pub version: u64,
}

/// One product as the list queries see it: header plus where to get the whole product.
#[derive(Debug, Clone)]
pub enum Source {
    Base(u64),
    Owned(Product),
}

pub struct Catalog {
    pub base: Base,
    pub categories: Vec<Term>,
    pub tags: Vec<Term>,
    pub brands: Vec<Term>,
}

impl Catalog {
    /// The product with `id` after mutations (a product id, not a variation id).
    pub fn product(&self, m: &Mutations, id: u64) -> Option<Product> {
        if let Some(p) = m.created.get(&id) {
            return Some(p.clone());
        }
        if m.removed.contains(&id) {
            return None;
        }
        if let Some(p) = m.overrides.get(&id) {
            return Some(p.clone());
        }
        match self.base.locate(id) {
            Some((k, None)) => Some(self.base.product(k)),
            _ => None,
        }
    }

    /// Resolves a product or variation id to (product, variation index).
    pub fn resolve(&self, m: &Mutations, id: u64) -> Option<(Product, Option<usize>)> {
        if let Some(p) = self.product(m, id) {
            return Some((p, None));
        }
        // A variation of a created or overridden product?
        for p in m.created.values().chain(m.overrides.values()) {
            if let Some(j) = p.variations.iter().position(|v| v.id == id) {
                return Some((p.clone(), Some(j)));
            }
        }
        let (k, slot) = self.base.locate(id)?;
        let slot = slot?;
        let parent_id = self.base.header(k).id;
        let p = self.product(m, parent_id)?;
        let j = match &self.base {
            Base::Generated(_) => slot as usize,
            Base::Fixed(_) => slot as usize,
        };
        if p.variations.get(j).is_some_and(|v| v.id == id) { Some((p, Some(j))) } else { p.variations.iter().position(|v| v.id == id).map(|j| (p.clone(), Some(j))) }
    }

    /// Calls `f` for every product (after mutations), in base order then created ones.
    pub fn for_each_header(&self, m: &Mutations, mut f: impl FnMut(Header)) {
        for k in 0..self.base.len() {
            let h = self.base.header(k);
            if m.removed.contains(&h.id) {
                continue;
            }
            if let Some(p) = m.overrides.get(&h.id) {
                f(p.header());
            } else {
                f(h);
            }
        }
        for p in m.created.values() {
            f(p.header());
        }
    }

    pub fn category_parent(&self, id: u64) -> u64 {
        self.categories.iter().find(|c| c.id == id).map(|c| c.parent).unwrap_or(0)
    }
}
