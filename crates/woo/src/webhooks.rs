//! WooCommerce webhooks: topics, creation bodies, and verifying deliveries.
//!
//! A delivery is `POST` with `X-WC-Webhook-Signature: base64(HMAC-SHA256(raw body, secret))` and
//! `X-WC-Webhook-{Source,Topic,Resource,Event,ID,Delivery-ID}` headers. Right after creation WooCommerce
//! sends a *ping*: a form body `webhook_id=N` with no `X-WC-*` headers and no signature; answer it 200.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

use crate::model::{self, Parsed, Product};

/// Topics ProductSynch subscribes to.
pub const PRODUCT_CREATED: &str = "product.created";
pub const PRODUCT_UPDATED: &str = "product.updated";
pub const PRODUCT_DELETED: &str = "product.deleted";
pub const PRODUCT_RESTORED: &str = "product.restored";
pub const ORDER_CREATED: &str = "order.created";
pub const ORDER_UPDATED: &str = "order.updated";

/// Every topic ProductSynch registers.
pub const TOPICS: [&str; 6] = [PRODUCT_CREATED, PRODUCT_UPDATED, PRODUCT_DELETED, PRODUCT_RESTORED, ORDER_CREATED, ORDER_UPDATED];

/// Body of `POST /wc/v3/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewWebhook {
    pub name: String,
    pub topic: String,
    pub delivery_url: String,
    /// The signing secret; WooCommerce generates one when absent, but then we could not verify deliveries.
    pub secret: String,
}

impl NewWebhook {
    pub fn new(topic: &str, delivery_url: &str, secret: &str) -> Self {
        NewWebhook {
            name: format!("ProductSynch {topic}"),
            topic: topic.to_string(),
            delivery_url: delivery_url.to_string(),
            secret: secret.to_string(),
        }
    }
}

/// Why a delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("missing X-WC-Webhook-Signature header")]
    MissingSignature,
    #[error("X-WC-Webhook-Signature does not match the body")]
    BadSignature,
    #[error("missing or invalid header {0}")]
    MissingHeader(&'static str),
    #[error("delivery body is not valid JSON: {0}")]
    BadBody(String),
}

/// `base64(HMAC-SHA256(body, secret))`, the value WooCommerce sends.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    B64.encode(mac.finalize().into_bytes())
}

/// Check a signature in constant time (HMAC `verify_slice`).
pub fn verify_signature(secret: &str, body: &[u8], signature_b64: &str) -> bool {
    let Ok(given) = B64.decode(signature_b64.trim()) else { return false };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// The ping body `webhook_id=N`, if this is one.
pub fn parse_ping(body: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let mut id = None;
    for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
        if k == "webhook_id" {
            id = v.trim().parse().ok();
        } else {
            return None;
        }
    }
    id
}

/// A verified webhook delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// `X-WC-Webhook-Delivery-ID` (a hash string; use it to drop duplicates).
    pub delivery_id: String,
    /// `X-WC-Webhook-ID`.
    pub webhook_id: Option<u64>,
    /// e.g. `product.updated`.
    pub topic: String,
    /// e.g. `product`.
    pub resource: String,
    /// e.g. `updated`.
    pub event: String,
    /// `X-WC-Webhook-Source`: the store's home URL.
    pub source: Option<String>,
    /// The payload (for `*.deleted`: just `{"id": N}`).
    pub payload: serde_json::Value,
}

impl WebhookEvent {
    /// The id of the resource the event is about.
    pub fn resource_id(&self) -> Option<u64> {
        serde_json::from_value::<model::IdOnly>(self.payload.clone()).ok().map(|i| i.id).filter(|&i| i != 0)
    }

    /// The payload as a product, for `product.created|updated|restored` (may be a variation: `type: "variation"`).
    pub fn product(&self) -> Option<Result<Parsed<Product>, model::Malformed>> {
        if self.resource != "product" || self.event == "deleted" {
            return None;
        }
        Some(model::parse_record("product", 0, self.payload.clone()))
    }

    /// The payload as an order, for `order.*`.
    pub fn order(&self) -> Option<Result<Parsed<model::Order>, model::Malformed>> {
        if self.resource != "order" || self.event == "deleted" {
            return None;
        }
        Some(model::parse_record("order", 0, self.payload.clone()))
    }
}

/// What arrived at the webhook endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// The creation ping (`webhook_id=N`, unsigned). Answer 200.
    Ping { webhook_id: u64 },
    Event(WebhookEvent),
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|s| !s.is_empty())
}

