//! Typed models of the WooCommerce REST API v3 (`/wp-json/wc/v3`).
//!
//! Every struct is `#[serde(default)]` and uses the lenient deserializers of [`crate::lenient`], so
//! prices sent as `""` or numbers, ids sent as strings, `null` lists and `"yes"`/`"no"` bools all parse.
//! Unknown fields are not lost: the page parsers ([`parse_products_page`] and friends) return each item
//! beside its raw JSON ([`Parsed::raw`]), and a record that cannot be typed is reported with its id
//! ([`Malformed`]) and skipped instead of failing the whole page.
//!
//! Field names and meanings follow WooCommerce's own schema (`get_item_schema` of the v3 controllers);
//! see `docs/woo.md`.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::lenient as l;

pub use rust_decimal::Decimal as Amount;

/// Declares a string enum that keeps unknown values (`Other`) instead of failing.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident => $s:literal),+ $(,)? } default $def:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($var,)+
            /// A value WooCommerce core does not define (a plugin's), kept verbatim.
            Other(String),
        }
        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$var => $s,)+
                    Self::Other(s) => s.as_str(),
                }
            }
            /// Parse a wire value; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($s => Self::$var,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }
        impl Default for $name {
            fn default() -> Self {
                Self::$def
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(match l::opt_string(d)? {
                    Some(s) => Self::parse(s.trim()),
                    None => Self::default(),
                })
            }
        }
    };
}

str_enum!(
    /// `type` of a product.
    ProductType {
        Simple => "simple",
        Grouped => "grouped",
        External => "external",
        Variable => "variable",
        Variation => "variation",
    } default Simple
);

str_enum!(
    /// Post status of a product or variation.
    ProductStatus {
        Publish => "publish",
        Draft => "draft",
        Pending => "pending",
        Private => "private",
        Future => "future",
        AutoDraft => "auto-draft",
        Trash => "trash",
    } default Publish
);

str_enum!(
    /// `stock_status`.
    StockStatus {
        InStock => "instock",
        OutOfStock => "outofstock",
        OnBackorder => "onbackorder",
    } default InStock
);

str_enum!(
    /// `catalog_visibility`.
    CatalogVisibility {
        Visible => "visible",
        Catalog => "catalog",
        Search => "search",
        Hidden => "hidden",
    } default Visible
);

str_enum!(
    /// `backorders`.
    Backorders {
        No => "no",
        Notify => "notify",
        Yes => "yes",
    } default No
);

str_enum!(
    /// Order `status`.
    OrderStatus {
        Pending => "pending",
        Processing => "processing",
        OnHold => "on-hold",
        Completed => "completed",
        Cancelled => "cancelled",
        Refunded => "refunded",
        Failed => "failed",
        CheckoutDraft => "checkout-draft",
    } default Pending
);

str_enum!(
    /// Webhook `status`.
    WebhookStatus {
        Active => "active",
        Paused => "paused",
        Disabled => "disabled",
    } default Active
);

/// A `{id, name, slug}` reference to a taxonomy term (category, tag or brand) on a product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TermRef {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub slug: String,
}

/// A product image. v3 returns `[]` when a product has none; v2 a placeholder with `id: 0`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Image {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub src: String,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub alt: String,
    #[serde(deserialize_with = "l::opt_i64", skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified_gmt: Option<NaiveDateTime>,
}

/// `dimensions` of a product or variation; each value is a decimal string that may be `""`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dimensions {
    #[serde(deserialize_with = "l::opt_decimal")]
    pub length: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub width: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub height: Option<Decimal>,
}

impl Dimensions {
    /// True when no dimension is set.
    pub fn is_empty(&self) -> bool {
        self.length.is_none() && self.width.is_none() && self.height.is_none()
    }
}

/// A product attribute (`attributes[]` of a product). `id` is 0 for a custom (local) attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductAttribute {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    /// `pa_color` for a global attribute, the local name otherwise (WooCommerce ≥ 9.x; `None` before).
    #[serde(deserialize_with = "l::opt_string")]
    pub slug: Option<String>,
    #[serde(deserialize_with = "l::i64")]
    pub position: i64,
    #[serde(deserialize_with = "l::bool")]
    pub visible: bool,
    /// Used for variations.
    #[serde(deserialize_with = "l::bool")]
    pub variation: bool,
    #[serde(deserialize_with = "options")]
    pub options: Vec<String>,
}

/// `options` may be a list of strings or, from some plugins, a `"A | B"` string.
fn options<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum O {
        List(#[serde(deserialize_with = "string_list")] Vec<String>),
        Text(#[serde(deserialize_with = "l::string")] String),
    }
    fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        #[derive(Deserialize)]
        struct S(#[serde(deserialize_with = "l::string")] String);
        Ok(l::vec::<D, S>(d)?.into_iter().map(|s| s.0).collect())
    }
    Ok(match Option::<O>::deserialize(d)? {
        None => Vec::new(),
        Some(O::List(v)) => v,
        Some(O::Text(s)) => s
            .split('|')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
    })
}

/// A selected attribute value: a variation's `attributes[]` and a product's `default_attributes[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttributeValue {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::opt_string", skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(deserialize_with = "l::string")]
    pub option: String,
}

