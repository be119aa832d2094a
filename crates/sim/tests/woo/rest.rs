use productsynch_sim::woo::{CatalogSource, NewOrder, NewOrderLine, ProductPatch, SimConfig, model::gtin_is_valid};
use serde_json::Value;

use crate::{cfg, client, get, header, start};

#[tokio::test]
async fn index_lists_wc_v3_and_rest_route_works() {
    let sim = start(cfg(5)).await;
    let (s, _, idx) = get(&sim, "/wp-json/").await;
    assert_eq!(s, 200);
    assert!(idx["namespaces"].as_array().expect("namespaces").iter().any(|n| n == "wc/v3"));
    let (s, _, ns) = get(&sim, "/wp-json/wc/v3").await;
    assert_eq!(s, 200);
    assert_eq!(ns["namespace"], "wc/v3");
    let (s, _, list) = get(&sim, "/?rest_route=/wc/v3/products&per_page=2").await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().map(|a| a.len()), Some(2));
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/nothing").await;
    assert_eq!(s, 404);
    assert_eq!(e["code"], "rest_no_route");
    assert_eq!(e["data"]["status"], 404);
}

#[tokio::test]
async fn permalinks_off_only_rest_route() {
    let sim = start(SimConfig { pretty_permalinks: false, ..cfg(5) }).await;
    let (s, h, _) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(s, 404);
    assert!(header(&h, "content-type").starts_with("text/html"));
    let (s, h, list) = get(&sim, "/?rest_route=/wc/v3/products&per_page=2").await;
    assert_eq!(s, 200);
    assert_eq!(list.as_array().map(|a| a.len()), Some(2));
    let link = header(&h, "link");
    assert!(link.contains("?rest_route=%2Fwc%2Fv3%2Fproducts") && link.contains("page=2"), "{link}");
}

#[tokio::test]
async fn pagination_headers_and_edges() {
    let sim = start(cfg(25)).await;
    let total: u64 = {
        let (_, h, _) = get(&sim, "/wp-json/wc/v3/products?per_page=10").await;
        header(&h, "x-wp-total").parse().expect("total")
    };
    assert!(total >= 23 && total <= 25, "drafts/private are included in status=any: {total}");
    let pages = total.div_ceil(10);
    let (s, h, first) = get(&sim, "/wp-json/wc/v3/products?per_page=10").await;
    assert_eq!(s, 200);
    assert_eq!(header(&h, "x-wp-totalpages"), pages.to_string());
    assert_eq!(first.as_array().map(|a| a.len()), Some(10));
    let link = header(&h, "link");
    assert!(link.contains("rel=\"next\"") && !link.contains("rel=\"prev\""), "{link}");
    assert!(link.contains("per_page=10") && link.contains("page=2"));

    let (_, h, last) = get(&sim, &format!("/wp-json/wc/v3/products?per_page=10&page={pages}")).await;
    assert_eq!(last.as_array().map(|a| a.len() as u64), Some(total - (pages - 1) * 10));
    let link = header(&h, "link");
    assert!(link.contains("rel=\"prev\"") && !link.contains("rel=\"next\""), "{link}");

    let (s, h, beyond) = get(&sim, &format!("/wp-json/wc/v3/products?per_page=10&page={}", pages + 1)).await;
    assert_eq!(s, 200);
    assert_eq!(beyond, Value::Array(vec![]));
    assert_eq!(header(&h, "x-wp-total"), total.to_string());

    // Pages are disjoint and ordered newest first.
    let (_, _, second) = get(&sim, "/wp-json/wc/v3/products?per_page=10&page=2").await;
    let ids1: Vec<u64> = first.as_array().expect("a").iter().map(|p| p["id"].as_u64().expect("id")).collect();
    let ids2: Vec<u64> = second.as_array().expect("a").iter().map(|p| p["id"].as_u64().expect("id")).collect();
    assert!(ids1.iter().all(|i| !ids2.contains(i)));
    assert!(ids1.windows(2).all(|w| w[0] > w[1]));

    for bad in ["per_page=0", "per_page=101", "page=0", "per_page=abc"] {
        let (s, _, e) = get(&sim, &format!("/wp-json/wc/v3/products?{bad}")).await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(e["code"], "rest_invalid_param");
    }
    // Default per_page is 10.
    let (_, _, d) = get(&sim, "/wp-json/wc/v3/products").await;
    assert_eq!(d.as_array().map(|a| a.len()), Some(10));
}

