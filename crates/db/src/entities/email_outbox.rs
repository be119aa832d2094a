use sea_orm::entity::prelude::*;

/// Every email the app sent or stored. With the `outbox` backend this is the mailbox
/// (listed at `GET /api/v1/dev/outbox`); other backends record their result here too.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub to_addr: String,
    pub from_addr: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub html_body: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    pub template: String,
    /// `outbox`, `smtp`, `resend`, `sendgrid`.
    pub backend: String,
    /// `stored`, `sent`, `failed`.
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub provider_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
