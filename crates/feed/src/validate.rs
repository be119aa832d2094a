//! Validation of items against a profile: required fields, lengths, enums, URLs, codes, GTIN, price
//! rules, dependencies between fields, duplicate ids. See [`crate::issue::CODES`] for every code.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::issue::Issue;
use crate::item::{FeedItem, FieldId};
use std::sync::OnceLock;
use crate::profile::{Profile, external_name, required_fields};
use crate::value::{Availability, Money, Url};

/// Validation settings.
#[derive(Debug, Clone, Copy)]
pub struct ValidateOptions {
    pub profile: Profile,
    /// "Today" for future-date rules (availability_date, expiration_date).
    pub today: NaiveDate,
}

impl ValidateOptions {
    pub fn new(profile: Profile) -> Self {
        ValidateOptions { profile, today: chrono::Utc::now().date_naive() }
    }
}

/// Maximum lengths in characters (canonical names).
pub const MAX_LENGTHS: &[(&str, usize)] = &[
    ("item_id", 100),
    ("mpn", 70),
    ("title", 150),
    ("description", 5000),
    ("brand", 70),
    ("material", 100),
    ("pricing_trend", 80),
    ("item_group_title", 150),
    ("color", 40),
    ("size", 20),
    ("seller_name", 70),
    ("marketplace_seller", 70),
];

/// Whether a GTIN check digit is right (GTIN-8/12/13/14, digits only).
pub fn gtin_check_digit_ok(gtin: &str) -> bool {
    let b = gtin.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (body, check) = b.split_at(b.len() - 1);
    let sum: u64 = body.iter().rev().enumerate().map(|(i, d)| u64::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 }).sum();
    (10 - sum % 10) % 10 == u64::from(check[0] - b'0')
}

/// Text whose letters are all upper case (at least 4 letters), e.g. "MEN'S RUNNING SHOES".
pub fn is_all_caps(s: &str) -> bool {
    let mut letters = 0;
    for c in s.chars() {
        if c.is_alphabetic() {
            if c.is_lowercase() {
                return false;
            }
            if c.is_uppercase() {
                letters += 1;
            }
        }
    }
    letters >= 4
}

/// Whether text looks like it contains HTML markup (a tag or an entity).
pub fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    // a tag start counts when a '>' follows it somewhere
    if !b.contains(&b'<') {
        // (memchr) no tag start at all: the common case for plain text
    } else if let Some(last_gt) = b.iter().rposition(|c| *c == b'>') {
        // a '<' at i with b[i + 1] before last_gt (the windows of b[..last_gt])
        let head = &b[..last_gt];
        let mut from = 0;
        while let Some(k) = head[from..].iter().position(|c| *c == b'<') {
            let i = from + k;
            match head.get(i + 1) {
                Some(n) if n.is_ascii_alphabetic() || *n == b'/' || *n == b'!' => return true,
                Some(_) => from = i + 1,
                None => break,
            }
        }
    }
    // every pattern starts with '&': look only where one does
    let mut from = 0;
    while let Some(k) = s[from..].find('&') {
        let rest = &b[from + k..];
        if [&b"&amp;"[..], b"&nbsp;", b"&lt;", b"&gt;", b"&quot;", b"&#"].iter().any(|e| rest.starts_with(e)) {
            return true;
        }
        from += k + 1;
    }
    false
}

/// Required fields of a profile with their identities (looked up once).
fn required_ids(p: Profile) -> &'static [(&'static str, FieldId)] {
    static CACHE: OnceLock<[Vec<(&'static str, FieldId)>; 4]> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        Profile::ALL.map(|p| {
            required_fields(p)
                .iter()
                .map(|f| (*f, FieldId::from_name(f).unwrap_or_else(|| panic!("required field {f} is not a field"))))
                .collect()
        })
    });
    &all[Profile::ALL.iter().position(|x| *x == p).unwrap_or(0)]
}

