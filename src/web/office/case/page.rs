//! The case page's view model: the case as the domain gives it (`data`), what a refused form or a
//! reveal adds (`state`), and what the page works out from them once: whether this staff member
//! works the case and what the lifecycle allows, the colleagues and units to choose from, the
//! legal-basis catalogue, the letter an approver checks before sending, and whether collection
//! lets a decision be made. Also the small helpers every panel uses for a form field's error and
//! for naming staff. The panels only render what is here.
use std::sync::Arc;

use entity::staff_user;
use maud::{Markup, html};
use uuid::Uuid;

use super::{
    data::{self, CaseData},
    state::CaseState,
};
use crate::{
    app::AppState,
    clock::today_oslo,
    decisions::{self, DecisionStatus, DraftDocuments, collected::Readiness},
    error::ServiceResult,
    i18n::Language,
    legal_bases::Catalogue,
    lifecycle::{Action, Role, Status},
    registry::Registry,
    web::{
        csrf_field,
        office::{Office, queue::assignable_staff},
    },
};

/// Everything the case page shows, worked out before any of it is rendered.
pub(super) struct Page<'a> {
    pub office: &'a Office,
    pub id: Uuid,
    pub data: CaseData,
    pub state: CaseState,
    pub csrf: Markup,
    /// The case's letters sent for printing (`letters_out`).
    pub deliveries: Markup,
    pub today: chrono::NaiveDate,
    /// Forms and actions only for the roles that work cases (an auditor reads).
    pub works: bool,
    pub open: bool,
    pub registry: Arc<Registry>,
    /// Whom the case can be assigned to (while it is open, for those who work it).
    pub colleagues: Vec<staff_user::Model>,
    /// The units the case can be forwarded to: (controller, unit, unit id), sorted.
    pub units: Vec<(String, String, Uuid)>,
    pub catalogue: Catalogue,
    /// The draft is this staff member's own: the page does not offer approving it.
    pub drafter_is_me: bool,
    pub four_eyes: bool,
    /// A privacy officer about to approve another's draft, with the letter in view.
    pub approving: bool,
    /// Without four eyes, the drafter about to send the answer, with the letter in view.
    pub sending: bool,
    /// The draft's letter and package, when approving or sending.
    pub letter: Option<DraftDocuments>,
    /// Awaiting approval with nothing to approve: the page offers to make the draft.
    pub stuck: bool,
    /// Deciding waits for collection (or a privacy officer's waiver).
    pub ready: Readiness,
    pub may_decide: bool,
    /// An unproven representation: nothing to collect, no identity to check before refusing it.
    pub claim_open: bool,
}

impl<'a> Page<'a> {
    /// Reads the case and works out the rest (the reads in the order the page has always made
    /// them).
    pub async fn load(
        app: &AppState,
        office: &'a Office,
        id: Uuid,
        state: CaseState,
    ) -> ServiceResult<Self> {
        let data = data::load(app, office, id).await?;
        let deliveries = crate::web::office::letters_out::case_section(app, office, id).await?;
        let v = &data.view;
        let today = today_oslo();
        // Forms and actions only for the roles that work cases (an auditor reads).
        let works = crate::access::allows(office.staff.role, crate::access::Act::WorkCase);
        let open = v.status.is_open();
        let registry = app.registry.get(&app.db).await?;
        let colleagues = if works && open {
            assignable_staff(app, &[v.unit.id]).await?
        } else {
            vec![]
        };
        let mut units: Vec<(String, String, Uuid)> = registry
            .units
            .values()
            .filter(|u| u.id != v.unit.id)
            .map(|u| {
                let controller = registry
                    .controllers
                    .get(&u.controller_id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                (controller, u.name.clone(), u.id)
            })
            .collect();
        units.sort();
        let catalogue = decisions::catalogue::load(&app.db).await?;
        let csrf = csrf_field(&office.session.session);
        let drafter_is_me = data.decision.as_ref().is_some_and(|d| {
            // The domain refuses approving one's own draft; the page does not offer it either.
            data.events
                .iter()
                .rev()
                .any(|e| e.action == "decision_drafted" && e.actor == office.staff.username)
                && d.status == DecisionStatus::Draft
        });
        let four_eyes = registry
            .controllers
            .get(&v.controller.id)
            .is_some_and(|c| c.four_eyes);
        let draft = data
            .decision
            .as_ref()
            .filter(|d| d.status == DecisionStatus::Draft);
        // The approver (or, without four eyes, the drafter sending the answer) sees the exact
        // letter and package before the button that sends it; the button names the draft they
        // saw.
        let approving = v.status == Status::AwaitingApproval
            && draft.is_some()
            && office.staff.role == Role::PrivacyOfficer
            && !drafter_is_me;
        let sending = v.status == Status::InProgress && draft.is_some() && works && !four_eyes;
        let letter = if approving || sending {
            Some(decisions::draft_documents(app, &office.principal, id).await?)
        } else {
            None
        };
        // Awaiting approval with nothing to approve: the page offers to make the draft.
        let stuck = works && v.status == Status::AwaitingApproval && draft.is_none();
        // Deciding waits for collection (or a privacy officer's waiver).
        let ready = decisions::collected::readiness(&app.db, id).await?;
        let may_decide = works && (v.status == Status::InProgress || stuck);
        let claim_open = ready == Readiness::NotCollected;
        Ok(Self {
            office,
            id,
            data,
            state,
            csrf,
            deliveries,
            today,
            works,
            open,
            registry,
            colleagues,
            units,
            catalogue,
            drafter_is_me,
            four_eyes,
            approving,
            sending,
            letter,
            stuck,
            ready,
            may_decide,
            claim_open,
        })
    }

    pub fn lang(&self) -> Language {
        self.office.lang
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.office.t(key)
    }

    /// The lifecycle allows this step on the case now.
    pub fn allowed(&self, a: Action) -> bool {
        self.data.view.allowed_actions.contains(&a)
    }

    /// A refused field's error, shown beside it.
    pub fn field_error(&self, form: &str, field: &str) -> Markup {
        let state = &self.state;
        html! {
            @if let Some(e) = state.error(form, field) {
                p.field-error id=(format!("{form}-{field}-error")) { (e) }
            }
        }
    }

    /// The id of a refused field's error, for its `aria-describedby`.
    pub fn described(&self, form: &str, field: &str) -> Option<String> {
        self.state
            .error(form, field)
            .map(|_| format!("{form}-{field}-error"))
    }

    /// The error summary on top of a refused form (unless the error is the whole form's, which
    /// the page shows on top).
    pub fn form_level(&self, form: &str) -> Markup {
        let (state, lang) = (&self.state, self.lang());
        html! {
            @if state.form == form && !state.errors.is_empty() && state.errors.get("form").is_none() {
                div #notice tabindex="-1" autofocus { (state.errors.summary(lang, form)) }
            }
        }
    }

    /// A staff member's name for their username (the username when not known).
    pub fn name_of(&self, username: &str) -> String {
        self.data
            .names
            .get(username)
            .cloned()
            .unwrap_or_else(|| username.to_string())
    }
}

/// The language's name in the page's language ("ukrainsk"), not its code.
pub(super) fn language_name(
    lang: crate::i18n::Language,
    language: crate::i18n::Language,
) -> String {
    crate::i18n::t(lang, &format!("office.language.{}", language.as_str())).to_string()
}
