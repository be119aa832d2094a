//! Typed field values and their conversion from/to JSON values and flat (CSV/TSV/XML) text.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::codes;

/// Why a raw value could not become a typed value. `code` is a stable validation code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub code: &'static str,
    pub message: String,
}

impl ValueError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

/// A value that a feed field can hold.
pub trait FieldValue: Sized {
    /// JSON form used by JSON / JSONL output.
    fn to_json(&self) -> Value;
    /// Text form used by CSV / TSV / XML output.
    fn to_text(&self) -> String;
    /// Parse from a JSON value (flat formats hand in `Value::String`).
    fn from_json(v: &Value) -> Result<Self, ValueError>;
}

/// Writing a field's value without building a `serde_json::Value` or a `String` (the hot path of the writers).
/// `write_json` appends exactly the bytes `serde_json` writes for [`FieldValue::to_json`]; `write_text`
/// appends exactly [`FieldValue::to_text`].
pub trait WriteValue {
    fn write_json(&self, out: &mut Vec<u8>);
    fn write_text(&self, out: &mut String);
}

/// A JSON string literal, escaped as serde_json escapes it.
pub fn write_json_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        // eight bytes at a time while none needs escaping (no control byte, '"' or '\\')
        while i + 8 <= b.len() {
            let mut word = [0u8; 8];
            word.copy_from_slice(&b[i..i + 8]);
            let x = u64::from_le_bytes(word);
            const LO: u64 = 0x0101_0101_0101_0101;
            const HI: u64 = 0x8080_8080_8080_8080;
            let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
            let special = (x.wrapping_sub(LO * 0x20) & !x & HI) | zero(x ^ (LO * u64::from(b'"'))) | zero(x ^ (LO * u64::from(b'\\')));
            if special != 0 {
                break;
            }
            i += 8;
        }
        if i >= b.len() {
            break;
        }
        let c = b[i];
        if c >= 0x20 && c != b'"' && c != b'\\' {
            i += 1;
            continue;
        }
        out.extend_from_slice(&b[start..i]);
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]);
            }
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// A JSON string literal of text that needs no escaping (digits, ASCII letters, `.`, `-`, space).
fn write_plain_json<T: fmt::Display>(out: &mut Vec<u8>, v: T) {
    use std::io::Write as _;
    let _ = write!(out, "\"{v}\"");
}

fn write_plain_text<T: fmt::Display>(out: &mut String, v: T) {
    use std::fmt::Write as _;
    let _ = write!(out, "{v}");
}

/// Fallback through the `Value` form (rare, structured values).
macro_rules! write_value_via_value {
    ($($t:ty),*) => {$(
        impl WriteValue for $t {
            fn write_json(&self, out: &mut Vec<u8>) {
                let _ = serde_json::to_writer(&mut *out, &FieldValue::to_json(self));
            }
            fn write_text(&self, out: &mut String) {
                out.push_str(&FieldValue::to_text(self));
            }
        }
    )*};
}

/// JSON string of the text form (values whose JSON is `Value::String(to_text())`).
macro_rules! write_value_as_text {
    ($($t:ty),*) => {$(
        impl WriteValue for $t {
            fn write_json(&self, out: &mut Vec<u8>) {
                write_json_str(out, &FieldValue::to_text(self));
            }
            fn write_text(&self, out: &mut String) {
                out.push_str(&FieldValue::to_text(self));
            }
        }
    )*};
}

impl WriteValue for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(out, self);
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl WriteValue for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"\"true\"" } else { b"\"false\"" });
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl WriteValue for i64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(&mut *out, self);
    }
    fn write_text(&self, out: &mut String) {
        write_plain_text(out, self);
    }
}

