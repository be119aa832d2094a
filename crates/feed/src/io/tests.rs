use super::*;
use crate::item::FeedItem;
use crate::profile::{Profile, read_item};
use serde_json::json;

fn rich_item(n: u32) -> FeedItem {
    let m = json!({
        "is_eligible_search": "true", "is_eligible_checkout": "false", "item_id": format!("shop1-{n}"),
        "gtin": "4006381333931", "mpn": "GPT5", "title": format!("Trail Shoe \"Pro\", size {n}"),
        "description": "Line one, with comma\nLine two\twith tab & <ampersand>", "url": "https://example.com/p?a=1&b=2",
        "brand": "Ünïcode Brand", "condition": "new", "product_category": "Apparel > Shoes",
        "image_url": "https://example.com/1.jpg", "additional_image_urls": "https://example.com/2.jpg,https://example.com/3.jpg",
        "price": "79.99 USD", "sale_price": "59.99 USD", "sale_price_start_date": "2026-07-01", "sale_price_end_date": "2026-07-15",
        "availability": "in_stock", "group_id": "shop1-G", "listing_has_variations": "true", "item_group_title": "Trail Shoe",
        "variant_dict": {"color": "Blue", "size": "10"}, "color": "Blue", "size": "10",
        "weight": "1.5", "item_weight_unit": "lb", "seller_name": "Example Store", "seller_url": "https://example.com",
        "return_policy": "https://example.com/returns", "return_deadline_in_days": 30, "target_countries": ["US", "CA"],
        "store_country": "US", "q_and_a": [{"q": "Waterproof?", "a": "Yes, \"fully\""}],
        "reviews": [{"title": "Great", "content": "Love it", "minRating": 1, "maxRating": 5, "rating": 5}],
        "star_rating": "4.5", "review_count": 254, "related_product_id": "shop1-7,shop1-8", "relationship_type": "substitute",
        "Custom_variant1_category": "Size_Type"
    });
    let (item, errs, unknown) = FeedItem::from_json_map(m.as_object().unwrap());
    // Custom_variant is read through the profile (case), not from_json_map
    assert!(errs.is_empty() && unknown == vec!["Custom_variant1_category".to_string()], "{errs:?} {unknown:?}");
    item
}

fn write_to_vec(items: &[FeedItem], format: Format, profile: Profile) -> Vec<u8> {
    let mut w = FeedWriter::new(Vec::new(), format, profile).unwrap();
    for it in items {
        w.write(it).unwrap();
    }
    w.finish().unwrap()
}

fn read_back(bytes: Vec<u8>, format: Format, profile: Profile) -> Vec<FeedItem> {
    let mut out = Vec::new();
    let mut lines = Vec::new();
    read_feed(Box::new(std::io::Cursor::new(bytes)), format, &mut |r| {
        let r = r.expect("record parses");
        lines.push(r.line);
        if profile == Profile::Acp {
            for (item, issues) in crate::acp::flatten_product(&r.fields) {
                assert!(issues.is_empty(), "{issues:?}");
                out.push(item);
            }
        } else {
            let (item, issues) = read_item(profile, &r.fields);
            assert!(issues.is_empty(), "{format} {profile}: {issues:?}");
            out.push(item);
        }
    })
    .unwrap();
    assert_eq!(lines, (1..=lines.len() as u64).collect::<Vec<_>>());
    out
}

#[test]
fn round_trip_every_format_openai() {
    let items: Vec<FeedItem> = (1..=3).map(rich_item).collect();
    for f in [Format::Jsonl, Format::Json, Format::Csv, Format::Tsv, Format::Xml] {
        let bytes = write_to_vec(&items, f, Profile::OpenAi);
        assert_eq!(Format::sniff(&bytes), Some(if f == Format::Jsonl { Format::Jsonl } else { f }), "{f}");
        let back = read_back(bytes, f, Profile::OpenAi);
        assert_eq!(back, items, "{f}");
    }
}

#[test]
fn round_trip_v1_profile() {
    let mut items: Vec<FeedItem> = (1..=2).map(rich_item).collect();
    items[0].inventory_quantity = Some(5);
    for f in [Format::Jsonl, Format::Csv, Format::Xml] {
        let bytes = write_to_vec(&items, f, Profile::OpenAiV1);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("enable_search") && !text.contains("is_eligible_search"), "{f}");
        assert_eq!(read_back(bytes, f, Profile::OpenAiV1), items, "{f}");
    }
}

