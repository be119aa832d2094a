use super::{ProductStatus, SyncStatus};
use sea_orm::entity::prelude::*;

/// A WooCommerce product with its feed, AI and manual layers (spec §4 `Product`).
/// `ai_keywords` / `manual_keywords` are JSON arrays of strings.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub shop_id: String,
    // WooCommerce original data
    pub woo_product_id: i64,
    pub woo_type: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub woo_title: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub woo_description: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub woo_short_description: Option<String>,
    pub woo_sku: Option<String>,
    #[sea_orm(column_type = "Decimal(Some((14, 2)))", nullable)]
    pub woo_price: Option<Decimal>,
    #[sea_orm(column_type = "Decimal(Some((14, 2)))", nullable)]
    pub woo_regular_price: Option<Decimal>,
    #[sea_orm(column_type = "Decimal(Some((14, 2)))", nullable)]
    pub woo_sale_price: Option<Decimal>,
    pub woo_stock_status: Option<String>,
    pub woo_stock_quantity: Option<i32>,
    pub woo_categories: Option<Json>,
    pub woo_images: Option<Json>,
    pub woo_attributes: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub woo_permalink: Option<String>,
    pub woo_raw_json: Option<Json>,
    pub woo_modified_at: Option<DateTimeUtc>,
    // OpenAI feed data
    pub feed_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub feed_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub feed_description: Option<String>,
    pub feed_price: Option<String>,
    pub feed_availability: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub feed_category: Option<String>,
    pub feed_brand: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub feed_image_link: Option<String>,
    pub feed_enable_search: bool,
    pub feed_enable_checkout: bool,
    pub feed_data_json: Option<Json>,
    // AI enrichment
    pub ai_enriched: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub ai_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub ai_description: Option<String>,
    pub ai_keywords: Option<Json>,
    pub ai_q_and_a: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub ai_suggested_category: Option<String>,
    pub ai_enriched_at: Option<DateTimeUtc>,
    // Manual overrides
    pub manual_override: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub manual_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub manual_description: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub manual_category: Option<String>,
    pub manual_keywords: Option<Json>,
    pub manual_q_and_a: Option<Json>,
    pub manual_edited_at: Option<DateTimeUtc>,
    // Sync status
    pub status: ProductStatus,
    pub sync_status: SyncStatus,
    pub last_synced_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub sync_error: Option<String>,
    pub checksum: Option<String>,
    pub is_valid: bool,
    pub validation_errors: Option<Json>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::shops::Entity", from = "Column::ShopId", to = "super::shops::Column::Id")]
    Shop,
    #[sea_orm(has_many = "super::product_variants::Entity")]
    Variants,
    #[sea_orm(has_many = "super::product_analytics::Entity")]
    Analytics,
}

impl Related<super::shops::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Shop.def()
    }
}
impl Related<super::product_variants::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Variants.def()
    }
}
impl Related<super::product_analytics::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Analytics.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
