//! Immutable document storage behind one small interface. Writing an id twice is refused;
//! every document has a SHA-256 checksum that the caller records (audit trail, database) and
//! that [`get_verified`] checks on the way out. The folder store is the default; an object
//! store (S3-compatible, with a no-overwrite condition on put) can implement the same trait.
use std::{
    fmt,
    io::Write,
    path::{Path, PathBuf},
    str::FromStr,
};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::sha256_hex;

/// A stored document's id (UUID v7: ordered by creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentId(pub Uuid);

impl DocumentId {
    pub fn new() -> Self {
        DocumentId(Uuid::now_v7())
    }
}

impl Default for DocumentId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

impl FromStr for DocumentId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(DocumentId)
    }
}

/// What `put` returns: the id, the checksum and the size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDocument {
    pub id: DocumentId,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("document {0} already exists; stored documents are immutable")]
    AlreadyExists(DocumentId),
    #[error("document {0} not found")]
    NotFound(DocumentId),
    #[error("document {0} does not match its recorded checksum")]
    ChecksumMismatch(DocumentId),
    #[error("document storage: {0}")]
    Io(#[from] std::io::Error),
}

/// Put-once, read-many storage of document bytes.
pub trait DocumentStore: Send + Sync {
    /// Stores `bytes` under `id`; fails with [`StoreError::AlreadyExists`] if the id is taken.
    fn put<'a>(
        &'a self,
        id: DocumentId,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<StoredDocument, StoreError>>;

    /// Reads a document back.
    fn get(&self, id: DocumentId) -> BoxFuture<'_, Result<Vec<u8>, StoreError>>;

    /// Removes a document when its retention time is over (files the person attached);
    /// removing one that is already gone succeeds, so a rerun after a crash is safe.
    fn delete(&self, id: DocumentId) -> BoxFuture<'_, Result<(), StoreError>>;
}

/// Reads a document and checks it against the checksum recorded when it was stored.
pub async fn get_verified(
    store: &dyn DocumentStore,
    id: DocumentId,
    sha256: &str,
) -> Result<Vec<u8>, StoreError> {
    let bytes = store.get(id).await?;
    if sha256_hex(&bytes) != sha256.to_ascii_lowercase() {
        return Err(StoreError::ChecksumMismatch(id));
    }
    Ok(bytes)
}

/// Documents as files under a folder (default `<data_dir>/documents`), fanned out into 256
/// subfolders by the id's last two hex digits. Files are written to a temporary name, synced,
/// made read-only and then linked into place, which fails if the name exists: concurrent
/// writers of one id cannot overwrite each other.
#[derive(Debug, Clone)]
pub struct FolderStore {
    root: PathBuf,
}

impl FolderStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FolderStore { root: root.into() }
    }

    /// The default location under the data folder.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self::new(data_dir.join("documents"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, id: DocumentId) -> PathBuf {
        let hex = id.0.simple().to_string();
        let fan = &hex[hex.len() - 2..];
        self.root.join(fan).join(hex)
    }

    fn put_blocking(&self, id: DocumentId, bytes: &[u8]) -> Result<StoredDocument, StoreError> {
        let path = self.path(id);
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        if path.exists() {
            return Err(StoreError::AlreadyExists(id));
        }
        std::fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!(
            ".tmp-{}-{}",
            id.0.simple(),
            Uuid::new_v4().simple()
        ));
        let result = (|| -> Result<(), StoreError> {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            let mut perms = file.metadata()?.permissions();
            perms.set_readonly(true);
            std::fs::set_permissions(&tmp, perms)?;
            match std::fs::hard_link(&tmp, &path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(StoreError::AlreadyExists(id))
                }
                Err(e) => Err(e.into()),
            }
        })();
        // The temporary name goes either way; the linked file stays.
        let _ = std::fs::remove_file(&tmp);
        result?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(StoredDocument {
            id,
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        })
    }

    fn get_blocking(&self, id: DocumentId) -> Result<Vec<u8>, StoreError> {
        match std::fs::read(self.path(id)) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound(id)),
            Err(e) => Err(e.into()),
        }
    }
}

impl DocumentStore for FolderStore {
    fn put<'a>(
        &'a self,
        id: DocumentId,
        bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<StoredDocument, StoreError>> {
        let store = self.clone();
        let bytes = bytes.to_vec();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.put_blocking(id, &bytes))
                .await
                .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
        })
    }

    fn get(&self, id: DocumentId) -> BoxFuture<'_, Result<Vec<u8>, StoreError>> {
        let store = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.get_blocking(id))
                .await
                .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
        })
    }

    fn delete(&self, id: DocumentId) -> BoxFuture<'_, Result<(), StoreError>> {
        let path = self.path(id);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(StoreError::Io(e)),
            })
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
        })
    }
}
