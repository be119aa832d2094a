//! Indexed `search` and `category` filters of the product list (issue 6). Before this, both scanned the (wide)
//! products table of the shop: ~100-230 ms per call at 100,000 products, plus the same scan for the count.
//!
//! * `product_categories(product_id, shop_id, slug, name_lower)`: one narrow row per WooCommerce category of a
//!   product, indexed `(shop_id, slug, product_id)` and `(shop_id, name_lower, product_id)`. Kept current by a
//!   trigger on `products` (insert, and update of `woo_categories`) on both backends, so every write path (sync
//!   engine, webhooks, fixtures, seeding) maintains it; deleted with the product (FK ON DELETE CASCADE). Slug and
//!   name are stored lowercased with the database's `lower()`, and the filter compares with `lower(?)`, so both
//!   sides use the same folding.
//! * Substring search over `woo_title`, `woo_sku`, `manual_title` (the `LIKE '%term%'` semantics stay):
//!   - PostgreSQL: `pg_trgm` GIN indexes on `lower(woo_title)`, `lower(woo_sku)`, `lower(manual_title)`, which
//!     serve the existing `lower(col) LIKE '%term%'` conditions (a bitmap OR of the three) for terms of 3+
//!     characters. Skipped with a notice when the server has no `pg_trgm` (search then scans as before).
//!   - SQLite: `product_search(id INTEGER PRIMARY KEY, product_id UNIQUE, shop_id, woo_title, woo_sku,
//!     manual_title)`, a narrow copy kept current by triggers on `products`, and an external-content FTS5 table
//!     `product_search_fts` (`tokenize='trigram'`) over it, kept current by triggers on `product_search`. The
//!     integer key keeps the FTS rowids stable (a VACUUM may renumber the implicit rowids of `products`).
//!     Terms of 3+ characters query the FTS index with `MATCH` (a quoted phrase); shorter ones scan the narrow
//!     table with `LIKE`.
//! Existing rows are backfilled by the migration itself.
use super::ddl::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000071_product_search_index"
    }
}

const SQLITE_UP: &[&str] = &[
    // Categories: maintained from products.woo_categories.
    r#"CREATE TRIGGER trg_products_categories_ins AFTER INSERT ON products BEGIN
    INSERT INTO product_categories (product_id, shop_id, slug, name_lower)
    SELECT new.id, new.shop_id, lower(coalesce(json_extract(c.value, '$.slug'), '')), lower(coalesce(json_extract(c.value, '$.name'), ''))
    FROM json_each(CASE WHEN json_valid(new.woo_categories) THEN CASE WHEN json_type(new.woo_categories) = 'array' THEN new.woo_categories ELSE '[]' END ELSE '[]' END) AS c
    WHERE c.type = 'object';
END"#,
    r#"CREATE TRIGGER trg_products_categories_upd AFTER UPDATE OF woo_categories ON products
WHEN old.woo_categories IS NOT new.woo_categories BEGIN
    DELETE FROM product_categories WHERE product_id = old.id;
    INSERT INTO product_categories (product_id, shop_id, slug, name_lower)
    SELECT new.id, new.shop_id, lower(coalesce(json_extract(c.value, '$.slug'), '')), lower(coalesce(json_extract(c.value, '$.name'), ''))
    FROM json_each(CASE WHEN json_valid(new.woo_categories) THEN CASE WHEN json_type(new.woo_categories) = 'array' THEN new.woo_categories ELSE '[]' END ELSE '[]' END) AS c
    WHERE c.type = 'object';
END"#,
    // Search: the narrow copy and its trigram index.
    r#"CREATE TABLE product_search (
    id INTEGER PRIMARY KEY,
    product_id TEXT NOT NULL UNIQUE,
    shop_id TEXT NOT NULL,
    woo_title TEXT,
    woo_sku TEXT,
    manual_title TEXT
)"#,
    "CREATE INDEX idx_product_search_shop ON product_search (shop_id)",
    r#"CREATE VIRTUAL TABLE product_search_fts USING fts5(
    woo_title, woo_sku, manual_title, content='product_search', content_rowid='id', tokenize='trigram'
)"#,
    r#"INSERT INTO product_search (product_id, shop_id, woo_title, woo_sku, manual_title)
    SELECT id, shop_id, woo_title, woo_sku, manual_title FROM products"#,
    "INSERT INTO product_search_fts (product_search_fts) VALUES ('rebuild')",
    r#"CREATE TRIGGER trg_product_search_ins AFTER INSERT ON product_search BEGIN
    INSERT INTO product_search_fts (rowid, woo_title, woo_sku, manual_title) VALUES (new.id, new.woo_title, new.woo_sku, new.manual_title);
