//! Builds the answer from what the database holds — the request, its controller and unit, the
//! approved decision, the collected records — and renders it with `letters` and `documents`.
//! Rendering runs on a blocking thread: it is CPU work.
use entity::{decision, request, source_record, values::DocumentKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    core::Core,
    error::{ServiceError, ServiceResult},
    i18n::Language,
    identity::{OrgNumber, Reference},
    letters::{
        self, Answer, CollectedRecord, ControllerContact, Decision, DpoContact, Extension,
        LetterContext, OperationOutcome, OperationResult, Recipient, RecipientNotice, Resources,
    },
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry as ProcessingRegistry,
    sources::{collection::decrypt_records, protocol::RecordOutcome},
};

/// One document to store.
pub struct GeneratedDocument {
    /// A [`DocumentKind`]'s value (pages name the draft's parts by it).
    pub kind: &'static str,
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    /// The person may download it (the art. 19 notices are for the recipients, not them).
    pub citizen_visible: bool,
}

fn storage(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Storage(format!("generating the answer: {e}").into())
}

/// The letter's context for a request (also used for receipts and notices).
pub async fn context(
    app: &Core,
    req: &request::Model,
    name: String,
) -> ServiceResult<LetterContext> {
    let registry = app.registry.get(&app.db).await?;
    let controller = entity::controller::Entity::find_by_id(req.controller_id)
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("controller"))?;
    let unit = registry.units.get(&req.unit_id).map(|u| u.name.clone());
    let lang = req.language;
    Ok(LetterContext {
        recipient: Recipient {
            name,
            language: lang,
            address: vec![],
        },
        reference: Reference::parse(&req.reference).map_err(storage)?,
        kind: req.kind,
        received_on: req.received_on,
        due_on: req.first_due_on,
        extension: req.extension_reason.clone().map(|reason| Extension {
            new_due_on: req.due_on,
            reason,
        }),
        controller: ControllerContact {
            name: controller.name.clone(),
            org_number: OrgNumber::parse(&controller.org_number).map_err(storage)?,
            unit,
            address: controller
                .address
                .as_deref()
                .map(|a| a.lines().map(str::to_string).collect())
                .unwrap_or_default(),
            email: controller.contact_email.clone().unwrap_or_default(),
            phone: controller.phone.clone(),
            dpo: DpoContact {
                name: controller.dpo_name.clone(),
                email: controller.dpo_email.clone().unwrap_or_default(),
            },
            appeal_body: controller.appeal_body.clone(),
        },
        letter_date: crate::clock::today_oslo(),
        on_behalf: None,
    })
}

fn map_outcome(o: RecordOutcome) -> Option<OperationOutcome> {
    Some(match o {
        RecordOutcome::Corrected => OperationOutcome::Corrected,
        RecordOutcome::Erased => OperationOutcome::Erased,
        RecordOutcome::Restricted => OperationOutcome::Restricted,
        RecordOutcome::Stopped => OperationOutcome::Stopped,
        RecordOutcome::Kept => OperationOutcome::Kept,
        RecordOutcome::NotFound | RecordOutcome::Lifted => return None,
    })
}

/// The person's name as Folkeregisteret gave it for this request; empty where it is not known,
/// and the letter then greets without a name.
async fn person_name(app: &Core, req: &request::Model) -> ServiceResult<String> {
    subject_name(app, req.id).await
}

/// The name of the person a request is about, as Folkeregisteret gave it for the request; empty
/// where it is not known (the case page shows it beside their representative).
pub async fn subject_name(app: &Core, request_id: uuid::Uuid) -> ServiceResult<String> {
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(request_id))
        .filter(source_record::Column::SourceId.eq(FOLKEREGISTERET))
        .all(&app.db)
        .await?;
    Ok(name_in(&decrypt_records(&app.vault, rows)?))
}

const FOLKEREGISTERET: &str = "folkeregisteret";

fn name_in(collected: &[crate::sources::collection::CollectedRecord]) -> String {
    collected
        .iter()
        .filter_map(|c| c.record.as_ref().map(|r| (c, r)))
        .find(|(c, r)| c.source == FOLKEREGISTERET && r.id == "navn")
        .map(|(_, r)| r.value.clone())
        .unwrap_or_default()
}

