//! Mapping a [`CatalogRecord`] to feed items (current OpenAI names; profiles rename on output).

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use crate::issue::Issue;
use crate::item::FeedItem;
use crate::record::*;
use crate::sanitize::{clean_description, clean_description_of_text_owned, clean_title, html_to_text};
use crate::validate::gtin_check_digit_ok;
use crate::value::*;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MapError {
    #[error("shop settings: {field}: {message}")]
    InvalidShop { field: &'static str, message: String },
}

/// Shop settings checked once, reused for every record.
#[derive(Debug, Clone)]
pub struct MapContext {
    pub shop: ShopSettings,
    pub currency: Currency,
    pub store_country: Country,
    pub target_countries: CountryList,
    pub seller_url: Url,
    pub privacy: Option<Url>,
    pub tos: Option<Url>,
    pub return_policy: Url,
    pub prefix: String,
    /// "Now" (UTC) for sale-date rules.
    pub now: NaiveDateTime,
    /// `?utm_source=..&utm_medium=..&utm_campaign=..` for these UTM values (form-urlencoded as the `url`
    /// crate appends them), reused while `shop.utm` is unchanged.
    utm_query: (Utm, String),
}

/// The query the `url` crate's `query_pairs_mut().append_pair(..)` calls give a URL without a query.
fn utm_query(utm: &Utm) -> String {
    let mut q = url::form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
    q.append_pair("utm_source", &utm.source).append_pair("utm_medium", &utm.medium).append_pair("utm_campaign", &utm.campaign);
    q.finish()
}

fn shop_url(field: &'static str, s: &str) -> Result<Url, MapError> {
    Url::parse(s).map_err(|e| MapError::InvalidShop { field, message: e.message })
}

impl MapContext {
    pub fn new(shop: ShopSettings, now: NaiveDateTime) -> Result<Self, MapError> {
        let currency = Currency::new(shop.currency.trim().to_ascii_uppercase().as_str())
            .map_err(|e| MapError::InvalidShop { field: "currency", message: e.message })?;
        let store_country = Country::new(shop.store_country.trim().to_ascii_uppercase().as_str())
            .map_err(|e| MapError::InvalidShop { field: "store_country", message: e.message })?;
        let target_countries = if shop.target_countries.is_empty() {
            CountryList(vec![store_country])
        } else {
            CountryList(
                shop.target_countries
                    .iter()
                    .map(|c| Country::new(c.trim().to_ascii_uppercase().as_str()))
                    .collect::<Result<_, _>>()
                    .map_err(|e| MapError::InvalidShop { field: "target_countries", message: e.message })?,
            )
        };
        let store = shop.store_url.trim_end_matches('/').to_string();
        shop_url("store_url", &store)?;
        let seller_url = shop_url("seller_url", shop.seller_url.as_deref().unwrap_or(&store))?;
        let privacy = shop.seller_privacy_policy.as_deref().map(|u| shop_url("seller_privacy_policy", u)).transpose()?;
        let tos = shop.seller_tos.as_deref().map(|u| shop_url("seller_tos", u)).transpose()?;
        let default_returns = format!("{store}/returns");
        let return_policy = shop_url("return_policy", shop.return_policy.as_deref().unwrap_or(&default_returns))?;
        if shop.seller_name.trim().is_empty() {
            return Err(MapError::InvalidShop { field: "seller_name", message: "must not be empty".into() });
        }
        let prefix = shop.item_id_prefix.clone().unwrap_or_else(|| format!("{}-", shop.shop_id));
        let utm_query = (shop.utm.clone(), utm_query(&shop.utm));
        Ok(MapContext { shop, currency, store_country, target_countries, seller_url, privacy, tos, return_policy, prefix, now, utm_query })
    }

    /// Like [`MapContext::new`] with the current UTC time.
    pub fn new_now(shop: ShopSettings) -> Result<Self, MapError> {
        Self::new(shop, chrono::Utc::now().naive_utc())
    }

    pub fn item_id(&self, woo_id: u64) -> String {
        let mut digits = [0u8; 20];
        let mut n = digits.len();
        let mut v = woo_id;
        loop {
            n -= 1;
            digits[n] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let mut id = String::with_capacity(self.prefix.len() + digits.len() - n);
        id.push_str(&self.prefix);
        // ASCII digits
        id.push_str(std::str::from_utf8(&digits[n..]).unwrap_or_default());
        id
    }
}

/// Result of mapping one record.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub items: Vec<FeedItem>,
    /// Notes about store data that could not be used (e.g. a GTIN with a wrong check digit).
    pub notes: Vec<Issue>,
}

/// Normalise a GTIN (strip spaces and dashes) and check length and check digit.
pub fn normalize_gtin(raw: &str) -> Option<String> {
    // the common case: digits only, nothing to strip
    if matches!(raw.len(), 8 | 12 | 13 | 14) && raw.bytes().all(|b| b.is_ascii_digit()) {
        return if gtin_check_digit_ok(raw) { Some(raw.to_string()) } else { None };
    }
    let g: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    if matches!(g.len(), 8 | 12 | 13 | 14) && g.chars().all(|c| c.is_ascii_digit()) && gtin_check_digit_ok(&g) {
        Some(g)
    } else {
        None
    }
}

/// WooCommerce stock status -> availability.
pub fn availability_of(s: StockStatus) -> Availability {
    match s {
        StockStatus::InStock => Availability::InStock,
        StockStatus::OutOfStock => Availability::OutOfStock,
        StockStatus::OnBackorder => Availability::Backorder,
        StockStatus::Unknown => Availability::Unknown,
    }
}

fn weight_unit(u: &str) -> String {
    if u.eq_ignore_ascii_case("lbs") || u.eq_ignore_ascii_case("lb") { "lb".into() } else { u.to_ascii_lowercase() }
}

fn attr_kind(name: &str, slug: &str) -> Option<&'static str> {
    // compared ASCII-case-insensitively in place (same as lower-casing the ASCII letters first)
    for s in [slug, name] {
        let s = s.trim();
        let s = if s.len() >= 3 && s.as_bytes()[..3].eq_ignore_ascii_case(b"pa_") { &s[3..] } else { s };
        let is = |w: &str| s.eq_ignore_ascii_case(w);
        if is("color") || is("colour") || is("farbe") || is("couleur") {
            return Some("color");
        }
        if is("size") || is("größe") || is("groesse") || is("taille") {
            return Some("size");
        }
    }
    None
}