/// Decimal digits of a non-negative amount as `Display` writes it with at least `min_scale` fraction digits
/// (rust_decimal pads with zeros up to the precision). `None` for negative amounts or more fraction digits
/// than `min_scale` when `exact` (the caller falls back to `Display`).
fn push_decimal(out: &mut Vec<u8>, d: &Decimal, frac: Option<u32>) -> bool {
    if d.is_sign_negative() {
        return false;
    }
    let scale = d.scale();
    let frac = match frac {
        Some(f) if f < scale => return false,
        Some(f) => f,
        None => scale,
    };
    let mut m = d.mantissa() as u128;
    for _ in scale..frac {
        m *= 10;
    }
    let mut digits = [0u8; 40];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (m % 10) as u8;
        m /= 10;
        n += 1;
        if m == 0 {
            break;
        }
    }
    let frac = frac as usize;
    while n < frac + 1 {
        digits[n] = b'0';
        n += 1;
    }
    for k in (frac..n).rev() {
        out.push(digits[k]);
    }
    if frac > 0 {
        out.push(b'.');
        for k in (0..frac).rev() {
            out.push(digits[k]);
        }
    }
    true
}

impl WriteValue for Decimal {
    fn write_json(&self, out: &mut Vec<u8>) {
        let d = self.normalize();
        out.push(b'"');
        if !push_decimal(out, &d, None) {
            out.pop();
            write_plain_json(out, d);
            return;
        }
        out.push(b'"');
    }
    fn write_text(&self, out: &mut String) {
        write_plain_text(out, self.normalize());
    }
}

impl WriteValue for Money {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        if !push_decimal(out, &self.amount, Some(self.currency.minor_units())) {
            out.pop();
            write_plain_json(out, self);
            return;
        }
        out.push(b' ');
        out.extend_from_slice(&self.currency.0);
        out.push(b'"');
    }
    fn write_text(&self, out: &mut String) {
        write_plain_text(out, self);
    }
}

impl WriteValue for Country {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(out, self.code());
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(self.code());
    }
}

impl WriteValue for CountryList {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(out, c.code());
        }
        out.push(b']');
    }
    fn write_text(&self, out: &mut String) {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(c.code());
        }
    }
}

impl WriteValue for Url {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(out, self.as_str());
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
}

impl WriteValue for UrlList {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self.0.as_slice() {
            [one] => write_json_str(out, one.as_str()),
            _ => write_json_str(out, &self.to_text()),
        }
    }
    fn write_text(&self, out: &mut String) {
        for (i, u) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(u.as_str());
        }
    }
}

impl WriteValue for StringMap {
    fn write_json(&self, out: &mut Vec<u8>) {
        let dup = self.0.iter().enumerate().any(|(i, (k, _))| self.0[..i].iter().any(|(k2, _)| k2 == k));
        if dup {
            // a JSON object keeps the first position and the last value of a repeated key
            let _ = serde_json::to_writer(&mut *out, &self.to_json());
            return;
        }
        out.push(b'{');
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_str(out, k);
            out.push(b':');
            write_json_str(out, v);
        }
        out.push(b'}');
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(&self.to_text());
    }
}

write_value_as_text!(NaiveDate, Measure, Dimensions);
write_value_via_value!(QAndAList, ReviewList);

fn type_error(expected: &str, v: &Value) -> ValueError {
    let got = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    ValueError::new("invalid_type", format!("expected {expected}, found {got}"))
}

impl FieldValue for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
    fn to_text(&self) -> String {
        self.clone()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(type_error("text", other)),
        }
    }
}

impl FieldValue for bool {
    fn to_json(&self) -> Value {
        Value::String(if *self { "true" } else { "false" }.into())
    }
    fn to_text(&self) -> String {
        if *self { "true" } else { "false" }.into()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" => Ok(true),
            Value::String(s) if s == "false" => Ok(false),
            Value::String(s) => Err(ValueError::new(
                "invalid_boolean",
                format!("'{s}' is not a boolean: write lower-case true or false"),
            )),
            other => Err(type_error("lower-case true or false", other)),
        }
    }
}

impl FieldValue for i64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match v {
            Value::Number(n) => n
                .as_i64()
                .ok_or_else(|| ValueError::new("invalid_integer", format!("{n} is not a whole number"))),
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| ValueError::new("invalid_integer", format!("'{s}' is not a whole number"))),
            other => Err(type_error("a whole number", other)),
        }
    }
}

