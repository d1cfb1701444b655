//! What an admin changes about the source systems: register or change one, list them, and
//! replace the key that signs the service tokens.
use entity::source_system;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use super::{SourceSystem, SourceSystemInput, load_all, service_token, to_active};
use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::Role,
};

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    match principal.staff() {
        Some(s) if s.role == Role::Admin => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "only an admin manages source systems".into(),
        )),
    }
}

/// Registers a source system or changes one (admin). Audited.
pub async fn put(
    app: &Core,
    principal: &Principal,
    id: &str,
    input: SourceSystemInput,
) -> ServiceResult<(SourceSystem, bool)> {
    require_admin(principal)?;
    let registry = app.registry.get(&app.db).await?;
    let areas: Vec<String> = registry.service_areas.keys().cloned().collect();
    let source = input.validate(id, &areas, app.settings.environment)?;
    let actor = principal.audit_actor();
    let saved = source.clone();
    let created = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let existing = source_system::Entity::find_by_id(saved.id.clone())
                    .one(&tx.db)
                    .await?;
                let created = existing.is_none();
                let mut row = to_active(&saved, tx.now);
                match existing {
                    Some(old) => {
                        row.created_at = Set(old.created_at);
                        row.reset_all().update(&tx.db).await?;
                    }
                    None => {
                        row.insert(&tx.db).await?;
                    }
                }
                tx.audit(AuditRecord {
                    actor,
                    action: if created {
                        "source_system.created"
                    } else {
                        "source_system.changed"
                    }
                    .into(),
                    request_id: None,
                    details: serde_json::to_value(&saved).unwrap_or_default(),
                })
                .await?;
                Ok(created)
            })
        })
        .await?;
    app.registry.invalidate().await;
    Ok((source, created))
}

/// Every source system (admin, and staff who need to see what exists).
pub async fn list(app: &Core, principal: &Principal) -> ServiceResult<Vec<SourceSystem>> {
    if principal.staff().is_none() {
        return Err(ServiceError::Forbidden(
            "only staff see the source systems".into(),
        ));
    }
    load_all(&app.db).await
}

/// Replaces the signing key; the old public key stays published for `retired_key_hours`.
pub async fn rotate_service_key(app: &Core) -> ServiceResult<String> {
    if app.service_keys.fixed {
        return Err(ServiceError::Conflict(
            "the signing key comes from the settings; change it there".into(),
        ));
    }
    let current = service_token::active_key(&app.db).await?.map(|k| k.kid);
    let kid = service_token::create_key(&app.writer, &app.vault, current).await?;
    app.service_keys.reload(&app.db, &app.vault).await?;
    Ok(kid)
}
