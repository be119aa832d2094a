//! `productsynch sim generate`: writes a generated catalog as the JSON the REST API would serve,
//! streaming product by product so a million products never sit in memory.
//!
//! Output: `products.json` (array like `GET /products`), `variations.json` (object: parent id -> array like
//! `GET /products/{id}/variations`), `categories.json` (array like `GET /products/categories`), `shop.json`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::json;

use super::error::SimError;
use super::generate::{self, Generator};
use super::render::{self, Site, Taxonomies};

#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub products: u64,
    pub seed: u64,
    /// Store URL used in permalinks, image URLs and `_links` (e.g. `https://shop.example.com`).
    pub store_url: String,
    pub currency: String,
    pub store_country: String,
    pub seller_name: String,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self { products: 1000, seed: 42, store_url: "https://shop.example.com".into(), currency: "USD".into(), store_country: "US".into(), seller_name: "Northwind Outfitters".into() }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenerateSummary {
    pub products: u64,
    pub variations: u64,
    pub categories: u64,
}

/// Writes the four files into `out` (created if missing).
pub fn generate_to_dir(opts: &GenerateOptions, out: &Path) -> Result<GenerateSummary, SimError> {
    std::fs::create_dir_all(out)?;
    let store = opts.store_url.trim_end_matches('/').to_string();
    let g = Generator::new(opts.seed, opts.products, store.clone());
    // A fixed "now" keeps the output byte-for-byte deterministic (sale windows are evaluated against it).
    let site = Site { url: store.clone(), utc_offset: 0, currency: opts.currency.clone(), currency_symbol: symbol(&opts.currency).into(), now: 1_767_225_600 };
    let categories = generate::categories();
    let tags = generate::tags();
    let brands = generate::brands();
    let tax = Taxonomies { categories: &categories, tags: &tags, brands: &brands };

    let mut products = BufWriter::with_capacity(1 << 20, File::create(out.join("products.json"))?);
    let mut variations = BufWriter::with_capacity(1 << 20, File::create(out.join("variations.json"))?);
    products.write_all(b"[")?;
    variations.write_all(b"{")?;
    let mut summary = GenerateSummary::default();
    let mut counts = std::collections::HashMap::<u64, u64>::new();
    let mut first_var = true;
    for k in 0..opts.products {
        let p = g.product(k);
        if k > 0 {
            products.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut products, &render::product(&site, &tax, &p))?;
        summary.products += 1;
        if p.status == "publish" {
            for c in &p.categories {
                *counts.entry(*c).or_insert(0) += 1;
            }
        }
        if !p.variations.is_empty() {
            if !first_var {
                variations.write_all(b",\n")?;
            }
            first_var = false;
            serde_json::to_writer(&mut variations, &p.id.to_string())?;
            variations.write_all(b":[")?;
            // The variations endpoint's default order: date desc, then id desc.
            for (j, v) in p.variations.iter().rev().enumerate() {
                if j > 0 {
                    variations.write_all(b",")?;
                }
                serde_json::to_writer(&mut variations, &render::variation(&site, &p, v))?;
                summary.variations += 1;
            }
            variations.write_all(b"]")?;
        }
    }
    products.write_all(b"]\n")?;
    variations.write_all(b"}\n")?;
    products.flush()?;
    variations.flush()?;

    let cats: Vec<serde_json::Value> = categories.iter().map(|c| render::category(&site, c, counts.get(&c.id).copied().unwrap_or(0))).collect();
    summary.categories = cats.len() as u64;
    std::fs::write(out.join("categories.json"), serde_json::to_vec_pretty(&cats)?)?;
    let country = opts.store_country.split(':').next().unwrap_or("US").to_string();
    let shop = json!({
        "shop_id": format!("shop_sim_{}", opts.seed),
        "store_url": store,
        "currency": opts.currency,
        "seller_name": opts.seller_name,
        "seller_url": format!("{store}/"),
        "seller_privacy_policy": format!("{store}/privacy-policy/"),
        "seller_tos": format!("{store}/terms-and-conditions/"),
        "return_policy": format!("{store}/refund_returns/"),
        "return_window": 30,
        "store_country": country,
        "target_countries": if country == "US" { json!(["US", "CA"]) } else { json!([country]) },
    });
    std::fs::write(out.join("shop.json"), serde_json::to_vec_pretty(&shop)?)?;
    Ok(summary)
}

fn symbol(currency: &str) -> &'static str {
    match currency {
        "USD" | "CAD" | "AUD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_deterministic_json() {
        let a = tempfile::tempdir().expect("tmp");
        let b = tempfile::tempdir().expect("tmp");
        let opts = GenerateOptions { products: 120, seed: 9, ..Default::default() };
        let s = generate_to_dir(&opts, a.path()).expect("generate");
        generate_to_dir(&opts, b.path()).expect("generate");
        assert_eq!(s.products, 120);
        for f in ["products.json", "variations.json", "categories.json", "shop.json"] {
            let x = std::fs::read(a.path().join(f)).expect("read");
            let y = std::fs::read(b.path().join(f)).expect("read");
            assert_eq!(x, y, "{f} differs between runs");
        }
        let products: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(a.path().join("products.json")).expect("read")).expect("json");
        assert_eq!(products.len(), 120);
        let vars: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&std::fs::read(a.path().join("variations.json")).expect("read")).expect("json");
        let variable: Vec<&serde_json::Value> = products.iter().filter(|p| p["type"] == "variable").collect();
        assert_eq!(vars.len(), variable.len());
        for p in variable {
            let list = vars[&p["id"].to_string()].as_array().expect("array");
            assert_eq!(list.len(), p["variations"].as_array().map(|a| a.len()).unwrap_or(0));
            assert!(list.iter().all(|v| v["parent_id"] == p["id"]));
        }
        let total: u64 = vars.values().map(|v| v.as_array().map(|a| a.len() as u64).unwrap_or(0)).sum();
        assert_eq!(total, s.variations);
        let shop: serde_json::Value = serde_json::from_slice(&std::fs::read(a.path().join("shop.json")).expect("read")).expect("json");
        for k in ["shop_id", "store_url", "currency", "seller_name", "seller_url", "seller_privacy_policy", "seller_tos", "return_policy", "return_window", "store_country", "target_countries"] {
            assert!(shop.get(k).is_some(), "shop.json lacks {k}");
        }
    }
}