impl FieldValue for Decimal {
    fn to_json(&self) -> Value {
        Value::String(self.normalize().to_string())
    }
    fn to_text(&self) -> String {
        self.normalize().to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        let s = match v {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.trim().trim_end_matches('%').trim().to_string(),
            other => return Err(type_error("a number", other)),
        };
        Decimal::from_str(&s)
            .or_else(|_| Decimal::from_scientific(&s))
            .map_err(|_| ValueError::new("invalid_number", format!("'{s}' is not a number")))
    }
}

/// An ISO 4217 currency code with known minor units.
/// (The minor units are cached from the code table; `Debug` shows the code bytes only, as before.)
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3], u8);

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Currency").field(&self.0).finish()
    }
}

impl Currency {
    pub fn new(code: &str) -> Result<Self, ValueError> {
        match codes::currency_minor_units(code) {
            Some(minor) => {
                let b = code.as_bytes();
                Ok(Currency([b[0], b[1], b[2]], minor))
            }
            None => Err(ValueError::new(
                "invalid_currency",
                format!("'{code}' is not an ISO 4217 currency code (e.g. USD, EUR, JPY)"),
            )),
        }
    }
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
    pub fn minor_units(&self) -> u32 {
        // looked up once in `new` (a currency is only built from a known code)
        self.1 as u32
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A price: decimal amount plus ISO 4217 currency, written `79.99 USD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    /// Build a price, rounding the amount to the currency's minor units (banker's rounding is not used:
    /// midpoints round away from zero as shops expect).
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        let amount =
            amount.round_dp_with_strategy(currency.minor_units(), rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        Money { amount, currency }
    }
    /// Amount in minor units (`79.99 USD` -> 7999), as the ACP schema wants it.
    pub fn minor_amount(&self) -> Option<i64> {
        let scaled = self.amount * Decimal::from(10i64.pow(self.currency.minor_units()));
        i64::try_from(scaled.trunc()).ok()
    }
    pub fn from_minor(amount: i64, currency: Currency) -> Self {
        Money { amount: Decimal::new(amount, currency.minor_units()), currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dp = self.currency.minor_units() as usize;
        write!(f, "{:.*} {}", dp, self.amount, self.currency)
    }
}

impl FromStr for Money {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        let t = s.trim();
        let mut parts = t.split_whitespace();
        let (a, c) = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(c), None) => (a, c),
            _ => {
                return Err(ValueError::new(
                    "invalid_price",
                    format!("'{t}' is not a price: write the amount and the ISO 4217 currency, e.g. 79.99 USD"),
                ));
            }
        };
        // accept "USD 79.99" order too
        let (a, c) = if a.chars().all(|ch| ch.is_ascii_alphabetic()) { (c, a) } else { (a, c) };
        let currency = Currency::new(c)?;
        let amount = Decimal::from_str(a).map_err(|_| {
            ValueError::new("invalid_price", format!("'{a}' in '{t}' is not a decimal amount (use a dot, no thousands separators)"))
        })?;
        if amount.is_sign_negative() {
            return Err(ValueError::new("invalid_price", format!("'{t}': a price cannot be negative")));
        }
        if amount.scale() > currency.minor_units() && amount.normalize().scale() > currency.minor_units() {
            return Err(ValueError::new(
                "invalid_price",
                format!("'{t}' has more decimals than {} allows ({})", currency, currency.minor_units()),
            ));
        }
        Ok(Money { amount, currency })
    }
}

impl FieldValue for Money {
    fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match v {
            Value::String(s) => s.parse(),
            Value::Object(o) => {
                // ACP shape {amount: minor units, currency}
                let cur = o.get("currency").and_then(Value::as_str).unwrap_or("");
                let currency = Currency::new(cur)?;
                let amount = o
                    .get("amount")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| ValueError::new("invalid_price", "price object needs an integer amount in minor units"))?;
                Ok(Money::from_minor(amount, currency))
            }
            Value::Number(_) => Err(ValueError::new("invalid_price", "price must include the ISO 4217 currency, e.g. 79.99 USD")),
            other => Err(type_error("a price like 79.99 USD", other)),
        }
    }
}

/// ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    pub fn new(code: &str) -> Result<Self, ValueError> {
        if codes::is_country(code) {
            let b = code.as_bytes();
            Ok(Country([b[0], b[1]]))
        } else {
            Err(ValueError::new(
                "invalid_country",
                format!("'{code}' is not an ISO 3166-1 alpha-2 country code (upper case, e.g. US, DE, GB)"),
            ))
        }
    }
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

impl FieldValue for Country {
    fn to_json(&self) -> Value {
        Value::String(self.code().into())
    }
    fn to_text(&self) -> String {
        self.code().into()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match v {
            Value::String(s) => Country::new(s.trim()),
            other => Err(type_error("a country code", other)),
        }
    }
}

fn split_list(v: &Value) -> Result<Vec<String>, ValueError> {
    match v {
        Value::String(s) => Ok(s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(s.trim().to_string()),
                other => Err(type_error("a list of strings", other)),
            })
            .collect(),
        other => Err(type_error("a comma-separated list", other)),
    }
}

/// List of countries (`target_countries`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryList(pub Vec<Country>);

impl FieldValue for CountryList {
    fn to_json(&self) -> Value {
        Value::Array(self.0.iter().map(|c| Value::String(c.code().into())).collect())
    }
    fn to_text(&self) -> String {
        self.0.iter().map(Country::code).collect::<Vec<_>>().join(",")
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        split_list(v)?.iter().map(|s| Country::new(s)).collect::<Result<Vec<_>, _>>().map(CountryList)
    }
}

/// An absolute http(s) URL (RFC 1738/3986 syntax checked with the `url` crate). Keeps the text as given.
/// Shared text: the shop's URLs are on every item, so a clone is a reference count, not a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url(Arc<str>);

/// Whether `s` is an absolute http(s) URL that the `url` crate certainly accepts without full parsing:
/// `http://` or `https://`, a lower-case ASCII domain name (labels of `a-z`, `0-9` and inner single hyphens,
/// the last label starting with a letter, so no IPv4 or punycode processing applies), no user info or port,
/// then only printable ASCII other than `\\`. Returns the length of `scheme://host`; `None` means "parse it".
pub(crate) fn simple_http_url(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let host_start = if b.starts_with(b"https://") {
        8
    } else if b.starts_with(b"http://") {
        7
    } else {
        return None;
    };
    let host_end = b[host_start..].iter().position(|c| matches!(c, b'/' | b'?' | b'#')).map_or(b.len(), |k| host_start + k);
    let host = &b[host_start..host_end];
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    let mut last_label_start = 0;
    for label in host.split(|c| *c == b'.') {
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
            || !label.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            || label.windows(2).any(|w| w == b"--")
        {
            return None;
        }
        last_label_start = label[0];
    }
    if !last_label_start.is_ascii_lowercase() {
        return None;
    }
    // (no early exit: the loop vectorises)
    if !b[host_end..].iter().fold(true, |ok, c| ok & ((0x21..=0x7e).contains(c) & (*c != b'\\'))) {
        return None;
    }
    Some(host_end)
}

impl Url {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        if simple_http_url(s).is_some() {
            return Ok(Url(s.into()));
        }
        match url::Url::parse(s) {
            Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host_str().is_some_and(|h| !h.is_empty()) => {
                Ok(Url(s.into()))
            }
            Ok(u) => Err(ValueError::new(
                "invalid_url",
                format!("'{s}' uses scheme '{}': use an absolute https:// URL", u.scheme()),
            )),
            Err(e) => Err(ValueError::new("invalid_url", format!("'{s}' is not a valid absolute URL ({e})"))),
        }
    }
    /// From a URL the `url` crate has already parsed (its serialisation), with the same checks as [`Url::parse`].
    pub fn from_parsed(u: &url::Url) -> Result<Self, ValueError> {
        if (u.scheme() == "https" || u.scheme() == "http") && u.host_str().is_some_and(|h| !h.is_empty()) {
            let s = u.as_str();
            if s.trim().len() == s.len() {
                return Ok(Url(s.into()));
            }
        }
        Url::parse(u.as_str())
    }
    /// A URL the caller has already checked (see [`simple_http_url`]).
    pub(crate) fn from_checked(s: String) -> Self {
        Url(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://") || self.0.starts_with("HTTPS://")
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FieldValue for Url {
    fn to_json(&self) -> Value {
        Value::String(self.0.to_string())
    }
    fn to_text(&self) -> String {
        self.0.to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match v {
            Value::String(s) => Url::parse(s),
            other => Err(type_error("a URL", other)),
        }
    }
}

/// Comma-separated URL list (`additional_image_urls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlList(pub Vec<Url>);

impl FieldValue for UrlList {
    fn to_json(&self) -> Value {
        Value::String(self.to_text())
    }
    fn to_text(&self) -> String {
        self.0.iter().map(Url::as_str).collect::<Vec<_>>().join(",")
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        split_list(v)?.iter().map(|s| Url::parse(s)).collect::<Result<Vec<_>, _>>().map(UrlList)
    }
}

impl FieldValue for NaiveDate {
    fn to_json(&self) -> Value {
        Value::String(self.format("%Y-%m-%d").to_string())
    }
    fn to_text(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        let s = match v {
            Value::String(s) => s.trim(),
            other => return Err(type_error("an ISO 8601 date", other)),
        };
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(d);
        }
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(dt.date_naive());
        }
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
            return Ok(dt.date());
        }
        Err(ValueError::new("invalid_date", format!("'{s}' is not an ISO 8601 date (YYYY-MM-DD)")))
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => {
                        let allowed = [$($text),+].join(", ");
                        let lower = s.trim().to_ascii_lowercase();
                        if [$($text),+].contains(&lower.as_str()) {
                            Err(ValueError::new("invalid_enum", format!("'{s}' must be written in lower case: '{lower}'")))
                        } else {
                            Err(ValueError::new("invalid_enum", format!("'{s}' is not one of: {allowed}")))
                        }
                    }
                }
            }
        }
        impl WriteValue for $name {
            fn write_json(&self, out: &mut Vec<u8>) { write_json_str(out, self.as_str()) }
            fn write_text(&self, out: &mut String) { out.push_str(self.as_str()) }
        }
        impl FieldValue for $name {
            fn to_json(&self) -> Value { Value::String(self.as_str().into()) }
            fn to_text(&self) -> String { self.as_str().into() }
            fn from_json(v: &Value) -> Result<Self, ValueError> {
                match v {
                    Value::String(s) => s.parse(),
                    other => Err(type_error("a text value", other)),
                }
            }
        }
    };
}

