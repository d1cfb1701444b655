//! Connector protocol v1 (docs/source-protocol.md): the wire types both sides share, and strict
//! parsing of answers. A source that answers something we cannot read has failed, with a reason
//! a caseworker can act on; it never crashes the collection.
//!
//! Over 500 lines on purpose: the wire types and their strict parsing, with the table of malformed answers that pins it.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub const PROTOCOL_VERSION: &str = "1";
/// Largest answer body we read from a source.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// Most records one answer may carry.
pub const MAX_RECORDS: usize = 100_000;
const MAX_FIELD: usize = 64 * 1024;

/// What dsar asks a source to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Access,
    Rectify,
    Erase,
    Restrict,
    Object,
    /// Receive an art. 19 notice: data this source's owner received from us was changed.
    Notify,
    /// Lift a restriction (art. 18(3)), only after the person was told.
    Lift,
}

impl Operation {
    pub const ALL: [Operation; 7] = [
        Operation::Access,
        Operation::Rectify,
        Operation::Erase,
        Operation::Restrict,
        Operation::Object,
        Operation::Notify,
        Operation::Lift,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Rectify => "rectify",
            Self::Erase => "erase",
            Self::Restrict => "restrict",
            Self::Object => "object",
            Self::Notify => "notify",
            Self::Lift => "lift",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The token scope for this operation.
    pub fn scope(&self) -> String {
        format!("dsar:{}", self.as_str())
    }

    /// The operation that carries out a right once decided (innsyn is answered by access).
    pub fn for_right(kind: crate::lifecycle::RightKind) -> Self {
        use crate::lifecycle::RightKind as K;
        match kind {
            K::Innsyn => Self::Access,
            K::Retting => Self::Rectify,
            K::Sletting => Self::Erase,
            K::Begrensning => Self::Restrict,
            K::Protest => Self::Object,
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The person a call is about: the national identity number, or, for a person known only by
/// one and only to a source that finds persons by it, the DUF number.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subject {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pid: String,
    /// 12 digits, without spaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duf: Option<String>,
}

impl Subject {
    /// The subject of a call about the person with this national identity number.
    pub fn pid(pid: &crate::identity::Pid) -> Self {
        Self {
            pid: pid.as_str().to_string(),
            duf: None,
        }
    }

    /// The subject of a call about a person known only by this DUF number.
    pub fn duf(duf: &crate::identity::DufNumber) -> Self {
        Self {
            pid: String::new(),
            duf: Some(duf.as_str().to_string()),
        }
    }
}

/// The body of `POST {base}/dsar/v1/{operation}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OperationCall {
    pub request_id: Uuid,
    pub subject: Subject,
    /// What the person asked for, in their words (rectify: what is wrong and what is right;
    /// object: their grounds). Absent for access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The records the operation is about, when the caseworker narrowed it; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub record_ids: Vec<String>,
    /// rectify: the value each record is to have, as the person asked and the caseworker accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

/// The value one record is to have after rectification.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub record_id: String,
    pub value: String,
}

/// The body of `POST {base}/dsar/v1/notify`: an art. 19 notice to the organisation that runs the
/// source, as a recipient of data that was changed at another of the controller's systems.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NoticeCall {
    pub request_id: Uuid,
    /// The same notice sent again has the same id, so the recipient records it once.
    pub notice_id: Uuid,
    pub subject: Subject,
    /// Who tells: the controller's name and the case reference to quote.
    pub controller: String,
    pub reference: String,
    /// `rectify`, `erase` or `restrict`.
    pub operation: Operation,
    /// Only what this recipient received, and what changed.
    pub changes: Vec<NoticeChange>,
}

/// One changed record in a notice.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeChange {
    /// The controller's system the data came from.
    pub source: String,
    pub record_id: String,
    pub label: String,
    pub outcome: RecordOutcome,
    /// The corrected value (rectify), where it is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
    /// Until when the restriction lasts (restrict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

/// The answer to `notify`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NoticeReceipt {
    pub protocol: String,
    pub notice_id: Uuid,
    pub received: bool,
}

