use super::SyncStatus;
use sea_orm::entity::prelude::*;

/// A connected WooCommerce store. Secret columns hold AES-256-GCM envelopes (`v1:<kid>:…`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub woo_store_url: String,
    pub woo_consumer_key: String,
    /// Encrypted.
    #[sea_orm(column_type = "Text")]
    pub woo_consumer_secret: String,
    /// Encrypted.
    #[sea_orm(column_type = "Text", nullable)]
    pub woo_webhook_secret: Option<String>,
    pub shop_name: String,
    pub shop_currency: String,
    pub is_connected: bool,
    pub last_sync_at: Option<DateTimeUtc>,
    pub sync_status: SyncStatus,
    pub sync_enabled: bool,
    pub last_health_check_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub connection_error: Option<String>,
    pub openai_merchant_id: Option<String>,
    pub openai_endpoint: Option<String>,
    /// Encrypted.
    #[sea_orm(column_type = "Text", nullable)]
    pub openai_token: Option<String>,
    pub openai_enabled: bool,
    pub seller_name: Option<String>,
    pub seller_url: Option<String>,
    pub seller_privacy_policy: Option<String>,
    pub seller_tos: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub return_policy: Option<String>,
    pub return_window: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::users::Entity", from = "Column::UserId", to = "super::users::Column::Id")]
    User,
    #[sea_orm(has_many = "super::products::Entity")]
    Products,
    #[sea_orm(has_many = "super::sync_batches::Entity")]
    SyncBatches,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}
impl Related<super::products::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Products.def()
    }
}
impl Related<super::sync_batches::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SyncBatches.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
