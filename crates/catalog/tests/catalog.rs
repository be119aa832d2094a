//! The adapter against real WooCommerce JSON: the REST docs' examples and WooCommerce's sample catalog.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use productsynch_catalog::*;
use productsynch_feed::record::ShopSettings;
use productsynch_feed::{MapContext, Profile, ValidateOptions, map_record, validate_item};
use productsynch_woo::model::{Category, CategoryTree, Product, Variation};
use serde_json::{Value, json};

fn fixture(p: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(p);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn sample_shop() -> ShopSettings {
    serde_json::from_value(fixture("woo-sample/shop.json")).unwrap()
}

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

#[test]
fn sample_catalog_maps_and_validates_clean() {
    let shop = sample_shop();
    let cats: Vec<Category> = serde_json::from_value(fixture("woo-sample/categories.json")).unwrap();
    let tree = CategoryTree::new(cats);
    let ctx = AdapterContext::new(&shop, &tree);
    let mctx = MapContext::new(shop.clone(), now()).unwrap();
    let vars: HashMap<String, Vec<Value>> = serde_json::from_value(fixture("woo-sample/variations.json")).unwrap();
    let opts = ValidateOptions { profile: Profile::OpenAi, today: now().date() };
    let mut items = Vec::new();
    for p in fixture("woo-sample/products.json").as_array().unwrap() {
        let id = p["id"].as_u64().unwrap().to_string();
        let (rec, bad) = json_to_record(p.clone(), vars.get(&id).cloned().unwrap_or_default(), &ctx).unwrap();
        assert!(bad.is_empty());
        items.extend(map_record(&rec, &mctx).items);
    }
    // 18 products: 2 variable (7 variations), 1 grouped, 15 others
    assert_eq!(items.len(), 15 + 7);
    for it in &items {
        let errors: Vec<_> = validate_item(it, &opts).into_iter().filter(|i| i.is_error()).collect();
        assert!(errors.is_empty(), "{:?}: {errors:?}", it.item_id);
    }
    let hoodie_blue = items.iter().find(|i| i.item_id.as_deref() == Some("sample-90")).unwrap();
    assert_eq!(hoodie_blue.group_id.as_deref(), Some("sample-45"));
    assert_eq!(hoodie_blue.product_category.as_deref(), Some("Clothing > Hoodies"));
    assert_eq!(hoodie_blue.color.as_deref(), Some("Blue"));
    assert_eq!(hoodie_blue.variant_dict.as_ref().unwrap().get("logo"), Some("Yes"));
    assert_eq!(hoodie_blue.title.as_deref(), Some("Hoodie - Blue, Yes"));
    assert_eq!(hoodie_blue.weight.map(|w| w.to_string()).as_deref(), Some("1.5"), "parent weight fills the gap");
    let vneck = items.iter().find(|i| i.item_id.as_deref() == Some("sample-76")).unwrap();
    assert_eq!(vneck.product_category.as_deref(), Some("Clothing > Tshirts"));
    assert!(items.iter().all(|i| i.item_id.as_deref() != Some("sample-44")), "the variable parent is not an item");
}

#[test]
fn docs_examples_map() {
    let shop = sample_shop();
    let tree = CategoryTree::new(Vec::new());
    let ctx = AdapterContext::new(&shop, &tree);
    let mctx = MapContext::new(shop.clone(), now()).unwrap();
    let p = product_from_json(fixture("docs/product_retrieve.json")).unwrap();
    let rec = woo_to_record(&p, &[], &ctx).unwrap();
    assert_eq!(rec.product.categories, vec![vec!["Clothing".to_string()], vec!["T-shirts".to_string()]]);
    let items = map_record(&rec, &mctx).items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].price.unwrap().to_string(), "21.99 USD");
    assert!(items[0].mpn.is_none(), "an empty SKU is not an mpn");
    for it in &items {
        assert!(validate_item(it, &ValidateOptions { profile: Profile::OpenAi, today: now().date() }).iter().all(|i| !i.is_error()));
    }
    // the variations list belongs to product 22 in the docs; map it under a variable parent with that id
    let mut parent = p.clone();
    parent.id = 22;
    parent.product_type = productsynch_woo::model::ProductType::Variable;
    let (vars, bad) = variations_from_json(fixture("docs/product_variations_list.json").as_array().unwrap().clone());
    assert!(bad.is_empty());
    let rec = woo_to_record(&parent, &vars, &ctx).unwrap();
    let items = map_record(&rec, &mctx).items;
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i.group_id.as_deref() == Some("sample-22") && i.color.is_some()));
    let single: Variation = serde_json::from_value(fixture("docs/product_variation_retrieve.json")).unwrap();
    assert!(single.image.is_some());
}

