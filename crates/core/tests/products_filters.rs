//! The product list's `search` and `category` filters (issue 6), on SQLite and PostgreSQL: substring search over
//! title, SKU and manual title served by the trigram indexes (and the short-term fallback), literal matching of
//! LIKE / FTS syntax, category by name or slug through `product_categories`, and both following later writes
//! (a re-sync's update, a manual title, a delete).
use chrono::{Duration, Utc};
use productsynch_core::accounts::{ClientInfo, RegisterInput};
use productsynch_core::products::{ProductQuery, list};
use productsynch_core::{App, Config};
use productsynch_db::both_backends;
use productsynch_db::entities::{products, shops};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};

async fn setup(db: &DatabaseConnection) -> (App, tempfile::TempDir, shops::Model, shops::Model) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::from_parts(Config::for_tests(dir.path(), "sqlite::memory:"), db.clone()).unwrap();
    let user = app
        .accounts()
        .register(RegisterInput { email: "f@example.com".into(), password: "password123".into(), name: None }, &ClientInfo::default())
        .await
        .unwrap();
    let mut out = Vec::new();
    for id in ["shp_filters_a", "shp_filters_b"] {
        let now = Utc::now();
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
                id.into(),
                user.user.id.clone().into(),
                format!("https://{id}.example").into(),
                "ck_x".into(),
                "x".into(),
                "Shop".into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        db.execute(&ins).await.unwrap();
        out.push(shops::Entity::find_by_id(id.to_owned()).one(db).await.unwrap().unwrap());
    }
    let b = out.pop().unwrap();
    let a = out.pop().unwrap();
    (app, dir, a, b)
}

/// Inserts a product row directly (as the sync engine's insert does: the side tables follow by trigger).
async fn product(db: &DatabaseConnection, shop: &str, id: &str, woo_id: i64, title: &str, sku: Option<&str>, cats: Option<Value>, age_s: i64) {
    let ts = Utc::now() - Duration::seconds(age_s);
    let q = Query::insert()
        .into_table(products::Entity)
        .columns([
            products::Column::Id,
            products::Column::ShopId,
            products::Column::WooProductId,
            products::Column::WooTitle,
            products::Column::WooSku,
            products::Column::WooCategories,
            products::Column::Status,
            products::Column::SyncStatus,
            products::Column::IsValid,
            products::Column::CreatedAt,
            products::Column::UpdatedAt,
        ])
        .values_panic(Vec::<SimpleExpr>::from([
            id.into(),
            shop.into(),
            woo_id.into(),
            title.into(),
            sku.map(str::to_owned).into(),
            cats.into(),
            "SYNCED".into(),
            "COMPLETED".into(),
            true.into(),
            ts.into(),
            ts.into(),
        ]))
        .to_owned();
    db.execute(&q).await.unwrap();
}

fn cat(name: &str, slug: &str) -> Value {
    json!({"id": 1, "name": name, "slug": slug})
}

async fn ids(app: &App, shop: &shops::Model, q: ProductQuery) -> Vec<String> {
    let page = list(app, shop, &q).await.unwrap_or_else(|e| panic!("{q:?}: {e:?}"));
    let mut ids: Vec<String> = page.products.into_iter().map(|p| p.id).collect();
    assert_eq!(page.pagination.total as usize, ids.len(), "count and rows agree for {q:?}");
    ids.sort();
    ids
}

async fn search(app: &App, shop: &shops::Model, term: &str) -> Vec<String> {
    ids(app, shop, ProductQuery { search: Some(term.into()), limit: Some(200), ..Default::default() }).await
}

async fn category(app: &App, shop: &shops::Model, c: &str) -> Vec<String> {
    ids(app, shop, ProductQuery { category: Some(c.into()), limit: Some(200), ..Default::default() }).await
}