/// A letter to the person about their request, stored for Min side as PDF and HTML.
struct PersonLetter {
    /// Document kinds of the PDF and the HTML.
    kinds: (DocumentKind, DocumentKind),
    /// The file name after the reference, without extension.
    stem: String,
    /// The input field a composing error is reported on (an empty reason, say).
    field: &'static str,
    /// The letter may go to a writer whose representation is not proven (only the decision
    /// refusing it does).
    to_claimant: bool,
}

async fn person_letter<F>(
    app: &Core,
    req: &request::Model,
    letter: PersonLetter,
    compose: F,
) -> ServiceResult<Vec<GeneratedDocument>>
where
    F: FnOnce(&letters::LetterContext) -> Result<letters::LetterDocument, letters::LetterError>
        + Send
        + 'static,
{
    let name = person_name(app, req).await?;
    let mut ctx = context(app, req, name).await?;
    // To the representative where one acts; the address block where it goes by post.
    super::delivery::address_letter(app, req, &mut ctx).await?;
    if ctx.on_behalf.as_ref().is_some_and(|o| o.unproven) && !letter.to_claimant {
        return Err(ServiceError::Conflict(
            "the writer has not shown that they may act for the person: prove the representation or refuse it before any other letter".into(),
        ));
    }
    let reference = ctx.reference.as_str().to_string();
    let field = letter.field;
    let rendered =
        tokio::task::spawn_blocking(move || -> ServiceResult<letters::RenderedLetter> {
            let doc = compose(&ctx).map_err(|e| ServiceError::invalid(field, e.to_string()))?;
            letters::render(&doc).map_err(storage)
        })
        .await
        .map_err(storage)??;
    let (pdf_kind, html_kind) = letter.kinds;
    Ok(vec![
        GeneratedDocument {
            kind: pdf_kind.as_str(),
            name: format!("{reference}-{}.pdf", letter.stem),
            media_type: "application/pdf",
            bytes: rendered.pdf,
            citizen_visible: true,
        },
        GeneratedDocument {
            kind: html_kind.as_str(),
            name: format!("{reference}-{}.html", letter.stem),
            media_type: "text/html; charset=utf-8",
            bytes: rendered.html.into_bytes(),
            citizen_visible: true,
        },
    ])
}

/// The extension letter (art. 12(3)) for a request whose `due_on` and `extension_reason` already
/// hold the extension: PDF and HTML for the person, in their language.
pub async fn extension_documents(
    app: &Core,
    req: &request::Model,
) -> ServiceResult<Vec<GeneratedDocument>> {
    let letter = PersonLetter {
        kinds: (DocumentKind::ExtensionPdf, DocumentKind::ExtensionHtml),
        stem: format!("forlenget-frist-{}", req.due_on.format("%Y%m%d")),
        field: "reason",
        to_claimant: false,
    };
    person_letter(app, req, letter, letters::extension_notice).await
}

/// The letter telling the person that their request went to another controller, why, and (in
/// this system) under which case number and deadline it continues there: PDF and HTML, in their
/// language, from the sending controller.
pub async fn forwarded_documents(
    app: &Core,
    req: &request::Model,
    to: letters::ForwardedTo,
    reason: &str,
) -> ServiceResult<Vec<GeneratedDocument>> {
    let letter = PersonLetter {
        kinds: (DocumentKind::ForwardedPdf, DocumentKind::ForwardedHtml),
        stem: "sendt-videre".into(),
        field: "note",
        to_claimant: false,
    };
    let reason = reason.to_string();
    person_letter(app, req, letter, move |ctx| {
        letters::forwarded_notice(ctx, &to, &reason)
    })
    .await
}

