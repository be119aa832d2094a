//! Store connection and sync state (issue 6, helper "sync"): connection/settings of a shop,
//! resumable progress and counts of a sync batch, and extra manual feed fields of a product.
//! New tables only, so the spec §4 entities stay as they are.
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000010_sync"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("shop_connections")
                .col(ColumnDef::new("shop_id").string_len(48).not_null().primary_key())
                // single-use nonce of a pending wc-auth authorization
                .col(str_null("connect_nonce"))
                .col(ts_null("connect_started_at"))
                // store settings read at connect (currency, decimals, units, country…)
                .col(json_null("store_settings"))
                // category tree of the store (refreshed by full syncs)
                .col(json_null("categories"))
                // ids of the webhooks we registered at the store
                .col(json_null("webhook_ids"))
                // seller/feed settings beyond the shops columns (target countries, flags, gtin meta key, utm…)
                .col(json_null("feed_settings"))
                .col(str_null("auth_mode"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("shop_connections", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sync_batch_progress")
                .col(ColumnDef::new("batch_id").string_len(48).not_null().primary_key())
                .col(id_ref("shop_id"))
                .col(int("created", 0))
                .col(int("updated", 0))
                .col(int("unchanged", 0))
                .col(int("deleted", 0))
                // last completed page and the highest product id seen up to it (resume point)
                .col(int("pages_done", 0))
                .col(bigint_default("last_woo_id", 0))
                .col(int("total_pages", 0))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("sync_batch_progress", "batch_id", "sync_batches"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("product_manual_fields")
                .col(ColumnDef::new("product_id").string_len(48).not_null().primary_key())
                .col(id_ref("shop_id"))
                // feed fields set by hand beyond the products.manual_* columns: {brand, gtin, condition, …}
                .col(json("fields"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("product_manual_fields", "product_id", "products"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["product_manual_fields", "sync_batch_progress", "shop_connections"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