/// The product URL with the UTM parameters appended (unchanged when it already carries `utm_source`).
/// Parsed once: the `url` crate's serialisation is taken as the feed URL when it is an absolute http(s) URL.
fn url_with_utm(link: &str, utm: &Utm, cached: &(Utm, String)) -> Result<Url, ValueError> {
    // fast path: a simple URL without query or fragment whose path the `url` crate serialises unchanged
    // (no percent sign, no characters it encodes, no dot segments, not empty): the result is the link plus
    // the UTM query
    if let Some(host_end) = crate::value::simple_http_url(link) {
        let path = &link[host_end..];
        let plain = path.starts_with('/')
            && path.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&c))
            && !path.split('/').any(|seg| seg == "." || seg == "..");
        if plain {
            let owned;
            let query = if cached.0 == *utm {
                &cached.1
            } else {
                owned = utm_query(utm);
                &owned
            };
            let mut s = String::with_capacity(link.len() + query.len());
            s.push_str(link);
            s.push_str(query);
            // a simple URL plus form-urlencoded pairs (printable ASCII) is still a simple URL
            debug_assert!(crate::value::simple_http_url(&s).is_some());
            return Ok(Url::from_checked(s));
        }
    }
    match url::Url::parse(link) {
        Ok(mut u) => {
            if u.query_pairs().any(|(k, _)| k == "utm_source") {
                return Url::parse(link);
            }
            u.query_pairs_mut()
                .append_pair("utm_source", &utm.source)
                .append_pair("utm_medium", &utm.medium)
                .append_pair("utm_campaign", &utm.campaign);
            Url::from_parsed(&u)
        }
        Err(_) => Url::parse(link),
    }
}

fn nonempty(s: &str) -> Option<&str> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t) }
}

/// Price and sale price of an offer under the sale rules (sale only when lower and its dates are current).
fn prices(o: &StoreOffer, parent: Option<&StoreOffer>, ctx: &MapContext) -> (Option<Money>, Option<Money>, Option<(NaiveDateTime, NaiveDateTime)>) {
    let regular = o.regular_price.or(o.price).or_else(|| parent.and_then(|p| p.regular_price.or(p.price)));
    let Some(regular) = regular.filter(|r| *r >= Decimal::ZERO) else { return (None, None, None) };
    let price = Money::new(regular, ctx.currency);
    let sale = o.sale_price.filter(|s| *s >= Decimal::ZERO && *s < regular);
    let current = o.sale_from.is_none_or(|f| f <= ctx.now) && o.sale_to.is_none_or(|t| ctx.now <= t);
    match sale {
        Some(s) if current => {
            let dates = o.sale_from.zip(o.sale_to);
            (Some(price), Some(Money::new(s, ctx.currency)), dates)
        }
        _ => (Some(price), None, None),
    }
}

