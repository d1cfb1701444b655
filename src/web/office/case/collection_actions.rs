//! The case page's forms for collection: start collecting (with corrected values for a
//! rectification), call a failed source again, enter what a source without an API holds or did,
//! and waive collection so a decision can be made.
use axum::{
    extract::{Path, State},
    response::Response,
};

use super::{render, settle, state::CaseState};
use serde::Deserialize;

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
        office::{CaseId, FormErrors, Office, Pairs, one},
    },
};

/// The source part of `/office/sak/{id}/innhenting/{source}/…`.
#[derive(Debug, Deserialize)]
pub struct SourcePath {
    #[allow(dead_code)]
    id: String,
    pub(super) source: String,
}

fn operation_of(form: &Pairs) -> Option<Operation> {
    Operation::parse(&one(form, "operation"))
}

/// The longest corrected value (the API's limit).
const MAX_CORRECTION: usize = 2000;

/// The collection form as the API's input: the operation and, for rectify, the corrected value
/// per record (`correction_record_{n}` names the record, `correction_value_{n}` its new value;
/// an empty value means the record is not corrected), which narrows the rectification to those
/// records. A value refused is reported beside its field, in the page's language.
fn collect_input(office: &Office, form: &Pairs) -> Result<CollectInput, FormErrors> {
    let operation = operation_of(form);
    let mut errors = FormErrors::default();
    let mut corrections = Vec::new();
    for (key, record_id) in form {
        let Some(n) = key.strip_prefix("correction_record_") else {
            continue;
        };
        let field = format!("correction_value_{n}");
        let value = one(form, &field).trim().to_string();
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
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = match collect_input(&office, &form) {
        Ok(input) => input,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("collect", errors, form),
            )
            .await;
        }
    };
    let result = collection::start(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "collect", form, result, "collecting").await
}

pub async fn retry(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let result = collection::retry(&app, &office.principal, id, source, operation_of(&form)).await;
    settle(&app, &office, id, "collect", form, result, "retrying").await
}

/// Parses the manual entry lines; the error says which line is wrong.
fn manual_input(form: &Pairs, operation: Operation) -> Result<ManualInput, String> {
    let lines: Vec<&str> = form
        .iter()
        .find(|(k, _)| k == "lines")
        .map(|(_, v)| v.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default();
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
                purpose: one(form, "purpose"),
                legal_basis: one(form, "legal_basis"),
                recipients: vec![],
                retention: one(form, "retention"),
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
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let operation = operation_of(&form).unwrap_or(Operation::Access);
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
                CaseState::refused("manual", errors, form),
            )
            .await;
        }
    };
    let result =
        collection::complete_manual(&app, &office.principal, id, source, Some(operation), input)
            .await;
    settle(&app, &office, id, "manual", form, result, "recorded").await
}

/// The caseworker waives collection so the decision can be made (reason recorded).
pub async fn waive(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = decisions::collected::WaiveInput {
        reason: one(&form, "reason"),
    };
    let result = decisions::collected::waive(&app, &office.principal, id, input).await;
    if matches!(&result, Err(ServiceError::Invalid { .. })) {
        let mut errors = FormErrors::default();
        errors.push("reason", office.t("office.err.waive_reason"));
        return render(&app, &office, id, CaseState::refused("waive", errors, form)).await;
    }
    settle(&app, &office, id, "waive", form, result, "waived").await
}
