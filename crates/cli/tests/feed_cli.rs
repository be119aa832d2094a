//! `productsynch feed validate` and `feed build` as merchants run them: report shape, exit codes 0/1/2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_productsynch"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("productsynch-feed-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../catalog/tests/fixtures/woo-sample").join(name)
}

fn report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn good_item(n: usize) -> Value {
    json!({
        "is_eligible_search": "true", "is_eligible_checkout": "false", "item_id": format!("SKU-{n:03}"),
        "title": format!("Trail Shoe {n}"), "description": "Waterproof trail shoe.", "url": format!("https://example.com/p/{n}"),
        "brand": "Acme", "image_url": "https://example.com/i.jpg", "price": "79.99 USD", "availability": "in_stock",
        "seller_name": "Example", "seller_url": "https://example.com", "return_policy": "https://example.com/returns",
        "target_countries": ["US"], "store_country": "US", "product_category": "Apparel > Shoes", "mpn": format!("M{n}")
    })
}

fn write_jsonl(path: &Path, items: &[Value]) {
    let text: String = items.iter().map(|v| v.to_string() + "\n").collect();
    std::fs::write(path, text).unwrap();
}

#[test]
fn validate_reports_issues_by_line_and_exits_1() {
    let d = tmpdir("validate");
    let mut items: Vec<Value> = (1..=70).map(good_item).collect();
    items[15]["item_id"] = json!("X".repeat(101));
    items[20]["availability"] = json!("In Stock");
    items[30].as_object_mut().unwrap().remove("price");
    let f = d.join("feed.jsonl");
    write_jsonl(&f, &items);
    let o = bin().args(["feed", "validate"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let r = report(&o);
    assert_eq!((r["format"].as_str(), r["profile"].as_str()), (Some("jsonl"), Some("openai")));
    assert_eq!((r["items"].as_u64(), r["valid"].as_u64(), r["invalid"].as_u64()), (Some(70), Some(67), Some(3)));
    let issues = r["issues"].as_array().unwrap();
    let too_long = issues.iter().find(|i| i["code"] == "too_long").unwrap();
    assert_eq!(too_long["line"], 16);
    assert_eq!(too_long["field"], "item_id");
    assert_eq!(too_long["severity"], "error");
    assert!(too_long["message"].as_str().unwrap().contains("100"));
    assert!(issues.iter().any(|i| i["line"] == 21 && i["code"] == "invalid_enum" && i["item_id"] == "SKU-021"));
    assert!(issues.iter().any(|i| i["line"] == 31 && i["code"] == "missing_required" && i["field"] == "price"));
}

#[test]
fn validate_clean_file_exits_0_and_human_table() {
    let d = tmpdir("clean");
    let f = d.join("feed.jsonl");
    write_jsonl(&f, &(1..=3).map(good_item).collect::<Vec<_>>());
    let o = bin().args(["feed", "validate"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(report(&o)["issues"], json!([]));
    let mut items: Vec<Value> = (1..=2).map(good_item).collect();
    items[1]["title"] = json!("SHOUTING TRAIL SHOE");
    write_jsonl(&f, &items);
    let o = bin().args(["feed", "validate", "--human"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "warnings do not fail");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("2 items (jsonl format, openai profile): 2 valid, 0 invalid"), "{text}");
    assert!(text.contains("all_caps") && text.contains("SKU-002"));
}

#[test]
fn validate_unreadable_exits_2() {
    let d = tmpdir("bad");
    let o = bin().args(["feed", "validate"]).arg(d.join("missing.jsonl")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let f = d.join("feed.json");
    std::fs::write(&f, "[{\"item_id\": 1,").unwrap();
    assert_eq!(bin().args(["feed", "validate"]).arg(&f).output().unwrap().status.code(), Some(2));
    let f = d.join("feed.jsonl");
    std::fs::write(&f, "this is not a feed\n").unwrap();
    assert_eq!(bin().args(["feed", "validate"]).arg(&f).output().unwrap().status.code(), Some(2));
    let o = bin().args(["feed", "validate", "--profile", "nope"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn launch_era_names_warn_under_the_current_profile() {
    let d = tmpdir("legacy");
    let f = d.join("feed.csv");
    std::fs::write(
        &f,
        "enable_search,enable_checkout,id,title,description,link,brand,image_link,price,availability,seller_name,seller_url,return_policy,target_countries,store_country\n\
         true,false,A1,Shoe,Nice shoe,https://e.com/p,Acme,https://e.com/i.jpg,79.99 USD,in_stock,E,https://e.com,https://e.com/r,US,US\n",
    )
    .unwrap();
    let o = bin().args(["feed", "validate"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let r = report(&o);
    let legacy: Vec<&str> = r["issues"].as_array().unwrap().iter().filter(|i| i["code"] == "legacy_field_name").map(|i| i["field"].as_str().unwrap()).collect();
    assert_eq!(legacy, vec!["enable_search", "enable_checkout", "id", "link", "image_link"]);
    let o = bin().args(["feed", "validate", "--profile", "openai-v1"]).arg(&f).output().unwrap();
    let r = report(&o);
    assert_eq!(r["profile"], "openai-v1");
    assert!(r["issues"].as_array().unwrap().iter().all(|i| i["code"] != "legacy_field_name"));
}

fn build(d: &Path, format: &str, profile: &str, out: &str) -> Output {
    bin()
        .args(["feed", "build", "--products"])
        .arg(sample("products.json"))
        .arg("--variations")
        .arg(sample("variations.json"))
        .arg("--categories")
        .arg(sample("categories.json"))
        .arg("--shop")
        .arg(sample("shop.json"))
        .args(["--format", format, "--profile", profile, "--out"])
        .arg(d.join(out))
        .output()
        .unwrap()
}

#[test]
fn build_every_format_and_profile_output_validates() {
    let d = tmpdir("build");
    for (format, profile, out) in [
        ("jsonl", "openai", "feed.jsonl.gz"),
        ("json", "openai", "feed.json"),
        ("csv", "openai", "feed.csv.gz"),
        ("tsv", "google", "feed.tsv"),
        ("xml", "openai", "feed.xml"),
        ("csv", "openai-v1", "v1.csv"),
        ("jsonl", "acp", "acp.jsonl"),
    ] {
        let o = build(&d, format, profile, out);
        assert_eq!(o.status.code(), Some(0), "{format}/{profile}: {}", String::from_utf8_lossy(&o.stderr));
        let s = report(&o);
        assert_eq!(s["items"], 22, "{format}/{profile}");
        assert_eq!(s["left_out"], 0);
        let v = bin().args(["feed", "validate", "--profile", profile]).arg(d.join(out)).output().unwrap();
        let r = report(&v);
        assert_eq!(v.status.code(), Some(0), "{format}/{profile}: {r}");
        assert_eq!(r["items"], 22);
        assert_eq!(r["format"], format);
    }
    // auto-detection: the Google file is recognised as Google, the ACP file as ACP
    let r = report(&bin().args(["feed", "validate"]).arg(d.join("feed.tsv")).output().unwrap());
    assert_eq!(r["profile"], "google");
    let r = report(&bin().args(["feed", "validate"]).arg(d.join("acp.jsonl")).output().unwrap());
    assert_eq!(r["profile"], "acp");
}

#[test]
fn build_leaves_out_invalid_items_and_exits_1() {
    let d = tmpdir("leftout");
    let mut products: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(sample("products.json")).unwrap()).unwrap();
    // a simple product without any price, and one that is not published
    let i = products.iter().position(|p| p["type"] == "simple").unwrap();
    products[i]["regular_price"] = json!("");
    products[i]["price"] = json!("");
    let bad_id = products[i]["id"].as_u64().unwrap();
    let j = products.iter().rposition(|p| p["type"] == "simple").unwrap();
    products[j]["status"] = json!("draft");
    products.push(json!("not a product"));
    let pf = d.join("products.json");
    std::fs::write(&pf, serde_json::to_string(&products).unwrap()).unwrap();
    let o = bin()
        .args(["feed", "build", "--products"])
        .arg(&pf)
        .arg("--variations")
        .arg(sample("variations.json"))
        .arg("--shop")
        .arg(sample("shop.json"))
        .args(["--format", "jsonl", "--out"])
        .arg(d.join("out.jsonl"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let s = report(&o);
    assert_eq!((s["items"].as_u64(), s["left_out"].as_u64(), s["skipped_unpublished"].as_u64()), (Some(20), Some(2), Some(1)));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(&format!("left out item sample-{bad_id} (product {bad_id}): price: missing_required")), "{err}");
    assert!(err.contains("invalid_record"), "{err}");
    let v = bin().args(["feed", "validate"]).arg(d.join("out.jsonl")).output().unwrap();
    assert_eq!(v.status.code(), Some(0));
}

#[test]
fn build_fails_with_2_on_unreadable_input() {
    let d = tmpdir("fatal");
    let pf = d.join("products.json");
    std::fs::write(&pf, "{\"not\": \"an array\"}").unwrap();
    let o = bin()
        .args(["feed", "build", "--products"])
        .arg(&pf)
        .arg("--shop")
        .arg(sample("shop.json"))
        .args(["--format", "jsonl", "--out"])
        .arg(d.join("out.jsonl"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = bin()
        .args(["feed", "build", "--products"])
        .arg(sample("products.json"))
        .arg("--shop")
        .arg(sample("shop.json"))
        .args(["--format", "pdf", "--out"])
        .arg(d.join("out.pdf"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // a nested profile cannot be written as CSV: refused before any file is created
    let o = bin()
        .args(["feed", "build", "--products"])
        .arg(sample("products.json"))
        .arg("--shop")
        .arg(sample("shop.json"))
        .args(["--format", "csv", "--profile", "acp", "--out"])
        .arg(d.join("acp.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("jsonl or json"));
    assert!(!d.join("acp-00001.csv").exists() && !d.join("acp.csv").exists());
}

#[test]
fn build_shards_large_feeds() {
    let d = tmpdir("shards");
    let o = bin()
        .args(["feed", "build", "--products"])
        .arg(sample("products.json"))
        .arg("--variations")
        .arg(sample("variations.json"))
        .arg("--shop")
        .arg(sample("shop.json"))
        .args(["--format", "jsonl", "--shard-items", "10", "--out"])
        .arg(d.join("feed.jsonl.gz"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let s = report(&o);
    let files: Vec<String> = s["files"].as_array().unwrap().iter().map(|f| Path::new(f.as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(files, vec!["feed-00001.jsonl.gz", "feed-00002.jsonl.gz", "feed-00003.jsonl.gz"]);
}
