use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use productsynch_sim::woo::SimConfig;
use serde_json::Value;

use crate::{cfg, client, header, start};

const ENC: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, ENC).to_string()
}

/// A textbook OAuth 1.0a one-legged signer (RFC 5849), written independently of the simulator.
fn signed_url(method: &str, base: &str, query: &[(&str, &str)], ck: &str, cs: &str, ts: i64, nonce: &str, alg: &str) -> String {
    let mut params: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    params.push(("oauth_consumer_key".into(), ck.into()));
    params.push(("oauth_nonce".into(), nonce.into()));
    params.push(("oauth_signature_method".into(), alg.into()));
    params.push(("oauth_timestamp".into(), ts.to_string()));
    let mut enc_pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (enc(k), enc(v))).collect();
    enc_pairs.sort();
    let norm = enc_pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let base_string = format!("{}&{}&{}", method, enc(base), enc(&norm));
    let key = format!("{cs}&");
    let sig = match alg {
        "HMAC-SHA1" => {
            let mut m = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).expect("key");
            m.update(base_string.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
        }
        _ => {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("key");
            m.update(base_string.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
        }
    };
    params.push(("oauth_signature".into(), sig));
    let q = params.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&");
    format!("{base}?{q}")
}

async fn send(url: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = client().get(url).send().await.expect("send");
    let s = r.status().as_u16();
    let h = r.headers().clone();
    (s, h, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn unauthenticated_and_bad_basic() {
    let sim = start(cfg(3)).await;
    let url = format!("{}/wp-json/wc/v3/products", sim.base_url());
    let (s, _, e) = send(&url).await;
    assert_eq!(s, 401);
    assert_eq!(e["code"], "woocommerce_rest_cannot_view");
    assert_eq!(e["message"], "Sorry, you cannot list resources.");
    assert_eq!(e["data"]["status"], 401);
    let (s, _, e) = send(&format!("{url}/{}", sim.control().product_ids(1)[0])).await;
    assert_eq!(s, 401);
    assert_eq!(e["message"], "Sorry, you cannot view this resource.");

    let (ck, _) = sim.credentials();
    let r = client().get(&url).basic_auth(&ck, Some("cs_wrong")).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 401);
    assert!(header(r.headers(), "www-authenticate").starts_with("Basic realm=\"WooCommerce API."));
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_authentication_error");
    assert_eq!(e["message"], "Consumer secret is invalid.");

    // An unknown key in Basic mode is simply not identified.
    let r = client().get(&url).basic_auth("ck_unknown", Some("cs_x")).send().await.expect("send");
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_cannot_view");

    // Query-string keys work over "HTTPS".
    let (ck, cs) = sim.credentials();
    let (s, _, _) = send(&format!("{url}?consumer_key={ck}&consumer_secret={cs}")).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn revoked_key_is_refused() {
    let sim = start(cfg(3)).await;
    let key = sim.control().create_key("read_write", "to revoke");
    let url = format!("{}/wp-json/wc/v3/products", sim.base_url());
    let ok = client().get(&url).basic_auth(&key.consumer_key, Some(&key.consumer_secret)).send().await.expect("send");
    assert_eq!(ok.status().as_u16(), 200);
    assert!(sim.control().revoke_key(&key.consumer_key));
    let r = client().get(&url).basic_auth(&key.consumer_key, Some(&key.consumer_secret)).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 401);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_cannot_view");
}

#[tokio::test]
async fn plain_http_store_ignores_basic_and_accepts_oauth() {
    let sim = start(SimConfig { https: false, ..cfg(12) }).await;
    let (ck, cs) = sim.credentials();
    let base = format!("{}/wp-json/wc/v3/products", sim.base_url());
    let r = client().get(&base).basic_auth(&ck, Some(&cs)).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 401, "Basic is not honoured over plain HTTP");
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_cannot_view");

    let now = chrono::Utc::now().timestamp();
    for alg in ["HMAC-SHA256", "HMAC-SHA1"] {
        let nonce = format!("n-{alg}");
        let url = signed_url("GET", &base, &[("per_page", "5"), ("search", "a b")], &ck, &cs, now, &nonce, alg);
        let (s, h, body) = send(&url).await;
        assert_eq!(s, 200, "{alg}: {body}");
        assert!(!header(&h, "x-wp-total").is_empty());
        // Replaying the same nonce is refused.
        let (s, _, e) = send(&url).await;
        assert_eq!(s, 401);
        assert_eq!(e["message"], "Invalid nonce - nonce has already been used.");
    }

    // Wrong secret -> signature mismatch.
    let url = signed_url("GET", &base, &[], &ck, "cs_wrong", now, "n2", "HMAC-SHA256");
    let (s, _, e) = send(&url).await;
    assert_eq!(s, 401);
    assert_eq!(e["code"], "woocommerce_rest_authentication_error");
    assert_eq!(e["message"], "Invalid signature - provided signature does not match.");

    // Tampered query after signing.
    let url = signed_url("GET", &base, &[("per_page", "5")], &ck, &cs, now, "n3", "HMAC-SHA256").replace("per_page=5", "per_page=6");
    let (s, _, _) = send(&url).await;
    assert_eq!(s, 401);

    // Stale timestamp.
    let url = signed_url("GET", &base, &[], &ck, &cs, now - 3600, "n4", "HMAC-SHA256");
    let (s, _, e) = send(&url).await;
    assert_eq!(s, 401);
    assert_eq!(e["message"], "Invalid timestamp.");

    // Unknown key, bad method, missing parameters.
    let url = signed_url("GET", &base, &[], "ck_nope", &cs, now, "n5", "HMAC-SHA256");
    let (_, _, e) = send(&url).await;
    assert_eq!(e["message"], "Consumer key is invalid.");
    let url = signed_url("GET", &base, &[], &ck, &cs, now, "n6", "PLAINTEXT");
    let (_, _, e) = send(&url).await;
    assert_eq!(e["message"], "Invalid signature - signature method is invalid.");
    let (s, _, e) = send(&format!("{base}?oauth_consumer_key={ck}&oauth_nonce=x")).await;
    assert_eq!(s, 401);
    assert_eq!(e["code"], "woocommerce_rest_authentication_missing_parameter");

    // OAuth in the Authorization header works too.
    let url = signed_url("GET", &base, &[], &ck, &cs, now, "n7", "HMAC-SHA256");
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let header_value = format!("OAuth {}", q.split('&').map(|kv| { let (k, v) = kv.split_once('=').unwrap_or((kv, "")); format!("{k}=\"{v}\"") }).collect::<Vec<_>>().join(", "));
    let r = client().get(&base).header("Authorization", header_value).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 200);

    // rest_route requests sign the home URL path "/" with rest_route as a parameter.
    let home = format!("{}/", sim.base_url());
    let url = signed_url("GET", &home, &[("rest_route", "/wc/v3/products")], &ck, &cs, now, "n8", "HMAC-SHA256");
    let (s, _, body) = send(&url).await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn read_key_cannot_write_write_key_cannot_read() {
    let sim = start(cfg(3)).await;
    let w = sim.control().create_key("write", "write only");
    let r = client().get(format!("{}/wp-json/wc/v3/products", sim.base_url())).basic_auth(&w.consumer_key, Some(&w.consumer_secret)).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 401);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["message"], "The API key provided does not have read permissions.");
}

