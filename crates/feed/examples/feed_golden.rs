//! Golden check and profiling driver for the feed engine's hot path (map + validate + write).
//!
//! `cargo run --release -p productsynch-feed --example feed_golden` prints one FNV-64 hash per output
//! (every profile as JSONL, CSV, XML, gzip bytes, validation issues, mapping notes) for the criterion
//! fixture and for a varied, deterministic fixture with edge cases. The hashes must not change when the
//! engine is made faster. `... --example feed_golden -- loop N` runs map+validate+jsonl.gz N times over the
//! criterion fixture (for callgrind).

use std::io::Write;
use std::str::FromStr;

use chrono::NaiveDate;
use flate2::write::GzEncoder;
use productsynch_feed::io::{FeedWriter, Format};
use productsynch_feed::record::*;
use productsynch_feed::value::*;
use productsynch_feed::{FeedItem, FeedValidator, MapContext, Profile, ValidateOptions, map_record};
use rust_decimal::Decimal;

#[path = "../benches/common/fixture.rs"]
mod fixture;
use fixture::{records, shop};

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(12, 0, 0).unwrap()
}


struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

const TEXTS: &[&str] = &[
    "", "  ", "Plain text", "  lots   of\tspace \n\n new line ", "<p>Soft &amp; warm &#8211; 100% cotton.</p>\n<ul><li>Machine wash</li><li>Tumble&nbsp;dry</li></ul><script>alert(1)</script><style>p{}</style>Done",
    "a<br/>b<BR>c", "x < y and <b>bold</b>", "<!-- c -->  lots   of   space ", "<SCRIPT type=x>bad()</SCRIPT>ok", "<td>a</td><td>b</td>",
    "broken <a href", "bell\u{7}and\u{0}nul", "MEN'S TRAIL-RUNNING SHOES X100", "ünïcödé\u{a0}text\u{2028}more\u{85}x", "&lt;i&gt;not a tag&lt;/i&gt;",
    "Fish &amp; Chips &quot;best&quot; &unknown; &#x41;&#65;", "<h1>Title</h1><div><p>para</p></div><table><tr><th>k</th><td>v</td></tr></table>",
    "<figcaptionfigcaptionxx>odd</figcaptionfigcaptionxx> tail", "<p>unclosed <!-- comment", "tab\tsep\r\nwindows\rmac",
    "<li>one<li>two</li>", "&amp;lt;p&amp;gt;double&amp;lt;/p&amp;gt;", "\"quotes\" and \\backslash\\ and \u{1}ctl", "<noscript>n</noscript><svg><g/></svg>after",
    "Emoji 🎉 and CJK 漢字 and RTL עברית", "<p>&nbsp;</p>", "<P CLASS=\"x\">Upper</P>", "<ScRiPt>x</sCrIpT>y", "<style>a</style", "< p>not</ p>",
];
const URLS: &[&str] = &[
    "https://store.example/product/a/", "http://store.example/p?id=3", "https://store.example/p?utm_source=x&b=1", "https://store.example/p?a=1&b=2#frag",
    "ftp://store.example/x", "not a url", "", "  https://store.example/trim  ", "https://STORE.example:443/Path/../x/./y?q=a b", "https://user:pw@store.example/p",
    "https://store.example/ünï?x=ü", "https://[::1]/ipv6", "https://xn--nxasmq6b.example/", "https://store.example/%7Euser/%zz", "https:store.example/noslash",
    "HTTPS://STORE.EXAMPLE/UP", "https://store.example/p?", "https://store.example/p?utm_source", "https://store.example:8080/p?x=1&&y", "https://store.example/a b/c",
    "javascript:alert(1)", "https://", "https://store.example\\back\\slash", "https://store.example/p?q=%20&r=+",
];
const GTINS: &[&str] = &["4006381333931", "400-6381 333931", "4006381333932", "ABC", "", "12345670", "036000291452", "00012345600012", "1234", " 4006381333931 "];
const DECS: &[&str] = &["24.90", "0", "-1", "19.999", "1200", "0.005", "12.5", "99999999.99", "0.40", "3"];
const ATTRS: &[(&str, &str)] = &[("Color", "pa_color"), ("Size", "pa_size"), ("Colour", ""), ("Größe", ""), ("Logo", ""), ("", "pa_material"), ("Farbe", "pa_farbe"), ("TAILLE", "PA_TAILLE")];
const OPTS: &[&str] = &["Blue", "M", "", "  ", "Navy &amp; White", "<b>Red</b>", "An extremely long colour name that goes beyond forty characters", "XXL / Extra extra large size", "ünï"];

fn dec(r: &mut Rng) -> Option<Decimal> {
    if r.chance(15) { None } else { Some(Decimal::from_str(r.pick(DECS)).unwrap()) }
}

fn opt(r: &mut Rng, xs: &[&str]) -> Option<String> {
    if r.chance(15) { None } else { Some(r.pick(xs).to_string()) }
}

