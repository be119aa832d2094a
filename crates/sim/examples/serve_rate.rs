//! How fast the simulator serves a generated catalog to a plain concurrent fetch loop.
//!
//! `cargo run --release -p productsynch-sim --example serve_rate -- [products] [concurrency]`
//! Fetches every product page (per_page=100) and every variable product's variations, then prints the rates.

use std::time::Instant;

use futures::StreamExt;
use productsynch_sim::woo::{CatalogSource, SimConfig, SimStore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let products: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(4);
    let sim = SimStore::start(SimConfig { catalog: CatalogSource::Generated { products, seed: 42 }, ..SimConfig::default() }).await?;
    let (ck, cs) = sim.credentials();
    let base = sim.base_url();
    let client = reqwest::Client::new();

    let started = Instant::now();
    let first = client.get(format!("{base}/wp-json/wc/v3/products?per_page=100&orderby=id&order=asc")).basic_auth(&ck, Some(&cs)).send().await?;
    let pages: u64 = first.headers().get("x-wp-totalpages").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
    let index_time = started.elapsed();
    drop(first.bytes().await?);

    let started = Instant::now();
    let results: Vec<Result<(usize, Vec<(u64, usize)>), reqwest::Error>> = futures::stream::iter(1..=pages)
        .map(|page| {
            let client = client.clone();
            let (ck, cs, base) = (ck.clone(), cs.clone(), base.clone());
            async move {
                let body = client.get(format!("{base}/wp-json/wc/v3/products?per_page=100&orderby=id&order=asc&page={page}")).basic_auth(&ck, Some(&cs)).send().await?.bytes().await?;
                let items: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap_or_default();
                let variable = items.iter().filter(|p| p["type"] == "variable").map(|p| (p["id"].as_u64().unwrap_or(0), p["variations"].as_array().map(|a| a.len()).unwrap_or(0))).collect();
                Ok((body.len(), variable))
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    let product_time = started.elapsed();
    let mut bytes = 0usize;
    let mut variable = Vec::new();
    for r in results {
        let (b, v) = r?;
        bytes += b;
        variable.extend(v);
    }

    let started = Instant::now();
    let var_requests: Vec<(u64, u64)> = variable.iter().flat_map(|(id, n)| (1..=(*n as u64).div_ceil(100)).map(move |p| (*id, p))).collect();
    let vresults: Vec<Result<usize, reqwest::Error>> = futures::stream::iter(var_requests.clone())
        .map(|(id, page)| {
            let client = client.clone();
            let (ck, cs, base) = (ck.clone(), cs.clone(), base.clone());
            async move { Ok(client.get(format!("{base}/wp-json/wc/v3/products/{id}/variations?per_page=100&page={page}")).basic_auth(&ck, Some(&cs)).send().await?.bytes().await?.len()) }
        })
        .buffered(concurrency)
        .collect()
        .await;
    let var_time = started.elapsed();
    let vbytes: usize = vresults.into_iter().collect::<Result<Vec<_>, _>>()?.into_iter().sum();
    let nvars: usize = variable.iter().map(|(_, n)| n).sum();

    let rss_kb = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.to_string())).unwrap_or_default();
    println!("catalog: {products} products, {} variable, {nvars} variations; concurrency {concurrency}", variable.len());
    println!("first page (builds the ordered index): {:.0} ms", index_time.as_secs_f64() * 1000.0);
    println!("product pages: {pages} in {:.2} s = {:.0} products/s, {:.1} MB/s", product_time.as_secs_f64(), products as f64 / product_time.as_secs_f64(), bytes as f64 / 1e6 / product_time.as_secs_f64());
    println!("variation pages: {} in {:.2} s = {:.0} variations/s, {:.1} MB/s", var_requests.len(), var_time.as_secs_f64(), nvars as f64 / var_time.as_secs_f64(), vbytes as f64 / 1e6 / var_time.as_secs_f64());
    println!("peak memory (simulator + fetch loop in one process): {rss_kb}");
    sim.shutdown().await;
    Ok(())
}
