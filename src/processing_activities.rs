//! The registry of processing activities (GDPR art. 30): per controller and service area, what
//! personal data is processed, why, from where, to whom, for how long and on what legal basis.
//! The innsyn answer (art. 15(1)(a)–(h)) is built from it, and it is the record of processing
//! that Datatilsynet may ask for (docs/reports-and-retention.md).
//!
//! The built-in registry is seeded from the public privacy statements of the controllers
//! (Oslo kommune's districts, Utdanningsetaten, Velferdsetaten, Elverum, Lillestrøm) and lives in
//! `data-seed/processing_activities.toml`, embedded at build time. Category, source and recipient
//! texts are shared dictionaries referenced by id, so a connector record's `category` (e.g.
//! `residence_permit`) can be shown in the person's language.
//!
//! Over 500 lines on purpose: the art. 30 record: its entries, their checks and the tests of both.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    i18n::Language,
    localized::{Localized, LocalizedError},
};

static SEED: &str = include_str!("../data-seed/processing_activities.toml");

/// A category of personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCategory {
    pub name: Localized,
    /// A special category (GDPR art. 9, e.g. health) or criminal-offence data (art. 10).
    #[serde(default)]
    pub special: bool,
}

/// One processing activity of one controller (or group of controllers with the same statement,
/// such as Oslo's 15 districts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingActivity {
    /// Stable id, e.g. `oslo-bydel-bosetting`.
    pub id: String,
    /// Which controllers this entry describes, e.g. `oslo-bydel`, `elverum`; the caller maps its
    /// controllers to a key.
    pub controller_key: String,
    /// The service area (routing code) it belongs to, if it is specific to one.
    #[serde(default)]
    pub service_area: Option<String>,
    pub name: Localized,
    /// art. 15(1)(a)
    pub purposes: Vec<Localized>,
    /// Ids into [`Registry::categories`]; art. 15(1)(b).
    pub categories: Vec<String>,
    /// Ids into [`Registry::recipients`]; art. 15(1)(c).
    pub recipients: Vec<String>,
    /// Transfers outside the EU/EEA; art. 15(1)(c), 15(2).
    pub transfers: Localized,
    /// art. 15(1)(d)
    pub retention: Localized,
    /// Ids into [`Registry::sources`]; art. 15(1)(g).
    pub sources: Vec<String>,
    /// The legal bases of the processing itself (art. 6, 9, national law).
    pub legal_bases: Vec<Localized>,
    /// Automated decisions or profiling (art. 15(1)(h)), stated for every activity: `"none"` or
    /// a description. An entry that says nothing is refused when the registry is read, so a
    /// letter never says "none" where the register is silent.
    pub automated_decisions: Declared,
    /// General description of security measures (art. 30(1)(g)).
    pub security: Localized,
}

/// Something the register must state for every activity: explicitly that there is none, or a
/// description. In the seed: `"none"` or a table of texts per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared<T = Localized> {
    None,
    Text(T),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDeclared {
    Word(String),
    Text(Localized),
}

impl TryFrom<RawDeclared> for Declared {
    type Error = String;
    fn try_from(raw: RawDeclared) -> Result<Self, String> {
        match raw {
            RawDeclared::Word(w) if w == "none" => Ok(Declared::None),
            RawDeclared::Word(w) => Err(format!(
                "write \"none\" or a text in each language, not {w:?}"
            )),
            RawDeclared::Text(t) => Ok(Declared::Text(t)),
        }
    }
}

impl<'de> Deserialize<'de> for Declared {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Declared::try_from(RawDeclared::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// `"none"`, or the text as it is.
impl<T: Serialize> Serialize for Declared<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Declared::None => s.serialize_str("none"),
            Declared::Text(t) => t.serialize(s),
        }
    }
}

