//! Running the router: plain HTTP or TLS 1.3 (rustls, aws-lc-rs), with graceful shutdown.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_util::sync::CancellationToken;

/// Installs aws-lc-rs as the process-wide rustls provider (idempotent).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// A TLS 1.3-only server configuration from PEM files (`TLS_CERT` chain, `TLS_KEY`).
pub fn load_tls(cert: &Path, key: &Path) -> anyhow::Result<RustlsConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("TLS_CERT: cannot read {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("TLS_CERT: {} is not a PEM certificate chain", cert.display()))?;
    if certs.is_empty() {
        anyhow::bail!("TLS_CERT: {} contains no certificate", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("TLS_KEY: cannot read a PEM private key from {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .context("TLS: TLS 1.3 not supported by the crypto provider")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("TLS_KEY: the key does not match TLS_CERT or is not supported")?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(cfg)))
}

/// Serves until `shutdown` is cancelled; then stops accepting, lets in-flight requests finish
/// for at most `grace`, and returns. With `tls`, speaks HTTPS (TLS 1.3 only).
pub async fn serve(
    listener: std::net::TcpListener,
    router: Router,
    tls: Option<RustlsConfig>,
    shutdown: CancellationToken,
    grace: Duration,
) -> anyhow::Result<()> {
    listener.set_nonblocking(true)?;
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let token = shutdown.clone();
            let server = axum::serve(listener, service).with_graceful_shutdown(async move { token.cancelled().await });
            let mut server = std::pin::pin!(server.into_future());
            tokio::select! {
                res = &mut server => res.context("HTTP server")?,
                _ = async { shutdown.cancelled().await; tokio::time::sleep(grace).await } => {
                    tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests did not finish in time; closing");
                }
            }
        }
        Some(tls) => {
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tokio::spawn(async move {
                shutdown.cancelled().await;
                h.graceful_shutdown(Some(grace));
            });
            axum_server::from_tcp_rustls(listener, tls)?
                .handle(handle)
                .serve(service)
                .await
                .context("HTTPS server")?;
        }
    }
    Ok(())
}