string_enum!(
    /// `availability`
    Availability { InStock = "in_stock", OutOfStock = "out_of_stock", PreOrder = "pre_order", Backorder = "backorder", Unknown = "unknown" }
);
string_enum!(
    /// `condition`
    Condition { New = "new", Refurbished = "refurbished", Used = "used" }
);
string_enum!(
    /// `age_group`
    AgeGroup { Newborn = "newborn", Infant = "infant", Toddler = "toddler", Kids = "kids", Adult = "adult" }
);
string_enum!(
    /// `relationship_type`
    RelationshipType {
        PartOfSet = "part_of_set", RequiredPart = "required_part", OftenBoughtWith = "often_bought_with",
        Substitute = "substitute", DifferentBrand = "different_brand", Accessory = "accessory",
    }
);
string_enum!(
    /// `pickup_method`
    PickupMethod { InStore = "in_store", Reserve = "reserve", NotSupported = "not_supported" }
);
string_enum!(
    /// `gender`
    Gender { Male = "male", Female = "female", Unisex = "unisex" }
);

/// A number with a unit: `unit_pricing_measure` / `base_measure` (`16 oz`), `pickup_sla` (`1 day`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub value: Decimal,
    pub unit: String,
}

impl FieldValue for Measure {
    fn to_json(&self) -> Value {
        Value::String(self.to_text())
    }
    fn to_text(&self) -> String {
        format!("{} {}", self.value.normalize(), self.unit)
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        let s = match v {
            Value::String(s) => s.trim(),
            other => return Err(type_error("a number and a unit, e.g. 16 oz", other)),
        };
        let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let unit = unit.trim();
        match (Decimal::from_str(num), unit.is_empty()) {
            (Ok(value), false) if value > Decimal::ZERO && unit.chars().all(|c| c.is_alphabetic() || c == ' ') => {
                Ok(Measure { value, unit: unit.to_string() })
            }
            _ => Err(ValueError::new("invalid_measure", format!("'{s}' must be a positive number and a unit, e.g. 16 oz or 1 day"))),
        }
    }
}

