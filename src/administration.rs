//! What an administrator changes in the registry from the office: staff roles and units, routing
//! rules, whether a source system is in use, a controller's settings and a unit's. Each change is
//! one transaction with its audit event, and the registry cache is refreshed after it.
use entity::{controller, routing_rule, staff_unit, staff_user, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{RightKind, Role},
    requests::intake::valid_email,
    sources::{self, SourceSystemInput},
};

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    match principal.staff() {
        Some(s) if s.role == Role::Admin => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "only an administrator changes the registry".into(),
        )),
    }
}

/// A staff member's access: role, units, controller (officers, auditors) and whether active.
#[derive(Debug, Clone)]
pub struct StaffAccess {
    pub role: Role,
    pub unit_ids: Vec<Uuid>,
    pub controller_id: Option<Uuid>,
    pub active: bool,
}

/// Checks a staff access against the registry: caseworkers need a unit, privacy officers a
/// controller, units must exist. Pure, so the rules have a table test.
pub fn check_access(
    access: &StaffAccess,
    known_units: &[Uuid],
    known_controllers: &[Uuid],
) -> ServiceResult<()> {
    if access.role == Role::Citizen {
        return Err(ServiceError::invalid("role", "citizens are not staff"));
    }
    if let Some(u) = access.unit_ids.iter().find(|u| !known_units.contains(u)) {
        return Err(ServiceError::invalid(
            "unit_ids",
            format!("unknown unit {u}"),
        ));
    }
    if access
        .controller_id
        .is_some_and(|c| !known_controllers.contains(&c))
    {
        return Err(ServiceError::invalid("controller_id", "unknown controller"));
    }
    match access.role {
        Role::Caseworker if access.unit_ids.is_empty() => Err(ServiceError::invalid(
            "unit_ids",
            "a caseworker needs at least one unit",
        )),
        Role::PrivacyOfficer if access.controller_id.is_none() => Err(ServiceError::invalid(
            "controller_id",
            "a privacy officer works for a controller",
        )),
        _ => Ok(()),
    }
}

pub async fn set_staff_access(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    access: StaffAccess,
) -> ServiceResult<()> {
    require_admin(principal)?;
    if principal.staff().is_some_and(|s| s.id == staff_id)
        && (!access.active || access.role != Role::Admin)
    {
        return Err(ServiceError::invalid(
            if access.active { "role" } else { "active" },
            "you cannot take away your own administrator access",
        ));
    }
    let registry = app.registry.get(&app.db).await?;
    let units: Vec<Uuid> = registry.units.keys().copied().collect();
    let controllers: Vec<Uuid> = registry.controllers.keys().copied().collect();
    check_access(&access, &units, &controllers)?;
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let user = staff_user::Entity::find_by_id(staff_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("staff member"))?;
                let username = user.username.clone();
                let mut row: staff_user::ActiveModel = user.into();
                row.role = Set(access.role.as_str().into());
                row.controller_id = Set(access.controller_id);
                row.active = Set(access.active);
                row.update(&tx.db).await?;
                staff_unit::Entity::delete_many()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .exec(&tx.db)
                    .await?;
                for u in &access.unit_ids {
                    staff_unit::ActiveModel {
                        staff_id: Set(staff_id),
                        unit_id: Set(*u),
                    }
                    .insert(&tx.db)
                    .await?;
                }
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.access_changed".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "username": username,
                        "role": access.role.as_str(),
                        "unit_ids": access.unit_ids,
                        "controller_id": access.controller_id,
                        "active": access.active,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await
}

/// A new routing rule: what it matches (any of area, geography, kind; at least one) and the
/// unit it sends to (the unit's controller becomes the controller).
#[derive(Debug, Clone)]
pub struct NewRule {
    pub service_area: Option<String>,
    pub geography: Option<String>,
    pub kind: Option<RightKind>,
    pub unit_id: Uuid,
}

pub async fn add_rule(app: &Core, principal: &Principal, rule: NewRule) -> ServiceResult<Uuid> {
    require_admin(principal)?;
    let registry = app.registry.get(&app.db).await?;
    if rule.service_area.is_none() && rule.geography.is_none() && rule.kind.is_none() {
        return Err(ServiceError::invalid(
            "rule_match",
            "a rule matches on at least a service area, a geography or a kind",
        ));
    }
    if let Some(a) = &rule.service_area
        && !registry.service_areas.contains_key(a)
    {
        return Err(ServiceError::invalid(
            "service_area",
            "unknown service area",
        ));
    }
    if let Some(g) = &rule.geography
        && !(matches!(g.len(), 4 | 6) && g.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(ServiceError::invalid(
            "geography",
            "a municipality number has 4 digits, an Oslo district 6",
        ));
    }
    let target: &unit::Model = registry
        .units
        .get(&rule.unit_id)
        .ok_or_else(|| ServiceError::invalid("unit_id", "unknown unit"))?;
    let controller_id = target.controller_id;
    let actor = principal.audit_actor();
    let id = Uuid::now_v7();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                routing_rule::ActiveModel {
                    id: Set(id),
                    service_area: Set(rule.service_area.clone()),
                    geography: Set(rule.geography.clone()),
                    kind: Set(rule.kind.map(|k| k.as_str().into())),
                    controller_id: Set(controller_id),
                    unit_id: Set(rule.unit_id),
                    active: Set(true),
                }
                .insert(&tx.db)
                .await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "routing_rule.added".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "rule_id": id,
                        "service_area": rule.service_area,
                        "geography": rule.geography,
                        "kind": rule.kind,
                        "unit_id": rule.unit_id,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await?;
    app.registry.invalidate().await;
    Ok(id)
}

