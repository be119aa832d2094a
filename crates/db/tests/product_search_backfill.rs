//! Migration `m20261128_000071_product_search_index` backfills the category rows (both backends) and the search
//! copy + trigram FTS index (SQLite) from products stored before it, and `down` undoes it.
use productsynch_db::both_backends;
use productsynch_db::migration::Migrator;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let r = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    r.try_get::<i64>("", "n").unwrap()
}

both_backends!(backfills_existing_products, |db| async move {
    // Back to the schema before 000071 (undoing it and every later migration), then products stored without it.
    let applied = productsynch_db::applied_migrations(&db).await.unwrap();
    let from = applied.iter().position(|m| m == "m20261128_000071_product_search_index").expect("000071 applied");
    Migrator::down(&db, Some((applied.len() - from) as u32)).await.unwrap();
    let exists = db
        .execute_unprepared("SELECT 1 FROM product_categories")
        .await;
    assert!(exists.is_err(), "down drops product_categories");
    let now = "2026-11-28 00:00:00+00:00";
    db.execute_unprepared(&format!(
        "INSERT INTO users (id, email, password_hash, email_verified, subscription_tier, password_changed_at, created_at, updated_at) \
         VALUES ('usr_bf', 'bf@example.com', 'x', false, 'FREE', '{now}', '{now}', '{now}')"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "INSERT INTO shops (id, user_id, woo_store_url, woo_consumer_key, woo_consumer_secret, shop_name, created_at, updated_at) \
         VALUES ('shp_bf', 'usr_bf', 'https://bf.example', 'ck', 'x', 'BF', '{now}', '{now}')"
    ))
    .await
    .unwrap();
    let rows = [
        ("prd_bf1", 1, "Blue Cotton Shirt", "TS-100", r#"[{"id":1,"name":"T-Shirts","slug":"t-shirts"},{"id":2,"name":"Summer Sale","slug":"summer-sale"}]"#),
        ("prd_bf2", 2, "Coffee Mug", "MUG-1", r#"[{"id":3,"name":"Kitchen","slug":"kitchen"}]"#),
        ("prd_bf3", 3, "Poster", "P-1", "null"),
        ("prd_bf4", 4, "Lamp", "L-1", r#"{"not":"an array"}"#),
    ];
    for (id, woo, title, sku, cats) in rows {
        db.execute_unprepared(&format!(
            "INSERT INTO products (id, shop_id, woo_product_id, woo_title, woo_sku, woo_categories, status, sync_status, is_valid, \
             feed_enable_search, feed_enable_checkout, ai_enriched, manual_override, created_at, updated_at) \
             VALUES ('{id}', 'shp_bf', {woo}, '{title}', '{sku}', '{cats}', 'SYNCED', 'COMPLETED', true, true, false, false, false, '{now}', '{now}')"
        ))
        .await
        .unwrap();
    }
    db.execute_unprepared("INSERT INTO products (id, shop_id, woo_product_id, woo_title, status, sync_status, is_valid, feed_enable_search, feed_enable_checkout, ai_enriched, manual_override, created_at, updated_at) VALUES ('prd_bf5', 'shp_bf', 5, 'No categories', 'SYNCED', 'COMPLETED', true, true, false, false, false, '2026-11-28 00:00:00+00:00', '2026-11-28 00:00:00+00:00')")
        .await
        .unwrap();

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_categories").await, 3);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_categories WHERE shop_id = 'shp_bf' AND slug = 't-shirts' AND product_id = 'prd_bf1'").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_categories WHERE shop_id = 'shp_bf' AND name_lower = 'summer sale' AND product_id = 'prd_bf1'").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_categories WHERE shop_id = 'shp_bf' AND name_lower = 'kitchen' AND product_id = 'prd_bf2'").await, 1);
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_search").await, 5);
        let hits = "SELECT COUNT(*) AS n FROM product_search WHERE id IN (SELECT rowid FROM product_search_fts WHERE product_search_fts MATCH '\"otton sh\"')";
        assert_eq!(count(&db, hits).await, 1);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_search_fts WHERE product_search_fts MATCH '\"mug-1\"'").await, 1);
    } else {
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM pg_indexes WHERE indexname LIKE 'idx_products_trgm_%'").await, 3);
    }
    // The triggers are live after the backfill: a delete removes the product's rows.
    db.execute_unprepared("DELETE FROM products WHERE id = 'prd_bf1'").await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_categories WHERE product_id = 'prd_bf1'").await, 0);
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_search_fts WHERE product_search_fts MATCH '\"cotton\"'").await, 0);
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM product_search").await, 4);
    }
});