#[tokio::test]
async fn product_shape_matches_docs_example() {
    let example: Value = serde_json::from_str(include_str!("../fixtures/product_retrieve.json")).expect("example");
    let vexample: Value = serde_json::from_str(include_str!("../fixtures/product_variation_retrieve.json")).expect("example");
    let sim = start(cfg(40)).await;
    let (_, _, list) = get(&sim, "/wp-json/wc/v3/products?per_page=40&type=variable").await;
    let p = &list[0];
    for (k, v) in example.as_object().expect("obj") {
        let got = p.get(k).unwrap_or_else(|| panic!("product lacks {k}"));
        let same_type = std::mem::discriminant(got) == std::mem::discriminant(v) || v.is_null() || got.is_null();
        assert!(same_type, "field {k}: {got} vs example {v}");
    }
    let id = p["id"].as_u64().expect("id");
    let (s, _, vars) = get(&sim, &format!("/wp-json/wc/v3/products/{id}/variations?per_page=100")).await;
    assert_eq!(s, 200);
    let vars = vars.as_array().expect("array");
    assert_eq!(vars.len(), p["variations"].as_array().expect("a").len());
    for (k, _) in vexample.as_object().expect("obj") {
        assert!(vars[0].get(k).is_some(), "variation lacks {k}");
    }
    let vid = vars[0]["id"].as_u64().expect("vid");
    let (s, _, one) = get(&sim, &format!("/wp-json/wc/v3/products/{id}/variations/{vid}")).await;
    assert_eq!(s, 200);
    assert_eq!(one["id"], vars[0]["id"]);
    // A variation id through /products/{id} is a product of type "variation".
    let (s, _, asp) = get(&sim, &format!("/wp-json/wc/v3/products/{vid}")).await;
    assert_eq!(s, 200);
    assert_eq!(asp["type"], "variation");
    assert_eq!(asp["parent_id"].as_u64(), Some(id));
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/products/999999999").await;
    assert_eq!(s, 404);
    assert_eq!(e["code"], "woocommerce_rest_product_invalid_id");
    let (s, _, e) = get(&sim, &format!("/wp-json/wc/v3/products/{id}/variations/1")).await;
    assert_eq!(s, 404);
    assert_eq!(e["code"], "woocommerce_rest_product_variation_invalid_id");
}