/// A `meta_data[]` entry. `value` is whatever the plugin stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetaData {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub key: String,
    pub value: Value,
    /// Present on order line item meta.
    #[serde(deserialize_with = "l::opt_string", skip_serializing_if = "Option::is_none")]
    pub display_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_value: Option<Value>,
}

/// Find a meta value by key.
pub fn meta_value<'a>(meta: &'a [MetaData], key: &str) -> Option<&'a Value> {
    meta.iter().find(|m| m.key == key).map(|m| &m.value)
}

/// Find a meta value by key as text (strings as is, numbers and bools as their JSON text).
pub fn meta_str(meta: &[MetaData], key: &str) -> Option<String> {
    match meta_value(meta, key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        v @ (Value::Number(_) | Value::Bool(_)) => Some(v.to_string()),
        _ => None,
    }
}

/// A downloadable file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Download {
    #[serde(deserialize_with = "l::string")]
    pub id: String,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub file: String,
}

/// A product: `GET /wc/v3/products[/{id}]`. A variation fetched through `/products/{id}` has
/// `type: "variation"` and a `parent_id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Product {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::id")]
    pub parent_id: u64,
    #[serde(rename = "type")]
    pub product_type: ProductType,
    pub status: ProductStatus,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub slug: String,
    #[serde(deserialize_with = "l::string")]
    pub permalink: String,
    #[serde(deserialize_with = "l::bool")]
    pub featured: bool,
    pub catalog_visibility: CatalogVisibility,
    /// HTML.
    #[serde(deserialize_with = "l::string")]
    pub description: String,
    /// HTML.
    #[serde(deserialize_with = "l::string")]
    pub short_description: String,
    #[serde(deserialize_with = "l::opt_string")]
    pub sku: Option<String>,
    /// GTIN, UPC, EAN or ISBN (WooCommerce ≥ 9.2).
    #[serde(deserialize_with = "l::opt_string")]
    pub global_unique_id: Option<String>,
    /// Current price (for a variable product: the lowest variation price).
    #[serde(deserialize_with = "l::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub regular_price: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub sale_price: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_from: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_from_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_to: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_to_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::bool")]
    pub on_sale: bool,
    #[serde(deserialize_with = "l::bool")]
    pub purchasable: bool,
    #[serde(deserialize_with = "l::i64")]
    pub total_sales: i64,
    #[serde(rename = "virtual", deserialize_with = "l::bool")]
    pub virtual_: bool,
    #[serde(deserialize_with = "l::bool")]
    pub downloadable: bool,
    #[serde(deserialize_with = "l::vec")]
    pub downloads: Vec<Download>,
    #[serde(deserialize_with = "l::string")]
    pub external_url: String,
    #[serde(deserialize_with = "l::string")]
    pub button_text: String,
    #[serde(deserialize_with = "l::string")]
    pub tax_status: String,
    #[serde(deserialize_with = "l::string")]
    pub tax_class: String,
    #[serde(deserialize_with = "l::bool")]
    pub manage_stock: bool,
    #[serde(deserialize_with = "l::opt_i64")]
    pub stock_quantity: Option<i64>,
    pub stock_status: StockStatus,
    pub backorders: Backorders,
    #[serde(deserialize_with = "l::bool")]
    pub backorders_allowed: bool,
    #[serde(deserialize_with = "l::bool")]
    pub sold_individually: bool,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub weight: Option<Decimal>,
    #[serde(deserialize_with = "l::object")]
    pub dimensions: Dimensions,
    #[serde(deserialize_with = "l::bool")]
    pub shipping_required: bool,
    #[serde(deserialize_with = "l::string")]
    pub shipping_class: String,
    #[serde(deserialize_with = "l::bool")]
    pub reviews_allowed: bool,
    /// e.g. `"4.50"`.
    #[serde(deserialize_with = "l::opt_decimal")]
    pub average_rating: Option<Decimal>,
    #[serde(deserialize_with = "l::i64")]
    pub rating_count: i64,
    #[serde(deserialize_with = "l::ids")]
    pub related_ids: Vec<u64>,
    #[serde(deserialize_with = "l::ids")]
    pub upsell_ids: Vec<u64>,
    #[serde(deserialize_with = "l::ids")]
    pub cross_sell_ids: Vec<u64>,
    #[serde(deserialize_with = "l::string")]
    pub purchase_note: String,
    #[serde(deserialize_with = "l::vec")]
    pub categories: Vec<TermRef>,
    #[serde(deserialize_with = "l::vec")]
    pub tags: Vec<TermRef>,
    /// Brands (WooCommerce ≥ 9.6; plugins earlier).
    #[serde(deserialize_with = "l::vec")]
    pub brands: Vec<TermRef>,
    /// Featured image first, then the gallery.
    #[serde(deserialize_with = "l::vec")]
    pub images: Vec<Image>,
    #[serde(deserialize_with = "l::vec")]
    pub attributes: Vec<ProductAttribute>,
    #[serde(deserialize_with = "l::vec")]
    pub default_attributes: Vec<AttributeValue>,
    /// Variation ids of a variable product.
    #[serde(deserialize_with = "l::ids")]
    pub variations: Vec<u64>,
    #[serde(deserialize_with = "l::ids")]
    pub grouped_products: Vec<u64>,
    #[serde(deserialize_with = "l::i64")]
    pub menu_order: i64,
    #[serde(deserialize_with = "l::vec")]
    pub meta_data: Vec<MetaData>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified_gmt: Option<NaiveDateTime>,
}

