//! The synthetic persons the simulator knows. The demo citizens get their own names and
//! addresses; any other valid identity number gets a stable, made-up life derived from a hash of
//! the number, so benchmarks and tests can use as many persons as they like. Every person has a
//! spouse and a child (third parties) and a health note at NAV (special category).
//!
//! Over 500 lines on purpose: a data table of synthetic persons and their records.
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::sources::protocol::{Operation, Record, RecordOutcome, RecordResult};

/// The sources the simulator serves: id, name, owner.
pub const SOURCES: [(&str, &str, &str); 8] = [
    ("folkeregisteret", "Folkeregisteret", "Skatteetaten"),
    (
        "udi",
        "UDI – utlendingsforvaltningen",
        "Utlendingsdirektoratet",
    ),
    (
        "imdi",
        "IMDi – bosetting og kartlegging",
        "Integrerings- og mangfoldsdirektoratet",
    ),
    ("nav", "NAV – ytelser", "Arbeids- og velferdsetaten"),
    ("kommune", "Kommunens saksbehandlingssystem", "Kommunen"),
    ("voksenopplaering", "Voksenopplæringen", "Utdanningsetaten"),
    (
        "kompetanse-norge",
        "Kompetanse Norge – prøveresultater",
        "HK-dir",
    ),
    (
        "nir",
        "Nasjonalt introduksjonsregister (NIR)",
        "Integrerings- og mangfoldsdirektoratet",
    ),
];

/// The simulated sources that find a person by DUF number: UDI issues them, IMDi settles by
/// them, and the municipality's refugee services receive them with the settlement. The others
/// know a person only by national identity number.
pub const FINDS_BY_DUF: [&str; 3] = ["udi", "imdi", "kommune"];

/// Folkeregisteret's address protection (adressebeskyttelse) values.
pub const PROTECTION_RECORD: &str = "adressebeskyttelse";
pub const MUNICIPALITY_RECORD: &str = "bostedsadresse.kommunenummer";
pub const DISTRICT_RECORD: &str = "bostedsadresse.bydelsnummer";
/// The postal form of the registered address: street and number, then postcode and place,
/// separated by ", ". Never given for a protected address.
pub const POSTAL_ADDRESS_RECORD: &str = "bostedsadresse.adresse";

const STREETS: [&str; 6] = [
    "Storgata",
    "Kirkeveien",
    "Skolegata",
    "Torggata",
    "Bekkeveien",
    "Parkveien",
];

/// A synthetic street address in the person's municipality.
fn postal_address(municipality: &str, seed: u64) -> String {
    let street = STREETS[(seed % 6) as usize];
    let number = 1 + (seed >> 8) % 60;
    let place = match municipality {
        "3420" => "2408 ELVERUM",
        "3205" => "2000 LILLESTRØM",
        _ => "0182 OSLO",
    };
    format!("{street} {number}, {place}")
}

struct Person {
    name: String,
    spouse: &'static str,
    child: &'static str,
    municipality: &'static str,
    district: Option<String>,
    strictly_confidential: bool,
    citizenship: &'static str,
    arrived: NaiveDate,
    seed: u64,
}

const GIVEN: [&str; 8] = [
    "Amal", "Bohdan", "Dawit", "Fatima", "Hassan", "Iryna", "Leyla", "Tesfay",
];
const FAMILY: [&str; 8] = [
    "Ahmadi",
    "Bondarenko",
    "Gebremedhin",
    "Hussein",
    "Karimi",
    "Melnyk",
    "Osman",
    "Rahimi",
];
const CITIZENSHIP: [&str; 4] = ["Syria", "Ukraina", "Eritrea", "Afghanistan"];
const MUNICIPALITIES: [&str; 3] = ["0301", "3420", "3205"];