/// Parses the answer to `notify`: right version, the same notice, and `received: true`.
pub fn parse_receipt(notice_id: Uuid, body: &[u8]) -> Result<(), AnswerError> {
    let receipt: NoticeReceipt =
        serde_json::from_slice(body).map_err(|e| AnswerError::Malformed {
            operation: Operation::Notify,
            path: String::new(),
            problem: match e.classify() {
                serde_json::error::Category::Data => "missing or unknown field, or a wrong type",
                _ => "broken JSON",
            }
            .into(),
        })?;
    if receipt.protocol != PROTOCOL_VERSION {
        return Err(AnswerError::Version(receipt.protocol));
    }
    if receipt.notice_id != notice_id {
        return Err(AnswerError::OtherRequest);
    }
    if !receipt.received {
        return Err(AnswerError::NotReceived);
    }
    Ok(())
}

/// One record a source holds about the person.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: String,
    /// Data category, e.g. `identity`, `address`, `residence`, `benefits`, `health`.
    pub category: String,
    /// What the value is, in words ("Registered address").
    pub label: String,
    pub value: String,
    pub recorded_at: Option<NaiveDate>,
    pub purpose: String,
    pub legal_basis: String,
    #[serde(default)]
    pub recipients: Vec<String>,
    pub retention: String,
    /// GDPR art. 9 data (e.g. health).
    #[serde(default)]
    pub special_category: bool,
    /// About someone else (a child, a spouse): kept out of the person's copy (art. 15(4)).
    #[serde(default)]
    pub third_party: bool,
}

/// The answer to `access`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AccessAnswer {
    pub protocol: String,
    pub request_id: Uuid,
    pub records: Vec<Record>,
}

/// What happened to one record in rectify, erase, restrict or object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordOutcome {
    Corrected,
    Erased,
    Restricted,
    Stopped,
    /// Kept by law (archive duty, retention rule, compelling grounds): needs a legal basis.
    Kept,
    NotFound,
    /// A restriction was lifted.
    Lifted,
}

impl RecordOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Corrected => "corrected",
            Self::Erased => "erased",
            Self::Restricted => "restricted",
            Self::Stopped => "stopped",
            Self::Kept => "kept",
            Self::NotFound => "not_found",
            Self::Lifted => "lifted",
        }
    }

    /// Whether this outcome answers `operation` at all (erase cannot answer `corrected`).
    pub fn fits(&self, operation: Operation) -> bool {
        matches!(
            (operation, self),
            (_, Self::Kept | Self::NotFound)
                | (Operation::Rectify, Self::Corrected)
                | (Operation::Erase, Self::Erased)
                | (Operation::Restrict, Self::Restricted)
                | (Operation::Object, Self::Stopped)
                | (Operation::Lift, Self::Lifted)
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordResult {
    pub record_id: String,
    pub category: String,
    pub label: String,
    pub outcome: RecordOutcome,
    /// Why, in words (required for `kept`).
    pub reason: Option<String>,
    /// The legal basis for keeping it (required for `kept`).
    pub legal_basis: Option<String>,
    /// Until when a restriction lasts.
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub third_party: bool,
    /// The value the record holds after rectification (`corrected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
}

/// The answer to rectify, erase, restrict and object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OperationAnswer {
    pub protocol: String,
    pub request_id: Uuid,
    pub results: Vec<RecordResult>,
}

/// `GET {base}/dsar/v1/`: what a source can do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Discovery {
    pub protocol: String,
    pub source: String,
    pub operations: Vec<Operation>,
    pub categories: Vec<String>,
}

/// A parsed answer: records for access, results for the other operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Records(Vec<Record>),
    Results(Vec<RecordResult>),
}