impl Product {
    /// True for `type: "variable"`.
    pub fn is_variable(&self) -> bool {
        self.product_type == ProductType::Variable
    }
    /// Whether the product is virtual (no shipping).
    pub fn is_virtual(&self) -> bool {
        self.virtual_
    }
    /// The featured image, if any (an `id: 0` placeholder counts as none when its `src` is empty).
    pub fn main_image(&self) -> Option<&Image> {
        self.images.first().filter(|i| !i.src.is_empty())
    }
    /// A meta value by key.
    pub fn meta(&self, key: &str) -> Option<&Value> {
        meta_value(&self.meta_data, key)
    }
}

/// `manage_stock` of a variation: a bool, or `"parent"` when stock is managed on the parent product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ManageStock {
    #[default]
    No,
    Yes,
    Parent,
}

impl ManageStock {
    /// Whether stock is tracked (here or on the parent).
    pub fn is_managed(self) -> bool {
        !matches!(self, ManageStock::No)
    }
}

impl Serialize for ManageStock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ManageStock::No => s.serialize_bool(false),
            ManageStock::Yes => s.serialize_bool(true),
            ManageStock::Parent => s.serialize_str("parent"),
        }
    }
}

impl<'de> Deserialize<'de> for ManageStock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum M {
            B(bool),
            S(String),
            N(i64),
        }
        Ok(match Option::<M>::deserialize(d)? {
            None => ManageStock::No,
            Some(M::B(true)) => ManageStock::Yes,
            Some(M::B(false)) => ManageStock::No,
            Some(M::N(n)) => if n != 0 { ManageStock::Yes } else { ManageStock::No },
            Some(M::S(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "parent" => ManageStock::Parent,
                "true" | "yes" | "1" => ManageStock::Yes,
                "false" | "no" | "0" | "" => ManageStock::No,
                other => {
                    return Err(serde::de::Error::custom(format!("bad manage_stock {other:?}")));
                }
            },
        })
    }
}

/// A product variation: `GET /wc/v3/products/{product_id}/variations[/{id}]`. Variations have no
/// categories, tags, brands, images list or slug: inherit those from the parent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Variation {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    /// The variable product (WooCommerce ≥ 9.x sends it; the client fills it in otherwise).
    #[serde(deserialize_with = "l::id")]
    pub parent_id: u64,
    #[serde(rename = "type")]
    pub product_type: ProductType,
    /// Formatted name, e.g. "Hoodie - Blue, Yes" (WooCommerce ≥ 9.x).
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    pub status: ProductStatus,
    /// HTML.
    #[serde(deserialize_with = "l::string")]
    pub description: String,
    /// Parent permalink with `?attribute_pa_color=blue` query.
    #[serde(deserialize_with = "l::string")]
    pub permalink: String,
    #[serde(deserialize_with = "l::opt_string")]
    pub sku: Option<String>,
    #[serde(deserialize_with = "l::opt_string")]
    pub global_unique_id: Option<String>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub regular_price: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub sale_price: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_from: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_from_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_to: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_on_sale_to_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::bool")]
    pub on_sale: bool,
    #[serde(deserialize_with = "l::bool")]
    pub purchasable: bool,
    #[serde(rename = "virtual", deserialize_with = "l::bool")]
    pub virtual_: bool,
    #[serde(deserialize_with = "l::bool")]
    pub downloadable: bool,
    #[serde(deserialize_with = "l::string")]
    pub tax_status: String,
    #[serde(deserialize_with = "l::string")]
    pub tax_class: String,
    pub manage_stock: ManageStock,
    #[serde(deserialize_with = "l::opt_i64")]
    pub stock_quantity: Option<i64>,
    pub stock_status: StockStatus,
    pub backorders: Backorders,
    #[serde(deserialize_with = "l::bool")]
    pub backorders_allowed: bool,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub weight: Option<Decimal>,
    #[serde(deserialize_with = "l::object")]
    pub dimensions: Dimensions,
    #[serde(deserialize_with = "l::string")]
    pub shipping_class: String,
    /// A single image or none.
    #[serde(deserialize_with = "l::opt_object")]
    pub image: Option<Image>,
    /// The attribute values that define this variation ("Any" attributes are omitted).
    #[serde(deserialize_with = "l::vec")]
    pub attributes: Vec<AttributeValue>,
    #[serde(deserialize_with = "l::i64")]
    pub menu_order: i64,
    #[serde(deserialize_with = "l::vec")]
    pub meta_data: Vec<MetaData>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified_gmt: Option<NaiveDateTime>,
}

impl Variation {
    /// Whether the variation is virtual.
    pub fn is_virtual(&self) -> bool {
        self.virtual_
    }
    /// A meta value by key.
    pub fn meta(&self, key: &str) -> Option<&Value> {
        meta_value(&self.meta_data, key)
    }
}

