//! jobs, schedule_runs, email_outbox.
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000003_platform"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("jobs")
                .col(id("id"))
                .col(ColumnDef::new("queue").string_len(32).not_null())
                .col(ColumnDef::new("kind").string_len(64).not_null())
                .col(json("payload"))
                .col(ColumnDef::new("status").string_len(16).not_null().default("queued"))
                .col(int("attempts", 0))
                .col(int("max_attempts", 5))
                .col(ts("run_at"))
                .col(str_null("locked_by"))
                .col(ts_null("locked_until"))
                .col(json_null("progress"))
                .col(json_null("result"))
                .col(text_null("last_error"))
                .col(id_ref_null("user_id"))
                .col(id_ref_null("shop_id"))
                // Set while the job is queued or running, cleared when it finishes: a unique
                // index over it keeps one live job per key (NULLs never collide).
                .col(str_null("dedupe_key"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("started_at"))
                .col(ts_null("finished_at"))
                .foreign_key(&mut fk_null("jobs", "user_id", "users"))
                .foreign_key(&mut fk_null("jobs", "shop_id", "shops"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_jobs_claim", "jobs", &["status", "queue", "run_at"])).await?;
        m.create_index(index("idx_jobs_lease", "jobs", &["status", "locked_until"])).await?;
        m.create_index(index("idx_jobs_user", "jobs", &["user_id", "created_at"])).await?;
        m.create_index(index("idx_jobs_shop", "jobs", &["shop_id", "created_at"])).await?;
        m.create_index(unique("uq_jobs_dedupe", "jobs", &["dedupe_key"])).await?;

        m.create_table(
            Table::create()
                .table("schedule_runs")
                .col(id("id"))
                .col(ColumnDef::new("schedule").string_len(64).not_null())
                .col(ts("slot"))
                .col(str("fired_by"))
                .col(ts("fired_at"))
                .col(id_ref_null("job_id"))
                .take(),
        )
        .await?;
        m.create_index(unique("uq_schedule_runs_slot", "schedule_runs", &["schedule", "slot"])).await?;

        m.create_table(
            Table::create()
                .table("email_outbox")
                .col(id("id"))
                .col(ColumnDef::new("to_addr").string_len(320).not_null())
                .col(str("from_addr"))
                .col(text("subject"))
                .col(text("html_body"))
                .col(text("text_body"))
                .col(ColumnDef::new("template").string_len(64).not_null())
                .col(ColumnDef::new("backend").string_len(16).not_null())
                .col(ColumnDef::new("status").string_len(16).not_null())
                .col(text_null("error"))
                .col(str_null("provider_id"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index("idx_email_outbox_created", "email_outbox", &["created_at"])).await?;
        m.create_index(index("idx_email_outbox_to", "email_outbox", &["to_addr", "created_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["email_outbox", "schedule_runs", "jobs"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
