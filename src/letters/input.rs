//! What a letter is made from: the case context, the decision, the collected records (connector
//! protocol) and the per-record results of retting/sletting/begrensning/protest.
use chrono::NaiveDate;
use entity::values::RepresentationBasis;
use serde::{Deserialize, Serialize};

use crate::{
    i18n::Language,
    identity::{OrgNumber, Reference},
    lifecycle::{Outcome, RightKind},
};

/// The person the letter is written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub language: Language,
    /// Postal address lines, if the letter is to be printed; empty for portal delivery.
    #[serde(default)]
    pub address: Vec<String>,
}

/// The data protection officer's contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpoContact {
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
}

/// The controller (behandlingsansvarlig) as shown in the letterhead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerContact {
    pub name: String,
    pub org_number: OrgNumber,
    /// The unit handling the case, e.g. "Nav Gamle Oslo".
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub address: Vec<String>,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub dpo: DpoContact,
    /// Who hears an appeal against the controller's refusals. Set: a refusal or partial refusal
    /// is an individual decision (enkeltvedtak, forvaltningsloven § 2) and its letter is headed
    /// as one and carries the appeal information (§ 27 third paragraph). Not set: the letter is
    /// an answer, not headed "vedtak".
    #[serde(default)]
    pub appeal_body: Option<String>,
}

/// An extension of the deadline (GDPR art. 12(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub new_due_on: NaiveDate,
    /// The caseworker's reasons, shown to the person.
    pub reason: String,
}

/// A letter written to a representative about the person they act for: `recipient` is the
/// representative, this names the person and on what basis the representative acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnBehalfOf {
    /// The represented person's name as Folkeregisteret has it; empty where it is not known.
    pub person_name: String,
    pub basis: RepresentationBasis,
    /// The writer has not shown that they may act for the person: the letter says so instead
    /// of confirming the representation.
    #[serde(default)]
    pub unproven: bool,
}

/// The facts of the case every letter uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterContext {
    pub recipient: Recipient,
    pub reference: Reference,
    pub kind: RightKind,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    #[serde(default)]
    pub extension: Option<Extension>,
    pub controller: ControllerContact,
    /// The date printed on the letter.
    pub letter_date: NaiveDate,
    /// Set where a representation that holds on the letter's day made the request: the letter
    /// goes to the representative and says whom it is about.
    #[serde(default)]
    pub on_behalf: Option<OnBehalfOf>,
}

impl LetterContext {
    /// The person the case (and any data package) is about: the represented person where a
    /// representative is written to, else the recipient.
    pub fn subject_name(&self) -> &str {
        match &self.on_behalf {
            Some(o) => &o.person_name,
            None => &self.recipient.name,
        }
    }
}

/// The approved decision (outcome + legal bases from the catalogue + free text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// Catalogue ids, e.g. `gdpr-17-3-b`.
    #[serde(default)]
    pub legal_bases: Vec<String>,
    /// The caseworker's explanation to the person.
    #[serde(default)]
    pub text: String,
}

/// One record from a source's access answer (connector protocol v1), with the source
/// it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectedRecord {
    pub source_id: String,
    pub source_name: String,
    pub id: String,
    /// A category id, e.g. `residence_permit`; shown by its registry name when known.
    pub category: String,
    pub label: String,
    /// Usually a string; any JSON value is accepted and shown as JSON.
    pub value: serde_json::Value,
    #[serde(default)]
    pub recorded_at: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub legal_basis: Option<String>,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub retention: Option<String>,
    /// Special category (art. 9) data, e.g. health.
    #[serde(default)]
    pub special_category: bool,
    /// About someone else: never in the person's copy (art. 15(4)).
    #[serde(default)]
    pub third_party: bool,
}

impl CollectedRecord {
    /// The value as text: strings as they are, `null` as empty, anything else as compact JSON.
    pub fn value_text(&self) -> String {
        match &self.value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// What a source did with one record on retting/sletting/begrensning/protest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationOutcome {
    Corrected,
    Erased,
    Restricted,
    Stopped,
    /// Kept (not changed, erased, restricted or stopped), with a reason and legal basis.
    Kept,
}

impl OperationOutcome {
    pub const ALL: [OperationOutcome; 5] = [
        OperationOutcome::Corrected,
        OperationOutcome::Erased,
        OperationOutcome::Restricted,
        OperationOutcome::Stopped,
        OperationOutcome::Kept,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Corrected => "corrected",
            Self::Erased => "erased",
            Self::Restricted => "restricted",
            Self::Stopped => "stopped",
            Self::Kept => "kept",
        }
    }
}

/// The result for one record of a rectify/erase/restrict/object operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationResult {
    pub source_id: String,
    pub source_name: String,
    pub record_id: String,
    pub label: String,
    pub outcome: OperationOutcome,
    /// The corrected value (retting).
    #[serde(default)]
    pub new_value: Option<String>,
    /// The value before the correction (retting), where the source's holdings were collected.
    #[serde(default)]
    pub old_value: Option<String>,
    /// Why (especially for `kept`).
    #[serde(default)]
    pub reason: Option<String>,
    /// A catalogue id (shown with its citation) or a source's own citation text.
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// How long processing stays restricted (begrensning).
    #[serde(default)]
    pub restricted_until: Option<NaiveDate>,
}

/// Everything the answer letter needs beyond the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub decision: Decision,
    /// The registry entries of every processing activity that applies to this case (at least one
    /// for innsyn unless refused); each is described in the letter.
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// innsyn: the collected records. Records flagged `third_party` are left out automatically;
    /// records withheld by the decision on other grounds must not be passed in.
    #[serde(default)]
    pub records: Vec<CollectedRecord>,
    /// retting/sletting/begrensning/protest: what was done per record.
    #[serde(default)]
    pub operations: Vec<OperationResult>,
    /// The recipients told about the change (art. 19).
    #[serde(default)]
    pub notified_recipients: Vec<String>,
    /// The decision was made before every source system had answered (the caseworker waived
    /// collection): the letter must not speak of "the systems we searched" as if all were.
    #[serde(default)]
    pub collection_waived: bool,
}

/// The art. 19 notice to one recipient of the data (an organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientNotice {
    pub organisation: String,
    #[serde(default)]
    pub address: Vec<String>,
    pub language: Language,
    pub operations: Vec<OperationResult>,
}