#[test]
fn google_profile_round_trip_keeps_google_fields() {
    let items: Vec<FeedItem> = (1..=2).map(rich_item).collect();
    for f in [Format::Csv, Format::Tsv] {
        let bytes = write_to_vec(&items, f, Profile::Google);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("id") && text.contains("image_link") && text.contains("sale_price_effective_date"));
        let back = read_back(bytes, f, Profile::Google);
        for (a, b) in items.iter().zip(&back) {
            for field in ["item_id", "title", "description", "url", "image_url", "additional_image_urls", "price", "sale_price",
                "sale_price_start_date", "sale_price_end_date", "availability", "brand", "gtin", "mpn", "group_id", "color", "size", "weight"] {
                assert_eq!(a.json(field), b.json(field), "{f} {field}");
            }
            assert_eq!(b.is_eligible_checkout, Some(false), "Google path disables checkout");
        }
    }
}

#[test]
fn acp_round_trip_and_grouping() {
    let mut items: Vec<FeedItem> = (1..=3).map(rich_item).collect();
    items[2].group_id = Some("shop1-OTHER".into());
    for f in [Format::Jsonl, Format::Json] {
        let bytes = write_to_vec(&items, f, Profile::Acp);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"amount\":5999") && text.contains("\"list_price\":{\"amount\":7999"), "{text}");
        if f == Format::Jsonl {
            assert_eq!(text.lines().count(), 2, "two products: a group of two and one single");
        }
        let back = read_back(bytes, f, Profile::Acp);
        assert_eq!(back.len(), 3);
        for (a, b) in items.iter().zip(&back) {
            for field in ["item_id", "title", "description", "url", "gtin", "price", "sale_price", "availability", "product_category",
                "condition", "variant_dict", "image_url", "additional_image_urls", "seller_name", "seller_url", "return_policy", "group_id"] {
                assert_eq!(a.json(field), b.json(field), "{f} {field}");
            }
        }
    }
    assert!(FeedWriter::new(Vec::new(), Format::Csv, Profile::Acp).is_err());
    let dir = tempfile::tempdir().unwrap();
    assert!(ShardedWriter::create(&dir.path().join("x.csv"), Format::Csv, Profile::Acp, ShardLimits::default()).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file is created for an unsupported combination");
}

#[test]
fn gzip_and_sharding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.jsonl.gz");
    let limits = ShardLimits { max_items: 2, max_bytes: u64::MAX };
    let mut w = ShardedWriter::create(&path, Format::Jsonl, Profile::OpenAi, limits).unwrap();
    for n in 1..=5 {
        w.write(&rich_item(n)).unwrap();
    }
    let files = w.finish().unwrap();
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["feed-00001.jsonl.gz", "feed-00002.jsonl.gz", "feed-00003.jsonl.gz"]);
    let mut total = 0;
    for f in &files {
        let fmt = read_feed_file(f, None, &mut |r| {
            r.unwrap();
            total += 1;
        })
        .unwrap();
        assert_eq!(fmt, Format::Jsonl);
    }
    assert_eq!(total, 5);
    // one shard: the file keeps its name; stale shards of the earlier run are removed
    let mut w = ShardedWriter::create(&path, Format::Jsonl, Profile::OpenAi, ShardLimits::default()).unwrap();
    w.write(&rich_item(1)).unwrap();
    assert_eq!(w.finish().unwrap(), vec![path.clone()]);
    assert!(!dir.path().join("feed-00002.jsonl.gz").exists());
    let mut n = 0;
    read_feed_file(&path, None, &mut |_| n += 1).unwrap();
    assert_eq!(n, 1);
    // gzip detected by content even without a .gz name
    let renamed = dir.path().join("feed.jsonl");
    std::fs::rename(&path, &renamed).unwrap();
    let mut n = 0;
    read_feed_file(&renamed, None, &mut |_| n += 1).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn byte_limit_starts_new_shard() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.csv");
    let limits = ShardLimits { max_items: u64::MAX, max_bytes: 20_000 };
    let mut w = ShardedWriter::create(&path, Format::Csv, Profile::OpenAi, limits).unwrap();
    for n in 1..=60 {
        w.write(&rich_item(n)).unwrap();
    }
    let files = w.finish().unwrap();
    assert!(files.len() >= 2, "{files:?}");
    let mut total = 0;
    for f in &files {
        let size = std::fs::metadata(f).unwrap().len();
        // the limit is checked before each item; the encoder may hold up to 8 KiB back
        assert!(size < 20_000 + 8 * 1024 + 4096, "{size}");
        read_feed_file(f, None, &mut |r| {
            r.unwrap();
            total += 1;
        })
        .unwrap();
    }
    assert_eq!(total, 60);
}