/// A product category (`GET /wc/v3/products/categories`); `parent` builds the tree (0 = root).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Category {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub slug: String,
    #[serde(deserialize_with = "l::id")]
    pub parent: u64,
    #[serde(deserialize_with = "l::string")]
    pub description: String,
    #[serde(deserialize_with = "l::string")]
    pub display: String,
    #[serde(deserialize_with = "l::opt_object")]
    pub image: Option<Image>,
    #[serde(deserialize_with = "l::i64")]
    pub menu_order: i64,
    #[serde(deserialize_with = "l::i64")]
    pub count: i64,
}

/// Categories indexed for tree walks.
#[derive(Debug, Clone, Default)]
pub struct CategoryTree {
    by_id: std::collections::HashMap<u64, Category>,
}

impl CategoryTree {
    /// Build from a flat list.
    pub fn new(categories: impl IntoIterator<Item = Category>) -> Self {
        Self { by_id: categories.into_iter().map(|c| (c.id, c)).collect() }
    }
    /// A category by id.
    pub fn get(&self, id: u64) -> Option<&Category> {
        self.by_id.get(&id)
    }
    /// Number of categories.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
    /// Root-first path of category names, e.g. `["Clothing", "Tshirts"]`. Cycles and unknown parents stop the walk.
    pub fn path(&self, id: u64) -> Vec<&str> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut cur = self.by_id.get(&id);
        while let Some(c) = cur {
            if !seen.insert(c.id) {
                break;
            }
            out.push(c.name.as_str());
            cur = if c.parent == 0 { None } else { self.by_id.get(&c.parent) };
        }
        out.reverse();
        out
    }
    /// Children of a category (0 for roots), sorted by `menu_order` then name.
    pub fn children(&self, parent: u64) -> Vec<&Category> {
        let mut v: Vec<&Category> = self.by_id.values().filter(|c| c.parent == parent).collect();
        v.sort_by(|a, b| a.menu_order.cmp(&b.menu_order).then_with(|| a.name.cmp(&b.name)));
        v
    }
}

/// A product tag (`GET /wc/v3/products/tags`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tag {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub slug: String,
    #[serde(deserialize_with = "l::string")]
    pub description: String,
    #[serde(deserialize_with = "l::i64")]
    pub count: i64,
}

/// A product brand (`GET /wc/v3/products/brands`, WooCommerce ≥ 9.6). Same shape as a category.
pub type Brand = Category;

/// A product review (`GET /wc/v3/products/reviews`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Review {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::id")]
    pub product_id: u64,
    #[serde(deserialize_with = "l::string")]
    pub product_name: String,
    #[serde(deserialize_with = "l::string")]
    pub status: String,
    #[serde(deserialize_with = "l::string")]
    pub reviewer: String,
    #[serde(deserialize_with = "l::string")]
    pub reviewer_email: String,
    /// HTML.
    #[serde(deserialize_with = "l::string")]
    pub review: String,
    #[serde(deserialize_with = "l::i64")]
    pub rating: i64,
    #[serde(deserialize_with = "l::bool")]
    pub verified: bool,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
}

/// Billing or shipping address of an order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    #[serde(deserialize_with = "l::string")]
    pub first_name: String,
    #[serde(deserialize_with = "l::string")]
    pub last_name: String,
    #[serde(deserialize_with = "l::string")]
    pub company: String,
    #[serde(deserialize_with = "l::string")]
    pub address_1: String,
    #[serde(deserialize_with = "l::string")]
    pub address_2: String,
    #[serde(deserialize_with = "l::string")]
    pub city: String,
    #[serde(deserialize_with = "l::string")]
    pub state: String,
    #[serde(deserialize_with = "l::string")]
    pub postcode: String,
    #[serde(deserialize_with = "l::string")]
    pub country: String,
    #[serde(deserialize_with = "l::opt_string")]
    pub email: Option<String>,
    #[serde(deserialize_with = "l::opt_string")]
    pub phone: Option<String>,
}

/// An order line item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LineItem {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::opt_string")]
    pub parent_name: Option<String>,
    #[serde(deserialize_with = "l::id")]
    pub product_id: u64,
    /// 0 when not a variation.
    #[serde(deserialize_with = "l::id")]
    pub variation_id: u64,
    #[serde(deserialize_with = "l::i64")]
    pub quantity: i64,
    #[serde(deserialize_with = "l::string")]
    pub tax_class: String,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub subtotal: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub subtotal_tax: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub total: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub total_tax: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_string")]
    pub sku: Option<String>,
    /// Unit price (a JSON number in WooCommerce: total / quantity).
    #[serde(deserialize_with = "l::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(deserialize_with = "l::vec")]
    pub meta_data: Vec<MetaData>,
    #[serde(deserialize_with = "l::opt_object")]
    pub image: Option<Image>,
}

/// An order: `GET /wc/v3/orders[/{id}]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Order {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::id")]
    pub parent_id: u64,
    #[serde(deserialize_with = "l::string")]
    pub number: String,
    #[serde(deserialize_with = "l::string")]
    pub order_key: String,
    #[serde(deserialize_with = "l::string")]
    pub created_via: String,
    pub status: OrderStatus,
    /// ISO 4217.
    #[serde(deserialize_with = "l::string")]
    pub currency: String,
    #[serde(deserialize_with = "l::bool")]
    pub prices_include_tax: bool,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub discount_total: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub shipping_total: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub total: Option<Decimal>,
    #[serde(deserialize_with = "l::opt_decimal")]
    pub total_tax: Option<Decimal>,
    #[serde(deserialize_with = "l::id")]
    pub customer_id: u64,
    #[serde(deserialize_with = "l::object")]
    pub billing: Address,
    #[serde(deserialize_with = "l::object")]
    pub shipping: Address,
    #[serde(deserialize_with = "l::string")]
    pub payment_method: String,
    #[serde(deserialize_with = "l::vec")]
    pub line_items: Vec<LineItem>,
    #[serde(deserialize_with = "l::vec")]
    pub meta_data: Vec<MetaData>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_paid_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_completed_gmt: Option<NaiveDateTime>,
}

