//! users, user_settings, refresh_tokens, email_tokens, audit_log.
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000001_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("users")
                .col(id("id"))
                .col(ColumnDef::new("email").string_len(320).not_null().unique_key())
                .col(str("password_hash"))
                .col(str_null("name"))
                .col(bool("email_verified", false))
                .col(ts_null("email_verified_at"))
                .col(str_default("subscription_tier", "FREE"))
                .col(ts("password_changed_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("user_settings")
                .col(ColumnDef::new("user_id").string_len(48).not_null().primary_key())
                .col(str_default("timezone", "UTC"))
                .col(str_default("locale", "en"))
                .col(bool("notify_sync_failures", true))
                .col(bool("notify_store_disconnected", true))
                .col(bool("weekly_report", false))
                .col(bool("auto_enrich", false))
                .col(json_null("preferences"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("user_settings", "user_id", "users"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("refresh_tokens")
                .col(id("id"))
                .col(id_ref("user_id"))
                .col(ColumnDef::new("family_id").string_len(48).not_null())
                .col(ColumnDef::new("token_hash").string_len(64).not_null().unique_key())
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("rotated_at"))
                .col(ts_null("revoked_at"))
                .col(str_null("revoked_reason"))
                .col(id_ref_null("replaced_by"))
                .col(str_null("user_agent"))
                .col(str_null("ip"))
                .foreign_key(&mut fk("refresh_tokens", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_refresh_tokens_user", "refresh_tokens", &["user_id", "created_at"])).await?;
        m.create_index(index("idx_refresh_tokens_family", "refresh_tokens", &["family_id"])).await?;
        m.create_index(index("idx_refresh_tokens_expires", "refresh_tokens", &["expires_at"])).await?;

        m.create_table(
            Table::create()
                .table("email_tokens")
                .col(id("id"))
                .col(id_ref("user_id"))
                .col(ColumnDef::new("kind").string_len(32).not_null())
                .col(ColumnDef::new("token_hash").string_len(64).not_null().unique_key())
                .col(ColumnDef::new("email").string_len(320).not_null())
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .foreign_key(&mut fk("email_tokens", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_email_tokens_user_kind", "email_tokens", &["user_id", "kind"])).await?;
        m.create_index(index("idx_email_tokens_expires", "email_tokens", &["expires_at"])).await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(id("id"))
                .col(id_ref_null("user_id"))
                .col(ColumnDef::new("action").string_len(64).not_null())
                .col(str_null("target_type"))
                .col(str_null("target_id"))
                .col(str_null("ip"))
                .col(str_null("user_agent"))
                .col(json_null("details"))
                .col(ts("created_at"))
                .foreign_key(&mut fk_null("audit_log", "user_id", "users"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_audit_log_user", "audit_log", &["user_id", "created_at"])).await?;
        m.create_index(index("idx_audit_log_created", "audit_log", &["created_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_log", "email_tokens", "refresh_tokens", "user_settings", "users"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