#[test]
fn bad_records_do_not_stop_reading() {
    let jsonl = b"{\"item_id\":\"a\"}\nnot json\n[1]\n\n{\"item_id\":\"b\"}\n".to_vec();
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    read_feed(Box::new(std::io::Cursor::new(jsonl)), Format::Jsonl, &mut |r| match r {
        Ok(r) => ok.push(r.line),
        Err(e) => bad.push(e.line),
    })
    .unwrap();
    assert_eq!((ok, bad), (vec![1, 5], vec![2, 3]));
    let csv = b"item_id,title\na,T\nb\n".to_vec();
    let mut res = Vec::new();
    read_feed(Box::new(std::io::Cursor::new(csv)), Format::Csv, &mut |r| res.push(r.is_ok())).unwrap();
    assert_eq!(res, vec![true, false]);
    // not a feed at all
    assert!(read_feed(Box::new(std::io::Cursor::new(b"hello".to_vec())), Format::Jsonl, &mut |_| {}).is_err());
    assert!(read_feed(Box::new(std::io::Cursor::new(b"[{\"a\":1},".to_vec())), Format::Json, &mut |_| {}).is_err());
}

#[test]
fn xml_reads_prefixed_and_entity_text() {
    let xml = br#"<?xml version="1.0"?><rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>X1</g:id><title>Fish &amp; Chips &#36;5</title><description><![CDATA[<b>raw</b>]]></description></item></channel></rss>"#.to_vec();
    let mut recs = Vec::new();
    read_feed(Box::new(std::io::Cursor::new(xml)), Format::Xml, &mut |r| recs.push(r.unwrap())).unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].fields["g:id"], "X1");
    assert_eq!(recs[0].fields["title"], "Fish & Chips $5");
    assert_eq!(recs[0].fields["description"], "<b>raw</b>");
}

#[test]
fn format_detection() {
    use std::path::Path;
    assert_eq!(Format::from_path(Path::new("a/feed.jsonl.gz")), Some((Format::Jsonl, true)));
    assert_eq!(Format::from_path(Path::new("products.txt")), Some((Format::Tsv, false)));
    assert_eq!(Format::from_path(Path::new("x.CSV")), Some((Format::Csv, false)));
    assert_eq!(Format::from_path(Path::new("noext")), None);
    assert_eq!(Format::sniff(b"  [{}]"), Some(Format::Json));
    assert_eq!(Format::sniff(b"id\ttitle\n"), Some(Format::Tsv));
    assert_eq!(Format::sniff(b"\xef\xbb\xbfid,title\n"), Some(Format::Csv));
    assert_eq!(Format::sniff(b"<rss>"), Some(Format::Xml));
}

#[test]
fn stream_json_array_stops_on_consumer_error() {
    let data = b"[1,2,3,4]";
    let mut seen = Vec::new();
    let r = stream_json_array(&data[..], |x: u32| {
        seen.push(x);
        if x == 2 { Err("stop") } else { Ok(()) }
    });
    assert!(matches!(r, Err(read::StreamError::Consumer("stop"))));
    assert_eq!(seen, vec![1, 2]);
}

/// The direct JSON/text writers give the same members, values and cells as the `Value`-based forms
/// (`to_json_map`, `Column::text`), for every profile and every kind of value (duplicate map keys included).
#[test]
fn direct_writers_match_value_forms() {
    let mut item = rich_item(7);
    item.custom_variant1_category = Some("Size_Type".into());
    item.inventory_quantity = Some(3);
    item.identifier_exists = Some(false);
    item.availability = Some(crate::value::Availability::PreOrder);
    item.unit_pricing_measure = Some(crate::value::Measure { value: rust_decimal::Decimal::new(160, 1), unit: "oz".into() });
    item.dimensions = Some(crate::value::Dimensions {
        length: rust_decimal::Decimal::new(12, 0),
        width: rust_decimal::Decimal::new(80, 1),
        height: rust_decimal::Decimal::new(5, 0),
        unit: "in".into(),
    });
    let mut dup = item.clone();
    dup.variant_dict = Some(crate::value::StringMap(vec![("color".into(), "Blue".into()), ("size".into(), "9".into()), ("color".into(), "Navy".into())]));
    for it in [&item, &dup] {
        for p in [Profile::OpenAi, Profile::OpenAiV1, Profile::Google] {
            let mut out = Vec::new();
            crate::profile::write_json_object(p, it, &mut out);
            let direct: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let expected = serde_json::Value::Object(crate::profile::to_json_map(p, it));
            assert_eq!(direct, expected, "{p}");
            // and byte for byte, member by member
            let dm = direct.as_object().unwrap();
            for (k, v) in expected.as_object().unwrap() {
                assert_eq!(serde_json::to_string(&dm[k]).unwrap(), serde_json::to_string(v).unwrap(), "{p} {k}");
            }
            for c in crate::profile::columns(p) {
                let mut t = String::new();
                let set = c.text_into(p, it, &mut t);
                assert_eq!(c.text(p, it), set.then_some(t), "{p} {}", c.name);
            }
        }
    }
}
