use sea_orm::entity::prelude::*;

/// A received WooCommerce webhook delivery; `(shop_id, delivery_id)` is unique so a
/// redelivery is recognised. `status`: `received`, `processed`, `failed`, `ignored`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub shop_id: String,
    pub delivery_id: String,
    pub topic: String,
    pub resource_id: i64,
    pub payload: Option<Json>,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub attempts: i32,
    pub received_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::shops::Entity", from = "Column::ShopId", to = "super::shops::Column::Id")]
    Shop,
}

impl ActiveModelBehavior for ActiveModel {}
