//! The catalogue of legal bases a decision can name: why a request was
//! refused or only partly met, why data is kept, why processing goes on. Each entry has a stable
//! id (`gdpr-17-3-b`), a citation, the rights it applies to, and a plain-language title and
//! explanation in every language.
//!
//! The built-in entries are a fixed list whose texts live in `locales/<lang>/legal_bases.toml`
//! (key `legal_bases.<id>.{citation,title,explanation}`). Admins add entries of the same shape
//! (stored by the caller, e.g. in a database table); [`Catalogue::with_custom`] merges both into
//! one value that letters and the API read.
//!
//! Over 500 lines on purpose: a catalogue (a table of entries) with the tests that check it.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    i18n::Language,
    lifecycle::RightKind,
    localized::{Localized, LocalizedError},
};

use RightKind::{Begrensning, Innsyn, Protest, Retting, Sletting};

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    BuiltIn,
    Custom,
}

/// One legal basis. Built-in and admin-added entries have this same shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// Stable id: lowercase ASCII letters, digits and `-`, e.g. `gdpr-17-3-b`.
    pub id: String,
    /// The formal reference, e.g. "personvernforordningen artikkel 17 nr. 3 bokstav b".
    pub citation: Localized,
    /// A short name of what the rule is about.
    pub title: Localized,
    /// What the rule means for the person, in plain language.
    pub explanation: Localized,
    /// The rights a decision may cite this entry for.
    pub applies_to: Vec<RightKind>,
    pub origin: Origin,
}

impl LegalBasis {
    pub fn applies_to(&self, kind: RightKind) -> bool {
        self.applies_to.contains(&kind)
    }
}

/// An admin-added entry before it is checked and merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomLegalBasis {
    pub id: String,
    pub citation: Localized,
    pub title: Localized,
    pub explanation: Localized,
    pub applies_to: Vec<RightKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalBasisError {
    #[error("legal basis id {0:?} must be 2–64 characters of a–z, 0–9 and '-'")]
    InvalidId(String),
    #[error("legal basis id {0:?} is already in the catalogue")]
    DuplicateId(String),
    #[error("legal basis {id:?}: {field} {source}")]
    Text {
        id: String,
        field: &'static str,
        source: LocalizedError,
    },
    #[error("legal basis {0:?} must apply to at least one right")]
    NoRights(String),
    #[error("unknown legal basis {0:?}")]
    Unknown(String),
    #[error(
        "{id:?} is {what}: every refusal letter tells the person about it; it is not a reason for a decision"
    )]
    NotABasis { id: String, what: &'static str },
    #[error("legal basis {id:?} does not apply to {kind}")]
    NotApplicable { id: String, kind: &'static str },
}

/// The retting outcome "the data held was checked and is correct" (GDPR art. 16).
pub const DATA_CORRECT: &str = "gdpr-16-correct";

/// The built-in entries: id and the rights each applies to. Texts come from the locale files.
pub const BUILT_IN: &[(&str, &[RightKind])] = &[
    (
        "gdpr-12-5",
        &[Innsyn, Retting, Sletting, Begrensning, Protest],
    ),
    ("gdpr-15-4", &[Innsyn]),
    ("gdpr-17-3-b", &[Sletting]),
    ("gdpr-17-3-d", &[Sletting]),
    ("gdpr-17-3-e", &[Sletting]),
    ("gdpr-18-2", &[Begrensning]),
    ("gdpr-21-1", &[Protest]),
    // Art. 16 is a right to have *inaccurate* data corrected: checked and found correct, the
    // request is refused for that reason, which the letter states with what was checked.
    (DATA_CORRECT, &[Retting]),
    (
        "gdpr-23",
        &[Innsyn, Retting, Sletting, Begrensning, Protest],
    ),
    // Art. 21(1) covers only processing under art. 6(1)(e) or (f): for an obligation under (c)
    // there is no right to object.
    ("gdpr-6-1-c", &[Protest]),
    ("pol-16-a", &[Innsyn]),
    ("pol-16-b", &[Innsyn]),
    ("pol-16-c", &[Innsyn]),
    ("pol-16-d", &[Innsyn]),
    ("pol-16-e", &[Innsyn]),
    ("pol-16-f", &[Innsyn]),
    ("arkivloven-arkivplikt", &[Sletting, Retting]),
    ("integreringsforskriften-60", &[Sletting]),
    ("integreringsforskriften-62", &[Protest]),
    // The task the law gives; not a reason against an objection (art. 21 asks for compelling
    // grounds, `gdpr-21-1`, or that the processing is an obligation, `gdpr-6-1-c`).
    ("integreringsloven-41", &[Sletting, Begrensning]),
    ("fvl-13", &[Innsyn]),
];

/// Rights every refusal letter states (the right to complain to Datatilsynet, art. 77, and to go
/// to court, art. 79). They are information for the person, never a reason for a refusal, so
/// they are not in the catalogue and a decision or an admin entry naming them is refused.
pub const INFORMATION_NOT_BASIS: &[(&str, &str)] = &[
    (
        "gdpr-77",
        "the right to complain to Datatilsynet (GDPR art. 77)",
    ),
    (
        "gdpr-79",
        "the right to an effective judicial remedy (GDPR art. 79)",
    ),
];

fn information_only(id: &str) -> Option<&'static str> {
    INFORMATION_NOT_BASIS
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, what)| *what)
}