/// Turns a rule off (kept for the history of why earlier requests went where they went), or
/// on again.
pub async fn set_rule_active(
    app: &Core,
    principal: &Principal,
    rule_id: Uuid,
    active: bool,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let rule = routing_rule::Entity::find_by_id(rule_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("routing rule"))?;
                if rule.active == active {
                    return Ok(());
                }
                let mut row: routing_rule::ActiveModel = rule.into();
                row.active = Set(active);
                row.update(&tx.db).await?;
                tx.audit(AuditRecord {
                    actor,
                    action: if active {
                        "routing_rule.reactivated"
                    } else {
                        "routing_rule.deactivated"
                    }
                    .into(),
                    request_id: None,
                    details: serde_json::json!({ "rule_id": rule_id }),
                })
                .await?;
                Ok(())
            })
        })
        .await?;
    app.registry.invalidate().await;
    Ok(())
}

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

/// Longest username: as long as a staff token's `sub` or `preferred_username` usually is.
const MAX_USERNAME: usize = 64;

/// A username as the staff login knows it: 2 to 64 lowercase letters, digits, `.`, `-`, `_`
/// (the login matches it exactly). Trimmed and lowercased.
pub fn check_username(username: &str) -> ServiceResult<String> {
    let username = username.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    if !(2..=MAX_USERNAME).contains(&username.chars().count()) || !username.chars().all(allowed) {
        return Err(ServiceError::invalid(
            "username",
            "a username has 2 to 64 lowercase letters, digits, '.', '-' or '_'",
        ));
    }
    Ok(username)
}

/// A staff member added by an administrator, before their first login.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub access: StaffAccess,
}

/// Adds a staff member with their access. The username is unique; the login finds them by it.
pub async fn add_staff(app: &Core, principal: &Principal, new: NewStaff) -> ServiceResult<Uuid> {
    require_admin(principal)?;
    let username = check_username(&new.username)?;
    let display_name = check_name("display_name", &new.display_name, "a staff member")?;
    let access = new.access;
    let registry = app.registry.get(&app.db).await?;
    let units: Vec<Uuid> = registry.units.keys().copied().collect();
    let controllers: Vec<Uuid> = registry.controllers.keys().copied().collect();
    check_access(&access, &units, &controllers)?;
    let actor = principal.audit_actor();
    let id = Uuid::now_v7();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let taken = staff_user::Entity::find()
                    .filter(staff_user::Column::Username.eq(username.as_str()))
                    .one(&tx.db)
                    .await?
                    .is_some();
                if taken {
                    return Err(ServiceError::invalid(
                        "username",
                        "another staff member has this username",
                    ));
                }
                staff_user::ActiveModel {
                    id: Set(id),
                    username: Set(username.clone()),
                    display_name: Set(display_name),
                    role: Set(access.role.as_str().into()),
                    controller_id: Set(access.controller_id),
                    active: Set(access.active),
                    created_at: Set(tx.now),
                }
                .insert(&tx.db)
                .await?;
                for u in &access.unit_ids {
                    staff_unit::ActiveModel {
                        staff_id: Set(id),
                        unit_id: Set(*u),
                    }
                    .insert(&tx.db)
                    .await?;
                }
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.added".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "staff_id": id,
                        "username": username,
                        "role": access.role.as_str(),
                        "unit_ids": access.unit_ids,
                        "controller_id": access.controller_id,
                        "active": access.active,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await?;
    Ok(id)
}