impl<T> Declared<T> {
    pub fn as_ref(&self) -> Declared<&T> {
        match self {
            Declared::None => Declared::None,
            Declared::Text(t) => Declared::Text(t),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Declared<U> {
        match self {
            Declared::None => Declared::None,
            Declared::Text(t) => Declared::Text(f(t)),
        }
    }
}

/// Checks that an id exists in one of the registry's dictionaries.
type KnownId<'a> = dyn Fn(&str) -> bool + 'a;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub categories: BTreeMap<String, DataCategory>,
    pub sources: BTreeMap<String, Localized>,
    pub recipients: BTreeMap<String, Localized>,
    /// Which dictionary source a source system (a connector, by its id) is, where the ids
    /// differ (e.g. the connector `udi` is the source `udi_une`); a system whose id is itself a
    /// source id needs no entry.
    #[serde(default)]
    pub source_systems: BTreeMap<String, String>,
    #[serde(rename = "activity")]
    pub activities: Vec<ProcessingActivity>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegistryError {
    #[error("the registry is not valid TOML: {0}")]
    Parse(String),
    #[error("activity {0:?} appears twice")]
    DuplicateActivity(String),
    #[error("activity {activity:?} names unknown {kind} {id:?}")]
    UnknownReference {
        activity: String,
        kind: &'static str,
        id: String,
    },
    #[error("{what}: {source}")]
    Text {
        what: String,
        source: LocalizedError,
    },
    #[error("activity {0:?} has no purposes")]
    NoPurposes(String),
    #[error("source system {system:?} is mapped to unknown source {source_id:?}")]
    UnknownSourceSystem { system: String, source_id: String },
}

/// An activity with its references resolved, in one language: what a letter shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub purposes: Vec<&'a str>,
    /// Category name and whether it is a special category.
    pub categories: Vec<(&'a str, bool)>,
    pub recipients: Vec<&'a str>,
    pub transfers: &'a str,
    pub retention: &'a str,
    pub sources: Vec<&'a str>,
    pub legal_bases: Vec<&'a str>,
    pub automated_decisions: Declared<&'a str>,
}

impl Registry {
    /// The built-in registry seeded from the reference statements.
    pub fn built_in() -> Result<Self, RegistryError> {
        Self::from_toml(SEED)
    }

    /// Parses and checks a registry in the seed format.
    pub fn from_toml(text: &str) -> Result<Self, RegistryError> {
        let registry: Registry =
            toml::from_str(text).map_err(|e| RegistryError::Parse(e.to_string()))?;
        registry.validate()?;
        Ok(registry)
    }

    fn validate(&self) -> Result<(), RegistryError> {
        let text = |what: String, l: &Localized| {
            l.validate()
                .map_err(|source| RegistryError::Text { what, source })
        };
        for (id, c) in &self.categories {
            text(format!("category {id}"), &c.name)?;
        }
        for (id, s) in &self.sources {
            text(format!("source {id}"), s)?;
        }
        for (id, r) in &self.recipients {
            text(format!("recipient {id}"), r)?;
        }
        if let Some((system, source_id)) = self
            .source_systems
            .iter()
            .find(|(_, source)| !self.sources.contains_key(*source))
        {
            return Err(RegistryError::UnknownSourceSystem {
                system: system.clone(),
                source_id: source_id.clone(),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.activities {
            if !seen.insert(a.id.as_str()) {
                return Err(RegistryError::DuplicateActivity(a.id.clone()));
            }
            if a.purposes.is_empty() {
                return Err(RegistryError::NoPurposes(a.id.clone()));
            }
            let refs: [(&'static str, &Vec<String>, &KnownId); 3] = [
                ("category", &a.categories, &|id| {
                    self.categories.contains_key(id)
                }),
                ("source", &a.sources, &|id| self.sources.contains_key(id)),
                ("recipient", &a.recipients, &|id| {
                    self.recipients.contains_key(id)
                }),
            ];
            for (kind, ids, known) in refs {
                if let Some(id) = ids.iter().find(|id| !known(id)) {
                    return Err(RegistryError::UnknownReference {
                        activity: a.id.clone(),
                        kind,
                        id: id.clone(),
                    });
                }
            }
            text(format!("{} name", a.id), &a.name)?;
            text(format!("{} transfers", a.id), &a.transfers)?;
            text(format!("{} retention", a.id), &a.retention)?;
            text(format!("{} security", a.id), &a.security)?;
            for p in a.purposes.iter().chain(&a.legal_bases) {
                text(format!("{} purpose/legal basis", a.id), p)?;
            }
            if let Declared::Text(ad) = &a.automated_decisions {
                text(format!("{} automated decisions", a.id), ad)?;
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&ProcessingActivity> {
        self.activities.iter().find(|a| a.id == id)
    }

    /// The activities of a controller group, optionally narrowed to one service area (an entry
    /// without a service area covers all of the controller's areas).
    pub fn for_controller<'a>(
        &'a self,
        controller_key: &'a str,
        service_area: Option<&'a str>,
    ) -> impl Iterator<Item = &'a ProcessingActivity> + 'a {
        self.activities.iter().filter(move |a| {
            a.controller_key == controller_key
                && match (service_area, &a.service_area) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
        })
    }

    /// The activities that apply to one request, in registry order: every activity of the
    /// controller group that covers the request's service area (an entry without a service area
    /// covers all), and every other activity of the group that names among its sources a source
    /// system the person's data was collected from for this request. Over-inclusive on purpose:
    /// the person is told about every processing that may concern the data found
    /// (GDPR art. 15(1)(a)–(h)).
    pub fn applicable<'a>(
        &'a self,
        controller_key: &str,
        service_area: Option<&str>,
        collected_from: &[&str],
    ) -> Vec<&'a ProcessingActivity> {
        let sources: Vec<&str> = collected_from
            .iter()
            .map(|system| {
                self.source_systems
                    .get(*system)
                    .map(String::as_str)
                    .unwrap_or(system)
            })
            .collect();
        self.activities
            .iter()
            .filter(|a| a.controller_key == controller_key)
            .filter(|a| {
                let area = match (service_area, &a.service_area) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                };
                area || a.sources.iter().any(|s| sources.contains(&s.as_str()))
            })
            .collect()
    }

    /// The display name of a record category id in `lang`, if the registry knows it.
    pub fn category_name(&self, id: &str, lang: Language) -> Option<&str> {
        self.categories.get(id).map(|c| c.name.get(lang))
    }

    /// True when the registry marks this category id as special (art. 9/10).
    pub fn is_special_category(&self, id: &str) -> bool {
        self.categories.get(id).is_some_and(|c| c.special)
    }

    /// Resolves an activity's references for display in `lang`.
    pub fn view<'a>(
        &'a self,
        activity: &'a ProcessingActivity,
        lang: Language,
    ) -> ActivityView<'a> {
        ActivityView {
            id: &activity.id,
            name: activity.name.get(lang),
            purposes: activity.purposes.iter().map(|p| p.get(lang)).collect(),
            categories: activity
                .categories
                .iter()
                .filter_map(|id| self.categories.get(id))
                .map(|c| (c.name.get(lang), c.special))
                .collect(),
            recipients: activity
                .recipients
                .iter()
                .filter_map(|id| self.recipients.get(id))
                .map(|r| r.get(lang))
                .collect(),
            transfers: activity.transfers.get(lang),
            retention: activity.retention.get(lang),
            sources: activity
                .sources
                .iter()
                .filter_map(|id| self.sources.get(id))
                .map(|s| s.get(lang))
                .collect(),
            legal_bases: activity.legal_bases.iter().map(|l| l.get(lang)).collect(),
            automated_decisions: activity.automated_decisions.as_ref().map(|a| a.get(lang)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_parses_and_every_text_exists_in_all_four_languages() {
        let r = Registry::built_in().unwrap();
        assert!(r.activities.len() >= 5);
        let mut texts: Vec<(String, &Localized)> = Vec::new();
        for (id, c) in &r.categories {
            texts.push((format!("category {id}"), &c.name));
        }
        for (id, s) in r.sources.iter().chain(&r.recipients) {
            texts.push((id.clone(), s));
        }
        for a in &r.activities {
            texts.push((format!("{} name", a.id), &a.name));
            texts.push((format!("{} retention", a.id), &a.retention));
            texts.push((format!("{} transfers", a.id), &a.transfers));
            texts.push((format!("{} security", a.id), &a.security));
            if let Declared::Text(t) = &a.automated_decisions {
                texts.push((format!("{} automated decisions", a.id), t));
            }
            for p in a.purposes.iter().chain(&a.legal_bases) {
                texts.push((format!("{} purpose/basis", a.id), p));
            }
        }
        for (what, text) in texts {
            assert!(text.is_complete(), "{what} lacks a language: {text:?}");
        }
    }

    #[test]
    fn the_seed_holds_the_facts_of_the_reference_statements() {
        let r = Registry::built_in().unwrap();
        // (activity, category / source / recipient that the statement names)
        let table: &[(&str, &str, &str)] = &[
            ("oslo-bydel-bosetting", "category", "health"),
            ("oslo-bydel-bosetting", "category", "residence_permit"),
            ("oslo-bydel-bosetting", "source", "folkeregisteret"),
            ("oslo-bydel-bosetting", "source", "udi_une"),
            ("oslo-bydel-bosetting", "source", "kompetanse_norge"),
            ("oslo-bydel-bosetting", "recipient", "oslo_voksenopplaering"),
            ("elverum-bosetting", "recipient", "nir"),
            ("elverum-bosetting", "recipient", "imdi"),
            ("elverum-bosetting", "source", "barnevern"),
            ("lillestrom-tjenester", "source", "krr"),
            (
                "oslo-utdanningsetaten-opplaering",
                "source",
                "kompetanse_norge",
            ),
            ("oslo-velferdsetaten-statistikk", "category", "income"),
        ];
        for (activity, kind, id) in table {
            let a = r.get(activity).unwrap_or_else(|| panic!("{activity}"));
            let list = match *kind {
                "category" => &a.categories,
                "source" => &a.sources,
                _ => &a.recipients,
            };
            assert!(list.iter().any(|x| x == id), "{activity} {kind} {id}");
        }
        let oslo = r.get("oslo-bydel-bosetting").unwrap();
        assert!(oslo.retention.nb.contains("15 år"));
        assert!(oslo.retention.nb.contains("§ 60"));
        assert!(r.is_special_category("health"));
        assert!(!r.is_special_category("contact"));
        assert_eq!(
            r.category_name("residence_permit", Language::En),
            Some("Residence permit")
        );
    }

    #[test]
    fn lookup_by_controller_and_service_area() {
        let r = Registry::built_in().unwrap();
        let ids = |key: &str, area: Option<&str>| -> Vec<String> {
            r.for_controller(key, area).map(|a| a.id.clone()).collect()
        };
        assert_eq!(
            ids("oslo-bydel", Some("settlement")),
            ["oslo-bydel-bosetting"]
        );
        assert!(ids("oslo-bydel", Some("statistics")).is_empty());
        assert_eq!(
            ids("lillestrom", Some("settlement")),
            ["lillestrom-tjenester"]
        );
        assert!(ids("nowhere", None).is_empty());
    }

    #[test]
    fn broken_registries_are_refused() {
        let base = r#"
[categories.contact]
name = { nb = "Kontakt", en = "Contact" }
[sources.self]
nb = "Deg"
en = "You"
[recipients.nav]
nb = "NAV"
en = "NAV"
[[activity]]
id = "a"
controller_key = "k"
name = { nb = "A", en = "A" }
purposes = [{ nb = "P", en = "P" }]
categories = ["CAT"]
recipients = ["nav"]
transfers = { nb = "Ingen", en = "None" }
retention = { nb = "1 år", en = "1 year" }
sources = ["self"]
legal_bases = [{ nb = "GDPR 6(1)(e)", en = "GDPR 6(1)(e)" }]
security = { nb = "Tilgangsstyring", en = "Access control" }
automated_decisions = "none"
"#;
        assert!(Registry::from_toml(&base.replace("CAT", "contact")).is_ok());
        let table: Vec<(String, RegistryError)> = vec![
            (
                base.replace("CAT", "nope"),
                RegistryError::UnknownReference {
                    activity: "a".into(),
                    kind: "category",
                    id: "nope".into(),
                },
            ),
            (
                base.replace("CAT", "contact")
                    .replace("purposes = [{ nb = \"P\", en = \"P\" }]", "purposes = []"),
                RegistryError::NoPurposes("a".into()),
            ),
            (
                base.replace("CAT", "contact")
                    .replace("retention = { nb = \"1 år\"", "retention = { nb = \"\""),
                RegistryError::Text {
                    what: "a retention".into(),
                    source: LocalizedError::MissingNb,
                },
            ),
            (
                format!(
                    "[source_systems]\nudi = \"udi_une\"\n{}",
                    base.replace("CAT", "contact")
                ),
                RegistryError::UnknownSourceSystem {
                    system: "udi".into(),
                    source_id: "udi_une".into(),
                },
            ),
        ];
        for (text, expected) in table {
            assert_eq!(Registry::from_toml(&text), Err(expected));
        }
        // Automated decisions are stated for every activity: "none" or a text, never left out.
        let ok = base.replace("CAT", "contact");
        let stated = Registry::from_toml(&ok.replace(
            "automated_decisions = \"none\"",
            "automated_decisions = { nb = \"Maskinell vurdering\", en = \"Assessed by machine\" }",
        ))
        .unwrap();
        assert_eq!(
            stated.activities[0].automated_decisions,
            Declared::Text(Localized::new(
                "Maskinell vurdering",
                "",
                "Assessed by machine",
                ""
            ))
        );
        assert_eq!(
            Registry::from_toml(&ok).unwrap().activities[0].automated_decisions,
            Declared::None
        );
        for silent in [
            ok.replace("automated_decisions = \"none\"\n", ""),
            ok.replace("\"none\"", "\"no\""),
            ok.replace("\"none\"", "\"\""),
        ] {
            match Registry::from_toml(&silent) {
                Err(RegistryError::Parse(e)) => assert!(e.contains("automated_decisions"), "{e}"),
                other => panic!("a silent entry was accepted: {other:?}"),
            }
        }
        assert!(matches!(
            Registry::from_toml(&ok.replace(
                "automated_decisions = \"none\"",
                "automated_decisions = { nb = \"\", en = \"Assessed\" }",
            )),
            Err(RegistryError::Text { .. })
        ));
        let twice = format!(
            "{}\n{}",
            base.replace("CAT", "contact"),
            &base.replace("CAT", "contact")[base.find("[[activity]]").unwrap_or(0)..]
        );
        assert_eq!(
            Registry::from_toml(&twice),
            Err(RegistryError::DuplicateActivity("a".into()))
        );
        assert!(matches!(
            Registry::from_toml("not toml ["),
            Err(RegistryError::Parse(_))
        ));
    }

    #[test]
    fn view_resolves_references_in_the_language() {
        let r = Registry::built_in().unwrap();
        let a = r.get("oslo-bydel-bosetting").unwrap();
        let v = r.view(a, Language::Uk);
        assert_eq!(v.purposes.len(), a.purposes.len());
        assert_eq!(v.categories.len(), a.categories.len());
        assert!(v.categories.iter().any(|(_, special)| *special));
        assert_eq!(v.sources.len(), a.sources.len());
        assert_eq!(v.retention, a.retention.uk);
    }

    #[test]
    fn applicable_activities_by_service_area_and_by_the_sources_collected_from() {
        let activity = |id: &str, key: &str, area: Option<&str>, sources: &[&str]| {
            let text = Localized::new(id, "", id, "");
            ProcessingActivity {
                id: id.into(),
                controller_key: key.into(),
                service_area: area.map(Into::into),
                name: text.clone(),
                purposes: vec![text.clone()],
                categories: vec![],
                recipients: vec![],
                transfers: text.clone(),
                retention: text.clone(),
                sources: sources.iter().map(|s| s.to_string()).collect(),
                legal_bases: vec![text.clone()],
                automated_decisions: Declared::None,
                security: text,
            }
        };
        let text = Localized::new("x", "", "x", "");
        let r = Registry {
            categories: BTreeMap::new(),
            sources: ["self", "nav", "folkeregisteret", "udi_une"]
                .into_iter()
                .map(|s| (s.to_string(), text.clone()))
                .collect(),
            recipients: BTreeMap::new(),
            source_systems: [("udi".to_string(), "udi_une".to_string())].into(),
            activities: vec![
                activity("settle", "k", Some("settlement"), &["self"]),
                activity("all-areas", "k", None, &["nav"]),
                activity("benefits", "k", Some("benefits"), &["folkeregisteret"]),
                activity("stats", "k", Some("statistics"), &["udi_une"]),
                activity(
                    "other-body",
                    "other",
                    Some("settlement"),
                    &["folkeregisteret"],
                ),
            ],
        };
        // (controller group, service area, systems collected from, activities that apply)
        type Case<'a> = (&'a str, Option<&'a str>, &'a [&'a str], &'a [&'a str]);
        let table: &[Case] = &[
            ("k", Some("settlement"), &[], &["settle", "all-areas"]),
            (
                "k",
                Some("settlement"),
                &["folkeregisteret"],
                &["settle", "all-areas", "benefits"],
            ),
            // A source system named differently from its source is mapped.
            (
                "k",
                Some("settlement"),
                &["udi"],
                &["settle", "all-areas", "stats"],
            ),
            (
                "k",
                Some("statistics"),
                &["self"],
                &["settle", "all-areas", "stats"],
            ),
            (
                "k",
                None,
                &[],
                &["settle", "all-areas", "benefits", "stats"],
            ),
            ("k", Some("elsewhere"), &["papirarkiv"], &["all-areas"]),
            // Another controller group is never described, whatever the sources.
            ("nobody", Some("settlement"), &["folkeregisteret"], &[]),
        ];
        for (key, area, from, expected) in table {
            let got: Vec<&str> = r
                .applicable(key, *area, from)
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            assert_eq!(&got, expected, "{key} {area:?} {from:?}");
        }
    }

    #[test]
    fn nav_has_its_own_activity_not_oslos() {
        let r = Registry::built_in().unwrap();
        let ids = |key: &str| -> Vec<String> {
            r.applicable(key, Some("settlement"), &["folkeregisteret", "nav", "udi"])
                .into_iter()
                .map(|a| a.id.clone())
                .collect()
        };
        assert_eq!(ids("nav"), ["nav-introduksjon"]);
        assert_eq!(ids("oslo-bydel"), ["oslo-bydel-bosetting"]);
        let nav = r.get("nav-introduksjon").unwrap();
        assert!(nav.recipients.iter().any(|x| x == "district"));
        assert!(nav.retention.nb.contains("§ 60"));
        // Every connector id the seed maps names a source of the dictionary (checked on load).
        assert_eq!(r.source_systems["udi"], "udi_une");
    }
}