fn v(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

async fn seed(db: &DatabaseConnection, a: &shops::Model, b: &shops::Model) {
    product(db, &a.id, "prd_a", 1, "Blue Cotton Shirt", Some("TS-100"), Some(json!([cat("T-Shirts", "t-shirts"), cat("Summer Sale", "summer-sale")])), 1).await;
    product(db, &a.id, "prd_b", 2, "Coffee Mug 50% off", Some("MUG_01"), Some(json!([cat("Kitchen", "kitchen")])), 2).await;
    product(db, &a.id, "prd_c", 3, "Lamp \"Deluxe\" AND more*", Some("LMP-7"), Some(json!([])), 3).await;
    product(db, &a.id, "prd_d", 4, "Poster", None, None, 4).await;
    // Another shop's product with the same title and category never shows.
    product(db, &b.id, "prd_e", 1, "Blue Cotton Shirt", Some("TS-100"), Some(json!([cat("T-Shirts", "t-shirts")])), 1).await;
}

both_backends!(search_matches_substrings_literally, |db| async move {
    let (app, _dir, a, b) = setup(&db).await;
    seed(&db, &a, &b).await;
    // Title substrings, any case, 3+ characters (trigram index) and shorter (fallback scan).
    assert_eq!(search(&app, &a, "cotton").await, v(&["prd_a"]));
    assert_eq!(search(&app, &a, "  COTTON sh ").await, v(&["prd_a"]));
    assert_eq!(search(&app, &a, "bl").await, v(&["prd_a"]));
    assert_eq!(search(&app, &a, "o").await, v(&["prd_a", "prd_b", "prd_c", "prd_d"]));
    assert_eq!(search(&app, &a, "ster").await, v(&["prd_d"]));
    // SKU substrings.
    assert_eq!(search(&app, &a, "ts-1").await, v(&["prd_a"]));
    assert_eq!(search(&app, &a, "lmp-7").await, v(&["prd_c"]));
    // LIKE wildcards match literally.
    assert_eq!(search(&app, &a, "50%").await, v(&["prd_b"]));
    assert_eq!(search(&app, &a, "%").await, v(&["prd_b"]));
    assert_eq!(search(&app, &a, "_").await, v(&["prd_b"]));
    assert_eq!(search(&app, &a, "mug_").await, v(&["prd_b"]));
    assert_eq!(search(&app, &a, "%o%").await, v(&[]));
    assert_eq!(search(&app, &a, "\\").await, v(&[]));
    // FTS5 query syntax is plain text.
    assert_eq!(search(&app, &a, "\"deluxe\"").await, v(&["prd_c"]));
    assert_eq!(search(&app, &a, "\"").await, v(&["prd_c"]));
    assert_eq!(search(&app, &a, "AND more*").await, v(&["prd_c"]));
    assert_eq!(search(&app, &a, "*").await, v(&["prd_c"]));
    assert_eq!(search(&app, &a, "lamp AND mug").await, v(&[]));
    assert_eq!(search(&app, &a, "NEAR(lamp mug)").await, v(&[]));
    assert_eq!(search(&app, &a, "title:lamp").await, v(&[]));
    assert_eq!(search(&app, &a, "x\"y' -- ;").await, v(&[]));
    assert_eq!(search(&app, &a, "nothing like this").await, v(&[]));
    // The other shop only sees its own.
    assert_eq!(search(&app, &b, "cotton").await, v(&["prd_e"]));
    assert_eq!(search(&app, &b, "bl").await, v(&["prd_e"]));
    // With another filter and a sort.
    let page = list(&app, &a, &ProductQuery { search: Some("o".into()), sort: Some("title".into()), status: Some("SYNCED".into()), ..Default::default() })
        .await
        .unwrap();
    let titles: Vec<String> = page.products.iter().map(|p| p.title.clone()).collect();
    assert_eq!(titles, vec!["Blue Cotton Shirt", "Coffee Mug 50% off", "Lamp \"Deluxe\" AND more*", "Poster"]);
});

both_backends!(category_matches_name_or_slug, |db| async move {
    let (app, _dir, a, b) = setup(&db).await;
    seed(&db, &a, &b).await;
    assert_eq!(category(&app, &a, "t-shirts").await, v(&["prd_a"]));
    assert_eq!(category(&app, &a, "T-SHIRTS").await, v(&["prd_a"]));
    assert_eq!(category(&app, &a, "Summer Sale").await, v(&["prd_a"]));
    assert_eq!(category(&app, &a, " summer sale ").await, v(&["prd_a"]));
    assert_eq!(category(&app, &a, "summer-sale").await, v(&["prd_a"]));
    assert_eq!(category(&app, &a, "kitchen").await, v(&["prd_b"]));
    assert_eq!(category(&app, &a, "kitch").await, v(&[]));
    assert_eq!(category(&app, &a, "%").await, v(&[]));
    assert_eq!(category(&app, &a, "\"kitchen\"").await, v(&[]));
    assert_eq!(category(&app, &b, "t-shirts").await, v(&["prd_e"]));
    // Category and search together.
    let both = ids(&app, &a, ProductQuery { category: Some("kitchen".into()), search: Some("mug".into()), ..Default::default() }).await;
    assert_eq!(both, v(&["prd_b"]));
    let none = ids(&app, &a, ProductQuery { category: Some("kitchen".into()), search: Some("cotton".into()), ..Default::default() }).await;
    assert_eq!(none, v(&[]));
});

both_backends!(filters_follow_updates_and_deletes, |db| async move {
    let (app, _dir, a, b) = setup(&db).await;
    seed(&db, &a, &b).await;
    // A re-sync rewrites the WooCommerce columns (as the engine's upsert does).
    let p = products::Entity::find_by_id("prd_a".to_owned()).one(&db).await.unwrap().unwrap();
    let mut am = p.into_active_model();
    am.woo_title = Set("Green Linen Shirt".into());
    am.woo_sku = Set(Some("GL-200".into()));
    am.woo_categories = Set(Some(json!([cat("Kitchen", "kitchen")])));
    am.update(&db).await.unwrap();
    assert_eq!(search(&app, &a, "cotton").await, v(&[]));
    assert_eq!(search(&app, &a, "linen").await, v(&["prd_a"]));
    assert_eq!(search(&app, &a, "gl-2").await, v(&["prd_a"]));
    assert_eq!(search(&app, &a, "ts-1").await, v(&[]));
    assert_eq!(category(&app, &a, "t-shirts").await, v(&[]));
    assert_eq!(category(&app, &a, "kitchen").await, v(&["prd_a", "prd_b"]));
    // An update that leaves the categories alone keeps them.
    let p = products::Entity::find_by_id("prd_a".to_owned()).one(&db).await.unwrap().unwrap();
    let mut am = p.into_active_model();
    am.woo_title = Set("Green Linen Shirt XL".into());
    am.update(&db).await.unwrap();
    assert_eq!(category(&app, &a, "kitchen").await, v(&["prd_a", "prd_b"]));
    // Categories cleared.
    let p = products::Entity::find_by_id("prd_b".to_owned()).one(&db).await.unwrap().unwrap();
    let mut am = p.into_active_model();
    am.woo_categories = Set(None);
    am.update(&db).await.unwrap();
    assert_eq!(category(&app, &a, "kitchen").await, v(&["prd_a"]));
    // A manual title (PATCH), found by search, then cleared (bulk reset_overrides). Both recompute the feed
    // from the stored WooCommerce JSON.
    let p = products::Entity::find_by_id("prd_d".to_owned()).one(&db).await.unwrap().unwrap();
    let mut am = p.into_active_model();
    am.woo_raw_json = Set(Some(json!({"id": 4, "name": "Poster", "type": "simple", "price": "10.00", "regular_price": "10.00", "sku": ""})));
    am.update(&db).await.unwrap();
    let patch: productsynch_core::products::ProductPatch = serde_json::from_value(json!({"manualTitle": "Reading light"})).unwrap();
    productsynch_core::products::patch(&app, &a, "prd_d", patch).await.unwrap();
    assert_eq!(search(&app, &a, "reading").await, v(&["prd_d"]));
    assert_eq!(search(&app, &a, "poster").await, v(&["prd_d"]), "the store title still matches");
    let req = productsynch_core::products::BulkRequest { action: "reset_overrides".into(), ids: Some(vec!["prd_d".into()]), filter: None };
    productsynch_core::products::bulk(&app, &a, req).await.unwrap();
    assert_eq!(search(&app, &a, "reading").await, v(&[]));
    // Deleting products (sync of deleted products) removes them from both filters.
    productsynch_core::sync::engine::delete_products(&db, &["prd_a".to_owned()]).await.unwrap();
    assert_eq!(search(&app, &a, "linen").await, v(&[]));
    assert_eq!(category(&app, &a, "kitchen").await, v(&[]));
    let rows = db
        .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM product_categories WHERE product_id = 'prd_a'"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rows.try_get::<i64>("", "n").unwrap(), 0);
    // The other shop is untouched.
    assert_eq!(search(&app, &b, "cotton").await, v(&["prd_e"]));
    assert_eq!(category(&app, &b, "t-shirts").await, v(&["prd_e"]));
});

both_backends!(many_matches_keep_order_and_count, |db| async move {
    // Enough matches that SQLite walks the sort index (>= 2000 matches, early page): the page must be the same
    // as sorting all the matches.
    let (app, _dir, a, _b) = setup(&db).await;
    let mut q = Query::insert();
    q.into_table(products::Entity).columns([
        products::Column::Id,
        products::Column::ShopId,
        products::Column::WooProductId,
        products::Column::WooTitle,
        products::Column::WooSku,
        products::Column::WooCategories,
        products::Column::Status,
        products::Column::SyncStatus,
        products::Column::IsValid,
        products::Column::CreatedAt,
        products::Column::UpdatedAt,
    ]);
    let now = Utc::now();
    let n = 2700i64;
    let mut rows = 0;
    for i in 0..n {
        let title = if i % 9 == 0 { format!("Lamp {i}") } else { format!("Mug {i}") };
        let cats = json!([cat(if i % 9 == 0 { "Lamps" } else { "Mugs" }, if i % 9 == 0 { "lamps" } else { "mugs" })]);
        let ts = now - Duration::seconds((i * 7919) % n);
        q.values_panic(Vec::<SimpleExpr>::from([
            format!("prd_many{i:05}").into(),
            a.id.clone().into(),
            i.into(),
            title.into(),
            format!("SKU-{i}").into(),
            cats.into(),
            "SYNCED".into(),
            "COMPLETED".into(),
            true.into(),
            ts.into(),
            ts.into(),
        ]));
        rows += 1;
        if rows == 300 {
            db.execute(&q).await.unwrap();
            q = Query::insert();
            q.into_table(products::Entity).columns([
                products::Column::Id,
                products::Column::ShopId,
                products::Column::WooProductId,
                products::Column::WooTitle,
                products::Column::WooSku,
                products::Column::WooCategories,
                products::Column::Status,
                products::Column::SyncStatus,
                products::Column::IsValid,
                products::Column::CreatedAt,
                products::Column::UpdatedAt,
            ]);
            rows = 0;
        }
    }
    let expected: Vec<i64> = {
        let mut m: Vec<(i64, i64)> = (0..n).filter(|i| i % 9 != 0).map(|i| ((i * 7919) % n, i)).collect();
        // -updatedAt: newest first = smallest age; ties cannot happen (7919 is prime to 2700).
        m.sort();
        m.into_iter().map(|(_, i)| i).collect()
    };
    for (q, label) in [
        (ProductQuery { search: Some("mug".into()), ..Default::default() }, "search"),
        (ProductQuery { category: Some("Mugs".into()), ..Default::default() }, "category"),
    ] {
        for page in [1u64, 3, 40] {
            let r = list(&app, &a, &ProductQuery { page: Some(page), limit: Some(50), ..q.clone() }).await.unwrap();
            assert_eq!(r.pagination.total, expected.len() as u64, "{label}");
            let got: Vec<i64> = r.products.iter().map(|p| p.woo_product_id).collect();
            let want: Vec<i64> = expected.iter().skip(((page - 1) * 50) as usize).take(50).copied().collect();
            assert_eq!(got, want, "{label} page {page}");
        }
    }
});
