//! The index the job claim actually uses (issue 5): `(status, run_at, id, kind)` on `jobs`.
//!
//! Why: the claim (`JobQueue::claim` in productsynch-core) is `WHERE status = 'queued' AND run_at <= now AND
//! kind IN (…handled kinds…) ORDER BY run_at, id LIMIT n` (`FOR UPDATE SKIP LOCKED` on PostgreSQL). The
//! index of 000003 named `idx_jobs_claim` is `(status, queue, run_at)`, but the claim never filters on
//! `queue`, so only its `status` prefix is usable: both backends read every queued job (due or not) and
//! sort them to find the oldest few. PostgreSQL chose a bitmap scan over `idx_jobs_lease (status, …)` plus
//! an external sort (~36 ms per claim with 60,000 queued jobs); SQLite a search on `status` plus a
//! temporary B-tree for the ORDER BY. With this index the equality on `status`, the range on `run_at`
//! and the order `run_at, id` are all served by the index, so a claim reads only the rows it returns
//! (PostgreSQL: index scan, no sort, ~0.1 ms on the same data; SQLite: covering index search
//! `status=? AND run_at<?`, no temporary B-tree). `kind` comes last: it is an `IN` list of most kinds, so
//! leading with it would split the ordered walk into one range per kind; trailing, it makes the index
//! covering for SQLite's sub-select. `idx_jobs_claim` stays: it covers the per-(queue, status) counts of
//! `JobQueue::counts` (the jobs metrics).
use super::ddl::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000073_job_claim_index"
    }
}

const NAME: &str = "idx_jobs_due";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(NAME, "jobs", &["status", "run_at", "id", "kind"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table("jobs").to_owned()).await
    }
}
