//! The S3 backend of [`Storage`] against a real S3-compatible server (moto, started by `scripts/test.sh`):
//! configured through the same `S3_*` variables as production (`Config::from_lookup`), it puts, gets, heads,
//! lists, streams (multipart upload with several parts, ranged reads) and deletes objects, and a feed snapshot
//! is generated into it, read back whole and by byte range, and matches its recorded size and SHA-256.
//!
//! `TEST_S3_ENDPOINT=http://127.0.0.1:PORT` enables it (the test creates its own bucket there); without it the
//! test prints why it is skipped, unless `TEST_REQUIRE_S3=1` (set by `scripts/test.sh`), where that is a failure.

use std::collections::HashMap;
use std::io::Read;

use bytes::Bytes;
use chrono::Utc;
use futures::{StreamExt, TryStreamExt};
use productsynch_core::config::Config;
use productsynch_core::delivery::{FeedFormat, snapshot};
use productsynch_core::error::Error;
use productsynch_core::storage::Storage;
use productsynch_core::App;
use productsynch_db::entities::{ProductStatus, SyncStatus, products, shops, users};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;

fn s3_endpoint() -> Option<String> {
    match std::env::var("TEST_S3_ENDPOINT").ok().filter(|v| !v.trim().is_empty()) {
        Some(e) => Some(e.trim().trim_end_matches('/').to_owned()),
        None => {
            if std::env::var("TEST_REQUIRE_S3").is_ok_and(|v| v == "1") {
                panic!("TEST_REQUIRE_S3=1 but TEST_S3_ENDPOINT is not set");
            }
            eprintln!("skipped: TEST_S3_ENDPOINT is not set (scripts/test.sh starts moto and sets it)");
            None
        }
    }
}

/// A fresh bucket on the S3-compatible server (moto accepts unsigned bucket creation).
async fn create_bucket(endpoint: &str) -> String {
    let bucket = format!("productsynch-test-{:016x}", rand::random::<u64>());
    let res = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await.expect("S3 server reachable");
    assert!(res.status().is_success(), "creating bucket {bucket}: {} {}", res.status(), res.text().await.unwrap_or_default());
    bucket
}

