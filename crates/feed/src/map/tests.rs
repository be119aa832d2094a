use super::*;
use crate::validate::{ValidateOptions, validate_item};
use crate::profile::Profile;
use chrono::NaiveDate;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(12, 0, 0).unwrap()
}

pub(crate) fn shop() -> ShopSettings {
    serde_json::from_value(serde_json::json!({
        "shop_id": "shop1", "store_url": "https://store.example/", "currency": "USD", "seller_name": "Example Store",
        "seller_privacy_policy": "https://store.example/privacy", "seller_tos": "https://store.example/terms",
        "return_window": 30, "store_country": "US", "target_countries": "US,CA", "enable_checkout": true,
        "weight_unit": "lbs", "dimension_unit": "in"
    }))
    .unwrap()
}

fn ctx() -> MapContext {
    MapContext::new(shop(), now()).unwrap()
}

fn offer(id: u64) -> StoreOffer {
    StoreOffer {
        id,
        published: true,
        purchasable: true,
        permalink: Some(format!("https://store.example/product/p{id}/")),
        regular_price: Some(dec("21.99")),
        price: Some(dec("21.99")),
        stock_status: StockStatus::InStock,
        sku: Some(format!("SKU-{id}")),
        ..Default::default()
    }
}

fn simple() -> CatalogRecord {
    CatalogRecord {
        product: StoreProduct {
            offer: StoreOffer { description: "<p>Soft &amp; <b>warm</b></p><ul><li>Cotton</li></ul>".into(), ..offer(794) },
            kind: ProductKind::Simple,
            name: "Premium Quality".into(),
            images: vec!["https://store.example/a.jpg".into(), "https://store.example/b.jpg".into()],
            categories: vec![vec!["Clothing".into()], vec!["Clothing".into(), "T-shirts".into()]],
            ..Default::default()
        },
        ..Default::default()
    }
}

fn variable() -> CatalogRecord {
    let var = |id: u64, color: &str, size: &str| StoreVariation {
        offer: StoreOffer { regular_price: None, price: None, sku: None, permalink: Some(format!("https://store.example/product/hoodie/?attribute_pa_color={color}")), ..offer(id) },
        image: Some(format!("https://store.example/{color}.jpg")),
        attributes: vec![("Color".into(), "pa_color".into(), color.into()), ("Size".into(), "pa_size".into(), size.into()), ("Logo".into(), "".into(), "Yes".into())],
    };
    let mut blue = var(101, "Blue", "M");
    blue.offer.regular_price = Some(dec("45"));
    blue.offer.gtin = Some("4006381333931".into());
    blue.offer.sku = Some("HOOD-BLUE-M".into());
    let mut red = var(102, "Red", "L");
    red.offer.stock_status = StockStatus::OnBackorder;
    let mut hidden = var(103, "Green", "S");
    hidden.offer.published = false;
    CatalogRecord {
        product: StoreProduct {
            offer: StoreOffer { regular_price: Some(dec("42")), description: "Hoodie with logo".into(), weight: Some(dec("1.5")), ..offer(100) },
            kind: ProductKind::Variable,
            name: "Hoodie".into(),
            images: vec!["https://store.example/hoodie.jpg".into()],
            categories: vec![vec!["Clothing".into(), "Hoodies".into()]],
            ..Default::default()
        },
        variations: vec![blue, red, hidden],
        ..Default::default()
    }
}

fn valid_opts() -> ValidateOptions {
    ValidateOptions { profile: Profile::OpenAi, today: now().date() }
}

