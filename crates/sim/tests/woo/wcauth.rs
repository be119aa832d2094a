use serde_json::Value;

use crate::{Receiver, cfg, client, header, start};

fn authorize_url(base: &str, callback: &str, scope: &str) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    ser.append_pair("app_name", "ProductSynch");
    ser.append_pair("scope", scope);
    ser.append_pair("user_id", "usr_123");
    ser.append_pair("return_url", "https://app.example/return?from=woo");
    ser.append_pair("callback_url", callback);
    format!("{base}/wc-auth/v1/authorize?{}", ser.finish())
}

fn approve_link(html: &str) -> String {
    let start = html.find("wc-auth/v1/access_granted").expect("approve link");
    let href_start = html[..start].rfind("href=\"").expect("href") + 6;
    let end = html[href_start..].find('"').expect("end") + href_start;
    html[href_start..end].replace("&amp;", "&")
}

#[tokio::test]
async fn approve_posts_keys_and_redirects() {
    let sim = start(cfg(5)).await;
    let (rec, callback) = Receiver::start(200).await;
    let page = client().get(authorize_url(&sim.base_url(), &callback, "read_write")).send().await.expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("ProductSynch would like to connect to your store"));
    assert!(html.contains("Read/Write"));
    assert!(html.contains(">Approve<") && html.contains(">Deny<"));

    let r = client().get(approve_link(&html)).send().await.expect("approve");
    assert_eq!(r.status().as_u16(), 302);
    let loc = header(r.headers(), "location");
    assert_eq!(loc, "https://app.example/return?from=woo&success=1&user_id=usr_123");

    let hits = rec.hits();
    assert_eq!(hits.len(), 1);
    assert!(header(&hits[0].0, "content-type").starts_with("application/json"));
    let body: Value = serde_json::from_slice(&hits[0].1).expect("json");
    assert_eq!(body["user_id"], "usr_123");
    assert_eq!(body["key_permissions"], "read_write");
    assert!(body["key_id"].is_u64());
    let ck = body["consumer_key"].as_str().expect("ck");
    let cs = body["consumer_secret"].as_str().expect("cs");
    assert!(ck.starts_with("ck_") && ck.len() == 43 && cs.starts_with("cs_") && cs.len() == 43);
    // The new key works against the API.
    let r = client().get(format!("{}/wp-json/wc/v3/products", sim.base_url())).basic_auth(ck, Some(cs)).send().await.expect("get");
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn deny_and_failing_callback() {
    let sim = start(cfg(5)).await;
    let (_rec, callback) = Receiver::start(500).await;
    let html = client().get(authorize_url(&sim.base_url(), &callback, "read")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("https://app.example/return?from=woo&amp;success=0&amp;user_id=usr_123"), "deny link");
    let keys_before = sim.control().keys().len();
    let r = client().get(approve_link(&html)).send().await.expect("approve");
    assert_eq!(r.status().as_u16(), 401, "a callback not answering 200 fails the flow");
    assert!(r.text().await.expect("t").contains("unable to send the consumer data"));
    assert_eq!(sim.control().keys().len(), keys_before, "the key is deleted again");

    let r = client().get(format!("{}/wc-auth/v1/authorize?app_name=X&scope=read", sim.base_url())).send().await.expect("missing");
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.text().await.expect("t").contains("Missing parameter"));
    let r = client().get(authorize_url(&sim.base_url(), &callback, "admin")).send().await.expect("bad scope");
    assert_eq!(r.status().as_u16(), 401);
    // A forged approval without the nonce is refused.
    let r = client().get(approve_link(&html).replace("wc_auth_nonce=", "wc_auth_nonce=x")).send().await.expect("forged");
    assert_eq!(r.status().as_u16(), 401);
}
