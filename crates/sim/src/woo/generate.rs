//! A deterministic, lazily generated catalog: product `k` is derived from `(seed, k, n)` on demand,
//! so a store of 100,000 or 1,000,000 products costs no memory until a page is served.
//!
//! Ids: product `k` has id `ID_BASE + k * ID_STRIDE`; its variations take the ids right after it
//! (at most `ID_STRIDE - 1` = 50 variations), so every id maps back to its product in O(1).

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::model::*;

pub const ID_BASE: u64 = 1000;
pub const ID_STRIDE: u64 = 51;
pub const MAX_VARIATIONS: u64 = ID_STRIDE - 1;
/// Image (attachment) ids live far above product ids so they never collide.
pub const IMAGE_ID_BASE: u64 = 1_000_000_000_000;

/// 2023-01-01T00:00:00Z: the first generated product's creation time.
const EPOCH: i64 = 1_672_531_200;
/// Creation times are spread over two years.
const SPAN: i64 = 2 * 365 * 86_400;

struct Top {
    name: &'static str,
    children: &'static [&'static str],
    nouns: &'static [&'static str],
    base_price: (i64, i64),
}

const TOPS: &[Top] = &[
    Top { name: "Clothing", children: &["T-shirts", "Hoodies", "Jackets", "Dresses", "Accessories"], nouns: &["T-Shirt", "Hoodie", "Jacket", "Sweater", "Dress", "Scarf", "Cap", "Beanie", "Polo"], base_price: (900, 12900) },
    Top { name: "Shoes", children: &["Sneakers", "Boots", "Sandals"], nouns: &["Sneaker", "Boot", "Sandal", "Loafer", "Runner"], base_price: (2900, 18900) },
    Top { name: "Electronics", children: &["Headphones", "Chargers", "Smart Home", "Cameras"], nouns: &["Headphones", "Charger", "Speaker", "Smart Plug", "Webcam", "Power Bank", "Earbuds"], base_price: (1500, 49900) },
    Top { name: "Home & Kitchen", children: &["Cookware", "Décor", "Bedding", "Storage"], nouns: &["Frying Pan", "Mug", "Vase", "Duvet Cover", "Storage Box", "Chef's Knife", "Teapot"], base_price: (800, 25900) },
    Top { name: "Beauty", children: &["Skincare", "Fragrance", "Hair"], nouns: &["Face Cream", "Serum", "Eau de Parfum", "Shampoo", "Lip Balm"], base_price: (600, 9900) },
    Top { name: "Sports & Outdoors", children: &["Camping", "Cycling", "Yoga"], nouns: &["Tent", "Water Bottle", "Bike Light", "Yoga Mat", "Backpack", "Sleeping Bag"], base_price: (1200, 39900) },
    Top { name: "Toys & Games", children: &["Puzzles", "Board Games"], nouns: &["Puzzle", "Board Game", "Plush Bear", "Building Set"], base_price: (700, 8900) },
    Top { name: "Books", children: &["Fiction", "Cookbooks"], nouns: &["Novel", "Cookbook", "Notebook", "Sketchbook"], base_price: (500, 4900) },
    Top { name: "Jewelry", children: &["Rings", "Necklaces"], nouns: &["Ring", "Necklace", "Bracelet", "Earrings"], base_price: (1900, 89900) },
    Top { name: "Food & Drink", children: &["Coffee", "Tea", "Snacks"], nouns: &["Coffee Beans", "Green Tea", "Granola", "Dark Chocolate", "Olive Oil"], base_price: (300, 4900) },
];

