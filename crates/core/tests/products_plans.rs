//! The product list's statements use their indexes on SQLite without statistics (a server's database is never
//! `ANALYZE`d), so `GET /products` stays fast at 100,000 products (issue 6). Each case asks SQLite for the plan of
//! the statement `products::list` runs and checks that no step reads the products table row by row (`SCAN
//! products`, or a search through a two-column index followed by a filter on a wide-row column) where an index
//! answers. The figures behind each case are in the migrations' comments and the README's performance table.
use productsynch_core::products::{ProductQuery, count_statement, page_statement};
use productsynch_db::test_support::TestDb;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

const SHOP: &str = "shp_plans";

async fn plan(db: &TestDb, stmt: Statement) -> String {
    let explain = Statement::from_sql_and_values(DatabaseBackend::Sqlite, format!("EXPLAIN QUERY PLAN {}", stmt.sql), stmt.values.map(|v| v.0).unwrap_or_default());
    let rows = db.db.query_all_raw(explain).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(3).unwrap()).collect::<Vec<_>>().join("\n")
}

fn q(f: impl FnOnce(&mut ProductQuery)) -> ProductQuery {
    let mut q = ProductQuery { limit: Some(50), ..Default::default() };
    f(&mut q);
    q
}

async fn count_plan(db: &TestDb, q: &ProductQuery) -> String {
    plan(db, count_statement(DatabaseBackend::Sqlite, SHOP, q).unwrap()).await
}

#[tokio::test]
async fn flag_filters_are_counted_from_an_index_alone() {
    let db = TestDb::sqlite().await;
    for query in [
        q(|q| {
            q.status = Some("SYNCED".into());
            q.has_overrides = Some(false);
        }),
        q(|q| q.has_overrides = Some(true)),
        q(|q| q.status = Some("EXCLUDED".into())),
        q(|q| q.valid = Some(false)),
        q(|q| q.sync_status = Some("COMPLETED".into())),
        q(|q| q.ai_enriched = Some(true)),
        q(|q| q.availability = Some("in_stock".into())),
    ] {
        let p = count_plan(&db, &query).await;
        assert!(p.contains("USING COVERING INDEX idx_products_list_flags"), "{query:?} counted without the flags index:\n{p}");
        assert!(!p.contains("SCAN products"), "{query:?} scans the products:\n{p}");
    }
}

#[tokio::test]
async fn category_is_two_index_lookups() {
    let db = TestDb::sqlite().await;
    let query = q(|q| q.category = Some("Shoes".into()));
    for p in [count_plan(&db, &query).await, plan(&db, page_statement(DatabaseBackend::Sqlite, SHOP, &query, 10).unwrap()).await] {
        assert!(p.contains("idx_product_categories_slug (shop_id=? AND slug=?)"), "slug not looked up by index:\n{p}");
        assert!(p.contains("idx_product_categories_name (shop_id=? AND name_lower=?)"), "name not looked up by index:\n{p}");
        assert!(!p.contains("SCAN product"), "a scan:\n{p}");
    }
}

#[tokio::test]
async fn pages_walk_an_index_in_order() {
    let db = TestDb::sqlite().await;
    for (sort, index) in [
        (None, "idx_products_list_updated"),
        (Some("title"), "idx_products_list_title"),
        (Some("-price"), "idx_products_list_price"),
        (Some("createdAt"), "idx_products_list_created"),
        (Some("wooProductId"), "uq_products_shop_woo"),
    ] {
        let query = q(|q| {
            q.sort = sort.map(String::from);
            q.page = Some(1_000);
        });
        let p = plan(&db, page_statement(DatabaseBackend::Sqlite, SHOP, &query, 100_000).unwrap()).await;
        assert!(p.contains(index), "sort {sort:?} does not use {index}:\n{p}");
        assert!(!p.contains("TEMP B-TREE"), "sort {sort:?} sorts the shop:\n{p}");
    }
}
