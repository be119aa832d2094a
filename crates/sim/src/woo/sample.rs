//! WooCommerce's own sample catalog (`sample_products.csv`, the product CSV importer format), read at runtime.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::SimError;
use super::model::*;

/// 2019-01-16 (the sample export's date); products are spread a minute apart from there.
const SAMPLE_EPOCH: i64 = 1_547_640_000;

pub struct SampleCatalog {
    pub products: Vec<Product>,
    pub categories: Vec<Term>,
    pub tags: Vec<Term>,
    pub brands: Vec<Term>,
}

/// Finds the folder holding `sample_products.csv`: the given dir, `$SHARED_DIR/reference/woocommerce-sample-data`,
/// or `../shared/reference/woocommerce-sample-data` from the current directory or its ancestors.
pub fn find_sample_dir(given: Option<&Path>) -> Result<PathBuf, SimError> {
    let mut tried = Vec::new();
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(g) = given {
        candidates.push(g.to_path_buf());
    }
    if let Ok(s) = std::env::var("SHARED_DIR") {
        candidates.push(PathBuf::from(&s).join("reference/woocommerce-sample-data"));
        candidates.push(PathBuf::from(s).join("woocommerce-sample-data"));
    }
    if let Ok(cwd) = std::env::current_dir() {
        for anc in cwd.ancestors() {
            candidates.push(anc.join("../shared/reference/woocommerce-sample-data"));
            candidates.push(anc.join("shared/reference/woocommerce-sample-data"));
        }
    }
    for c in candidates {
        if c.join("sample_products.csv").is_file() {
            return Ok(c);
        }
        tried.push(c.display().to_string());
    }
    Err(SimError::SampleNotFound(tried.into_iter().take(4).collect::<Vec<_>>().join(", ")))
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

fn wpautop(s: &str) -> String {
    if s.trim().is_empty() {
        return String::new();
    }
    if s.trim_start().starts_with('<') {
        return format!("{}\n", s.trim());
    }
    s.split("\n\n").map(|p| format!("<p>{}</p>\n", p.trim().replace('\n', "<br />\n"))).collect()
}

/// Parses `sample_products.csv` from `dir` into products (variations attached to their parents).
pub fn load_sample(dir: &Path, site_url: &str) -> Result<SampleCatalog, SimError> {
    let path = dir.join("sample_products.csv");
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(&path)?;
    let headers: Vec<String> = rdr.headers()?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let col = |row: &csv::StringRecord, name: &str| -> String { headers.iter().position(|h| h == name).and_then(|i| row.get(i)).unwrap_or("").to_string() };

    let mut categories: Vec<Term> = Vec::new();
    let mut tags: Vec<Term> = Vec::new();
    let mut next_term = 15u64;
    let mut next_image = 5000u64;
    let site = site_url.trim_end_matches('/');

    let cat_id = |path: &str, categories: &mut Vec<Term>, next_term: &mut u64| -> Option<u64> {
        let mut parent = 0;
        let mut last = None;
        for part in path.split('>').map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let id = match categories.iter().find(|c| c.name == part && c.parent == parent) {
                Some(c) => c.id,
                None => {
                    let id = *next_term;
                    *next_term += 1;
                    categories.push(Term { id, name: part.into(), slug: slugify(part), parent, description: String::new() });
                    id
                }
            };
            parent = id;
            last = Some(id);
        }
        last
    };

    let mut products: Vec<Product> = Vec::new();
    let mut variations: Vec<(String, Variation)> = Vec::new();
    let mut grouped: Vec<(u64, Vec<String>)> = Vec::new();
    for (i, row) in rdr.records().enumerate() {
        let row = row?;
        let id: u64 = col(&row, "ID").trim().parse().map_err(|_| SimError::Invalid(format!("bad ID in row {}", i + 2)))?;
        let types = split_list(&col(&row, "Type"));
        let kind = types.first().cloned().unwrap_or_else(|| "simple".into());
        let created = SAMPLE_EPOCH + i as i64 * 60;
        let status = match col(&row, "Published").trim() {
            "1" => "publish",
            "-1" => "private",
            _ => "draft",
        };
        let images: Vec<Image> = split_list(&col(&row, "Images"))
            .into_iter()
            .map(|src| {
                let id = next_image;
                next_image += 1;
                let name = src.rsplit('/').next().unwrap_or("").trim_end_matches(".jpg").to_string();
                Image { id, src, name, alt: String::new(), date: created }
            })
            .collect();
        let in_stock = col(&row, "In stock?").trim() != "0";
        let stock = col(&row, "Stock").trim().parse::<i64>().ok();
        let mut attributes = Vec::new();
        for n in 1..=3 {
            let name = col(&row, &format!("Attribute {n} name"));
            if name.is_empty() {
                continue;
            }
            let global = col(&row, &format!("Attribute {n} global")).trim() == "1";
            attributes.push((name.clone(), split_list(&col(&row, &format!("Attribute {n} value(s)"))), col(&row, &format!("Attribute {n} visible")).trim() != "0", global));
        }
        if kind == "variation" {
            let parent_sku = col(&row, "Parent");
            let v = Variation {
                id,
                parent_id: 0,
                date_created: created,
                date_modified: created,
                description: wpautop(&col(&row, "Description")),
                sku: col(&row, "SKU"),
                global_unique_id: String::new(),
                regular_price: col(&row, "Regular price"),
                sale_price: col(&row, "Sale price"),
                date_on_sale_from: None,
                date_on_sale_to: None,
                status: status.into(),
                virtual_: false,
                downloadable: false,
                tax_status: if col(&row, "Tax status").is_empty() { "taxable".into() } else { col(&row, "Tax status") },
                tax_class: col(&row, "Tax class"),
                manage_stock: stock.is_some(),
                stock_quantity: stock,
                stock_status: if in_stock { "instock".into() } else { "outofstock".into() },
                backorders: "no".into(),
                weight: col(&row, "Weight (lbs)"),
                dimensions: Dimensions { length: col(&row, "Length (in)"), width: col(&row, "Width (in)"), height: col(&row, "Height (in)") },
                shipping_class: String::new(),
                image: images.into_iter().next(),
                attributes: attributes
                    .iter()
                    .map(|(name, vals, _, global)| VariationAttr { id: 0, name: name.clone(), slug: if *global { format!("pa_{}", slugify(name)) } else { slugify(name) }, option: vals.first().cloned().unwrap_or_default() })
                    .filter(|a| !a.option.is_empty())
                    .collect(),
                menu_order: col(&row, "Position").trim().parse().unwrap_or(0),
                meta_data: vec![],
            };
            variations.push((parent_sku, v));
            continue;
        }
        let cats: Vec<u64> = split_list(&col(&row, "Categories")).iter().filter_map(|c| cat_id(c, &mut categories, &mut next_term)).collect();
        let mut tag_ids = Vec::new();
        for t in split_list(&col(&row, "Tags")) {
            let id = match tags.iter().find(|x| x.name == t) {
                Some(x) => x.id,
                None => {
                    let id = 1000 + tags.len() as u64;
                    tags.push(Term { id, name: t.clone(), slug: slugify(&t), parent: 0, description: String::new() });
                    id
                }
            };
            tag_ids.push(id);
        }
        let downloads: Vec<Download> = (1..=2)
            .filter_map(|n| {
                let url = col(&row, &format!("Download {n} URL"));
                if url.is_empty() {
                    return None;
                }
                use sha2::Digest;
                let h = sha2::Sha256::digest(url.as_bytes());
                Some(Download { id: hex::encode(&h[..16]), name: col(&row, &format!("Download {n} name")), file: url })
            })
            .collect();
        let name = col(&row, "Name");
        let p = Product {
            id,
            name: name.clone(),
            slug: slugify(&name),
            kind: kind.clone(),
            status: status.into(),
            featured: col(&row, "Is featured?").trim() == "1",
            catalog_visibility: if col(&row, "Visibility in catalog").is_empty() { "visible".into() } else { col(&row, "Visibility in catalog") },
            description: wpautop(&col(&row, "Description")),
            short_description: wpautop(&col(&row, "Short description")),
            sku: col(&row, "SKU"),
            global_unique_id: String::new(),
            regular_price: col(&row, "Regular price"),
            sale_price: col(&row, "Sale price"),
            date_on_sale_from: None,
            date_on_sale_to: None,
            date_created: created,
            date_modified: created,
            total_sales: 0,
            virtual_: types.iter().any(|t| t == "virtual"),
            downloadable: types.iter().any(|t| t == "downloadable"),
            downloads,
            external_url: col(&row, "External URL"),
            button_text: col(&row, "Button text"),
            tax_status: if col(&row, "Tax status").is_empty() { "taxable".into() } else { col(&row, "Tax status") },
            tax_class: col(&row, "Tax class"),
            manage_stock: stock.is_some(),
            stock_quantity: stock,
            stock_status: if in_stock { "instock".into() } else { "outofstock".into() },
            backorders: if col(&row, "Backorders allowed?").trim() == "1" { "yes".into() } else { "no".into() },
            sold_individually: col(&row, "Sold individually?").trim() == "1",
            weight: col(&row, "Weight (lbs)"),
            dimensions: Dimensions { length: col(&row, "Length (in)"), width: col(&row, "Width (in)"), height: col(&row, "Height (in)") },
            shipping_class: String::new(),
            reviews_allowed: col(&row, "Allow customer reviews?").trim() != "0",
            average_rating: "0.00".into(),
            rating_count: 0,
            related_ids: vec![],
            upsell_ids: vec![],
            cross_sell_ids: vec![],
            parent_id: 0,
            purchase_note: col(&row, "Purchase note"),
            categories: cats,
            tags: tag_ids,
            brands: vec![],
            images,
            attributes: attributes
                .iter()
                .enumerate()
                .map(|(pos, (name, vals, visible, global))| Attribute {
                    id: if *global { pos as u64 + 1 } else { 0 },
                    name: name.clone(),
                    slug: if *global { format!("pa_{}", slugify(name)) } else { slugify(name) },
                    position: pos as i64,
                    visible: *visible,
                    variation: kind == "variable",
                    options: vals.clone(),
                })
                .collect(),
            default_attributes: vec![],
            variations: vec![],
            grouped_products: vec![],
            menu_order: 0,
            meta_data: vec![],
        };
        if kind == "grouped" {
            grouped.push((id, split_list(&col(&row, "Grouped products"))));
        }
        products.push(p);
    }
    let by_sku: HashMap<String, u64> = products.iter().filter(|p| !p.sku.is_empty()).map(|p| (p.sku.to_lowercase(), p.id)).collect();
    for (parent_ref, mut v) in variations {
        let pid = parent_ref.strip_prefix("id:").and_then(|i| i.parse::<u64>().ok()).or_else(|| by_sku.get(&parent_ref.to_lowercase()).copied());
        let Some(p) = pid.and_then(|pid| products.iter_mut().find(|p| p.id == pid)) else {
            tracing::warn!(variation = v.id, parent = %parent_ref, "sample variation without parent skipped");
            continue;
        };
        v.parent_id = p.id;
        for a in &mut v.attributes {
            if let Some(pa) = p.attributes.iter().find(|x| x.name == a.name) {
                a.id = pa.id;
                a.slug = pa.slug.clone();
            }
        }
        p.variations.push(v);
    }
    for p in &mut products {
        p.variations.sort_by_key(|v| (v.menu_order, v.id));
        if p.kind == "variable" {
            // Only options that some variation uses stay "variation" attributes.
            for a in &mut p.attributes {
                a.variation = p.variations.iter().any(|v| v.attributes.iter().any(|x| x.name == a.name));
            }
        }
    }
    for (gid, skus) in grouped {
        let ids: Vec<u64> = skus.iter().filter_map(|s| by_sku.get(&s.to_lowercase()).copied()).collect();
        if let Some(g) = products.iter_mut().find(|p| p.id == gid) {
            g.grouped_products = ids;
        }
    }
    products.sort_by_key(|p| p.id);
    let _ = site;
    if !categories.iter().any(|c| c.slug == "uncategorized") {
        categories.insert(0, Term { id: 15_000, name: "Uncategorized".into(), slug: "uncategorized".into(), parent: 0, description: String::new() });
    }
    Ok(SampleCatalog { products, categories, tags, brands: vec![] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_fixture() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let s = load_sample(&dir, "http://localhost").expect("fixture loads");
        let hoodie = s.products.iter().find(|p| p.sku == "woo-hoodie").expect("hoodie");
        assert_eq!(hoodie.kind, "variable");
        assert_eq!(hoodie.variations.len(), 4);
        assert!(hoodie.variations.iter().all(|v| v.parent_id == hoodie.id));
        let tee = s.products.iter().find(|p| p.sku == "woo-vneck-tee").expect("tee");
        assert_eq!(tee.variations.len(), 3);
        let album = s.products.iter().find(|p| p.sku == "woo-album").expect("album");
        assert!(album.downloadable && album.virtual_);
        let group = s.products.iter().find(|p| p.kind == "grouped").expect("grouped");
        assert_eq!(group.grouped_products.len(), 3);
        assert!(s.categories.iter().any(|c| c.name == "Tshirts" && c.parent != 0));
        let pennant = s.products.iter().find(|p| p.kind == "external").expect("external");
        assert!(pennant.external_url.starts_with("https://"));
    }
}
