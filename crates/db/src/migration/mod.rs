//! Versioned migrations, one source (sea-query DDL) for SQLite and PostgreSQL.
//! The ledger is sea-orm-migration's `seaql_migrations` table.

use sea_orm_migration::prelude::*;

mod m20261128_000001_accounts;
mod m20261128_000002_catalog;
mod m20261128_000003_platform;
mod m20261128_000010_sync;
mod m20261128_000060_delivery;
mod m20261128_000070_product_list_indexes;
mod m20261128_000071_product_search_index;
mod m20261128_000072_product_flags_index;
mod m20261128_000073_job_claim_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_accounts::Migration),
            Box::new(m20261128_000002_catalog::Migration),
            Box::new(m20261128_000003_platform::Migration),
            Box::new(m20261128_000010_sync::Migration),
            Box::new(m20261128_000060_delivery::Migration),
            Box::new(m20261128_000070_product_list_indexes::Migration),
            Box::new(m20261128_000071_product_search_index::Migration),
            Box::new(m20261128_000072_product_flags_index::Migration),
            Box::new(m20261128_000073_job_claim_index::Migration),
        ]
    }
}

/// Small DDL helpers shared by the migrations.
pub(crate) mod ddl {
    use sea_orm_migration::prelude::*;

    /// Text primary key holding a prefixed id (`usr_…`).
    pub fn id(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string_len(48).not_null().primary_key().take()
    }
    pub fn id_ref(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string_len(48).not_null().take()
    }
    pub fn id_ref_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string_len(48).null().take()
    }
    pub fn str(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string().not_null().take()
    }
    pub fn str_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).string().null().take()
    }
    pub fn str_default(name: &'static str, default: &'static str) -> ColumnDef {
        ColumnDef::new(name).string().not_null().default(default).take()
    }
    pub fn text(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).text().not_null().take()
    }
    pub fn text_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).text().null().take()
    }
    pub fn int(name: &'static str, default: i32) -> ColumnDef {
        ColumnDef::new(name).integer().not_null().default(default).take()
    }
    pub fn int_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).integer().null().take()
    }
    pub fn bigint(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).big_integer().not_null().take()
    }
    pub fn bigint_default(name: &'static str, default: i64) -> ColumnDef {
        ColumnDef::new(name).big_integer().not_null().default(default).take()
    }
    pub fn bool(name: &'static str, default: bool) -> ColumnDef {
        ColumnDef::new(name).boolean().not_null().default(default).take()
    }
    pub fn money_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).decimal_len(14, 2).null().take()
    }
    pub fn json_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).json().null().take()
    }
    pub fn json(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).json().not_null().take()
    }
    pub fn ts(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).timestamp_with_time_zone().not_null().take()
    }
    pub fn ts_null(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).timestamp_with_time_zone().null().take()
    }
    pub fn date(name: &'static str) -> ColumnDef {
        ColumnDef::new(name).date().not_null().take()
    }
    /// Foreign key `table.col -> ref_table.id`, ON DELETE CASCADE.
    pub fn fk(table: &'static str, col: &'static str, ref_table: &'static str) -> ForeignKeyCreateStatement {
        ForeignKey::create()
            .name(format!("fk_{table}_{col}"))
            .from(table, col)
            .to(ref_table, "id")
            .on_delete(ForeignKeyAction::Cascade)
            .on_update(ForeignKeyAction::Cascade)
            .take()
    }
    /// Foreign key with ON DELETE SET NULL.
    pub fn fk_null(table: &'static str, col: &'static str, ref_table: &'static str) -> ForeignKeyCreateStatement {
        ForeignKey::create()
            .name(format!("fk_{table}_{col}"))
            .from(table, col)
            .to(ref_table, "id")
            .on_delete(ForeignKeyAction::SetNull)
            .on_update(ForeignKeyAction::Cascade)
            .take()
    }
    pub fn index(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
        let mut i = Index::create();
        i.name(name).table(table);
        for c in cols {
            i.col(*c);
        }
        i.take()
    }
    pub fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
        let mut i = index(name, table, cols);
        i.unique();
        i
    }
}