/// The art. 18(3) letter telling the person a restriction will be lifted: PDF and HTML, in their
/// language, for Min side.
pub async fn restriction_lift_documents(
    app: &Core,
    req: &request::Model,
    lift_on: chrono::NaiveDate,
    reason: &str,
) -> ServiceResult<Vec<GeneratedDocument>> {
    let letter = PersonLetter {
        kinds: (
            DocumentKind::RestrictionLiftPdf,
            DocumentKind::RestrictionLiftHtml,
        ),
        stem: format!("oppheving-{}", lift_on.format("%Y%m%d")),
        field: "reason",
        to_claimant: false,
    };
    let reason = reason.to_string();
    person_letter(app, req, letter, move |ctx| {
        letters::restriction_lift_notice(ctx, lift_on, &reason)
    })
    .await
}

/// The answer's documents for the person, and one art. 19 notice per recipient.
pub struct AnswerDocuments {
    pub documents: Vec<GeneratedDocument>,
    pub notices: Vec<NoticeDocument>,
}

/// One recipient's notice and its printable letter (for staff, never the person).
pub struct NoticeDocument {
    pub planned: super::recipients::PlannedNotice,
    pub document: GeneratedDocument,
}

/// The documents for an approved decision, in the person's language.
pub async fn answer_documents(
    app: &Core,
    req: &request::Model,
    d: &decision::Model,
) -> ServiceResult<AnswerDocuments> {
    if crate::representation::claim::is_open(&app.db, req.id).await? {
        let letter = PersonLetter {
            kinds: (DocumentKind::AnswerPdf, DocumentKind::AnswerHtml),
            stem: "avvist-representasjon".into(),
            field: "text",
            to_claimant: true,
        };
        let reasons = d.text.clone();
        let documents = person_letter(app, req, letter, move |ctx| {
            letters::representation_refused(ctx, &reasons)
        })
        .await?;
        return Ok(AnswerDocuments {
            documents,
            notices: Vec::new(),
        });
    }
    let registry = app.registry.get(&app.db).await?;
    let source_name = |id: &str| {
        registry
            .sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(req.id))
        .order_by_asc(source_record::Column::SourceId)
        .order_by_asc(source_record::Column::RecordKey)
        .all(&app.db)
        .await?;
    let collected = decrypt_records(&app.vault, rows)?;
    // The person's name as Folkeregisteret has it; without it the letter greets without a name.
    let name = name_in(&collected);
    let records: Vec<CollectedRecord> = collected
        .iter()
        .filter_map(|c| c.record.as_ref().map(|r| (c, r)))
        .map(|(c, r)| CollectedRecord {
            source_id: c.source.clone(),
            source_name: source_name(&c.source),
            id: r.id.clone(),
            category: r.category.clone(),
            label: r.label.clone(),
            value: serde_json::Value::String(r.value.clone()),
            recorded_at: r.recorded_at.map(|d| d.to_string()),
            purpose: Some(r.purpose.clone()),
            legal_basis: Some(r.legal_basis.clone()),
            recipients: r.recipients.clone(),
            retention: Some(r.retention.clone()),
            special_category: r.special_category,
            third_party: r.third_party,
        })
        .collect();
    let operations: Vec<OperationResult> = collected
        .iter()
        .filter_map(|c| c.result.as_ref().map(|r| (c, r)))
        .filter(|(_, r)| !r.third_party)
        .filter_map(|(c, r)| {
            Some(OperationResult {
                source_id: c.source.clone(),
                source_name: source_name(&c.source),
                record_id: r.record_id.clone(),
                label: r.label.clone(),
                outcome: map_outcome(r.outcome)?,
                new_value: r.new_value.clone(),
                // What the record held before, from the source's access answer.
                old_value: r.new_value.as_ref().and_then(|_| {
                    records
                        .iter()
                        .find(|a| a.source_id == c.source && a.id == r.record_id)
                        .map(CollectedRecord::value_text)
                }),
                reason: r.reason.clone(),
                legal_basis: r.legal_basis.clone(),
                restricted_until: r.until,
            })
        })
        .collect();
    let mut ctx = context(app, req, name).await?;
    super::delivery::address_letter(app, req, &mut ctx).await?;
    let kind = ctx.kind;
    let outcome = d.outcome;
    let processing_key = registry
        .controllers
        .get(&req.controller_id)
        .and_then(|c| c.processing_key.clone());
    let processing = ProcessingRegistry::built_in().map_err(storage)?;
    // Every activity that applies: the service area's, and any other of the controller's whose
    // sources include a system the person's data was collected from (art. 15(1)(a)-(h)).
    let mut collected_from: Vec<&str> = records
        .iter()
        .filter(|r| !r.third_party)
        .map(|r| r.source_id.as_str())
        .collect();
    collected_from.sort_unstable();
    collected_from.dedup();
    let activity_ids: Vec<String> = processing_key
        .as_deref()
        .map(|key| {
            processing
                .applicable(key, req.service_area.as_deref(), &collected_from)
                .into_iter()
                .map(|a| a.id.clone())
                .collect()
        })
        .unwrap_or_default();
    // Art. 19: each organisation that received changed data is told, about only what it got.
    let planned = super::recipients::plan(kind, outcome, &records, &operations)
        .map_err(|e| ServiceError::Conflict(e.to_string()))?;
    let notified: Vec<String> = planned.iter().map(|n| n.recipient.clone()).collect();
    let collection_waived = matches!(
        super::collected::readiness(&app.db, req.id).await?,
        super::collected::Readiness::Waived { .. }
    );
    let answer = Answer {
        decision: Decision {
            outcome,
            legal_bases: serde_json::from_str(&d.legal_bases).unwrap_or_default(),
            text: d.text.clone(),
        },
        activity_ids,
        records: if kind == RightKind::Innsyn {
            records
        } else {
            vec![]
        },
        operations,
        notified_recipients: notified,
        collection_waived,
    };
    let catalogue = super::catalogue::load(&app.db).await?;
    let reference = ctx.reference.as_str().to_string();
    tokio::task::spawn_blocking(move || -> ServiceResult<AnswerDocuments> {
        let res = Resources {
            legal_bases: &catalogue,
            registry: &processing,
        };
        let mut out = Vec::new();
        let letter = if kind == RightKind::Innsyn && outcome != Outcome::Refused {
            let generated =
                crate::documents::generate_innsyn(&ctx, &answer, res, chrono::Utc::now())
                    .map_err(|e| ServiceError::invalid("decision", e.to_string()))?;
            out.push(GeneratedDocument {
                kind: DocumentKind::DataPackage.as_str(),
                name: format!("{reference}-data.zip"),
                media_type: "application/zip",
                bytes: generated.package.bytes.clone(),
                citizen_visible: true,
            });
            generated.letter
        } else {
            let doc = letters::answer(&ctx, &answer, res)
                .map_err(|e| ServiceError::invalid("decision", e.to_string()))?;
            letters::render(&doc).map_err(storage)?
        };
        out.insert(
            0,
            GeneratedDocument {
                kind: DocumentKind::AnswerPdf.as_str(),
                name: format!("{reference}-svar.pdf"),
                media_type: "application/pdf",
                bytes: letter.pdf,
                citizen_visible: true,
            },
        );
        out.insert(
            1,
            GeneratedDocument {
                kind: DocumentKind::AnswerHtml.as_str(),
                name: format!("{reference}-svar.html"),
                media_type: "text/html; charset=utf-8",
                bytes: letter.html.into_bytes(),
                citizen_visible: true,
            },
        );
        let mut notices = Vec::with_capacity(planned.len());
        for (n, planned) in planned.into_iter().enumerate() {
            let notice = RecipientNotice {
                organisation: planned.recipient.clone(),
                address: vec![],
                language: Language::Nb,
                operations: planned.operations.clone(),
            };
            let doc = letters::recipient_notice(&ctx, &notice, &catalogue).map_err(storage)?;
            let rendered = letters::render(&doc).map_err(storage)?;
            notices.push(NoticeDocument {
                planned,
                document: GeneratedDocument {
                    kind: DocumentKind::RecipientNotice.as_str(),
                    name: format!("{reference}-melding-{}.pdf", n + 1),
                    media_type: "application/pdf",
                    bytes: rendered.pdf,
                    citizen_visible: false,
                },
            });
        }
        Ok(AnswerDocuments {
            documents: out,
            notices,
        })
    })
    .await
    .map_err(storage)?
}
