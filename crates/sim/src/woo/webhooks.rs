//! Webhooks as WooCommerce delivers them: REST CRUD, the `webhook_id=N` ping on creation, signed deliveries
//! (`X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the body with the webhook's secret), retries,
//! and disabling after repeated failures.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::error::ApiError;
use super::server::{Req, Resp, RestResult, paged, paging};
use super::store::Webhook;
use super::{App, rand_hash};

/// Something happened to a resource; deliveries go to every active webhook on `topic`.
#[derive(Debug, Clone)]
pub struct Event {
    pub topic: String,
    pub resource_id: u64,
    pub payload: Value,
}

/// One delivery attempt, kept for inspection (`GET /__sim/deliveries`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeliveryRecord {
    pub webhook_id: u64,
    pub delivery_id: String,
    pub topic: String,
    pub resource_id: u64,
    pub attempt: u32,
    /// HTTP status answered by the receiver, if any.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub success: bool,
    pub at: i64,
    /// Webhook status after this attempt (`active` or `disabled`).
    pub webhook_status: String,
}

pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut m = match Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    m.update(body);
    B64.encode(m.finalize().into_bytes())
}

pub fn valid_topic(topic: &str) -> bool {
    if let Some(action) = topic.strip_prefix("action.") {
        return !action.is_empty();
    }
    let Some((res, ev)) = topic.split_once('.') else { return false };
    match res {
        "coupon" | "order" | "product" => matches!(ev, "created" | "updated" | "deleted" | "restored"),
        "customer" => matches!(ev, "created" | "updated" | "deleted"),
        _ => false,
    }
}

