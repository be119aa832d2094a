//! Product list indexes (issue 6): `GET /products` orders a shop's products by a column and then by id, so each
//! sortable column gets a `(shop_id, <sort col>, id)` index that serves the ORDER BY … LIMIT/OFFSET straight from
//! the index (no sort of the whole shop). `(shop_id, updated_at, id)` replaces `(shop_id, updated_at)`.
//! `wooProductId` is served by `uq_products_shop_woo`; `(shop_id, feed_availability, updated_at, id)` serves the
//! availability filter.
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000070_product_list_indexes"
    }
}

const INDEXES: &[(&str, &str)] = &[
    ("idx_products_list_updated", "updated_at"),
    ("idx_products_list_created", "created_at"),
    ("idx_products_list_title", "woo_title"),
    ("idx_products_list_price", "woo_price"),
    ("idx_products_list_synced", "last_synced_at"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, col) in INDEXES {
            let col: &'static str = col;
            m.create_index(index(name, "products", &["shop_id", col, "id"])).await?;
        }
        // The availability filter: an index-only count and the default order without sorting the matches.
        m.create_index(index("idx_products_list_availability", "products", &["shop_id", "feed_availability", "updated_at", "id"])).await?;
        m.drop_index(Index::drop().name("idx_products_shop_updated").table("products").to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("idx_products_shop_updated", "products", &["shop_id", "updated_at"])).await?;
        m.drop_index(Index::drop().name("idx_products_list_availability").table("products").to_owned()).await?;
        for (name, _) in INDEXES {
            m.drop_index(Index::drop().name(*name).table("products").to_owned()).await?;
        }
        Ok(())
    }
}
