//! Contract tests: WooCommerce's documented example responses (tests/fixtures, see SOURCE.md) parse
//! into the typed models with the values the docs show.

use productsynch_woo::Decimal;
use productsynch_woo::model::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

#[test]
fn every_fixture_deserializes() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let body = std::fs::read(&path).expect("read");
        match name.as_str() {
            "products_list.json" => {
                let page = parse_products_page(&body).expect("list");
                assert!(page.malformed.is_empty(), "{:?}", page.malformed);
                assert!(!page.items.is_empty());
            }
            "product_variations_list.json" => {
                let page = parse_variations_page(&body).expect("list");
                assert!(page.malformed.is_empty(), "{:?}", page.malformed);
                assert!(!page.items.is_empty());
            }
            "order_retrieve.json" => {
                serde_json::from_slice::<Order>(&body).expect("order");
            }
            "webhook_create_response.json" => {
                serde_json::from_slice::<Webhook>(&body).expect("webhook");
            }
            "product_variation_retrieve.json" => {
                serde_json::from_slice::<Variation>(&body).expect("variation");
            }
            _ => {
                parse_product(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        n += 1;
    }
    assert_eq!(n, 7, "all seven documented examples are covered");
}

#[test]
fn product_retrieve_values() {
    let p = parse_product(&fixture("product_retrieve.json")).expect("product").item;
    assert_eq!(p.id, 794);
    assert_eq!(p.name, "Premium Quality");
    assert_eq!(p.slug, "premium-quality-19");
    assert_eq!(p.product_type, ProductType::Simple);
    assert_eq!(p.status, ProductStatus::Publish);
    assert_eq!(p.price, Some(Decimal::new(2199, 2)));
    assert_eq!(p.regular_price, Some(Decimal::new(2199, 2)));
    assert_eq!(p.sale_price, None, "sale_price \"\" is no sale");
    assert_eq!(p.sku, None, "sku \"\" is no sku");
    assert_eq!(p.stock_quantity, None);
    assert_eq!(p.stock_status, StockStatus::InStock);
    assert_eq!(p.weight, None);
    assert!(p.dimensions.is_empty());
    assert_eq!(p.average_rating, Some(Decimal::new(0, 2)));
    assert_eq!(p.related_ids, vec![53, 40, 56, 479, 99]);
    assert_eq!(p.categories.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), vec!["clothing", "t-shirts"]);
    assert_eq!(p.images.len(), 2);
    assert_eq!(p.main_image().unwrap().id, 792);
    assert_eq!(p.date_modified_gmt.unwrap().to_string(), "2017-03-23 20:01:14");
    assert!(p.purchasable);
    assert_eq!(p.catalog_visibility, CatalogVisibility::Visible);
}

#[test]
fn variation_retrieve_values() {
    let v: Variation = serde_json::from_slice(&fixture("product_variation_retrieve.json")).expect("variation");
    assert_eq!(v.id, 732);
    assert_eq!(v.price, Some(Decimal::new(900, 2)));
    assert_eq!(v.image.as_ref().unwrap().id, 423);
    assert_eq!(v.attributes, vec![AttributeValue { id: 6, name: "Color".into(), slug: None, option: "Black".into() }]);
    assert_eq!(v.manage_stock, ManageStock::No);
    assert!(v.permalink.ends_with("?attribute_pa_color=black"));
}

#[test]
fn order_and_webhook_values() {
    let o: Order = serde_json::from_slice(&fixture("order_retrieve.json")).expect("order");
    assert_eq!(o.id, 727);
    assert_eq!(o.status, OrderStatus::Processing);
    assert_eq!(o.total, Some(Decimal::new(2935, 2)));
    assert_eq!(o.currency, "USD");
    assert_eq!(o.line_items.len(), 2);
    assert_eq!(o.line_items[1].variation_id, 23);
    assert_eq!(o.line_items[1].price, Some(Decimal::from(12)));
    assert_eq!(o.billing.email.as_deref(), Some("john.doe@example.com"));
    assert!(o.attribution().is_none());

    let w: Webhook = serde_json::from_slice(&fixture("webhook_create_response.json")).expect("webhook");
    assert_eq!(w.id, 142);
    assert_eq!(w.topic, "order.updated");
    assert_eq!(w.resource, "order");
    assert_eq!(w.event, "updated");
    assert_eq!(w.status, WebhookStatus::Active);
    assert_eq!(w.hooks.len(), 4);
}

#[test]
fn typed_models_round_trip_through_serialize() {
    let p = parse_product(&fixture("product_retrieve.json")).expect("product").item;
    let again: Product = serde_json::from_value(serde_json::to_value(&p).expect("to json")).expect("from json");
    assert_eq!(p, again);
}
