//! Benchmark client: webhook-to-feed latency of a running `productsynch serve` connected to a running
//! `productsynch sim` (scripts/bench-server.sh starts both and connects them).
//!
//! For each of N changes it renames a product at the simulator (`PATCH /__sim/products/:id`), which sends the
//! signed `product.updated` webhook to the server, and polls `GET /api/v1/shops/:id/products/:pid/preview-feed`
//! until the product's feed items carry the new title. Prints p50/p90/p99/max of the change-to-feed time.
//!
//! `bench_webhook --api http://127.0.0.1:3000 --sim http://127.0.0.1:8081 --token JWT --shop shop_… [--n 200]`

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

fn arg(name: &str) -> Option<String> {
    let mut it = std::env::args();
    while let Some(a) = it.next() {
        if a == name {
            return it.next();
        }
    }
    None
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let api = arg("--api").context("--api URL")?;
    let sim = arg("--sim").context("--sim URL")?;
    let token = arg("--token").context("--token JWT")?;
    let shop = arg("--shop").context("--shop ID")?;
    let n: usize = arg("--n").map(|v| v.parse()).transpose()?.unwrap_or(200);
    let timeout = Duration::from_secs(arg("--timeout-secs").map(|v| v.parse()).transpose()?.unwrap_or(60));
    let poll = Duration::from_millis(arg("--poll-ms").map(|v| v.parse()).transpose()?.unwrap_or(5));
    let http = reqwest::Client::builder().pool_max_idle_per_host(4).build()?;
    let auth = format!("Bearer {token}");

    // N distinct published products of the synced catalog (drafts and pending products are not in the feed).
    let published: std::collections::HashSet<i64> = http
        .get(format!("{sim}/__sim/products?status=publish&limit=1000000"))
        .send()
        .await?
        .error_for_status()?
        .json::<Value>()
        .await?["ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let mut targets: Vec<(i64, String)> = Vec::new();
    let mut page = 1;
    while targets.len() < n {
        let v: Value = http
            .get(format!("{api}/api/v1/shops/{shop}/products?limit=200&sort=wooProductId&page={page}"))
            .header("authorization", &auth)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let rows = v["products"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        for p in rows {
            if let (Some(w), Some(id)) = (p["wooProductId"].as_i64(), p["id"].as_str())
                && published.contains(&w)
            {
                targets.push((w, id.to_owned()));
            }
        }
        page += 1;
    }
    if targets.is_empty() {
        bail!("the shop has no products: sync it first");
    }
    let run = format!("{:016x}", rand::random::<u64>());
    let mut lat_ms = Vec::with_capacity(n);
    let mut timeouts = 0;
    let started = Instant::now();
    for i in 0..n {
        let (woo_id, pid) = &targets[i % targets.len()];
        let marker = format!("Bench {} {i}", &run[..8]);
        let t0 = Instant::now();
        http.patch(format!("{sim}/__sim/products/{woo_id}"))
            .json(&json!({ "name": marker }))
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("changing product {woo_id} at the simulator"))?;
        loop {
            let body = http
                .get(format!("{api}/api/v1/shops/{shop}/products/{pid}/preview-feed"))
                .header("authorization", &auth)
                .send()
                .await?
                .error_for_status()?
                .text()
                .await?;
            if body.contains(&marker) {
                lat_ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            if t0.elapsed() > timeout {
                timeouts += 1;
                eprintln!("change {i} (product {woo_id}) not in the feed after {timeout:?}");
                break;
            }
            tokio::time::sleep(poll).await;
        }
    }
    let total = started.elapsed();
    lat_ms.sort_by(|a, b| a.total_cmp(b));
    let mean = lat_ms.iter().sum::<f64>() / lat_ms.len().max(1) as f64;
    println!(
        "RESULT changes={n} reflected={} timeouts={timeouts} p50_ms={:.0} p90_ms={:.0} p99_ms={:.0} max_ms={:.0} mean_ms={:.0} min_ms={:.0} total_s={:.1}",
        lat_ms.len(),
        pct(&lat_ms, 50.0),
        pct(&lat_ms, 90.0),
        pct(&lat_ms, 99.0),
        lat_ms.last().copied().unwrap_or(f64::NAN),
        mean,
        lat_ms.first().copied().unwrap_or(f64::NAN),
        total.as_secs_f64()
    );
    if timeouts > 0 {
        bail!("{timeouts} of {n} changes did not reach the feed within {timeout:?}");
    }
    Ok(())
}
