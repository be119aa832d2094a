//! Benchmark: read a whole catalog (products + variations) from a local WooCommerce simulator with the client,
//! and with a plain concurrent reqwest loop over the same URLs, then print items/s and peak RSS.
//!
//! Modes (each in its own process, so peak RSS is per mode):
//!   bench_fetch serve  --products N --port P --ck CK --cs CS     run the simulator (same code as `productsynch sim`)
//!   bench_fetch client --url URL --ck CK --cs CS [--concurrency C]
//!   bench_fetch plain  --url URL --ck CK --cs CS [--concurrency C]
//! Output of client/plain: one line `mode=… products=… variations=… requests=… secs=… items_per_sec=… peak_rss_kb=…`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use productsynch_woo::{ApiRoot, AuthMode, Client, ClientConfig, Credentials, ListQuery};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_default();
    let ck = arg(&args, "--ck").unwrap_or_else(|| "ck_bench00000000000000000000000000000000000".into());
    let cs = arg(&args, "--cs").unwrap_or_else(|| "cs_bench00000000000000000000000000000000000".into());
    let concurrency: usize = arg(&args, "--concurrency").and_then(|v| v.parse().ok()).unwrap_or(4);
    match mode.as_str() {
        "serve" => {
            let products: u64 = arg(&args, "--products").and_then(|v| v.parse().ok()).unwrap_or(100_000);
            let port: u16 = arg(&args, "--port").and_then(|v| v.parse().ok()).unwrap_or(8089);
            let cfg = productsynch_sim::woo::SimConfig {
                catalog: productsynch_sim::woo::CatalogSource::Generated { products, seed: 42 },
                bind: ([127, 0, 0, 1], port).into(),
                consumer_key: Some(ck),
                consumer_secret: Some(cs),
                ..Default::default()
            };
            let sim = productsynch_sim::woo::SimStore::start(cfg).await?;
            println!("serving {} on {}", products, sim.base_url());
            sim.wait().await;
            Ok(())
        }
        "client" => {
            let url = arg(&args, "--url").ok_or("--url")?;
            let mut cfg = ClientConfig::new(url, Credentials::new(ck, cs));
            cfg.concurrency = concurrency;
            cfg.budget = None;
            let client = Client::new_known(cfg, ApiRoot::Pretty, AuthMode::Basic)?;
            let started = Instant::now();
            let (mut products, mut variations, mut malformed) = (0u64, 0u64, 0u64);
            let mut stream = client.catalog(&ListQuery::default());
            while let Some(page) = stream.try_next().await? {
                products += page.products.len() as u64;
                variations += page.products.iter().map(|p| p.variations.len() as u64).sum::<u64>();
                malformed += page.malformed.len() as u64;
            }
            report("client", products, variations, malformed, started);
            Ok(())
        }
        "plain" => {
            let url = arg(&args, "--url").ok_or("--url")?;
            plain(&url, &ck, &cs, concurrency).await
        }
        _ => {
            eprintln!("usage: bench_fetch serve|client|plain [--url URL] [--products N] [--port P] [--ck CK] [--cs CS] [--concurrency C]");
            std::process::exit(2);
        }
    }
}

fn report(mode: &str, products: u64, variations: u64, malformed: u64, started: Instant) {
    let secs = started.elapsed().as_secs_f64();
    let items = products + variations;
    println!(
        "mode={mode} products={products} variations={variations} malformed={malformed} secs={secs:.2} items_per_sec={:.0} peak_rss_kb={}",
        items as f64 / secs,
        peak_rss_kb()
    );
}

/// The baseline: the same URLs (product pages, then each variable product's variation pages of 100) fetched by
/// a bare reqwest loop with the same concurrency; bodies are only scanned for ids, not typed.
async fn plain(url: &str, ck: &str, cs: &str, concurrency: usize) -> Result<(), Box<dyn std::error::Error>> {
    #[derive(serde::Deserialize)]
    struct Head {
        id: u64,
        #[serde(default)]
        variations: Vec<u64>,
    }
    let http = reqwest::Client::new();
    let base = format!("{}/wp-json/wc/v3", url.trim_end_matches('/'));
    let slots = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let get = {
        let (http, ck, cs, slots) = (http.clone(), ck.to_string(), cs.to_string(), slots.clone());
        move |u: String| {
            let (http, ck, cs, slots) = (http.clone(), ck.clone(), cs.clone(), slots.clone());
            async move {
                let _permit = slots.acquire_owned().await.expect("semaphore");
                let resp = http.get(&u).basic_auth(&ck, Some(&cs)).send().await?.error_for_status()?;
                let pages: u32 = resp.headers().get("X-WP-TotalPages").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(1);
                let body = resp.bytes().await?;
                Ok::<_, reqwest::Error>((pages, body))
            }
        }
    };
    let started = Instant::now();
    let products = Arc::new(AtomicU64::new(0));
    let variations = Arc::new(AtomicU64::new(0));
    let page_url = |n: u32| format!("{base}/products?per_page=100&page={n}&orderby=id&order=asc");
    let (total_pages, first) = get(page_url(1)).await?;
    let bodies = futures::stream::iter([Ok::<_, reqwest::Error>((1, first))])
        .chain(futures::stream::iter(2..=total_pages).map(|n| {
            let get = get.clone();
            let u = page_url(n);
            async move { get(u).await }
        }).buffered(concurrency).map(|r| r));
    bodies
        .map(|r| {
            let (get, base, products, variations) = (get.clone(), base.clone(), products.clone(), variations.clone());
            async move {
                let (_, body) = r?;
                let heads: Vec<Head> = serde_json::from_slice(&body).unwrap_or_default();
                products.fetch_add(heads.len() as u64, Ordering::Relaxed);
                let urls: Vec<String> = heads
                    .iter()
                    .flat_map(|h| {
                        let chunks = h.variations.len().div_ceil(100) as u32;
                        let id = h.id;
                        let base = base.clone();
                        (1..=chunks).map(move |c| format!("{base}/products/{id}/variations?per_page=100&page={c}&orderby=id&order=asc"))
                    })
                    .collect();
                let counts: Vec<u64> = futures::stream::iter(urls)
                    .map(|u| {
                        let get = get.clone();
                        async move {
                            let (_, b) = get(u).await?;
                            Ok::<u64, reqwest::Error>(serde_json::from_slice::<Vec<Head>>(&b).map(|v| v.len() as u64).unwrap_or(0))
                        }
                    })
                    .buffered(concurrency * 2)
                    .try_collect()
                    .await?;
                variations.fetch_add(counts.iter().sum::<u64>(), Ordering::Relaxed);
                Ok::<(), reqwest::Error>(())
            }
        })
        .buffered(2)
        .try_collect::<Vec<()>>()
        .await?;
    report("plain", products.load(Ordering::Relaxed), variations.load(Ordering::Relaxed), 0, started);
    Ok(())
}
