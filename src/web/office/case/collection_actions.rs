//! The case page's forms for collection: start collecting (with corrected values for a
//! rectification), call a failed source again, enter what a source without an API holds or did,
//! and waive collection so a decision can be made.
use axum::{
    extract::{Path, State},
    response::Response,
};

use super::{render, settle, state::CaseState};
use serde::{Deserialize, Serialize};

use crate::{
    app::AppState,
    decisions,
    error::ServiceError,
    sources::{
        collection::{self, CollectInput, ManualInput},
        protocol::{Correction, Operation, Record, RecordOutcome, RecordResult},
    },
    web::{
        CsrfForm,
        form::{Typed, trimmed},
        office::{CaseId, FormErrors, Office},
    },
};

/// The source part of `/office/sak/{id}/innhenting/{source}/…`.
#[derive(Debug, Deserialize)]
pub struct SourcePath {
    #[allow(dead_code)]
    id: String,
    pub(super) source: String,
}

/// The collection form, read as its pairs in order: its correction fields are named per record
/// (`correction_record_{n}`, `correction_value_{n}`), so no struct names them, and the order
/// sent is the order the errors are shown in.
type CollectForm = Vec<(String, String)>;

/// A form that only names the operation (calling a source again).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OperationForm {
    #[serde(deserialize_with = "trimmed")]
    operation: String,
}

/// The longest corrected value (the API's limit).
const MAX_CORRECTION: usize = 2000;

/// The collection form as the API's input: the operation and, for rectify, the corrected value
/// per record (`correction_record_{n}` names the record, `correction_value_{n}` its new value;
/// an empty value means the record is not corrected), which narrows the rectification to those
/// records. A value refused is reported beside its field, in the page's language.
fn collect_input(office: &Office, form: &CollectForm) -> Result<CollectInput, FormErrors> {
    let typed = Typed::of(form);
    let operation = Operation::parse(typed.get("operation").trim());
    let mut errors = FormErrors::default();
    let mut corrections = Vec::new();
    for (key, record_id) in form {
        let Some(n) = key.strip_prefix("correction_record_") else {
            continue;
        };
        let field = format!("correction_value_{n}");
        let value = typed.get(&field).trim().to_string();
        if value.is_empty() {
            continue;
        }
        if operation != Some(Operation::Rectify) {
            errors.push(&field, office.t("office.err.correction_not_rectify"));
        } else if value.chars().count() > MAX_CORRECTION {
            errors.push(&field, office.t("office.err.correction_too_long"));
        } else {
            corrections.push(Correction {
                record_id: record_id.clone(),
                value,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Corrected values narrow the rectification to the records they are for.
    let record_ids = corrections.iter().map(|c| c.record_id.clone()).collect();
    Ok(CollectInput {
        operation,
        record_ids,
        corrections,
    })
}

pub async fn collect(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<CollectForm>,
) -> Response {
    let typed = Typed::of(&form);
    let input = match collect_input(&office, &form) {
        Ok(input) => input,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("collect", errors, typed),
            )
            .await;
        }
    };
    let result = collection::start(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "collect", typed, result, "collecting").await
}

pub async fn retry(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { form, .. }: CsrfForm<OperationForm>,
) -> Response {
    let operation = Operation::parse(&form.operation);
    let result = collection::retry(&app, &office.principal, id, source, operation).await;
    settle(
        &app,
        &office,
        id,
        "collect",
        Typed::of(&form),
        result,
        "retrying",
    )
    .await
}

/// What a source without an API holds or did, entered by hand: one line per record, and for
/// access what the records are processed for.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ManualForm {
    #[serde(deserialize_with = "trimmed")]
    operation: String,
    /// Trimmed line by line.
    lines: String,
    #[serde(deserialize_with = "trimmed")]
    purpose: String,
    #[serde(deserialize_with = "trimmed")]
    legal_basis: String,
    #[serde(deserialize_with = "trimmed")]
    retention: String,
}

/// Parses the manual entry lines; the error says which line is wrong.
fn manual_input(form: &ManualForm, operation: Operation) -> Result<ManualInput, String> {
    let lines: Vec<&str> = form
        .lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut input = ManualInput {
        records: vec![],
        results: vec![],
    };
    for (n, line) in lines.iter().enumerate() {
        let parts: Vec<&str> = line.splitn(3, ';').map(str::trim).collect();
        let [a, b, c] = parts[..] else {
            return Err(format!("{}: {line}", n + 1));
        };
        if a.is_empty() || b.is_empty() || c.is_empty() {
            return Err(format!("{}: {line}", n + 1));
        }
        if operation == Operation::Access {
            input.records.push(Record {
                id: format!("manual-{}", n + 1),
                category: a.into(),
                label: b.into(),
                value: c.into(),
                recorded_at: None,
                purpose: form.purpose.clone(),
                legal_basis: form.legal_basis.clone(),
                recipients: vec![],
                retention: form.retention.clone(),
                special_category: false,
                third_party: false,
            });
        } else {
            let outcome: RecordOutcome =
                serde_json::from_value(serde_json::Value::String(c.into()))
                    .map_err(|_| format!("{}: {c}", n + 1))?;
            input.results.push(RecordResult {
                record_id: a.into(),
                category: String::new(),
                label: b.into(),
                outcome,
                reason: None,
                legal_basis: None,
                until: None,
                third_party: false,
                new_value: None,
            });
        }
    }
    Ok(input)
}

pub async fn manual(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { form, .. }: CsrfForm<ManualForm>,
) -> Response {
    let typed = Typed::of(&form);
    let operation = Operation::parse(&form.operation).unwrap_or(Operation::Access);
    let input = match manual_input(&form, operation) {
        Ok(input) => input,
        Err(line) => {
            let mut errors = FormErrors::default();
            errors.push(
                "lines",
                crate::i18n::tf(office.lang, "office.err.manual_line", &[("line", &line)]),
            );
            return render(
                &app,
                &office,
                id,
                CaseState::refused("manual", errors, typed),
            )
            .await;
        }
    };
    let result =
        collection::complete_manual(&app, &office.principal, id, source, Some(operation), input)
            .await;
    settle(&app, &office, id, "manual", typed, result, "recorded").await
}

/// The waiver's form: why collection is waived.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct WaiveForm {
    #[serde(deserialize_with = "trimmed")]
    reason: String,
}

/// The caseworker waives collection so the decision can be made (reason recorded).
pub async fn waive(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<WaiveForm>,
) -> Response {
    let typed = Typed::of(&form);
    let input = decisions::collected::WaiveInput {
        reason: form.reason,
    };
    let result = decisions::collected::waive(&app, &office.principal, id, input).await;
    if matches!(&result, Err(ServiceError::Invalid { .. })) {
        let mut errors = FormErrors::default();
        errors.push("reason", office.t("office.err.waive_reason"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("waive", errors, typed),
        )
        .await;
    }
    settle(&app, &office, id, "waive", typed, result, "waived").await
}