const ADJECTIVES: &[&str] = &[
    "Classic", "Premium", "Organic", "Vintage", "Lightweight", "Ergonomic", "Handmade", "Eco", "Deluxe", "Compact",
    "Rustic", "Modern", "Everyday", "Pro", "Ultra", "Cozy", "Nordic", "Artisan", "Essential", "Signature",
];
const MATERIALS: &[&str] = &[
    "Cotton", "Linen", "Bamboo", "Leather", "Wool", "Ceramic", "Steel", "Oak", "Recycled", "Merino", "Cashmere", "Glass",
];
/// Names that exercise unicode handling.
const UNICODE_BITS: &[&str] = &[
    "Café", "Crème", "Über", "Jalapeño", "Smörgås", "Ørsted", "Łódź", "東京", "Ñandú", "Zürich", "Élan", "São Paulo", "Ποσειδών", "Москва", "🌿 Green",
];
const BRANDS: &[&str] = &[
    "Northwind", "Acme Goods", "Blue Fjord", "Kōbō", "Maison Lumière", "Terra & Co.", "Polar Bear", "Brightside",
    "Evergreen", "Nimbus", "Oakridge", "Sol y Sombra", "Urban Nomad", "Wildflower", "Zenith",
];
const TAGS: &[&str] = &[
    "new", "bestseller", "gift idea", "limited edition", "sustainable", "vegan", "handmade", "summer", "winter", "sale",
    "bundle", "travel", "kids", "unisex", "made in EU", "fair trade",
];
const COLORS: &[&str] = &["Black", "White", "Navy", "Red", "Green", "Grey", "Beige", "Blue", "Pink", "Yellow"];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL"];
const FINISHES: &[&str] = &["Matte", "Gloss", "Satin", "Natural", "Brushed"];

pub const CAT_ID_BASE: u64 = 15;
pub const TAG_ID_BASE: u64 = 300;
pub const BRAND_ID_BASE: u64 = 400;
pub const ATTR_COLOR: u64 = 1;
pub const ATTR_SIZE: u64 = 2;
pub const ATTR_FINISH: u64 = 3;

/// Category tree: tops first, then each top's children, ids consecutive from `CAT_ID_BASE`.
pub fn categories() -> Vec<Term> {
    let mut out = Vec::new();
    let mut id = CAT_ID_BASE;
    let mut top_ids = Vec::new();
    for t in TOPS {
        out.push(Term { id, name: t.name.into(), slug: slugify(t.name), parent: 0, description: format!("All {} products.", t.name.to_lowercase()) });
        top_ids.push(id);
        id += 1;
    }
    for (ti, t) in TOPS.iter().enumerate() {
        for c in t.children {
            out.push(Term { id, name: (*c).into(), slug: slugify(c), parent: top_ids[ti], description: String::new() });
            id += 1;
        }
    }
    // "Uncategorized" is WooCommerce's default category.
    out.push(Term { id, name: "Uncategorized".into(), slug: "uncategorized".into(), parent: 0, description: String::new() });
    out
}

fn child_cat_id(top: usize, child: usize) -> u64 {
    let mut id = CAT_ID_BASE + TOPS.len() as u64;
    for t in &TOPS[..top] {
        id += t.children.len() as u64;
    }
    id + child as u64
}

fn uncategorized_id() -> u64 {
    CAT_ID_BASE + TOPS.len() as u64 + TOPS.iter().map(|t| t.children.len() as u64).sum::<u64>()
}

pub fn tags() -> Vec<Term> {
    TAGS.iter().enumerate().map(|(i, t)| Term { id: TAG_ID_BASE + i as u64, name: (*t).into(), slug: slugify(t), parent: 0, description: String::new() }).collect()
}

pub fn brands() -> Vec<Term> {
    BRANDS.iter().enumerate().map(|(i, t)| Term { id: BRAND_ID_BASE + i as u64, name: (*t).into(), slug: slugify(t), parent: 0, description: format!("Products by {t}.") }).collect()
}

/// Generator for a catalog of `n` products from `seed`.
#[derive(Debug, Clone)]
pub struct Generator {
    pub seed: u64,
    pub n: u64,
    pub site_url: String,
}

