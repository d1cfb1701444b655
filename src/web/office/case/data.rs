//! The case as the domain gives it to the page: the request and its history, the collection
//! from source systems, the decision and documents, the art. 19 notices, the person, a closing
//! step waiting for four eyes, how the requester's identity was verified, a representation or an
//! unproven claim, and the names of the staff the page mentions. Every read goes through the
//! domain, which audits it.
use std::collections::HashMap;

use entity::staff_user;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    app::AppState,
    decisions::{self, DecisionView},
    error::{ServiceError, ServiceResult},
    lifecycle::{RightKind, Role},
    persons,
    requests::{
        closing::{self, ClosingStepView},
        queries,
        verification::{self, VerificationView},
        view::RequestView,
    },
    sources::{
        collection::{self, SourceTaskView},
        protocol::{Operation, Record},
    },
    web::office::Office,
};

/// Everything the case page shows, read through the domain (each read is audited there).
pub(super) struct CaseData {
    pub(super) view: RequestView,
    pub(super) events: Vec<crate::requests::view::TimelineEvent>,
    pub(super) tasks: Vec<SourceTaskView>,
    pub(super) decision: Option<DecisionView>,
    pub(super) documents: Vec<decisions::DocumentView>,
    /// Files the person sent with the request.
    pub(super) attachments: Vec<crate::attachments::AttachmentView>,
    /// Art. 19 notices with their delivery status (staff who work decisions).
    pub(super) notices: Vec<decisions::recipients::NoticeView>,
    pub(super) person: persons::CasePerson,
    /// The latest withdrawal or forward proposed under four eyes.
    pub(super) closing: Option<ClosingStepView>,
    /// Retting in progress: the collected records a corrected value can be given for.
    pub(super) correctable: Vec<(String, Record)>,
    /// Staff usernames on the page (assignee, history, proposals) with the person's name.
    pub(super) names: HashMap<String, String>,
    /// How the requester's identity was verified (none yet: no decision).
    pub(super) verification: Option<VerificationView>,
    /// The representation the request was made through, and the represented person's name as
    /// Folkeregisteret gave it for the request (empty where not known).
    pub(super) representation: Option<(crate::representation::RepresentationView, String)>,
    /// The representation the writer of a registered letter claims but has not proven.
    pub(super) claim: Option<crate::representation::claim::ClaimView>,
}

pub(super) async fn load(app: &AppState, office: &Office, id: Uuid) -> ServiceResult<CaseData> {
    let p = &office.principal;
    let view = queries::get(app, p, id).await?;
    let events = queries::events(app, p, id).await?;
    let tasks = collection::list(app, p, id).await?;
    // An auditor reads the case, not the decision being worked on: drafts are not theirs.
    let decision = if office.staff.role == Role::Auditor {
        None
    } else {
        match decisions::get(app, p, id).await {
            Ok(d) => Some(d),
            Err(ServiceError::NotFound(_)) => None,
            Err(e) => return Err(e),
        }
    };
    let documents = decisions::documents(app, p, id).await?;
    let attachments = crate::attachments::list(app, p, id).await?;
    let notices = if office.staff.role == Role::Auditor {
        vec![]
    } else {
        decisions::recipients::list(app, p, id).await?
    };
    let person = persons::of_request(app, p, id).await?;
    let closing = closing::current(app, p, id).await?;
    let verification = verification::of_request(app, p, id).await?;
    let representation = match crate::requests::represented::of_request(app, p, id).await? {
        Some(rep) => Some((rep, decisions::generate::subject_name(app, id).await?)),
        None => None,
    };
    let claim = crate::requests::represented::claim_of(app, p, id).await?;
    let works = crate::access::allows(office.staff.role, crate::access::Act::WorkCase);
    let correctable = if works && view.kind == RightKind::Retting && view.status.is_open() {
        collection::records(app, p, id)
            .await?
            .into_iter()
            .filter(|r| r.operation == Operation::Access && !r.third_party)
            .filter_map(|r| r.record.map(|rec| (r.source, rec)))
            .collect()
    } else {
        vec![]
    };
    let mut usernames: Vec<String> = data_usernames(&events, view.assignee.as_deref());
    if let Some(by) = closing.as_ref().and_then(|c| c.proposed_by.clone()) {
        usernames.push(by);
    }
    // Who checked the representative's document, by name like everyone else on the page.
    if let Some(by) = representation
        .as_ref()
        .and_then(|(rep, _)| rep.verified_by.clone())
    {
        usernames.push(by);
    }
    let names = staff_names(app, usernames).await?;
    Ok(CaseData {
        representation,
        claim,
        verification,
        names,
        correctable,
        closing,
        view,
        events,
        tasks,
        decision,
        documents,
        attachments,
        notices,
        person,
    })
}

/// The staff usernames a case page names: the assignee and the actors of its history.
fn data_usernames(
    events: &[crate::requests::view::TimelineEvent],
    assignee: Option<&str>,
) -> Vec<String> {
    let mut names: Vec<String> = events
        .iter()
        .filter(|e| e.actor_kind == "staff" && !e.actor.is_empty())
        .map(|e| e.actor.clone())
        .collect();
    names.extend(assignee.map(str::to_string));
    names.sort();
    names.dedup();
    names
}

/// Staff members' names by username, so pages name people rather than their log-in names.
async fn staff_names(
    app: &AppState,
    usernames: Vec<String>,
) -> ServiceResult<HashMap<String, String>> {
    if usernames.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Username.is_in(usernames))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect())
}
