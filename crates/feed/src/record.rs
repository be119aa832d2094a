//! The neutral input record: what the sync stores for a product (and its variations), plus the shop's
//! seller settings and the AI and manual values. Nothing here is WooCommerce-specific in type, although
//! the fields follow what a WooCommerce store provides.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::item::FeedItem;

/// The shop's seller settings (the `S.json` of `productsynch feed build`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopSettings {
    pub shop_id: String,
    pub store_url: String,
    /// ISO 4217 code of the store's prices.
    pub currency: String,
    pub seller_name: String,
    #[serde(default)]
    pub seller_url: Option<String>,
    #[serde(default)]
    pub seller_privacy_policy: Option<String>,
    #[serde(default)]
    pub seller_tos: Option<String>,
    /// Return policy URL; defaults to `{store_url}/returns`.
    #[serde(default)]
    pub return_policy: Option<String>,
    /// Return window in days; defaults to 30.
    #[serde(default)]
    pub return_window: Option<i64>,
    pub store_country: String,
    /// Target countries; a single string or a list. Defaults to `[store_country]`.
    #[serde(default, deserialize_with = "string_or_list")]
    pub target_countries: Vec<String>,
    /// Prefix of `item_id`; defaults to `{shop_id}-`.
    #[serde(default)]
    pub item_id_prefix: Option<String>,
    /// Offer checkout in ChatGPT (needs privacy policy and terms URLs).
    #[serde(default)]
    pub enable_checkout: bool,
    /// UTM parameters appended to `url`; defaults to [`Utm::default`]. `{"utm": null}`... use `utm_disabled`.
    #[serde(default)]
    pub utm: Utm,
    /// Set to true to leave product URLs untouched.
    #[serde(default)]
    pub utm_disabled: bool,
    /// Store weight unit as WooCommerce names it (`kg`, `g`, `lbs`, `oz`).
    #[serde(default)]
    pub weight_unit: Option<String>,
    /// Store dimension unit (`m`, `cm`, `mm`, `in`, `yd`).
    #[serde(default)]
    pub dimension_unit: Option<String>,
    /// Product attribute that holds the brand when WooCommerce Brands is not used (e.g. `pa_brand`).
    #[serde(default)]
    pub brand_attribute: Option<String>,
    /// Meta key that holds the GTIN when `global_unique_id` is empty (e.g. `_wpm_gtin_code`). Read by the adapter.
    #[serde(default)]
    pub gtin_meta_key: Option<String>,
}

fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum SL {
        S(String),
        L(Vec<String>),
        N(()),
    }
    Ok(match SL::deserialize(d)? {
        SL::S(s) => s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
        SL::L(l) => l,
        SL::N(()) => Vec::new(),
    })
}

/// UTM parameters for attribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Utm {
    pub source: String,
    pub medium: String,
    pub campaign: String,
}

impl Default for Utm {
    fn default() -> Self {
        Utm { source: "chatgpt.com".into(), medium: "feed".into(), campaign: "productsynch".into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductKind {
    #[default]
    Simple,
    Variable,
    Grouped,
    External,
    /// Any other type (plugins add some); mapped like a simple product.
    Other,
}

/// Store stock status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StockStatus {
    #[default]
    InStock,
    OutOfStock,
    OnBackorder,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoreAttribute {
    /// Label, e.g. "Color".
    pub name: String,
    /// Slug, e.g. "pa_color" (may be empty for local attributes).
    pub slug: String,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoreReview {
    pub reviewer: String,
    /// HTML or text.
    pub content: String,
    /// 0-5.
    pub rating: Decimal,
}

/// Values shared by products and variations.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoreOffer {
    pub id: u64,
    pub published: bool,
    pub purchasable: bool,
    /// HTML.
    pub description: String,
    pub permalink: Option<String>,
    pub sku: Option<String>,
    /// Raw GTIN/UPC/EAN/ISBN as stored (normalised and checked during mapping).
    pub gtin: Option<String>,
    pub regular_price: Option<Decimal>,
    pub sale_price: Option<Decimal>,
    /// Current price (WooCommerce `price`), used when `regular_price` is empty.
    pub price: Option<Decimal>,
    /// UTC.
    pub sale_from: Option<NaiveDateTime>,
    /// UTC.
    pub sale_to: Option<NaiveDateTime>,
    pub stock_status: StockStatus,
    pub stock_quantity: Option<i64>,
    pub weight: Option<Decimal>,
    pub length: Option<Decimal>,
    pub width: Option<Decimal>,
    pub height: Option<Decimal>,
    pub is_virtual: bool,
    pub is_downloadable: bool,
}

/// A product as the store has it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoreProduct {
    #[serde(flatten)]
    pub offer: StoreOffer,
    pub kind: ProductKind,
    pub name: String,
    /// HTML.
    pub short_description: String,
    /// Image URLs, featured first.
    pub images: Vec<String>,
    /// Category paths, root first (`["Clothing", "Tshirts"]`).
    pub categories: Vec<Vec<String>>,
    pub brands: Vec<String>,
    pub tags: Vec<String>,
    pub attributes: Vec<StoreAttribute>,
    pub average_rating: Option<Decimal>,
    pub rating_count: Option<i64>,
    pub reviews: Vec<StoreReview>,
    pub upsell_ids: Vec<u64>,
    pub cross_sell_ids: Vec<u64>,
}

/// A variation of a variable product.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoreVariation {
    #[serde(flatten)]
    pub offer: StoreOffer,
    pub image: Option<String>,
    /// (attribute label, attribute slug, chosen option).
    pub attributes: Vec<(String, String, String)>,
}

/// AI or manual values. Any field of `fields` that is set replaces the store's value for every item of
/// the product (manual > AI > store). `keywords` are appended to the description as a "Keywords:" line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overrides {
    pub fields: FeedItem,
    pub keywords: Option<Vec<String>>,
}

/// Everything needed to map one store product to feed items.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CatalogRecord {
    pub product: StoreProduct,
    pub variations: Vec<StoreVariation>,
    pub ai: Overrides,
    pub manual: Overrides,
}
