//! productsynch-catalog: WooCommerce records + shop settings + AI/manual values -> neutral feed records.
//!
//! The feed crate never sees WooCommerce types; this adapter turns the typed REST v3 models of
//! [`productsynch_woo::model`] into a [`CatalogRecord`], which [`productsynch_feed::map_record`] maps to items.
//!
//! ```ignore
//! let tree = CategoryTree::new(categories);
//! let ctx = AdapterContext::new(&shop, &tree);
//! let record = woo_to_record(&product, &variations, &ctx)?;
//! let mapped = productsynch_feed::map_record(&record, &map_ctx);
//! ```

use std::collections::HashMap;

use chrono::NaiveDateTime;
use productsynch_feed::record::{
    CatalogRecord, ProductKind, ShopSettings, StockStatus, StoreAttribute, StoreOffer, StoreProduct, StoreReview,
    StoreVariation,
};
use productsynch_feed::Overrides;
use productsynch_woo::model::{self, CategoryTree, Product, ProductStatus, ProductType, Variation};
use rust_decimal::Decimal;
use serde_json::Value;

pub use productsynch_woo::model::{Category, Review};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CatalogError {
    /// The JSON is not a usable WooCommerce product or variation.
    #[error(transparent)]
    Malformed(#[from] model::Malformed),
    #[error("product {0} is a variation: map it through its parent product")]
    VariationAsProduct(u64),
    #[error("variation {variation} belongs to product {parent}, not to product {expected}")]
    WrongParent { variation: u64, parent: u64, expected: u64 },
}

/// What the adapter needs besides the product: the shop's settings (GTIN meta key), the category tree,
/// approved reviews by product id, and AI/manual values by product id.
#[derive(Debug, Clone, Copy)]
pub struct AdapterContext<'a> {
    pub shop: &'a ShopSettings,
    pub categories: &'a CategoryTree,
    pub reviews: Option<&'a HashMap<u64, Vec<Review>>>,
}

impl<'a> AdapterContext<'a> {
    pub fn new(shop: &'a ShopSettings, categories: &'a CategoryTree) -> Self {
        AdapterContext { shop, categories, reviews: None }
    }
    pub fn with_reviews(mut self, reviews: &'a HashMap<u64, Vec<Review>>) -> Self {
        self.reviews = Some(reviews);
        self
    }
}

fn nonempty(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t.to_string()) }
}

fn stock(s: &model::StockStatus) -> StockStatus {
    match s {
        model::StockStatus::InStock => StockStatus::InStock,
        model::StockStatus::OutOfStock => StockStatus::OutOfStock,
        model::StockStatus::OnBackorder => StockStatus::OnBackorder,
        // WooCommerce defines `lowstock` internally: it is still in stock
        model::StockStatus::Other(o) if o == "lowstock" => StockStatus::InStock,
        model::StockStatus::Other(_) => StockStatus::Unknown,
    }
}

fn kind(t: &ProductType) -> ProductKind {
    match t {
        ProductType::Simple => ProductKind::Simple,
        ProductType::Variable => ProductKind::Variable,
        ProductType::Grouped => ProductKind::Grouped,
        ProductType::External => ProductKind::External,
        ProductType::Variation | ProductType::Other(_) => ProductKind::Other,
    }
}

fn gtin_from(global_unique_id: &Option<String>, meta: &[model::MetaData], shop: &ShopSettings) -> Option<String> {
    global_unique_id
        .as_deref()
        .and_then(nonempty)
        .or_else(|| shop.gtin_meta_key.as_deref().and_then(|k| model::meta_str(meta, k)).as_deref().and_then(nonempty))
}

/// Sale window in UTC: the `_gmt` fields when present, else the site-local ones.
fn sale_window(
    from_gmt: Option<NaiveDateTime>,
    from: Option<NaiveDateTime>,
    to_gmt: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    (from_gmt.or(from), to_gmt.or(to))
}

fn positive(d: Option<Decimal>) -> Option<Decimal> {
    d.filter(|x| *x >= Decimal::ZERO)
}

