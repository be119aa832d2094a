//! Protocol tests: speak HTTP to the simulated store with reqwest and check what WooCommerce would answer.

mod auth;
mod faults;
mod persistence;
mod rest;
mod wcauth;
mod webhooks;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use productsynch_sim::woo::{CatalogSource, SimConfig, SimHandle, SimStore};

pub fn cfg(products: u64) -> SimConfig {
    SimConfig { catalog: CatalogSource::Generated { products, seed: 42 }, webhook_retries: 0, webhook_retry_delay: std::time::Duration::from_millis(10), ..SimConfig::default() }
}

pub async fn start(cfg: SimConfig) -> SimHandle {
    SimStore::start(cfg).await.expect("simulator starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// GET with Basic auth, returning status, headers and JSON.
pub async fn get(sim: &SimHandle, path_and_query: &str) -> (u16, HeaderMap, serde_json::Value) {
    let (ck, cs) = sim.credentials();
    let r = client().get(format!("{}{}", sim.base_url(), path_and_query)).basic_auth(ck, Some(cs)).send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, headers, json)
}

pub fn header(h: &HeaderMap, name: &str) -> String {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// A tiny HTTP receiver recording every request (for webhooks and wc-auth callbacks).
#[derive(Clone, Default)]
pub struct Receiver {
    pub hits: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    pub status: Arc<Mutex<u16>>,
}

impl Receiver {
    pub async fn start(status: u16) -> (Receiver, String) {
        let rec = Receiver { hits: Arc::default(), status: Arc::new(Mutex::new(status)) };
        let r2 = rec.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let r = r2.clone();
            async move {
                r.hits.lock().expect("lock").push((headers, body));
                let s = *r.status.lock().expect("lock");
                (StatusCode::from_u16(s).unwrap_or(StatusCode::OK), "ok")
            }
        });
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", l.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(l, app).await;
        });
        (rec, url)
    }

    pub fn hits(&self) -> Vec<(HeaderMap, Bytes)> {
        self.hits.lock().expect("lock").clone()
    }

    pub async fn wait_for(&self, n: usize) -> Vec<(HeaderMap, Bytes)> {
        for _ in 0..500 {
            if self.hits().len() >= n {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.hits()
    }
}
