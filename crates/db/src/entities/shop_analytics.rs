use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shop_analytics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub shop_id: String,
    pub date: Date,
    pub total_products: i32,
    pub synced_products: i32,
    pub enriched_products: i32,
    pub chatgpt_impressions: i32,
    pub chatgpt_clicks: i32,
    pub chatgpt_conversions: i32,
    pub chatgpt_traffic: i32,
    #[sea_orm(column_type = "Decimal(Some((14, 2)))", nullable)]
    pub chatgpt_revenue: Option<Decimal>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::shops::Entity", from = "Column::ShopId", to = "super::shops::Column::Id")]
    Shop,
}

impl ActiveModelBehavior for ActiveModel {}
