use productsynch_sim::woo::{NewProduct, ProductPatch, SimConfig};

use crate::{cfg, get, start};

#[tokio::test]
async fn state_survives_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let state = dir.path().join("sim-state.json");
    let mk = || SimConfig { state_file: Some(state.clone()), ..cfg(30) };

    let sim = start(mk()).await;
    let creds = sim.credentials();
    let ctl = sim.control();
    let changed = ctl.find_products("publish", Some("simple"))[0];
    ctl.update_product(changed, ProductPatch { regular_price: Some("1.23".into()), name: Some("Persisted".into()), ..Default::default() }).expect("update");
    let created = ctl.create_product(NewProduct { name: "Made before restart".into(), regular_price: "9.00".into(), ..Default::default() }).expect("create");
    let trashed = ctl.find_products("publish", None)[1];
    ctl.delete_product(trashed, false).expect("trash");
    let key = ctl.create_key("read", "kept");
    ctl.place_random_orders(3, 1.0).expect("orders");
    sim.shutdown().await;

    let sim = start(mk()).await;
    assert_eq!(sim.credentials(), creds, "the admin key survives");
    let (s, _, p) = get(&sim, &format!("/wp-json/wc/v3/products/{changed}")).await;
    assert_eq!(s, 200);
    assert_eq!(p["name"], "Persisted");
    assert_eq!(p["regular_price"], "1.23");
    let (s, _, c) = get(&sim, &format!("/wp-json/wc/v3/products/{}", created["id"])).await;
    assert_eq!(s, 200);
    assert_eq!(c["name"], "Made before restart");
    let (_, _, t) = get(&sim, &format!("/wp-json/wc/v3/products/{trashed}")).await;
    assert_eq!(t["status"], "trash");
    let (_, _, trash) = get(&sim, "/wp-json/wc/v3/products?status=trash").await;
    assert_eq!(trash.as_array().map(|a| a.len()), Some(1));
    assert!(sim.control().keys().iter().any(|k| k.consumer_key == key.consumer_key));
    let (_, _, orders) = get(&sim, "/wp-json/wc/v3/orders").await;
    assert_eq!(orders.as_array().map(|a| a.len()), Some(3));
    // New ids keep counting from where they were.
    let next = sim.control().create_product(NewProduct { name: "After restart".into(), regular_price: "1.00".into(), ..Default::default() }).expect("create");
    assert!(next["id"].as_u64() > created["id"].as_u64());
}