/// `dimensions`: `LxWxH unit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimensions {
    pub length: Decimal,
    pub width: Decimal,
    pub height: Decimal,
    pub unit: String,
}

impl FieldValue for Dimensions {
    fn to_json(&self) -> Value {
        Value::String(self.to_text())
    }
    fn to_text(&self) -> String {
        format!("{}x{}x{} {}", self.length.normalize(), self.width.normalize(), self.height.normalize(), self.unit)
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        let s = match v {
            Value::String(s) => s.trim(),
            other => return Err(type_error("LxWxH unit", other)),
        };
        let bad = || ValueError::new("invalid_dimensions", format!("'{s}' must look like 12x8x5 in (length x width x height, then the unit)"));
        let (nums, unit) = s.rsplit_once(' ').ok_or_else(bad)?;
        let parts: Vec<&str> = nums.split(['x', 'X']).map(str::trim).collect();
        if parts.len() != 3 || unit.trim().is_empty() {
            return Err(bad());
        }
        let p = |t: &str| Decimal::from_str(t).map_err(|_| bad());
        Ok(Dimensions { length: p(parts[0])?, width: p(parts[1])?, height: p(parts[2])?, unit: unit.trim().to_string() })
    }
}

/// Ordered string map (`variant_dict`, `ads_metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringMap(pub Vec<(String, String)>);