fn category_path(p: &StoreProduct) -> Option<String> {
    p.categories
        .iter()
        .filter(|path| !path.is_empty())
        .filter(|path| !(path.len() == 1 && path[0].eq_ignore_ascii_case("uncategorized")))
        .max_by_key(|path| path.len())
        .map(|path| path.iter().map(|s| html_to_text(s)).collect::<Vec<_>>().join(" > "))
}

fn brand_of(p: &StoreProduct, ctx: &MapContext) -> String {
    if let Some(b) = p.brands.iter().find_map(|b| nonempty(b)) {
        return html_to_text(b);
    }
    if let Some(attr) = ctx.shop.brand_attribute.as_deref() {
        let want = attr.to_ascii_lowercase();
        let want_bare = want.strip_prefix("pa_").unwrap_or(&want).to_string();
        for a in &p.attributes {
            let slug = a.slug.to_ascii_lowercase();
            if slug == want || a.name.to_ascii_lowercase() == want_bare || slug.strip_prefix("pa_") == Some(want_bare.as_str()) {
                if let Some(v) = a.options.iter().find_map(|o| nonempty(o)) {
                    return v.to_string();
                }
            }
        }
    }
    ctx.shop.seller_name.clone()
}

/// Fill the fields that come from one offer (product or variation), with `parent` filling the gaps.
fn offer_fields(item: &mut FeedItem, o: &StoreOffer, parent: Option<&StoreOffer>, ctx: &MapContext, notes: &mut Vec<Issue>) {
    item.item_id = Some(ctx.item_id(o.id));
    let permalink = o.permalink.as_deref().and_then(nonempty).or_else(|| parent.and_then(|p| p.permalink.as_deref()).and_then(nonempty));
    if let Some(link) = permalink {
        let url = if ctx.shop.utm_disabled { Url::parse(link) } else { url_with_utm(link, &ctx.shop.utm, &ctx.utm_query) };
        match url {
            Ok(u) => item.url = Some(u),
            Err(e) => notes.push(Issue::warning("url", "invalid_url", format!("store permalink not usable: {}", e.message))),
        }
    }
    let (price, sale, dates) = prices(o, parent, ctx);
    item.price = price;
    item.sale_price = sale;
    if let Some((from, to)) = dates {
        item.sale_price_start_date = Some(from.date());
        item.sale_price_end_date = Some(to.date());
    }
    item.availability = Some(availability_of(o.stock_status));
    // launch-era field (openai-v1 only); unmanaged stock exports 0 as the product spec's transformer does,
    // `availability` carries the truth
    item.inventory_quantity = Some(o.stock_quantity.or_else(|| parent.and_then(|p| p.stock_quantity)).unwrap_or(0).max(0));
    let raw_gtin = o.gtin.as_deref().and_then(nonempty).or_else(|| parent.and_then(|p| p.gtin.as_deref()).and_then(nonempty));
    if let Some(g) = raw_gtin {
        match normalize_gtin(g) {
            Some(n) => item.gtin = Some(n),
            None => notes.push(Issue::warning("gtin", "gtin_dropped", format!("store GTIN '{g}' is not a valid GTIN-8/12/13/14 (length or check digit); it was left out"))),
        }
    }
    item.mpn = o.sku.as_deref().and_then(nonempty).or_else(|| parent.and_then(|p| p.sku.as_deref()).and_then(nonempty)).map(String::from);
    let unit = ctx.shop.weight_unit.as_deref().map(weight_unit);
    if let Some(w) = o.weight.or_else(|| parent.and_then(|p| p.weight)).filter(|w| *w > Decimal::ZERO) {
        if let Some(u) = unit {
            item.weight = Some(w.normalize());
            item.item_weight_unit = Some(u);
        }
    }
    let dims = [
        o.length.or_else(|| parent.and_then(|p| p.length)),
        o.width.or_else(|| parent.and_then(|p| p.width)),
        o.height.or_else(|| parent.and_then(|p| p.height)),
    ];
    if let (Some(l), Some(w), Some(h), Some(u)) = (dims[0], dims[1], dims[2], ctx.shop.dimension_unit.as_deref()) {
        if l > Decimal::ZERO && w > Decimal::ZERO && h > Decimal::ZERO {
            item.length = Some(l.normalize());
            item.width = Some(w.normalize());
            item.height = Some(h.normalize());
            item.dimensions_unit = Some(u.to_ascii_lowercase());
        }
    }
    item.is_digital = Some(o.is_virtual || o.is_downloadable);
}