/// The units a staff member belongs to.
pub async fn staff_units(app: &Core, staff_id: Uuid) -> ServiceResult<Vec<Uuid>> {
    Ok(staff_unit::Entity::find()
        .filter(staff_unit::Column::StaffId.eq(staff_id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| m.unit_id)
        .collect())
}

/// Changes a staff member's role, controller and whether active; their units stay.
pub async fn set_staff_role(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    role: Role,
    controller_id: Option<Uuid>,
    active: bool,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let unit_ids = staff_units(app, staff_id).await?;
    let access = StaffAccess {
        role,
        unit_ids,
        controller_id,
        active,
    };
    set_staff_access(app, principal, staff_id, access).await
}

/// Gives a staff member more units (those they have already stay). Audited.
pub async fn add_staff_units(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    unit_ids: Vec<Uuid>,
) -> ServiceResult<()> {
    require_admin(principal)?;
    if unit_ids.is_empty() {
        return Err(ServiceError::invalid(
            "unit_ids",
            "choose at least one unit",
        ));
    }
    let registry = app.registry.get(&app.db).await?;
    if unit_ids.iter().any(|u| !registry.units.contains_key(u)) {
        return Err(ServiceError::invalid("unit_ids", "unknown unit"));
    }
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let user = staff_user::Entity::find_by_id(staff_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("staff member"))?;
                let mine: Vec<Uuid> = staff_unit::Entity::find()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .all(&tx.db)
                    .await?
                    .into_iter()
                    .map(|m| m.unit_id)
                    .collect();
                let mut added = Vec::new();
                for u in unit_ids {
                    if mine.contains(&u) || added.contains(&u) {
                        continue;
                    }
                    staff_unit::ActiveModel {
                        staff_id: Set(staff_id),
                        unit_id: Set(u),
                    }
                    .insert(&tx.db)
                    .await?;
                    added.push(u);
                }
                if added.is_empty() {
                    return Ok(());
                }
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.units_added".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "staff_id": staff_id,
                        "username": user.username,
                        "unit_ids": added,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await
}

/// Takes a unit from a staff member. A caseworker keeps at least one unit. Audited.
pub async fn remove_staff_unit(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    unit_id: Uuid,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let user = staff_user::Entity::find_by_id(staff_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("staff member"))?;
                let mine: Vec<Uuid> = staff_unit::Entity::find()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .all(&tx.db)
                    .await?
                    .into_iter()
                    .map(|m| m.unit_id)
                    .collect();
                if !mine.contains(&unit_id) {
                    return Err(ServiceError::NotFound("unit of the staff member"));
                }
                if user.role == Role::Caseworker.as_str() && mine.len() == 1 {
                    return Err(ServiceError::invalid(
                        "last_unit",
                        "a caseworker needs at least one unit",
                    ));
                }
                staff_unit::Entity::delete_many()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .filter(staff_unit::Column::UnitId.eq(unit_id))
                    .exec(&tx.db)
                    .await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.unit_removed".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "staff_id": staff_id,
                        "username": user.username,
                        "unit_id": unit_id,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await
}

/// Whether a staff member matches a search: by username, name or the name of one of their
/// units, ignoring case. An empty search matches everyone.
pub fn staff_matches(query: &str, username: &str, name: &str, unit_names: &[&str]) -> bool {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let haystack = std::iter::once(username)
        .chain(std::iter::once(name))
        .chain(unit_names.iter().copied())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("\n");
    words.iter().all(|w| haystack.contains(w.as_str()))
}

/// A staff member as listed: who, their role and units (ids).
#[derive(Debug, Clone)]
pub struct StaffRow {
    pub user: staff_user::Model,
    pub unit_ids: Vec<Uuid>,
}

/// One page of the staff list, filtered by `query` (see [`staff_matches`]) and sorted by name.
pub struct StaffPage {
    pub rows: Vec<StaffRow>,
    /// How many match in all.
    pub total: usize,
    /// The page shown, from 1, within the pages there are.
    pub page: usize,
    pub pages: usize,
}

pub const STAFF_PAGE_SIZE: usize = 25;

pub async fn search_staff(
    app: &Core,
    principal: &Principal,
    query: &str,
    page: usize,
) -> ServiceResult<StaffPage> {
    require_admin(principal)?;
    let registry = app.registry.get(&app.db).await?;
    let mut users = staff_user::Entity::find().all(&app.db).await?;
    users.sort_by(|a, b| {
        (a.display_name.to_lowercase(), &a.username)
            .cmp(&(b.display_name.to_lowercase(), &b.username))
    });
    let memberships = staff_unit::Entity::find().all(&app.db).await?;
    let matching: Vec<StaffRow> = users
        .into_iter()
        .map(|user| {
            let unit_ids = memberships
                .iter()
                .filter(|m| m.staff_id == user.id)
                .map(|m| m.unit_id)
                .collect();
            StaffRow { user, unit_ids }
        })
        .filter(|row| {
            let names: Vec<&str> = row
                .unit_ids
                .iter()
                .filter_map(|u| registry.units.get(u).map(|u| u.name.as_str()))
                .collect();
            staff_matches(query, &row.user.username, &row.user.display_name, &names)
        })
        .collect();
    let total = matching.len();
    let pages = total.div_ceil(STAFF_PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows = matching
        .into_iter()
        .skip((page - 1) * STAFF_PAGE_SIZE)
        .take(STAFF_PAGE_SIZE)
        .collect();
    Ok(StaffPage {
        rows,
        total,
        page,
        pages,
    })
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

/// Longest name of a controller or unit, and of a data protection officer.
const MAX_NAME: usize = 200;
/// A postal address: at most this many lines of at most [`MAX_ADDRESS_LINE`] characters.
const MAX_ADDRESS_LINES: usize = 6;
const MAX_ADDRESS_LINE: usize = 100;
/// Longest unit code that is not a NAV office's unit number.
const MAX_UNIT_CODE: usize = 20;

/// A text field as stored: trimmed, `None` when empty.
fn optional(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A required name: trimmed, not empty, at most [`MAX_NAME`] characters, on one line.
fn check_name(field: &'static str, name: &str, what: &str) -> ServiceResult<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(ServiceError::invalid(field, format!("{what} needs a name")));
    }
    if name.chars().count() > MAX_NAME || has_control(&name) {
        return Err(ServiceError::invalid(
            field,
            format!("a name has at most {MAX_NAME} characters"),
        ));
    }
    Ok(name)
}

fn check_email(field: &'static str, email: Option<String>) -> ServiceResult<Option<String>> {
    match optional(email) {
        Some(e) if !valid_email(&e) => Err(ServiceError::invalid(
            field,
            "the e-mail address does not look right",
        )),
        e => Ok(e),
    }
}

/// What an administrator changes on a controller. The organisation number identifies the
/// controller and is not among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControllerSettings {
    pub name: String,
    /// A decision needs a second person's approval.
    pub four_eyes: bool,
    pub contact_email: Option<String>,
    /// Postal address, lines separated by newlines.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
    /// The group of the registry of processing activities that describes its processing.
    pub processing_key: Option<String>,
    /// People see the names of this controller's staff who opened their case.
    pub show_staff_names_to_citizens: bool,
    /// Who hears appeals against its refusals; set, its refusals are individual decisions.
    pub appeal_body: Option<String>,
    /// The unit (marked protected) that handles persons with a strictly confidential address.
    pub protected_unit_id: Option<Uuid>,
    /// The public body it is part of (one level: a body is not itself part of another).
    pub public_body_id: Option<Uuid>,
}

impl ControllerSettings {
    pub fn of(c: &controller::Model) -> Self {
        Self {
            name: c.name.clone(),
            four_eyes: c.four_eyes,
            contact_email: c.contact_email.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            dpo_name: c.dpo_name.clone(),
            dpo_email: c.dpo_email.clone(),
            processing_key: c.processing_key.clone(),
            show_staff_names_to_citizens: c.show_staff_names_to_citizens,
            appeal_body: c.appeal_body.clone(),
            protected_unit_id: c.protected_unit_id,
            public_body_id: c.public_body_id,
        }
    }

    /// The fields that differ from `before`, by name (what the audit event records).
    pub fn changed_from(&self, before: &Self) -> Vec<&'static str> {
        let fields = [
            ("name", self.name != before.name),
            ("four_eyes", self.four_eyes != before.four_eyes),
            ("contact_email", self.contact_email != before.contact_email),
            ("address", self.address != before.address),
            ("phone", self.phone != before.phone),
            ("dpo_name", self.dpo_name != before.dpo_name),
            ("dpo_email", self.dpo_email != before.dpo_email),
            (
                "processing_key",
                self.processing_key != before.processing_key,
            ),
            (
                "show_staff_names_to_citizens",
                self.show_staff_names_to_citizens != before.show_staff_names_to_citizens,
            ),
            ("appeal_body", self.appeal_body != before.appeal_body),
            (
                "protected_unit_id",
                self.protected_unit_id != before.protected_unit_id,
            ),
            (
                "public_body_id",
                self.public_body_id != before.public_body_id,
            ),
        ];
        fields
            .into_iter()
            .filter_map(|(f, changed)| changed.then_some(f))
            .collect()
    }
}

/// A postal address as stored: each line trimmed, blank lines dropped, `\n` between lines.
fn check_address(address: Option<String>) -> ServiceResult<Option<String>> {
    let Some(address) = address else {
        return Ok(None);
    };
    let lines: Vec<&str> = address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_ADDRESS_LINES
        || lines
            .iter()
            .any(|l| l.chars().count() > MAX_ADDRESS_LINE || has_control(l))
    {
        return Err(ServiceError::invalid(
            "address",
            format!(
                "an address has at most {MAX_ADDRESS_LINES} lines of {MAX_ADDRESS_LINE} characters"
            ),
        ));
    }
    Ok(Some(lines.join("\n")).filter(|a| !a.is_empty()))
}

/// A telephone number: digits and spaces, perhaps a leading `+`, 8 to 15 digits (a Norwegian
/// number has 8). Kept as typed, with single spaces.
fn check_phone(phone: Option<String>) -> ServiceResult<Option<String>> {
    let Some(phone) = optional(phone) else {
        return Ok(None);
    };
    let phone = phone.split_whitespace().collect::<Vec<_>>().join(" ");
    let digits = phone.strip_prefix('+').unwrap_or(&phone);
    let count = digits.chars().filter(char::is_ascii_digit).count();
    if !digits.chars().all(|c| c.is_ascii_digit() || c == ' ') || !(8..=15).contains(&count) {
        return Err(ServiceError::invalid(
            "phone",
            "a telephone number has 8 to 15 digits, perhaps with a leading +",
        ));
    }
    Ok(Some(phone))
}

/// Checks a controller's settings and returns them as stored (trimmed, empty fields `None`).
/// `processing_keys` are the groups of the registry of processing activities, `protected_units`
/// the units marked protected, `public_bodies` the controllers this one may be part of. Pure, so
/// the rules have a table test; fields are checked in the order of the form.
pub fn check_controller(
    input: ControllerSettings,
    processing_keys: &[&str],
    protected_units: &[Uuid],
    public_bodies: &[Uuid],
) -> ServiceResult<ControllerSettings> {
    let name = check_name("name", &input.name, "a controller")?;
    let contact_email = check_email("contact_email", input.contact_email)?;
    let address = check_address(input.address)?;
    let phone = check_phone(input.phone)?;
    let dpo_name = optional(input.dpo_name);
    if dpo_name
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NAME || has_control(n))
    {
        return Err(ServiceError::invalid(
            "dpo_name",
            format!("a name has at most {MAX_NAME} characters"),
        ));
    }
    let dpo_email = check_email("dpo_email", input.dpo_email)?;
    let appeal_body = optional(input.appeal_body);
    if appeal_body
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NAME || has_control(n))
    {
        return Err(ServiceError::invalid(
            "appeal_body",
            format!("a name has at most {MAX_NAME} characters"),
        ));
    }
    let processing_key = optional(input.processing_key);
    if processing_key
        .as_deref()
        .is_some_and(|k| !processing_keys.contains(&k))
    {
        return Err(ServiceError::invalid(
            "processing_key",
            "unknown group of processing activities",
        ));
    }
    if input
        .protected_unit_id
        .is_some_and(|u| !protected_units.contains(&u))
    {
        return Err(ServiceError::invalid(
            "protected_unit_id",
            "choose a unit marked for persons with a strictly confidential address",
        ));
    }
    if input
        .public_body_id
        .is_some_and(|b| !public_bodies.contains(&b))
    {
        return Err(ServiceError::invalid(
            "public_body_id",
            "choose another controller that is not itself part of a public body; a controller \
             that has parts of its own cannot be part of another",
        ));
    }
    Ok(ControllerSettings {
        name,
        four_eyes: input.four_eyes,
        contact_email,
        address,
        phone,
        dpo_name,
        dpo_email,
        processing_key,
        show_staff_names_to_citizens: input.show_staff_names_to_citizens,
        appeal_body,
        protected_unit_id: input.protected_unit_id,
        public_body_id: input.public_body_id,
    })
}