impl StringMap {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
    }
}

fn parse_json_text(v: &Value, what: &str) -> Result<Value, ValueError> {
    match v {
        Value::String(s) => serde_json::from_str::<Value>(s)
            .map_err(|e| ValueError::new("invalid_json", format!("{what} must be JSON text here: {e}"))),
        other => Ok(other.clone()),
    }
}

impl FieldValue for StringMap {
    fn to_json(&self) -> Value {
        Value::Object(self.0.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
    }
    fn to_text(&self) -> String {
        self.to_json().to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        match parse_json_text(v, "the object")? {
            Value::Object(o) => o
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k, s)),
                    Value::Number(n) => Ok((k, n.to_string())),
                    Value::Bool(b) => Ok((k, b.to_string())),
                    other => Err(type_error(&format!("a string value for key '{k}'"), &other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(StringMap),
            other => Err(type_error("a JSON object with string values", &other)),
        }
    }
}

/// One question and answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QAndA {
    pub q: String,
    pub a: String,
}

/// One review entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(rename = "minRating")]
    pub min_rating: Decimal,
    #[serde(rename = "maxRating")]
    pub max_rating: Decimal,
    pub rating: Decimal,
}

/// `q_and_a` list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QAndAList(pub Vec<QAndA>);

impl FieldValue for QAndAList {
    fn to_json(&self) -> Value {
        serde_json::to_value(&self.0).unwrap_or(Value::Null)
    }
    fn to_text(&self) -> String {
        self.to_json().to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        let v = parse_json_text(v, "q_and_a")?;
        serde_json::from_value::<Vec<QAndA>>(v)
            .map(QAndAList)
            .map_err(|e| ValueError::new("invalid_q_and_a", format!("q_and_a must be a list of {{\"q\": text, \"a\": text}} objects: {e}")))
    }
}