/// Order-attribution meta (WooCommerce ≥ 8.5), read from an order's `meta_data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// `utm`, `organic`, `referral`, `typein`, `mobile_app`, `admin`.
    pub source_type: Option<String>,
    pub referrer: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_content: Option<String>,
    pub utm_term: Option<String>,
    pub device_type: Option<String>,
}

impl Order {
    /// WooCommerce order-attribution meta, if the order carries any.
    pub fn attribution(&self) -> Option<Attribution> {
        let g = |k: &str| meta_str(&self.meta_data, &format!("_wc_order_attribution_{k}"));
        let a = Attribution {
            source_type: g("source_type"),
            referrer: g("referrer"),
            utm_source: g("utm_source"),
            utm_medium: g("utm_medium"),
            utm_campaign: g("utm_campaign"),
            utm_content: g("utm_content"),
            utm_term: g("utm_term"),
            device_type: g("device_type"),
        };
        (a != Attribution::default()).then_some(a)
    }

    /// True when attribution says the buyer came from ChatGPT (`utm_source=chatgpt.com` or a chatgpt.com referrer).
    pub fn is_from_chatgpt(&self) -> bool {
        self.attribution().is_some_and(|a| {
            let src = a.utm_source.as_deref().unwrap_or("").to_ascii_lowercase();
            let refr = a.referrer.as_deref().unwrap_or("").to_ascii_lowercase();
            src.contains("chatgpt.com") || src == "chatgpt" || refr.contains("chatgpt.com")
        })
    }
}

/// A webhook (`/wc/v3/webhooks`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Webhook {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    pub status: WebhookStatus,
    /// e.g. `product.updated`.
    #[serde(deserialize_with = "l::string")]
    pub topic: String,
    #[serde(deserialize_with = "l::string")]
    pub resource: String,
    #[serde(deserialize_with = "l::string")]
    pub event: String,
    #[serde(deserialize_with = "l::vec")]
    pub hooks: Vec<String>,
    #[serde(deserialize_with = "l::string")]
    pub delivery_url: String,
    /// Only in `edit` context.
    #[serde(deserialize_with = "l::opt_string", skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified: Option<NaiveDateTime>,
    #[serde(deserialize_with = "l::opt_datetime")]
    pub date_modified_gmt: Option<NaiveDateTime>,
}

/// One setting of a settings group (`GET /wc/v3/settings/{group}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Setting {
    #[serde(deserialize_with = "l::string")]
    pub id: String,
    #[serde(deserialize_with = "l::string")]
    pub label: String,
    #[serde(deserialize_with = "l::string")]
    pub description: String,
    #[serde(rename = "type", deserialize_with = "l::string")]
    pub setting_type: String,
    pub default: Value,
    pub value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Value>,
}

impl Setting {
    /// The value as text (`None` when empty).
    pub fn value_str(&self) -> Option<String> {
        match &self.value {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            v @ Value::Number(_) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// The store settings the feed needs, read from the `general` and `products` settings groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSettings {
    /// ISO 4217, `woocommerce_currency` (WooCommerce's default is `USD`).
    pub currency: String,
    /// `woocommerce_weight_unit`: kg, g, lbs, oz.
    pub weight_unit: String,
    /// `woocommerce_dimension_unit`: m, cm, mm, in, yd.
    pub dimension_unit: String,
    /// ISO 3166-1 alpha-2 from `woocommerce_default_country` (`"US:CA"` → `US`).
    pub country: Option<String>,
    /// State part of `woocommerce_default_country` (`"US:CA"` → `CA`).
    pub state: Option<String>,
    /// `woocommerce_price_num_decimals`.
    pub price_decimals: u32,
    /// `woocommerce_prices_include_tax` (tax group; `None` when that group was not read).
    pub prices_include_tax: Option<bool>,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            currency: "USD".into(),
            weight_unit: "kg".into(),
            dimension_unit: "cm".into(),
            country: None,
            state: None,
            price_decimals: 2,
            prices_include_tax: None,
        }
    }
}

impl StoreSettings {
    /// Build from the settings of any number of groups (unknown ids are ignored, missing ones keep WooCommerce's defaults).
    pub fn from_settings<'a>(settings: impl IntoIterator<Item = &'a Setting>) -> Self {
        let mut s = StoreSettings::default();
        for setting in settings {
            let Some(v) = setting.value_str() else { continue };
            match setting.id.as_str() {
                "woocommerce_currency" => s.currency = v.to_ascii_uppercase(),
                "woocommerce_weight_unit" => s.weight_unit = v,
                "woocommerce_dimension_unit" => s.dimension_unit = v,
                "woocommerce_default_country" => {
                    let mut it = v.splitn(2, ':');
                    s.country = it.next().map(|c| c.to_ascii_uppercase()).filter(|c| !c.is_empty());
                    s.state = it.next().map(str::to_owned).filter(|c| !c.is_empty());
                }
                "woocommerce_price_num_decimals" => {
                    if let Ok(n) = v.parse() {
                        s.price_decimals = n;
                    }
                }
                "woocommerce_prices_include_tax" => s.prices_include_tax = Some(v == "yes"),
                _ => {}
            }
        }
        s
    }
}