impl Answer {
    pub fn len(&self) -> usize {
        match self {
            Self::Records(r) => r.len(),
            Self::Results(r) => r.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why an answer was refused. The text is kept on the task for the caseworker; it never quotes
/// the answer's values (they may be personal data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("the answer is not valid JSON for the {operation} operation at `{path}`: {problem}")]
    Malformed {
        operation: Operation,
        path: String,
        problem: String,
    },
    #[error("the answer speaks protocol version `{0}`, we speak `{PROTOCOL_VERSION}`")]
    Version(String),
    #[error("the answer is about another request")]
    OtherRequest,
    #[error("the answer has {0} records, more than the {MAX_RECORDS} we accept")]
    TooMany(usize),
    #[error("record {index}: {problem}")]
    BadRecord { index: usize, problem: String },
    #[error("the recipient did not confirm it received the notice")]
    NotReceived,
}

/// Parses an answer body strictly: right shape, right version, right request, sane records.
pub fn parse_answer(
    operation: Operation,
    request_id: Uuid,
    body: &[u8],
) -> Result<Answer, AnswerError> {
    fn decode<T: serde::de::DeserializeOwned>(
        operation: Operation,
        body: &[u8],
    ) -> Result<T, AnswerError> {
        let de = &mut serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // serde_json's message may quote an offending value: keep only its class and place.
            let problem = match inner.classify() {
                serde_json::error::Category::Io => "could not be read".to_string(),
                serde_json::error::Category::Syntax => {
                    format!(
                        "broken JSON at line {} column {}",
                        inner.line(),
                        inner.column()
                    )
                }
                serde_json::error::Category::Eof => "the body ends too early".to_string(),
                serde_json::error::Category::Data => {
                    let msg = inner.to_string();
                    // "missing field `x`", "unknown field `x`", "invalid type: …, expected …".
                    if msg.starts_with("missing field") || msg.starts_with("unknown field") {
                        msg.split(" at line").next().unwrap_or(&msg).to_string()
                    } else {
                        "a field has the wrong type or value".to_string()
                    }
                }
            };
            AnswerError::Malformed {
                operation,
                path,
                problem,
            }
        })
    }
    match operation {
        Operation::Access => {
            let answer: AccessAnswer = decode(operation, body)?;
            check_envelope(&answer.protocol, answer.request_id, request_id)?;
            if answer.records.len() > MAX_RECORDS {
                return Err(AnswerError::TooMany(answer.records.len()));
            }
            let mut seen = std::collections::HashSet::new();
            for (index, r) in answer.records.iter().enumerate() {
                let bad = |problem: &str| AnswerError::BadRecord {
                    index,
                    problem: problem.into(),
                };
                if r.id.trim().is_empty() || r.category.trim().is_empty() {
                    return Err(bad("id and category must not be empty"));
                }
                if !seen.insert(r.id.as_str()) {
                    return Err(bad("the record id is used twice"));
                }
                let too_long = [&r.id, &r.category, &r.label, &r.value, &r.purpose]
                    .iter()
                    .any(|f| f.len() > MAX_FIELD);
                if too_long {
                    return Err(bad("a field is longer than 64 KiB"));
                }
            }
            Ok(Answer::Records(answer.records))
        }
        _ => {
            let answer: OperationAnswer = decode(operation, body)?;
            check_envelope(&answer.protocol, answer.request_id, request_id)?;
            if answer.results.len() > MAX_RECORDS {
                return Err(AnswerError::TooMany(answer.results.len()));
            }
            let mut seen = std::collections::HashSet::new();
            for (index, r) in answer.results.iter().enumerate() {
                let bad = |problem: String| AnswerError::BadRecord { index, problem };
                if r.record_id.trim().is_empty() {
                    return Err(bad("record_id must not be empty".into()));
                }
                if !seen.insert(r.record_id.as_str()) {
                    return Err(bad("the record id is used twice".into()));
                }
                if !r.outcome.fits(operation) {
                    return Err(bad(format!(
                        "outcome `{}` does not answer {operation}",
                        r.outcome.as_str()
                    )));
                }
                if r.outcome == RecordOutcome::Kept
                    && (r.reason.as_deref().is_none_or(|s| s.trim().is_empty())
                        || r.legal_basis.as_deref().is_none_or(|s| s.trim().is_empty()))
                {
                    return Err(bad("a kept record needs a reason and a legal basis".into()));
                }
            }
            Ok(Answer::Results(answer.results))
        }
    }
}

