//! SFTP upload with `russh` + `russh-sftp`: connect, check the host key against a pinned
//! SHA-256 fingerprint (when configured), authenticate with a private key or a password, write
//! the file under a temporary name, then rename it over the stable name
//! (`posix-rename@openssh.com` when the server offers it, else remove + rename).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use russh::client;
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh_sftp::client::RawSftpSession;
use russh_sftp::protocol::{FileAttributes, OpenFlags, Packet, StatusCode};

/// Where and how to upload.
#[derive(Clone)]
pub struct SftpTarget {
    pub host: String,
    pub port: u16,
    /// Addresses to connect to, already resolved and checked by the SSRF guard
    /// ([`crate::net::resolve_checked`]); empty = resolve `host` at connect time.
    pub addrs: Vec<std::net::SocketAddr>,
    pub username: String,
    pub password: Option<String>,
    /// OpenSSH private key text.
    pub private_key: Option<String>,
    pub directory: String,
    pub file_name: String,
    /// `SHA256:…` as printed by `ssh-keygen -lf`; when set, any other host key is refused.
    pub host_key_fingerprint: Option<String>,
}

impl std::fmt::Debug for SftpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SftpTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("directory", &self.directory)
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SftpError {
    #[error("ssh: {0}")]
    Ssh(#[from] russh::Error),
    #[error("host key {got} does not match the configured fingerprint {expected}")]
    HostKeyMismatch { expected: String, got: String },
    #[error("authentication failed for user {0}")]
    AuthFailed(String),
    #[error("invalid private key: {0}")]
    BadKey(String),
    #[error("sftp: {0}")]
    Sftp(#[from] russh_sftp::client::error::Error),
    #[error("sftp {op}: {status}")]
    Status { op: &'static str, status: String },
    #[error("reading the feed file: {0}")]
    Source(String),
    #[error("timed out")]
    Timeout,
}

impl SftpError {
    /// Whether trying again later could help (network trouble) or not (wrong credentials).
    pub fn is_permanent(&self) -> bool {
        matches!(self, SftpError::HostKeyMismatch { .. } | SftpError::AuthFailed(_) | SftpError::BadKey(_))
    }
}

/// Checks a private key parses (for validating settings before saving them).
pub fn parse_private_key(text: &str) -> Result<russh::keys::PrivateKey, SftpError> {
    russh::keys::decode_secret_key(text, None).map_err(|e| SftpError::BadKey(e.to_string()))
}

struct Client {
    expected: Option<String>,
    seen: Arc<Mutex<Option<String>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, key: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        let fp = match key {
            PublicKeyOrCertificate::PublicKey { key, .. } => key.fingerprint(HashAlg::Sha256).to_string(),
            PublicKeyOrCertificate::Certificate(c) => c.public_key().fingerprint(HashAlg::Sha256).to_string(),
        };
        if let Ok(mut s) = self.seen.lock() {
            *s = Some(fp.clone());
        }
        Ok(match &self.expected {
            Some(e) => e.trim() == fp,
            None => true,
        })
    }
}

/// What an upload did.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub path: String,
    pub bytes: u64,
    /// SHA-256 fingerprint of the server's host key.
    pub host_key: Option<String>,
}

fn status_ok(op: &'static str, s: russh_sftp::protocol::Status) -> Result<(), SftpError> {
    if s.status_code == StatusCode::Ok {
        Ok(())
    } else {
        Err(SftpError::Status { op, status: format!("{:?}: {}", s.status_code, s.error_message) })
    }
}

fn ssh_string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Uploads `data` (a stream of chunks) to `target`, atomically replacing the stable file name.
pub async fn upload(
    target: &SftpTarget,
    temp_suffix: &str,
    mut data: BoxStream<'static, Result<Bytes, crate::Error>>,
    timeout: Duration,
) -> Result<Uploaded, SftpError> {
    let fut = async {
        let seen = Arc::new(Mutex::new(None));
        let handler = Client { expected: target.host_key_fingerprint.clone(), seen: seen.clone() };
        let config = Arc::new(client::Config { inactivity_timeout: Some(timeout), ..Default::default() });
        let connected = if target.addrs.is_empty() {
            client::connect(config, (target.host.as_str(), target.port), handler).await
        } else {
            client::connect(config, &target.addrs[..], handler).await
        };
        let host_key = seen.lock().ok().and_then(|s| s.clone());
        let session = match connected {
            Ok(s) => s,
            Err(russh::Error::UnknownKey) => {
                return Err(SftpError::HostKeyMismatch {
                    expected: target.host_key_fingerprint.clone().unwrap_or_default(),
                    got: host_key.unwrap_or_default(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        let mut session = session;
        let mut authed = false;
        if let Some(key_text) = &target.private_key {
            let key = parse_private_key(key_text)?;
            let hash = session.best_supported_rsa_hash().await?.flatten();
            let r = session
                .authenticate_publickey(&target.username, PrivateKeyWithHashAlg::new(Arc::new(key), hash))
                .await?;
            authed = r.success();
        }
        if !authed && let Some(pw) = &target.password {
            authed = session.authenticate_password(&target.username, pw).await?.success();
        }
        if !authed {
            return Err(SftpError::AuthFailed(target.username.clone()));
        }
        let channel = session.channel_open_session().await?;
        channel.request_subsystem(true, "sftp").await?;
        let sftp = RawSftpSession::new(channel.into_stream());
        let version = sftp.init().await?;
        let posix_rename = version.extensions.contains_key("posix-rename@openssh.com");

        let dir = target.directory.trim_end_matches('/');
        let dir = if dir.is_empty() { "." } else { dir };
        let final_path = format!("{dir}/{}", target.file_name);
        let temp_path = format!("{dir}/.{}.{temp_suffix}.tmp", target.file_name);
        let handle = sftp
            .open(&temp_path, OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE, FileAttributes::default())
            .await?
            .handle;
        let mut offset = 0u64;
        let write_all = async {
            while let Some(chunk) = data.next().await {
                let chunk = chunk.map_err(|e| SftpError::Source(e.to_string()))?;
                // SFTP servers accept at least 32 KiB per write.
                for piece in chunk.chunks(32 * 1024) {
                    status_ok("write", sftp.write(handle.as_str(), offset, piece.to_vec()).await?)?;
                    offset += piece.len() as u64;
                }
            }
            Ok::<(), SftpError>(())
        };
        let written = write_all.await;
        status_ok("close", sftp.close(handle.as_str()).await?)?;
        if let Err(e) = written {
            let _ = sftp.remove(&temp_path).await;
            return Err(e);
        }
        if posix_rename {
            let mut payload = Vec::new();
            ssh_string(&mut payload, &temp_path);
            ssh_string(&mut payload, &final_path);
            match sftp.extended("posix-rename@openssh.com", payload).await? {
                Packet::Status(s) => status_ok("posix-rename", s)?,
                other => {
                    return Err(SftpError::Status { op: "posix-rename", status: format!("unexpected answer {other:?}") });
                }
            }
        } else {
            // SFTP v3 rename refuses an existing target: remove the old file first.
            let _ = sftp.remove(&final_path).await;
            status_ok("rename", sftp.rename(&temp_path, &final_path).await?)?;
        }
        let _ = sftp.close_session();
        let _ = session.disconnect(russh::Disconnect::ByApplication, "done", "en").await;
        Ok(Uploaded { path: final_path, bytes: offset, host_key })
    };
    tokio::time::timeout(timeout, fut).await.map_err(|_| SftpError::Timeout)?
}