fn mix(mut z: u64) -> u64 {
    // SplitMix64 finaliser: spreads (seed, k) into independent stream seeds.
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Draws shared by the header and the full product, in a fixed order.
struct Base {
    id: u64,
    kind: &'static str,
    status: &'static str,
    top: usize,
    child: Option<usize>,
    name: String,
    sku: String,
    created: i64,
    modified: i64,
    menu_order: i64,
    uncategorized: bool,
}

impl Generator {
    pub fn new(seed: u64, n: u64, site_url: impl Into<String>) -> Self {
        Self { seed, n, site_url: site_url.into() }
    }

    pub fn id_of(k: u64) -> u64 {
        ID_BASE + k * ID_STRIDE
    }

    /// Maps an id back to `(k, None)` for a product or `(k, Some(j))` for its j-th variation slot.
    pub fn locate(&self, id: u64) -> Option<(u64, Option<u64>)> {
        if id < ID_BASE {
            return None;
        }
        let k = (id - ID_BASE) / ID_STRIDE;
        let off = (id - ID_BASE) % ID_STRIDE;
        if k >= self.n {
            return None;
        }
        Some((k, if off == 0 { None } else { Some(off - 1) }))
    }

    fn rng(&self, k: u64) -> StdRng {
        StdRng::seed_from_u64(mix(self.seed ^ mix(k.wrapping_add(0x5151))))
    }

    fn base(&self, k: u64, rng: &mut StdRng) -> Base {
        let id = Self::id_of(k);
        let r: f64 = rng.random();
        let kind = if r < 0.30 { "variable" } else if r < 0.33 { "external" } else if r < 0.35 { "grouped" } else { "simple" };
        let s: f64 = rng.random();
        let status = if s < 0.90 { "publish" } else if s < 0.95 { "draft" } else if s < 0.98 { "private" } else { "pending" };
        let top = rng.random_range(0..TOPS.len());
        let child = if rng.random_bool(0.85) { Some(rng.random_range(0..TOPS[top].children.len())) } else { None };
        let uncategorized = rng.random_bool(0.02);
        let adj = ADJECTIVES.choose(rng).copied().unwrap_or("Classic");
        let mat = MATERIALS.choose(rng).copied().unwrap_or("Cotton");
        let noun = TOPS[top].nouns.choose(rng).copied().unwrap_or("Item");
        let name = if rng.random_bool(0.12) {
            let u = UNICODE_BITS.choose(rng).copied().unwrap_or("Café");
            format!("{u} {adj} {noun}")
        } else if rng.random_bool(0.5) {
            format!("{adj} {mat} {noun}")
        } else {
            format!("{adj} {noun}")
        };
        let span = SPAN.max(1);
        let step = (span / (self.n.max(1) as i64)).max(1);
        let created = EPOCH + k as i64 * step + rng.random_range(0..step.max(1));
        let modified = created + if rng.random_bool(0.4) { rng.random_range(0..90 * 86_400) } else { 0 };
        let sku = if rng.random_bool(0.05) { String::new() } else { format!("{}-{:06}", &slugify(TOPS[top].name)[..3].to_uppercase(), id) };
        let menu_order = 0;
        Base { id, kind, status, top, child, name, sku, created, modified, menu_order, uncategorized }
    }

    /// The cheap part of product `k`, enough for filtering and ordering.
    pub fn header(&self, k: u64) -> Header {
        let mut rng = self.rng(k);
        let b = self.base(k, &mut rng);
        let categories = vec![self.cat_of(&b)];
        Header {
            id: b.id,
            name: b.name,
            sku: b.sku,
            kind: b.kind.into(),
            status: b.status.into(),
            date_created: b.created,
            date_modified: b.modified,
            categories,
            menu_order: b.menu_order,
        }
    }

    fn cat_of(&self, b: &Base) -> u64 {
        if b.uncategorized {
            return uncategorized_id();
        }
        match b.child {
            Some(c) => child_cat_id(b.top, c),
            None => CAT_ID_BASE + b.top as u64,
        }
    }

    /// How many variations product `k` has (0 unless variable).
    pub fn variation_count(&self, k: u64) -> u64 {
        self.product(k).variations.len() as u64
    }

    pub fn product(&self, k: u64) -> Product {
        let mut rng = self.rng(k);
        let b = self.base(k, &mut rng);
        let site = self.site_url.trim_end_matches('/');
        let slug = format!("{}-{}", slugify(&b.name), b.id);
        let t = &TOPS[b.top];
        let mut categories = vec![self.cat_of(&b)];
        if !b.uncategorized && b.child.is_some() && rng.random_bool(0.3) {
            categories.insert(0, CAT_ID_BASE + b.top as u64);
        }
        let ntags = rng.random_range(0..4);
        let mut tags: Vec<u64> = (0..ntags).map(|_| TAG_ID_BASE + rng.random_range(0..TAGS.len() as u64)).collect();
        tags.sort_unstable();
        tags.dedup();
        let brands = if rng.random_bool(0.8) { vec![BRAND_ID_BASE + rng.random_range(0..BRANDS.len() as u64)] } else { vec![] };
        let price = rng.random_range(t.base_price.0..=t.base_price.1);
        // Round to .99 / .00 / .50 endings like real shops.
        let price = match rng.random_range(0..3) {
            0 => (price / 100) * 100 + 99,
            1 => (price / 100) * 100,
            _ => (price / 100) * 100 + 50,
        };
        let (sale, from, to) = self.sale(&mut rng, price, b.created);
        let gtin = gtin(&mut rng);
        let nimg = if rng.random_bool(0.1) { 0 } else { rng.random_range(1..=4) };
        let img_slug = slugify(&b.name);
        let images: Vec<Image> = (0..nimg)
            .map(|j| Image {
                id: IMAGE_ID_BASE + b.id * 8 + j,
                src: format!("{site}/wp-content/uploads/{}/{}-{}.jpg", ym(b.created), img_slug, j + 1),
                name: format!("{} {}", b.name, j + 1),
                alt: if rng.random_bool(0.5) { b.name.clone() } else { String::new() },
                date: b.created,
            })
            .collect();
        let description = description(&mut rng, &b.name, t.name, &brands);
        let short_description = if rng.random_bool(0.15) { String::new() } else { format!("<p>{} — {}.</p>\n", b.name, short_pitch(&mut rng)) };
        let manage_stock = rng.random_bool(0.6);
        let stock_quantity = if manage_stock { Some(if rng.random_bool(0.1) { 0 } else { rng.random_range(1..500) }) } else { None };
        let stock_status = match stock_quantity {
            Some(0) => if rng.random_bool(0.3) { "onbackorder" } else { "outofstock" },
            Some(_) => "instock",
            None => if rng.random_bool(0.05) { "outofstock" } else { "instock" },
        };
        let backorders = if stock_status == "onbackorder" { "notify" } else { "no" };
        let weight = if rng.random_bool(0.7) { format!("{:.2}", rng.random_range(0.05..12.0f64)) } else { String::new() };
        let dimensions = if rng.random_bool(0.6) {
            Dimensions {
                length: rng.random_range(5..80).to_string(),
                width: rng.random_range(5..60).to_string(),
                height: rng.random_range(1..40).to_string(),
            }
        } else {
            Dimensions::default()
        };
        let (rating_count, average_rating) = if rng.random_bool(0.4) {
            let c = rng.random_range(1..200);
            (c, format!("{:.2}", rng.random_range(2.5..5.0f64)))
        } else {
            (0, "0.00".into())
        };
        let total_sales = rng.random_range(0..2000);
        let featured = rng.random_bool(0.05);
        let catalog_visibility = if rng.random_bool(0.03) { "hidden" } else if rng.random_bool(0.02) { "search" } else { "visible" };
        let mut meta_data = vec![];
        if rng.random_bool(0.3) {
            meta_data.push(Meta { id: b.id * 10 + 1, key: "_yoast_wpseo_metadesc".into(), value: serde_json::Value::String(format!("Buy {} online", b.name)) });
        }
        if rng.random_bool(0.1) {
            meta_data.push(Meta { id: b.id * 10 + 2, key: "custom_badge".into(), value: serde_json::json!({"label": "Staff pick", "color": "#ff6600"}) });
        }
        let related_ids: Vec<u64> = (0..rng.random_range(0..5)).map(|_| Self::id_of(rng.random_range(0..self.n.max(1)))).collect();

        let mut p = Product {
            id: b.id,
            name: b.name.clone(),
            slug,
            kind: b.kind.into(),
            status: b.status.into(),
            featured,
            catalog_visibility: catalog_visibility.into(),
            description,
            short_description,
            sku: b.sku.clone(),
            global_unique_id: gtin,
            regular_price: format_cents(price),
            sale_price: sale.map(format_cents).unwrap_or_default(),
            date_on_sale_from: from,
            date_on_sale_to: to,
            date_created: b.created,
            date_modified: b.modified,
            total_sales,
            virtual_: false,
            downloadable: false,
            downloads: vec![],
            external_url: String::new(),
            button_text: String::new(),
            tax_status: "taxable".into(),
            tax_class: if rng.random_bool(0.1) { "reduced-rate".into() } else { String::new() },
            manage_stock,
            stock_quantity,
            stock_status: stock_status.into(),
            backorders: backorders.into(),
            sold_individually: rng.random_bool(0.03),
            weight,
            dimensions,
            shipping_class: String::new(),
            reviews_allowed: true,
            average_rating,
            rating_count,
            related_ids,
            upsell_ids: vec![],
            cross_sell_ids: vec![],
            parent_id: 0,
            purchase_note: String::new(),
            categories,
            tags,
            brands,
            images,
            attributes: vec![],
            default_attributes: vec![],
            variations: vec![],
            grouped_products: vec![],
            menu_order: b.menu_order,
            meta_data,
        };
        match b.kind {
            "external" => {
                p.external_url = format!("https://partner.example.net/item/{}", b.id);
                p.button_text = "Buy at partner".into();
                p.manage_stock = false;
                p.stock_quantity = None;
                p.stock_status = "instock".into();
            }
            "grouped" => {
                p.regular_price = String::new();
                p.sale_price = String::new();
                p.date_on_sale_from = None;
                p.date_on_sale_to = None;
                p.manage_stock = false;
                p.stock_quantity = None;
                let m = rng.random_range(2..5);
                p.grouped_products = (0..m).map(|_| Self::id_of(rng.random_range(0..self.n.max(1)))).collect();
            }
            "variable" => self.variations(&mut rng, &mut p, price),
            _ => {
                if rng.random_bool(0.05) {
                    p.virtual_ = true;
                    p.downloadable = true;
                    p.weight = String::new();
                    p.dimensions = Dimensions::default();
                    p.downloads = vec![Download { id: format!("{:032x}", mix(b.id)), name: format!("{}.pdf", slugify(&b.name)), file: format!("{site}/wp-content/uploads/woocommerce_uploads/{}.pdf", slugify(&b.name)) }];
                }
            }
        }
        p
    }

    fn sale(&self, rng: &mut StdRng, price: i64, created: i64) -> (Option<i64>, Option<i64>, Option<i64>) {
        let r: f64 = rng.random();
        let sale_price = (price * rng.random_range(60..95) / 100 / 10) * 10 + 9;
        if r < 0.10 {
            (Some(sale_price), None, None)
        } else if r < 0.17 {
            // A scheduled sale running until 2031.
            (Some(sale_price), Some(created), Some(1_924_905_600))
        } else if r < 0.19 {
            // A sale scheduled for the future: not on sale yet.
            (Some(sale_price), Some(1_924_992_000), Some(1_930_000_000))
        } else {
            (None, None, None)
        }
    }

    fn variations(&self, rng: &mut StdRng, p: &mut Product, price: i64) {
        let n = if rng.random_bool(0.1) { rng.random_range(13..=MAX_VARIATIONS) } else { rng.random_range(2..=12) };
        // Pick attribute dimensions that can hold n combinations.
        let dims: Vec<(u64, &str, &str, &[&str])> = if n <= 6 {
            vec![(ATTR_SIZE, "Size", "pa_size", SIZES)]
        } else if n <= 10 {
            vec![(ATTR_COLOR, "Color", "pa_color", COLORS)]
        } else if n <= 50 && n <= (COLORS.len() * SIZES.len()) as u64 {
            vec![(ATTR_COLOR, "Color", "pa_color", COLORS), (ATTR_SIZE, "Size", "pa_size", SIZES)]
        } else {
            vec![(ATTR_COLOR, "Color", "pa_color", COLORS), (ATTR_SIZE, "Size", "pa_size", SIZES), (ATTR_FINISH, "Finish", "finish", FINISHES)]
        };
        let mut combos: Vec<Vec<usize>> = vec![vec![]];
        for d in &dims {
            let mut next = Vec::new();
            for c in &combos {
                for i in 0..d.3.len() {
                    let mut c2 = c.clone();
                    c2.push(i);
                    next.push(c2);
                }
            }
            combos = next;
        }
        combos.truncate(n as usize);
        let mut used: Vec<Vec<bool>> = dims.iter().map(|d| vec![false; d.3.len()]).collect();
        for c in &combos {
            for (di, &oi) in c.iter().enumerate() {
                used[di][oi] = true;
            }
        }
        p.attributes = dims
            .iter()
            .enumerate()
            .map(|(di, d)| Attribute {
                id: if d.2.starts_with("pa_") { d.0 } else { 0 },
                name: d.1.into(),
                slug: d.2.into(),
                position: di as i64,
                visible: true,
                variation: true,
                options: d.3.iter().enumerate().filter(|(i, _)| used[di][*i]).map(|(_, o)| (*o).to_string()).collect(),
            })
            .collect();
        if rng.random_bool(0.5) {
            if let Some(c) = combos.first() {
                p.default_attributes = dims.iter().zip(c).map(|(d, &oi)| VariationAttr { id: if d.2.starts_with("pa_") { d.0 } else { 0 }, name: d.1.into(), slug: d.2.into(), option: d.3[oi].into() }).collect();
            }
        }
        let site = self.site_url.trim_end_matches('/');
        let parent_manages = p.manage_stock;
        let on_sale_all = !p.sale_price.is_empty();
        p.variations = combos
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let id = p.id + 1 + j as u64;
                let attrs: Vec<VariationAttr> = dims.iter().zip(c).map(|(d, &oi)| VariationAttr { id: if d.2.starts_with("pa_") { d.0 } else { 0 }, name: d.1.into(), slug: d.2.into(), option: d.3[oi].into() }).collect();
                let bump = if dims.iter().any(|d| d.0 == ATTR_SIZE) { (c.last().copied().unwrap_or(0) as i64) * 100 } else { 0 };
                let vprice = price + bump;
                let (sale, from, to) = if on_sale_all { (p.sale_price.clone(), p.date_on_sale_from, p.date_on_sale_to) } else if rng.random_bool(0.1) { (format_cents(vprice * 8 / 10), None, None) } else { (String::new(), None, None) };
                let manage = !parent_manages && rng.random_bool(0.5);
                let qty = if manage { Some(rng.random_range(0..60)) } else { None };
                let stock_status = match qty {
                    Some(0) => "outofstock",
                    _ => if rng.random_bool(0.04) { "outofstock" } else { "instock" },
                };
                let image = if rng.random_bool(0.3) {
                    None
                } else {
                    Some(Image { id: IMAGE_ID_BASE + id * 8, src: format!("{site}/wp-content/uploads/{}/{}-{}.jpg", ym(p.date_created), slugify(&p.name), slugify(&attrs.iter().map(|a| a.option.as_str()).collect::<Vec<_>>().join("-"))), name: String::new(), alt: String::new(), date: p.date_created })
                };
                Variation {
                    id,
                    parent_id: p.id,
                    date_created: p.date_created,
                    date_modified: p.date_modified,
                    description: if rng.random_bool(0.2) { format!("<p>{} in {}.</p>\n", p.name, attrs.iter().map(|a| a.option.as_str()).collect::<Vec<_>>().join(" / ")) } else { String::new() },
                    sku: if p.sku.is_empty() { String::new() } else { format!("{}-{}", p.sku, j + 1) },
                    global_unique_id: gtin(rng),
                    regular_price: if rng.random_bool(0.01) { String::new() } else { format_cents(vprice) },
                    sale_price: sale,
                    date_on_sale_from: from,
                    date_on_sale_to: to,
                    status: if rng.random_bool(0.03) { "private".into() } else { "publish".into() },
                    virtual_: false,
                    downloadable: false,
                    tax_status: "taxable".into(),
                    tax_class: String::new(),
                    manage_stock: manage,
                    stock_quantity: qty,
                    stock_status: stock_status.into(),
                    backorders: "no".into(),
                    weight: String::new(),
                    dimensions: Dimensions::default(),
                    shipping_class: String::new(),
                    image,
                    attributes: attrs,
                    menu_order: j as i64 + 1,
                    meta_data: vec![],
                }
            })
            .collect();
        p.regular_price = String::new();
        p.sale_price = String::new();
        p.date_on_sale_from = None;
        p.date_on_sale_to = None;
    }
}

