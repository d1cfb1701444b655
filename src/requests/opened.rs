//! "Who opened my case": the staff reads of one request, from the audit trail, as the person may
//! see them — the role and the unit of whoever read it, and when; who it was only where the
//! reader's controller has chosen to show its staff's names (`show_staff_names_to_citizens`).
//!
//! Reads are the audit events of a staff actor on the request whose action is a read
//! (`request.read`, `request.timeline_read`, `request.records_read`, `request.document_read`,
//! and any later `*_read` or `*reveal*` action, such as showing the identity number). Repeated
//! reads of the same kind by the same person within [`MERGE_WITHIN`] are one entry. Roles and
//! units are today's (the audit trail names the user, whose units may have changed since).
//!
//! The controller a reader opened the case for is the request's unit's controller when they work
//! in that unit; otherwise the controllers of their units, or else their own controller. Their
//! display name is shown only when every one of those controllers allows it.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use entity::{audit_event, staff_unit, staff_user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::queries::load_visible;
use crate::{auth::Principal, core::Core, error::ServiceResult};

/// At most this many audit events are looked at (newest first).
const LIMIT: u64 = 2_000;
/// Reads closer together than this, by one person and of one kind, are shown once.
pub const MERGE_WITHIN: Duration = Duration::minutes(30);

/// What was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadKind {
    /// The case itself or its timeline.
    Case,
    /// The data collected from source systems.
    Records,
    /// A generated document.
    Document,
    /// The person's identity number shown in full.
    IdentityNumber,
    /// Any other read.
    Other,
}

impl ReadKind {
    /// The kind of read an audit action is, if it is one.
    pub fn of(action: &str) -> Option<Self> {
        let kind = match action {
            "request.read" | "request.timeline_read" => Self::Case,
            "request.records_read" => Self::Records,
            "request.document_read" => Self::Document,
            a if a.contains("reveal") => Self::IdentityNumber,
            a if a.ends_with("_read") || a.ends_with(".read") => Self::Other,
            _ => return None,
        };
        Some(kind)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Case => "read",
            Self::Records => "records",
            Self::Document => "document",
            Self::IdentityNumber => "pid",
            Self::Other => "other",
        }
    }
}

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// The latest read of the entry.
    pub at: DateTime<Utc>,
    /// `caseworker`, `privacy_officer`, `auditor` or `admin`; `None` for an unknown user.
    pub role: Option<String>,
    /// The reader's unit for this request (the request's unit if they work it), else all theirs,
    /// else their controller; empty if none is known.
    pub units: Vec<String>,
    /// The reader's display name, only where their controller shows staff names to citizens.
    pub name: Option<String>,
    pub what: ReadKind,
}

/// The staff reads of request `id`, newest first, for anyone who may see the request.
pub async fn staff_reads(
    app: &Core,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<Vec<Opening>> {
    let request = load_visible(&app.db, principal, id).await?;
    let events: Vec<(DateTime<Utc>, String, String)> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::At)
        .column(audit_event::Column::Actor)
        .column(audit_event::Column::Action)
        .filter(audit_event::Column::RequestId.eq(id))
        .filter(audit_event::Column::Actor.starts_with("staff:"))
        .order_by_desc(audit_event::Column::Seq)
        .limit(LIMIT)
        .into_tuple()
        .all(&app.db)
        .await?;
    let reads: Vec<(DateTime<Utc>, &str, ReadKind)> = events
        .iter()
        .filter_map(|(at, actor, action)| {
            let user = actor.strip_prefix("staff:")?;
            Some((*at, user, ReadKind::of(action)?))
        })
        .collect();
    if reads.is_empty() {
        return Ok(Vec::new());
    }
    let usernames: Vec<String> = reads
        .iter()
        .map(|(_, u, _)| u.to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let users = staff_user::Entity::find()
        .filter(staff_user::Column::Username.is_in(usernames))
        .all(&app.db)
        .await?;
    let memberships = staff_unit::Entity::find()
        .filter(staff_unit::Column::StaffId.is_in(users.iter().map(|u| u.id)))
        .all(&app.db)
        .await?;
    let registry = app.registry.get(&app.db).await?;
    let unit_name = |unit: &Uuid| registry.units.get(unit).map(|u| u.name.clone());
    let controller_of = |unit: &Uuid| registry.units.get(unit).map(|u| u.controller_id);
    let mut who: HashMap<&str, (String, Vec<String>, Option<String>)> = HashMap::new();
    for user in &users {
        let theirs: Vec<Uuid> = memberships
            .iter()
            .filter(|m| m.staff_id == user.id)
            .map(|m| m.unit_id)
            .collect();
        let works_it = theirs.contains(&request.unit_id);
        let acting_for: HashSet<Uuid> = if works_it {
            controller_of(&request.unit_id).into_iter().collect()
        } else if !theirs.is_empty() {
            theirs.iter().filter_map(controller_of).collect()
        } else {
            user.controller_id.into_iter().collect()
        };
        let named = !acting_for.is_empty()
            && acting_for.iter().all(|c| {
                registry
                    .controllers
                    .get(c)
                    .is_some_and(|c| c.show_staff_names_to_citizens)
            });
        let name = named.then(|| user.display_name.clone());
        let mut units: Vec<String> = if works_it {
            unit_name(&request.unit_id).into_iter().collect()
        } else {
            theirs.iter().filter_map(unit_name).collect()
        };
        units.sort();
        if units.is_empty()
            && let Some(c) = user
                .controller_id
                .and_then(|c| registry.controllers.get(&c))
        {
            units.push(c.name.clone());
        }
        who.insert(user.username.as_str(), (user.role.clone(), units, name));
    }
    let mut out: Vec<Opening> = Vec::new();
    // The latest entry per (user, kind), to merge reads close in time.
    let mut latest: HashMap<(&str, ReadKind), usize> = HashMap::new();
    for (at, user, what) in reads {
        if let Some(&i) = latest.get(&(user, what))
            && out[i].at - at <= MERGE_WITHIN
        {
            continue;
        }
        let (role, units, name) = who
            .get(user)
            .map(|(r, u, n)| (Some(r.clone()), u.clone(), n.clone()))
            .unwrap_or((None, Vec::new(), None));
        latest.insert((user, what), out.len());
        out.push(Opening {
            at,
            role,
            units,
            name,
            what,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::ReadKind;

    #[test]
    fn which_actions_are_reads() {
        for (action, kind) in [
            ("request.read", Some(ReadKind::Case)),
            ("request.timeline_read", Some(ReadKind::Case)),
            ("request.records_read", Some(ReadKind::Records)),
            ("request.document_read", Some(ReadKind::Document)),
            ("person.pid_revealed", Some(ReadKind::IdentityNumber)),
            ("request.audit_read", Some(ReadKind::Other)),
            ("request.assigned", None),
            ("request.created", None),
            ("queue.read", Some(ReadKind::Other)),
        ] {
            assert_eq!(ReadKind::of(action), kind, "{action}");
        }
    }
}