fn hooks(topic: &str) -> Vec<&'static str> {
    match topic {
        "product.created" => vec!["woocommerce_process_product_meta", "woocommerce_new_product", "woocommerce_new_product_variation"],
        "product.updated" => vec!["woocommerce_process_product_meta", "woocommerce_update_product", "woocommerce_update_product_variation"],
        "product.deleted" => vec!["wp_trash_post"],
        "product.restored" => vec!["untrashed_post"],
        "order.created" => vec!["woocommerce_new_order"],
        "order.updated" => vec!["woocommerce_update_order", "woocommerce_order_refunded"],
        "order.deleted" => vec!["wp_trash_post", "woocommerce_trash_order"],
        "order.restored" => vec!["untrashed_post", "woocommerce_untrash_order"],
        "coupon.created" => vec!["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
        "coupon.updated" => vec!["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
        "coupon.deleted" => vec!["wp_trash_post"],
        "coupon.restored" => vec!["untrashed_post"],
        "customer.created" => vec!["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
        "customer.updated" => vec!["profile_update", "woocommerce_update_customer"],
        "customer.deleted" => vec!["delete_user"],
        _ => vec![],
    }
}

pub fn render_webhook(app: &App, w: &Webhook, with_secret: bool) -> Value {
    let site = app.site();
    let (resource, event) = if let Some(a) = w.topic.strip_prefix("action.") { ("action", a) } else { w.topic.split_once('.').unwrap_or(("", "")) };
    let mut v = json!({
        "id": w.id,
        "name": w.name,
        "status": w.status,
        "topic": w.topic,
        "resource": resource,
        "event": event,
        "hooks": hooks(&w.topic),
        "delivery_url": w.delivery_url,
        "date_created": site.local(w.date_created),
        "date_created_gmt": site.gmt(w.date_created),
        "date_modified": site.local(w.date_modified),
        "date_modified_gmt": site.gmt(w.date_modified),
        "_links": {
            "self": [{ "href": site.rest(&format!("/webhooks/{}", w.id)) }],
            "collection": [{ "href": site.rest("/webhooks") }],
        },
    });
    if with_secret {
        if let Some(o) = v.as_object_mut() {
            // `secret` is in the edit context; place it after delivery_url like the schema.
            let mut out = serde_json::Map::new();
            for (k, val) in std::mem::take(o) {
                let is_url = k == "delivery_url";
                out.insert(k, val);
                if is_url {
                    out.insert("secret".into(), Value::String(w.secret.clone()));
                }
            }
            *o = out;
        }
    }
    v
}

/// Queues an event for delivery (renders nothing itself: the payload is built by the caller at event time).
pub fn fire(app: &App, topic: &str, resource_id: u64, payload: Value) {
    let any = app.state.read().unwrap_or_else(|e| e.into_inner()).webhooks.values().any(|w| w.status == "active" && w.topic == topic);
    if !any {
        return;
    }
    app.pending_events.fetch_add(1, Ordering::SeqCst);
    if app.events.send(Event { topic: topic.into(), resource_id, payload }).is_err() {
        app.pending_events.fetch_sub(1, Ordering::SeqCst);
    }
}

pub async fn worker(app: Arc<App>, mut rx: mpsc::UnboundedReceiver<Event>) {
    loop {
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = app.cancel.cancelled() => None,
        };
        let Some(ev) = ev else { break };
        let targets: Vec<Webhook> = app.state.read().unwrap_or_else(|e| e.into_inner()).webhooks.values().filter(|w| w.status == "active" && w.topic == ev.topic).cloned().collect();
        for w in targets {
            deliver(&app, &w, &ev).await;
        }
        app.pending_events.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn deliver(app: &App, w: &Webhook, ev: &Event) {
    let body = match serde_json::to_vec(&ev.payload) {
        Ok(b) => b,
        Err(_) => return,
    };
    let (resource, event) = ev.topic.split_once('.').unwrap_or(("action", ev.topic.as_str()));
    let mut delay = app.cfg.webhook_retry_delay;
    for attempt in 0..=app.cfg.webhook_retries {
        // A webhook disabled or deleted meanwhile gets nothing more.
        let current = app.state.read().unwrap_or_else(|e| e.into_inner()).webhooks.get(&w.id).cloned();
        let Some(current) = current else { return };
        if current.status != "active" {
            return;
        }
        let now = App::now();
        let delivery_id = hex::encode(&sha2_digest(format!("{}{}{}", w.id, now, attempt).as_bytes())[..16]);
        let req = app
            .http
            .post(&current.delivery_url)
            .timeout(app.cfg.webhook_timeout)
            .header("Content-Type", "application/json")
            .header("X-WC-Webhook-Source", format!("{}/", app.site_url))
            .header("X-WC-Webhook-Topic", &ev.topic)
            .header("X-WC-Webhook-Resource", resource)
            .header("X-WC-Webhook-Event", event)
            .header("X-WC-Webhook-Signature", signature(&current.secret, &body))
            .header("X-WC-Webhook-ID", w.id.to_string())
            .header("X-WC-Webhook-Delivery-ID", &delivery_id)
            .body(body.clone());
        let result = req.send().await;
        let (status, error) = match &result {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let success = status.is_some_and(|s| (200..303).contains(&s));
        let webhook_status = record_outcome(app, w.id, success);
        tracing::info!(webhook = w.id, topic = %ev.topic, resource = ev.resource_id, attempt, ?status, success, "webhook delivery");
        app.deliveries.lock().unwrap_or_else(|e| e.into_inner()).push(DeliveryRecord {
            webhook_id: w.id,
            delivery_id,
            topic: ev.topic.clone(),
            resource_id: ev.resource_id,
            attempt,
            status,
            error,
            success,
            at: now,
            webhook_status: webhook_status.clone(),
        });
        if success || webhook_status != "active" || attempt == app.cfg.webhook_retries {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = app.cancel.cancelled() => return,
        }
        delay = delay.saturating_mul(2);
    }
}

fn sha2_digest(b: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(b).to_vec()
}

/// WooCommerce's `failed_delivery()`: beyond `max` consecutive failures the webhook is disabled.
fn record_outcome(app: &App, id: u64, success: bool) -> String {
    let status = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let Some(w) = st.webhooks.get_mut(&id) else { return "deleted".into() };
        if success {
            w.failure_count = 0;
        } else if w.failure_count > app.cfg.webhook_max_failures {
            w.status = "disabled".into();
            tracing::warn!(webhook = id, "webhook disabled after repeated delivery failures");
        } else {
            w.failure_count += 1;
        }
        w.status.clone()
    };
    if let Err(e) = app.save() {
        tracing::warn!(error = %e, "could not save state");
    }
    status
}

/// The ping sent when a webhook is created: form body `webhook_id=N`, no X-WC headers, no signature.
pub async fn ping(app: &App, w: &Webhook) -> Result<u16, String> {
    let r = app.http.post(&w.delivery_url).timeout(Duration::from_secs(5)).header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8").body(format!("webhook_id={}", w.id)).send().await.map_err(|e| e.to_string())?;
    Ok(r.status().as_u16())
}

fn valid_url(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|u| (u.scheme() == "http" || u.scheme() == "https") && u.host_str().is_some())
}

fn invalid_id() -> ApiError {
    ApiError::new(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.")
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(|x| x.as_str()).map(|x| x.to_string())
}

/// Creates a webhook (status forced to `active`), pings it, and returns it. Shared by REST and the control API.
pub async fn create(app: &App, name: Option<String>, topic: &str, delivery_url: &str, secret: Option<String>) -> Result<Webhook, ApiError> {
    if !valid_topic(topic) {
        return Err(ApiError::new(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid."));
    }
    if !valid_url(delivery_url) {
        return Err(ApiError::new(400, "woocommerce_rest_webhook_invalid_delivery_url", "Webhook delivery URL must be a valid URL starting with http:// or https://."));
    }
    let now = App::now();
    let w = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let id = st.next_webhook_id;
        st.next_webhook_id += 1;
        let w = Webhook {
            id,
            name: name.filter(|n| !n.is_empty()).unwrap_or_else(|| format!("Webhook created on {}", chrono::Utc::now().format("%b %d, %Y @ %I:%M %p"))),
            status: "active".into(),
            topic: topic.into(),
            delivery_url: delivery_url.into(),
            secret: secret.filter(|s| !s.is_empty()).unwrap_or_else(|| rand_hash() + &rand_hash()[..10]),
            failure_count: 0,
            date_created: now,
            date_modified: now,
            pending_delivery: true,
        };
        st.webhooks.insert(id, w.clone());
        w
    };
    let ping_result = ping(app, &w).await;
    tracing::info!(webhook = w.id, ?ping_result, "webhook ping");
    if ping_result == Ok(200) {
        if let Some(x) = app.state.write().unwrap_or_else(|e| e.into_inner()).webhooks.get_mut(&w.id) {
            x.pending_delivery = false;
        }
    }
    let _ = app.save();
    Ok(w)
}

pub async fn rest_create(app: &App, r: &Req) -> RestResult {
    let b = r.json_body()?;
    let topic = s(&b, "topic").unwrap_or_default();
    let url = s(&b, "delivery_url").unwrap_or_default();
    let w = create(app, s(&b, "name"), &topic, &url, s(&b, "secret")).await?;
    let mut resp = Resp::ok(render_webhook(app, &w, true));
    resp.status = 201;
    resp.headers.push(("Location".into(), app.site().rest(&format!("/webhooks/{}", w.id))));
    Ok(resp)
}

pub fn rest_list(app: &App, r: &Req) -> RestResult {
    let p = paging(r, 10)?;
    let status = r.q("status").unwrap_or("all").to_string();
    if !matches!(status.as_str(), "all" | "active" | "paused" | "disabled") {
        return Err(ApiError::invalid_param("status", "status is not one of all, active, paused, and disabled."));
    }
    let search = r.q("search").map(|s| s.to_lowercase());
    let mut list: Vec<Webhook> = app.state.read().unwrap_or_else(|e| e.into_inner()).webhooks.values().filter(|w| status == "all" || w.status == status).filter(|w| search.as_ref().is_none_or(|s| w.name.to_lowercase().contains(s))).cloned().collect();
    list.sort_by_key(|w| (w.date_created, w.id));
    if r.q("order") != Some("asc") {
        list.reverse();
    }
    let range = p.range(list.len());
    let items = list[range].iter().map(|w| render_webhook(app, w, r.q("context") == Some("edit"))).collect();
    Ok(paged(app, r, list.len() as u64, &p, items))
}

pub fn rest_get(app: &App, id: u64) -> RestResult {
    let w = app.state.read().unwrap_or_else(|e| e.into_inner()).webhooks.get(&id).cloned().ok_or_else(invalid_id)?;
    Ok(Resp::ok(render_webhook(app, &w, false)))
}

pub fn rest_update(app: &App, r: &Req, id: u64) -> RestResult {
    let b = r.json_body()?;
    if let Some(t) = s(&b, "topic") {
        if !valid_topic(&t) {
            return Err(ApiError::new(400, "woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid."));
        }
    }
    if let Some(u) = s(&b, "delivery_url") {
        if !valid_url(&u) {
            return Err(ApiError::new(400, "woocommerce_rest_webhook_invalid_delivery_url", "Webhook delivery URL must be a valid URL starting with http:// or https://."));
        }
    }
    if let Some(st) = s(&b, "status") {
        if !matches!(st.as_str(), "active" | "paused" | "disabled") {
            return Err(ApiError::new(400, "woocommerce_rest_webhook_invalid_status", "Webhook status must be valid."));
        }
    }
    let w = {
        let mut st = app.state.write().unwrap_or_else(|e| e.into_inner());
        let w = st.webhooks.get_mut(&id).ok_or_else(invalid_id)?;
        if let Some(n) = s(&b, "name") {
            w.name = n;
        }
        if let Some(t) = s(&b, "topic") {
            w.topic = t;
        }
        if let Some(u) = s(&b, "delivery_url") {
            w.delivery_url = u;
        }
        if let Some(sec) = s(&b, "secret") {
            w.secret = sec;
        }
        if let Some(status) = s(&b, "status") {
            if status == "active" && w.status != "active" {
                w.failure_count = 0;
            }
            w.status = status;
        }
        w.date_modified = App::now();
        w.clone()
    };
    let _ = app.save();
    Ok(Resp::ok(render_webhook(app, &w, true)))
}

pub fn rest_delete(app: &App, r: &Req, id: u64) -> RestResult {
    let force = r.q("force").is_some_and(|v| v == "true" || v == "1") || r.json_body().ok().and_then(|b| b.get("force").cloned()).is_some_and(|f| f == json!(true) || f == json!("true"));
    if !force {
        return Err(ApiError::new(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."));
    }
    let w = app.state.write().unwrap_or_else(|e| e.into_inner()).webhooks.remove(&id).ok_or_else(invalid_id)?;
    let _ = app.save();
    Ok(Resp::ok(render_webhook(app, &w, false)))
}
