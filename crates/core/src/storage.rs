//! Object storage for feed files and other blobs: a local directory by default
//! (`DATA_DIR/files`), S3 / Cloudflare R2 / MinIO when `S3_BUCKET` is set.

use std::sync::Arc;

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Config;
use crate::error::{Error, Result};

/// Metadata of a stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub key: String,
    pub size: u64,
    pub last_modified: chrono::DateTime<chrono::Utc>,
}

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    description: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage").field("backend", &self.description).finish()
    }
}

fn storage_err(e: object_store::Error) -> Error {
    match e {
        object_store::Error::NotFound { .. } => Error::NotFound("file"),
        other => Error::Unavailable(format!("storage: {other}")),
    }
}

fn key_path(key: &str) -> Result<ObjPath> {
    if key.is_empty() || key.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return Err(Error::invalid("key", "invalid_key", "storage keys are relative paths without empty, . or .. segments"));
    }
    ObjPath::parse(key).map_err(|_| Error::invalid("key", "invalid_key", "invalid storage key"))
}

impl Storage {
    pub fn from_config(cfg: &Config) -> Result<Storage> {
        match &cfg.s3 {
            Some(s3) => {
                let mut b = AmazonS3Builder::new().with_bucket_name(&s3.bucket).with_region(&s3.region);
                if let Some(ep) = &s3.endpoint {
                    b = b.with_endpoint(ep).with_allow_http(ep.starts_with("http://"));
                    // R2 / MinIO style endpoints use path-style addressing.
                    b = b.with_virtual_hosted_style_request(false);
                }
                if let Some(k) = &s3.access_key_id {
                    b = b.with_access_key_id(k.expose());
                }
                if let Some(k) = &s3.secret_access_key {
                    b = b.with_secret_access_key(k.expose());
                }
                let store = b.build().map_err(|e| Error::Internal(anyhow::anyhow!("S3 configuration: {e}")))?;
                Ok(Storage { store: Arc::new(store), description: format!("s3://{}", s3.bucket) })
            }
            None => Self::local(&cfg.data_dir.join("files")),
        }
    }

    /// A store rooted at a local directory (created when missing).
    pub fn local(dir: &std::path::Path) -> Result<Storage> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Internal(anyhow::anyhow!("creating storage dir {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| Error::Internal(anyhow::anyhow!("storage dir {}: {e}", dir.display())))?
            .with_automatic_cleanup(true);
        Ok(Storage { store: Arc::new(store), description: format!("file://{}", dir.display()) })
    }

    /// Wraps any object_store implementation (e.g. `InMemory` in tests).
    pub fn from_store(store: Arc<dyn ObjectStore>, description: impl Into<String>) -> Storage {
        Storage { store, description: description.into() }
    }

    /// `file:///…` or `s3://bucket`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The underlying store, for multipart uploads and other advanced use.
    pub fn inner(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Writes (replaces) an object atomically.
    pub async fn put(&self, key: &str, data: impl Into<Bytes>) -> Result<()> {
        let path = key_path(key)?;
        self.store.put(&path, PutPayload::from_bytes(data.into())).await.map_err(storage_err)?;
        Ok(())
    }

    /// Streams chunks into an object (multipart upload; nothing visible until complete).
    pub async fn put_stream(&self, key: &str, mut chunks: BoxStream<'_, std::io::Result<Bytes>>) -> Result<u64> {
        let path = key_path(key)?;
        let upload = self.store.put_multipart(&path).await.map_err(storage_err)?;
        let mut w = object_store::WriteMultipart::new(upload);
        let mut total = 0u64;
        while let Some(chunk) = chunks.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = w.abort().await;
                    return Err(Error::Internal(anyhow::anyhow!("reading upload stream: {e}")));
                }
            };
            total += chunk.len() as u64;
            w.write(&chunk);
        }
        w.finish().await.map_err(storage_err)?;
        Ok(total)
    }

    /// Reads a whole object. Missing → `NotFound("file")`.
    pub async fn get(&self, key: &str) -> Result<Bytes> {
        let path = key_path(key)?;
        self.store.get(&path).await.map_err(storage_err)?.bytes().await.map_err(storage_err)
    }

    /// Streams an object (for HTTP downloads). Returns its size and the byte stream.
    pub async fn get_stream(&self, key: &str) -> Result<(u64, BoxStream<'static, Result<Bytes>>)> {
        let path = key_path(key)?;
        let res = self.store.get(&path).await.map_err(storage_err)?;
        let size = res.meta.size;
        Ok((size, res.into_stream().map_err(storage_err).boxed()))
    }

    pub async fn head(&self, key: &str) -> Result<StoredObject> {
        let path = key_path(key)?;
        let m = self.store.head(&path).await.map_err(storage_err)?;
        Ok(StoredObject { key: m.location.to_string(), size: m.size, last_modified: m.last_modified })
    }

    /// Objects under `prefix` (a directory-like key prefix, e.g. `feeds/shop_…`), sorted by key.
    pub async fn list(&self, prefix: Option<&str>) -> Result<Vec<StoredObject>> {
        let p = match prefix {
            Some(p) if !p.is_empty() => Some(key_path(p.trim_end_matches('/'))?),
            _ => None,
        };
        let mut out: Vec<StoredObject> = self
            .store
            .list(p.as_ref())
            .map_ok(|m| StoredObject { key: m.location.to_string(), size: m.size, last_modified: m.last_modified })
            .try_collect()
            .await
            .map_err(storage_err)?;
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// Deletes an object; deleting a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        let path = key_path(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_put_get_list_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::local(dir.path()).unwrap();
        s.put("feeds/shop_1/a.jsonl", Bytes::from_static(b"{\"id\":1}\n")).await.unwrap();
        s.put("feeds/shop_1/b.jsonl", Bytes::from_static(b"b")).await.unwrap();
        s.put("feeds/shop_2/c.jsonl", Bytes::from_static(b"c")).await.unwrap();
        assert_eq!(&s.get("feeds/shop_1/a.jsonl").await.unwrap()[..], b"{\"id\":1}\n");
        assert!(dir.path().join("feeds/shop_1/a.jsonl").exists());
        let listed: Vec<String> = s.list(Some("feeds/shop_1")).await.unwrap().into_iter().map(|o| o.key).collect();
        assert_eq!(listed, vec!["feeds/shop_1/a.jsonl", "feeds/shop_1/b.jsonl"]);
        assert_eq!(s.list(None).await.unwrap().len(), 3);
        assert_eq!(s.head("feeds/shop_1/a.jsonl").await.unwrap().size, 9);

        let chunks = futures::stream::iter(vec![Ok(Bytes::from_static(b"hello ")), Ok(Bytes::from_static(b"world"))]);
        assert_eq!(s.put_stream("big/x.txt", chunks.boxed()).await.unwrap(), 11);
        let (size, stream) = s.get_stream("big/x.txt").await.unwrap();
        assert_eq!(size, 11);
        let parts: Vec<Bytes> = stream.try_collect().await.unwrap();
        assert_eq!(parts.concat(), b"hello world");

        s.delete("feeds/shop_1/a.jsonl").await.unwrap();
        s.delete("feeds/shop_1/a.jsonl").await.unwrap();
        assert!(matches!(s.get("feeds/shop_1/a.jsonl").await, Err(Error::NotFound(_))));
        assert!(matches!(s.put("../escape", Bytes::new()).await, Err(Error::Validation(_))));
    }
}
