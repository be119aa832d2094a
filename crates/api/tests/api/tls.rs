//! TLS termination in the binary: TLS 1.3 is served, TLS 1.2 is refused.

use std::time::Duration;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_tls13_only() {
    productsynch_api::server::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, key.cert.pem()).unwrap();
    std::fs::write(&key_path, key.signing_key.serialize_pem()).unwrap();
    let tls = productsynch_api::server::load_tls(&cert_path, &key_path).unwrap();

    let db = test_db(Backend::Sqlite).await.unwrap();
    let mut config = productsynch_core::config::Config::for_tests(dir.path(), &db.url);
    config.public_url = "https://localhost".parse().unwrap();
    let app = productsynch_core::App::from_parts(config, db.db.clone()).unwrap();
    let state = productsynch_api::AppState::new(app, productsynch_api::ApiSettings::default()).await.unwrap();
    let router = productsynch_api::router::build(state);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let token = tokio_util::sync::CancellationToken::new();
    let t2 = token.clone();
    tokio::spawn(async move { productsynch_api::server::serve(listener, router, Some(tls), t2, Duration::from_secs(2)).await });

    let url = format!("https://{addr}/healthz");
    let ok = reqwest::Client::builder().danger_accept_invalid_certs(true).build().unwrap();
    let r = ok.get(&url).send().await.expect("TLS 1.3 handshake");
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("strict-transport-security").is_some(), "HSTS over TLS");

    let tls12 = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .tls_version_max(reqwest::tls::Version::TLS_1_2)
        .build()
        .unwrap();
    assert!(tls12.get(&url).send().await.is_err(), "TLS 1.2 must be refused");

    // a key that does not belong to the certificate is a configuration error naming TLS_KEY
    let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(&key_path, other.signing_key.serialize_pem()).unwrap();
    let err = productsynch_api::server::load_tls(&cert_path, &key_path).unwrap_err();
    assert!(format!("{err:#}").contains("TLS_KEY"), "{err:#}");
    token.cancel();
}
