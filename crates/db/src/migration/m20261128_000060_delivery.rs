//! Feed delivery (issue 6): per-shop delivery settings (`shop_delivery`) and the push
//! history (`feed_pushes`). Secret columns hold AES-256-GCM envelopes.
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000060_delivery"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("shop_delivery")
                .col(id("shop_id"))
                .col(str_default("method", "hosted"))
                .col(str_default("cadence", "daily"))
                .col(bool("enabled", true))
                .col(text_null("https_endpoint"))
                .col(text_null("https_token"))
                .col(str_null("sftp_host"))
                .col(int_null("sftp_port"))
                .col(str_null("sftp_username"))
                .col(text_null("sftp_password"))
                .col(text_null("sftp_private_key"))
                .col(text_null("sftp_directory"))
                .col(str_null("sftp_file_name"))
                .col(str_null("sftp_host_key_fingerprint"))
                .col(ColumnDef::new("feed_token_hash").string_len(64).null())
                .col(text_null("feed_token"))
                .col(ts_null("feed_token_rotated_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("shop_delivery", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_shop_delivery_token", "shop_delivery", &["feed_token_hash"])).await?;

        m.create_table(
            Table::create()
                .table("feed_pushes")
                .col(id("id"))
                .col(id_ref("shop_id"))
                .col(id_ref_null("feed_file_id"))
                .col(id_ref_null("job_id"))
                .col(ColumnDef::new("method").string_len(16).not_null())
                .col(ColumnDef::new("triggered_by").string_len(16).not_null())
                .col(ColumnDef::new("status").string_len(16).not_null())
                .col(int("attempt", 1))
                .col(bigint_default("size_bytes", 0))
                .col(int("item_count", 0))
                .col(text_null("destination"))
                .col(int_null("remote_status"))
                .col(text_null("remote_response"))
                .col(text_null("error"))
                .col(ts("started_at"))
                .col(ts_null("finished_at"))
                .foreign_key(&mut fk("feed_pushes", "shop_id", "shops"))
                .foreign_key(&mut fk_null("feed_pushes", "feed_file_id", "feed_files"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_feed_pushes_shop", "feed_pushes", &["shop_id", "started_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["feed_pushes", "shop_delivery"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
