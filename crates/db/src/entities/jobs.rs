use super::JobStatus;
use sea_orm::entity::prelude::*;

/// A background job. See `productsynch_core::jobs` for the queue that drives it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub queue: String,
    pub kind: String,
    pub payload: Json,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTimeUtc,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    /// `{"current":n,"total":m,"message":"…"}`
    pub progress: Option<Json>,
    pub result: Option<Json>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub user_id: Option<String>,
    pub shop_id: Option<String>,
    /// Set while queued/running; cleared when finished (unique).
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
