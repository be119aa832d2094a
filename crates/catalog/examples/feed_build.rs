//! The `productsynch feed build` pipeline without the rest of the binary (same `build_feed`, same JSON summary
//! on stdout): `scripts/bench-feed.sh` runs it when `FEED_BENCH_BUILDER=example`, e.g. while the full binary
//! cannot be rebuilt. Usage: `feed_build --products P --variations V --categories C --shop S --format F --out O`.

use std::path::PathBuf;
use std::process::ExitCode;

use productsynch_catalog::build::{BuildInput, BuildOptions, build_feed};
use productsynch_feed::io::ShardLimits;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut products, mut variations, mut categories, mut shop, mut format, mut out) = (None, None, None, None, None, None);
    while let Some(a) = args.next() {
        let v = args.next();
        match (a.as_str(), v) {
            ("--products", Some(v)) => products = Some(PathBuf::from(v)),
            ("--variations", Some(v)) => variations = Some(PathBuf::from(v)),
            ("--categories", Some(v)) => categories = Some(PathBuf::from(v)),
            ("--shop", Some(v)) => shop = Some(PathBuf::from(v)),
            ("--format", Some(v)) => format = Some(v),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            (other, _) => {
                eprintln!("unknown or incomplete argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(products), Some(shop), Some(out)) = (products, shop, out) else {
        eprintln!("--products, --shop and --out are required");
        return ExitCode::from(2);
    };
    let format = match format.as_deref().unwrap_or("jsonl").parse() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let input = BuildInput { products, variations, categories, shop };
    let opts = BuildOptions { format, profile: productsynch_feed::Profile::OpenAi, out, limits: ShardLimits::default() };
    let started = std::time::Instant::now();
    let mut left_out = 0u64;
    let summary = match build_feed(&input, &opts, &mut |l| {
        left_out += 1;
        for i in &l.issues {
            eprintln!("left out {:?} {:?}: {}: {}: {}", l.item_id, l.product_id, i.field, i.code, i.message);
        }
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let mut v = serde_json::to_value(&summary).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("seconds".into(), serde_json::json!((secs * 1000.0).round() / 1000.0));
        o.insert("items_per_second".into(), serde_json::json!(if secs > 0.0 { (summary.items as f64 / secs).round() } else { 0.0 }));
    }
    println!("{v}");
    if left_out > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