END"#,
    r#"CREATE TRIGGER trg_product_search_del AFTER DELETE ON product_search BEGIN
    INSERT INTO product_search_fts (product_search_fts, rowid, woo_title, woo_sku, manual_title)
    VALUES ('delete', old.id, old.woo_title, old.woo_sku, old.manual_title);
END"#,
    r#"CREATE TRIGGER trg_product_search_upd AFTER UPDATE ON product_search BEGIN
    INSERT INTO product_search_fts (product_search_fts, rowid, woo_title, woo_sku, manual_title)
    VALUES ('delete', old.id, old.woo_title, old.woo_sku, old.manual_title);
    INSERT INTO product_search_fts (rowid, woo_title, woo_sku, manual_title) VALUES (new.id, new.woo_title, new.woo_sku, new.manual_title);
END"#,
    r#"CREATE TRIGGER trg_products_search_ins AFTER INSERT ON products BEGIN
    INSERT INTO product_search (product_id, shop_id, woo_title, woo_sku, manual_title)
    VALUES (new.id, new.shop_id, new.woo_title, new.woo_sku, new.manual_title);
END"#,
    r#"CREATE TRIGGER trg_products_search_upd AFTER UPDATE OF woo_title, woo_sku, manual_title ON products
WHEN old.woo_title IS NOT new.woo_title OR old.woo_sku IS NOT new.woo_sku OR old.manual_title IS NOT new.manual_title BEGIN
    UPDATE product_search SET woo_title = new.woo_title, woo_sku = new.woo_sku, manual_title = new.manual_title WHERE product_id = new.id;
END"#,
    r#"CREATE TRIGGER trg_products_search_del AFTER DELETE ON products BEGIN
    DELETE FROM product_search WHERE product_id = old.id;
END"#,
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS trg_products_search_del",
    "DROP TRIGGER IF EXISTS trg_products_search_upd",
    "DROP TRIGGER IF EXISTS trg_products_search_ins",
    "DROP TRIGGER IF EXISTS trg_product_search_upd",
    "DROP TRIGGER IF EXISTS trg_product_search_del",
    "DROP TRIGGER IF EXISTS trg_product_search_ins",
    "DROP TABLE IF EXISTS product_search_fts",
    "DROP TABLE IF EXISTS product_search",
    "DROP TRIGGER IF EXISTS trg_products_categories_upd",
    "DROP TRIGGER IF EXISTS trg_products_categories_ins",
];

const PG_UP: &[&str] = &[
    r#"CREATE OR REPLACE FUNCTION product_categories_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM product_categories WHERE product_id = OLD.id;
    END IF;
    IF NEW.woo_categories IS NOT NULL AND jsonb_typeof(NEW.woo_categories::jsonb) = 'array' THEN
        INSERT INTO product_categories (product_id, shop_id, slug, name_lower)
        SELECT NEW.id, NEW.shop_id, lower(coalesce(c->>'slug', '')), lower(coalesce(c->>'name', ''))
        FROM jsonb_array_elements(NEW.woo_categories::jsonb) AS c
        WHERE jsonb_typeof(c) = 'object';
    END IF;
    RETURN NULL;
END
$$"#,
    "CREATE TRIGGER trg_products_categories_ins AFTER INSERT ON products FOR EACH ROW EXECUTE FUNCTION product_categories_sync()",
    r#"CREATE TRIGGER trg_products_categories_upd AFTER UPDATE OF woo_categories ON products FOR EACH ROW
    WHEN (OLD.woo_categories::jsonb IS DISTINCT FROM NEW.woo_categories::jsonb) EXECUTE FUNCTION product_categories_sync()"#,
];

