//! Feed delivery over HTTP on SQLite and PostgreSQL: hosted URL (ETag, 304, Range, token
//! rotation), downloads in every format, preview, HTTPS push to the simulator's feed receiver
//! (with a failing attempt retried), SFTP push to a real OpenSSH sshd on loopback.

use std::io::Read;
use std::time::Duration;

use chrono::Utc;
use productsynch_db::entities::{ProductStatus, SyncStatus, products};
use productsynch_sim::feed_receiver::FeedReceiver;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::both;
use crate::helpers::*;

fn item(i: u32) -> Value {
    json!({
        "is_eligible_search": "true", "is_eligible_checkout": "false",
        "item_id": format!("SKU{i}"), "title": format!("Trail Running Shoe {i}"),
        "description": "Waterproof trail shoe with cushioned sole.",
        "url": format!("https://shop.example.com/product/{i}"), "brand": "Acme",
        "image_url": format!("https://shop.example.com/img/{i}.jpg"),
        "price": "79.99 USD", "availability": "in_stock",
        "seller_name": "Example Store", "seller_url": "https://shop.example.com",
        "return_policy": "https://shop.example.com/returns",
        "target_countries": ["US"], "store_country": "US"
    })
}

/// A user with a shop holding 3 valid products, 1 invalid, 1 excluded and 1 not computed yet.
async fn setup(t: &TestApp) -> (String, String) {
    let (_, token, _, user_id) = t.user("delivery").await;
    let now = Utc::now();
    let shop_id = t.insert_shop(&user_id, "https://shop.example.com", "ck_test", "Example Store").await;
    let rows: Vec<(u32, Option<Value>, bool, ProductStatus)> = vec![
        (1, Some(item(1)), true, ProductStatus::Synced),
        (2, Some(json!([item(2)])), true, ProductStatus::Synced),
        (3, Some(json!({"items": [item(3)]})), true, ProductStatus::Synced),
        (4, Some(item(4)), false, ProductStatus::Error),
        (5, Some(item(5)), true, ProductStatus::Excluded),
        (6, None, false, ProductStatus::Draft),
    ];
    for (i, data, valid, status) in rows {
        products::ActiveModel {
            id: Set(format!("prod_{shop_id}_{i}")),
            shop_id: Set(shop_id.clone()),
            woo_product_id: Set(i64::from(i)),
            woo_title: Set(format!("Trail Running Shoe {i}")),
            feed_enable_search: Set(true),
            feed_enable_checkout: Set(false),
            feed_data_json: Set(data),
            ai_enriched: Set(false),
            manual_override: Set(false),
            status: Set(status),
            sync_status: Set(SyncStatus::Completed),
            is_valid: Set(valid),
            created_at: Set(now),
            updated_at: Set(now - chrono::Duration::seconds(5)),
            ..Default::default()
        }
        .insert(t.app.db())
        .await
        .expect("product");
    }
    (token, shop_id)
}

fn gunzip(b: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(b).read_to_string(&mut s).expect("gzip");
    s
}

fn ids_of_jsonl(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line")["item_id"].as_str().expect("id").to_owned())
        .collect()
}

fn start_worker(app: &productsynch_core::App) -> CancellationToken {
    let stop = CancellationToken::new();
    let opts = productsynch_core::worker::WorkerOptions { worker_id: "delivery-test".into(), scheduler: false };
    tokio::spawn(productsynch_core::worker::run_with(app.clone(), stop.clone(), opts));
    stop
}