fn varied(n: u64) -> Vec<CatalogRecord> {
    let mut r = Rng(0x9e3779b97f4a7c15);
    (0..n)
        .map(|k| {
            let offer = |r: &mut Rng, id: u64| StoreOffer {
                id,
                published: !r.chance(5),
                purchasable: !r.chance(5),
                description: if r.chance(50) { String::new() } else { r.pick(TEXTS).to_string() },
                permalink: opt(r, URLS),
                sku: opt(r, &["SKU-1", "", "  sku with space ", "A-VERY-LONG-SKU-THAT-IS-MORE-THAN-SEVENTY-CHARACTERS-LONG-AAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]),
                gtin: opt(r, GTINS),
                regular_price: dec(r),
                sale_price: dec(r),
                price: dec(r),
                sale_from: if r.chance(20) { Some(now() + chrono::Duration::days(r.next() as i64 % 20 - 10)) } else { None },
                sale_to: if r.chance(20) { Some(now() + chrono::Duration::days(r.next() as i64 % 20 - 10)) } else { None },
                stock_status: [StockStatus::InStock, StockStatus::OutOfStock, StockStatus::OnBackorder, StockStatus::Unknown][(r.next() % 4) as usize],
                stock_quantity: if r.chance(50) { Some(r.next() as i64 % 50 - 5) } else { None },
                weight: dec(r),
                length: dec(r),
                width: dec(r),
                height: dec(r),
                is_virtual: r.chance(10),
                is_downloadable: r.chance(10),
            };
            let kind = [ProductKind::Simple, ProductKind::Variable, ProductKind::Grouped, ProductKind::External, ProductKind::Other][(r.next() % 5) as usize];
            let id = 1000 + k * 10;
            let product = StoreProduct {
                offer: offer(&mut r, id),
                kind,
                name: r.pick(TEXTS).to_string(),
                short_description: r.pick(TEXTS).to_string(),
                images: (0..r.next() % 14).map(|_| r.pick(URLS).to_string()).collect(),
                categories: (0..r.next() % 3).map(|_| (0..r.next() % 4).map(|_| r.pick(&["Clothing", "Uncategorized", "Home &amp; Garden", "<b>Tops</b>", "  "]).to_string()).collect()).collect(),
                brands: (0..r.next() % 2).map(|_| r.pick(&["Acme", "  ", "Fish &amp; Co", ""]).to_string()).collect(),
                tags: vec![],
                attributes: (0..r.next() % 3)
                    .map(|_| {
                        let (n, s) = ATTRS[(r.next() % ATTRS.len() as u64) as usize];
                        StoreAttribute { name: n.into(), slug: s.into(), options: vec![r.pick(OPTS).into(), r.pick(OPTS).into()] }
                    })
                    .collect(),
                average_rating: dec(&mut r),
                rating_count: if r.chance(50) { Some(r.next() as i64 % 20 - 2) } else { None },
                reviews: (0..r.next() % 3)
                    .map(|_| StoreReview { reviewer: r.pick(&["Ann", " ", "Bob &amp; Co"]).into(), content: r.pick(TEXTS).into(), rating: Decimal::from(r.next() % 7) })
                    .collect(),
                upsell_ids: (0..r.next() % 3).map(|_| r.next() % 1000).collect(),
                cross_sell_ids: (0..r.next() % 3).map(|_| r.next() % 1000).collect(),
            };
            let variations = (0..r.next() % 5)
                .map(|j| StoreVariation {
                    offer: offer(&mut r, id + 1 + j),
                    image: opt(&mut r, URLS),
                    attributes: (0..r.next() % 4)
                        .map(|_| {
                            let (n, s) = ATTRS[(r.next() % ATTRS.len() as u64) as usize];
                            (n.to_string(), s.to_string(), r.pick(OPTS).to_string())
                        })
                        .collect(),
                })
                .collect();
            let ov = |r: &mut Rng| {
                let mut o = Overrides::default();
                if r.chance(30) {
                    o.fields.title = Some(r.pick(TEXTS).into());
                }
                if r.chance(30) {
                    o.fields.description = Some(r.pick(TEXTS).into());
                }
                if r.chance(20) {
                    o.fields.brand = Some("Override Brand".into());
                }
                if r.chance(20) {
                    o.fields.product_category = Some("Apparel & Accessories > Shirts".into());
                }
                if r.chance(10) {
                    o.fields.q_and_a = Some(QAndAList(vec![QAndA { q: "Cotton?".into(), a: r.pick(&["Yes", " "]).into() }]));
                }
                if r.chance(10) {
                    o.fields.color = Some("Override colour".into());
                }
                if r.chance(25) {
                    o.keywords = Some((0..r.next() % 3).map(|_| r.pick(&["tee", "shirt &amp; top", "<b>x</b>"]).to_string()).collect());
                }
                o
            };
            let ai = ov(&mut r);
            let manual = ov(&mut r);
            CatalogRecord { product, variations, ai, manual }
        })
        .collect()
}

fn contexts() -> Vec<MapContext> {
    let mut out = vec![MapContext::new(shop(), now()).unwrap()];
    let mut s = shop();
    s.currency = "JPY".into();
    s.weight_unit = Some("LBS".into());
    s.dimension_unit = Some("IN".into());
    s.brand_attribute = Some("pa_material".into());
    s.utm = Utm { source: "chat gpt".into(), medium: "a&b".into(), campaign: "ü=1".into() };
    s.return_window = Some(0);
    s.seller_tos = None;
    out.push(MapContext::new(s.clone(), now()).unwrap());
    s.utm_disabled = true;
    s.currency = "KWD".into();
    s.item_id_prefix = Some("".into());
    out.push(MapContext::new(s, now()).unwrap());
    out
}

/// FNV-1a 64.
#[derive(Default)]
struct Fnv(u64);
impl Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0 == 0 {
            self.0 = 0xcbf29ce484222325;
        }
        for b in buf {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_items(items: &[FeedItem], format: Format, profile: Profile, gzip: bool) -> (u64, usize) {
    let mut bytes = Vec::new();
    if gzip {
        let mut w = FeedWriter::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()), format, profile).unwrap();
        for i in items {
            w.write(i).unwrap();
        }
        bytes = w.finish().unwrap().finish().unwrap();
    } else {
        let mut w = FeedWriter::new(&mut bytes, format, profile).unwrap();
        for i in items {
            w.write(i).unwrap();
        }
        w.finish().unwrap();
    }
    let mut h = Fnv::default();
    h.write_all(&bytes).unwrap();
    (h.0, bytes.len())
}

fn golden(name: &str, recs: &[CatalogRecord], ctx: &MapContext) {
    let mut items = Vec::new();
    let mut notes = Fnv::default();
    let mut issues = Fnv::default();
    let opts = ValidateOptions { profile: Profile::OpenAi, today: now().date() };
    for r in recs {
        let m = map_record(r, ctx);
        writeln!(notes, "{:?}", m.notes).unwrap();
        for it in m.items {
            for p in Profile::ALL.iter() {
                let mut v = FeedValidator::new(ValidateOptions { profile: *p, ..opts });
                writeln!(issues, "{:?}", v.check(&it)).unwrap();
            }
            items.push(it);
        }
    }
    let mut dbg = Fnv::default();
    writeln!(dbg, "{items:?}").unwrap();
    println!("{name}: items={} debug={:016x} notes={:016x} issues={:016x}", items.len(), dbg.0, notes.0, issues.0);
    for p in Profile::ALL.iter() {
        for f in [Format::Jsonl, Format::Json, Format::Csv, Format::Tsv, Format::Xml] {
            if *p == Profile::Acp && !matches!(f, Format::Jsonl | Format::Json) {
                continue;
            }
            let (h, n) = hash_items(&items, f, *p, false);
            println!("{name}: {p:?} {f} {h:016x} {n}");
        }
    }
    let (h, n) = hash_items(&items, Format::Jsonl, Profile::OpenAi, true);
    println!("{name}: OpenAi jsonl.gz {h:016x} {n}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("loop") {
        // map + validate + jsonl.gz, as the criterion benchmark runs it
        let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
        let ctx = MapContext::new(shop(), now()).unwrap();
        let recs = records(2_000);
        let mut total = 0;
        for _ in 0..n {
            let mut v = FeedValidator::without_duplicate_check(ValidateOptions::new(Profile::OpenAi));
            let mut w = FeedWriter::new(GzEncoder::new(Vec::with_capacity(1 << 20), flate2::Compression::fast()), Format::Jsonl, Profile::OpenAi).unwrap();
            for r in &recs {
                for item in map_record(r, &ctx).items {
                    let issues = v.check(&item);
                    if !issues.iter().any(|i| i.is_error()) {
                        w.write(&item).unwrap();
                        total += 1;
                    }
                }
            }
            std::hint::black_box(w.finish().unwrap().finish().unwrap());
        }
        println!("items written: {total}");
        return;
    }
    if args.get(1).map(String::as_str) == Some("dump") {
        // the criterion fixture (or the varied one) as OpenAI JSONL on stdout
        let recs = if args.get(2).map(String::as_str) == Some("varied") { varied(3_000) } else { records(2_000) };
        let ctx = &contexts()[args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0)];
        let mut w = FeedWriter::new(std::io::stdout(), Format::Jsonl, Profile::OpenAi).unwrap();
        for r in &recs {
            for item in map_record(r, ctx).items {
                w.write(&item).unwrap();
            }
        }
        w.finish().unwrap();
        return;
    }
    golden("bench", &records(2_000), &MapContext::new(shop(), now()).unwrap());
    for (i, ctx) in contexts().iter().enumerate() {
        golden(&format!("varied{i}"), &varied(3_000), ctx);
    }
}
