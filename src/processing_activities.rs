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
    /// Automated decisions or profiling (art. 15(1)(h)); `None` when there are none.
    #[serde(default)]
    pub automated_decisions: Option<Localized>,
    /// General description of security measures (art. 30(1)(g)).
    pub security: Localized,
}

/// Checks that an id exists in one of the registry's dictionaries.
type KnownId<'a> = dyn Fn(&str) -> bool + 'a;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub categories: BTreeMap<String, DataCategory>,
    pub sources: BTreeMap<String, Localized>,
    pub recipients: BTreeMap<String, Localized>,
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
    pub automated_decisions: Option<&'a str>,
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
            if let Some(ad) = &a.automated_decisions {
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
        ];
        for (text, expected) in table {
            assert_eq!(Registry::from_toml(&text), Err(expected));
        }
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
}