/// `environment` of `GET /wc/v3/system_status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    #[serde(deserialize_with = "l::string")]
    pub home_url: String,
    #[serde(deserialize_with = "l::string")]
    pub site_url: String,
    /// WooCommerce version.
    #[serde(deserialize_with = "l::string")]
    pub version: String,
    #[serde(deserialize_with = "l::string")]
    pub wp_version: String,
    #[serde(deserialize_with = "l::string")]
    pub php_version: String,
    #[serde(deserialize_with = "l::string")]
    pub language: String,
}

/// `settings` of `GET /wc/v3/system_status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemSettings {
    #[serde(deserialize_with = "l::bool")]
    pub api_enabled: bool,
    #[serde(deserialize_with = "l::bool")]
    pub force_ssl: bool,
    #[serde(deserialize_with = "l::string")]
    pub currency: String,
    #[serde(deserialize_with = "l::string")]
    pub currency_symbol: String,
    #[serde(deserialize_with = "l::string")]
    pub currency_position: String,
    #[serde(deserialize_with = "l::string")]
    pub thousand_separator: String,
    #[serde(deserialize_with = "l::string")]
    pub decimal_separator: String,
    #[serde(deserialize_with = "l::i64")]
    pub number_of_decimals: i64,
}

/// An active plugin listed by the system status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginInfo {
    #[serde(deserialize_with = "l::string")]
    pub plugin: String,
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub version: String,
}

/// `GET /wc/v3/system_status` (the parts we use).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SystemStatus {
    #[serde(deserialize_with = "l::object")]
    pub environment: Environment,
    #[serde(deserialize_with = "l::object")]
    pub settings: SystemSettings,
    #[serde(deserialize_with = "l::vec")]
    pub active_plugins: Vec<PluginInfo>,
}

/// The WordPress REST index (`GET /wp-json/`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestIndex {
    #[serde(deserialize_with = "l::string")]
    pub name: String,
    #[serde(deserialize_with = "l::string")]
    pub description: String,
    #[serde(deserialize_with = "l::string")]
    pub url: String,
    #[serde(deserialize_with = "l::string")]
    pub home: String,
    #[serde(deserialize_with = "l::vec")]
    pub namespaces: Vec<String>,
}

/// A WordPress/WooCommerce REST error body: `{code, message, data: {status}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiErrorBody {
    #[serde(deserialize_with = "l::string")]
    pub code: String,
    #[serde(deserialize_with = "l::string")]
    pub message: String,
    pub data: Value,
}

/// The deleted-resource webhook payload (`{"id": N}`) and similar id-only bodies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdOnly {
    #[serde(deserialize_with = "l::id")]
    pub id: u64,
}

// ---------------------------------------------------------------------------------------------
// Page parsing: one bad record never fails the page.

/// The JSON text of one record exactly as the store sent it (every field, known or not).
#[derive(Clone)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }
    /// Parsed into a `serde_json::Value`.
    pub fn value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }
    /// From a `Value` (serialized once).
    pub fn from_value(v: &Value) -> RawJson {
        RawJson(serde_json::value::to_raw_value(v).unwrap_or_else(|_| serde_json::value::to_raw_value(&Value::Null).expect("null serializes")))
    }
    pub fn into_boxed(self) -> Box<serde_json::value::RawValue> {
        self.0
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.as_str();
        if s.len() > 200 { write!(f, "RawJson({}…)", &s[..s.floor_char_boundary(200)]) } else { write!(f, "RawJson({s})") }
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A typed record beside the JSON it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub item: T,
    pub raw: RawJson,
}

/// Records that carry a WooCommerce id (a record typed with id 0 is malformed).
pub trait HasId {
    fn record_id(&self) -> u64;
}

macro_rules! has_id {
    ($($t:ty),+) => { $(impl HasId for $t { fn record_id(&self) -> u64 { self.id } })+ };
}
has_id!(Product, Variation, Category, Tag, Review, Order, Webhook, IdOnly);

/// A record of a page that could not be typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind} {}: {error}", id.map(|i| format!("#{i}")).unwrap_or_else(|| format!("at index {index}")))]
pub struct Malformed {
    /// `product`, `variation`, `order`…
    pub kind: &'static str,
    /// The record's `id` when it could be read.
    pub id: Option<u64>,
    /// Position in the page.
    pub index: usize,
    pub error: String,
}

/// The result of parsing a list page.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPage<T> {
    pub items: Vec<Parsed<T>>,
    pub malformed: Vec<Malformed>,
}

impl<T> Default for ParsedPage<T> {
    fn default() -> Self {
        Self { items: Vec::new(), malformed: Vec::new() }
    }
}