fn person(pid: &str) -> Person {
    let demo = super::citizens::demo_citizens()
        .into_iter()
        .find(|c| c.pid == pid || c.earlier_pid.as_deref() == Some(pid) || c.duf == Some(pid));
    // A demo citizen asked about by DUF number has the same life as by their number.
    let seed_key = demo.as_ref().map_or(pid, |c| c.pid.as_str());
    let digest = Sha256::digest(seed_key.as_bytes());
    let seed = u64::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
    ]);
    let pick = |n: usize, shift: u32| ((seed >> shift) as usize) % n;
    let arrived = NaiveDate::from_ymd_opt(
        2019 + pick(6, 3) as i32,
        1 + pick(12, 7) as u32,
        1 + pick(28, 11) as u32,
    )
    .unwrap_or_default();
    let (name, municipality, district, strictly_confidential) = match &demo {
        Some(c) => {
            let geo = c.geography.unwrap_or("0301");
            let municipality = MUNICIPALITIES
                .iter()
                .find(|m| geo.starts_with(*m))
                .copied()
                .unwrap_or("0301");
            let district = (geo.len() == 6).then(|| geo.to_string());
            (
                c.name.to_string(),
                municipality,
                district,
                c.strictly_confidential,
            )
        }
        None => {
            let municipality = MUNICIPALITIES[pick(3, 17)];
            let district = (municipality == "0301").then(|| format!("0301{:02}", 1 + pick(15, 21)));
            (
                format!("{} {}", GIVEN[pick(8, 25)], FAMILY[pick(8, 29)]),
                municipality,
                district,
                false,
            )
        }
    };
    Person {
        name,
        spouse: GIVEN[pick(8, 33)],
        child: GIVEN[pick(8, 37)],
        municipality,
        district,
        strictly_confidential,
        citizenship: CITIZENSHIP[pick(4, 41)],
        arrived,
        seed,
    }
}

struct Rec<'a> {
    id: &'a str,
    category: &'a str,
    label: &'a str,
    value: String,
    purpose: &'a str,
    legal_basis: &'a str,
    recipients: &'a [&'a str],
    retention: &'a str,
    special: bool,
    third: bool,
}

fn build(recorded_at: NaiveDate, recs: Vec<Rec<'_>>) -> Vec<Record> {
    recs.into_iter()
        .map(|r| Record {
            id: r.id.into(),
            category: r.category.into(),
            label: r.label.into(),
            value: r.value,
            recorded_at: Some(recorded_at),
            purpose: r.purpose.into(),
            legal_basis: r.legal_basis.into(),
            recipients: r.recipients.iter().map(|s| s.to_string()).collect(),
            retention: r.retention.into(),
            special_category: r.special,
            third_party: r.third,
        })
        .collect()
}