fn check_envelope(protocol: &str, got: Uuid, expected: Uuid) -> Result<(), AnswerError> {
    if protocol != PROTOCOL_VERSION {
        return Err(AnswerError::Version(protocol.chars().take(16).collect()));
    }
    if got != expected {
        return Err(AnswerError::OtherRequest);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str) -> serde_json::Value {
        json!({
            "id": id, "category": "address", "label": "Adresse", "value": "Storgata 1",
            "recorded_at": "2024-05-01", "purpose": "Bosetting", "legal_basis": "integreringsloven § 4",
            "recipients": ["NAV"], "retention": "15 år", "special_category": false, "third_party": false
        })
    }

    #[test]
    fn access_answers_parse_or_fail_with_a_reason() {
        let rid = Uuid::now_v7();
        let other = Uuid::now_v7();
        let cases: Vec<(serde_json::Value, Result<usize, &str>)> = vec![
            (
                json!({"protocol": "1", "request_id": rid, "records": [record("a"), record("b")]}),
                Ok(2),
            ),
            (
                json!({"protocol": "1", "request_id": rid, "records": []}),
                Ok(0),
            ),
            (
                json!({"protocol": "2", "request_id": rid, "records": []}),
                Err("protocol version"),
            ),
            (
                json!({"protocol": "1", "request_id": other, "records": []}),
                Err("another request"),
            ),
            (
                json!({"protocol": "1", "request_id": rid}),
                Err("missing field `records`"),
            ),
            (
                json!({"protocol": "1", "request_id": rid, "records": [record("a"), record("a")]}),
                Err("used twice"),
            ),
            (
                json!({"protocol": "1", "request_id": rid, "records": [{"id": "x"}]}),
                Err("records[0]"),
            ),
            (
                json!({"protocol": "1", "request_id": rid, "records": [record("a")], "extra": 1}),
                Err("unknown field `extra`"),
            ),
            (
                json!({"protocol": "1", "request_id": rid, "records": [{"id": "", "category": "a", "label": "", "value": "", "recorded_at": null, "purpose": "", "legal_basis": "", "retention": ""}]}),
                Err("must not be empty"),
            ),
            (
                json!({"protocol": "1", "request_id": rid, "records": "nope"}),
                Err("wrong type"),
            ),
        ];
        for (body, expected) in cases {
            let got = parse_answer(Operation::Access, rid, body.to_string().as_bytes());
            match (got, expected) {
                (Ok(a), Ok(n)) => assert_eq!(a.len(), n, "{body}"),
                (Err(e), Err(fragment)) => {
                    assert!(
                        e.to_string().contains(fragment),
                        "{e} should mention {fragment}"
                    )
                }
                (got, expected) => panic!("{body}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn broken_bodies_are_failures_that_do_not_quote_values() {
        let rid = Uuid::now_v7();
        for body in [
            &b"{\"protocol\": \"1\", \"req"[..],
            b"",
            b"<html>500</html>",
            b"null",
        ] {
            let e = parse_answer(Operation::Access, rid, body).unwrap_err();
            assert!(matches!(e, AnswerError::Malformed { .. }), "{e}");
        }
        let secret =
            json!({"protocol": "1", "request_id": rid, "records": [{"id": 12345678901u64}]});
        let e = parse_answer(Operation::Access, rid, secret.to_string().as_bytes()).unwrap_err();
        assert!(!e.to_string().contains("12345678901"), "{e}");
    }

    #[test]
    fn operation_results_must_fit_the_operation() {
        let rid = Uuid::now_v7();
        let result = |outcome: &str, reason: Option<&str>, basis: Option<&str>| {
            json!({"protocol": "1", "request_id": rid, "results": [{
                "record_id": "r1", "category": "c", "label": "l", "outcome": outcome,
                "reason": reason, "legal_basis": basis, "until": null
            }]})
        };
        let cases = [
            (Operation::Erase, result("erased", None, None), true),
            (
                Operation::Erase,
                result("kept", Some("arkivplikt"), Some("arkivlova § 6")),
                true,
            ),
            (
                Operation::Erase,
                result("kept", None, Some("arkivlova § 6")),
                false,
            ),
            (
                Operation::Erase,
                result("kept", Some("arkivplikt"), None),
                false,
            ),
            (Operation::Erase, result("corrected", None, None), false),
            (Operation::Rectify, result("corrected", None, None), true),
            (Operation::Restrict, result("restricted", None, None), true),
            (Operation::Object, result("stopped", None, None), true),
            (Operation::Object, result("erased", None, None), false),
            (Operation::Rectify, result("not_found", None, None), true),
            (Operation::Rectify, result("exploded", None, None), false),
        ];
        for (op, body, ok) in cases {
            let got = parse_answer(op, rid, body.to_string().as_bytes());
            assert_eq!(got.is_ok(), ok, "{op} {body}: {got:?}");
        }
    }

    #[test]
    fn operations_round_trip_and_map_from_rights() {
        use crate::lifecycle::RightKind;
        for op in Operation::ALL {
            assert_eq!(Operation::parse(op.as_str()), Some(op));
        }
        assert_eq!(Operation::parse("delete"), None);
        assert_eq!(Operation::for_right(RightKind::Sletting), Operation::Erase);
        assert_eq!(Operation::Erase.scope(), "dsar:erase");
    }
}
