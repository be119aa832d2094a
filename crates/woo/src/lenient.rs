//! Lenient deserializers for the JSON real WooCommerce stores send.
//!
//! Plugins and old PHP code produce numbers as strings, `""` for "no value", `null` or `false` where a
//! list was expected and PHP arrays with holes encoded as JSON objects. Each function here accepts the
//! shapes seen in the wild and rejects values of a clearly wrong kind (an object where a price belongs),
//! so that a truly malformed record surfaces as an error that the page parser reports and skips.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

/// A string; `null` becomes `""`, numbers and bools their text.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string_keep_empty(d)?.unwrap_or_default())
}

/// An optional string; `null` and `""` (after trimming) become `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_string_keep_empty(d)?.filter(|s| !s.trim().is_empty()))
}

fn opt_string_keep_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, number, bool or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            // PHP `false` is the usual "nothing here".
            Ok(if v { Some("true".into()) } else { None })
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A decimal amount: `"21.99"`, `21.99`, `" 5 "`, `""`/`null` (None). Text that is not a number is an error.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Decimal>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a decimal number, a numeric string, \"\" or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            parse_decimal(v).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if !v.is_finite() {
                return Err(E::custom("non-finite number"));
            }
            // Shortest round-trip text of the float, so 19.99 stays 19.99.
            parse_decimal(&v.to_string()).map_err(E::custom)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v { Err(E::custom("expected an amount, got true")) } else { Ok(None) }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// Parse an amount as WooCommerce writes it. `""` is no value.
pub fn parse_decimal(v: &str) -> Result<Option<Decimal>, String> {
    let t = v.trim();
    if is_nullish(t) {
        return Ok(None);
    }
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map(Some)
        .map_err(|_| format!("not a decimal amount: {t:?}"))
}

/// `""`, and the text of a serialized null (`"null"`, as PHP/JS code that stringifies values produces).
fn is_nullish(t: &str) -> bool {
    t.is_empty() || t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("undefined")
}

/// A signed integer from a number, a numeric string or an integral float; `null`/`""` become `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer, a numeric string, \"\" or null")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let t = v.trim();
            if is_nullish(t) {
                return Ok(None);
            }
            if let Ok(i) = t.parse::<i64>() {
                return Ok(Some(i));
            }
            match t.parse::<f64>() {
                Ok(f) => self.visit_f64(f),
                Err(_) => Err(E::custom(format!("not an integer: {t:?}"))),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v).map(Some).map_err(|_| E::custom("integer out of range"))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // Stock can be fractional when a plugin removes WooCommerce's intval filter.
            if v.is_finite() && v.abs() < 9.0e15 {
                Ok(Some(v.trunc() as i64))
            } else {
                Err(E::custom("number out of range"))
            }
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v { Err(E::custom("expected an integer, got true")) } else { Ok(None) }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A signed integer, 0 when absent.
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(opt_i64(d)?.unwrap_or(0))
}

/// An id (non-negative integer), 0 when absent.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = opt_i64(d)?.unwrap_or(0);
    u64::try_from(v).map_err(|_| de::Error::custom(format!("negative id {v}")))
}

/// An optional id; `0`, `null` and `""` become `None`.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = id(d)?;
    Ok((v != 0).then_some(v))
}

/// A bool from `true`/`false`, `"yes"`/`"no"`, `"true"`/`"false"`, `"1"`/`"0"`, `1`/`0`; `null`/`""` are false.
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_bool(d)?.unwrap_or(false))
}

/// Like [`bool`] but keeps "absent" (`null`, `""`) apart.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a bool, \"yes\"/\"no\", 1/0 or null")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "yes" | "1" | "on" => Ok(Some(true)),
                "false" | "no" | "0" | "off" => Ok(Some(false)),
                other => Err(E::custom(format!("not a boolean: {other:?}"))),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v != 0))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v != 0))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v != 0.0))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// A list: `null`, `""` and `false` are empty; a JSON object (a PHP array with holes) yields its values.
pub fn vec<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list, an object of list items, \"\" or null")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element::<T>()? {
                out.push(item);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((_k, v)) = map.next_entry::<de::IgnoredAny, T>()? {
                out.push(v);
            }
            Ok(out)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                Ok(Vec::new())
            } else {
                Err(E::custom("expected a list, got a non-empty string"))
            }
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v { Err(E::custom("expected a list, got true")) } else { Ok(Vec::new()) }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// A list of ids; items may be numbers or numeric strings.
pub fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Id(#[serde(deserialize_with = "id")] u64);
    Ok(vec::<D, Id>(d)?.into_iter().map(|i| i.0).filter(|&i| i != 0).collect())
}

/// An optional object: `null`, `""`, `false` and `[]` (PHP's empty array) become `None`.
pub fn opt_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object or null")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            // `[]` is PHP's empty array; a non-empty list holds the object as its first element.
            let first = seq.next_element::<T>()?;
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(first)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() { Ok(None) } else { Err(E::custom("expected an object, got a string")) }
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v { Err(E::custom("expected an object, got true")) } else { Ok(None) }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// An object that defaults when `null`/`""`/`[]`.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    Ok(opt_object(d)?.unwrap_or_default())
}

