//! The answer to a request: its outcome, legal bases and reasons, the innsyn sections (the
//! data, its processing and sources) and the section on data found correct.
use std::collections::BTreeMap;

use crate::legal_bases::DATA_CORRECT;
use crate::letters::LetterError;
use crate::letters::input::{Answer, CollectedRecord, LetterContext, OperationOutcome};
use crate::letters::model::{Block, LetterDocument, Table, TableRow};
use crate::lifecycle::{Outcome, RightKind};
use crate::processing_activities::{Declared, Registry};

use super::operations::operation_sections;
use super::{Builder, Resources, format_recorded, kind_text, mark, person_recipient, require_text};

/// The answer to the request, for every kind and outcome.
pub(super) fn answer_in(
    ctx: &LetterContext,
    answer: &Answer,
    res: Resources<'_>,
) -> Result<LetterDocument, LetterError> {
    let decision = &answer.decision;
    let bases = res.legal_bases.resolve(ctx.kind, &decision.legal_bases)?;
    if decision.outcome != Outcome::Granted && bases.is_empty() {
        return Err(LetterError::MissingLegalBasis);
    }
    let activities = answer
        .activity_ids
        .iter()
        .map(|id| {
            res.registry
                .get(id)
                .ok_or_else(|| LetterError::UnknownActivity(id.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if ctx.kind == RightKind::Innsyn
        && decision.outcome != Outcome::Refused
        && activities.is_empty()
    {
        return Err(LetterError::MissingActivity);
    }

    let mut b = Builder::new(ctx, ctx.recipient.language);
    let lang = b.lang;
    let kind = kind_text(lang, ctx.kind);
    let received = b.date(ctx.received_on);
    b.opening();
    b.para(b.tf("answer.intro", &[("kind", kind), ("received", &received)]));
    if let Some(ext) = &ctx.extension {
        let new_due = b.date(ext.new_due_on);
        b.para(b.tf("answer.extended", &[("new_due", &new_due)]));
    }
    // A refusal (in full or in part) is a vedtak where the controller says so; a grant, or a
    // refusal where it is not, is an answer and is not headed as a vedtak.
    let appeal_body = ctx
        .controller
        .appeal_body
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty() && decision.outcome != Outcome::Granted);
    let is_vedtak = appeal_body.is_some();
    b.heading(
        2,
        b.t(if is_vedtak {
            "answer.decision_heading"
        } else {
            "answer.answer_heading"
        }),
    );
    // A retting refused because the data held was checked and is correct says so, not a
    // generic refusal.
    let data_correct = ctx.kind == RightKind::Retting && bases.iter().any(|b| b.id == DATA_CORRECT);
    if data_correct {
        if decision.outcome == Outcome::Granted {
            return Err(LetterError::CorrectButGranted);
        }
        require_text("reasons", &decision.text)?;
    }
    let cites = |id: &str| bases.iter().any(|b| b.id == id);
    let headline = if data_correct && decision.outcome == Outcome::Refused {
        b.t("correct.refused")
    } else if ctx.kind == RightKind::Protest && decision.outcome == Outcome::Refused {
        // Art. 21(1): compelling grounds only where the decision rests on them; processing the
        // law requires (art. 6(1)(c)) carries no right to object; anything else says only why.
        b.t(if cites("gdpr-21-1") {
            "answer.protest.refused"
        } else if cites("gdpr-6-1-c") {
            "protest_refused.obligation"
        } else {
            "protest_refused.other"
        })
    } else {
        b.t(&format!(
            "answer.{}.{}",
            ctx.kind.as_str(),
            decision.outcome.as_str()
        ))
    };
    b.blocks.push(Block::Notice(headline.to_string()));
    if !decision.text.trim().is_empty() {
        b.heading(3, b.t("answer.reasons_heading"));
        b.free_text(&decision.text, Block::Paragraph);
    }
    if data_correct {
        data_correct_section(&mut b, answer);
    }
    if !bases.is_empty() {
        b.heading(3, b.t("answer.legal_bases_heading"));
        b.para(b.t(if is_vedtak {
            "answer.legal_bases_intro"
        } else {
            "answer.answer_bases_intro"
        }));
        let pairs = bases
            .iter()
            .map(|basis| {
                (
                    format!("{} – {}", basis.citation.get(lang), basis.title.get(lang)),
                    basis.explanation.get(lang).to_string(),
                )
            })
            .collect();
        b.blocks.push(Block::Facts(pairs));
    }

    match ctx.kind {
        RightKind::Innsyn => {
            if decision.outcome != Outcome::Refused {
                innsyn_sections(&mut b, answer, &activities, res.registry);
            }
        }
        _ => operation_sections(&mut b, ctx.kind, answer, res.legal_bases),
    }

    if let Some(appeal_body) = appeal_body {
        b.heading(2, b.t("answer.appeal_heading"));
        b.para(b.t("answer.appeal_deadline"));
        b.para(b.tf("answer.appeal_how", &[("appeal_body", appeal_body)]));
        b.para(b.t("answer.appeal_documents"));
    }
    b.contact_and_complaint(true);
    b.closing();
    let title = b.tf("answer.title", &[("kind", kind)]);
    Ok(b.finish(title, person_recipient(ctx)))
}

/// What was checked and found correct, and what the person can do: add a supplementary
/// statement (art. 16) or complain.
fn data_correct_section(b: &mut Builder<'_>, answer: &Answer) {
    b.heading(3, b.t("correct.heading"));
    b.para(b.t("correct.checked"));
    let checked: Vec<String> = answer
        .operations
        .iter()
        .filter(|op| op.outcome == OperationOutcome::Kept)
        .map(|op| format!("{} ({})", op.label, op.source_name))
        .collect();
    if !checked.is_empty() {
        b.para(b.t("correct.checked_records"));
        b.blocks.push(Block::Bullets(checked));
    }
    b.para(b.t("correct.statement"));
    b.para(b.t("correct.disagree"));
}

fn innsyn_sections(
    b: &mut Builder<'_>,
    answer: &Answer,
    activities: &[&crate::processing_activities::ProcessingActivity],
    registry: &Registry,
) {
    let lang = b.lang;
    let shown: Vec<&CollectedRecord> = answer.records.iter().filter(|r| !r.third_party).collect();
    let withheld = answer.records.len() - shown.len();

    // art. 15(1): confirmation
    if shown.is_empty() && withheld == 0 {
        b.para(b.t(if answer.collection_waived {
            "innsyn.confirmation_none_waived"
        } else {
            "innsyn.confirmation_none"
        }));
    } else {
        b.para(b.t("innsyn.confirmation"));
    }

    let category_name = |id: &str| -> String {
        registry
            .category_name(id, lang)
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    };
    let marker = b.t("innsyn.special_marker");

    // (b) the categories of data about this person: only those found in the records shown.
    let mut held: Vec<String> = Vec::new();
    for r in &shown {
        let name = mark(
            &category_name(&r.category),
            r.special_category || registry.is_special_category(&r.category),
            marker,
        );
        if !held.contains(&name) {
            held.push(name);
        }
    }
    if !held.is_empty() {
        b.heading(2, b.t("innsyn.categories_heading"));
        b.para(b.t(if answer.collection_waived {
            "innsyn.held_categories_intro_waived"
        } else {
            "innsyn.held_categories_intro"
        }));
        b.blocks.push(Block::Bullets(held));
        b.para(b.t("innsyn.special_note"));
    }

    if activities.len() > 1 {
        b.para(b.t("innsyn.activities_intro"));
    }
    for activity in activities {
        let view = registry.view(activity, lang);
        b.heading(2, b.tf("innsyn.about_heading", &[("activity", view.name)]));
        // (a) purposes
        b.heading(3, b.t("innsyn.purposes_heading"));
        b.blocks.push(Block::Bullets(
            view.purposes.iter().map(|s| s.to_string()).collect(),
        ));
        // legal basis of the processing
        b.heading(3, b.t("innsyn.basis_heading"));
        b.blocks.push(Block::Bullets(
            view.legal_bases.iter().map(|s| s.to_string()).collect(),
        ));
        // The categories the activity covers for everyone in the service, labelled as such.
        b.heading(3, b.t("innsyn.activity_categories_heading"));
        b.blocks.push(Block::Bullets(
            view.categories
                .iter()
                .map(|(name, special)| mark(name, *special, marker))
                .collect(),
        ));
        b.para(b.t("innsyn.activity_categories_note"));
        // (c) recipients and transfers, as the register states them
        b.heading(3, b.t("innsyn.recipients_heading"));
        b.blocks.push(Block::Bullets(
            view.recipients.iter().map(|s| s.to_string()).collect(),
        ));
        b.para(view.transfers);
        // (d) retention
        b.heading(3, b.t("innsyn.retention_heading"));
        b.para(view.retention);
        // (g) sources
        b.heading(3, b.t("innsyn.sources_heading"));
        b.blocks.push(Block::Bullets(
            view.sources.iter().map(|s| s.to_string()).collect(),
        ));
        // (h) automated decisions: "none" only where the register says none
        b.heading(3, b.t("innsyn.automated_heading"));
        b.para(match view.automated_decisions {
            Declared::None => b.t("innsyn.automated_none"),
            Declared::Text(text) => text,
        });
    }

    // (e) rights
    b.heading(2, b.t("innsyn.rights_heading"));
    b.blocks.push(Block::Bullets(vec![
        b.t("innsyn.right_retting").to_string(),
        b.t("innsyn.right_sletting").to_string(),
        b.t("innsyn.right_begrensning").to_string(),
        b.t("innsyn.right_protest").to_string(),
    ]));

    // The copy of the data: by source, then by category.
    b.heading(2, b.t("innsyn.records_heading"));
    if withheld > 0 {
        let text = b.tn("innsyn.withheld", &[("count", withheld.into())]);
        b.blocks.push(Block::Notice(text));
    }
    if shown.is_empty() {
        return;
    }
    b.para(b.t("innsyn.records_intro"));
    let marker = b.t("innsyn.special_marker");
    let mut by_source: Vec<(&str, BTreeMap<String, Vec<&CollectedRecord>>)> = Vec::new();
    for r in &shown {
        let idx = match by_source.iter().position(|(s, _)| *s == r.source_name) {
            Some(i) => i,
            None => {
                by_source.push((&r.source_name, BTreeMap::new()));
                by_source.len() - 1
            }
        };
        by_source[idx]
            .1
            .entry(category_name(&r.category))
            .or_default()
            .push(r);
    }
    let headers = vec![
        b.t("innsyn.col_label").to_string(),
        b.t("innsyn.col_value").to_string(),
        b.t("innsyn.col_recorded").to_string(),
        b.t("innsyn.col_purpose").to_string(),
        b.t("innsyn.col_sharing").to_string(),
    ];
    for (source, categories) in by_source {
        b.heading(3, b.tf("innsyn.records_source", &[("source", source)]));
        for (category, records) in categories {
            let rows = records
                .iter()
                .map(|r| {
                    let special = r.special_category || registry.is_special_category(&r.category);
                    let purpose = [r.purpose.as_deref(), r.legal_basis.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("\n");
                    let mut sharing = r.recipients.join(", ");
                    if let Some(ret) = &r.retention {
                        if !sharing.is_empty() {
                            sharing.push('\n');
                        }
                        sharing.push_str(ret);
                    }
                    TableRow {
                        cells: vec![
                            mark(&r.label, special, marker),
                            r.value_text(),
                            r.recorded_at
                                .as_deref()
                                .map(|raw| format_recorded(lang, raw))
                                .unwrap_or_default(),
                            purpose,
                            sharing,
                        ],
                        marked: special,
                    }
                })
                .collect();
            b.blocks.push(Block::Table(Table {
                caption: Some(category),
                headers: headers.clone(),
                widths: vec![20.0, 30.0, 12.0, 20.0, 18.0],
                rows,
            }));
        }
    }
    b.para(b.t("innsyn.package"));
}
