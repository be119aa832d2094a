//! `productsynch feed …`: validate and build OpenAI product feed files (owned by the feed engine, issue 3).
//!
//! Exit codes: 0 = every item valid / nothing left out; 1 = some item has an error / was left out;
//! 2 = the input cannot be read or parsed at all.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use productsynch_catalog::build::{BuildInput, BuildOptions, LeftOut, build_feed};
use productsynch_feed::Profile;
use productsynch_feed::io::{Format, ShardLimits};

#[derive(clap::Subcommand)]
pub enum FeedCommand {
    /// Validate a feed file (JSONL, JSON, CSV, TSV, XML, optionally gzip). Prints a JSON report on stdout.
    Validate {
        /// The feed file.
        file: PathBuf,
        /// openai (current, default when detected), openai-v1 (launch names), google, acp. Detected when omitted.
        #[arg(long)]
        profile: Option<String>,
        /// jsonl, json, csv, tsv, xml, parquet. Detected from the extension or the content when omitted.
        #[arg(long)]
        format: Option<String>,
        /// Print a readable table instead of JSON.
        #[arg(long)]
        human: bool,
    },
    /// Build a feed from WooCommerce REST v3 JSON (products, variations, categories) and shop settings.
    Build {
        /// JSON array of products as `GET /wp-json/wc/v3/products` returns them.
        #[arg(long)]
        products: PathBuf,
        /// JSON object: parent product id -> array returned by `GET /products/{id}/variations`.
        #[arg(long)]
        variations: Option<PathBuf>,
        /// JSON array returned by `GET /products/categories`.
        #[arg(long)]
        categories: Option<PathBuf>,
        /// Seller settings: shop_id, store_url, currency, seller_name, seller_url, seller_privacy_policy,
        /// seller_tos, return_policy, return_window, store_country, target_countries.
        #[arg(long)]
        shop: PathBuf,
        /// jsonl, json, csv, tsv, xml, parquet.
        #[arg(long)]
        format: String,
        /// openai (default), openai-v1, google, acp.
        #[arg(long, default_value = "openai")]
        profile: String,
        /// Output file; a `.gz` suffix compresses. Large feeds are split into `NAME-00001.EXT[.gz]`, ... shards.
        #[arg(long)]
        out: PathBuf,
        /// Items per shard (OpenAI: at most 500,000).
        #[arg(long, default_value_t = 500_000)]
        shard_items: u64,
        /// Bytes per shard (OpenAI: under ~500 MB).
        #[arg(long, default_value_t = 500_000_000)]
        shard_bytes: u64,
    },
}

/// Usage errors (bad flag values) exit with 2 through the `Err` path of `main`.
pub fn run(c: FeedCommand) -> anyhow::Result<ExitCode> {
    match c {
        FeedCommand::Validate { file, profile, format, human } => {
            let profile = profile.map(|p| p.parse::<Profile>()).transpose()?;
            let format = format.map(|f| f.parse::<Format>()).transpose()?;
            let report = productsynch_feed::validate_file_now(&file, format, profile)
                .with_context(|| format!("cannot read {} as a feed", file.display()))?;
            let mut out = std::io::stdout().lock();
            if human {
                out.write_all(report.to_human().as_bytes())?;
            } else {
                serde_json::to_writer(&mut out, &report)?;
                out.write_all(b"\n")?;
            }
            Ok(if report.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        FeedCommand::Build { products, variations, categories, shop, format, profile, out, shard_items, shard_bytes } => {
            let input = BuildInput { products, variations, categories, shop };
            let opts = BuildOptions {
                format: format.parse()?,
                profile: profile.parse()?,
                out,
                limits: ShardLimits { max_items: shard_items.max(1), max_bytes: shard_bytes.max(1) },
            };
            let started = std::time::Instant::now();
            let stderr = std::io::stderr();
            let mut report = |l: LeftOut| {
                let mut e = stderr.lock();
                let who = match (&l.item_id, l.product_id) {
                    (Some(i), Some(p)) => format!("item {i} (product {p})"),
                    (Some(i), None) => format!("item {i}"),
                    (None, Some(p)) => format!("product {p}"),
                    (None, None) => "a record".to_string(),
                };
                for i in &l.issues {
                    let _ = writeln!(e, "left out {who}: {}: {}: {}", i.field, i.code, i.message);
                }
            };
            let summary = build_feed(&input, &opts, &mut report)?;
            let secs = started.elapsed().as_secs_f64();
            tracing::info!(items = summary.items, left_out = summary.left_out, seconds = secs, "feed built");
            let mut v = serde_json::to_value(&summary)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("seconds".into(), serde_json::json!((secs * 1000.0).round() / 1000.0));
                o.insert("items_per_second".into(), serde_json::json!(if secs > 0.0 { (summary.items as f64 / secs).round() } else { 0.0 }));
            }
            println!("{v}");
            Ok(if summary.left_out > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
    }
}