#[test]
fn simple_product_is_one_clean_item() {
    let m = map_record(&simple(), &ctx());
    assert_eq!(m.items.len(), 1);
    let it = &m.items[0];
    assert_eq!(it.item_id.as_deref(), Some("shop1-794"));
    assert_eq!(it.title.as_deref(), Some("Premium Quality"));
    assert_eq!(it.description.as_deref(), Some("Soft & warm\n- Cotton"));
    assert_eq!(it.price.unwrap().to_string(), "21.99 USD");
    assert_eq!(it.product_category.as_deref(), Some("Clothing > T-shirts"));
    assert_eq!(it.listing_has_variations, Some(false));
    assert!(it.group_id.is_none());
    assert_eq!(it.image_url.as_ref().unwrap().as_str(), "https://store.example/a.jpg");
    assert_eq!(it.additional_image_urls.as_ref().unwrap().0.len(), 1);
    assert_eq!(it.brand.as_deref(), Some("Example Store"));
    assert_eq!(it.mpn.as_deref(), Some("SKU-794"));
    assert_eq!(it.target_countries.as_ref().unwrap().to_text(), "US,CA");
    assert_eq!(it.is_eligible_checkout, Some(true));
    assert_eq!(it.return_deadline_in_days, Some(30));
    assert_eq!(it.return_policy.as_ref().unwrap().as_str(), "https://store.example/returns");
    assert_eq!(it.seller_url.as_ref().unwrap().as_str(), "https://store.example");
    let issues = validate_item(it, &valid_opts());
    assert!(issues.iter().all(|i| !i.is_error()), "{issues:?}");
}

#[test]
fn variable_product_becomes_one_item_per_purchasable_variation() {
    let m = map_record(&variable(), &ctx());
    assert_eq!(m.items.len(), 2, "the parent and the unpublished variation are not items");
    let (blue, red) = (&m.items[0], &m.items[1]);
    assert_eq!(blue.item_id.as_deref(), Some("shop1-101"));
    assert_eq!(blue.group_id.as_deref(), Some("shop1-100"));
    assert_eq!(red.group_id, blue.group_id);
    assert_eq!(blue.item_group_title.as_deref(), Some("Hoodie"));
    assert_eq!(blue.title.as_deref(), Some("Hoodie - Blue, M, Yes"));
    assert_eq!(blue.listing_has_variations, Some(true));
    assert_eq!(blue.color.as_deref(), Some("Blue"));
    assert_eq!(blue.size.as_deref(), Some("M"));
    let d = blue.variant_dict.as_ref().unwrap();
    assert_eq!(d.0, vec![("color".into(), "Blue".into()), ("size".into(), "M".into()), ("logo".into(), "Yes".into())]);
    // variation values win, the parent fills the gaps
    assert_eq!(blue.price.unwrap().to_string(), "45.00 USD");
    assert_eq!(red.price.unwrap().to_string(), "42.00 USD");
    assert_eq!(blue.gtin.as_deref(), Some("4006381333931"));
    assert_eq!(blue.mpn.as_deref(), Some("HOOD-BLUE-M"));
    assert_eq!(red.mpn.as_deref(), Some("SKU-100"));
    assert_eq!(blue.image_url.as_ref().unwrap().as_str(), "https://store.example/Blue.jpg");
    assert_eq!(blue.additional_image_urls.as_ref().unwrap().0[0].as_str(), "https://store.example/hoodie.jpg");
    assert_eq!(blue.weight, Some(dec("1.5")));
    assert_eq!(blue.item_weight_unit.as_deref(), Some("lb"));
    assert_eq!(red.availability, Some(Availability::Backorder));
    assert!(blue.url.as_ref().unwrap().as_str().starts_with("https://store.example/product/hoodie/?attribute_pa_color=Blue&utm_source=chatgpt.com"));
    assert_eq!(blue.description.as_deref(), Some("Hoodie with logo"));
    for it in &m.items {
        let issues = validate_item(it, &valid_opts());
        assert!(issues.iter().all(|i| !i.is_error()), "{issues:?}");
    }
}