fn check_shipping(s: &str) -> Result<(), String> {
    for entry in s.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let parts: Vec<&str> = entry.split(':').collect();
        if parts.len() < 4 || parts.len() > 8 {
            return Err(format!("'{entry}' must be country:region:service_class:price[:min_handling:max_handling:min_transit:max_transit]"));
        }
        if crate::value::Country::new(parts[0]).is_err() {
            return Err(format!("'{entry}': '{}' is not an ISO 3166-1 alpha-2 country code", parts[0]));
        }
        if !parts[3].is_empty() && parts[3].parse::<Money>().is_err() {
            return Err(format!("'{entry}': '{}' is not a price like 16.00 USD", parts[3]));
        }
        for d in &parts[4..] {
            if !d.is_empty() && d.parse::<u32>().is_err() {
                return Err(format!("'{entry}': handling and transit days must be whole numbers"));
            }
        }
    }
    Ok(())
}

/// Validate one item (no cross-item checks; see [`FeedValidator`] for duplicate ids).
pub fn validate_item(item: &FeedItem, opts: &ValidateOptions) -> Vec<Issue> {
    let p = opts.profile;
    let name = |f: &str| external_name(p, f);
    let mut out = Vec::new();

    for (f, id) in required_ids(p) {
        if !item.is_set_id(*id) {
            out.push(Issue::error(name(f), "missing_required", format!("{} is required: add a value", name(f))));
        }
    }

    // MAX_LENGTHS, read straight from the (text) fields
    let texts: [(&str, &Option<String>); 12] = [
        ("item_id", &item.item_id),
        ("mpn", &item.mpn),
        ("title", &item.title),
        ("description", &item.description),
        ("brand", &item.brand),
        ("material", &item.material),
        ("pricing_trend", &item.pricing_trend),
        ("item_group_title", &item.item_group_title),
        ("color", &item.color),
        ("size", &item.size),
        ("seller_name", &item.seller_name),
        ("marketplace_seller", &item.marketplace_seller),
    ];
    for ((f, text), (lf, max)) in texts.iter().zip(MAX_LENGTHS) {
        debug_assert_eq!(f, lf);
        if let Some(text) = text {
            // a text of at most `max` bytes has at most `max` characters
            if text.len() > *max {
                let n = text.chars().count();
                if n > *max {
                    out.push(Issue::error(name(f), "too_long", format!("{} has {n} characters; the limit is {max}: shorten it", name(f))));
                }
            }
        }
    }

    let identifier_exempt = item.identifier_exists == Some(false);
    if let Some(g) = &item.gtin {
        if !g.chars().all(|c| c.is_ascii_digit()) {
            out.push(Issue::error(name("gtin"), "invalid_gtin", format!("gtin '{g}' must contain digits only (no dashes or spaces)")));
        } else if !matches!(g.len(), 8 | 12 | 13 | 14) {
            out.push(Issue::error(name("gtin"), "invalid_gtin", format!("gtin '{g}' has {} digits; a GTIN has 8, 12, 13 or 14", g.len())));
        } else if !gtin_check_digit_ok(g) {
            out.push(Issue::error(name("gtin"), "gtin_check_digit", format!("gtin '{g}' has a wrong check digit: copy it again from the barcode")));
        }
    }
    if item.gtin.is_none() && item.mpn.is_none() && !identifier_exempt {
        match p {
            Profile::Google | Profile::OpenAiV1 => out.push(Issue::error(
                name("mpn"),
                "missing_identifier",
                format!("give a gtin or an {}{}", name("mpn"), if p == Profile::Google { " (or identifier_exists=no)" } else { "" }),
            )),
            _ => out.push(Issue::warning("gtin", "missing_recommended", "gtin or mpn is recommended: add the barcode or the SKU")),
        }
    }

    for (f, v) in [("title", &item.title), ("item_group_title", &item.item_group_title)] {
        if let Some(t) = v {
            if is_all_caps(t) {
                out.push(Issue::warning(name(f), "all_caps", format!("{} is written in capitals: use normal capitalisation", name(f))));
            }
        }
    }
    for (f, v) in [("title", &item.title), ("description", &item.description)] {
        if let Some(t) = v {
            if looks_like_html(t) {
                out.push(Issue::warning(name(f), "html_in_text", format!("{} contains HTML: send plain text", name(f))));
            }
        }
    }

    let urls: [(&str, &Option<Url>); 8] = [
        ("url", &item.url),
        ("image_url", &item.image_url),
        ("video_url", &item.video_url),
        ("model_3d_url", &item.model_3d_url),
        ("seller_url", &item.seller_url),
        ("seller_privacy_policy", &item.seller_privacy_policy),
        ("seller_tos", &item.seller_tos),
        ("return_policy", &item.return_policy),
    ];
    for (f, u) in urls {
        if let Some(u) = u {
            if !u.is_https() {
                out.push(Issue::warning(name(f), "insecure_url", format!("{} uses http: HTTPS is preferred", name(f))));
            }
        }
    }

    if let (Some(price), Some(sale)) = (&item.price, &item.sale_price) {
        if price.currency != sale.currency {
            out.push(Issue::error(name("sale_price"), "currency_mismatch", format!("sale_price is in {} but price is in {}: use one currency", sale.currency, price.currency)));
        } else if sale.amount > price.amount {
            out.push(Issue::error(name("sale_price"), "sale_price_above_price", format!("sale_price {sale} is higher than price {price}: it must be lower or equal")));
        }
    }
    if let (Some(s), Some(e)) = (item.sale_price_start_date, item.sale_price_end_date) {
        if e < s {
            out.push(Issue::error("sale_price_end_date", "sale_dates_reversed", "sale_price_end_date is before sale_price_start_date"));
        }
    }

    if item.is_eligible_checkout == Some(true) {
        if item.is_eligible_search != Some(true) {
            out.push(Issue::error(name("is_eligible_checkout"), "checkout_requires_search", format!("{} needs {}=true", name("is_eligible_checkout"), name("is_eligible_search"))));
        }
        if item.seller_privacy_policy.is_none() {
            out.push(Issue::error("seller_privacy_policy", "checkout_requires_privacy_policy", "checkout needs seller_privacy_policy: add the privacy policy URL"));
        }
        if item.seller_tos.is_none() {
            out.push(Issue::error("seller_tos", "checkout_requires_tos", "checkout needs seller_tos: add the terms of service URL"));
        }
    }

    if item.availability == Some(Availability::PreOrder) && item.availability_date.is_none() {
        out.push(Issue::error("availability_date", "preorder_requires_availability_date", "pre_order items need an availability_date in the future"));
    }
    if let Some(d) = item.availability_date {
        if item.availability == Some(Availability::PreOrder) && d <= opts.today {
            out.push(Issue::error("availability_date", "date_not_in_future", format!("availability_date {d} is not in the future")));
        }
    }
    if let Some(d) = item.expiration_date {
        if d <= opts.today {
            out.push(Issue::error("expiration_date", "date_not_in_future", format!("expiration_date {d} is not in the future: the item would be removed")));
        }
    }

    if item.weight.is_some() && item.item_weight_unit.is_none() {
        out.push(Issue::error("item_weight_unit", "weight_requires_unit", "weight needs item_weight_unit (e.g. lb, kg)"));
    }
    let dims = [item.length.is_some(), item.width.is_some(), item.height.is_some()];
    if dims.iter().any(|d| *d) {
        if !dims.iter().all(|d| *d) {
            out.push(Issue::error("length", "dimensions_incomplete", "give length, width and height together"));
        }
        if item.dimensions_unit.is_none() {
            out.push(Issue::error("dimensions_unit", "dimensions_require_unit", "length/width/height need dimensions_unit (e.g. in, cm)"));
        }
    }
    if item.unit_pricing_measure.is_some() != item.base_measure.is_some() {
        out.push(Issue::error(
            if item.unit_pricing_measure.is_some() { "base_measure" } else { "unit_pricing_measure" },
            "unit_pricing_incomplete",
            "unit_pricing_measure and base_measure must be given together (e.g. 16 oz / 1 oz)",
        ));
    }
    if item.pickup_sla.is_some() && item.pickup_method.is_none() {
        out.push(Issue::error("pickup_method", "pickup_sla_requires_method", "pickup_sla needs pickup_method"));
    }
    if let Some(sla) = &item.pickup_sla {
        if !sla.value.fract().is_zero() {
            out.push(Issue::error("pickup_sla", "invalid_measure", "pickup_sla must be a positive whole number and a unit, e.g. 1 day"));
        }
    }

    let five = Decimal::new(5, 0);
    for (f, v) in [("star_rating", item.star_rating), ("store_star_rating", item.store_star_rating)] {
        if let Some(v) = v {
            if v < Decimal::ZERO || v > five {
                out.push(Issue::error(name(f), "out_of_range", format!("{} {v} must be between 0 and 5", name(f))));
            }
        }
    }
    if let Some(r) = item.return_rate {
        if r < Decimal::ZERO || r > Decimal::new(100, 0) {
            out.push(Issue::error("return_rate", "out_of_range", format!("return_rate {r} must be a percentage between 0 and 100")));
        }
    }
    for (f, v) in [("review_count", item.review_count), ("store_review_count", item.store_review_count), ("inventory_quantity", item.inventory_quantity)] {
        if let Some(v) = v {
            if v < 0 {
                out.push(Issue::error(name(f), "out_of_range", format!("{} {v} cannot be negative", name(f))));
            }
        }
    }
    for (f, v) in [("return_deadline_in_days", item.return_deadline_in_days), ("age_restriction", item.age_restriction)] {
        if let Some(v) = v {
            if v <= 0 {
                out.push(Issue::error(name(f), "not_positive", format!("{} must be a positive whole number", name(f))));
            }
        }
    }
    if let Some(reviews) = &item.reviews {
        for (i, r) in reviews.0.iter().enumerate() {
            if r.min_rating > r.max_rating || r.rating < r.min_rating || r.rating > r.max_rating {
                out.push(Issue::error("reviews", "out_of_range", format!("reviews[{i}]: rating {} must lie between minRating {} and maxRating {}", r.rating, r.min_rating, r.max_rating)));
            }
        }
    }
    if let Some(qa) = &item.q_and_a {
        if qa.0.iter().any(|x| x.q.trim().is_empty() || x.a.trim().is_empty()) {
            out.push(Issue::error("q_and_a", "invalid_q_and_a", "every q_and_a entry needs a non-empty q and a"));
        }
    }
    if let Some(s) = &item.shipping {
        if let Err(m) = check_shipping(s) {
            out.push(Issue::error("shipping", "invalid_shipping", m));
        }
    }

    if p == Profile::OpenAi && item.product_category.is_none() {
        out.push(Issue::warning("product_category", "missing_recommended", "product_category is recommended: e.g. Apparel & Accessories > Shoes"));
    }
    if item.listing_has_variations == Some(true) && p != Profile::Google {
        for f in ["group_id", "variant_dict"] {
            if !item.is_set(f) {
                out.push(Issue::warning(name(f), "missing_recommended", format!("{} is recommended when listing_has_variations is true", name(f))));
            }
        }
    }
    out
}

