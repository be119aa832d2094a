use sea_orm::entity::prelude::*;

/// One row per fired schedule slot; `(schedule, slot)` is unique so a slot fires once
/// across every worker process.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedule_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub schedule: String,
    pub slot: DateTimeUtc,
    pub fired_by: String,
    pub fired_at: DateTimeUtc,
    pub job_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