#[test]
fn precedence_manual_over_ai_over_store() {
    let mut rec = simple();
    rec.ai.fields.title = Some("AI Title".into());
    rec.ai.fields.description = Some("AI description".into());
    rec.ai.fields.product_category = Some("Apparel & Accessories > Shirts".into());
    rec.ai.fields.q_and_a = Some(QAndAList(vec![QAndA { q: "Cotton?".into(), a: "Yes".into() }]));
    rec.ai.keywords = Some(vec!["tee".into(), "shirt".into()]);
    let m = map_record(&rec, &ctx());
    let it = &m.items[0];
    assert_eq!(it.title.as_deref(), Some("AI Title"));
    assert_eq!(it.description.as_deref(), Some("AI description\nKeywords: tee, shirt"));
    assert_eq!(it.product_category.as_deref(), Some("Apparel & Accessories > Shirts"));
    assert_eq!(it.q_and_a.as_ref().unwrap().0.len(), 1);
    rec.manual.fields.title = Some("<b>MANUAL TITLE</b>".into());
    rec.manual.fields.brand = Some("Acme".into());
    rec.manual.keywords = Some(vec!["manual".into()]);
    let it = &map_record(&rec, &ctx()).items[0];
    assert_eq!(it.title.as_deref(), Some("Manual Title"), "manual wins and is sanitised");
    assert_eq!(it.description.as_deref(), Some("AI description\nKeywords: manual"));
    assert_eq!(it.brand.as_deref(), Some("Acme"));
    // empty manual text falls through
    rec.manual.fields.title = Some("  ".into());
    assert_eq!(map_record(&rec, &ctx()).items[0].title.as_deref(), Some("AI Title"));
}

#[test]
fn manual_description_beats_variation_description() {
    let mut rec = variable();
    rec.variations[0].offer.description = "<p>Blue one</p>".into();
    assert_eq!(map_record(&rec, &ctx()).items[0].description.as_deref(), Some("Blue one"));
    rec.manual.fields.description = Some("Manual".into());
    assert_eq!(map_record(&rec, &ctx()).items[0].description.as_deref(), Some("Manual"));
    // and a variation's title carries the override plus its options
    rec.manual.fields.title = Some("Cozy Hoodie".into());
    assert_eq!(map_record(&rec, &ctx()).items[0].title.as_deref(), Some("Cozy Hoodie - Blue, M, Yes"));
}

#[test]
fn long_and_shouting_titles() {
    let mut rec = simple();
    rec.product.name = "PREMIUM QUALITY TEE".into();
    assert_eq!(map_record(&rec, &ctx()).items[0].title.as_deref(), Some("Premium Quality Tee"));
    rec.product.name = "word ".repeat(60);
    let t = map_record(&rec, &ctx()).items[0].title.clone().unwrap();
    assert!(t.chars().count() <= 150 && t.ends_with("word"));
    rec.product.offer.description = "<p>".to_string() + &"ünïcödé ".repeat(1000) + "</p>";
    let d = map_record(&rec, &ctx()).items[0].description.clone().unwrap();
    assert!(d.chars().count() <= 5000 && d.ends_with("ünïcödé"));
}

#[test]
fn prices_in_minor_units_and_sale_rules() {
    let mut s = shop();
    s.currency = "JPY".into();
    let jctx = MapContext::new(s.clone(), now()).unwrap();
    let mut rec = simple();
    rec.product.offer.regular_price = Some(dec("1200"));
    assert_eq!(map_record(&rec, &jctx).items[0].price.unwrap().to_string(), "1200 JPY");
    s.currency = "KWD".into();
    let kctx = MapContext::new(s, now()).unwrap();
    rec.product.offer.regular_price = Some(dec("12.5"));
    assert_eq!(map_record(&rec, &kctx).items[0].price.unwrap().to_string(), "12.500 KWD");

    let mut rec = simple();
    rec.product.offer.sale_price = Some(dec("19.99"));
    let it = &map_record(&rec, &ctx()).items[0];
    assert_eq!(it.sale_price.unwrap().to_string(), "19.99 USD");
    assert!(it.sale_price_start_date.is_none());
    // a "sale" that is not lower is ignored
    rec.product.offer.sale_price = Some(dec("25"));
    assert!(map_record(&rec, &ctx()).items[0].sale_price.is_none());
    // dates must be current
    rec.product.offer.sale_price = Some(dec("19.99"));
    rec.product.offer.sale_from = Some(now() + chrono::Duration::days(1));
    assert!(map_record(&rec, &ctx()).items[0].sale_price.is_none());
    rec.product.offer.sale_from = Some(now() - chrono::Duration::days(10));
    rec.product.offer.sale_to = Some(now() - chrono::Duration::days(1));
    assert!(map_record(&rec, &ctx()).items[0].sale_price.is_none());
    rec.product.offer.sale_to = Some(now() + chrono::Duration::days(5));
    let it = &map_record(&rec, &ctx()).items[0];
    assert_eq!(it.sale_price.unwrap().to_string(), "19.99 USD");
    assert_eq!(it.sale_price_end_date, Some(NaiveDate::from_ymd_opt(2026, 6, 20).unwrap()));
}

