//! Per-product feed recompute: stored WooCommerce JSON + shop settings + AI + manual values ->
//! feed items (through `productsynch-catalog` and `productsynch-feed`), validity and issues.

use chrono::Utc;
use productsynch_db::entities::{ProductStatus, product_variants, products, shops};
use productsynch_feed::validate::{ValidateOptions, validate_item};
use productsynch_feed::{FeedItem, MapContext, Overrides, Profile, ShopSettings};
use productsynch_woo::model::{Category, CategoryTree, Product, StoreSettings, Variation};
use serde_json::{Map, Value, json};

use crate::sync::entities::shop_connections;

/// Seller/feed settings of a shop kept in `shop_connections.feed_settings` (camelCase JSON).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct FeedSettings {
    pub store_country: Option<String>,
    pub target_countries: Vec<String>,
    pub enable_search: Option<bool>,
    pub enable_checkout: Option<bool>,
    pub brand_attribute: Option<String>,
    pub gtin_meta_key: Option<String>,
    pub utm_disabled: bool,
}

/// Everything needed to map products of one shop (built once per sync).
pub struct FeedContext {
    pub map: Option<MapContext>,
    pub map_error: Option<String>,
    pub shop: ShopSettings,
    pub categories: CategoryTree,
    pub validate: ValidateOptions,
}

impl FeedContext {
    pub fn new(shop: &shops::Model, conn: Option<&shop_connections::Model>) -> FeedContext {
        let store: StoreSettings = conn
            .and_then(|c| c.store_settings.clone())
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let fs: FeedSettings =
            conn.and_then(|c| c.feed_settings.clone()).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
        let cats: Vec<Category> =
            conn.and_then(|c| c.categories.clone()).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
        let store_url = shop.woo_store_url.clone();
        let mut v = json!({
            "shop_id": shop.id,
            "store_url": store_url,
            "currency": if shop.shop_currency.is_empty() { store.currency.clone() } else { shop.shop_currency.clone() },
            "seller_name": shop.seller_name.clone().unwrap_or_else(|| shop.shop_name.clone()),
            "seller_url": shop.seller_url.clone().unwrap_or_else(|| store_url.clone()),
            "seller_privacy_policy": shop.seller_privacy_policy,
            "seller_tos": shop.seller_tos,
            "return_policy": shop.return_policy,
            "return_window": shop.return_window,
            "store_country": fs.store_country.clone().or(store.country.clone()).unwrap_or_else(|| "US".into()),
            "target_countries": fs.target_countries,
            "enable_checkout": fs.enable_checkout.unwrap_or(false),
            "utm_disabled": fs.utm_disabled,
            "weight_unit": store.weight_unit,
            "dimension_unit": store.dimension_unit,
            "brand_attribute": fs.brand_attribute,
            "gtin_meta_key": fs.gtin_meta_key,
        });
        if let Some(o) = v.as_object_mut() {
            o.retain(|_, x| !x.is_null());
        }
        let settings: ShopSettings = match serde_json::from_value(v) {
            Ok(s) => s,
            Err(e) => {
                return FeedContext {
                    map: None,
                    map_error: Some(format!("shop settings: {e}")),
                    shop: fallback_settings(shop),
                    categories: CategoryTree::new(cats),
                    validate: ValidateOptions::new(Profile::default()),
                };
            }
        };
        let (map, map_error) = match MapContext::new(settings.clone(), Utc::now().naive_utc()) {
            Ok(m) => (Some(m), None),
            Err(e) => (None, Some(e.to_string())),
        };
        FeedContext { map, map_error, shop: settings, categories: CategoryTree::new(cats), validate: ValidateOptions::new(Profile::default()) }
    }
}

fn fallback_settings(shop: &shops::Model) -> ShopSettings {
    serde_json::from_value(json!({
        "shop_id": shop.id, "store_url": shop.woo_store_url, "currency": "USD",
        "seller_name": shop.shop_name, "store_country": "US"
    }))
    .unwrap_or_else(|_| unreachable_settings())
}

fn unreachable_settings() -> ShopSettings {
    // The literal above always deserialises; keep a total function anyway.
    serde_json::from_str(r#"{"shop_id":"","store_url":"https://invalid.example","currency":"USD","seller_name":"","store_country":"US"}"#)
        .expect("static shop settings")
}

/// The result of mapping one product.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedOutcome {
    /// Feed items as JSON objects (canonical names), one per variation or one for a simple product.
    pub items: Vec<Value>,
    pub valid: bool,
    /// `[{itemId, field, code, severity, message}]`.
    pub issues: Vec<Value>,
}

/// Manual values of a product as feed overrides (manual columns + extra manual fields).
pub fn manual_overrides(p: &products::Model, extra: Option<&Value>) -> Overrides {
    let mut item = FeedItem::default();
    if let Some(Value::Object(m)) = extra {
        for (k, v) in m {
            let _ = item.set_json(k, v);
        }
    }
    if let Some(t) = &p.manual_title {
        let _ = item.set_json("title", &Value::String(t.clone()));
    }
    if let Some(d) = &p.manual_description {
        let _ = item.set_json("description", &Value::String(d.clone()));
    }
    if let Some(c) = &p.manual_category {
        let _ = item.set_json("product_category", &Value::String(c.clone()));
    }
    if let Some(q) = &p.manual_q_and_a {
        let _ = item.set_json("q_and_a", q);
    }
    if !p.feed_enable_search {
        let _ = item.set_json("is_eligible_search", &Value::Bool(false));
    }
    if p.feed_enable_checkout {
        let _ = item.set_json("is_eligible_checkout", &Value::Bool(true));
    }
    let keywords = p.manual_keywords.as_ref().and_then(|k| serde_json::from_value::<Vec<String>>(k.clone()).ok());
    Overrides { fields: item, keywords }
}