/// A WooCommerce date: `"2017-03-23T17:01:14"` (no offset); also accepts RFC 3339 with an offset
/// (converted to its naive UTC time), fractional seconds, a space instead of `T`, or a bare date.
/// `null`, `""` and the MySQL zero date are `None`.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    match opt_string(d)? {
        None => Ok(None),
        Some(s) => parse_datetime(&s).map_err(de::Error::custom),
    }
}

/// Parse a WooCommerce date string; see [`opt_datetime`].
pub fn parse_datetime(s: &str) -> Result<Option<NaiveDateTime>, String> {
    let t = s.trim();
    if t.is_empty() || t.starts_with("0000-00-00") {
        return Ok(None);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(Some(dt));
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(dt.naive_utc()));
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0));
    }
    Err(format!("not a date: {t:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug, Default)]
    #[serde(default)]
    struct T {
        #[serde(deserialize_with = "opt_decimal")]
        price: Option<Decimal>,
        #[serde(deserialize_with = "bool")]
        flag: bool,
        #[serde(deserialize_with = "ids")]
        ids: Vec<u64>,
        #[serde(deserialize_with = "opt_i64")]
        qty: Option<i64>,
        #[serde(deserialize_with = "string")]
        name: String,
        #[serde(deserialize_with = "opt_datetime")]
        at: Option<NaiveDateTime>,
    }

    fn t(v: serde_json::Value) -> Result<T, serde_json::Error> {
        // Exercise both the streaming and the Value deserializer.
        let s = serde_json::to_string(&v).expect("serialize");
        let a = serde_json::from_str::<T>(&s);
        let b = T::deserialize(&v);
        assert_eq!(a.is_ok(), b.is_ok());
        a
    }

    #[test]
    fn prices() {
        assert_eq!(t(json!({"price": ""})).unwrap().price, None);
        assert_eq!(t(json!({"price": null})).unwrap().price, None);
        assert_eq!(t(json!({"price": "21.99"})).unwrap().price, Some(Decimal::new(2199, 2)));
        assert_eq!(t(json!({"price": 19.99})).unwrap().price, Some(Decimal::new(1999, 2)));
        assert_eq!(t(json!({"price": 12})).unwrap().price, Some(Decimal::from(12)));
        assert_eq!(t(json!({"price": " 7.5 "})).unwrap().price, Some(Decimal::new(75, 1)));
        assert!(t(json!({"price": "abc"})).is_err());
        assert!(t(json!({"price": {"amount": 1}})).is_err());
    }

    #[test]
    fn bools() {
        for (v, want) in [
            (json!(true), true),
            (json!("yes"), true),
            (json!("no"), false),
            (json!("1"), true),
            (json!(0), false),
            (json!(null), false),
            (json!(""), false),
            (json!("TRUE"), true),
        ] {
            assert_eq!(t(json!({ "flag": v })).unwrap().flag, want, "{v}");
        }
        assert!(t(json!({"flag": "maybe"})).is_err());
    }

    #[test]
    fn lists() {
        assert_eq!(t(json!({"ids": null})).unwrap().ids, Vec::<u64>::new());
        assert_eq!(t(json!({"ids": false})).unwrap().ids, Vec::<u64>::new());
        assert_eq!(t(json!({"ids": ""})).unwrap().ids, Vec::<u64>::new());
        assert_eq!(t(json!({"ids": [1, "2", 3.0]})).unwrap().ids, vec![1, 2, 3]);
        assert_eq!(t(json!({"ids": {"0": 5, "2": 7}})).unwrap().ids, vec![5, 7]);
        assert!(t(json!({"ids": "1,2"})).is_err());
        assert!(t(json!({"ids": ["x"]})).is_err());
    }

    #[test]
    fn ints_and_strings() {
        assert_eq!(t(json!({"qty": "12"})).unwrap().qty, Some(12));
        assert_eq!(t(json!({"qty": 2.5})).unwrap().qty, Some(2));
        assert_eq!(t(json!({"qty": ""})).unwrap().qty, None);
        assert_eq!(t(json!({"qty": "null"})).unwrap().qty, None);
        assert_eq!(t(json!({"price": "NULL"})).unwrap().price, None);
        assert!(t(json!({"qty": "many"})).is_err());
        assert_eq!(t(json!({"name": 42})).unwrap().name, "42");
        assert_eq!(t(json!({"name": null})).unwrap().name, "");
        assert!(t(json!({"name": ["a"]})).is_err());
    }

    #[test]
    fn dates() {
        let want = NaiveDate::from_ymd_opt(2017, 3, 23).unwrap().and_hms_opt(17, 1, 14);
        assert_eq!(t(json!({"at": "2017-03-23T17:01:14"})).unwrap().at, want);
        assert_eq!(t(json!({"at": "2017-03-23 17:01:14"})).unwrap().at, want);
        assert_eq!(t(json!({"at": "2017-03-23T19:01:14+02:00"})).unwrap().at, want);
        assert_eq!(t(json!({"at": "2017-03-23T17:01:14.000Z"})).unwrap().at, want);
        assert_eq!(t(json!({"at": "0000-00-00 00:00:00"})).unwrap().at, None);
        assert_eq!(t(json!({"at": null})).unwrap().at, None);
        assert!(t(json!({"at": "yesterday"})).is_err());
    }
}
