use sea_orm::entity::prelude::*;

/// A generated feed file in object storage.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub shop_id: String,
    /// `jsonl`, `jsonl.gz`, `csv`, `tsv`, `xml`, …
    pub format: String,
    pub storage_key: String,
    pub size_bytes: i64,
    pub item_count: i32,
    pub sha256: Option<String>,
    pub batch_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::shops::Entity", from = "Column::ShopId", to = "super::shops::Column::Id")]
    Shop,
}

impl ActiveModelBehavior for ActiveModel {}