impl<T> ParsedPage<T> {
    /// The typed items, dropping the raw JSON.
    pub fn into_items(self) -> Vec<T> {
        self.items.into_iter().map(|p| p.item).collect()
    }
}

/// The whole body is not a JSON list (truncated, HTML, an object…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("response body is not a JSON list: {0}")]
pub struct NotAList(pub String);

/// Type one record given as JSON text. A record without a positive `id` is malformed.
pub fn parse_raw_record<T: DeserializeOwned + HasId>(
    kind: &'static str,
    index: usize,
    raw: &serde_json::value::RawValue,
) -> Result<Parsed<T>, Malformed> {
    let text = raw.get();
    if !text.starts_with('{') {
        return Err(Malformed { kind, id: None, index, error: "not a JSON object".into() });
    }
    match serde_json::from_str::<T>(text) {
        Ok(item) if item.record_id() != 0 => Ok(Parsed { item, raw: RawJson(raw.to_owned()) }),
        Ok(_) => Err(Malformed { kind, id: None, index, error: "missing or invalid id".into() }),
        Err(e) => {
            let id = serde_json::from_str::<IdOnly>(text).ok().map(|i| i.id).filter(|&i| i != 0);
            Err(Malformed { kind, id, index, error: e.to_string() })
        }
    }
}

/// Type one record held as a `Value` (a webhook payload).
pub fn parse_record<T: DeserializeOwned + HasId>(kind: &'static str, index: usize, raw: Value) -> Result<Parsed<T>, Malformed> {
    let raw = RawJson::from_value(&raw);
    parse_raw_record(kind, index, &raw.0)
}

/// Parse a list page body record by record. The body is split into records without building a JSON tree,
/// then each record is typed on its own.
pub fn parse_page<T: DeserializeOwned + HasId>(kind: &'static str, body: &[u8]) -> Result<ParsedPage<T>, NotAList> {
    use serde_json::value::RawValue;
    let records: Vec<&RawValue> = match serde_json::from_slice::<Vec<&RawValue>>(body) {
        Ok(v) => v,
        Err(list_err) => match serde_json::from_slice::<std::collections::HashMap<String, &RawValue>>(body) {
            // A PHP array with holes arrives as an object keyed by position.
            Ok(m) if !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok()) => {
                let mut v: Vec<(usize, &RawValue)> = m.into_iter().map(|(k, r)| (k.parse().unwrap_or(usize::MAX), r)).collect();
                v.sort_by_key(|(k, _)| *k);
                v.into_iter().map(|(_, r)| r).collect()
            }
            Ok(_) => return Err(NotAList("got an object".into())),
            Err(_) => return Err(NotAList(list_err.to_string())),
        },
    };
    let mut page = ParsedPage { items: Vec::with_capacity(records.len()), malformed: Vec::new() };
    for (index, raw) in records.into_iter().enumerate() {
        match parse_raw_record::<T>(kind, index, raw) {
            Ok(p) => page.items.push(p),
            Err(m) => {
                tracing::warn!(kind, id = ?m.id, index, error = %m.error, "skipping malformed record");
                page.malformed.push(m);
            }
        }
    }
    Ok(page)
}

/// Parse a page of products, reporting and skipping malformed ones.
pub fn parse_products_page(body: &[u8]) -> Result<ParsedPage<Product>, NotAList> {
    parse_page("product", body)
}

/// Parse a page of variations, reporting and skipping malformed ones.
pub fn parse_variations_page(body: &[u8]) -> Result<ParsedPage<Variation>, NotAList> {
    parse_page("variation", body)
}

/// Parse a page of orders, reporting and skipping malformed ones.
pub fn parse_orders_page(body: &[u8]) -> Result<ParsedPage<Order>, NotAList> {
    parse_page("order", body)
}