/// What `source` holds about the person with `pid` (or DUF number); `None` for an unknown
/// source.
pub fn records(source: &str, pid: &str) -> Option<Vec<Record>> {
    let p = person(pid);
    let at = p.arrived;
    let settle = "Bosetting og introduksjonsprogram";
    let rec =
        |id, category, label, value: String, purpose, legal_basis, recipients, retention| Rec {
            id,
            category,
            label,
            value,
            purpose,
            legal_basis,
            recipients,
            retention,
            special: false,
            third: false,
        };
    let list = match source {
        "folkeregisteret" => {
            let mut v = vec![
                rec(
                    "navn",
                    "identity",
                    "Navn",
                    p.name.clone(),
                    "Identifisere personen",
                    "folkeregisterloven § 10-2",
                    &["Kommunen", "NAV"],
                    "Så lenge personen er registrert",
                ),
                rec(
                    "statsborgerskap",
                    "identity",
                    "Statsborgerskap",
                    p.citizenship.into(),
                    "Identifisere personen",
                    "folkeregisterloven § 10-2",
                    &[],
                    "Så lenge personen er registrert",
                ),
                rec(
                    PROTECTION_RECORD,
                    "address",
                    "Adressebeskyttelse",
                    if p.strictly_confidential {
                        "strengtFortrolig".into()
                    } else {
                        "ugradert".into()
                    },
                    "Beskytte personens adresse",
                    "folkeregisterloven § 10-4",
                    &[],
                    "Så lenge personen er registrert",
                ),
            ];
            if !p.strictly_confidential {
                v.push(rec(
                    MUNICIPALITY_RECORD,
                    "address",
                    "Kommunenummer",
                    p.municipality.into(),
                    "Finne ansvarlig kommune",
                    "folkeregisterloven § 10-2",
                    &["Kommunen"],
                    "Så lenge personen er registrert",
                ));
                v.push(rec(
                    POSTAL_ADDRESS_RECORD,
                    "address",
                    "Bostedsadresse",
                    postal_address(p.municipality, p.seed),
                    "Sende brev til personen",
                    "folkeregisterloven § 10-2",
                    &[],
                    "Så lenge personen er registrert",
                ));
                if let Some(d) = &p.district {
                    v.push(rec(
                        DISTRICT_RECORD,
                        "address",
                        "Bydelsnummer",
                        d.clone(),
                        "Finne ansvarlig bydel",
                        "folkeregisterloven § 10-2",
                        &["Kommunen"],
                        "Så lenge personen er registrert",
                    ));
                }
            }
            v.push(Rec {
                third: true,
                ..rec(
                    "familie.ektefelle",
                    "family",
                    "Ektefelle",
                    format!("{} (ektefelle)", p.spouse),
                    "Familierelasjoner",
                    "folkeregisterloven § 10-2",
                    &[],
                    "Så lenge personen er registrert",
                )
            });
            v.push(Rec {
                third: true,
                ..rec(
                    "familie.barn",
                    "family",
                    "Barn",
                    format!("{} (barn, født {})", p.child, 2015 + (p.seed % 8)),
                    "Familierelasjoner",
                    "folkeregisterloven § 10-2",
                    &[],
                    "Så lenge personen er registrert",
                )
            });
            v
        }
        "udi" => vec![
            rec(
                "opphold",
                "residence",
                "Oppholdstillatelse",
                if p.citizenship == "Ukraina" {
                    "Kollektiv beskyttelse".into()
                } else {
                    "Flyktningstatus".into()
                },
                "Behandle søknad om opphold",
                "utlendingsloven § 28",
                &["IMDi", "Kommunen"],
                "Arkiveres etter arkivloven",
            ),
            rec(
                "opphold.gyldig",
                "residence",
                "Tillatelsen gjelder fra",
                at.to_string(),
                "Behandle søknad om opphold",
                "utlendingsloven § 28",
                &["IMDi"],
                "Arkiveres etter arkivloven",
            ),
        ],
        "imdi" => vec![
            rec(
                "bosetting",
                "settlement",
                "Bosatt i kommune",
                p.municipality.into(),
                settle,
                "integreringsloven § 41",
                &["Kommunen"],
                "15 år (integreringsforskriften § 60)",
            ),
            rec(
                "kartlegging.utdanning",
                "competence",
                "Utdanning fra hjemlandet",
                ["Grunnskole", "Videregående", "Bachelor"][(p.seed % 3) as usize].into(),
                "Kartlegging av kompetanse",
                "integreringsloven § 6",
                &["Kommunen"],
                "15 år (integreringsforskriften § 60)",
            ),
            rec(
                "kartlegging.arbeid",
                "competence",
                "Arbeidserfaring",
                format!("{} år", 1 + p.seed % 10),
                "Kartlegging av kompetanse",
                "integreringsloven § 6",
                &["Kommunen"],
                "15 år (integreringsforskriften § 60)",
            ),
        ],
        "nav" => vec![
            rec(
                "kontor",
                "benefits",
                "NAV-kontor",
                p.district
                    .as_ref()
                    .map(|d| format!("NAV-kontor for bydel {d}"))
                    .unwrap_or_else(|| format!("NAV {}", p.municipality)),
                "Oppfølging",
                "NAV-loven § 14 a",
                &[],
                "10 år etter siste aktivitet",
            ),
            rec(
                "introduksjonsstonad",
                "benefits",
                "Introduksjonsstønad",
                format!("{} kr per måned", 15_000 + p.seed % 5_000),
                settle,
                "integreringsloven § 20",
                &["Skatteetaten"],
                "10 år etter siste utbetaling",
            ),
            Rec {
                special: true,
                ..rec(
                    "helse.legeerklaering",
                    "health",
                    "Legeerklæring",
                    "Fritak fra deler av programmet i tre måneder".into(),
                    "Tilpasse programmet",
                    "GDPR art. 9(2)(h)",
                    &[],
                    "10 år etter siste aktivitet",
                )
            },
        ],
        "kommune" => vec![
            rec(
                "plan",
                "programme",
                "Introduksjonsprogram, plan",
                "Norsk, samfunnskunnskap og arbeidspraksis, 37,5 timer i uka".into(),
                settle,
                "integreringsloven § 15",
                &["NAV"],
                "15 år (integreringsforskriften § 60)",
            ),
            rec(
                "fravaer",
                "attendance",
                "Fravær siste måned",
                format!("{} dager", p.seed % 4),
                settle,
                "integreringsloven § 17",
                &["NAV"],
                "15 år (integreringsforskriften § 60)",
            ),
            Rec {
                third: true,
                ..rec(
                    "barnehage",
                    "family",
                    "Barnehageplass for barn",
                    format!("{} har plass i kommunal barnehage", p.child),
                    "Tilrettelegging for deltakelse",
                    "barnehageloven § 16",
                    &[],
                    "Arkiveres etter arkivloven",
                )
            },
        ],
        "voksenopplaering" => vec![
            rec(
                "norskkurs",
                "education",
                "Norskopplæring",
                ["Spor 1, nivå A1", "Spor 2, nivå A2", "Spor 3, nivå B1"][(p.seed % 3) as usize]
                    .into(),
                "Opplæring i norsk og samfunnskunnskap",
                "integreringsloven § 27",
                &["NIR"],
                "15 år (integreringsforskriften § 60)",
            ),
            rec(
                "timer",
                "education",
                "Gjennomførte timer",
                format!("{} timer", 200 + p.seed % 400),
                "Opplæring i norsk og samfunnskunnskap",
                "integreringsloven § 27",
                &["NIR"],
                "15 år (integreringsforskriften § 60)",
            ),
        ],
        "kompetanse-norge" => vec![
            rec(
                "norskprove.muntlig",
                "test_results",
                "Norskprøve, muntlig",
                "B1".into(),
                "Dokumentere norskferdigheter",
                "integreringsloven § 28",
                &["Deltakeren"],
                "Varig (prøvebevis)",
            ),
            rec(
                "norskprove.skriftlig",
                "test_results",
                "Norskprøve, skriftlig",
                "A2".into(),
                "Dokumentere norskferdigheter",
                "integreringsloven § 28",
                &["Deltakeren"],
                "Varig (prøvebevis)",
            ),
        ],
        "nir" => vec![
            rec(
                "deltakelse",
                "register",
                "Deltakelse i introduksjonsprogram",
                format!("Fra {at}"),
                "Nasjonalt introduksjonsregister",
                "integreringsloven § 43",
                &["Statistisk sentralbyrå"],
                "15 år (integreringsforskriften § 60)",
            ),
            rec(
                "forskning",
                "register",
                "Bruk til forskning og statistikk",
                "Tillatt (ikke reservert)".into(),
                "Forskning og statistikk",
                "integreringsforskriften § 62",
                &["Forskere med tillatelse"],
                "15 år (integreringsforskriften § 60)",
            ),
        ],
        // Load tests register more sources than the eight: `extra-*` serve a generic case file.
        other if other.starts_with("extra-") => vec![
            rec(
                "sak",
                "case_file",
                "Saksmappe",
                format!("Sak {} i {other}", p.seed % 10_000),
                settle,
                "integreringsloven § 41",
                &[],
                "Arkiveres etter arkivloven",
            ),
            rec(
                "notat",
                "case_file",
                "Notat",
                "Samtale om bosetting og arbeid".into(),
                settle,
                "integreringsloven § 41",
                &[],
                "Arkiveres etter arkivloven",
            ),
        ],
        _ => return None,
    };
    Some(build(at, list))
}

