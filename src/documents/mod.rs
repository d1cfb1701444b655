//! Generated documents: the innsyn data package and immutable storage.
pub mod package;
pub mod store;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

pub use package::{DataPackage, PackageEntry, build_package, data_csv, data_json};
pub use store::{DocumentId, DocumentStore, FolderStore, StoreError, StoredDocument, get_verified};

use crate::letters::{self, Answer, LetterContext, LetterError, RenderedLetter, Resources};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Letter(#[from] LetterError),
    #[error("data.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("data.csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("writing the package: {0}")]
    Io(#[from] std::io::Error),
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Everything the person gets for an innsyn answer.
#[derive(Debug, Clone)]
pub struct InnsynDocuments {
    pub letter: RenderedLetter,
    pub package: DataPackage,
}

/// Composes and renders the innsyn answer and packs it with the data: the whole generation
/// step after a decision is approved (what the benchmark measures).
pub fn generate_innsyn(
    ctx: &LetterContext,
    answer: &Answer,
    res: Resources<'_>,
    generated_at: DateTime<Utc>,
) -> Result<InnsynDocuments, DocumentError> {
    let doc = letters::answer(ctx, answer, res)?;
    let letter = letters::render(&doc)?;
    let package = build_package(ctx, &letter, &answer.records, generated_at)?;
    Ok(InnsynDocuments { letter, package })
}

#[cfg(test)]
mod tests;
