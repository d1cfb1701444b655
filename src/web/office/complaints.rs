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

use super::{FormErrors, Office, Pairs, one};
use crate::{
    app::AppState,
    complaints::{self, ComplaintInput, ComplaintOutcomeInput, SentToAppealBodyInput},
    error::{ServiceError, ServiceResult},
    web::CsrfForm,
};

/// A date field: what is not a date is refused beside the field.
fn date_field(office: &Office, form: &Pairs, field: &'static str) -> Result<NaiveDate, FormErrors> {
    one(form, field).parse().map_err(|_| {
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
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let Some(kind) = ComplaintKind::parse(&one(&form, "kind")) else {
        return office.error(ServiceError::invalid("kind", "unknown kind of complaint"));
    };
    let received_on = match date_field(&office, &form, "received_on") {
        Ok(d) => d,
        Err(errors) => {
            return super::case::refuse(&app, &office, id, "complaint", errors, form).await;
        }
    };
    let input = ComplaintInput {
        kind,
        received_on,
        note: Some(one(&form, "note")),
    };
    let result = page_fields(complaints::register(&app, &office.principal, id, input).await);
    super::case::settle(
        &app,
        &office,
        id,
        "complaint",
        form,
        result,
        "complaint_registered",
    )
    .await
}

pub async fn sent_on(
    State(app): State<AppState>,
    office: Office,
    Path((id, complaint)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let Some((id, complaint)) = ids(&id, &complaint) else {
        return office.error(ServiceError::NotFound("complaint"));
    };
    let sent_on = match date_field(&office, &form, "sent_on") {
        Ok(d) => d,
        Err(errors) => {
            return super::case::refuse(&app, &office, id, "complaint_sent", errors, form).await;
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
        form,
        result,
        "complaint_sent",
    )
    .await
}

pub async fn outcome(
    State(app): State<AppState>,
    office: Office,
    Path((id, complaint)): Path<(String, String)>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let Some((id, complaint)) = ids(&id, &complaint) else {
        return office.error(ServiceError::NotFound("complaint"));
    };
    let Some(outcome) = ComplaintOutcome::parse(&one(&form, "outcome")) else {
        let mut errors = FormErrors::default();
        errors.push(
            "complaint_outcome",
            office.t("office.err.complaint_outcome"),
        );
        return super::case::refuse(&app, &office, id, "complaint_outcome", errors, form).await;
    };
    let decided_on = match date_field(&office, &form, "decided_on") {
        Ok(d) => d,
        Err(errors) => {
            return super::case::refuse(&app, &office, id, "complaint_outcome", errors, form).await;
        }
    };
    let input = ComplaintOutcomeInput {
        outcome,
        decided_on,
        note: Some(one(&form, "note")),
    };
    let result = page_fields(
        complaints::record_outcome(&app, &office.principal, id, complaint, input).await,
    );
    super::case::settle(
        &app,
        &office,
        id,
        "complaint_outcome",
        form,
        result,
        "complaint_decided",
    )
    .await
}
