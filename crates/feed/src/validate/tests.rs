use super::*;
use crate::item::FeedItem;
use crate::issue::{CODES, Severity};
use crate::value::*;
use serde_json::{Value, json};

pub(crate) fn valid_item() -> FeedItem {
    let m = json!({
        "is_eligible_search": "true", "is_eligible_checkout": "true",
        "item_id": "SKU12345", "gtin": "4006381333931", "mpn": "GPT5",
        "title": "Men's Trail Running Shoes Black", "description": "Waterproof trail shoe with cushioned sole.",
        "url": "https://example.com/product/SKU12345", "brand": "OpenAI", "condition": "new",
        "product_category": "Apparel & Accessories > Shoes", "image_url": "https://example.com/image1.jpg",
        "price": "79.99 USD", "sale_price": "59.99 USD", "availability": "in_stock",
        "seller_name": "Example Store", "seller_url": "https://example.com/store",
        "seller_privacy_policy": "https://example.com/privacy", "seller_tos": "https://example.com/terms",
        "return_policy": "https://example.com/returns", "return_deadline_in_days": 30,
        "target_countries": ["US"], "store_country": "US"
    });
    let (item, errs, unknown) = FeedItem::from_json_map(m.as_object().unwrap());
    assert!(errs.is_empty() && unknown.is_empty());
    item
}

fn opts() -> ValidateOptions {
    ValidateOptions { profile: Profile::OpenAi, today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() }
}

fn codes_of(item: &FeedItem) -> Vec<&'static str> {
    validate_item(item, &opts()).into_iter().map(|i| i.code).collect()
}

fn with(field: &str, v: Value) -> FeedItem {
    let mut it = valid_item();
    it.set_json(field, &v).unwrap();
    it
}

fn has(item: &FeedItem, code: &str) {
    let got = codes_of(item);
    assert!(got.contains(&code), "expected {code}, got {got:?}");
}

#[test]
fn the_spec_example_is_clean() {
    assert_eq!(validate_item(&valid_item(), &opts()), vec![]);
}

#[test]
fn missing_required_lists_each_field() {
    let issues = validate_item(&FeedItem::default(), &opts());
    let missing: Vec<&str> = issues.iter().filter(|i| i.code == "missing_required").map(|i| i.field.as_str()).collect();
    assert_eq!(missing, crate::profile::required_fields(Profile::OpenAi).to_vec());
    assert!(issues.iter().all(|i| i.code != "missing_required" || i.severity == Severity::Error));
}

#[test]
fn lengths() {
    has(&with("item_id", json!("x".repeat(101))), "too_long");
    has(&with("title", json!("a ".repeat(80))), "too_long");
    has(&with("description", json!("d".repeat(5001))), "too_long");
    has(&with("brand", json!("b".repeat(71))), "too_long");
    has(&with("mpn", json!("m".repeat(71))), "too_long");
    has(&with("color", json!("c".repeat(41))), "too_long");
    has(&with("size", json!("s".repeat(21))), "too_long");
    // characters, not bytes
    assert!(!codes_of(&with("title", json!("é".repeat(150)))).contains(&"too_long"));
}

#[test]
fn gtin_rules() {
    has(&with("gtin", json!("4006-381333931")), "invalid_gtin");
    has(&with("gtin", json!("1234567")), "invalid_gtin");
    has(&with("gtin", json!("4006381333932")), "gtin_check_digit");
    assert!(gtin_check_digit_ok("036000291452")); // UPC-A
    assert!(gtin_check_digit_ok("96385074")); // EAN-8
    assert!(gtin_check_digit_ok("10012345678902")); // GTIN-14
    let mut it = valid_item();
    it.gtin = None;
    it.mpn = None;
    has(&it, "missing_recommended");
    let o = ValidateOptions { profile: Profile::Google, ..opts() };
    assert!(validate_item(&it, &o).iter().any(|i| i.code == "missing_identifier"));
    it.identifier_exists = Some(false);
    assert!(!validate_item(&it, &o).iter().any(|i| i.code == "missing_identifier"));
}