/// AI values of a product as feed overrides.
pub fn ai_overrides(p: &products::Model) -> Overrides {
    let mut item = FeedItem::default();
    if !p.ai_enriched {
        return Overrides::default();
    }
    if let Some(t) = &p.ai_title {
        let _ = item.set_json("title", &Value::String(t.clone()));
    }
    if let Some(d) = &p.ai_description {
        let _ = item.set_json("description", &Value::String(d.clone()));
    }
    if let Some(c) = &p.ai_suggested_category {
        let _ = item.set_json("product_category", &Value::String(c.clone()));
    }
    if let Some(q) = &p.ai_q_and_a {
        let _ = item.set_json("q_and_a", q);
    }
    let keywords = p.ai_keywords.as_ref().and_then(|k| serde_json::from_value::<Vec<String>>(k.clone()).ok());
    Overrides { fields: item, keywords }
}

/// Map and validate one product.
pub fn compute(ctx: &FeedContext, product: &Product, variations: &[Variation], ai: Overrides, manual: Overrides, excluded: bool) -> FeedOutcome {
    if excluded {
        return FeedOutcome { items: vec![], valid: false, issues: vec![json!({"field": "", "code": "excluded", "severity": "error", "message": "excluded from the feed"})] };
    }
    let Some(map) = &ctx.map else {
        let msg = ctx.map_error.clone().unwrap_or_else(|| "shop settings are incomplete".into());
        return FeedOutcome { items: vec![], valid: false, issues: vec![json!({"field": "shop", "code": "invalid_shop_settings", "severity": "error", "message": msg})] };
    };
    let actx = productsynch_catalog::AdapterContext::new(&ctx.shop, &ctx.categories);
    let record = match productsynch_catalog::woo_to_record_with(product, variations, &actx, ai, manual) {
        Ok(r) => r,
        Err(e) => {
            return FeedOutcome { items: vec![], valid: false, issues: vec![json!({"field": "", "code": "unmappable", "severity": "error", "message": e.to_string()})] };
        }
    };
    let mapped = productsynch_feed::map_record(&record, map);
    let mut issues = Vec::new();
    let mut valid = !mapped.items.is_empty();
    if mapped.items.is_empty() {
        issues.push(json!({"field": "", "code": "not_in_feed", "severity": "warning", "message": "not published or not sellable: no feed item"}));
    }
    for n in &mapped.notes {
        issues.push(json!({"itemId": null, "field": n.field, "code": n.code, "severity": format!("{:?}", n.severity).to_lowercase(), "message": n.message}));
    }
    let mut items = Vec::with_capacity(mapped.items.len());
    for it in &mapped.items {
        let item_id = it.item_id.clone();
        for iss in validate_item(it, &ctx.validate) {
            if iss.severity == productsynch_feed::Severity::Error {
                valid = false;
            }
            issues.push(json!({"itemId": item_id, "field": iss.field, "code": iss.code, "severity": format!("{:?}", iss.severity).to_lowercase(), "message": iss.message}));
        }
        items.push(Value::Object(it.to_json_map()));
    }
    FeedOutcome { items, valid, issues }
}

/// Summary columns of the first item (for lists).
pub fn summary(items: &[Value]) -> Map<String, Value> {
    items.first().and_then(|v| v.as_object().cloned()).unwrap_or_default()
}

/// Recompute a stored product (after a manual edit or an AI enrichment) and write the result.
pub async fn recompute_stored<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ctx: &FeedContext,
    p: &products::Model,
    variants: &[product_variants::Model],
    extra_manual: Option<&Value>,
) -> crate::Result<products::Model> {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let raw = p.woo_raw_json.clone().unwrap_or(Value::Null);
    let product = productsynch_catalog::product_from_json(raw).map_err(|e| crate::Error::Internal(anyhow::anyhow!("stored product: {e}")))?;
    let (vars, _) = productsynch_catalog::variations_from_json(variants.iter().filter_map(|v| v.raw_json.clone()).collect());
    let excluded = p.status == ProductStatus::Excluded;
    let out = compute(ctx, &product, &vars, ai_overrides(p), manual_overrides(p, extra_manual), excluded);
    let mut am = p.clone().into_active_model();
    apply_outcome(&mut am, &out);
    am.updated_at = Set(Utc::now());
    Ok(am.update(conn).await?)
}

/// Write a feed outcome into a product's feed columns.
pub fn apply_outcome(am: &mut products::ActiveModel, out: &FeedOutcome) {
    use sea_orm::Set;
    let s = summary(&out.items);
    let text = |k: &str| s.get(k).map(|v| match v { Value::String(x) => x.clone(), other => other.to_string() });
    am.feed_id = Set(text("item_id"));
    am.feed_title = Set(text("title"));
    am.feed_description = Set(text("description"));
    am.feed_price = Set(text("price"));
    am.feed_availability = Set(text("availability"));
    am.feed_category = Set(text("product_category"));
    am.feed_brand = Set(text("brand"));
    am.feed_image_link = Set(text("image_url"));
    am.feed_data_json = Set(Some(Value::Array(out.items.clone())));
    am.is_valid = Set(out.valid);
    am.validation_errors = Set(Some(Value::Array(out.issues.clone())));
}