fn ym(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).map(|d| d.format("%Y/%m").to_string()).unwrap_or_else(|| "2024/01".into())
}

/// GTIN mix: ~62 % valid EAN-13, ~8 % valid UPC-A, ~10 % with a wrong check digit, ~20 % empty.
fn gtin(rng: &mut StdRng) -> String {
    let r: f64 = rng.random();
    if r < 0.20 {
        return String::new();
    }
    let len = if r < 0.28 { 12 } else { 13 };
    let mut body: String = (0..len - 1).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect();
    if len == 13 && body.starts_with('0') {
        body.replace_range(0..1, "4");
    }
    let check = gtin_check_digit(&body).unwrap_or(0);
    let check = if r > 0.90 { (check + 1 + rng.random_range(0..8)) % 10 } else { check };
    format!("{body}{check}")
}

const PITCHES: &[&str] = &[
    "built to last", "loved by our customers", "perfect for every day", "made with care", "a small luxury",
    "ethically sourced", "designed in Copenhagen", "our bestseller since 2019",
];
const SENTENCES: &[&str] = &[
    "Pellentesque habitant morbi tristique senectus et netus et malesuada fames ac turpis egestas.",
    "Crafted from carefully selected materials, it feels as good as it looks.",
    "Each piece is inspected by hand before it leaves our workshop — no two are exactly alike.",
    "Machine washable at 30 °C; tumble dry low.",
    "Ships in recycled packaging & plastic-free filler.",
    "Dimensions may vary by ±2 mm due to the handmade process.",
    "Ideal as a gift: arrives wrapped, with a hand-written note on request.",
    "Our “no questions asked” 30-day return policy applies.",
    "Compatible with most standard accessories.",
];