#[test]
fn text_warnings() {
    let it = with("title", json!("MEN'S TRAIL RUNNING SHOES"));
    let issues = validate_item(&it, &opts());
    let caps = issues.iter().find(|i| i.code == "all_caps").unwrap();
    assert_eq!(caps.severity, Severity::Warning);
    has(&with("description", json!("<p>Hello</p>")), "html_in_text");
    has(&with("description", json!("Fish &amp; chips")), "html_in_text");
    has(&with("url", json!("http://example.com/p")), "insecure_url");
}

#[test]
fn price_rules() {
    has(&with("sale_price", json!("89.99 USD")), "sale_price_above_price");
    has(&with("sale_price", json!("59.99 EUR")), "currency_mismatch");
    assert!(!codes_of(&with("sale_price", json!("79.99 USD"))).contains(&"sale_price_above_price"));
    let mut it = with("sale_price_start_date", json!("2025-07-15"));
    it.set_json("sale_price_end_date", &json!("2025-07-01")).unwrap();
    has(&it, "sale_dates_reversed");
}

#[test]
fn checkout_dependencies() {
    has(&with("is_eligible_search", json!("false")), "checkout_requires_search");
    let mut it = valid_item();
    it.seller_privacy_policy = None;
    it.seller_tos = None;
    let c = codes_of(&it);
    assert!(c.contains(&"checkout_requires_privacy_policy") && c.contains(&"checkout_requires_tos"));
    it.is_eligible_checkout = Some(false);
    assert!(codes_of(&it).is_empty());
}

#[test]
fn availability_dates() {
    has(&with("availability", json!("pre_order")), "preorder_requires_availability_date");
    let mut it = with("availability", json!("pre_order"));
    it.set_json("availability_date", &json!("2025-12-01")).unwrap();
    has(&it, "date_not_in_future");
    it.set_json("availability_date", &json!("2026-02-01")).unwrap();
    assert!(codes_of(&it).is_empty());
    has(&with("expiration_date", json!("2025-12-01")), "date_not_in_future");
}

#[test]
fn unit_dependencies() {
    has(&with("weight", json!("1.5")), "weight_requires_unit");
    let mut it = with("weight", json!("1.5"));
    it.item_weight_unit = Some("lb".into());
    assert!(codes_of(&it).is_empty());
    let it = with("length", json!("10"));
    let c = codes_of(&it);
    assert!(c.contains(&"dimensions_incomplete") && c.contains(&"dimensions_require_unit"));
    let mut it = with("length", json!("10"));
    it.set_json("width", &json!("8")).unwrap();
    it.set_json("height", &json!("5")).unwrap();
    it.dimensions_unit = Some("in".into());
    assert!(codes_of(&it).is_empty());
    has(&with("unit_pricing_measure", json!("16 oz")), "unit_pricing_incomplete");
    has(&with("base_measure", json!("1 oz")), "unit_pricing_incomplete");
    has(&with("pickup_sla", json!("1 day")), "pickup_sla_requires_method");
    let mut it = with("pickup_sla", json!("1.5 day"));
    it.pickup_method = Some(PickupMethod::InStore);
    has(&it, "invalid_measure");
}

#[test]
fn ranges() {
    has(&with("star_rating", json!("5.5")), "out_of_range");
    has(&with("store_star_rating", json!("-1")), "out_of_range");
    has(&with("return_rate", json!("120%")), "out_of_range");
    has(&with("review_count", json!(-3)), "out_of_range");
    has(&with("return_deadline_in_days", json!(0)), "not_positive");
    has(&with("age_restriction", json!("-21")), "not_positive");
    has(&with("reviews", json!([{"title":"t","content":"c","minRating":1,"maxRating":5,"rating":7}])), "out_of_range");
    has(&with("q_and_a", json!([{"q":"Is it waterproof?","a":" "}])), "invalid_q_and_a");
}

#[test]
fn shipping_format() {
    assert!(codes_of(&with("shipping", json!("US:CA:Overnight:16.00 USD:1:2:1:3"))).is_empty());
    assert!(codes_of(&with("shipping", json!("US::Overnight:16.00 USD"))).is_empty());
    has(&with("shipping", json!("USA:CA:Overnight:16.00 USD")), "invalid_shipping");
    has(&with("shipping", json!("US:CA:Overnight:16")), "invalid_shipping");
    has(&with("shipping", json!("US:CA")), "invalid_shipping");
}