#[test]
fn category_tree_paths_and_gtin_meta_key() {
    let mut shop = sample_shop();
    shop.gtin_meta_key = Some("_ean".into());
    let tree = CategoryTree::new(vec![
        serde_json::from_value::<Category>(json!({"id": 1, "name": "Home", "parent": 0})).unwrap(),
        serde_json::from_value::<Category>(json!({"id": 2, "name": "Kitchen", "parent": 1})).unwrap(),
        serde_json::from_value::<Category>(json!({"id": 3, "name": "Knives", "parent": 2})).unwrap(),
    ]);
    let ctx = AdapterContext::new(&shop, &tree);
    let p: Product = serde_json::from_value(json!({
        "id": 9, "name": "Chef knife", "type": "simple", "status": "publish", "regular_price": "30",
        "categories": [{"id": 3, "name": "Knives"}], "brands": [{"id": 4, "name": "Wüsthof"}],
        "meta_data": [{"id": 1, "key": "_ean", "value": "4006381333931"}], "global_unique_id": ""
    }))
    .unwrap();
    let rec = woo_to_record(&p, &[], &ctx).unwrap();
    assert_eq!(rec.product.categories, vec![vec!["Home".to_string(), "Kitchen".into(), "Knives".into()]]);
    assert_eq!(rec.product.offer.gtin.as_deref(), Some("4006381333931"));
    let it = &map_record(&rec, &MapContext::new(shop.clone(), now()).unwrap()).items[0];
    assert_eq!(it.product_category.as_deref(), Some("Home > Kitchen > Knives"));
    assert_eq!(it.brand.as_deref(), Some("Wüsthof"));
    assert_eq!(it.gtin.as_deref(), Some("4006381333931"));
    // global_unique_id wins over the meta key
    let mut p2 = p.clone();
    p2.global_unique_id = Some("036000291452".into());
    assert_eq!(woo_to_record(&p2, &[], &ctx).unwrap().product.offer.gtin.as_deref(), Some("036000291452"));
}

#[test]
fn reviews_and_stock_rules() {
    let shop = sample_shop();
    let tree = CategoryTree::new(Vec::new());
    let reviews: HashMap<u64, Vec<Review>> = HashMap::from([(
        9,
        vec![
            serde_json::from_value(json!({"id": 1, "product_id": 9, "status": "approved", "reviewer": "Ann", "review": "<p>Sharp</p>", "rating": 5})).unwrap(),
            serde_json::from_value(json!({"id": 2, "product_id": 9, "status": "hold", "reviewer": "Bob", "review": "spam", "rating": 1})).unwrap(),
        ],
    )]);
    let ctx = AdapterContext::new(&shop, &tree).with_reviews(&reviews);
    let p: Product = serde_json::from_value(json!({"id": 9, "name": "Knife", "type": "variable", "status": "publish",
        "manage_stock": true, "stock_quantity": 7, "average_rating": "4.00", "rating_count": 1})).unwrap();
    let v: Variation = serde_json::from_value(json!({"id": 10, "parent_id": 9, "manage_stock": "parent", "regular_price": "5", "status": "publish", "purchasable": true, "stock_status": "lowstock"})).unwrap();
    let rec = woo_to_record(&p, &[v.clone()], &ctx).unwrap();
    assert_eq!(rec.product.reviews.len(), 1, "only approved reviews");
    assert_eq!(rec.variations[0].offer.stock_quantity, Some(7), "stock managed at parent level");
    assert_eq!(rec.variations[0].offer.stock_status, productsynch_feed::record::StockStatus::InStock);
    let mut wrong = v;
    wrong.parent_id = 99;
    assert_eq!(woo_to_record(&p, &[wrong], &ctx), Err(CatalogError::WrongParent { variation: 10, parent: 99, expected: 9 }));
    assert!(product_from_json(json!({"name": "no id"})).is_err());
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
            "\\PC{0,20}".prop_map(Value::String),
            prop_oneof![Just("publish"), Just("variable"), Just("simple"), Just("12.5"), Just(""), Just("instock"), Just("onbackorder"), Just("https://x.example/p"), Just("parent")]
                .prop_map(|s| Value::String(s.into())),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("id"), Just("name"), Just("type"), Just("status"), Just("price"), Just("regular_price"), Just("sale_price"),
            Just("description"), Just("images"), Just("src"), Just("categories"), Just("attributes"), Just("options"),
            Just("option"), Just("stock_status"), Just("manage_stock"), Just("stock_quantity"), Just("weight"),
            Just("dimensions"), Just("date_on_sale_from"), Just("date_on_sale_to_gmt"), Just("permalink"), Just("brands"),
            Just("global_unique_id"), Just("sku"), Just("meta_data"), Just("key"), Just("value"), Just("image"),
            Just("upsell_ids"), Just("average_rating"), Just("rating_count"), Just("parent_id"), Just("x"),
        ]
        .prop_map(String::from)
    }

    fn product() -> impl Strategy<Value = Value> {
        (1u64..1000, prop::collection::vec((key(), value()), 0..16)).prop_map(|(id, kv)| {
            let mut m: serde_json::Map<String, Value> = kv.into_iter().collect();
            m.insert("id".into(), json!(id));
            Value::Object(m)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn mapping_never_panics(p in product(), vs in prop::collection::vec(product(), 0..3)) {
            let shop = sample_shop();
            let tree = CategoryTree::new(Vec::new());
            let ctx = AdapterContext::new(&shop, &tree);
            let mctx = MapContext::new(shop.clone(), now()).unwrap();
            if let Ok((rec, _)) = json_to_record(p, vs, &ctx) {
                let m = map_record(&rec, &mctx);
                for it in &m.items {
                    let _ = validate_item(it, &ValidateOptions { profile: Profile::OpenAi, today: now().date() });
                    prop_assert!(it.title.as_ref().is_none_or(|t| t.chars().count() <= 150));
                    prop_assert!(it.item_id.is_some());
                }
            }
        }
    }
}
