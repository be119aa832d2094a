//! Entities of the tables added by migration `m20261128_000010_sync` (kept beside the code that
//! owns them so the spec §4 entities in `productsynch-db` stay untouched).

pub mod shop_connections {
    use sea_orm::entity::prelude::*;

    /// Connection state of a shop: pending wc-auth nonce, store settings, categories, our webhooks.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "shop_connections")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub shop_id: String,
        pub connect_nonce: Option<String>,
        pub connect_started_at: Option<DateTimeUtc>,
        pub store_settings: Option<Json>,
        pub categories: Option<Json>,
        pub webhook_ids: Option<Json>,
        pub feed_settings: Option<Json>,
        pub auth_mode: Option<String>,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sync_batch_progress {
    use sea_orm::entity::prelude::*;

    /// Counts and resume point of a sync batch.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sync_batch_progress")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub batch_id: String,
        pub shop_id: String,
        pub created: i32,
        pub updated: i32,
        pub unchanged: i32,
        pub deleted: i32,
        pub pages_done: i32,
        pub last_woo_id: i64,
        pub total_pages: i32,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod product_manual_fields {
    use sea_orm::entity::prelude::*;

    /// Feed fields set by hand beyond `products.manual_*` (brand, gtin, condition, …), canonical names.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "product_manual_fields")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub product_id: String,
        pub shop_id: String,
        pub fields: Json,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
