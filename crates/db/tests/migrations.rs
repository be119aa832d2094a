//! Migrations up from empty, on both backends, and a write/read through every entity kind.
use productsynch_db::entities::*;
use productsynch_db::{both_backends, ids};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

both_backends!(migrates_from_empty_and_roundtrips, |db| async move {
    let applied = productsynch_db::applied_migrations(&db).await.unwrap();
    // Every schema step is applied from empty, in order (a new migration is added here too).
    assert_eq!(
        applied,
        vec![
            "m20261128_000001_accounts",
            "m20261128_000002_catalog",
            "m20261128_000003_platform",
            "m20261128_000010_sync",
            "m20261128_000060_delivery",
            "m20261128_000070_product_list_indexes",
            "m20261128_000071_product_search_index",
            "m20261128_000072_product_flags_index",
            "m20261128_000073_job_claim_index"
        ]
    );
    // Running again is a no-op.
    productsynch_db::migrate(&db).await.unwrap();
    productsynch_db::ping(&db).await.unwrap();

    let now = chrono::Utc::now();
    let user_id = ids::new_id(ids::USER);
    users::ActiveModel {
        id: Set(user_id.clone()),
        email: Set("a@example.com".into()),
        password_hash: Set("x".into()),
        name: Set(Some("A".into())),
        email_verified: Set(false),
        email_verified_at: Set(None),
        subscription_tier: Set(SubscriptionTier::Free),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&db)
    .await
    .unwrap();

    // unique email
    let dup = users::ActiveModel {
        id: Set(ids::new_id(ids::USER)),
        email: Set("a@example.com".into()),
        password_hash: Set("x".into()),
        name: Set(None),
        email_verified: Set(false),
        email_verified_at: Set(None),
        subscription_tier: Set(SubscriptionTier::Free),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&db)
    .await
    .unwrap_err();
    assert!(productsynch_db::is_unique_violation(&dup), "{dup:?}");

    let shop_id = ids::new_id(ids::SHOP);
    shops::ActiveModel {
        id: Set(shop_id.clone()),
        user_id: Set(user_id.clone()),
        woo_store_url: Set("https://shop.example".into()),
        woo_consumer_key: Set("ck_x".into()),
        woo_consumer_secret: Set("v1:k:xx".into()),
        woo_webhook_secret: Set(None),
        shop_name: Set("Shop".into()),
        shop_currency: Set("USD".into()),
        is_connected: Set(true),
        last_sync_at: Set(None),
        sync_status: Set(SyncStatus::Pending),
        sync_enabled: Set(true),
        last_health_check_at: Set(None),
        connection_error: Set(None),
        openai_merchant_id: Set(None),
        openai_endpoint: Set(None),
        openai_token: Set(None),
        openai_enabled: Set(false),
        seller_name: Set(None),
        seller_url: Set(None),
        seller_privacy_policy: Set(None),
        seller_tos: Set(None),
        return_policy: Set(None),
        return_window: Set(Some(30)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&db)
    .await
    .unwrap();

    let price: rust_decimal::Decimal = "79.99".parse().unwrap();
    let mut p = products::ActiveModel {
        id: Set(ids::new_id(ids::PRODUCT)),
        shop_id: Set(shop_id.clone()),
        woo_product_id: Set(42),
        woo_title: Set("Hoodie".into()),
        woo_price: Set(Some(price)),
        ai_keywords: Set(Some(serde_json::json!(["warm", "cotton"]))),
        status: Set(ProductStatus::Approved),
        sync_status: Set(SyncStatus::Completed),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    for (col, v) in [
        (products::Column::FeedEnableSearch, true),
        (products::Column::FeedEnableCheckout, false),
        (products::Column::AiEnriched, false),
        (products::Column::ManualOverride, false),
        (products::Column::IsValid, true),
    ] {
        p.set(col, v.into());
    }
    p.insert(&db).await.unwrap();

    let found = products::Entity::find()
        .filter(products::Column::ShopId.eq(&shop_id))
        .filter(products::Column::Status.eq(ProductStatus::Approved))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.woo_price, Some(price));
    assert_eq!(found.ai_keywords, Some(serde_json::json!(["warm", "cotton"])));
    assert!(found.is_valid);

    // (shop_id, woo_product_id) is unique
    let dup = products::ActiveModel {
        id: Set(ids::new_id(ids::PRODUCT)),
        shop_id: Set(shop_id.clone()),
        woo_product_id: Set(42),
        woo_title: Set("Hoodie again".into()),
        status: Set(ProductStatus::Draft),
        sync_status: Set(SyncStatus::Pending),
        feed_enable_search: Set(true),
        feed_enable_checkout: Set(false),
        ai_enriched: Set(false),
        manual_override: Set(false),
        is_valid: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap_err();
    assert!(productsynch_db::is_unique_violation(&dup));

    // Deleting the user cascades to shops and products (foreign keys are on).
    users::Entity::delete_by_id(user_id.clone()).exec(&db).await.unwrap();
    assert_eq!(products::Entity::find().all(&db).await.unwrap().len(), 0);
    assert_eq!(shops::Entity::find().all(&db).await.unwrap().len(), 0);
});

#[test]
fn unknown_scheme_is_a_clear_error() {
    let err = productsynch_db::DbKind::from_url("mysql://x").unwrap_err();
    assert!(err.to_string().contains("mysql"), "{err}");
    assert_eq!(productsynch_db::DbKind::from_url("postgresql://x").unwrap(), productsynch_db::DbKind::Postgres);
    assert_eq!(productsynch_db::DbKind::from_url("sqlite::memory:").unwrap(), productsynch_db::DbKind::Sqlite);
}
