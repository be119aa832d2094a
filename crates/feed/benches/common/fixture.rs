//! The feed benchmark's fixture, shared by `benches/feed.rs` and `examples/feed_golden.rs` (included with
//! `#[path]`): a shop and a realistic mix of records.

use std::str::FromStr;

use productsynch_feed::record::*;
use rust_decimal::Decimal;

pub fn shop() -> ShopSettings {
    serde_json::from_value(serde_json::json!({
        "shop_id": "shop1", "store_url": "https://store.example", "currency": "USD", "seller_name": "Example Store",
        "seller_privacy_policy": "https://store.example/privacy", "seller_tos": "https://store.example/terms",
        "return_window": 30, "store_country": "US", "target_countries": ["US"], "enable_checkout": true,
        "weight_unit": "kg", "dimension_unit": "cm"
    }))
    .unwrap()
}

/// A realistic mix: 70% simple products, 30% variable with 3 variations; HTML descriptions of ~600 characters.
pub fn records(n: u64) -> Vec<CatalogRecord> {
    let desc = "<p>Our <strong>classic</strong> piece is made from 100% organic cotton &amp; recycled fibres. It is soft, breathable and built to last through many washes.</p><ul><li>Machine washable at 30&deg;C</li><li>Relaxed fit</li><li>Made in Portugal</li></ul><p>Pair it with anything in your wardrobe; the colour stays bright wash after wash.</p>";
    (0..n)
        .map(|k| {
            let id = 1000 + k * 10;
            let offer = |id: u64| StoreOffer {
                id,
                published: true,
                purchasable: true,
                description: String::new(),
                permalink: Some(format!("https://store.example/product/item-{id}/")),
                sku: Some(format!("SKU-{id}")),
                gtin: Some("4006381333931".into()),
                regular_price: Some(Decimal::from_str("24.90").unwrap()),
                sale_price: if k % 5 == 0 { Some(Decimal::from_str("19.90").unwrap()) } else { None },
                weight: Some(Decimal::from_str("0.4").unwrap()),
                ..Default::default()
            };
            let variable = k % 10 < 3;
            CatalogRecord {
                product: StoreProduct {
                    offer: StoreOffer { description: desc.into(), ..offer(id) },
                    kind: if variable { ProductKind::Variable } else { ProductKind::Simple },
                    name: format!("Classic Organic Tee {k}"),
                    images: vec![format!("https://store.example/img/{id}-1.jpg"), format!("https://store.example/img/{id}-2.jpg")],
                    categories: vec![vec!["Clothing".into(), "Tops".into(), "T-shirts".into()]],
                    brands: vec!["Acme".into()],
                    average_rating: Some(Decimal::from_str("4.40").unwrap()),
                    rating_count: Some(12),
                    ..Default::default()
                },
                variations: if variable {
                    ["S", "M", "L"]
                        .iter()
                        .enumerate()
                        .map(|(j, size)| StoreVariation {
                            offer: offer(id + 1 + j as u64),
                            image: Some(format!("https://store.example/img/{id}-{size}.jpg")),
                            attributes: vec![("Size".into(), "pa_size".into(), size.to_string()), ("Color".into(), "pa_color".into(), "Navy".into())],
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                ..Default::default()
            }
        })
        .collect()
}