fn shop_fields(item: &mut FeedItem, ctx: &MapContext) {
    item.is_eligible_search = Some(true);
    item.is_eligible_checkout = Some(ctx.shop.enable_checkout && ctx.privacy.is_some() && ctx.tos.is_some());
    item.seller_name = Some(ctx.shop.seller_name.clone());
    item.seller_url = Some(ctx.seller_url.clone());
    item.seller_privacy_policy = ctx.privacy.clone();
    item.seller_tos = ctx.tos.clone();
    item.return_policy = Some(ctx.return_policy.clone());
    let window = ctx.shop.return_window.unwrap_or(30);
    item.accepts_returns = Some(window > 0);
    if window > 0 {
        item.return_deadline_in_days = Some(window);
    }
    item.store_country = Some(ctx.store_country);
    item.target_countries = Some(ctx.target_countries.clone());
    item.condition = Some(Condition::New);
}

fn product_fields(item: &mut FeedItem, p: &StoreProduct, ctx: &MapContext) {
    item.brand = Some(brand_of(p, ctx));
    item.product_category = category_path(p);
    if let Some(first) = p.images.iter().find_map(|i| nonempty(i)) {
        item.image_url = Url::parse(first).ok();
    }
    if p.rating_count.unwrap_or(0) > 0 {
        item.review_count = p.rating_count;
        item.star_rating = p.average_rating.map(|r| r.round_dp(2));
    }
    let reviews: Vec<Review> = p
        .reviews
        .iter()
        .filter(|r| r.rating >= Decimal::ONE && r.rating <= Decimal::new(5, 0))
        .take(20)
        .map(|r| Review {
            title: if r.reviewer.trim().is_empty() { String::new() } else { format!("Review by {}", r.reviewer.trim()) },
            content: crate::sanitize::truncate_words(&html_to_text(&r.content), 2000),
            min_rating: Decimal::ONE,
            max_rating: Decimal::new(5, 0),
            rating: r.rating,
        })
        .collect();
    if !reviews.is_empty() {
        item.reviews = Some(ReviewList(reviews));
    }
    let (ids, rel) = if !p.upsell_ids.is_empty() {
        (&p.upsell_ids, RelationshipType::Substitute)
    } else {
        (&p.cross_sell_ids, RelationshipType::OftenBoughtWith)
    };
    if !ids.is_empty() {
        item.related_product_id = Some(ids.iter().map(|id| ctx.item_id(*id)).collect::<Vec<_>>().join(","));
        item.relationship_type = Some(rel);
    }
}

/// Resolve one overridable text: manual > AI > store.
fn pick<'a>(manual: &'a Option<String>, ai: &'a Option<String>, store: &'a str) -> &'a str {
    manual.as_deref().filter(|s| !s.trim().is_empty()).or(ai.as_deref().filter(|s| !s.trim().is_empty())).unwrap_or(store)
}