/// The groups of the built-in registry of processing activities a controller can be linked to.
pub fn processing_keys() -> ServiceResult<Vec<String>> {
    let registry = crate::processing_activities::Registry::built_in()
        .map_err(|e| ServiceError::storage("processing activities", e))?;
    let mut keys: Vec<String> = registry
        .activities
        .into_iter()
        .map(|a| a.controller_key)
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Changes a controller's settings (not its organisation number). Saving what is already there
/// changes nothing and records nothing.
pub async fn update_controller(
    app: &Core,
    principal: &Principal,
    controller_id: Uuid,
    input: ControllerSettings,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let keys = processing_keys()?;
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let registry = app.registry.get(&app.db).await?;
    let protected_units: Vec<Uuid> = registry
        .units
        .values()
        .filter(|u| u.is_protected)
        .map(|u| u.id)
        .collect();
    let public_bodies = registry.public_bodies_for(controller_id);
    let settings = check_controller(input, &keys, &protected_units, &public_bodies)?;
    let actor = principal.audit_actor();
    let changed = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let current = controller::Entity::find_by_id(controller_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("controller"))?;
                let changed = settings.changed_from(&ControllerSettings::of(&current));
                if changed.is_empty() {
                    return Ok(false);
                }
                let org_number = current.org_number.clone();
                let mut row: controller::ActiveModel = current.into();
                row.name = Set(settings.name);
                row.four_eyes = Set(settings.four_eyes);
                row.contact_email = Set(settings.contact_email);
                row.address = Set(settings.address);
                row.phone = Set(settings.phone);
                row.dpo_name = Set(settings.dpo_name);
                row.dpo_email = Set(settings.dpo_email);
                row.processing_key = Set(settings.processing_key);
                row.show_staff_names_to_citizens = Set(settings.show_staff_names_to_citizens);
                row.appeal_body = Set(settings.appeal_body);
                row.protected_unit_id = Set(settings.protected_unit_id);
                row.public_body_id = Set(settings.public_body_id);
                row.update(&tx.db).await?;
                // Which fields changed, not their values (the DPO is a person); the switches'
                // new positions are no one's personal data.
                let mut details = serde_json::json!({
                    "controller_id": controller_id,
                    "org_number": org_number,
                    "changed": changed,
                });
                if changed.contains(&"four_eyes") {
                    details["four_eyes"] = settings.four_eyes.into();
                }
                if changed.contains(&"show_staff_names_to_citizens") {
                    details["show_staff_names_to_citizens"] =
                        settings.show_staff_names_to_citizens.into();
                }
                tx.audit(AuditRecord {
                    actor,
                    action: "controller.updated".into(),
                    request_id: None,
                    details,
                })
                .await?;
                Ok(true)
            })
        })
        .await?;
    if changed {
        app.registry.invalidate().await;
    }
    Ok(())
}

