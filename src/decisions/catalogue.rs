//! The legal-basis catalogue as the app uses it: the built-in entries plus those an admin added
//! (table `legal_basis`), and adding one.
use entity::legal_basis;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    legal_bases::{Catalogue, CustomLegalBasis},
    lifecycle::{RightKind, Role},
    localized::Localized,
};

/// Built-in + admin-added entries.
pub async fn load(db: &impl ConnectionTrait) -> ServiceResult<Catalogue> {
    let custom = legal_basis::Entity::find().all(db).await?;
    let entries = custom.into_iter().filter_map(|row| {
        let texts: serde_json::Value = serde_json::from_str(&row.texts).ok()?;
        Some(CustomLegalBasis {
            id: row.id,
            citation: serde_json::from_value(texts["citation"].clone()).ok()?,
            title: serde_json::from_value(texts["title"].clone()).ok()?,
            explanation: serde_json::from_value(texts["explanation"].clone()).ok()?,
            applies_to: serde_json::from_str(&row.kinds).ok()?,
        })
    });
    Catalogue::with_custom(entries).map_err(|e| ServiceError::Storage(e.into()))
}

/// Texts in the four languages; nb and en are required (nn falls back to nb, uk to en).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedInput {
    pub nb: String,
    #[serde(default)]
    pub nn: String,
    pub en: String,
    #[serde(default)]
    pub uk: String,
}

impl From<LocalizedInput> for Localized {
    fn from(i: LocalizedInput) -> Self {
        Localized {
            nb: i.nb.trim().into(),
            nn: i.nn.trim().into(),
            en: i.en.trim().into(),
            uk: i.uk.trim().into(),
            ..Localized::default()
        }
    }
}

/// `POST /api/v1/legal-bases` (admin).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLegalBasis {
    /// 2–64 of a–z, 0–9 and `-`; not a built-in id.
    pub id: String,
    pub citation: LocalizedInput,
    pub title: LocalizedInput,
    pub explanation: LocalizedInput,
    pub applies_to: Vec<RightKind>,
}

pub async fn add(app: &Core, principal: &Principal, input: NewLegalBasis) -> ServiceResult<()> {
    let admin = match principal.staff() {
        Some(s) if s.role == Role::Admin => s.clone(),
        _ => {
            return Err(ServiceError::Forbidden(
                "only an admin adds legal bases".into(),
            ));
        }
    };
    if input.applies_to.is_empty() {
        return Err(ServiceError::invalid(
            "applies_to",
            "name the rights it can be cited for",
        ));
    }
    let entry = CustomLegalBasis {
        id: input.id.trim().to_string(),
        citation: input.citation.into(),
        title: input.title.into(),
        explanation: input.explanation.into(),
        applies_to: input.applies_to,
    };
    // The catalogue's own checks (id shape, no clash, required languages).
    let mut catalogue = load(&app.db).await?;
    catalogue
        .add(entry.clone())
        .map_err(|e| ServiceError::invalid("id", e.to_string()))?;
    let texts = serde_json::json!({ "citation": entry.citation, "title": entry.title, "explanation": entry.explanation });
    let kinds = serde_json::to_string(&entry.applies_to).unwrap_or_else(|_| "[]".into());
    let id = entry.id.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                if legal_basis::Entity::find_by_id(id.clone())
                    .one(&tx.db)
                    .await?
                    .is_some()
                {
                    return Err(ServiceError::Conflict(format!("legal basis `{id}` exists")));
                }
                legal_basis::ActiveModel {
                    id: Set(id.clone()),
                    citation: Set(entry.citation.nb.clone()),
                    kinds: Set(kinds),
                    texts: Set(texts.to_string()),
                    created_by: Set(admin.id),
                    created_at: Set(tx.now),
                }
                .insert(&tx.db)
                .await?;
                tx.audit(AuditRecord {
                    actor: format!("staff:{}", admin.username),
                    action: "legal_basis.created".into(),
                    request_id: None,
                    details: serde_json::json!({ "id": id }),
                })
                .await
            })
        })
        .await
}