#[test]
fn variants_recommendations() {
    let it = with("listing_has_variations", json!("true"));
    let issues = validate_item(&it, &opts());
    let fields: Vec<&str> = issues.iter().filter(|i| i.code == "missing_recommended").map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["group_id", "variant_dict"]);
    let mut it = valid_item();
    it.product_category = None;
    has(&it, "missing_recommended");
}

#[test]
fn duplicate_ids() {
    let mut v = FeedValidator::new(opts());
    assert!(v.check(&valid_item()).is_empty());
    let again = v.check(&valid_item());
    assert_eq!(again.iter().map(|i| i.code).collect::<Vec<_>>(), vec!["duplicate_id"]);
}

#[test]
fn v1_profile_names_fields_and_requires_more() {
    let o = ValidateOptions { profile: Profile::OpenAiV1, ..opts() };
    let issues = validate_item(&valid_item(), &o);
    let missing: Vec<&str> = issues.iter().filter(|i| i.code == "missing_required").map(|i| i.field.as_str()).collect();
    assert_eq!(missing, vec!["inventory_quantity"]);
    let issues = validate_item(&FeedItem::default(), &o);
    assert!(issues.iter().any(|i| i.field == "id" && i.code == "missing_required"));
    assert!(issues.iter().any(|i| i.field == "enable_search"));
}

#[test]
fn parse_codes_come_from_values() {
    // every code in CODES is produced somewhere: parse-level ones through the value types
    let parse_cases: &[(&str, Value, &str)] = &[
        ("is_eligible_search", json!("True"), "invalid_boolean"),
        ("availability", json!("In Stock"), "invalid_enum"),
        ("review_count", json!("many"), "invalid_integer"),
        ("star_rating", json!("high"), "invalid_number"),
        ("url", json!("example.com/p"), "invalid_url"),
        ("store_country", json!("USA"), "invalid_country"),
        ("price", json!("79.99 DOLLARS"), "invalid_currency"),
        ("price", json!("79.99"), "invalid_price"),
        ("sale_price_start_date", json!("July 1"), "invalid_date"),
        ("unit_pricing_measure", json!("lots"), "invalid_measure"),
        ("dimensions", json!("12 in"), "invalid_dimensions"),
        ("variant_dict", json!("{not json"), "invalid_json"),
        ("q_and_a", json!([{"question": "x"}]), "invalid_q_and_a"),
        ("reviews", json!([{"rating": 5}]), "invalid_reviews"),
        ("title", json!({"a": 1}), "invalid_type"),
    ];
    for (f, v, code) in parse_cases {
        let mut it = FeedItem::default();
        let e = it.set_json(f, v).unwrap_err();
        assert_eq!(e.code, *code, "{f}={v}");
    }
    // all codes are documented with a severity
    assert!(CODES.iter().all(|(c, _)| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
    let mut names: Vec<&str> = CODES.iter().map(|(c, _)| *c).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), CODES.len());
}

/// `looks_like_html` before the speed work (the fast one must agree).
fn looks_like_html_reference(s: &str) -> bool {
    let b = s.as_bytes();
    if let Some(last_gt) = b.iter().rposition(|c| *c == b'>') {
        for (i, w) in b[..last_gt].windows(2).enumerate() {
            if w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!') && i < last_gt {
                return true;
            }
        }
    }
    s.contains('&') && ["&amp;", "&nbsp;", "&lt;", "&gt;", "&quot;", "&#"].iter().any(|e| s.contains(e))
}

proptest::proptest! {
    #[test]
    fn fast_html_detection_matches_reference(s in "(<|>|</|<!|<a|&|&amp;|&amp|&nbsp;|&lt;|&gt;|&quot;|&#|#|;|a|b| |\\PC){0,30}") {
        proptest::prop_assert_eq!(looks_like_html(&s), looks_like_html_reference(&s), "{:?}", s);
    }
}