const PG_TRGM: &[(&str, &str)] = &[
    ("idx_products_trgm_title", "woo_title"),
    ("idx_products_trgm_sku", "woo_sku"),
    ("idx_products_trgm_manual_title", "manual_title"),
];

/// Backfill of `product_categories` from the products stored before this migration.
const SQLITE_BACKFILL: &str = r#"INSERT INTO product_categories (product_id, shop_id, slug, name_lower)
SELECT p.id, p.shop_id, lower(coalesce(json_extract(c.value, '$.slug'), '')), lower(coalesce(json_extract(c.value, '$.name'), ''))
FROM products AS p, json_each(CASE WHEN json_valid(p.woo_categories) THEN CASE WHEN json_type(p.woo_categories) = 'array' THEN p.woo_categories ELSE '[]' END ELSE '[]' END) AS c
WHERE c.type = 'object'"#;
const PG_BACKFILL: &str = r#"INSERT INTO product_categories (product_id, shop_id, slug, name_lower)
SELECT p.id, p.shop_id, lower(coalesce(c->>'slug', '')), lower(coalesce(c->>'name', ''))
FROM products AS p
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(p.woo_categories::jsonb) = 'array' THEN p.woo_categories::jsonb ELSE '[]'::jsonb END) AS c
WHERE jsonb_typeof(c) = 'object'"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.create_table(
            Table::create()
                .table("product_categories")
                .col(id_ref("product_id"))
                .col(id_ref("shop_id"))
                .col(text("slug"))
                .col(text("name_lower"))
                .foreign_key(&mut fk("product_categories", "product_id", "products"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_product_categories_product", "product_categories", &["product_id"])).await?;
        m.create_index(index("idx_product_categories_slug", "product_categories", &["shop_id", "slug", "product_id"])).await?;
        m.create_index(index("idx_product_categories_name", "product_categories", &["shop_id", "name_lower", "product_id"])).await?;
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => {
                db.execute_unprepared(SQLITE_BACKFILL).await?;
                for sql in SQLITE_UP {
                    db.execute_unprepared(sql).await?;
                }
            }
            DatabaseBackend::Postgres => {
                db.execute_unprepared(PG_BACKFILL).await?;
                for sql in PG_UP {
                    db.execute_unprepared(sql).await?;
                }
                let trgm = db
                    .query_one_raw(sea_orm_migration::sea_orm::Statement::from_string(
                        DatabaseBackend::Postgres,
                        "SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'pg_trgm'",
                    ))
                    .await?
                    .is_some();
                if trgm {
                    db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
                    for (name, col) in PG_TRGM {
                        db.execute_unprepared(&format!("CREATE INDEX {name} ON products USING gin (lower({col}) gin_trgm_ops)")).await?;
                    }
                } else {
                    eprintln!("notice: pg_trgm is not available on this server; the product search stays a scan");
                }
            }
            other => return Err(DbErr::Migration(format!("unsupported backend {other:?}"))),
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DatabaseBackend::Sqlite => {
                for sql in SQLITE_DOWN {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS trg_products_categories_upd ON products").await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS trg_products_categories_ins ON products").await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS product_categories_sync()").await?;
                for (name, _) in PG_TRGM {
                    db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
                }
            }
        }
        m.drop_table(Table::drop().table("product_categories").to_owned()).await?;
        Ok(())
    }
}