fn valid_id(id: &str) -> bool {
    (2..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The built-in entries with their texts from the locale files.
pub fn built_in() -> Vec<LegalBasis> {
    BUILT_IN
        .iter()
        .map(|(id, kinds)| LegalBasis {
            id: (*id).to_string(),
            citation: Localized::from_locale(&format!("legal_bases.{id}.citation")),
            title: Localized::from_locale(&format!("legal_bases.{id}.title")),
            explanation: Localized::from_locale(&format!("legal_bases.{id}.explanation")),
            applies_to: kinds.to_vec(),
            origin: Origin::BuiltIn,
        })
        .collect()
}

/// Built-in and custom entries, in one value, ordered by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    entries: BTreeMap<String, LegalBasis>,
}

impl Catalogue {
    /// Only the built-in entries.
    pub fn built_in() -> Self {
        Catalogue {
            entries: built_in().into_iter().map(|b| (b.id.clone(), b)).collect(),
        }
    }

    /// The built-in entries plus admin-added ones. A custom entry may not reuse an id.
    pub fn with_custom(
        custom: impl IntoIterator<Item = CustomLegalBasis>,
    ) -> Result<Self, LegalBasisError> {
        let mut catalogue = Self::built_in();
        for entry in custom {
            catalogue.add(entry)?;
        }
        Ok(catalogue)
    }

    /// Checks and adds one admin-added entry.
    pub fn add(&mut self, entry: CustomLegalBasis) -> Result<(), LegalBasisError> {
        if !valid_id(&entry.id) {
            return Err(LegalBasisError::InvalidId(entry.id));
        }
        if let Some(what) = information_only(&entry.id) {
            return Err(LegalBasisError::NotABasis { id: entry.id, what });
        }
        if self.entries.contains_key(&entry.id) {
            return Err(LegalBasisError::DuplicateId(entry.id));
        }
        for (field, text) in [
            ("citation", &entry.citation),
            ("title", &entry.title),
            ("explanation", &entry.explanation),
        ] {
            text.validate().map_err(|source| LegalBasisError::Text {
                id: entry.id.clone(),
                field,
                source,
            })?;
        }
        if entry.applies_to.is_empty() {
            return Err(LegalBasisError::NoRights(entry.id));
        }
        let mut applies_to = entry.applies_to;
        applies_to.sort_by_key(|k| RightKind::ALL.iter().position(|a| a == k));
        applies_to.dedup();
        self.entries.insert(
            entry.id.clone(),
            LegalBasis {
                id: entry.id,
                citation: entry.citation,
                title: entry.title,
                explanation: entry.explanation,
                applies_to,
                origin: Origin::Custom,
            },
        );
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&LegalBasis> {
        self.entries.get(id)
    }

    pub fn all(&self) -> impl Iterator<Item = &LegalBasis> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries a decision on `kind` may cite.
    pub fn for_kind(&self, kind: RightKind) -> impl Iterator<Item = &LegalBasis> {
        self.entries.values().filter(move |b| b.applies_to(kind))
    }

    /// Looks up the ids a decision names, in the order given; every id must exist and apply to
    /// `kind`. This is the check for a drafted decision.
    pub fn resolve(
        &self,
        kind: RightKind,
        ids: &[impl AsRef<str>],
    ) -> Result<Vec<&LegalBasis>, LegalBasisError> {
        let mut out: Vec<&LegalBasis> = Vec::with_capacity(ids.len());
        for id in ids {
            let id = id.as_ref();
            if let Some(what) = information_only(id) {
                return Err(LegalBasisError::NotABasis {
                    id: id.to_string(),
                    what,
                });
            }
            let basis = self
                .get(id)
                .ok_or_else(|| LegalBasisError::Unknown(id.to_string()))?;
            if !basis.applies_to(kind) {
                return Err(LegalBasisError::NotApplicable {
                    id: id.to_string(),
                    kind: kind.as_str(),
                });
            }
            if !out.iter().any(|b| b.id == basis.id) {
                out.push(basis);
            }
        }
        Ok(out)
    }
}

/// One entry as shown in one language (for `GET /api/v1/legal-bases` and pickers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalBasisView<'a> {
    pub id: &'a str,
    pub citation: &'a str,
    pub title: &'a str,
    pub explanation: &'a str,
    pub applies_to: &'a [RightKind],
    pub origin: Origin,
}

impl LegalBasis {
    pub fn view(&self, lang: Language) -> LegalBasisView<'_> {
        LegalBasisView {
            id: &self.id,
            citation: self.citation.get(lang),
            title: self.title.get(lang),
            explanation: self.explanation.get(lang),
            applies_to: &self.applies_to,
            origin: self.origin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{keys, t};

    fn custom(id: &str) -> CustomLegalBasis {
        CustomLegalBasis {
            id: id.into(),
            citation: Localized::new(
                "Barnevernsloven § 13-2",
                "",
                "Child Welfare Act s. 13-2",
                "",
            ),
            title: Localized::new("Opplysningsplikt", "", "Duty to inform", ""),
            explanation: Localized::new(
                "Vi må gi opplysninger til barnevernet.",
                "",
                "We must give information to the child welfare service.",
                "",
            ),
            applies_to: vec![Sletting, Innsyn, Sletting],
        }
    }

    #[test]
    fn every_built_in_entry_has_complete_texts_in_every_language() {
        for basis in built_in() {
            for (field, text) in [
                ("citation", &basis.citation),
                ("title", &basis.title),
                ("explanation", &basis.explanation),
            ] {
                assert!(text.is_complete(), "{} {field}", basis.id);
                for lang in Language::ALL {
                    let key = format!("legal_bases.{}.{field}", basis.id);
                    assert_eq!(text.get(lang), t(lang, &key), "{key} resolved");
                    assert_ne!(text.get(lang), key, "{key} missing in {lang:?}");
                }
            }
            assert!(valid_id(&basis.id), "{}", basis.id);
            assert!(!basis.applies_to.is_empty(), "{}", basis.id);
        }
    }

    #[test]
    fn locale_file_has_no_entries_outside_the_list() {
        for key in keys(Language::Nb) {
            if let Some(rest) = key.strip_prefix("legal_bases.") {
                let id = rest.split('.').next().unwrap_or_default();
                assert!(
                    BUILT_IN.iter().any(|(b, _)| *b == id),
                    "{key} has no entry in BUILT_IN"
                );
            }
        }
    }

    #[test]
    fn the_issue_asks_for_these_entries_for_these_rights() {
        let catalogue = Catalogue::built_in();
        let table: &[(&str, RightKind)] = &[
            ("gdpr-12-5", Innsyn),
            ("gdpr-12-5", Protest),
            ("gdpr-15-4", Innsyn),
            ("gdpr-17-3-b", Sletting),
            ("gdpr-17-3-e", Sletting),
            ("gdpr-18-2", Begrensning),
            ("gdpr-21-1", Protest),
            ("gdpr-23", Retting),
            (DATA_CORRECT, Retting),
            ("pol-16-d", Innsyn),
            ("pol-16-e", Innsyn),
            ("arkivloven-arkivplikt", Sletting),
            ("integreringsforskriften-60", Sletting),
            ("integreringsforskriften-62", Protest),
            ("fvl-13", Innsyn),
            ("gdpr-6-1-c", Protest),
        ];
        for (id, kind) in table {
            let basis = catalogue.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(basis.applies_to(*kind), "{id} for {kind:?}");
            assert_eq!(basis.origin, Origin::BuiltIn);
        }
        let cases: &[(&str, Language, &str)] = &[
            ("integreringsforskriften-60", Language::Nb, "15"),
            ("integreringsforskriften-60", Language::Uk, "15"),
            ("gdpr-17-3-b", Language::En, "17"),
        ];
        for (id, lang, needle) in cases {
            let basis = catalogue.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(
                basis.explanation.get(*lang).contains(needle)
                    || basis.citation.get(*lang).contains(needle),
                "{id} {lang:?} mentions {needle}"
            );
        }
    }

    /// What a decision on each right may and may not cite (GDPR art. 77/79 are information,
    /// art. 21(1) covers only processing under art. 6(1)(e)/(f), integreringsloven § 41 is the
    /// task, not a reason against an objection).
    #[test]
    fn bases_a_decision_may_cite_by_right() {
        let catalogue = Catalogue::built_in();
        for kind in RightKind::ALL {
            for id in ["gdpr-77", "gdpr-79"] {
                assert!(
                    matches!(
                        catalogue.resolve(kind, &[id]),
                        Err(LegalBasisError::NotABasis { .. })
                    ),
                    "{id} for {kind}"
                );
                assert!(catalogue.get(id).is_none(), "{id} is not an entry");
                assert!(catalogue.for_kind(kind).all(|b| b.id != id));
            }
        }
        let table: &[(&str, RightKind, bool)] = &[
            ("gdpr-21-1", Protest, true),
            ("gdpr-6-1-c", Protest, true),
            ("gdpr-6-1-c", Sletting, false),
            ("integreringsloven-41", Protest, false),
            ("integreringsloven-41", Sletting, true),
            ("integreringsloven-41", Begrensning, true),
            ("integreringsforskriften-62", Protest, true),
            (DATA_CORRECT, Retting, true),
            (DATA_CORRECT, Sletting, false),
            (DATA_CORRECT, Protest, false),
        ];
        for (id, kind, ok) in table {
            assert_eq!(
                catalogue.resolve(*kind, &[*id]).is_ok(),
                *ok,
                "{id} for {kind}"
            );
        }
        // An admin cannot add them back under their own ids.
        let mut c = Catalogue::built_in();
        assert!(matches!(
            c.add(custom("gdpr-77")),
            Err(LegalBasisError::NotABasis { .. })
        ));
    }

    #[test]
    fn custom_entries_merge_into_one_catalogue() {
        let catalogue =
            Catalogue::with_custom([custom("bvl-13-2")]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(catalogue.len(), BUILT_IN.len() + 1);
        let entry = catalogue
            .get("bvl-13-2")
            .unwrap_or_else(|| panic!("merged"));
        assert_eq!(entry.origin, Origin::Custom);
        assert_eq!(
            entry.applies_to,
            vec![Innsyn, Sletting],
            "sorted, deduplicated"
        );
        // Fallbacks for the languages the admin left empty.
        assert_eq!(entry.title.get(Language::Nn), "Opplysningsplikt");
        assert_eq!(entry.title.get(Language::Uk), "Duty to inform");
        assert!(catalogue.for_kind(Sletting).any(|b| b.id == "bvl-13-2"));
        assert!(!catalogue.for_kind(Protest).any(|b| b.id == "bvl-13-2"));
        // Ordered by id, built-in and custom together.
        let ids: Vec<&str> = catalogue.all().map(|b| b.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn custom_entries_are_checked() {
        let mut bad_text = custom("x-1");
        bad_text.explanation.en.clear();
        let mut no_rights = custom("x-2");
        no_rights.applies_to.clear();
        let table: Vec<(CustomLegalBasis, LegalBasisError)> = vec![
            (
                custom("gdpr-15-4"),
                LegalBasisError::DuplicateId("gdpr-15-4".into()),
            ),
            (
                custom("Has Space"),
                LegalBasisError::InvalidId("Has Space".into()),
            ),
            (custom("x"), LegalBasisError::InvalidId("x".into())),
            (custom("-x"), LegalBasisError::InvalidId("-x".into())),
            (custom("æøå"), LegalBasisError::InvalidId("æøå".into())),
            (
                bad_text,
                LegalBasisError::Text {
                    id: "x-1".into(),
                    field: "explanation",
                    source: LocalizedError::MissingEn,
                },
            ),
            (no_rights, LegalBasisError::NoRights("x-2".into())),
        ];
        for (entry, expected) in table {
            let id = entry.id.clone();
            assert_eq!(Catalogue::with_custom([entry]), Err(expected), "{id}");
        }
        let twice = Catalogue::with_custom([custom("a-1"), custom("a-1")]);
        assert_eq!(twice, Err(LegalBasisError::DuplicateId("a-1".into())));
    }

    #[test]
    fn resolve_checks_existence_and_right() {
        let catalogue = Catalogue::built_in();
        let ok = catalogue
            .resolve(
                Sletting,
                &["integreringsforskriften-60", "gdpr-17-3-b", "gdpr-17-3-b"],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<&str> = ok.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["integreringsforskriften-60", "gdpr-17-3-b"]);
        assert_eq!(
            catalogue.resolve(Sletting, &["nope"]),
            Err(LegalBasisError::Unknown("nope".into()))
        );
        assert_eq!(
            catalogue.resolve(Innsyn, &["gdpr-21-1"]),
            Err(LegalBasisError::NotApplicable {
                id: "gdpr-21-1".into(),
                kind: "innsyn"
            })
        );
    }

    #[test]
    fn view_picks_the_language() {
        let catalogue = Catalogue::built_in();
        let basis = catalogue.get("fvl-13").unwrap_or_else(|| panic!("fvl-13"));
        let view = basis.view(Language::Uk);
        assert_eq!(view.title, t(Language::Uk, "legal_bases.fvl-13.title"));
        let json = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(json["id"], "fvl-13");
        assert_eq!(json["applies_to"][0], "innsyn");
        assert_eq!(json["origin"], "built_in");
    }
}