/// The neutral product of a WooCommerce product.
pub fn store_product(p: &Product, ctx: &AdapterContext<'_>) -> StoreProduct {
    let (sale_from, sale_to) = sale_window(p.date_on_sale_from_gmt, p.date_on_sale_from, p.date_on_sale_to_gmt, p.date_on_sale_to);
    let categories = p
        .categories
        .iter()
        .map(|c| {
            let path = ctx.categories.path(c.id);
            if path.is_empty() { vec![c.name.clone()] } else { path.into_iter().map(String::from).collect() }
        })
        .filter(|path: &Vec<String>| path.iter().any(|s| !s.trim().is_empty()))
        .collect();
    let reviews = ctx
        .reviews
        .and_then(|r| r.get(&p.id))
        .map(|rs| {
            rs.iter()
                .filter(|r| r.status.is_empty() || r.status == "approved")
                .map(|r| StoreReview { reviewer: r.reviewer.clone(), content: r.review.clone(), rating: Decimal::from(r.rating) })
                .collect()
        })
        .unwrap_or_default();
    StoreProduct {
        offer: StoreOffer {
            id: p.id,
            published: p.status == ProductStatus::Publish,
            purchasable: p.purchasable,
            description: p.description.clone(),
            permalink: nonempty(&p.permalink),
            sku: p.sku.as_deref().and_then(nonempty),
            gtin: gtin_from(&p.global_unique_id, &p.meta_data, ctx.shop),
            regular_price: positive(p.regular_price),
            sale_price: positive(p.sale_price),
            price: positive(p.price),
            sale_from,
            sale_to,
            stock_status: stock(&p.stock_status),
            stock_quantity: if p.manage_stock { p.stock_quantity } else { None },
            weight: p.weight,
            length: p.dimensions.length,
            width: p.dimensions.width,
            height: p.dimensions.height,
            is_virtual: p.virtual_,
            is_downloadable: p.downloadable,
        },
        kind: kind(&p.product_type),
        name: p.name.clone(),
        short_description: p.short_description.clone(),
        images: p.images.iter().filter_map(|i| nonempty(&i.src)).collect(),
        categories,
        brands: p.brands.iter().filter_map(|b| nonempty(&b.name)).collect(),
        tags: p.tags.iter().filter_map(|t| nonempty(&t.name)).collect(),
        attributes: p
            .attributes
            .iter()
            .map(|a| StoreAttribute { name: a.name.clone(), slug: a.slug.clone().unwrap_or_default(), options: a.options.clone() })
            .collect(),
        average_rating: p.average_rating,
        rating_count: Some(p.rating_count),
        reviews,
        upsell_ids: p.upsell_ids.clone(),
        cross_sell_ids: p.cross_sell_ids.clone(),
    }
}

/// The neutral variation of a WooCommerce variation (`parent` supplies stock managed at parent level).
pub fn store_variation(v: &Variation, parent: &Product, ctx: &AdapterContext<'_>) -> StoreVariation {
    let (sale_from, sale_to) = sale_window(v.date_on_sale_from_gmt, v.date_on_sale_from, v.date_on_sale_to_gmt, v.date_on_sale_to);
    let stock_quantity = match v.manage_stock {
        model::ManageStock::Yes => v.stock_quantity,
        model::ManageStock::Parent => parent.stock_quantity,
        model::ManageStock::No => None,
    };
    StoreVariation {
        offer: StoreOffer {
            id: v.id,
            published: v.status == ProductStatus::Publish,
            purchasable: v.purchasable || v.price.is_some() || v.regular_price.is_some(),
            description: v.description.clone(),
            permalink: nonempty(&v.permalink),
            sku: v.sku.as_deref().and_then(nonempty),
            gtin: gtin_from(&v.global_unique_id, &v.meta_data, ctx.shop),
            regular_price: positive(v.regular_price),
            sale_price: positive(v.sale_price),
            price: positive(v.price),
            sale_from,
            sale_to,
            stock_status: stock(&v.stock_status),
            stock_quantity,
            weight: v.weight,
            length: v.dimensions.length,
            width: v.dimensions.width,
            height: v.dimensions.height,
            is_virtual: v.virtual_,
            is_downloadable: v.downloadable,
        },
        image: v.image.as_ref().and_then(|i| nonempty(&i.src)),
        attributes: v
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.slug.clone().unwrap_or_default(), a.option.clone()))
            .collect(),
    }
}

/// Map a WooCommerce product and its variations to the neutral record (no AI or manual values).
pub fn woo_to_record(product: &Product, variations: &[Variation], ctx: &AdapterContext<'_>) -> Result<CatalogRecord, CatalogError> {
    woo_to_record_with(product, variations, ctx, Overrides::default(), Overrides::default())
}

/// Map with AI and manual values (manual > AI > store, applied by the feed crate's mapping).
pub fn woo_to_record_with(
    product: &Product,
    variations: &[Variation],
    ctx: &AdapterContext<'_>,
    ai: Overrides,
    manual: Overrides,
) -> Result<CatalogRecord, CatalogError> {
    if product.product_type == ProductType::Variation {
        return Err(CatalogError::VariationAsProduct(product.id));
    }
    let mut vars = Vec::with_capacity(variations.len());
    for v in variations {
        if v.parent_id != 0 && v.parent_id != product.id {
            return Err(CatalogError::WrongParent { variation: v.id, parent: v.parent_id, expected: product.id });
        }
        vars.push(store_variation(v, product, ctx));
    }
    Ok(CatalogRecord { product: store_product(product, ctx), variations: vars, ai, manual })
}

/// Type a product from raw REST JSON (tolerant of real-world shapes; see `productsynch_woo::model`).
pub fn product_from_json(raw: Value) -> Result<Product, CatalogError> {
    Ok(model::parse_record::<Product>("product", 0, raw)?.item)
}

/// Type a list of variations from raw REST JSON; malformed ones are returned separately.
pub fn variations_from_json(raw: Vec<Value>) -> (Vec<Variation>, Vec<model::Malformed>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (i, v) in raw.into_iter().enumerate() {
        match model::parse_record::<Variation>("variation", i, v) {
            Ok(p) => ok.push(p.item),
            Err(m) => bad.push(m),
        }
    }
    (ok, bad)
}

/// Map raw REST JSON (a product and its variations) straight to a record.
pub fn json_to_record(product: Value, variations: Vec<Value>, ctx: &AdapterContext<'_>) -> Result<(CatalogRecord, Vec<model::Malformed>), CatalogError> {
    let p = product_from_json(product)?;
    let (vars, bad) = variations_from_json(variations);
    Ok((woo_to_record(&p, &vars, ctx)?, bad))
}
pub mod build;
