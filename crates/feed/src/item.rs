//! The feed item: one row per purchasable product or variant, every field of OpenAI's flat schema
//! (current names) plus the launch-era `inventory_quantity` and Google's `identifier_exists`.
//! Field names here are the canonical (current OpenAI) names; profiles rename them on the way in and out.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::value::*;

macro_rules! feed_item {
    ($( $(#[$m:meta])* $name:ident : $ty:ty ),* $(,)?) => {
        /// One feed item. Every field is optional here; the profile's validator decides what is required.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct FeedItem {
            $( $(#[$m])* pub $name: Option<$ty>, )*
        }

        /// Canonical field names, in output order.
        pub const FIELD_NAMES: &[&str] = &[ $( stringify!($name) ),* ];

        /// A field by identity (same order as [`FIELD_NAMES`]): lets hot paths reach a field without
        /// comparing names.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FieldId { $( $name ),* }

        /// Every [`FieldId`], in output order.
        pub const FIELD_IDS: &[FieldId] = &[ $( FieldId::$name ),* ];

        impl FieldId {
            pub fn name(self) -> &'static str {
                FIELD_NAMES[self as usize]
            }
            pub fn from_name(name: &str) -> Option<FieldId> {
                FIELD_NAMES.iter().position(|n| *n == name).map(|i| FIELD_IDS[i])
            }
        }

        impl FeedItem {
            /// JSON object of the fields that are set, canonical names, output order.
            pub fn to_json_map(&self) -> Map<String, Value> {
                let mut m = Map::new();
                $( if let Some(v) = &self.$name { m.insert(stringify!($name).to_string(), FieldValue::to_json(v)); } )*
                m
            }

            /// Text form of one field (for CSV/TSV/XML), `None` when unset or unknown.
            pub fn text(&self, field: &str) -> Option<String> {
                match field {
                    $( stringify!($name) => self.$name.as_ref().map(FieldValue::to_text), )*
                    _ => None,
                }
            }

            /// JSON form of one field.
            pub fn json(&self, field: &str) -> Option<Value> {
                match field {
                    $( stringify!($name) => self.$name.as_ref().map(FieldValue::to_json), )*
                    _ => None,
                }
            }

            /// Whether a field is set (by identity).
            pub fn is_set_id(&self, field: FieldId) -> bool {
                match field {
                    $( FieldId::$name => self.$name.is_some(), )*
                }
            }

            /// The value of a field (by identity) for writers, `None` when unset.
            pub fn value_of(&self, field: FieldId) -> Option<&dyn WriteValue> {
                match field {
                    $( FieldId::$name => self.$name.as_ref().map(|v| v as &dyn WriteValue), )*
                }
            }

            /// Whether a field is set.
            pub fn is_set(&self, field: &str) -> bool {
                match field {
                    $( stringify!($name) => self.$name.is_some(), )*
                    _ => false,
                }
            }

            /// Set a canonical field from a raw JSON value. `Ok(false)` when the name is not a field.
            /// Null and empty strings leave the field unset.
            pub fn set_json(&mut self, field: &str, v: &Value) -> Result<bool, ValueError> {
                if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
                    return Ok(FIELD_NAMES.contains(&field));
                }
                match field {
                    $( stringify!($name) => { self.$name = Some(<$ty as FieldValue>::from_json(v)?); Ok(true) } )*
                    _ => Ok(false),
                }
            }

            /// Copy every field that `other` sets onto `self` (used for AI and manual overrides).
            pub fn overlay(&mut self, other: &FeedItem) {
                $( if let Some(v) = &other.$name { self.$name = Some(v.clone()); } )*
            }

            /// Whether no field is set.
            pub fn is_empty(&self) -> bool {
                $( self.$name.is_none() && )* true
            }

            /// Names of the fields that are set.
            pub fn set_fields(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $( if self.$name.is_some() { out.push(stringify!($name)); } )*
                out
            }
        }
    };
}

feed_item! {
    // OpenAI flags
    is_eligible_search: bool,
    is_eligible_checkout: bool,
    is_ads_eligible: bool,
    // Basic product data
    item_id: String,
    gtin: String,
    mpn: String,
    title: String,
    description: String,
    url: Url,
    // Item information
    brand: String,
    condition: Condition,
    product_category: String,
    material: String,
    dimensions: Dimensions,
    length: Decimal,
    width: Decimal,
    height: Decimal,
    dimensions_unit: String,
    weight: Decimal,
    item_weight_unit: String,
    age_group: AgeGroup,
    ads_metadata: StringMap,
    // Media
    image_url: Url,
    additional_image_urls: UrlList,
    video_url: Url,
    model_3d_url: Url,
    // Price & promotions
    price: Money,
    sale_price: Money,
    sale_price_start_date: NaiveDate,
    sale_price_end_date: NaiveDate,
    unit_pricing_measure: Measure,
    base_measure: Measure,
    pricing_trend: String,
    // Availability & inventory
    availability: Availability,
    availability_date: NaiveDate,
    expiration_date: NaiveDate,
    pickup_method: PickupMethod,
    pickup_sla: Measure,
    /// Launch-era (openai-v1) field; not part of the current schema.
    inventory_quantity: i64,
    // Variants
    group_id: String,
    listing_has_variations: bool,
    variant_dict: StringMap,
    item_group_title: String,
    color: String,
    size: String,
    size_system: Country,
    gender: Gender,
    offer_id: String,
    /// Deprecated: use variant_dict.
    custom_variant1_category: String,
    custom_variant1_option: String,
    custom_variant2_category: String,
    custom_variant2_option: String,
    custom_variant3_category: String,
    custom_variant3_option: String,
    // Fulfillment
    shipping: String,
    is_digital: bool,
    // Merchant info
    seller_name: String,
    marketplace_seller: String,
    seller_url: Url,
    seller_privacy_policy: Url,
    seller_tos: Url,
    // Returns
    accepts_returns: bool,
    return_deadline_in_days: i64,
    accepts_exchanges: bool,
    return_policy: Url,
    // Performance signals
    popularity_score: Decimal,
    return_rate: Decimal,
    // Compliance
    warning: String,
    warning_url: Url,
    age_restriction: i64,
    // Reviews and Q&A
    review_count: i64,
    star_rating: Decimal,
    store_review_count: i64,
    store_star_rating: Decimal,
    q_and_a: QAndAList,
    reviews: ReviewList,
    // Related products
    related_product_id: String,
    relationship_type: RelationshipType,
    // Geo tagging
    target_countries: CountryList,
    store_country: Country,
    geo_price: String,
    geo_availability: String,
    /// Google Merchant Center only (`identifier_exists=no` lifts the gtin/mpn requirement).
    identifier_exists: bool,
}

impl FeedItem {
    /// Build an item from a JSON object with canonical names. Unknown names are returned, not errors;
    /// values that do not parse are returned as `(field, error)`.
    pub fn from_json_map(map: &Map<String, Value>) -> (FeedItem, Vec<(String, ValueError)>, Vec<String>) {
        let mut item = FeedItem::default();
        let mut errors = Vec::new();
        let mut unknown = Vec::new();
        for (k, v) in map {
            match item.set_json(k, v) {
                Ok(true) => {}
                Ok(false) => unknown.push(k.clone()),
                Err(e) => errors.push((k.clone(), e)),
            }
        }
        (item, errors, unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_map_round_trip() {
        let v = json!({
            "is_eligible_search": "true", "item_id": "SKU1", "title": "Shoe", "price": "79.99 USD",
            "availability": "in_stock", "target_countries": ["US"], "variant_dict": {"color": "Blue"},
            "q_and_a": [{"q": "Waterproof?", "a": "Yes"}], "return_deadline_in_days": 30, "mystery": "x"
        });
        let (item, errors, unknown) = FeedItem::from_json_map(v.as_object().unwrap());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(unknown, vec!["mystery".to_string()]);
        let back = item.to_json_map();
        let (again, _, _) = FeedItem::from_json_map(&back);
        assert_eq!(item, again);
        assert_eq!(item.text("price").as_deref(), Some("79.99 USD"));
        assert_eq!(item.text("target_countries").as_deref(), Some("US"));
        assert!(item.is_set("title") && !item.is_set("brand"));
    }

    #[test]
    fn empty_values_stay_unset_and_overlay_wins() {
        let mut a = FeedItem::default();
        assert_eq!(a.set_json("title", &json!("")), Ok(true));
        assert!(a.title.is_none());
        a.title = Some("Store".into());
        a.brand = Some("B".into());
        let b = FeedItem { title: Some("Manual".into()), ..Default::default() };
        a.overlay(&b);
        assert_eq!(a.title.as_deref(), Some("Manual"));
        assert_eq!(a.brand.as_deref(), Some("B"));
    }
}
