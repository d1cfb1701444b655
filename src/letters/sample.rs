//! Synthetic sample cases (no real person): used by the tests, the benchmark and the sample letter
//! in docs/letters.md, and usable by the demo mode.
use chrono::NaiveDate;
use serde_json::json;

use super::input::{
    Answer, CollectedRecord, ControllerContact, Decision, DpoContact, LetterContext,
    OperationOutcome, OperationResult, Recipient,
};
use crate::{
    i18n::Language,
    identity::{OrgNumber, Reference},
    lifecycle::{Outcome, RightKind},
};

/// The value every sample third-party record carries, so tests can prove it never leaks.
pub const THIRD_PARTY_MARKER: &str = "TREDJEPART-HEMMELIG";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A case at Bydel Gamle Oslo (Oslo kommune's org number) for a synthetic person.
pub fn context(lang: Language, kind: RightKind) -> LetterContext {
    let name = match lang {
        Language::Uk => "Олександр Коваленко",
        _ => "Amina Yusuf Ødegård",
    };
    LetterContext {
        recipient: Recipient {
            name: name.into(),
            language: lang,
            address: vec!["Tøyengata 12".into(), "0578 Oslo".into()],
        },
        reference: Reference::new(2026, 123),
        kind,
        received_on: date(2026, 1, 31),
        due_on: date(2026, 3, 2),
        extension: None,
        controller: ControllerContact {
            name: "Oslo kommune, Bydel Gamle Oslo".into(),
            org_number: OrgNumber::parse("958935420")
                .unwrap_or_else(|e| panic!("the sample org number is a constant: {e}")),
            unit: Some("Nav Gamle Oslo".into()),
            address: vec!["Postboks 9405 Grønland".into(), "0135 Oslo".into()],
            email: "postmottak@bga.oslo.kommune.no".into(),
            phone: Some("21 80 21 80".into()),
            dpo: DpoContact {
                name: Some("Personvernombudet i Oslo kommune".into()),
                email: "personvernombud@oslo.kommune.no".into(),
            },
            appeal_body: Some("Klagenemnda i Oslo kommune".into()),
        },
        letter_date: date(2026, 2, 20),
        on_behalf: None,
    }
}

/// The eight sources the simulator serves (docs/source-protocol.md) with (id, name, categories).
pub const SOURCES: [(&str, &str, &[&str]); 8] = [
    (
        "folkeregisteret",
        "Folkeregisteret",
        &["personalia", "contact", "family"],
    ),
    ("udi", "UDI", &["residence_permit", "citizenship"]),
    ("imdi", "IMDi", &["housing", "education", "language"]),
    ("nav", "NAV", &["public_support", "income", "health"]),
    (
        "kommune-sak",
        "Kommunens saksbehandlingssystem",
        &["programme", "case", "health"],
    ),
    (
        "voksenopplaering",
        "Oslo voksenopplæring",
        &["programme", "language"],
    ),
    ("kompetanse-norge", "Kompetanse Norge", &["test_results"]),
    (
        "nir",
        "Nasjonalt introduksjonsregister (NIR)",
        &["programme"],
    ),
];

/// `n` synthetic records spread over the eight sources. Every 50th record is about someone else
/// (`third_party`, value [`THIRD_PARTY_MARKER`]); records in the `health` category are special.
pub fn records(n: usize) -> Vec<CollectedRecord> {
    (0..n)
        .map(|i| {
            let (source_id, source_name, categories) = SOURCES[i % SOURCES.len()];
            let category = categories[(i / SOURCES.len()) % categories.len()];
            let third_party = i % 50 == 49;
            let (label, value) = if third_party {
                (
                    "Opplysning om ektefelle".to_string(),
                    json!(format!("{THIRD_PARTY_MARKER} {i}")),
                )
            } else {
                sample_value(category, i)
            };
            CollectedRecord {
                source_id: source_id.into(),
                source_name: source_name.into(),
                id: format!("{source_id}-{i:05}"),
                category: category.into(),
                label,
                value,
                recorded_at: Some(format!(
                    "2025-{:02}-{:02}T09:{:02}:00Z",
                    1 + i % 12,
                    1 + i % 28,
                    i % 60
                )),
                purpose: Some("Bosetting og introduksjonsprogram".into()),
                legal_basis: Some("Integreringsloven § 41".into()),
                recipients: if i % 3 == 0 {
                    vec!["NAV".into()]
                } else {
                    Vec::new()
                },
                retention: Some("15 år".into()),
                special_category: category == "health",
                third_party,
            }
        })
        .collect()
}

fn sample_value(category: &str, i: usize) -> (String, serde_json::Value) {
    let (label, value) = match category {
        "personalia" => ("Navn", format!("Amina Yusuf Ødegård ({i})")),
        "contact" => (
            "Bostedsadresse",
            format!("Tøyengata {}, 0578 Oslo", i % 90 + 1),
        ),
        "family" => ("Sivilstand", "Gift".to_string()),
        "residence_permit" => (
            "Oppholdstillatelse",
            format!(
                "Kollektiv beskyttelse, gyldig til 03.{:02}.2027",
                i % 12 + 1
            ),
        ),
        "citizenship" => ("Statsborgerskap", "Ukraina".to_string()),
        "housing" => ("Bolig", "Kommunal leilighet, 2 rom".to_string()),
        "education" => (
            "Utdanning",
            "Bachelor i økonomi, Kyiv nasjonale økonomiske universitet".to_string(),
        ),
        "language" => (
            "Språk",
            "Ukrainsk (morsmål), russisk, engelsk B1".to_string(),
        ),
        "public_support" => ("Introduksjonsstønad", format!("{} kr per måned", 14000 + i)),
        "income" => ("Arbeidsinntekt", format!("{} kr", 3000 + i * 7)),
        "health" => (
            "Tilrettelegging av helsegrunner",
            "Trenger pauser; lettere arbeid i praksisperioden".to_string(),
        ),
        "programme" => (
            "Introduksjonsprogram",
            format!(
                "Deltakelse uke {}: 37,5 timer, fravær {} timer",
                i % 52 + 1,
                i % 4
            ),
        ),
        "test_results" => ("Norskprøve", "Muntlig B1, skriftlig A2".to_string()),
        _ => ("Henvendelse", format!("Spørsmål om bostøtte, sak {i}")),
    };
    (label.to_string(), json!(value))
}

/// Per-record results for the operation rights.
pub fn operations(kind: RightKind) -> Vec<OperationResult> {
    let done = match kind {
        RightKind::Retting => OperationOutcome::Corrected,
        RightKind::Sletting => OperationOutcome::Erased,
        RightKind::Begrensning => OperationOutcome::Restricted,
        _ => OperationOutcome::Stopped,
    };
    vec![
        OperationResult {
            source_id: "kommune-sak".into(),
            source_name: "Kommunens saksbehandlingssystem".into(),
            record_id: "kommune-sak-00004".into(),
            label: "Bostedsadresse".into(),
            outcome: done,
            new_value: (kind == RightKind::Retting).then(|| "Tøyengata 14, 0578 Oslo".to_string()),
            old_value: (kind == RightKind::Retting).then(|| "Tøyengata 41, 0578 Oslo".to_string()),
            reason: None,
            legal_basis: None,
            restricted_until: (kind == RightKind::Begrensning).then(|| date(2026, 6, 30)),
        },
        OperationResult {
            source_id: "nir".into(),
            source_name: "Nasjonalt introduksjonsregister (NIR)".into(),
            record_id: "nir-00007".into(),
            label: "Introduksjonsprogram".into(),
            outcome: OperationOutcome::Kept,
            new_value: None,
            old_value: None,
            reason: Some("Registeret skal vise deltakelsen i programmet.".into()),
            legal_basis: Some(
                match kind {
                    RightKind::Sletting => "integreringsforskriften-60",
                    RightKind::Protest => "gdpr-21-1",
                    RightKind::Begrensning => "gdpr-18-2",
                    _ => "arkivloven-arkivplikt",
                }
                .into(),
            ),
            restricted_until: None,
        },
    ]
}

/// A decision whose legal bases fit the kind and outcome.
pub fn decision(kind: RightKind, outcome: Outcome) -> Decision {
    let legal_bases: Vec<String> = match (kind, outcome) {
        (_, Outcome::Granted) => vec![],
        (RightKind::Innsyn, _) => vec!["gdpr-15-4".into(), "pol-16-e".into()],
        (RightKind::Retting, _) => vec!["arkivloven-arkivplikt".into()],
        (RightKind::Sletting, _) => vec!["integreringsforskriften-60".into(), "gdpr-17-3-b".into()],
        (RightKind::Begrensning, _) => vec!["gdpr-18-2".into()],
        (RightKind::Protest, _) => vec!["gdpr-21-1".into()],
    };
    Decision {
        outcome,
        legal_bases,
        text: "Vi har gått gjennom opplysningene i alle systemene.".into(),
    }
}

/// A complete answer for `kind` and `outcome` with `n` records (innsyn) or sample operations.
pub fn answer(kind: RightKind, outcome: Outcome, n: usize) -> Answer {
    Answer {
        decision: decision(kind, outcome),
        activity_ids: vec!["oslo-bydel-bosetting".into()],
        records: if kind == RightKind::Innsyn {
            records(n)
        } else {
            Vec::new()
        },
        operations: if kind == RightKind::Innsyn {
            Vec::new()
        } else {
            operations(kind)
                .into_iter()
                .filter(|o| match outcome {
                    Outcome::Granted => o.outcome != OperationOutcome::Kept,
                    Outcome::PartiallyGranted => true,
                    Outcome::Refused => o.outcome == OperationOutcome::Kept,
                })
                .collect()
        },
        notified_recipients: vec!["NAV".into(), "Oslo voksenopplæring".into()],
        collection_waived: false,
    }
}