/// Polls the push history until a push with `status` shows up (bounded).
async fn wait_for_push(t: &TestApp, token: &str, shop: &str, status: &str) -> Vec<Value> {
    for _ in 0..400 {
        let r = t.get_auth(&format!("/api/v1/shops/{shop}/feed/pushes"), token).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let list = r.body["pushes"].as_array().cloned().unwrap_or_default();
        if list.iter().any(|p| p["status"] == status) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {status} push appeared");
}

async fn raw_get(t: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = t.client.get(t.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let h = r.headers().clone();
    (status, h, r.bytes().await.expect("body").to_vec())
}

fn path_of(url: &str) -> String {
    let u = url::Url::parse(url).expect("url");
    u.path().to_owned()
}

both!(hosted_url_serves_snapshot_with_validators_and_ranges, |t| {
    let (token, shop) = setup(&t).await;
    let cfg = t.get_auth(&format!("/api/v1/shops/{shop}/openai-config"), &token).await;
    assert_eq!(cfg.status, 200, "{}", cfg.text);
    assert_eq!(cfg.body["method"], "hosted");
    assert_eq!(cfg.body["cadence"], "daily");
    let hosted = path_of(cfg.body["hostedUrl"].as_str().unwrap());
    assert!(hosted.starts_with("/feeds/") && hosted.ends_with("/products.jsonl.gz"), "{hosted}");

    let (status, h, body) = raw_get(&t, &hosted, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(h["content-type"], "application/gzip");
    assert_eq!(h["accept-ranges"], "bytes");
    assert_eq!(h["x-feed-item-count"], "3");
    let etag = h["etag"].to_str().unwrap().to_owned();
    let last_modified = h["last-modified"].to_str().unwrap().to_owned();
    assert_eq!(ids_of_jsonl(&gunzip(&body)), vec!["SKU1", "SKU2", "SKU3"]);

    let (s, h304, b) = raw_get(&t, &hosted, &[("if-none-match", &etag)]).await;
    assert_eq!(s, 304);
    assert!(b.is_empty());
    assert_eq!(h304["etag"].to_str().unwrap(), etag);
    assert_eq!(raw_get(&t, &hosted, &[("if-modified-since", &last_modified)]).await.0, 304);
    assert_eq!(raw_get(&t, &hosted, &[("if-none-match", "\"other\"")]).await.0, 200);

    let (s, hr, part) = raw_get(&t, &hosted, &[("range", "bytes=0-9")]).await;
    assert_eq!(s, 206);
    assert_eq!(hr["content-range"].to_str().unwrap(), format!("bytes 0-9/{}", body.len()));
    assert_eq!(part, body[..10].to_vec());
    let (s, _, tail) = raw_get(&t, &hosted, &[("range", "bytes=-5")]).await;
    assert_eq!(s, 206);
    assert_eq!(tail, body[body.len() - 5..].to_vec());
    let (s, h416, _) = raw_get(&t, &hosted, &[("range", &format!("bytes={}-", body.len()))]).await;
    assert_eq!(s, 416);
    assert_eq!(h416["content-range"].to_str().unwrap(), format!("bytes */{}", body.len()));
    // a stale If-Range gets the whole file
    assert_eq!(raw_get(&t, &hosted, &[("range", "bytes=0-9"), ("if-range", "\"stale\"")]).await.0, 200);

    // rotation: the old URL stops working, the new one serves the same snapshot
    let rot = t.post_auth(&format!("/api/v1/shops/{shop}/feed/rotate-token"), &token, json!({})).await;
    assert_eq!(rot.status, 200, "{}", rot.text);
    let new_path = path_of(rot.body["hostedUrl"].as_str().unwrap());
    assert_ne!(new_path, hosted);
    assert_eq!(raw_get(&t, &hosted, &[]).await.0, 404);
    let (s, h2, b2) = raw_get(&t, &new_path, &[]).await;
    assert_eq!(s, 200);
    assert_eq!(h2["etag"].to_str().unwrap(), etag);
    assert_eq!(b2, body);
    assert_eq!(raw_get(&t, "/feeds/not-a-token/products.jsonl.gz", &[]).await.0, 404);

    // another user sees nothing of this shop
    let (_, other, ..) = t.user("intruder").await;
    t.get_auth(&format!("/api/v1/shops/{shop}/openai-config"), &other).await.assert_problem(404);
    t.post_auth(&format!("/api/v1/shops/{shop}/feed/rotate-token"), &other, json!({})).await.assert_problem(404);
    t.get(&format!("/api/v1/shops/{shop}/openai-config")).await.assert_problem(401);
});

both!(preview_download_formats_and_file_history, |t| {
    let (token, shop) = setup(&t).await;
    let p = t.get_auth(&format!("/api/v1/shops/{shop}/feed/preview?limit=2"), &token).await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(p.body["items"][0]["item_id"], "SKU1");
    assert_eq!(p.body["summary"], json!({"totalProducts": 6, "included": 3, "invalid": 1, "excluded": 1, "pending": 1}));
    t.get_auth(&format!("/api/v1/shops/{shop}/feed/preview?limit=1000"), &token).await.assert_problem(422);

    let get = |q: &str| {
        let url = t.url(&format!("/api/v1/shops/{shop}/feed/download?{q}"));
        let req = t.client.get(url).bearer_auth(&token);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let h = r.headers().clone();
            (status, h, r.bytes().await.unwrap().to_vec())
        }
    };
    let (s, h, b) = get("format=jsonl.gz").await;
    assert_eq!(s, 200);
    assert_eq!(h["content-type"], "application/gzip");
    assert!(h["content-disposition"].to_str().unwrap().contains("products.jsonl.gz"));
    assert_eq!(ids_of_jsonl(&gunzip(&b)), vec!["SKU1", "SKU2", "SKU3"]);

    let (s, h, b) = get("format=csv").await;
    assert_eq!(s, 200);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = String::from_utf8(b).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let id_col = headers.iter().position(|c| c == "item_id").expect("item_id column");
    let ids: Vec<String> = rows.records().map(|r| r.unwrap()[id_col].to_owned()).collect();
    assert_eq!(ids, vec!["SKU1", "SKU2", "SKU3"]);

    let (s, _, b) = get("format=tsv.gz").await;
    assert_eq!(s, 200);
    assert_eq!(gunzip(&b).lines().count(), 4);
    let (s, _, b) = get("format=xml").await;
    assert_eq!(s, 200);
    assert_eq!(String::from_utf8(b).unwrap().matches("<item>").count(), 3);
    let (s, _, b) = get("format=json").await;
    assert_eq!(s, 200);
    assert_eq!(serde_json::from_slice::<Value>(&b).unwrap().as_array().unwrap().len(), 3);
    let (s, _, b) = get("format=jsonl&profile=openai-v1").await;
    assert_eq!(s, 200);
    assert_eq!(String::from_utf8(b).unwrap().lines().count(), 3);
    let (s, _, _) = get("format=parquet").await;
    assert_eq!(s, 422);
    let (s, _, _) = get("format=csv&profile=acp").await;
    assert_eq!(s, 422);
    let (s, _, _) = get("format=doc").await;
    assert_eq!(s, 422);

    // recorded files: jsonl.gz, csv, tsv.gz, xml, json (the openai-v1 one is not recorded);
    // asking again for an unchanged catalog reuses the stored file
    let files = t.get_auth(&format!("/api/v1/shops/{shop}/feed/files"), &token).await;
    assert_eq!(files.status, 200, "{}", files.text);
    let list = files.body["files"].as_array().unwrap().clone();
    let mut formats: Vec<&str> = list.iter().map(|f| f["format"].as_str().unwrap()).collect();
    formats.sort();
    assert_eq!(formats, vec!["csv", "json", "jsonl.gz", "tsv.gz", "xml"]);
    assert!(list.iter().all(|f| f["itemCount"] == 3 && f["sha256"].as_str().is_some_and(|s| s.len() == 64)));
    get("format=csv").await;
    let again = t.get_auth(&format!("/api/v1/shops/{shop}/feed/files"), &token).await;
    assert_eq!(again.body["files"].as_array().unwrap().len(), 5);
});

both!(https_push_reaches_the_receiver_and_retries_a_failure, |t| {
    let (token, shop) = setup(&t).await;
    let receiver = FeedReceiver::start("receiver-secret-token", 0).await.unwrap();
    // validation: scheme, missing token, unknown method
    let bad = t
        .client
        .put(t.url(&format!("/api/v1/shops/{shop}/openai-config")))
        .bearer_auth(&token)
        .json(&json!({"method": "https", "https": {"endpoint": "ftp://feeds.example.com/x"}}))
        .send()
        .await
        .unwrap();
    let bad = Resp::from(bad).await;
    bad.assert_problem(422);
    let codes = bad.field_codes();
    assert!(codes.contains(&("https.endpoint".into(), "https_required".into())), "{codes:?}");
    assert!(codes.contains(&("https.token".into(), "required".into())), "{codes:?}");
    let put = |body: Value| {
        let req = t.client.put(t.url(&format!("/api/v1/shops/{shop}/openai-config"))).bearer_auth(&token).json(&body);
        async move { Resp::from(req.send().await.unwrap()).await }
    };
    put(json!({"method": "carrier-pigeon"})).await.assert_problem(422);

    let ok = put(json!({"method": "https", "cadence": "after_sync",
        "https": {"endpoint": receiver.url(), "token": "receiver-secret-token"}}))
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(!ok.text.contains("receiver-secret-token"), "secret returned: {}", ok.text);
    assert_eq!(ok.body["https"]["hasToken"], true);
    assert_eq!(ok.body["cadence"], "after_sync");
    // stored encrypted
    let row = productsynch_core::delivery::settings::load(&t.app, &shop).await.unwrap().unwrap();
    assert!(row.https_token.as_deref().is_some_and(|v| !v.contains("receiver-secret-token")));
    // saving again without the token keeps it
    let again = put(json!({"method": "https", "https": {"endpoint": receiver.url()}})).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["https"]["hasToken"], true);

    receiver.fail_next(1, 503);
    let stop = start_worker(&t.app);
    let r = t.post_auth(&format!("/api/v1/shops/{shop}/sync/push"), &token, json!({})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let pushes = wait_for_push(&t, &token, &shop, "succeeded").await;
    stop.cancel();
    assert_eq!(pushes.len(), 2, "{pushes:?}");
    let (ok, failed) = (&pushes[0], &pushes[1]);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["remoteStatus"], 503);
    assert_eq!(failed["attempt"], 1);
    assert_eq!(ok["status"], "succeeded");
    assert_eq!(ok["attempt"], 2);
    assert_eq!(ok["method"], "https");
    assert_eq!(ok["triggeredBy"], "manual");
    assert_eq!(ok["remoteStatus"], 200);
    assert_eq!(ok["itemCount"], 3);
    assert!(ok["sizeBytes"].as_i64().unwrap() > 0);
    assert!(ok["remoteResponse"].as_str().unwrap().contains("\"valid\":3"), "{}", ok["remoteResponse"]);
    let uploads = receiver.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!((uploads[0].items, uploads[0].valid, uploads[0].invalid), (3, 3, 0), "{:?}", uploads[0].errors);
    assert_eq!(uploads[0].item_ids, vec!["SKU1", "SKU2", "SKU3"]);
    assert_eq!(receiver.attempts(), 2);
    let cfg = t.get_auth(&format!("/api/v1/shops/{shop}/openai-config"), &token).await;
    assert_eq!(cfg.body["lastPush"]["status"], "succeeded");

    // a wrong token is a permanent failure: recorded once, not retried
    let bad_token = put(json!({"method": "https", "https": {"endpoint": receiver.url(), "token": "wrong"}})).await;
    assert_eq!(bad_token.status, 200);
    let outcome = productsynch_core::delivery::push::run_push(&t.app, &shop, "manual", 1, None).await.unwrap();
    let (view, permanent) = outcome.expect_err("401 must fail");
    assert!(permanent);
    assert_eq!(view.remote_status, Some(401));
});

/// A real OpenSSH sshd on a loopback port (installed with apt-get when missing).
struct Sshd {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
    fingerprint: String,
    client_key: String,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("running {cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn start_sshd() -> Sshd {
    let sshd = "/usr/sbin/sshd";
    if !std::path::Path::new(sshd).exists() {
        // scripts and CI run as root; install the server the test needs (documented in docs/delivery.md)
        let st = std::process::Command::new("apt-get")
            .args(["install", "-y", "-q", "openssh-server"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status();
        assert!(
            std::path::Path::new(sshd).exists(),
            "the SFTP test needs OpenSSH's sshd at {sshd}; `apt-get install -y openssh-server` did not provide it ({st:?})"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let host_key = d.join("host_ed25519");
    let client_key = d.join("client_ed25519");
    run("ssh-keygen", &["-q", "-t", "ed25519", "-N", "", "-f", host_key.to_str().unwrap()]);
    run("ssh-keygen", &["-q", "-t", "ed25519", "-N", "", "-f", client_key.to_str().unwrap()]);
    std::fs::copy(d.join("client_ed25519.pub"), d.join("authorized_keys")).unwrap();
    let fp_line = run("ssh-keygen", &["-l", "-E", "sha256", "-f", d.join("host_ed25519.pub").to_str().unwrap()]);
    let fingerprint = fp_line.split_whitespace().nth(1).expect("fingerprint").to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = d.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {hk}\nPidFile {pid}\nAuthorizedKeysFile {ak}\n\
             StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
            hk = host_key.display(),
            pid = d.join("sshd.pid").display(),
            ak = d.join("authorized_keys").display(),
        ),
    )
    .unwrap();
    let _ = std::fs::create_dir_all("/run/sshd");
    let mut child = std::process::Command::new(sshd)
        .args(["-D", "-e", "-f", config.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting sshd: {e}"));
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            let client_key = std::fs::read_to_string(&client_key).unwrap();
            return Sshd { child, port, dir, fingerprint, client_key };
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("sshd exited with {status}: {err}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("sshd did not listen on 127.0.0.1:{port}");
}

both!(sftp_push_writes_a_stable_file_through_a_temp_name, |t| {
    let (token, shop) = setup(&t).await;
    let sshd = start_sshd().await;
    let user = run("id", &["-un"]).trim().to_owned();
    let remote = sshd.dir.path().join("inbox");
    std::fs::create_dir_all(&remote).unwrap();
    let put = |body: Value| {
        let req = t.client.put(t.url(&format!("/api/v1/shops/{shop}/openai-config"))).bearer_auth(&token).json(&body);
        async move { Resp::from(req.send().await.unwrap()).await }
    };
    let bad = put(json!({"method": "sftp", "sftp": {"host": "127.0.0.1", "username": user, "privateKey": "not a key"}})).await;
    bad.assert_problem(422);
    assert!(bad.field_codes().contains(&("sftp.privateKey".into(), "invalid_key".into())), "{:?}", bad.field_codes());

    let ok = put(json!({"method": "sftp", "sftp": {
        "host": "127.0.0.1", "port": sshd.port, "username": user, "privateKey": sshd.client_key,
        "directory": remote.to_str().unwrap(), "fileName": "products.jsonl.gz",
        "hostKeyFingerprint": sshd.fingerprint}}))
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(!ok.text.contains("PRIVATE KEY"), "key returned");
    assert_eq!(ok.body["sftp"]["hasPrivateKey"], true);
    assert_eq!(ok.body["sftp"]["port"], sshd.port);

    let stop = start_worker(&t.app);
    let r = t.post_auth(&format!("/api/v1/shops/{shop}/sync/push"), &token, json!({})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let pushes = wait_for_push(&t, &token, &shop, "succeeded").await;
    assert_eq!(pushes[0]["method"], "sftp");
    assert_eq!(pushes[0]["itemCount"], 3);
    let file = remote.join("products.jsonl.gz");
    let first = std::fs::read(&file).expect("pushed file");
    assert_eq!(first.len() as i64, pushes[0]["sizeBytes"].as_i64().unwrap());
    assert_eq!(ids_of_jsonl(&gunzip(&first)), vec!["SKU1", "SKU2", "SKU3"]);

    // a second push replaces the file in place; no temp file is left behind
    let r = t.post_auth(&format!("/api/v1/shops/{shop}/sync/push"), &token, json!({})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    for _ in 0..400 {
        let l = t.get_auth(&format!("/api/v1/shops/{shop}/feed/pushes"), &token).await;
        if l.body["pushes"].as_array().unwrap().iter().filter(|p| p["status"] == "succeeded").count() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    let names: Vec<String> =
        std::fs::read_dir(&remote).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["products.jsonl.gz"]);

    // a pinned host key that does not match is refused and recorded, without retrying
    let wrong = put(json!({"method": "sftp", "sftp": {
        "host": "127.0.0.1", "port": sshd.port, "username": user,
        "directory": remote.to_str().unwrap(),
        "hostKeyFingerprint": "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}))
    .await;
    assert_eq!(wrong.status, 200, "{}", wrong.text);
    let (view, permanent) =
        productsynch_core::delivery::push::run_push(&t.app, &shop, "manual", 1, None).await.unwrap().expect_err("mismatch");
    assert!(permanent);
    assert!(view.error.unwrap().contains("does not match"));
});
