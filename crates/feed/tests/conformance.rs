//! Conformance: the specs' own examples read, validate and convert as the specs say (see fixtures/README.md).

use std::path::PathBuf;

use chrono::NaiveDate;
use productsynch_feed::io::{Format, FeedWriter, read_feed_file};
use productsynch_feed::profile::read_item;
use productsynch_feed::{Profile, validate_file};

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

#[test]
fn openai_flat_example_row_is_valid_and_complete() {
    let r = validate_file(&fx("openai-flat-example.jsonl"), None, None, today()).unwrap();
    assert_eq!((r.format, r.profile, r.items, r.valid), (Format::Jsonl, Profile::OpenAi, 1, 1));
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    // every field of the current schema appears in the example row (except the deprecated Custom_variant ones)
    let mut fields = Vec::new();
    read_feed_file(&fx("openai-flat-example.jsonl"), None, &mut |rec| fields = rec.unwrap().fields.keys().cloned().collect()).unwrap();
    for c in productsynch_feed::profile::columns(Profile::OpenAi) {
        if !c.name.starts_with("Custom_variant") {
            assert!(fields.contains(&c.name), "example lacks {}", c.name);
        }
    }
}

#[test]
fn flat_example_converts_to_every_flat_format_and_back() {
    let mut recs = Vec::new();
    read_feed_file(&fx("openai-flat-example.jsonl"), None, &mut |r| recs.push(r.unwrap())).unwrap();
    let (item, issues) = read_item(Profile::OpenAi, &recs[0].fields);
    assert!(issues.is_empty());
    let dir = std::env::temp_dir().join(format!("feed-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in [Format::Csv, Format::Tsv, Format::Xml, Format::Json] {
        let path = dir.join(format!("example.{}", f.extension()));
        let mut w = FeedWriter::new(std::fs::File::create(&path).unwrap(), f, Profile::OpenAi).unwrap();
        w.write(&item).unwrap();
        w.finish().unwrap();
        let r = validate_file(&path, None, None, today()).unwrap();
        assert_eq!((r.format, r.valid), (f, 1), "{f}: {:?}", r.issues);
        assert!(r.issues.is_empty(), "{f}: {:?}", r.issues);
    }
}

#[test]
fn launch_schema_example_is_valid_as_v1_and_warned_as_current() {
    let v1 = validate_file(&fx("launch-v1-example.json"), None, Some(Profile::OpenAiV1), today()).unwrap();
    assert_eq!((v1.items, v1.valid), (2, 2), "{:?}", v1.issues);
    assert!(v1.issues.iter().all(|i| !i.code.contains("legacy")));
    let cur = validate_file(&fx("launch-v1-example.json"), None, None, today()).unwrap();
    assert_eq!(cur.profile, Profile::OpenAi);
    let legacy: Vec<(&str, &str)> = cur.issues.iter().filter(|i| i.code == "legacy_field_name" && i.line == 1).map(|i| (i.field.as_str(), i.message.as_str())).collect();
    for (old, new) in [("enable_search", "is_eligible_search"), ("id", "item_id"), ("link", "url"), ("image_link", "image_url"), ("return_window", "return_deadline_in_days")] {
        assert!(legacy.iter().any(|(f, m)| *f == old && m.contains(new)), "{old} -> {new}: {legacy:?}");
    }
    // still readable: the launch names carry the values
    assert_eq!(cur.valid, 1, "the preorder row spells availability the launch way and fails under the current profile: {:?}", cur.issues);
}

#[test]
fn google_example_follows_the_google_path() {
    let r = validate_file(&fx("google-example.tsv"), None, None, today()).unwrap();
    assert_eq!((r.format, r.profile), (Format::Tsv, Profile::Google));
    assert_eq!(r.items, 2);
    // the mug has neither gtin nor mpn and no identifier_exists=no; pre-order without an availability_date
    let mug: Vec<&str> = r.issues.iter().filter(|i| i.line == 2 && i.severity == productsynch_feed::Severity::Error).map(|i| i.code).collect();
    assert_eq!(mug, vec!["missing_identifier", "preorder_requires_availability_date"]);
    assert_eq!(r.valid, 1, "{:?}", r.issues);
}

#[test]
fn acp_example_flattens_to_variants() {
    let r = validate_file(&fx("acp-example.jsonl"), None, None, today()).unwrap();
    assert_eq!((r.profile, r.items, r.valid), (Profile::Acp, 2, 2), "{:?}", r.issues);
    let mut recs = Vec::new();
    read_feed_file(&fx("acp-example.jsonl"), None, &mut |r| recs.push(r.unwrap())).unwrap();
    let items = productsynch_feed::acp::flatten_product(&recs[0].fields);
    let first = &items[0].0;
    assert_eq!(first.price.unwrap().to_string(), "79.99 USD");
    assert_eq!(first.sale_price.unwrap().to_string(), "59.99 USD");
    assert_eq!(first.group_id.as_deref(), Some("SHOE123"));
    assert_eq!(first.variant_dict.as_ref().unwrap().get("size"), Some("10"));
}