/// Verify and parse a delivery from its headers and raw body (read the body as bytes, before any JSON parsing).
pub fn parse_delivery(headers: &HeaderMap, body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    let Some(sig) = header(headers, "x-wc-webhook-signature") else {
        if let Some(webhook_id) = parse_ping(body) {
            return Ok(Delivery::Ping { webhook_id });
        }
        return Err(WebhookError::MissingSignature);
    };
    if !verify_signature(secret, body, sig) {
        return Err(WebhookError::BadSignature);
    }
    let topic = header(headers, "x-wc-webhook-topic").ok_or(WebhookError::MissingHeader("X-WC-Webhook-Topic"))?.to_string();
    let (res_from_topic, ev_from_topic) = topic.split_once('.').unwrap_or((topic.as_str(), ""));
    let resource = header(headers, "x-wc-webhook-resource").unwrap_or(res_from_topic).to_string();
    let event = header(headers, "x-wc-webhook-event").unwrap_or(ev_from_topic).to_string();
    let delivery_id =
        header(headers, "x-wc-webhook-delivery-id").ok_or(WebhookError::MissingHeader("X-WC-Webhook-Delivery-ID"))?.to_string();
    let payload = serde_json::from_slice(body).map_err(|e| WebhookError::BadBody(e.to_string()))?;
    Ok(Delivery::Event(WebhookEvent {
        delivery_id,
        webhook_id: header(headers, "x-wc-webhook-id").and_then(|v| v.parse().ok()),
        topic,
        resource,
        event,
        source: header(headers, "x-wc-webhook-source").map(str::to_string),
        payload,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    /// Vector computed independently with Python: base64(hmac.new(b"s3cret", body, sha256).digest()).
    #[test]
    fn signature_known_vector() {
        let body = br#"{"id":794,"name":"Premium Quality"}"#;
        assert_eq!(sign("s3cret", body), "Nf8myVkGbk8S2ORaEDxVGHzgIOQxN1j1qlCHX/VtTHs=");
        assert!(verify_signature("s3cret", body, "Nf8myVkGbk8S2ORaEDxVGHzgIOQxN1j1qlCHX/VtTHs="));
        assert!(!verify_signature("s3cret", b"{\"id\":795}", "Nf8myVkGbk8S2ORaEDxVGHzgIOQxN1j1qlCHX/VtTHs="));
        assert!(!verify_signature("other", body, "Nf8myVkGbk8S2ORaEDxVGHzgIOQxN1j1qlCHX/VtTHs="));
        assert!(!verify_signature("s3cret", body, "not base64!"));
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn ping_is_recognised() {
        assert_eq!(parse_ping(b"webhook_id=17"), Some(17));
        assert_eq!(parse_ping(b"webhook_id=x"), None);
        assert_eq!(parse_ping(b"{\"id\":1}"), None);
        assert_eq!(parse_delivery(&HeaderMap::new(), b"webhook_id=17", "s"), Ok(Delivery::Ping { webhook_id: 17 }));
        assert_eq!(parse_delivery(&HeaderMap::new(), b"{\"id\":1}", "s"), Err(WebhookError::MissingSignature));
    }

    #[test]
    fn delivery_is_verified_and_parsed() {
        let body = br#"{"id": 22, "name": "Hoodie", "type": "variable", "price": "45"}"#;
        let sig = sign("secret", body);
        let h = headers(&[
            ("x-wc-webhook-signature", &sig),
            ("x-wc-webhook-topic", "product.updated"),
            ("x-wc-webhook-resource", "product"),
            ("x-wc-webhook-event", "updated"),
            ("x-wc-webhook-id", "3"),
            ("x-wc-webhook-delivery-id", "0f3c2b"),
            ("x-wc-webhook-source", "https://shop.example/"),
        ]);
        let Delivery::Event(ev) = parse_delivery(&h, body, "secret").unwrap() else { panic!("not an event") };
        assert_eq!(ev.topic, "product.updated");
        assert_eq!(ev.resource, "product");
        assert_eq!(ev.event, "updated");
        assert_eq!(ev.webhook_id, Some(3));
        assert_eq!(ev.delivery_id, "0f3c2b");
        assert_eq!(ev.resource_id(), Some(22));
        assert_eq!(ev.product().unwrap().unwrap().item.name, "Hoodie");
        assert!(ev.order().is_none());
        assert_eq!(parse_delivery(&h, body, "wrong"), Err(WebhookError::BadSignature));
        let mut tampered = body.to_vec();
        tampered[8] = b'3';
        assert_eq!(parse_delivery(&h, &tampered, "secret"), Err(WebhookError::BadSignature));
    }

    #[test]
    fn deleted_payload_is_id_only() {
        let body = br#"{"id":5}"#;
        let sig = sign("k", body);
        let h = headers(&[("x-wc-webhook-signature", &sig), ("x-wc-webhook-topic", "product.deleted"), ("x-wc-webhook-delivery-id", "d")]);
        let Delivery::Event(ev) = parse_delivery(&h, body, "k").unwrap() else { panic!() };
        assert_eq!((ev.resource.as_str(), ev.event.as_str()), ("product", "deleted"));
        assert_eq!(ev.resource_id(), Some(5));
        assert!(ev.product().is_none());
    }
}
