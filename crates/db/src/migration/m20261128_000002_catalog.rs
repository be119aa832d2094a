//! shops, products, product_variants, product_analytics, shop_analytics, sync_batches,
//! webhook_events, feed_files (spec §4 plus what it implies).
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_catalog"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("shops")
                .col(id("id"))
                .col(id_ref("user_id"))
                .col(str("woo_store_url"))
                .col(str("woo_consumer_key"))
                .col(text("woo_consumer_secret")) // AES-GCM envelope
                .col(text_null("woo_webhook_secret")) // AES-GCM envelope
                .col(str("shop_name"))
                .col(ColumnDef::new("shop_currency").string_len(3).not_null().default("USD"))
                .col(bool("is_connected", false))
                .col(ts_null("last_sync_at"))
                .col(str_default("sync_status", "PENDING"))
                .col(bool("sync_enabled", true))
                .col(ts_null("last_health_check_at"))
                .col(text_null("connection_error"))
                .col(str_null("openai_merchant_id"))
                .col(str_null("openai_endpoint"))
                .col(text_null("openai_token")) // AES-GCM envelope
                .col(bool("openai_enabled", false))
                .col(str_null("seller_name"))
                .col(str_null("seller_url"))
                .col(str_null("seller_privacy_policy"))
                .col(str_null("seller_tos"))
                .col(text_null("return_policy"))
                .col(int_null("return_window"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("shops", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_shops_user", "shops", &["user_id", "created_at"])).await?;
        m.create_index(index("idx_shops_sync_enabled", "shops", &["sync_enabled", "is_connected"])).await?;
        m.create_index(unique("uq_shops_user_store", "shops", &["user_id", "woo_store_url"])).await?;

        m.create_table(
            Table::create()
                .table("products")
                .col(id("id"))
                .col(id_ref("shop_id"))
                // WooCommerce original data
                .col(bigint("woo_product_id"))
                .col(str_null("woo_type"))
                .col(text("woo_title"))
                .col(text_null("woo_description"))
                .col(text_null("woo_short_description"))
                .col(str_null("woo_sku"))
                .col(money_null("woo_price"))
                .col(money_null("woo_regular_price"))
                .col(money_null("woo_sale_price"))
                .col(str_null("woo_stock_status"))
                .col(int_null("woo_stock_quantity"))
                .col(json_null("woo_categories"))
                .col(json_null("woo_images"))
                .col(json_null("woo_attributes"))
                .col(text_null("woo_permalink"))
                .col(json_null("woo_raw_json"))
                .col(ts_null("woo_modified_at"))
                // OpenAI feed data
                .col(str_null("feed_id"))
                .col(text_null("feed_title"))
                .col(text_null("feed_description"))
                .col(str_null("feed_price"))
                .col(str_null("feed_availability"))
                .col(text_null("feed_category"))
                .col(str_null("feed_brand"))
                .col(text_null("feed_image_link"))
                .col(bool("feed_enable_search", true))
                .col(bool("feed_enable_checkout", false))
                .col(json_null("feed_data_json"))
                // AI enrichment
                .col(bool("ai_enriched", false))
                .col(text_null("ai_title"))
                .col(text_null("ai_description"))
                .col(json_null("ai_keywords"))
                .col(json_null("ai_q_and_a"))
                .col(text_null("ai_suggested_category"))
                .col(ts_null("ai_enriched_at"))
                // Manual overrides
                .col(bool("manual_override", false))
                .col(text_null("manual_title"))
                .col(text_null("manual_description"))
                .col(text_null("manual_category"))
                .col(json_null("manual_keywords"))
                .col(json_null("manual_q_and_a"))
                .col(ts_null("manual_edited_at"))
                // Sync status
                .col(str_default("status", "DRAFT"))
                .col(str_default("sync_status", "PENDING"))
                .col(ts_null("last_synced_at"))
                .col(text_null("sync_error"))
                .col(ColumnDef::new("checksum").string_len(64).null())
                .col(bool("is_valid", false))
                .col(json_null("validation_errors"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("products", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_products_shop_woo", "products", &["shop_id", "woo_product_id"])).await?;
        m.create_index(index("idx_products_shop_status", "products", &["shop_id", "status"])).await?;
        m.create_index(index("idx_products_shop_sync_status", "products", &["shop_id", "sync_status"])).await?;
        m.create_index(index("idx_products_shop_updated", "products", &["shop_id", "updated_at"])).await?;
        m.create_index(index("idx_products_shop_enriched", "products", &["shop_id", "ai_enriched"])).await?;
        m.create_index(index("idx_products_shop_valid", "products", &["shop_id", "is_valid"])).await?;
        m.create_index(index("idx_products_shop_sku", "products", &["shop_id", "woo_sku"])).await?;

        m.create_table(
            Table::create()
                .table("product_variants")
                .col(id("id"))
                .col(id_ref("product_id"))
                .col(id_ref("shop_id"))
                .col(bigint("woo_variation_id"))
                .col(str_null("sku"))
                .col(money_null("price"))
                .col(money_null("regular_price"))
                .col(money_null("sale_price"))
                .col(str_null("stock_status"))
                .col(int_null("stock_quantity"))
                .col(json_null("attributes"))
                .col(json_null("image"))
                .col(text_null("permalink"))
                .col(json_null("raw_json"))
                .col(str_null("feed_id"))
                .col(ColumnDef::new("checksum").string_len(64).null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("product_variants", "product_id", "products"))
                .foreign_key(&mut fk("product_variants", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_variants_product_woo", "product_variants", &["product_id", "woo_variation_id"]))
            .await?;
        m.create_index(index("idx_variants_shop", "product_variants", &["shop_id", "woo_variation_id"])).await?;

        m.create_table(
            Table::create()
                .table("product_analytics")
                .col(id("id"))
                .col(id_ref("product_id"))
                .col(date("date"))
                .col(int("chatgpt_impressions", 0))
                .col(int("chatgpt_clicks", 0))
                .col(int("chatgpt_conversions", 0))
                .col(money_null("chatgpt_revenue"))
                .foreign_key(&mut fk("product_analytics", "product_id", "products"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_product_analytics_day", "product_analytics", &["product_id", "date"])).await?;

        m.create_table(
            Table::create()
                .table("shop_analytics")
                .col(id("id"))
                .col(id_ref("shop_id"))
                .col(date("date"))
                .col(int("total_products", 0))
                .col(int("synced_products", 0))
                .col(int("enriched_products", 0))
                .col(int("chatgpt_impressions", 0))
                .col(int("chatgpt_clicks", 0))
                .col(int("chatgpt_conversions", 0))
                .col(int("chatgpt_traffic", 0))
                .col(money_null("chatgpt_revenue"))
                .foreign_key(&mut fk("shop_analytics", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_shop_analytics_day", "shop_analytics", &["shop_id", "date"])).await?;

        m.create_table(
            Table::create()
                .table("sync_batches")
                .col(id("id"))
                .col(id_ref("shop_id"))
                .col(str_default("status", "PENDING"))
                .col(str("sync_type"))
                .col(int("total_products", 0))
                .col(int("synced_products", 0))
                .col(int("failed_products", 0))
                .col(ts_null("started_at"))
                .col(ts_null("completed_at"))
                .col(json_null("error_log"))
                .col(text_null("feed_file_url"))
                .col(str_null("triggered_by"))
                .col(id_ref_null("job_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("sync_batches", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_sync_batches_shop_created", "sync_batches", &["shop_id", "created_at"])).await?;
        m.create_index(index("idx_sync_batches_shop_status", "sync_batches", &["shop_id", "status"])).await?;

        m.create_table(
            Table::create()
                .table("webhook_events")
                .col(id("id"))
                .col(id_ref("shop_id"))
                .col(str("delivery_id"))
                .col(str("topic"))
                .col(bigint_default("resource_id", 0))
                .col(json_null("payload"))
                .col(str_default("status", "received"))
                .col(text_null("error"))
                .col(int("attempts", 0))
                .col(ts("received_at"))
                .col(ts_null("processed_at"))
                .foreign_key(&mut fk("webhook_events", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_webhook_events_delivery", "webhook_events", &["shop_id", "delivery_id"])).await?;
        m.create_index(index("idx_webhook_events_shop_status", "webhook_events", &["shop_id", "status", "received_at"]))
            .await?;
        m.create_index(index("idx_webhook_events_received", "webhook_events", &["received_at"])).await?;

        m.create_table(
            Table::create()
                .table("feed_files")
                .col(id("id"))
                .col(id_ref("shop_id"))
                .col(ColumnDef::new("format").string_len(16).not_null())
                .col(str("storage_key"))
                .col(bigint_default("size_bytes", 0))
                .col(int("item_count", 0))
                .col(ColumnDef::new("sha256").string_len(64).null())
                .col(id_ref_null("batch_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("feed_files", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_feed_files_shop_created", "feed_files", &["shop_id", "created_at"])).await?;
        m.create_index(index("idx_feed_files_created", "feed_files", &["created_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "feed_files",
            "webhook_events",
            "sync_batches",
            "shop_analytics",
            "product_analytics",
            "product_variants",
            "products",
            "shops",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