/// Validates a stream of items, remembering ids to report duplicates. Memory: 8 bytes (a 64-bit hash) per id.
#[derive(Debug)]
pub struct FeedValidator {
    pub opts: ValidateOptions,
    seen: Option<HashSet<u64>>,
}

impl FeedValidator {
    pub fn new(opts: ValidateOptions) -> Self {
        FeedValidator { opts, seen: Some(HashSet::new()) }
    }

    /// A validator that leaves duplicate detection to the caller (e.g. `feed build`, whose ids come from
    /// unique store ids and which checks those in a compact bitmap).
    pub fn without_duplicate_check(opts: ValidateOptions) -> Self {
        FeedValidator { opts, seen: None }
    }

    /// Validate an item and check its id against the ids seen so far.
    pub fn check(&mut self, item: &FeedItem) -> Vec<Issue> {
        let mut issues = validate_item(item, &self.opts);
        if let (Some(id), Some(seen)) = (&item.item_id, self.seen.as_mut()) {
            let mut h = DefaultHasher::new();
            id.hash(&mut h);
            if !seen.insert(h.finish()) {
                let f = external_name(self.opts.profile, "item_id");
                issues.push(Issue::error(f.clone(), "duplicate_id", format!("{f} '{id}' appears more than once in this feed: ids must be unique")));
            }
        }
        issues
    }
}

#[cfg(test)]
mod tests;
