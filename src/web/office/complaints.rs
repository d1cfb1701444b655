//! The case page's complaint forms (the panel is `complaints_panel`): register a complaint,
//! record that an appeal went on to the appeal body, record the outcome. The handlers decode
//! into the API's input structs and go through the same domain functions (`crate::complaints`).
use axum::{
    extract::{Path, State},
    response::Response,
};
use chrono::NaiveDate;
use entity::complaint::{ComplaintKind, ComplaintOutcome};
use uuid::Uuid;

use serde::{Deserialize, Serialize};

use super::{FormErrors, Office};
use crate::{
    app::AppState,
    complaints::{self, ComplaintInput, ComplaintOutcomeInput, SentToAppealBodyInput},
    error::{ServiceError, ServiceResult},
    web::{
        CsrfForm,
        form::{Typed, trimmed},
    },
};

/// Registering a complaint. `complaint_id` (empty here) tells the panel which form was refused.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RegisterForm {
    #[serde(deserialize_with = "trimmed")]
    kind: String,
    #[serde(deserialize_with = "trimmed")]
    received_on: String,
    #[serde(deserialize_with = "trimmed")]
    note: String,
    #[serde(deserialize_with = "trimmed")]
    complaint_id: String,
}

/// The day an appeal went on to the appeal body.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SentOnForm {
    #[serde(deserialize_with = "trimmed")]
    sent_on: String,
    #[serde(deserialize_with = "trimmed")]
    complaint_id: String,
}

/// A complaint's outcome.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OutcomeForm {
    #[serde(deserialize_with = "trimmed")]
    outcome: String,
    #[serde(deserialize_with = "trimmed")]
    decided_on: String,
    #[serde(deserialize_with = "trimmed")]
    note: String,
    #[serde(deserialize_with = "trimmed")]
    complaint_id: String,
}

/// A date field: what is not a date is refused beside the field.
fn date_field(office: &Office, raw: &str, field: &'static str) -> Result<NaiveDate, FormErrors> {
    raw.parse().map_err(|_| {
        let mut errors = FormErrors::default();
        errors.push(&format!("complaint_{field}"), office.t("office.err.date"));
        errors
    })
}

/// The domain names the API's fields; the page's texts for them are the complaint's own
/// (`office.err.complaint_<field>`), since a request has fields of the same names.
fn page_fields<T>(result: ServiceResult<T>) -> ServiceResult<T> {
    result.map_err(|e| match e {
        ServiceError::Invalid { field, message } => {
            let field = match field {
                "received_on" => "complaint_received_on",
                "sent_on" => "complaint_sent_on",
                "decided_on" => "complaint_decided_on",
                other => other,
            };
            ServiceError::Invalid { field, message }
        }
        other => other,
    })
}

fn ids(id: &str, complaint: &str) -> Option<(Uuid, Uuid)> {
    Some((id.parse().ok()?, complaint.parse().ok()?))
}

pub async fn register(
    State(app): State<AppState>,
    office: Office,
    super::CaseId(id): super::CaseId,
    CsrfForm { form, .. }: CsrfForm<RegisterForm>,
) -> Response {
    let typed = Typed::of(&form);
    let Some(kind) = ComplaintKind::parse(&form.kind) else {
        return office.error(ServiceError::invalid("kind", "unknown kind of complaint"));
    };
    let received_on = match date_field(&office, &form.received_on, "received_on") {
        Ok(d) => d,
        Err(errors) => {
            return super::case::refuse(&app, &office, id, "complaint", errors, typed).await;
        }
    };
    let input = ComplaintInput {
        kind,
        received_on,
        note: Some(form.note.clone()),
    };
    let result = page_fields(complaints::register(&app, &office.principal, id, input).await);
    super::case::settle(
        &app,
        &office,
        id,
        "complaint",
        typed,
        result,
        "complaint_registered",
    )
    .await
}

pub async fn sent_on(
    State(app): State<AppState>,
    office: Office,
    Path((id, complaint)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<SentOnForm>,
) -> Response {
    let typed = Typed::of(&form);
    let Some((id, complaint)) = ids(&id, &complaint) else {
        return office.error(ServiceError::NotFound("complaint"));
    };
    let sent_on = match date_field(&office, &form.sent_on, "sent_on") {
        Ok(d) => d,
        Err(errors) => {
            return super::case::refuse(&app, &office, id, "complaint_sent", errors, typed).await;
        }
    };
    let result = page_fields(
        complaints::send_to_appeal_body(
            &app,
            &office.principal,
            id,
            complaint,
            SentToAppealBodyInput { sent_on },
        )
        .await,
    );
    super::case::settle(
        &app,
        &office,
        id,
        "complaint_sent",
        typed,
        result,
        "complaint_sent",
    )
    .await
}

pub async fn outcome(
    State(app): State<AppState>,
    office: Office,
    Path((id, complaint)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<OutcomeForm>,
) -> Response {
    let typed = Typed::of(&form);
    let Some((id, complaint)) = ids(&id, &complaint) else {
        return office.error(ServiceError::NotFound("complaint"));
    };
    let Some(outcome) = ComplaintOutcome::parse(&form.outcome) else {
        let mut errors = FormErrors::default();
        errors.push(
            "complaint_outcome",
            office.t("office.err.complaint_outcome"),
        );
        return super::case::refuse(&app, &office, id, "complaint_outcome", errors, typed).await;
    };
    let decided_on = match date_field(&office, &form.decided_on, "decided_on") {
        Ok(d) => d,
        Err(errors) => {
            return super::case::refuse(&app, &office, id, "complaint_outcome", errors, typed)
                .await;
        }
    };
    let input = ComplaintOutcomeInput {
        outcome,
        decided_on,
        note: Some(form.note.clone()),
    };
    let result = page_fields(
        complaints::record_outcome(&app, &office.principal, id, complaint, input).await,
    );
    super::case::settle(
        &app,
        &office,
        id,
        "complaint_outcome",
        typed,
        result,
        "complaint_decided",
    )
    .await
}
