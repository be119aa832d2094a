use super::{SyncStatus, SyncType};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_batches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub shop_id: String,
    pub status: SyncStatus,
    pub sync_type: SyncType,
    pub total_products: i32,
    pub synced_products: i32,
    pub failed_products: i32,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub error_log: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub feed_file_url: Option<String>,
    /// `user`, `webhook`, `schedule`.
    pub triggered_by: Option<String>,
    pub job_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::shops::Entity", from = "Column::ShopId", to = "super::shops::Column::Id")]
    Shop,
}

impl Related<super::shops::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Shop.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