/// `reviews` list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewList(pub Vec<Review>);

impl FieldValue for ReviewList {
    fn to_json(&self) -> Value {
        serde_json::to_value(&self.0).unwrap_or(Value::Null)
    }
    fn to_text(&self) -> String {
        self.to_json().to_string()
    }
    fn from_json(v: &Value) -> Result<Self, ValueError> {
        let v = parse_json_text(v, "reviews")?;
        serde_json::from_value::<Vec<Review>>(v).map(ReviewList).map_err(|e| {
            ValueError::new(
                "invalid_reviews",
                format!("reviews must be a list of objects with title, content, minRating, maxRating, rating: {e}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    proptest::proptest! {
        #[test]
        fn json_strings_escape_as_serde_json_does(s in "(\\PC|[\\x00-\\x1f\\x7f\"\\\\]|\\u{a0}|\\u{2028}|abcdefgh){0,60}") {
            let mut fast = Vec::new();
            write_json_str(&mut fast, &s);
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    proptest::proptest! {
        #[test]
        fn decimals_and_prices_write_as_display_does(m in proptest::num::i64::ANY, scale in 0u32..12, cur in 0usize..4) {
            let d = Decimal::new(m, scale);
            let mut fast = Vec::new();
            d.write_json(&mut fast);
            proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), format!("\"{}\"", d.normalize()));
            let c = Currency::new(["USD", "JPY", "KWD", "CLF"][cur]).unwrap();
            for money in [Money { amount: d, currency: c }, Money::new(d, c), Money::new(d.abs(), c)] {
                let mut fast = Vec::new();
                money.write_json(&mut fast);
                proptest::prop_assert_eq!(String::from_utf8(fast).unwrap(), format!("\"{money}\""));
            }
        }

        #[test]
        fn simple_urls_are_urls(s in "(https?://)?([a-z0-9]|-|\\.|[A-Z]|:|@|_|xn--){0,20}(/|\\?|#|[ -~]|ü){0,20}") {
            if simple_http_url(&s).is_some() {
                let u = url::Url::parse(&s);
                proptest::prop_assert!(u.as_ref().is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty())), "{s}: {u:?}");
            }
        }
    }

    #[test]
    fn simple_url_check() {
        for ok in ["https://store.example/a/b?c=1#d", "http://a", "https://a-b.c1.example", "https://x.y/%zz{}|^`\"<>"] {
            assert!(simple_http_url(ok).is_some(), "{ok}");
            assert!(url::Url::parse(ok).is_ok(), "{ok}");
        }
        for parse in ["https://1.2.3.4/", "https://a.123/", "https://xn--nxasmq6b.example/", "https://a..b/", "https://a-.b/", "https://A.b/",
            "https://a.b:443/", "https://u@a.b/", "https://a.b\\x", "https://a.b/ x", "https://a.b/ü", "ftp://a.b/", "https://", "https://a.b.", "https://a.0x1f/"] {
            assert!(simple_http_url(parse).is_none(), "{parse}");
        }
    }

    #[test]
    fn json_string_escapes() {
        for s in ["", "plain", "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{0}i\u{1f}j\u{7f}k", "0123456789abcdef\"", "ü\u{2028}😀\\"] {
            let mut fast = Vec::new();
            write_json_str(&mut fast, s);
            assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn money_formats_in_minor_units() {
        let usd = Currency::new("USD").unwrap();
        let jpy = Currency::new("JPY").unwrap();
        let kwd = Currency::new("KWD").unwrap();
        assert_eq!(Money::new(Decimal::new(7999, 2), usd).to_string(), "79.99 USD");
        assert_eq!(Money::new(Decimal::new(79, 0), usd).to_string(), "79.00 USD");
        assert_eq!(Money::new(Decimal::new(1200, 0), jpy).to_string(), "1200 JPY");
        assert_eq!(Money::new(Decimal::new(12500, 3), kwd).to_string(), "12.500 KWD");
        assert_eq!(Money::new(Decimal::new(12345, 3), usd).to_string(), "12.35 USD");
        assert_eq!(Money::new(Decimal::new(7999, 2), usd).minor_amount(), Some(7999));
        assert_eq!(Money::from_minor(1999, usd).to_string(), "19.99 USD");
    }

    #[test]
    fn money_parse_errors() {
        assert!("79.99 USD".parse::<Money>().is_ok());
        assert_eq!("79.99".parse::<Money>().unwrap_err().code, "invalid_price");
        assert_eq!("79.99 XYZ".parse::<Money>().unwrap_err().code, "invalid_currency");
        assert_eq!("12.5 JPY".parse::<Money>().unwrap_err().code, "invalid_price");
        assert_eq!("-1.00 USD".parse::<Money>().unwrap_err().code, "invalid_price");
        assert_eq!("7,99 EUR".parse::<Money>().unwrap_err().code, "invalid_price");
        assert_eq!(Money::from_json(&json!({"amount": 1999, "currency": "USD"})).unwrap().to_string(), "19.99 USD");
    }

    #[test]
    fn booleans_are_lower_case() {
        assert_eq!(bool::from_json(&json!("true")), Ok(true));
        assert_eq!(bool::from_json(&json!(false)), Ok(false));
        assert_eq!(bool::from_json(&json!("TRUE")).unwrap_err().code, "invalid_boolean");
        assert_eq!(bool::from_json(&json!("yes")).unwrap_err().code, "invalid_boolean");
    }

    #[test]
    fn enums_and_lists() {
        assert_eq!(Availability::from_json(&json!("in_stock")), Ok(Availability::InStock));
        let e = Availability::from_json(&json!("IN_STOCK")).unwrap_err();
        assert!(e.message.contains("lower case"));
        assert_eq!(Availability::from_json(&json!("instock")).unwrap_err().code, "invalid_enum");
        assert_eq!(CountryList::from_json(&json!("US, CA")).unwrap().to_text(), "US,CA");
        assert_eq!(CountryList::from_json(&json!(["US"])).unwrap().0.len(), 1);
        assert_eq!(CountryList::from_json(&json!("USA")).unwrap_err().code, "invalid_country");
        assert_eq!(Url::parse("ftp://x.com/a").unwrap_err().code, "invalid_url");
        assert_eq!(Url::parse("not a url").unwrap_err().code, "invalid_url");
        assert_eq!(UrlList::from_json(&json!("https://a.com/1.jpg,https://a.com/2.jpg")).unwrap().0.len(), 2);
    }

    #[test]
    fn structured_values() {
        let m = Measure::from_json(&json!("16 oz")).unwrap();
        assert_eq!(m.to_text(), "16 oz");
        assert_eq!(Measure::from_json(&json!("oz")).unwrap_err().code, "invalid_measure");
        let d = Dimensions::from_json(&json!("12x8x5 in")).unwrap();
        assert_eq!(d.to_text(), "12x8x5 in");
        assert_eq!(Dimensions::from_json(&json!("12x8 in")).unwrap_err().code, "invalid_dimensions");
        let q = QAndAList::from_json(&json!("[{\"q\":\"Is it waterproof?\",\"a\":\"Yes\"}]")).unwrap();
        assert_eq!(q.0[0].a, "Yes");
        assert_eq!(QAndAList::from_json(&json!("Q: a")).unwrap_err().code, "invalid_json");
        let vd = StringMap::from_json(&json!({"color": "Blue", "size": 10})).unwrap();
        assert_eq!(vd.get("size"), Some("10"));
        let r = ReviewList::from_json(&json!([{"title":"t","content":"c","minRating":1,"maxRating":5,"rating":4}])).unwrap();
        assert_eq!(r.0[0].rating, Decimal::new(4, 0));
        assert_eq!(NaiveDate::from_json(&json!("2025-07-01T10:00:00Z")).unwrap().to_text(), "2025-07-01");
        assert_eq!(NaiveDate::from_json(&json!("07/01/2025")).unwrap_err().code, "invalid_date");
    }
}