/// Map a record to feed items: one for a simple (or external/other) product, one per purchasable published
/// variation for a variable product, none for grouped or unpublished products.
pub fn map_record(rec: &CatalogRecord, ctx: &MapContext) -> Mapped {
    let mut out = Mapped::default();
    let p = &rec.product;
    if !p.offer.published || p.kind == ProductKind::Grouped {
        return out;
    }
    let (m, a) = (&rec.manual.fields, &rec.ai.fields);
    let title = clean_title(pick(&m.title, &a.title, &p.name));
    let desc_text = html_to_text(&p.offer.description);
    let store_desc = if nonempty(&desc_text).is_some() { &p.offer.description } else { &p.short_description };
    let overridden_desc = m.description.as_deref().or(a.description.as_deref()).is_some_and(|d| !d.trim().is_empty());
    let description: &str = pick(&m.description, &a.description, store_desc);
    let keywords = rec.manual.keywords.as_ref().or(rec.ai.keywords.as_ref()).filter(|k| !k.is_empty());

    let mut base = FeedItem::default();
    shop_fields(&mut base, ctx);
    product_fields(&mut base, p, ctx);

    // the description text plus the keywords line, sanitised and cut
    // (`d` is always html_to_text output)
    let describe = |mut d: String| -> Option<String> {
        let d = match keywords {
            Some(k) => {
                d.push_str("\nKeywords: ");
                d.push_str(&k.join(", "));
                clean_description(&d)
            }
            None => clean_description_of_text_owned(d),
        };
        if d.is_empty() { None } else { Some(d) }
    };
    let (has_ai, has_manual) = (!a.is_empty(), !m.is_empty());
    let shared_desc: std::cell::OnceCell<Option<String>> = std::cell::OnceCell::new();
    // the store description's text, moved (not copied) into the shared description
    let desc_text = std::cell::Cell::new(Some(desc_text));
    let shared_text = || match desc_text.take() {
        Some(t) if std::ptr::eq(description, p.offer.description.as_str()) => t,
        _ => html_to_text(description),
    };
    // `single`: the record's only item (takes the shared description instead of a copy)
    let finish = |mut item: FeedItem, own_desc: &str, single: bool, notes: &mut Vec<Issue>| -> FeedItem {
        // overrides: AI then manual, for every overridable field
        let title = item.title.take();
        if has_ai {
            item.overlay(a);
        }
        if has_manual {
            item.overlay(m);
        }
        item.title = title;
        let own = if overridden_desc { String::new() } else { html_to_text(own_desc) };
        item.description = if own.is_empty() && single {
            describe(shared_text())
        } else if own.is_empty() {
            // every item without a text of its own gets the same description: build it once per record
            shared_desc.get_or_init(|| describe(shared_text())).clone()
        } else {
            describe(own)
        };
        if item.gtin.is_none() && item.mpn.is_none() {
            notes.push(Issue::warning("gtin", "missing_recommended", "neither a GTIN nor a SKU is set in the store"));
        }
        item
    };

    if p.kind != ProductKind::Variable {
        let mut item = base;
        offer_fields(&mut item, &p.offer, None, ctx, &mut out.notes);
        item.title = Some(title.clone());
        item.listing_has_variations = Some(false);
        let extra: Vec<Url> = p.images.iter().skip(1).filter_map(|i| Url::parse(i).ok()).take(10).collect();
        if !extra.is_empty() {
            item.additional_image_urls = Some(UrlList(extra));
        }
        if p.kind == ProductKind::External {
            item.is_eligible_checkout = Some(false);
        }
        let item = finish(item, "", true, &mut out.notes);
        out.items.push(item);
        return out;
    }

    let group_id = ctx.item_id(p.offer.id);
    // the parent's images, parsed once for all its variations
    let parent_images: Vec<(&str, Option<Url>)> = p.images.iter().map(|i| (i.trim(), Url::parse(i).ok())).collect();
    for v in &rec.variations {
        if !v.offer.published || !v.offer.purchasable {
            continue;
        }
        let mut item = base.clone();
        offer_fields(&mut item, &v.offer, Some(&p.offer), ctx, &mut out.notes);
        item.group_id = Some(group_id.clone());
        item.item_group_title = Some(title.clone());
        item.listing_has_variations = Some(true);
        let mut dict = Vec::new();
        let mut values = Vec::new();
        for (name, slug, option) in &v.attributes {
            let Some(option) = nonempty(option) else { continue };
            let option = html_to_text(option);
            match attr_kind(name, slug) {
                Some("color") => item.color = Some(crate::sanitize::truncate_words(&option, 40)),
                Some("size") => item.size = Some(crate::sanitize::truncate_words(&option, 20)),
                _ => {}
            }
            let key = attr_kind(name, slug).map(String::from).unwrap_or_else(|| {
                let n = nonempty(name).unwrap_or(slug.strip_prefix("pa_").unwrap_or(slug));
                n.to_lowercase()
            });
            values.push(option.clone());
            dict.push((key, option));
        }
        if !dict.is_empty() {
            item.variant_dict = Some(StringMap(dict));
        }
        let vtitle = if values.is_empty() { title.clone() } else { format!("{} - {}", title, values.join(", ")) };
        item.title = Some(crate::sanitize::truncate_words(&vtitle, crate::sanitize::TITLE_MAX));
        let main = v.image.as_deref().and_then(nonempty).or_else(|| p.images.iter().find_map(|i| nonempty(i)));
        item.image_url = match (v.image.as_deref().and_then(nonempty), main) {
            (Some(own), _) => Url::parse(own).ok(),
            (None, Some(m)) => parent_images.iter().find(|(t, _)| *t == m).and_then(|(_, u)| u.clone()),
            (None, None) => None,
        };
        let extra: Vec<Url> =
            parent_images.iter().filter(|(t, _)| Some(*t) != main).filter_map(|(_, u)| u.clone()).take(10).collect();
        if !extra.is_empty() {
            item.additional_image_urls = Some(UrlList(extra));
        }
        let item = finish(item, &v.offer.description, false, &mut out.notes);
        out.items.push(item);
    }
    if out.items.is_empty() {
        out.notes.push(Issue::warning("group_id", "no_purchasable_variations", "variable product has no published, purchasable variation: nothing to list"));
    }
    out
}

#[cfg(test)]
mod tests;