#[tokio::test]
async fn filters_status_include_search_sku_modified_after() {
    let sim = start(cfg(300)).await;
    let (_, h, drafts) = get(&sim, "/wp-json/wc/v3/products?status=draft&per_page=100").await;
    let drafts = drafts.as_array().expect("a");
    assert!(!drafts.is_empty());
    assert!(drafts.iter().all(|p| p["status"] == "draft"));
    assert_eq!(header(&h, "x-wp-total"), drafts.len().to_string());

    let (_, _, all) = get(&sim, "/wp-json/wc/v3/products?per_page=5").await;
    let ids: Vec<u64> = all.as_array().expect("a").iter().map(|p| p["id"].as_u64().expect("id")).collect();
    let (_, h, inc) = get(&sim, &format!("/wp-json/wc/v3/products?include={},{}", ids[1], ids[3])).await;
    assert_eq!(header(&h, "x-wp-total"), "2");
    let got: Vec<u64> = inc.as_array().expect("a").iter().map(|p| p["id"].as_u64().expect("id")).collect();
    assert!(got.contains(&ids[1]) && got.contains(&ids[3]));

    let name = all[0]["name"].as_str().expect("name").to_string();
    let word = name.split_whitespace().last().expect("word").to_lowercase();
    let (_, _, found) = get(&sim, &format!("/wp-json/wc/v3/products?per_page=100&search={}", urlenc(&word))).await;
    let found = found.as_array().expect("a");
    assert!(found.iter().any(|p| p["id"] == all[0]["id"]));
    assert!(found.iter().all(|p| p["name"].as_str().expect("n").to_lowercase().contains(&word)));

    let sku = all[0]["sku"].as_str().expect("sku").to_string();
    if !sku.is_empty() {
        let (_, _, by_sku) = get(&sim, &format!("/wp-json/wc/v3/products?sku={sku}")).await;
        assert_eq!(by_sku.as_array().map(|a| a.len()), Some(1));
    }

    // Incremental: after a change, modified_after (GMT) returns exactly the changed product.
    let before = chrono::Utc::now() - chrono::Duration::seconds(2);
    let stamp = before.format("%Y-%m-%dT%H:%M:%S").to_string();
    let (_, h, none) = get(&sim, &format!("/wp-json/wc/v3/products?modified_after={stamp}&dates_are_gmt=true")).await;
    assert_eq!(header(&h, "x-wp-total"), "0", "{none}");
    sim.control().update_product(ids[2], ProductPatch { name: Some("Renamed Ünïcode Product".into()), ..Default::default() }).expect("update");
    let (_, h, changed) = get(&sim, &format!("/wp-json/wc/v3/products?modified_after={stamp}&dates_are_gmt=true")).await;
    assert_eq!(header(&h, "x-wp-total"), "1");
    assert_eq!(changed[0]["id"].as_u64(), Some(ids[2]));
    assert_eq!(changed[0]["name"], "Renamed Ünïcode Product");
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/products?modified_after=yesterday").await;
    assert_eq!(s, 400);
    assert_eq!(e["code"], "rest_invalid_param");
    let (s, _, _) = get(&sim, "/wp-json/wc/v3/products?status=bogus").await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn local_dates_follow_site_offset() {
    let sim = start(SimConfig { utc_offset_secs: 3 * 3600, ..cfg(5) }).await;
    let (_, _, list) = get(&sim, "/wp-json/wc/v3/products?per_page=1").await;
    let p = &list[0];
    let local = chrono::NaiveDateTime::parse_from_str(p["date_modified"].as_str().expect("d"), "%Y-%m-%dT%H:%M:%S").expect("parse");
    let gmt = chrono::NaiveDateTime::parse_from_str(p["date_modified_gmt"].as_str().expect("d"), "%Y-%m-%dT%H:%M:%S").expect("parse");
    assert_eq!((local - gmt).num_seconds(), 3 * 3600);
    // modified_after without dates_are_gmt is site-local time.
    let id = p["id"].as_u64().expect("id");
    let local_minus_1 = (local - chrono::Duration::seconds(1)).format("%Y-%m-%dT%H:%M:%S").to_string();
    let (_, _, l) = get(&sim, &format!("/wp-json/wc/v3/products?include={id}&modified_after={local_minus_1}")).await;
    assert_eq!(l.as_array().map(|a| a.len()), Some(1));
    let (_, _, l) = get(&sim, &format!("/wp-json/wc/v3/products?include={id}&modified_after={local_minus_1}&dates_are_gmt=true")).await;
    assert_eq!(l.as_array().map(|a| a.len()), Some(0));
}

#[tokio::test]
async fn generated_catalog_is_realistic_over_http() {
    let sim = start(cfg(400)).await;
    let mut products = Vec::new();
    for page in 1..=4 {
        let (_, _, l) = get(&sim, &format!("/wp-json/wc/v3/products?per_page=100&page={page}")).await;
        products.extend(l.as_array().expect("a").clone());
    }
    assert_eq!(products.len(), 400);
    let gtins: Vec<&str> = products.iter().filter_map(|p| p["global_unique_id"].as_str()).filter(|g| !g.is_empty()).collect();
    assert!(gtins.iter().any(|g| gtin_is_valid(g)));
    assert!(gtins.iter().any(|g| !gtin_is_valid(g)));
    assert!(products.iter().any(|p| p["status"] == "draft"));
    assert!(products.iter().any(|p| p["images"].as_array().is_some_and(|a| a.is_empty())));
    assert!(products.iter().any(|p| p["on_sale"] == true && p["sale_price"] != ""));
    assert!(products.iter().any(|p| p["date_on_sale_to_gmt"].is_string()));
    assert!(products.iter().any(|p| !p["name"].as_str().expect("n").is_ascii()));
    assert!(products.iter().any(|p| p["description"].as_str().expect("d").contains("<ul>")));
    assert!(products.iter().any(|p| p["brands"].as_array().is_some_and(|b| !b.is_empty())));
    let (_, _, cats) = get(&sim, "/wp-json/wc/v3/products/categories?per_page=100").await;
    let cats = cats.as_array().expect("a");
    assert!(cats.iter().any(|c| c["parent"].as_u64() != Some(0)));
    let (_, _, brands) = get(&sim, "/wp-json/wc/v3/products/brands?per_page=100").await;
    assert!(!brands.as_array().expect("a").is_empty());
    let (_, _, tags) = get(&sim, "/wp-json/wc/v3/products/tags").await;
    assert!(!tags.as_array().expect("a").is_empty());
    let (s, _, reviews) = get(&sim, "/wp-json/wc/v3/products/reviews").await;
    assert_eq!(s, 200);
    assert!(reviews.as_array().is_some_and(|r| !r.is_empty()));
}

#[tokio::test]
async fn fields_filter_like_wordpress() {
    let sim = start(cfg(10)).await;
    let (_, _, l) = get(&sim, "/wp-json/wc/v3/products?per_page=3&_fields=id,name,_links.self").await;
    for p in l.as_array().expect("a") {
        let o = p.as_object().expect("obj");
        assert_eq!(o.keys().cloned().collect::<Vec<_>>(), vec!["id", "name", "_links"]);
        assert!(p["_links"]["self"].is_array() && p["_links"].get("collection").is_none());
    }
}

#[tokio::test]
async fn settings_and_system_status() {
    let sim = start(SimConfig { currency: "EUR".into(), currency_symbol: "€".into(), ..cfg(3) }).await;
    let (_, _, general) = get(&sim, "/wp-json/wc/v3/settings/general").await;
    let cur = general.as_array().expect("a").iter().find(|s| s["id"] == "woocommerce_currency").expect("currency");
    assert_eq!(cur["value"], "EUR");
    let (_, _, w) = get(&sim, "/wp-json/wc/v3/settings/products/woocommerce_weight_unit").await;
    assert!(w["value"].is_string());
    let (_, _, ss) = get(&sim, "/wp-json/wc/v3/system_status").await;
    assert_eq!(ss["environment"]["version"], "9.9.5");
    assert_eq!(ss["settings"]["currency"], "EUR");
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/settings/nope").await;
    assert_eq!(s, 404);
    assert_eq!(e["data"]["status"], 404);
}

#[tokio::test]
async fn orders_carry_attribution() {
    let sim = start(cfg(50)).await;
    let ctl = sim.control();
    let pid = ctl.find_products("publish", Some("simple"))[0];
    let o = ctl.place_order(NewOrder { line_items: vec![NewOrderLine { product_id: pid, variation_id: 0, quantity: 2 }], attribution: Some("chatgpt".into()), ..Default::default() }).expect("order");
    let id = o["id"].as_u64().expect("id");
    let (s, _, got) = get(&sim, &format!("/wp-json/wc/v3/orders/{id}")).await;
    assert_eq!(s, 200);
    let meta = got["meta_data"].as_array().expect("meta");
    assert!(meta.iter().any(|m| m["key"] == "_wc_order_attribution_utm_source" && m["value"] == "chatgpt.com"));
    assert!(meta.iter().any(|m| m["key"] == "_wc_order_attribution_source_type" && m["value"] == "utm"));
    assert_eq!(got["line_items"][0]["product_id"].as_u64(), Some(pid));
    assert_eq!(got["line_items"][0]["quantity"], 2);
    assert!(got["total"].is_string());
    ctl.place_random_orders(10, 0.5).expect("random");
    let (_, h, list) = get(&sim, "/wp-json/wc/v3/orders?per_page=100&include_meta=_wc_order_attribution_utm_source").await;
    assert_eq!(header(&h, "x-wp-total"), "11");
    assert!(list.as_array().expect("a").iter().all(|o| o["meta_data"].as_array().expect("m").iter().all(|m| m["key"] == "_wc_order_attribution_utm_source")));
    let (s, _, e) = get(&sim, "/wp-json/wc/v3/orders/1").await;
    assert_eq!(s, 404);
    assert_eq!(e["code"], "woocommerce_rest_shop_order_invalid_id");
}

#[tokio::test]
async fn sample_catalog_serves_woocommerce_products() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let sim = start(SimConfig { catalog: CatalogSource::Sample { dir: Some(dir) }, ..SimConfig::default() }).await;
    let (_, h, list) = get(&sim, "/wp-json/wc/v3/products?per_page=100").await;
    assert_eq!(header(&h, "x-wp-total"), "18");
    let hoodie = list.as_array().expect("a").iter().find(|p| p["sku"] == "woo-hoodie").expect("hoodie").clone();
    assert_eq!(hoodie["type"], "variable");
    let (_, _, vars) = get(&sim, &format!("/wp-json/wc/v3/products/{}/variations", hoodie["id"])).await;
    assert_eq!(vars.as_array().map(|a| a.len()), Some(4));
    assert_eq!(hoodie["price"], "42");
}

#[tokio::test]
async fn rest_write_needs_write_key_and_fires_update() {
    let sim = start(cfg(10)).await;
    let id = sim.control().find_products("publish", Some("simple"))[0];
    let (ck, cs) = sim.credentials();
    let r = client().put(format!("{}/wp-json/wc/v3/products/{id}", sim.base_url())).basic_auth(&ck, Some(&cs)).json(&serde_json::json!({"regular_price": "12.34"})).send().await.expect("put");
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["regular_price"], "12.34");
    let ro = sim.control().create_key("read", "read only");
    let r = client().put(format!("{}/wp-json/wc/v3/products/{id}", sim.base_url())).basic_auth(&ro.consumer_key, Some(&ro.consumer_secret)).json(&serde_json::json!({"regular_price": "1.00"})).send().await.expect("put");
    assert_eq!(r.status().as_u16(), 401);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_authentication_error");
    assert_eq!(e["message"], "The API key provided does not have write permissions.");
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