/// What an administrator changes on a unit. Which controller it belongs to, and whether it is
/// the fallback or the protected-address unit, are not among them (routing depends on them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitSettings {
    pub name: String,
    /// External unit number, e.g. a NAV office's enhetsnummer.
    pub code: Option<String>,
    /// The unit's shared mailbox (deadline reminders).
    pub email: Option<String>,
    /// Collect from the source systems as soon as an innsyn request arrives.
    pub auto_collect: bool,
}

impl UnitSettings {
    pub fn of(u: &unit::Model) -> Self {
        Self {
            name: u.name.clone(),
            code: u.code.clone(),
            email: u.email.clone(),
            auto_collect: u.auto_collect,
        }
    }

    pub fn changed_from(&self, before: &Self) -> Vec<&'static str> {
        [
            ("name", self.name != before.name),
            ("code", self.code != before.code),
            ("email", self.email != before.email),
            ("auto_collect", self.auto_collect != before.auto_collect),
        ]
        .into_iter()
        .filter_map(|(f, changed)| changed.then_some(f))
        .collect()
    }
}

/// A NAV office (NORG2 names them "Nav <place>"), whose unit number is NAV's 4-digit
/// enhetsnummer.
pub fn is_nav_office(name: &str) -> bool {
    name.get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("nav "))
}