#[test]
fn availability_map() {
    assert_eq!(availability_of(StockStatus::InStock), Availability::InStock);
    assert_eq!(availability_of(StockStatus::OutOfStock), Availability::OutOfStock);
    assert_eq!(availability_of(StockStatus::OnBackorder), Availability::Backorder);
    let mut rec = simple();
    rec.product.offer.stock_status = StockStatus::OnBackorder;
    let it = &map_record(&rec, &ctx()).items[0];
    // launch-era profile spells it preorder
    let v1 = crate::profile::to_json_map(Profile::OpenAiV1, it);
    assert_eq!(v1["availability"], "preorder");
}

#[test]
fn gtin_normalised_and_checked() {
    assert_eq!(normalize_gtin("400-6381 333931"), Some("4006381333931".into()));
    assert_eq!(normalize_gtin("4006381333932"), None);
    assert_eq!(normalize_gtin("ABC"), None);
    let mut rec = simple();
    rec.product.offer.gtin = Some("4006381333932".into());
    let m = map_record(&rec, &ctx());
    assert!(m.items[0].gtin.is_none());
    assert!(m.notes.iter().any(|n| n.code == "gtin_dropped"));
}

#[test]
fn brand_sources() {
    let mut rec = simple();
    rec.product.attributes = vec![crate::record::StoreAttribute { name: "Brand".into(), slug: "pa_brand".into(), options: vec!["Woo".into()] }];
    assert_eq!(map_record(&rec, &ctx()).items[0].brand.as_deref(), Some("Example Store"), "attribute only when configured");
    let mut s = shop();
    s.brand_attribute = Some("pa_brand".into());
    let c = MapContext::new(s, now()).unwrap();
    assert_eq!(map_record(&rec, &c).items[0].brand.as_deref(), Some("Woo"));
    rec.product.brands = vec!["WooCommerce Brands".into()];
    assert_eq!(map_record(&rec, &c).items[0].brand.as_deref(), Some("WooCommerce Brands"));
}

#[test]
fn category_paths() {
    let mut rec = simple();
    rec.product.categories = vec![vec!["Uncategorized".into()]];
    assert!(map_record(&rec, &ctx()).items[0].product_category.is_none());
    rec.product.categories = vec![vec!["Home &amp; Garden".into(), "Kitchen".into(), "Knives".into()], vec!["Sale".into()]];
    assert_eq!(map_record(&rec, &ctx()).items[0].product_category.as_deref(), Some("Home & Garden > Kitchen > Knives"));
}

