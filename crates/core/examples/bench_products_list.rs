//! Benchmark: `products::list` (the body of `GET /api/v1/shops/:id/products`) on a shop of N products seeded
//! directly into the database (realistic rows: raw WooCommerce JSON, images, categories, feed JSON of a few KB).
//! Prints ms per call for the common queries (default sort, status / valid filters, sorts, deep page, search).
//!
//! `cargo run --release -p productsynch-core --example bench_products_list -- 100000`
//! `DATABASE_URL=postgres://postgres@127.0.0.1:5432/fresh_db cargo run --release ... -- 100000`

use std::time::Instant;

use chrono::{Duration as CDuration, Utc};
use productsynch_core::accounts::{ClientInfo, RegisterInput};
use productsynch_core::products::{ProductQuery, list};
use productsynch_core::{App, Config};
use productsynch_db::entities::{products, shops};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use serde_json::json;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let iters: u32 = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir()?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()));
    let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    let db = productsynch_db::connect(&url).await?;
    productsynch_db::migrate(&db).await?;
    let cfg = Config::for_tests(dir.path(), &url);
    let app = App::from_parts(cfg, db)?;
    let user = app
        .accounts()
        .register(
            RegisterInput { email: "bench@example.com".into(), password: "correct horse battery".into(), name: Some("Bench".into()) },
            &ClientInfo { user_agent: None, ip: None },
        )
        .await?;
    let now = Utc::now();
    let shop_id = "shp_benchproductslist".to_string();
    let ins = Query::insert()
        .into_table(shops::Entity)
        .columns([
            shops::Column::Id,
            shops::Column::UserId,
            shops::Column::WooStoreUrl,
            shops::Column::WooConsumerKey,
            shops::Column::WooConsumerSecret,
            shops::Column::ShopName,
            shops::Column::CreatedAt,
            shops::Column::UpdatedAt,
        ])
        .values_panic([
            shop_id.clone().into(),
            user.user.id.clone().into(),
            "https://bench.example".into(),
            "ck_x".into(),
            "x".into(),
            "Bench".into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    app.db().execute(&ins).await?;
    let shop = shops::Entity::find_by_id(shop_id.clone()).one(app.db()).await?.expect("shop");

    let t0 = Instant::now();
    let statuses = ["SYNCED", "SYNCED", "SYNCED", "EXCLUDED", "ERROR", "DRAFT"];
    let filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ".repeat(12);
    let tx = app.db().begin().await?;
    for start in (0..n).step_by(200) {
        let mut q = Query::insert();
        q.into_table(products::Entity).columns([
            products::Column::Id,
            products::Column::ShopId,
            products::Column::WooProductId,
            products::Column::WooTitle,
            products::Column::WooDescription,
            products::Column::WooSku,
            products::Column::WooPrice,
            products::Column::WooCategories,
            products::Column::WooImages,
            products::Column::WooRawJson,
            products::Column::FeedTitle,
            products::Column::FeedAvailability,
            products::Column::FeedImageLink,
            products::Column::FeedDataJson,
            products::Column::Status,
            products::Column::SyncStatus,
            products::Column::IsValid,
            products::Column::CreatedAt,
            products::Column::UpdatedAt,
        ]);
        for i in start..std::cmp::Ord::min(start + 200, n) {
            let title = format!("Product {i} {}", ["Shirt", "Mug", "Poster", "Lamp", "Chair"][(i % 5) as usize]);
            let images = json!([
                {"id": i * 10, "src": format!("https://bench.example/img/{i}-1.jpg"), "name": format!("{i}-1"), "alt": title},
                {"id": i * 10 + 1, "src": format!("https://bench.example/img/{i}-2.jpg"), "name": format!("{i}-2"), "alt": title},
            ]);
            let cats = json!([{"id": i % 40, "name": format!("Category {}", i % 40), "slug": format!("category-{}", i % 40)}]);
            let raw = json!({
                "id": i, "name": title, "sku": format!("SKU-{i}"), "price": format!("{}.99", i % 500),
                "description": filler, "short_description": &filler[..300], "images": images, "categories": cats,
                "meta_data": (0..10).map(|k| json!({"id": k, "key": format!("_meta_{k}"), "value": format!("value {k} of {i}")})).collect::<Vec<_>>(),
            });
            let feed = json!({"id": format!("{i}"), "title": title, "description": &filler[..600], "link": format!("https://bench.example/p/{i}"),
                "image_link": format!("https://bench.example/img/{i}-1.jpg"), "price": format!("{}.99 USD", i % 500), "availability": "in_stock"});
            // every 10th product has no feed image link (the list falls back to the first WooCommerce image)
            let image_link: Option<String> = (i % 10 != 0).then(|| format!("https://bench.example/img/{i}-1.jpg"));
            let ts = now - CDuration::seconds(i);
            let vals: Vec<SimpleExpr> = vec![
                format!("prd_bench{i:08}").into(),
                shop_id.clone().into(),
                i.into(),
                title.clone().into(),
                filler.clone().into(),
                format!("SKU-{i}").into(),
                rust_decimal::Decimal::new(i % 50_000 * 100 + 99, 2).into(),
                cats.into(),
                images.into(),
                raw.into(),
                title.into(),
                (if i % 7 == 0 { "out_of_stock" } else { "in_stock" }).into(),
                image_link.into(),
                feed.into(),
                statuses[(i % 6) as usize].into(),
                "COMPLETED".into(),
                (i % 9 != 0).into(),
                ts.into(),
                ts.into(),
            ];
            q.values_panic(vals);
        }
        tx.execute(&q).await?;
    }
    tx.commit().await?;
    // Planner statistics, as autovacuum (PostgreSQL) / `PRAGMA optimize` (SQLite) would have them after a sync.
    let analyze = if backend == "PostgreSQL" { "VACUUM ANALYZE products; ANALYZE product_categories" } else { "ANALYZE" };
    for stmt in analyze.split("; ") {
        app.db().execute_unprepared(stmt).await?; // one by one: VACUUM cannot run in a (multi-statement) transaction
    }
    println!("products list bench: {n} products seeded into {backend} (+ {analyze}) in {:.1}s", t0.elapsed().as_secs_f64());

    let cases: Vec<(&str, ProductQuery)> = vec![
        ("default (-updatedAt), page 1, limit 50", ProductQuery::default()),
        ("limit 200", ProductQuery { limit: Some(200), ..Default::default() }),
        ("page 1000 (offset 49,950)", ProductQuery { page: Some(1000), ..Default::default() }),
        ("status=SYNCED", ProductQuery { status: Some("SYNCED".into()), ..Default::default() }),
        ("valid=false", ProductQuery { valid: Some(false), ..Default::default() }),
        ("availability=out_of_stock", ProductQuery { availability: Some("out_of_stock".into()), ..Default::default() }),
        ("sort=title", ProductQuery { sort: Some("title".into()), ..Default::default() }),
        ("sort=-price", ProductQuery { sort: Some("-price".into()), ..Default::default() }),
        ("sort=createdAt", ProductQuery { sort: Some("createdAt".into()), ..Default::default() }),
        ("search=mug 12", ProductQuery { search: Some("mug".into()), page: Some(12), ..Default::default() }),
        ("search=mug (20% match), page 1", ProductQuery { search: Some("mug".into()), ..Default::default() }),
        ("search=\"product 4242\" (rare, 11 match)", ProductQuery { search: Some("product 4242".into()), ..Default::default() }),
        ("search=sku-9876 (SKU, 11 match)", ProductQuery { search: Some("sku-9876".into()), ..Default::default() }),
        ("search=zzz (no match)", ProductQuery { search: Some("zzz".into()), ..Default::default() }),
        ("search=mu (2 chars)", ProductQuery { search: Some("mu".into()), ..Default::default() }),
        ("search=mug & status=SYNCED", ProductQuery { search: Some("mug".into()), status: Some("SYNCED".into()), ..Default::default() }),
        ("category=category-7", ProductQuery { category: Some("category-7".into()), ..Default::default() }),
        ("category=Category 7 (name) page 20", ProductQuery { category: Some("Category 7".into()), page: Some(20), ..Default::default() }),
        ("category=category-7 & search=lamp", ProductQuery { category: Some("category-7".into()), search: Some("lamp".into()), ..Default::default() }),
    ];
    for (name, q) in cases {
        let first = list(&app, &shop, &q).await?; // warm-up (and sanity)
        let t = Instant::now();
        for _ in 0..iters {
            std::hint::black_box(list(&app, &shop, &q).await?);
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0 / iters as f64;
        println!("  {name:<42} {ms:>9.2} ms/call  (total {}, {} rows)", first.pagination.total, first.products.len());
    }

    // The same search / category filters as they were before migration 000071 (LIKE scans of the products
    // table: count + page), for a before/after comparison on the same data.
    println!("  before 000071 (LIKE scans of products, count + page 1):");
    let like = |t: &str| format!("%{}%", t.to_lowercase());
    let search_scan = |t: &str| {
        Condition::any()
            .add(Expr::expr(Func::lower(Expr::col(products::Column::WooTitle))).like(like(t)))
            .add(Expr::expr(Func::lower(Expr::col(products::Column::WooSku))).like(like(t)))
            .add(Expr::expr(Func::lower(Expr::col(products::Column::ManualTitle))).like(like(t)))
    };
    let cat_scan =
        |c: &str| Condition::all().add(Expr::expr(Func::lower(Expr::col(products::Column::WooCategories).cast_as("text"))).like(format!("%\"{}\"%", c.to_lowercase())));
    let legacy: Vec<(&str, Condition)> = vec![
        ("search=mug", search_scan("mug")),
        ("search=product 4242", search_scan("product 4242")),
        ("search=mu", search_scan("mu")),
        ("category=category-7", cat_scan("category-7")),
    ];
    for (name, cond) in legacy {
        let cond = Condition::all().add(products::Column::ShopId.eq(&shop_id)).add(cond);
        let t = Instant::now();
        let mut total = 0;
        for _ in 0..iters {
            total = products::Entity::find().filter(cond.clone()).count(app.db()).await?;
            let rows = products::Entity::find()
                .select_only()
                .columns([products::Column::Id, products::Column::WooTitle, products::Column::FeedTitle, products::Column::Status, products::Column::UpdatedAt])
                .filter(cond.clone())
                .order_by_desc(products::Column::UpdatedAt)
                .order_by_desc(products::Column::Id)
                .limit(50)
                .into_tuple::<(String, String, Option<String>, String, chrono::DateTime<Utc>)>()
                .all(app.db())
                .await?;
            std::hint::black_box(rows);
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0 / iters as f64;
        println!("  {name:<42} {ms:>9.2} ms/call  (total {total})");
    }
    Ok(())
}