/// Checks a unit's settings and returns them as stored. A NAV office's code is its 4-digit
/// enhetsnummer; any other code is up to [`MAX_UNIT_CODE`] letters, digits, `-`, `.` or `/`.
/// `codes_in_use` are the other units' codes: a code names one unit. Pure, for the table test.
pub fn check_unit(input: UnitSettings, codes_in_use: &[&str]) -> ServiceResult<UnitSettings> {
    let name = check_name("name", &input.name, "a unit")?;
    let code = optional(input.code);
    if let Some(code) = &code {
        if is_nav_office(&name) {
            if !(code.len() == 4 && code.chars().all(|c| c.is_ascii_digit())) {
                return Err(ServiceError::invalid(
                    "code",
                    "a NAV office's unit number (enhetsnummer) has 4 digits",
                ));
            }
        } else if code.chars().count() > MAX_UNIT_CODE
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        {
            return Err(ServiceError::invalid(
                "code",
                format!(
                    "a unit number has at most {MAX_UNIT_CODE} letters, digits, '-', '.' or '/'"
                ),
            ));
        }
        if codes_in_use.contains(&code.as_str()) {
            return Err(ServiceError::invalid(
                "code",
                "another unit has this unit number",
            ));
        }
    }
    let email = check_email("email", input.email)?;
    Ok(UnitSettings {
        name,
        code,
        email,
        auto_collect: input.auto_collect,
    })
}