#[tokio::test]
async fn host_stripping_authorization_header() {
    let sim = start(SimConfig { strip_authorization: true, ..cfg(3) }).await;
    let (ck, cs) = sim.credentials();
    let url = format!("{}/wp-json/wc/v3/products", sim.base_url());
    let r = client().get(&url).basic_auth(&ck, Some(&cs)).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 401, "Basic never reaches WooCommerce");
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "woocommerce_rest_cannot_view");
    let (s, _, _) = send(&format!("{url}?consumer_key={ck}&consumer_secret={cs}")).await;
    assert_eq!(s, 200, "query-string keys still work");
}

#[tokio::test]
async fn wordpress_without_woocommerce() {
    let sim = start(SimConfig { woocommerce_active: false, ..cfg(3) }).await;
    let (s, _, idx) = send(&format!("{}/wp-json/", sim.base_url())).await;
    assert_eq!(s, 200);
    assert!(!idx["namespaces"].as_array().expect("ns").iter().any(|n| n == "wc/v3"));
    let (ck, cs) = sim.credentials();
    let r = client().get(format!("{}/wp-json/wc/v3/products", sim.base_url())).basic_auth(&ck, Some(&cs)).send().await.expect("send");
    assert_eq!(r.status().as_u16(), 404);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["code"], "rest_no_route");
}
