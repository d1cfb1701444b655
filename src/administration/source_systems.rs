//! Whether a source system is in use, and how it has fared (its errors shown without personal data).
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::require_admin;
use crate::{
    auth::Principal, core::Core, error::ServiceError, error::ServiceResult, sources,
    sources::SourceSystemInput,
};

/// Takes a source system into use or out of use, everything else unchanged.
pub async fn set_source_active(
    app: &Core,
    principal: &Principal,
    source_id: &str,
    active: bool,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let current = sources::load_all(&app.db)
        .await?
        .into_iter()
        .find(|s| s.id == source_id)
        .ok_or(ServiceError::NotFound("source system"))?;
    let input = SourceSystemInput {
        name: current.name,
        owner: current.owner,
        capabilities: current.capabilities,
        endpoint: current.endpoint,
        auth_mode: current.auth_mode,
        maskinporten_scope: current.maskinporten_scope,
        maskinporten_resource: current.maskinporten_resource,
        timeout_ms: Some(current.timeout_ms),
        max_attempts: Some(current.max_attempts),
        backoff_ms: Some(current.backoff_ms),
        service_areas: current.service_areas,
        active: Some(active),
        population_register: current.population_register,
        finds_by_duf: current.finds_by_duf,
    };
    sources::put(app, principal, source_id, input).await?;
    Ok(())
}

/// How a source system has fared, from its collection tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceHealth {
    /// When a collection from it last finished well.
    pub last_success: Option<chrono::DateTime<chrono::Utc>>,
    /// Its last error and when, with anything that could identify a person removed.
    pub last_error: Option<(chrono::DateTime<chrono::Utc>, String)>,
    /// Collection tasks that failed an attempt within the last 24 hours.
    pub failed_24h: u64,
}

/// Longest error text shown for a source.
const MAX_ERROR_TEXT: usize = 200;

/// An error text as the administrator sees it: numbers of 6 digits or more (national identity
/// numbers, phone and account numbers) and anything with an `@` (e-mail addresses) replaced by
/// `…`, at most [`MAX_ERROR_TEXT`] characters.
pub fn error_without_pii(text: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 6 {
            out.push('…');
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<String> = text
        .split(' ')
        .map(|w| {
            if w.contains('@') {
                "…".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    for c in words.join(" ").chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    if out.chars().count() > MAX_ERROR_TEXT {
        out = out.chars().take(MAX_ERROR_TEXT - 1).collect::<String>() + "…";
    }
    out
}

/// The health of every source system that has collection tasks, by source id.
pub async fn source_health(
    app: &Core,
    principal: &Principal,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<std::collections::HashMap<String, SourceHealth>> {
    use entity::source_task;
    use sea_orm::{PaginatorTrait, QueryOrder};
    require_admin(principal)?;
    let mut health = std::collections::HashMap::new();
    for source in sources::load_all(&app.db).await? {
        let of = || {
            source_task::Entity::find().filter(source_task::Column::SourceId.eq(source.id.as_str()))
        };
        let last_success = of()
            .filter(source_task::Column::Status.eq("done"))
            .filter(source_task::Column::FinishedAt.is_not_null())
            .order_by_desc(source_task::Column::FinishedAt)
            .one(&app.db)
            .await?
            .and_then(|t| t.finished_at);
        let last_error = of()
            .filter(source_task::Column::Error.is_not_null())
            .order_by_desc(source_task::Column::UpdatedAt)
            .one(&app.db)
            .await?
            .and_then(|t| t.error.map(|e| (t.updated_at, error_without_pii(&e))));
        let failed_24h = of()
            .filter(source_task::Column::Error.is_not_null())
            .filter(source_task::Column::UpdatedAt.gte(now - chrono::Duration::hours(24)))
            .count(&app.db)
            .await?;
        health.insert(
            source.id.clone(),
            SourceHealth {
                last_success,
                last_error,
                failed_24h,
            },
        );
    }
    Ok(health)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_source_error_is_shown_without_what_identifies_a_person() {
        assert_eq!(
            error_without_pii("the source answered HTTP 503"),
            "the source answered HTTP 503"
        );
        assert_eq!(
            error_without_pii("the source did not answer within 30000 ms"),
            "the source did not answer within 30000 ms"
        );
        assert_eq!(
            error_without_pii("malformed answer: no person 12345678901 (ola@example.no)\nline"),
            "malformed answer: no person … … line"
        );
        assert_eq!(error_without_pii("tel 98765432."), "tel ….");
        let long = error_without_pii(&"x".repeat(500));
        assert_eq!(long.chars().count(), MAX_ERROR_TEXT);
        assert!(long.ends_with('…'));
    }
}
