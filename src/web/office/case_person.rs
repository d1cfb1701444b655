//! The case page's forms about the person (shown by `case_person_panel`): the language they
//! are written to, and another number of theirs (a fødselsnummer for a d-nummer, a number for a
//! DUF number, or, for a person registered by name and date of birth, the number once their
//! identity is known). The handlers call the same domain functions as the API; a refused form
//! shows the case again with the error beside the field.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};

use serde::{Deserialize, Serialize};

use super::{CaseId, FormErrors, Office};
use crate::{
    app::AppState,
    error::ServiceError,
    i18n::Language,
    persons::{self, LinkNumbers, LinkRefusal, LinkState},
    requests::language::{self, LanguageInput, Refusal},
    web::{
        CsrfForm,
        form::{Typed, trimmed},
    },
};

fn refused(field: &str, message: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    errors.push(field, message);
    errors
}

/// The language form: the code of the language the person is written to.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LanguageForm {
    #[serde(deserialize_with = "trimmed")]
    language: String,
}

/// `POST /office/sak/{id}/sprak`.
pub async fn change_language(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<LanguageForm>,
) -> Response {
    let typed = Typed::of(&form);
    let Some(language) = Language::from_code(&form.language) else {
        let errors = refused("language", office.t("office.err.language"));
        return super::case::refuse(&app, &office, id, "language", errors, typed).await;
    };
    let key = match language::change(&app, &office.principal, id, LanguageInput { language }).await
    {
        Ok(_) => {
            return Redirect::to(&format!("/office/sak/{id}?done=language_changed#notice"))
                .into_response();
        }
        Err(ServiceError::Invalid {
            field: "language", ..
        }) => "office.err.language_same",
        Err(ServiceError::Conflict(m)) if m == Refusal::AwaitingApproval.message() => {
            "office.err.language_awaiting_approval"
        }
        Err(ServiceError::Conflict(m)) if m == Refusal::Closed.message() => {
            "office.err.language_closed"
        }
        Err(e) => return office.error(e),
    };
    let errors = refused("language", office.t(key));
    super::case::refuse(&app, &office, id, "language", errors, typed).await
}

/// The link form: the person's other number.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LinkForm {
    #[serde(deserialize_with = "trimmed")]
    other_pid: String,
}

/// `POST /office/sak/{id}/nummer`: the person of this case and the number typed are one
/// person (at once, or once a privacy officer approves the merge).
pub async fn link_number(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<LinkForm>,
) -> Response {
    let typed = Typed::of(&form);
    let input = LinkNumbers {
        pid: None,
        duf: None,
        request_id: Some(id),
        other_pid: form.other_pid,
    };
    let message = match persons::link(&app, &office.principal, input).await {
        Ok(linked) => {
            let done = match linked.status {
                LinkState::Linked => "numbers_linked",
                LinkState::AwaitingApproval => "merge_waiting",
            };
            return Redirect::to(&format!("/office/sak/{id}?done={done}#notice")).into_response();
        }
        Err(e) => match (LinkRefusal::of(&e), &e) {
            (Some(r), _) => office
                .t(&format!("office.case_person.refused_{}", r.key()))
                .to_string(),
            (
                None,
                ServiceError::Invalid {
                    field: "other_pid", ..
                },
            ) => office.t("office.err.other_pid").to_string(),
            (None, ServiceError::Conflict(_)) => {
                office.t("office.case_person.merge_waiting").to_string()
            }
            _ => return office.error(e),
        },
    };
    let errors = refused("other_pid", &message);
    super::case::refuse(&app, &office, id, "link", errors, typed).await
}
