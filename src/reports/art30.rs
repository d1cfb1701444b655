//! The record of processing activities (GDPR art. 30(1)) from the registry, as JSON or CSV,
//! with every reference (categories, recipients, sources) resolved to text in one language.
use entity::controller;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Format;
use crate::{
    error::{ServiceError, ServiceResult},
    i18n::Language,
    processing_activities::{Declared, Registry},
};

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Art30Query {
    /// Only the activities of this controller (matched to the registry by its
    /// `processing_key`). Privacy officers and auditors of a controller always get their own.
    pub controller: Option<Uuid>,
    /// Only the entries of this registry group (e.g. `oslo-bydel`); default all.
    pub controller_key: Option<String>,
    /// `nb` (default), `nn`, `en` or `uk`.
    pub lang: Option<Language>,
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
}

/// One entry of the record, every field as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Art30Entry {
    pub id: String,
    pub controller_key: String,
    pub service_area: Option<String>,
    pub name: String,
    pub purposes: Vec<String>,
    /// Category names; special categories (art. 9/10) end with " (art. 9/10)".
    pub categories: Vec<String>,
    pub recipients: Vec<String>,
    pub transfers: String,
    pub retention: String,
    pub sources: Vec<String>,
    pub legal_bases: Vec<String>,
    /// The register's description of automated decisions or profiling; `null` (empty in CSV)
    /// where the register states there are none (every entry states one or the other).
    pub automated_decisions: Option<String>,
}

/// The registry group whose activities to export: the database controller's `processing_key`
/// when one is given (a controller without a key has no entries: `Some("")` matches nothing),
/// else `controller_key` as asked. Asking for a controller and a different group is refused.
pub async fn registry_key(
    db: &impl ConnectionTrait,
    controller_id: Option<Uuid>,
    controller_key: Option<&str>,
) -> ServiceResult<Option<String>> {
    let Some(id) = controller_id else {
        return Ok(controller_key.map(str::to_string));
    };
    let c = controller::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("controller"))?;
    let key = c.processing_key.unwrap_or_default();
    match controller_key {
        Some(asked) if asked != key => Err(ServiceError::invalid(
            "controller_key",
            "the controller's activities are another registry group",
        )),
        _ => Ok(Some(key)),
    }
}

pub fn entries(
    registry: &Registry,
    controller_key: Option<&str>,
    lang: Language,
) -> Vec<Art30Entry> {
    registry
        .activities
        .iter()
        .filter(|a| controller_key.is_none_or(|k| a.controller_key == k))
        .map(|a| {
            let v = registry.view(a, lang);
            let owned = |xs: Vec<&str>| xs.into_iter().map(str::to_string).collect();
            Art30Entry {
                id: a.id.clone(),
                controller_key: a.controller_key.clone(),
                service_area: a.service_area.clone(),
                name: v.name.to_string(),
                purposes: owned(v.purposes),
                categories: v
                    .categories
                    .into_iter()
                    .map(|(name, special)| {
                        if special {
                            format!("{name} (art. 9/10)")
                        } else {
                            name.to_string()
                        }
                    })
                    .collect(),
                recipients: owned(v.recipients),
                transfers: v.transfers.to_string(),
                retention: v.retention.to_string(),
                sources: owned(v.sources),
                legal_bases: owned(v.legal_bases),
                automated_decisions: match v.automated_decisions {
                    Declared::None => None,
                    Declared::Text(text) => Some(text.to_string()),
                },
            }
        })
        .collect()
}

/// One row per activity; lists joined with "; ".
pub fn to_csv(entries: &[Art30Entry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record([
        "id",
        "controller_key",
        "service_area",
        "name",
        "purposes",
        "categories",
        "recipients",
        "transfers",
        "retention",
        "sources",
        "legal_bases",
        "automated_decisions",
    ]);
    for e in entries {
        let _ = w.write_record(
            [
                e.id.as_str(),
                &e.controller_key,
                e.service_area.as_deref().unwrap_or(""),
                &e.name,
                &e.purposes.join("; "),
                &e.categories.join("; "),
                &e.recipients.join("; "),
                &e.transfers,
                &e.retention,
                &e.sources.join("; "),
                &e.legal_bases.join("; "),
                e.automated_decisions.as_deref().unwrap_or(""),
            ]
            .map(super::csv_cell)
            .iter()
            .map(|cell| cell.as_bytes()),
        );
    }
    w.into_inner().unwrap_or_default()
}

/// The record in `format` (JSON or CSV).
pub fn render(entries: &[Art30Entry], format: Format) -> ServiceResult<Vec<u8>> {
    match format {
        Format::Json => {
            serde_json::to_vec_pretty(entries).map_err(|e| ServiceError::Storage(e.into()))
        }
        Format::Csv => Ok(to_csv(entries)),
        Format::Xlsx | Format::Pdf => Err(ServiceError::invalid(
            "format",
            "the record of processing activities is json or csv",
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_activity_is_exported_with_its_references_resolved() {
        let registry = Registry::built_in().unwrap();
        let all = entries(&registry, None, Language::Nb);
        assert_eq!(all.len(), registry.activities.len());
        for (e, a) in all.iter().zip(&registry.activities) {
            assert_eq!(e.categories.len(), a.categories.len(), "{}", e.id);
            assert_eq!(e.sources.len(), a.sources.len(), "{}", e.id);
            assert!(!e.name.is_empty() && !e.retention.is_empty());
        }
        let key = registry.activities[0].controller_key.clone();
        let some = entries(&registry, Some(&key), Language::En);
        assert!(!some.is_empty() && some.iter().all(|e| e.controller_key == key));
        let csv = String::from_utf8(to_csv(&all)).unwrap();
        assert_eq!(csv.lines().next().unwrap().split(',').count(), 12);
        assert!(csv.contains(&all[0].name));
        assert!(render(&all, Format::Xlsx).is_err());
    }
}