fn short_pitch(rng: &mut StdRng) -> &'static str {
    PITCHES.choose(rng).copied().unwrap_or("made with care")
}

fn description(rng: &mut StdRng, name: &str, top: &str, brands: &[u64]) -> String {
    if rng.random_bool(0.05) {
        return String::new();
    }
    let mut s = String::new();
    let paras = rng.random_range(1..4);
    for _ in 0..paras {
        s.push_str("<p>");
        let n = rng.random_range(1..4);
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(SENTENCES.choose(rng).copied().unwrap_or(""));
        }
        s.push_str("</p>\n");
    }
    if rng.random_bool(0.5) {
        s.push_str("<h3>Features</h3>\n<ul>\n");
        for _ in 0..rng.random_range(2..5) {
            s.push_str(&format!("<li><strong>{}</strong> {}</li>\n", ADJECTIVES.choose(rng).copied().unwrap_or(""), short_pitch(rng)));
        }
        s.push_str("</ul>\n");
    }
    if rng.random_bool(0.2) {
        s.push_str(&format!("<p>The <em>{name}</em> is part of our {top} &amp; lifestyle range.</p>\n"));
    }
    if let Some(b) = brands.first() {
        if rng.random_bool(0.2) {
            let bn = BRANDS[(*b - BRAND_ID_BASE) as usize % BRANDS.len()];
            s.push_str(&format!("<p>By {bn}.</p>\n"));
        }
    }
    if rng.random_bool(0.03) {
        // Page-builder leftovers are common on real stores.
        s.push_str("[vc_row][vc_column]Shortcode content[/vc_column][/vc_row]\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_header_matches_product() {
        let g = Generator::new(7, 1000, "https://shop.example.com");
        for k in [0, 1, 17, 999] {
            let a = g.product(k);
            let b = g.product(k);
            assert_eq!(a, b);
            let h = g.header(k);
            assert_eq!(h.id, a.id);
            assert_eq!(h.name, a.name);
            assert_eq!(h.status, a.status);
            assert_eq!(h.date_modified, a.date_modified);
            assert_eq!(h.categories.last(), a.categories.last());
        }
        let other = Generator::new(8, 1000, "https://shop.example.com");
        assert_ne!(g.product(3).name.clone() + &g.product(4).name, other.product(3).name.clone() + &other.product(4).name);
    }

    #[test]
    fn realistic_mix() {
        let g = Generator::new(42, 2000, "https://shop.example.com");
        let (mut drafts, mut variable, mut valid, mut invalid, mut noimg, mut unicode, mut maxvar, mut minvar) = (0, 0, 0, 0, 0, 0, 0, u64::MAX);
        for k in 0..2000 {
            let p = g.product(k);
            if p.status == "draft" {
                drafts += 1;
            }
            if p.kind == "variable" {
                variable += 1;
                let n = p.variations.len() as u64;
                maxvar = maxvar.max(n);
                minvar = minvar.min(n);
                for v in &p.variations {
                    assert_eq!(g.locate(v.id), Some((k, Some(v.id - p.id - 1))));
                }
            }
            if !p.global_unique_id.is_empty() {
                if gtin_is_valid(&p.global_unique_id) { valid += 1 } else { invalid += 1 }
            }
            if p.images.is_empty() {
                noimg += 1;
            }
            if !p.name.is_ascii() {
                unicode += 1;
            }
            assert!(p.description.is_empty() || p.description.contains("<p>"));
        }
        assert!(drafts > 20, "drafts {drafts}");
        assert!(variable > 400, "variable {variable}");
        assert!(valid > 500 && invalid > 50, "valid {valid} invalid {invalid}");
        assert!(noimg > 50);
        assert!(unicode > 50);
        assert!(minvar >= 2 && maxvar > 30 && maxvar <= MAX_VARIATIONS, "{minvar}..{maxvar}");
    }

    #[test]
    fn category_tree_has_parents() {
        let cats = categories();
        assert!(cats.iter().any(|c| c.parent != 0));
        for c in &cats {
            if c.parent != 0 {
                assert!(cats.iter().any(|p| p.id == c.parent && p.parent == 0));
            }
        }
        assert_eq!(cats.last().map(|c| c.id), Some(uncategorized_id()));
    }
}
