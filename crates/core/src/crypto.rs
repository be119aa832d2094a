//! Encryption at rest (AES-256-GCM with key ids), HMAC, token hashing and random tokens.
//!
//! Envelope format: `v1:<kid>:<base64(nonce(12) || ciphertext+tag)>`; `kid` is the first 8 hex
//! chars of `sha256("productsynch-kid:" || key)`, so a rotated key gets a new id automatically.
//! Encryption always uses the primary key; decryption accepts any key in the [`Keyring`].

use std::collections::HashMap;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("encryption key must be 32 bytes (64 hex characters)")]
    BadKey,
    #[error("not an encrypted value (expected v1:<kid>:<data>)")]
    Malformed,
    #[error("no key with id {0:?} is configured (add it to ENCRYPTION_KEYS_PREVIOUS)")]
    UnknownKey(String),
    #[error("decryption failed (wrong key or tampered data)")]
    Decrypt,
}

/// The configured AES-256 keys: one primary (encrypts) and any number of previous ones.
#[derive(Clone)]
pub struct Keyring {
    primary: String,
    keys: HashMap<String, [u8; 32]>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("primary_kid", &self.primary).field("keys", &self.keys.len()).finish()
    }
}

impl Keyring {
    /// From hex keys: the primary first, then previous keys.
    pub fn from_hex(primary: &str, previous: &[&str]) -> Result<Self, CryptoError> {
        let pk = parse_key(primary)?;
        let primary_kid = key_id(&pk);
        let mut keys = HashMap::new();
        keys.insert(primary_kid.clone(), pk);
        for p in previous {
            let k = parse_key(p)?;
            keys.entry(key_id(&k)).or_insert(k);
        }
        Ok(Keyring { primary: primary_kid, keys })
    }

    pub fn from_config(cfg: &crate::config::Config) -> Result<Self, CryptoError> {
        let prev: Vec<&str> = cfg.encryption_keys_previous.iter().map(|s| s.expose()).collect();
        Self::from_hex(cfg.encryption_key.expose(), &prev)
    }

    /// Id of the key used for new encryptions.
    pub fn primary_kid(&self) -> &str {
        &self.primary
    }

    pub fn encrypt(&self, plaintext: &str) -> String {
        self.encrypt_bytes(plaintext.as_bytes())
    }

    pub fn encrypt_bytes(&self, plaintext: &[u8]) -> String {
        let key = &self.keys[&self.primary];
        let cipher = Aes256Gcm::new(key.into());
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(&Nonce::from(nonce), plaintext)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        format!("v1:{}:{}", self.primary, STANDARD.encode(out))
    }

    pub fn decrypt(&self, envelope: &str) -> Result<String, CryptoError> {
        String::from_utf8(self.decrypt_bytes(envelope)?).map_err(|_| CryptoError::Decrypt)
    }

    pub fn decrypt_bytes(&self, envelope: &str) -> Result<Vec<u8>, CryptoError> {
        let mut parts = envelope.splitn(3, ':');
        let (Some("v1"), Some(kid), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CryptoError::Malformed);
        };
        let key = self.keys.get(kid).ok_or_else(|| CryptoError::UnknownKey(kid.to_owned()))?;
        let raw = STANDARD.decode(data).map_err(|_| CryptoError::Malformed)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ct) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
        Aes256Gcm::new(key.into()).decrypt(&Nonce::from(nonce), ct).map_err(|_| CryptoError::Decrypt)
    }

    /// Was this envelope encrypted with an older key (so it should be re-encrypted)?
    pub fn needs_reencrypt(&self, envelope: &str) -> bool {
        envelope.split(':').nth(1).is_some_and(|kid| kid != self.primary)
    }
}

fn parse_key(hex_key: &str) -> Result<[u8; 32], CryptoError> {
    let bytes = hex::decode(hex_key.trim()).map_err(|_| CryptoError::BadKey)?;
    bytes.try_into().map_err(|_| CryptoError::BadKey)
}

fn key_id(key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(b"productsynch-kid:");
    h.update(key);
    hex::encode(h.finalize())[..8].to_owned()
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(data.as_ref()))
}

/// How opaque tokens (refresh, verification, reset) are stored: SHA-256 hex.
pub fn hash_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// `n` random bytes from the OS-seeded CSPRNG, base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA256, standard base64 (the form WooCommerce webhook signatures use).
pub fn hmac_sha256_base64(key: &[u8], data: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(key, data))
}

/// Constant-time check of an HMAC-SHA256 tag.
pub fn verify_hmac_sha256(key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.verify_slice(tag).is_ok()
}

/// Constant-time check of a base64 HMAC-SHA256 signature (e.g. `X-WC-Webhook-Signature`).
pub fn verify_hmac_sha256_base64(key: &[u8], data: &[u8], signature_b64: &str) -> bool {
    match STANDARD.decode(signature_b64.trim()) {
        Ok(tag) => verify_hmac_sha256(key, data, &tag),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const K2: &str = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    #[test]
    fn round_trip_and_tamper() {
        let ring = Keyring::from_hex(K1, &[]).unwrap();
        let env = ring.encrypt("cs_secret_value");
        assert!(env.starts_with(&format!("v1:{}:", ring.primary_kid())));
        assert!(!env.contains("cs_secret_value"));
        assert_eq!(ring.decrypt(&env).unwrap(), "cs_secret_value");
        // Fresh nonce each time.
        assert_ne!(ring.encrypt("x"), ring.encrypt("x"));
        // Tampering fails.
        let mut raw = STANDARD.decode(env.rsplit(':').next().unwrap()).unwrap();
        raw[20] ^= 1;
        let bad = format!("v1:{}:{}", ring.primary_kid(), STANDARD.encode(raw));
        assert_eq!(ring.decrypt(&bad), Err(CryptoError::Decrypt));
        assert_eq!(ring.decrypt("plain"), Err(CryptoError::Malformed));
    }

    #[test]
    fn key_rotation() {
        let old = Keyring::from_hex(K1, &[]).unwrap();
        let env_old = old.encrypt("secret");
        let rotated = Keyring::from_hex(K2, &[K1]).unwrap();
        assert_ne!(rotated.primary_kid(), old.primary_kid());
        assert_eq!(rotated.decrypt(&env_old).unwrap(), "secret");
        assert!(rotated.needs_reencrypt(&env_old));
        let env_new = rotated.encrypt("secret");
        assert!(!rotated.needs_reencrypt(&env_new));
        // The old keyring alone cannot read values written with the new key.
        assert!(matches!(old.decrypt(&env_new), Err(CryptoError::UnknownKey(_))));
        assert_eq!(Keyring::from_hex("abcd", &[]).unwrap_err(), CryptoError::BadKey);
    }

    #[test]
    fn hmac_and_tokens() {
        // RFC 4231 test case 2
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(&tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let b64 = hmac_sha256_base64(b"Jefe", b"what do ya want for nothing?");
        assert!(verify_hmac_sha256_base64(b"Jefe", b"what do ya want for nothing?", &b64));
        assert!(!verify_hmac_sha256_base64(b"Jefe", b"what do ya want for nothing!", &b64));
        assert!(!verify_hmac_sha256_base64(b"Jefe", b"x", "%%%"));
        assert_eq!(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let t = random_token(32);
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token(32));
        assert_eq!(hash_token(&t).len(), 64);
    }
}
