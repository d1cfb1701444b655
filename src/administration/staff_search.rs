//! Finding staff members by username, name or unit, a page at a time.
use entity::{staff_unit, staff_user};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::require_admin;
use crate::{auth::Principal, core::Core, error::ServiceResult};

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
}