/// Parse one product (a `GET /products/{id}` body or a webhook payload).
pub fn parse_product(body: &[u8]) -> Result<Parsed<Product>, Malformed> {
    let raw: &serde_json::value::RawValue =
        serde_json::from_slice(body).map_err(|e| Malformed { kind: "product", id: None, index: 0, error: e.to_string() })?;
    parse_raw_record("product", 0, raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variable_product_with_odd_json() {
        let p: Product = serde_json::from_value(json!({
            "id": "12", "type": "variable", "status": "publish", "name": "Hoodie",
            "price": 45, "regular_price": "", "sale_price": null,
            "manage_stock": "no", "stock_quantity": "3", "stock_status": "instock",
            "categories": null, "tags": {"0": {"id": 4, "name": "Warm", "slug": "warm"}},
            "images": false, "variations": ["101", 102], "dimensions": [],
            "attributes": [{"id": 1, "name": "Color", "options": "Blue | Green", "variation": "1"}],
            "virtual": "yes", "future_plugin_field": {"x": 1}
        }))
        .unwrap();
        assert_eq!(p.id, 12);
        assert!(p.is_variable());
        assert_eq!(p.price, Some(Decimal::from(45)));
        assert_eq!(p.regular_price, None);
        assert_eq!(p.stock_quantity, Some(3));
        assert!(p.categories.is_empty());
        assert_eq!(p.tags[0].slug, "warm");
        assert_eq!(p.variations, vec![101, 102]);
        assert!(p.dimensions.is_empty());
        assert_eq!(p.attributes[0].options, vec!["Blue", "Green"]);
        assert!(p.attributes[0].variation);
        assert!(p.is_virtual());
    }

    #[test]
    fn plugin_values_kept_in_enums() {
        let p: Product = serde_json::from_value(json!({"id": 1, "type": "subscription", "stock_status": "lowstock"})).unwrap();
        assert_eq!(p.product_type, ProductType::Other("subscription".into()));
        assert_eq!(p.stock_status.as_str(), "lowstock");
        let back = serde_json::to_value(&p).unwrap();
        assert_eq!(back["type"], "subscription");
    }

    #[test]
    fn variation_manage_stock_parent_and_null_image() {
        let v: Variation = serde_json::from_value(json!({"id": 5, "manage_stock": "parent", "image": null, "attributes": [{"id": 0, "name": "Size", "option": "M"}]})).unwrap();
        assert_eq!(v.manage_stock, ManageStock::Parent);
        assert!(v.manage_stock.is_managed());
        assert!(v.image.is_none());
        assert_eq!(v.attributes[0].option, "M");
    }

    #[test]
    fn page_skips_malformed_and_reports_id() {
        let body = br#"[{"id": 1, "name": "ok"}, {"id": 2, "price": {"oops": true}}, {"name": "no id"}, 7, {"id": 3, "name": "ok too"}]"#;
        let page = parse_products_page(body).unwrap();
        let ids: Vec<u64> = page.items.iter().map(|p| p.item.id).collect();
        assert_eq!(ids, vec![1, 3]);
        assert_eq!(page.malformed.len(), 3);
        assert_eq!(page.malformed[0].id, Some(2));
        assert!(page.malformed[0].error.contains("decimal"), "{}", page.malformed[0].error);
        assert_eq!(page.malformed[1].index, 2);
        assert_eq!(page.malformed[2].index, 3);
        // Raw JSON keeps what the typed model does not know.
        assert_eq!(page.items[0].raw.value()["name"], "ok");
        assert_eq!(page.items[0].raw.as_str(), r#"{"id": 1, "name": "ok"}"#);
    }

    #[test]
    fn truncated_page_is_not_a_list() {
        assert!(parse_products_page(br#"[{"id": 1}, {"id": 2, "na"#).is_err());
        assert!(parse_products_page(b"<html>oops</html>").is_err());
        assert!(parse_products_page(br#"{"code":"x"}"#).is_err());
        assert_eq!(parse_products_page(br#"{"0": {"id": 9}}"#).unwrap().items[0].item.id, 9);
    }

    #[test]
    fn store_settings_from_groups() {
        let settings: Vec<Setting> = serde_json::from_value(json!([
            {"id": "woocommerce_currency", "value": "eur"},
            {"id": "woocommerce_default_country", "value": "DE:BE"},
            {"id": "woocommerce_weight_unit", "value": "g"},
            {"id": "woocommerce_dimension_unit", "value": "mm"},
            {"id": "woocommerce_price_num_decimals", "value": "3"},
            {"id": "woocommerce_prices_include_tax", "value": "yes"},
            {"id": "something_else", "value": ["x"]}
        ]))
        .unwrap();
        let s = StoreSettings::from_settings(&settings);
        assert_eq!(s.currency, "EUR");
        assert_eq!(s.country.as_deref(), Some("DE"));
        assert_eq!(s.state.as_deref(), Some("BE"));
        assert_eq!(s.weight_unit, "g");
        assert_eq!(s.dimension_unit, "mm");
        assert_eq!(s.price_decimals, 3);
        assert_eq!(s.prices_include_tax, Some(true));
        assert_eq!(StoreSettings::from_settings(&[]), StoreSettings::default());
    }

    #[test]
    fn order_attribution_from_meta() {
        let o: Order = serde_json::from_value(json!({
            "id": 9, "status": "processing", "total": "29.35",
            "meta_data": [
                {"id": 1, "key": "_wc_order_attribution_source_type", "value": "utm"},
                {"id": 2, "key": "_wc_order_attribution_utm_source", "value": "chatgpt.com"}
            ],
            "line_items": [{"id": 1, "product_id": 22, "variation_id": 23, "quantity": 1, "price": 12, "total": "12.00"}]
        }))
        .unwrap();
        assert!(o.is_from_chatgpt());
        assert_eq!(o.attribution().unwrap().source_type.as_deref(), Some("utm"));
        assert_eq!(o.line_items[0].price, Some(Decimal::from(12)));
        let plain: Order = serde_json::from_value(json!({"id": 10})).unwrap();
        assert!(plain.attribution().is_none());
        assert!(!plain.is_from_chatgpt());
    }

    #[test]
    fn category_tree_paths() {
        let tree = CategoryTree::new(vec![
            Category { id: 1, name: "Clothing".into(), ..Default::default() },
            Category { id: 2, name: "Tshirts".into(), parent: 1, ..Default::default() },
            Category { id: 3, name: "Loop".into(), parent: 4, ..Default::default() },
            Category { id: 4, name: "Back".into(), parent: 3, ..Default::default() },
        ]);
        assert_eq!(tree.path(2), vec!["Clothing", "Tshirts"]);
        assert_eq!(tree.path(3), vec!["Back", "Loop"]);
        assert!(tree.path(99).is_empty());
        assert_eq!(tree.children(0).len(), 1);
    }
}