/// The categories a source holds, for its discovery document.
pub fn categories(source: &str) -> Vec<String> {
    let mut c: Vec<String> = records(source, "00000000000")
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.category)
        .collect();
    c.sort();
    c.dedup();
    c
}

/// What the source does when asked to rectify, erase, restrict or object, per record. Registers
/// kept by law say so with their legal basis; third parties' records are never touched.
pub fn operate(
    source: &str,
    pid: &str,
    operation: Operation,
    record_ids: &[String],
    today: NaiveDate,
) -> Option<Vec<RecordResult>> {
    let records = records(source, pid)?;
    let own: Vec<&Record> = records.iter().filter(|r| !r.third_party).collect();
    let kept = |r: &Record, reason: &str, basis: &str| RecordResult {
        record_id: r.id.clone(),
        category: r.category.clone(),
        label: r.label.clone(),
        outcome: RecordOutcome::Kept,
        reason: Some(reason.into()),
        legal_basis: Some(basis.into()),
        until: None,
        third_party: false,
        new_value: None,
    };
    let done = |r: &Record, outcome: RecordOutcome, until: Option<NaiveDate>| RecordResult {
        record_id: r.id.clone(),
        category: r.category.clone(),
        label: r.label.clone(),
        outcome,
        reason: None,
        legal_basis: None,
        until,
        third_party: false,
        new_value: None,
    };
    let results = match operation {
        Operation::Access | Operation::Notify => return None,
        Operation::Rectify => record_ids
            .iter()
            .map(|id| match own.iter().find(|r| &r.id == id) {
                Some(r) if source == "folkeregisteret" => kept(
                    r,
                    "Folkeregisteret rettes etter melding til Skatteetaten",
                    "folkeregisterloven § 9-1",
                ),
                Some(r) => done(r, RecordOutcome::Corrected, None),
                None => RecordResult {
                    record_id: id.clone(),
                    category: "unknown".into(),
                    label: String::new(),
                    outcome: RecordOutcome::NotFound,
                    reason: None,
                    legal_basis: None,
                    until: None,
                    third_party: false,
                    new_value: None,
                },
            })
            .collect(),
        Operation::Erase => own
            .iter()
            .map(|r| match (source, r.category.as_str()) {
                ("folkeregisteret", _) => kept(
                    r,
                    "Folkeregisteret skal være fullstendig",
                    "folkeregisterloven § 1-1",
                ),
                ("nir", _) | ("kommune", "programme") | ("voksenopplaering", _) => {
                    kept(r, "Oppbevares i 15 år", "integreringsforskriften § 60")
                }
                ("udi", _) | ("kompetanse-norge", _) => kept(r, "Arkivplikt", "arkivlova § 6"),
                _ => done(r, RecordOutcome::Erased, None),
            })
            .collect(),
        Operation::Restrict => own
            .iter()
            .map(|r| {
                if source == "folkeregisteret" {
                    kept(
                        r,
                        "Grunndata kan ikke begrenses",
                        "folkeregisterloven § 1-1",
                    )
                } else {
                    done(
                        r,
                        RecordOutcome::Restricted,
                        today.checked_add_days(chrono::Days::new(90)),
                    )
                }
            })
            .collect(),
        Operation::Lift => own
            .iter()
            .map(|r| {
                if source == "folkeregisteret" {
                    done(r, RecordOutcome::NotFound, None)
                } else {
                    done(r, RecordOutcome::Lifted, None)
                }
            })
            .filter(|r| record_ids.is_empty() || record_ids.contains(&r.record_id))
            .collect(),
        Operation::Object => own
            .iter()
            .map(|r| {
                if r.purpose.contains("Forskning") || r.purpose.contains("statistikk") {
                    done(r, RecordOutcome::Stopped, None)
                } else {
                    kept(
                        r,
                        "Behandlingen er nødvendig for å utføre en lovpålagt oppgave",
                        "GDPR art. 21(1), tvingende berettigede grunner",
                    )
                }
            })
            .collect(),
    };
    Some(results)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn demo_pid(i: usize) -> String {
        crate::demo::demo_citizens()[i].pid.clone()
    }

    #[test]
    fn every_source_answers_with_third_party_and_special_data_somewhere() {
        let pid = demo_pid(0);
        let all: Vec<Record> = SOURCES
            .iter()
            .flat_map(|(id, _, _)| records(id, &pid).unwrap())
            .collect();
        assert!(all.iter().any(|r| r.third_party));
        assert!(all.iter().any(|r| r.special_category));
        assert!(all.iter().any(|r| r.value == "Amina Yusuf"));
        assert_eq!(records("no-such-source", &pid), None);
        for (id, _, _) in SOURCES {
            assert!(!categories(id).is_empty(), "{id}");
        }
    }

    #[test]
    fn folkeregisteret_gives_address_or_protection() {
        let open = records("folkeregisteret", &demo_pid(0)).unwrap();
        let value =
            |rs: &[Record], id: &str| rs.iter().find(|r| r.id == id).map(|r| r.value.clone());
        assert_eq!(value(&open, DISTRICT_RECORD).as_deref(), Some("030101"));
        assert_eq!(value(&open, PROTECTION_RECORD).as_deref(), Some("ugradert"));
        let protected = records("folkeregisteret", &demo_pid(5)).unwrap();
        assert_eq!(
            value(&protected, PROTECTION_RECORD).as_deref(),
            Some("strengtFortrolig")
        );
        assert_eq!(
            value(&protected, MUNICIPALITY_RECORD),
            None,
            "a protected address is never given out"
        );
        assert_eq!(value(&protected, POSTAL_ADDRESS_RECORD), None);
        assert!(
            value(&open, POSTAL_ADDRESS_RECORD).is_some_and(|a| a.ends_with(" OSLO")),
            "the postal address of an open address"
        );
    }

    #[test]
    fn a_demo_citizen_has_the_same_life_by_duf_number() {
        let amina = &crate::demo::demo_citizens()[0];
        let duf = amina.duf.unwrap();
        for source in FINDS_BY_DUF {
            assert_eq!(
                records(source, duf),
                records(source, &amina.pid),
                "{source}"
            );
        }
    }

    #[test]
    fn any_pid_gets_a_stable_life() {
        let a = records("nav", "70019012345").unwrap();
        let b = records("nav", "70019012345").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn operations_keep_what_the_law_keeps_and_never_touch_third_parties() {
        let pid = demo_pid(1);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let erase = operate("nir", &pid, Operation::Erase, &[], today).unwrap();
        assert!(
            erase
                .iter()
                .all(|r| r.outcome == RecordOutcome::Kept && r.legal_basis.is_some())
        );
        let erase = operate("nav", &pid, Operation::Erase, &[], today).unwrap();
        assert!(erase.iter().any(|r| r.outcome == RecordOutcome::Erased));
        let erase = operate("folkeregisteret", &pid, Operation::Erase, &[], today).unwrap();
        assert!(erase.iter().all(|r| !r.record_id.starts_with("familie")));
        let fix = operate(
            "kommune",
            &pid,
            Operation::Rectify,
            &["fravaer".into(), "nope".into()],
            today,
        )
        .unwrap();
        assert_eq!(fix[0].outcome, RecordOutcome::Corrected);
        assert_eq!(fix[1].outcome, RecordOutcome::NotFound);
        let object = operate("nir", &pid, Operation::Object, &[], today).unwrap();
        assert!(object.iter().any(|r| r.outcome == RecordOutcome::Stopped));
        for op in [
            Operation::Rectify,
            Operation::Erase,
            Operation::Restrict,
            Operation::Object,
        ] {
            for (id, _, _) in SOURCES {
                for r in operate(id, &pid, op, &["navn".into()], today).unwrap() {
                    assert!(r.outcome.fits(op), "{id} {op} {:?}", r.outcome);
                }
            }
        }
    }
}
