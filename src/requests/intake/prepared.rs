//! What an intake is once checked, and what the batched write takes: the validated input, the
//! hashes and ciphertexts computed outside the transaction, and the idempotency key. Plain data
//! with no service behind it, so the core can hold the intake batcher without taking the
//! intake service (which takes the core).
use std::sync::Arc;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::{
    auth::Principal,
    error::{ServiceError, ServiceResult},
    identity::SubjectId,
    jobs::batcher::Batcher,
    lifecycle::RightKind,
    registry::Registry,
    representation::OnBehalf,
    requests::view::{Channel, Language, RequestView},
    routing_rules::Geography,
};

/// Gathers intakes into one writer job ([`super::write_batch`], given at start in `app.rs`).
pub type IntakeBatcher = Batcher<Prepared, (RequestView, bool)>;

/// An idempotency key with the fingerprint of the body it came with.
#[derive(Clone)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

impl Idempotency {
    pub fn new(key: &str, body: &[u8]) -> ServiceResult<Self> {
        let key = key.trim();
        if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(ServiceError::invalid(
                "Idempotency-Key",
                "must be 1-255 visible ASCII characters",
            ));
        }
        Ok(Self {
            key: key.to_string(),
            fingerprint: hex::encode(Sha256::digest(body)),
        })
    }
}

/// A validated intake with everything the write needs, computed outside the transaction.
#[derive(Clone)]
pub struct Prepared {
    pub(super) intake: Intake,
    pub(super) pid_hash: String,
    pub(super) pid_ciphertext: String,
    pub(super) contact_ciphertext: Option<String>,
    /// Whether the receipt e-mail goes out (within the per-address limit).
    pub(super) send_receipt: bool,
    pub(super) principal: Principal,
    pub(super) scope: String,
    pub(super) idempotency: Option<Idempotency>,
    pub(super) registry: Arc<Registry>,
    /// For the receipt e-mail's portal link.
    pub(super) base_url: String,
    /// The representation the request is made through, when made for someone else.
    pub(super) on_behalf: Option<OnBehalf>,
    /// A representation the writer claims but has not proven: written with the request, whose
    /// id it takes; nothing is collected for such a request until the claim is proven.
    pub(super) claim: Option<entity::representation_claim::Model>,
}

/// One intake's result: the view, and whether it replays an earlier identical POST.
pub type IntakeOutcome = ServiceResult<(RequestView, bool)>;

/// A validated intake, ready to write.
#[derive(Clone)]
pub(super) struct Intake {
    pub(super) kind: RightKind,
    pub(super) description: String,
    pub(super) service_area: Option<String>,
    pub(super) language: Language,
    pub(super) geography: Option<Geography>,
    pub(super) subject: SubjectId,
    pub(super) channel: Channel,
    pub(super) received_on: NaiveDate,
    pub(super) contact_email: Option<String>,
    pub(super) wants_paper: bool,
}