/// Changes a unit's name, code, mailbox and automatic collection. Saving what is already there
/// changes nothing and records nothing.
pub async fn update_unit(
    app: &Core,
    principal: &Principal,
    unit_id: Uuid,
    input: UnitSettings,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let actor = principal.audit_actor();
    let changed = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let units = unit::Entity::find().all(&tx.db).await?;
                let current = units
                    .iter()
                    .find(|u| u.id == unit_id)
                    .cloned()
                    .ok_or(ServiceError::NotFound("unit"))?;
                let codes: Vec<&str> = units
                    .iter()
                    .filter(|u| u.id != unit_id)
                    .filter_map(|u| u.code.as_deref())
                    .collect();
                let settings = check_unit(input, &codes)?;
                let changed = settings.changed_from(&UnitSettings::of(&current));
                if changed.is_empty() {
                    return Ok(false);
                }
                let controller_id = current.controller_id;
                let mut row: unit::ActiveModel = current.into();
                row.name = Set(settings.name);
                row.code = Set(settings.code);
                row.email = Set(settings.email);
                row.auto_collect = Set(settings.auto_collect);
                row.update(&tx.db).await?;
                let mut details = serde_json::json!({
                    "unit_id": unit_id,
                    "controller_id": controller_id,
                    "changed": changed,
                });
                if changed.contains(&"auto_collect") {
                    details["auto_collect"] = settings.auto_collect.into();
                }
                tx.audit(AuditRecord {
                    actor,
                    action: "unit.updated".into(),
                    request_id: None,
                    details,
                })
                .await?;
                Ok(true)
            })
        })
        .await?;
    if changed {
        app.registry.invalidate().await;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_what_the_login_matches() {
        assert_eq!(check_username(" Kari.Nordmann ").unwrap(), "kari.nordmann");
        assert_eq!(check_username("sb_2-x").unwrap(), "sb_2-x");
        for bad in [
            "",
            "k",
            "kari nordmann",
            "kåre",
            "kari@kommune.no",
            &"x".repeat(65),
        ] {
            assert!(
                matches!(
                    check_username(bad),
                    Err(ServiceError::Invalid {
                        field: "username",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn staff_are_found_by_username_name_or_unit() {
        let units = ["Nav Elverum", "Bydel Gamle Oslo"];
        assert!(staff_matches("", "kari", "Kari Nordmann", &[]));
        assert!(staff_matches("KARI", "kn", "Kari Nordmann", &[]));
        assert!(staff_matches("nordm", "kn", "Kari Nordmann", &[]));
        assert!(staff_matches("gamle oslo", "kn", "Kari", &units));
        assert!(staff_matches("kari elverum", "kn", "Kari", &units));
        assert!(!staff_matches("kari lillestrøm", "kn", "Kari", &units));
        assert!(!staff_matches("ola", "kn", "Kari Nordmann", &units));
    }

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

    #[test]
    fn staff_access_rules() {
        let unit = Uuid::now_v7();
        let controller = Uuid::now_v7();
        let access = |role, units: Vec<Uuid>, controller_id| StaffAccess {
            role,
            unit_ids: units,
            controller_id,
            active: true,
        };
        let cases: Vec<(StaffAccess, Option<&str>)> = vec![
            (access(Role::Caseworker, vec![unit], None), None),
            (access(Role::Caseworker, vec![], None), Some("unit_ids")),
            (
                access(Role::Caseworker, vec![Uuid::now_v7()], None),
                Some("unit_ids"),
            ),
            (
                access(Role::PrivacyOfficer, vec![unit], Some(controller)),
                None,
            ),
            (
                access(Role::PrivacyOfficer, vec![unit], None),
                Some("controller_id"),
            ),
            (access(Role::Auditor, vec![], None), None),
            (
                access(Role::Auditor, vec![], Some(Uuid::now_v7())),
                Some("controller_id"),
            ),
            (access(Role::Admin, vec![], None), None),
            (access(Role::Citizen, vec![], None), Some("role")),
        ];
        for (a, expected) in cases {
            let got = check_access(&a, &[unit], &[controller]);
            match (got, expected) {
                (Ok(()), None) => {}
                (Err(ServiceError::Invalid { field, .. }), Some(f)) => {
                    assert_eq!(field, f, "{a:?}")
                }
                (other, _) => panic!("{a:?}: {other:?}"),
            }
        }
    }

    /// The field a check refuses, or `None` when it passes.
    fn refused<T: std::fmt::Debug>(result: ServiceResult<T>) -> Option<&'static str> {
        match result {
            Ok(_) => None,
            Err(ServiceError::Invalid { field, .. }) => Some(field),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn controller_settings_rules() {
        let good = ControllerSettings {
            name: "Bydel Gamle Oslo".into(),
            four_eyes: true,
            contact_email: Some("postmottak@bgo.oslo.kommune.no".into()),
            address: Some("Postboks 1\n0101 Oslo".into()),
            phone: Some("+47 21 80 21 80".into()),
            dpo_name: Some("Personvernombudet".into()),
            dpo_email: Some("personvernombud@oslo.kommune.no".into()),
            processing_key: Some("oslo-bydel".into()),
            show_staff_names_to_citizens: false,
            appeal_body: Some("Oslo kommunes klagenemnd".into()),
            protected_unit_id: Some(Uuid::from_u128(0x4f02)),
            public_body_id: Some(Uuid::from_u128(0x0301)),
        };
        let with = |f: &dyn Fn(&mut ControllerSettings)| {
            let mut c = good.clone();
            f(&mut c);
            c
        };
        let cases: Vec<(ControllerSettings, Option<&str>)> = vec![
            (good.clone(), None),
            (
                with(&|c| {
                    c.contact_email = None;
                    c.address = Some("  ".into());
                    c.phone = Some(String::new());
                    c.dpo_name = None;
                    c.dpo_email = Some(" ".into());
                    c.processing_key = Some(String::new());
                }),
                None,
            ),
            (with(&|c| c.name = "   ".into()), Some("name")),
            (with(&|c| c.name = "x".repeat(201)), Some("name")),
            (
                with(&|c| c.contact_email = Some("post@oslo".into())),
                Some("contact_email"),
            ),
            (
                with(&|c| c.contact_email = Some("post mottak@oslo.no".into())),
                Some("contact_email"),
            ),
            (
                with(&|c| c.address = Some("1\n2\n3\n4\n5\n6\n7".into())),
                Some("address"),
            ),
            (
                with(&|c| c.address = Some("x".repeat(101))),
                Some("address"),
            ),
            (with(&|c| c.phone = Some("21 80 21 80".into())), None),
            (with(&|c| c.phone = Some("2180 218".into())), Some("phone")),
            (
                with(&|c| c.phone = Some("21-80-21-80".into())),
                Some("phone"),
            ),
            (
                with(&|c| c.phone = Some("+47 ring oss".into())),
                Some("phone"),
            ),
            (with(&|c| c.phone = Some("1".repeat(16))), Some("phone")),
            (with(&|c| c.appeal_body = Some("  ".into())), None),
            (
                with(&|c| c.appeal_body = Some("z".repeat(201))),
                Some("appeal_body"),
            ),
            (
                with(&|c| c.appeal_body = Some("Klage\u{7}nemnd".into())),
                Some("appeal_body"),
            ),
            (
                with(&|c| c.dpo_name = Some("y".repeat(201))),
                Some("dpo_name"),
            ),
            (
                with(&|c| c.dpo_email = Some("@oslo.kommune.no".into())),
                Some("dpo_email"),
            ),
            (
                with(&|c| c.processing_key = Some("bergen".into())),
                Some("processing_key"),
            ),
            (with(&|c| c.protected_unit_id = None), None),
            // An ordinary unit cannot take persons with a strictly confidential address.
            (
                with(&|c| c.protected_unit_id = Some(Uuid::from_u128(0x4001))),
                Some("protected_unit_id"),
            ),
            (with(&|c| c.public_body_id = None), None),
            // Not a controller it may be part of (itself, a part, or one with parts).
            (
                with(&|c| c.public_body_id = Some(Uuid::from_u128(0x0302))),
                Some("public_body_id"),
            ),
            // The first field in the form's order is the one named.
            (
                with(&|c| {
                    c.name = String::new();
                    c.phone = Some("x".into());
                }),
                Some("name"),
            ),
        ];
        for (input, expected) in cases {
            let got = refused(check_controller(
                input.clone(),
                &["oslo-bydel", "elverum"],
                &[Uuid::from_u128(0x4f02)],
                &[Uuid::from_u128(0x0301)],
            ));
            assert_eq!(got, expected, "{input:?}");
        }
        // Stored as typed, tidied: trimmed, blank address lines and empty fields dropped.
        let tidy = check_controller(
            with(&|c| {
                c.name = "  Bydel   Gamle Oslo ".into();
                c.address = Some(" Postboks 1 \r\n\r\n 0101 Oslo ".into());
                c.phone = Some(" +47  21 80 21 80 ".into());
                c.dpo_name = Some("  ".into());
            }),
            &["oslo-bydel"],
            &[Uuid::from_u128(0x4f02)],
            &[Uuid::from_u128(0x0301)],
        )
        .unwrap();
        assert_eq!(tidy.name, "Bydel Gamle Oslo");
        assert_eq!(tidy.address.as_deref(), Some("Postboks 1\n0101 Oslo"));
        assert_eq!(tidy.phone.as_deref(), Some("+47 21 80 21 80"));
        assert_eq!(tidy.dpo_name, None);
        // What changed, by field name.
        let changed = with(&|c| {
            c.four_eyes = false;
            c.show_staff_names_to_citizens = true;
            c.dpo_name = None;
        });
        assert_eq!(
            changed.changed_from(&good),
            ["four_eyes", "dpo_name", "show_staff_names_to_citizens"]
        );
        assert!(good.changed_from(&good).is_empty());
    }

    #[test]
    fn unit_settings_rules() {
        let unit = |name: &str, code: Option<&str>, email: Option<&str>| UnitSettings {
            name: name.into(),
            code: code.map(Into::into),
            email: email.map(Into::into),
            auto_collect: false,
        };
        let in_use = ["0316", "2103"];
        let cases: Vec<(UnitSettings, Option<&str>)> = vec![
            (
                unit(
                    "Nav Gamle Oslo",
                    Some("0315"),
                    Some("nav.gamle.oslo@nav.no"),
                ),
                None,
            ),
            (unit("Nav Gamle Oslo", None, None), None),
            (unit("NAV Elverum", Some("0427"), None), None),
            (unit("Nav Gamle Oslo", Some("315"), None), Some("code")),
            (unit("Nav Gamle Oslo", Some("03165"), None), Some("code")),
            (unit("Nav Gamle Oslo", Some("03a6"), None), Some("code")),
            (unit("nav gamle oslo", Some("OSLO-1"), None), Some("code")),
            (unit("Nav Gamle Oslo", Some("0316"), None), Some("code")),
            (unit("Navigasjonsenheten", Some("NAV-1"), None), None),
            (unit("Enhet for bosetting", Some("EBI-2/3.1"), None), None),
            (
                unit("Enhet for bosetting", Some("EBI 2"), None),
                Some("code"),
            ),
            (
                unit("Enhet for bosetting", Some(&"E".repeat(21)), None),
                Some("code"),
            ),
            (
                unit("Enhet for bosetting", Some("2103"), None),
                Some("code"),
            ),
            (unit("", Some("0316"), None), Some("name")),
            (unit("Enhet", None, Some("enhet@")), Some("email")),
            (unit("Enhet", Some(" "), Some(" ")), None),
        ];
        for (input, expected) in cases {
            let got = refused(check_unit(input.clone(), &in_use));
            assert_eq!(got, expected, "{input:?}");
        }
        let tidy = check_unit(unit(" Nav  Alna ", Some(" 0326 "), Some(" ")), &in_use).unwrap();
        assert_eq!(tidy, unit("Nav Alna", Some("0326"), None));
        let before = unit("Nav Alna", Some("0326"), None);
        let after = UnitSettings {
            auto_collect: true,
            ..unit("Nav Alna", Some("0327"), None)
        };
        assert_eq!(after.changed_from(&before), ["code", "auto_collect"]);
    }
}
