//! Snapshot generation over several keyset pages, on SQLite and PostgreSQL: every valid item is
//! written once, in id order; the stored file matches its recorded size, SHA-256 and item count;
//! an unchanged catalog reuses the file, a changed product forces a new one.

use std::io::Read;

use chrono::Utc;
use productsynch_core::App;
use productsynch_core::config::Config;
use productsynch_core::delivery::{FeedFormat, snapshot};
use productsynch_db::both_backends;
use productsynch_db::entities::{ProductStatus, SyncStatus, products, shops, users};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde_json::json;

const N: u32 = 1_234; // three pages of 500

fn item(i: u32) -> serde_json::Value {
    json!({
        "is_eligible_search": "true", "is_eligible_checkout": "false",
        "item_id": format!("SKU{i:05}"), "title": format!("Trail Running Shoe {i}"),
        "description": "Waterproof trail shoe with cushioned sole.",
        "url": format!("https://shop.example.com/product/{i}"), "brand": "Acme",
        "image_url": format!("https://shop.example.com/img/{i}.jpg"),
        "price": "79.99 USD", "availability": "in_stock",
        "seller_name": "Example Store", "seller_url": "https://shop.example.com",
        "return_policy": "https://shop.example.com/returns",
        "target_countries": ["US"], "store_country": "US"
    })
}

async fn story(db: DatabaseConnection) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::from_parts(Config::for_tests(dir.path(), "sqlite::memory:"), db.clone()).unwrap();
    let now = Utc::now();
    let user_id = productsynch_db::ids::new_id(productsynch_db::ids::USER);
    users::ActiveModel {
        id: Set(user_id.clone()),
        email: Set(format!("{user_id}@example.com")),
        password_hash: Set("x".into()),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("user");
    let shop_id = productsynch_db::ids::new_id(productsynch_db::ids::SHOP);
    shops::ActiveModel {
        id: Set(shop_id.clone()),
        user_id: Set(user_id),
        woo_store_url: Set("https://shop.example.com".into()),
        woo_consumer_key: Set("ck".into()),
        woo_consumer_secret: Set("v1:x".into()),
        shop_name: Set("Shop".into()),
        shop_currency: Set("USD".into()),
        is_connected: Set(true),
        sync_status: Set(SyncStatus::Completed),
        sync_enabled: Set(true),
        openai_enabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .expect("shop");
    let old = now - chrono::Duration::seconds(10);
    for i in 0..N {
        // every 10th product is invalid and not in the feed
        products::ActiveModel {
            id: Set(format!("prod_{i:05}")),
            shop_id: Set(shop_id.clone()),
            woo_product_id: Set(i64::from(i)),
            woo_title: Set(format!("P{i}")),
            feed_enable_search: Set(true),
            feed_enable_checkout: Set(false),
            feed_data_json: Set(Some(item(i))),
            ai_enriched: Set(false),
            manual_override: Set(false),
            status: Set(ProductStatus::Synced),
            sync_status: Set(SyncStatus::Completed),
            is_valid: Set(i % 10 != 0),
            created_at: Set(old),
            updated_at: Set(old),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("product");
    }
    let snap = snapshot::generate(&app, &shop_id, FeedFormat::SNAPSHOT, Some("batch_x")).await.unwrap();
    let expected: Vec<String> = (0..N).filter(|i| i % 10 != 0).map(|i| format!("SKU{i:05}")).collect();
    assert_eq!(snap.stats.products, u64::from(N));
    assert_eq!(snap.stats.items, expected.len() as u64);
    assert_eq!(snap.stats.invalid, u64::from(N).div_ceil(10));
    let bytes = app.storage().get(&snap.file.storage_key).await.unwrap();
    assert_eq!(bytes.len() as i64, snap.file.size_bytes);
    assert_eq!(Some(productsynch_core::crypto::sha256_hex(&bytes)), snap.file.sha256);
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
    let ids: Vec<String> =
        text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["item_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, expected);
    let row = productsynch_db::entities::feed_files::Entity::find_by_id(snap.file.id.clone()).one(&db).await.unwrap().unwrap();
    assert_eq!(row.item_count as usize, expected.len());
    assert_eq!(row.format, "jsonl.gz");
    assert_eq!(row.batch_id.as_deref(), Some("batch_x"));

    // unchanged catalog: reused; a product edited afterwards: regenerated
    let same = snapshot::ensure_current(&app, &shop_id, FeedFormat::SNAPSHOT).await.unwrap();
    assert_eq!(same.id, snap.file.id);
    let mut p: products::ActiveModel = products::Entity::find_by_id("prod_00001".to_owned()).one(&db).await.unwrap().unwrap().into();
    p.updated_at = Set(Utc::now() + chrono::Duration::seconds(1));
    p.update(&db).await.unwrap();
    let fresh = snapshot::ensure_current(&app, &shop_id, FeedFormat::SNAPSHOT).await.unwrap();
    assert_ne!(fresh.id, snap.file.id);
    assert_eq!(snapshot::history(&app, &shop_id, 10).await.unwrap().len(), 2);
}

both_backends!(snapshot_streams_pages_and_records_the_file, |db| story(db));