/// The application configuration as production builds it from the environment, with `S3_*` set.
fn s3_config(dir: &std::path::Path, endpoint: &str, bucket: &str) -> Config {
    let vars: HashMap<&str, String> = HashMap::from([
        ("APP_ENV", "test".to_owned()),
        ("DATA_DIR", dir.display().to_string()),
        ("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("s3.db").display())),
        ("S3_BUCKET", bucket.to_owned()),
        ("S3_ENDPOINT", endpoint.to_owned()),
        ("S3_REGION", "us-east-1".to_owned()),
        ("S3_ACCESS_KEY_ID", "test-access-key".to_owned()),
        ("S3_SECRET_ACCESS_KEY", "test-secret-key".to_owned()),
    ]);
    Config::from_lookup(|k| vars.get(k).cloned()).expect("configuration with S3_* variables")
}

#[tokio::test]
async fn s3_backend_put_get_list_stream_delete() {
    let Some(endpoint) = s3_endpoint() else { return };
    let bucket = create_bucket(&endpoint).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = s3_config(dir.path(), &endpoint, &bucket);
    let s = Storage::from_config(&cfg).unwrap();
    assert_eq!(s.description(), format!("s3://{bucket}"));

    s.put("feeds/shop_1/a.jsonl", Bytes::from_static(b"{\"id\":1}\n")).await.unwrap();
    s.put("feeds/shop_1/b.jsonl", Bytes::from_static(b"b")).await.unwrap();
    s.put("feeds/shop_2/c.jsonl", Bytes::from_static(b"c")).await.unwrap();
    // replacing an object keeps one object with the new content
    s.put("feeds/shop_1/b.jsonl", Bytes::from_static(b"bb")).await.unwrap();
    assert_eq!(&s.get("feeds/shop_1/a.jsonl").await.unwrap()[..], b"{\"id\":1}\n");
    assert_eq!(&s.get("feeds/shop_1/b.jsonl").await.unwrap()[..], b"bb");
    let listed: Vec<(String, u64)> = s.list(Some("feeds/shop_1/")).await.unwrap().into_iter().map(|o| (o.key, o.size)).collect();
    assert_eq!(listed, vec![("feeds/shop_1/a.jsonl".to_owned(), 9), ("feeds/shop_1/b.jsonl".to_owned(), 2)]);
    assert_eq!(s.list(None).await.unwrap().len(), 3);
    let head = s.head("feeds/shop_1/a.jsonl").await.unwrap();
    assert_eq!(head.size, 9);
    assert!((Utc::now() - head.last_modified).num_minutes().abs() < 10, "last_modified {}", head.last_modified);

    // A streamed upload larger than two 5 MiB parts goes up as a real multipart upload.
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let chunks: Vec<std::io::Result<Bytes>> = (0..12).map(|_| Ok(Bytes::from(chunk.clone()))).collect();
    let total = s.put_stream("big/blob.bin", futures::stream::iter(chunks).boxed()).await.unwrap();
    assert_eq!(total, 12 * 1024 * 1024);
    let (size, stream) = s.get_stream("big/blob.bin").await.unwrap();
    assert_eq!(size, total);
    let mut seen = 0usize;
    let mut stream = stream;
    while let Some(part) = stream.try_next().await.unwrap() {
        for (k, b) in part.iter().enumerate() {
            assert_eq!(*b, chunk[(seen + k) % chunk.len()], "byte {} differs", seen + k);
        }
        seen += part.len();
    }
    assert_eq!(seen as u64, total);

    // A failing upload stream leaves nothing behind.
    let broken = futures::stream::iter(vec![Ok(Bytes::from_static(b"partial")), Err(std::io::Error::other("source died"))]).boxed();
    assert!(s.put_stream("big/broken.bin", broken).await.is_err());
    assert!(matches!(s.get("big/broken.bin").await, Err(Error::NotFound(_))));

    s.delete("feeds/shop_1/a.jsonl").await.unwrap();
    s.delete("feeds/shop_1/a.jsonl").await.unwrap(); // deleting a missing object is fine
    assert!(matches!(s.get("feeds/shop_1/a.jsonl").await, Err(Error::NotFound(_))));
    assert!(matches!(s.head("feeds/shop_1/a.jsonl").await, Err(Error::NotFound(_))));
    let keys: Vec<String> = s.list(None).await.unwrap().into_iter().map(|o| o.key).collect();
    assert_eq!(keys, vec!["big/blob.bin", "feeds/shop_1/b.jsonl", "feeds/shop_2/c.jsonl"]);
    assert!(matches!(s.put("../escape", Bytes::new()).await, Err(Error::Validation(_))));

    // A bucket that does not exist is an error, not a silent success.
    let missing = s3_config(dir.path(), &endpoint, &format!("{bucket}-missing"));
    let m = Storage::from_config(&missing).unwrap();
    assert!(m.put("x", Bytes::from_static(b"x")).await.is_err(), "writing to a missing bucket must fail");
}

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

#[tokio::test]
async fn feed_snapshot_is_streamed_into_s3_and_read_back() {
    let Some(endpoint) = s3_endpoint() else { return };
    let bucket = create_bucket(&endpoint).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = s3_config(dir.path(), &endpoint, &bucket);
    let db = productsynch_db::connect_and_migrate(cfg.database_url.expose(), &Default::default()).await.unwrap();
    let app = App::from_parts(cfg, db.clone()).unwrap();
    assert!(app.storage().description().starts_with("s3://"));

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
    .unwrap();
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
    .unwrap();
    const N: u32 = 1_100; // more than two keyset pages
    for i in 0..N {
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
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
    }

    let snap = snapshot::generate(&app, &shop_id, FeedFormat::SNAPSHOT, None).await.unwrap();
    let expected: Vec<String> = (0..N).filter(|i| i % 10 != 0).map(|i| format!("SKU{i:05}")).collect();
    assert_eq!(snap.stats.items, expected.len() as u64);
    // the object is in the bucket under the recorded key, with the recorded size
    let listed = app.storage().list(Some(&format!("feeds/{shop_id}"))).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].key, snap.file.storage_key);
    assert_eq!(listed[0].size as i64, snap.file.size_bytes);
    // streamed back, it is the recorded file: size, SHA-256, items in order
    let (size, stream) = app.storage().get_stream(&snap.file.storage_key).await.unwrap();
    assert_eq!(size as i64, snap.file.size_bytes);
    let parts: Vec<Bytes> = stream.try_collect().await.unwrap();
    let bytes = parts.concat();
    assert_eq!(Some(productsynch_core::crypto::sha256_hex(&bytes)), snap.file.sha256);
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
    let ids: Vec<String> =
        text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["item_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, expected);
    // a byte range (what the hosted URL serves for Range requests) comes from S3 too
    let (start, end) = (10u64, 99u64);
    let ranged: Vec<Bytes> = snapshot::read_range(&app, &snap.file.storage_key, start, end).await.unwrap().try_collect().await.unwrap();
    assert_eq!(ranged.concat(), bytes[start as usize..=end as usize]);

    app.storage().delete(&snap.file.storage_key).await.unwrap();
    assert!(matches!(app.storage().get(&snap.file.storage_key).await, Err(Error::NotFound(_))));
}