#[test]
fn units_ratings_reviews_related() {
    let mut rec = simple();
    rec.product.offer.weight = Some(dec("2.50"));
    rec.product.offer.length = Some(dec("10"));
    rec.product.offer.width = Some(dec("8"));
    rec.product.offer.height = Some(dec("5"));
    rec.product.average_rating = Some(dec("4.456"));
    rec.product.rating_count = Some(12);
    rec.product.reviews = vec![crate::record::StoreReview { reviewer: "Ann".into(), content: "<p>Great!</p>".into(), rating: dec("5") }];
    rec.product.upsell_ids = vec![7, 8];
    rec.product.cross_sell_ids = vec![9];
    let it = &map_record(&rec, &ctx()).items[0];
    assert_eq!((it.weight, it.item_weight_unit.as_deref()), (Some(dec("2.5")), Some("lb")));
    assert_eq!(it.dimensions_unit.as_deref(), Some("in"));
    assert_eq!(it.length, Some(dec("10")));
    assert_eq!(it.star_rating, Some(dec("4.46")));
    assert_eq!(it.review_count, Some(12));
    let r = &it.reviews.as_ref().unwrap().0[0];
    assert_eq!((r.content.as_str(), r.title.as_str()), ("Great!", "Review by Ann"));
    assert_eq!(it.related_product_id.as_deref(), Some("shop1-7,shop1-8"));
    assert_eq!(it.relationship_type, Some(RelationshipType::Substitute));
    rec.product.upsell_ids.clear();
    let it = &map_record(&rec, &ctx()).items[0];
    assert_eq!(it.related_product_id.as_deref(), Some("shop1-9"));
    assert_eq!(it.relationship_type, Some(RelationshipType::OftenBoughtWith));
    // without a store unit, weight is left out rather than guessed
    let mut s = shop();
    s.weight_unit = None;
    let it = &map_record(&rec, &MapContext::new(s, now()).unwrap()).items[0];
    assert!(it.weight.is_none());
}

#[test]
fn utm_parameters() {
    let it = &map_record(&simple(), &ctx()).items[0];
    assert_eq!(it.url.as_ref().unwrap().as_str(), "https://store.example/product/p794/?utm_source=chatgpt.com&utm_medium=feed&utm_campaign=productsynch");
    let mut s = shop();
    s.utm = crate::record::Utm { source: "chatgpt".into(), medium: "ai".into(), campaign: "spring sale".into() };
    let it = &map_record(&simple(), &MapContext::new(s.clone(), now()).unwrap()).items[0];
    assert!(it.url.as_ref().unwrap().as_str().ends_with("utm_source=chatgpt&utm_medium=ai&utm_campaign=spring+sale"));
    s.utm_disabled = true;
    let it = &map_record(&simple(), &MapContext::new(s, now()).unwrap()).items[0];
    assert_eq!(it.url.as_ref().unwrap().as_str(), "https://store.example/product/p794/");
}

#[test]
fn unpublished_grouped_and_empty_variable_products_have_no_items() {
    let mut rec = simple();
    rec.product.offer.published = false;
    assert!(map_record(&rec, &ctx()).items.is_empty());
    let mut rec = simple();
    rec.product.kind = ProductKind::Grouped;
    assert!(map_record(&rec, &ctx()).items.is_empty());
    let mut rec = variable();
    rec.variations.clear();
    let m = map_record(&rec, &ctx());
    assert!(m.items.is_empty());
    assert!(m.notes.iter().any(|n| n.code == "no_purchasable_variations"));
}

#[test]
fn external_products_and_checkout_settings() {
    let mut rec = simple();
    rec.product.kind = ProductKind::External;
    assert_eq!(map_record(&rec, &ctx()).items[0].is_eligible_checkout, Some(false));
    let mut s = shop();
    s.seller_tos = None;
    let it = &map_record(&simple(), &MapContext::new(s, now()).unwrap()).items[0];
    assert_eq!(it.is_eligible_checkout, Some(false), "no checkout without terms");
    let mut s = shop();
    s.currency = "DOLLARS".into();
    assert!(matches!(MapContext::new(s, now()), Err(MapError::InvalidShop { field: "currency", .. })));
}

#[test]
fn attribute_kinds_ignore_ascii_case_and_pa_prefix() {
    assert_eq!(attr_kind("", "PA_Colour"), Some("color"));
    assert_eq!(attr_kind("  Größe ", ""), Some("size"));
    assert_eq!(attr_kind("GRÖSSE", ""), None, "only ASCII letters fold");
    assert_eq!(attr_kind("Taille", "pa_x"), Some("size"));
    assert_eq!(attr_kind("pa_", "pa"), None);
    assert_eq!(attr_kind("Logo", "pa_logo"), None);
}
