//! The queue: the open requests of the staff member's units (a privacy officer's: the
//! controller's), most urgent first, with counts per status and due window, filters, search by
//! reference, keyset paging and assigning several requests at once.
use std::collections::BTreeMap;

use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use entity::{staff_unit, staff_user};
use maud::{Markup, html};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use uuid::Uuid;

use super::{Office, Section, date, frame, kind_label, status_label};
use crate::{
    app::AppState,
    clock::today_oslo,
    error::ServiceResult,
    i18n::{tf, tn},
    lifecycle::{RightKind, Role, Status},
    requests::{
        case::{self, AssignInput},
        queries::{self, QueueFilter},
    },
    web::{CsrfForm, PageQuery, components::status_badge, csrf_field},
};

/// The queue page's query: what the filter form sends.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    /// `""`/`open` (default), `all`, or one status.
    status: String,
    kind: String,
    /// `""`, `overdue` or `week`.
    due: String,
    /// `""`, `me`, `none`.
    assignee: String,
    area: String,
    /// A reference to look up.
    q: String,
    cursor: String,
    /// What was just done, for the confirmation line.
    done: String,
    n: String,
    unit: String,
    lang: String,
}

impl QueueQuery {
    fn filter(&self, today: chrono::NaiveDate) -> QueueFilter {
        let mut f = QueueFilter {
            limit: Some(50),
            ..Default::default()
        };
        match self.status.as_str() {
            "" | "open" => f.open = Some(true),
            "all" => {}
            s => f.status = Status::parse(s),
        }
        f.kind = RightKind::parse(&self.kind);
        f.due_before = match self.due.as_str() {
            "overdue" => today.pred_opt(),
            "week" => Some(today + chrono::Days::new(7)),
            _ => None,
        };
        if matches!(self.assignee.as_str(), "me" | "none") {
            f.assignee = Some(self.assignee.clone());
        }
        if !self.area.is_empty() {
            f.service_area = Some(self.area.clone());
        }
        if !self.q.trim().is_empty() {
            f.reference = Some(self.q.clone());
            // A reference is looked up wherever it is in its lifecycle.
            f.open = None;
            f.status = None;
        }
        if !self.cursor.is_empty() {
            f.cursor = Some(self.cursor.clone());
        }
        f
    }

    /// This query as a URL with one parameter changed (for links that keep the filters).
    fn href(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: BTreeMap<&str, &str> = [
            ("status", self.status.as_str()),
            ("kind", self.kind.as_str()),
            ("due", self.due.as_str()),
            ("assignee", self.assignee.as_str()),
            ("area", self.area.as_str()),
        ]
        .into_iter()
        .collect();
        for (k, v) in changes {
            pairs.insert(k, v);
        }
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.into_iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        if query.is_empty() {
            "/office".into()
        } else {
            format!("/office?{query}")
        }
    }
}

/// The staff a request in these units can be given to: active caseworkers and privacy officers.
pub async fn assignable_staff(
    app: &AppState,
    unit_ids: &[Uuid],
) -> ServiceResult<Vec<staff_user::Model>> {
    let ids: Vec<Uuid> = staff_unit::Entity::find()
        .filter(staff_unit::Column::UnitId.is_in(unit_ids.to_vec()))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| m.staff_id)
        .collect();
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(ids))
        .filter(staff_user::Column::Active.eq(true))
        .filter(
            staff_user::Column::Role
                .is_in([Role::Caseworker.as_str(), Role::PrivacyOfficer.as_str()]),
        )
        .order_by_asc(staff_user::Column::DisplayName)
        .all(&app.db)
        .await?)
}

/// The units whose requests the office member works with.
/// The confirmation line the queue may show after a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    /// How many cases were assigned.
    Assigned(u32),
    Forwarded,
    RegisteredElsewhere,
}

/// Which notice `?done=…&n=…&unit=…` asks for, if its values are ones dsar itself puts there:
/// a count for `assigned`, a case reference and a known unit for `registered_elsewhere`.
/// Anything else shows no notice, so a crafted link cannot put its own text on the page.
fn notice(done: &str, n: &str, known_unit: bool) -> Option<Notice> {
    match done {
        "assigned" if !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()) => {
            n.parse().ok().map(Notice::Assigned)
        }
        "forwarded" => Some(Notice::Forwarded),
        "registered_elsewhere"
            if known_unit
                && crate::identity::Reference::parse(n).is_ok_and(|r| r.as_str() == n) =>
        {
            Some(Notice::RegisteredElsewhere)
        }
        _ => None,
    }
}

/// "Unit (controller)" for every unit, as the registration's redirect names them.
async fn unit_display_names(app: &AppState) -> ServiceResult<std::collections::HashSet<String>> {
    let controllers: std::collections::HashMap<Uuid, String> = entity::controller::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    Ok(entity::unit::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .filter_map(|u| {
            controllers
                .get(&u.controller_id)
                .map(|c| format!("{} ({c})", u.name))
        })
        .collect())
}

pub async fn own_units(app: &AppState, office: &Office) -> ServiceResult<Vec<Uuid>> {
    let registry = app.registry.get(&app.db).await?;
    Ok(match (office.staff.role, office.staff.controller_id) {
        (Role::PrivacyOfficer | Role::Auditor, Some(c)) => registry
            .units
            .values()
            .filter(|u| u.controller_id == c)
            .map(|u| u.id)
            .collect(),
        _ => office.staff.unit_ids.clone(),
    })
}

pub async fn page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<QueueQuery>,
) -> Response {
    match render(&app, &office, &query).await {
        Ok(r) => r,
        Err(e) => office.error(e),
    }
}

async fn render(app: &AppState, office: &Office, query: &QueueQuery) -> ServiceResult<Response> {
    let lang = office.lang;
    if !office.works_cases() {
        // Administrators have no queue; their start page is the administration.
        return Ok(Redirect::to("/office/admin").into_response());
    }
    let today = today_oslo();
    let filter = query.filter(today);
    let (page, counts) = match queries::list(app, &office.principal, filter).await {
        Ok(page) => (
            page,
            queries::queue_counts(app, &office.principal, today).await?,
        ),
        // A cursor from an old link: start from the first page instead of failing.
        Err(crate::error::ServiceError::Invalid {
            field: "cursor", ..
        }) => {
            return Ok(Redirect::to(&query.href(&[])).into_response());
        }
        Err(e) => return Err(e),
    };
    let registry = app.registry.get(&app.db).await?;
    let mut areas: Vec<(&String, &String)> = registry
        .service_areas
        .values()
        .map(|a| (&a.code, &a.name))
        .collect();
    areas.sort();
    let can_assign = matches!(office.staff.role, Role::Caseworker | Role::PrivacyOfficer);
    let colleagues = if can_assign {
        assignable_staff(app, &own_units(app, office).await?).await?
    } else {
        vec![]
    };
    let t = |k: &str| office.t(k);
    let known_unit = if query.done == "registered_elsewhere" {
        unit_display_names(app).await?.contains(&query.unit)
    } else {
        false
    };
    let confirmation = match notice(&query.done, &query.n, known_unit) {
        Some(Notice::Assigned(n)) => Some(tn(lang, "office.queue.assigned", &[("n", n.into())])),
        Some(Notice::Forwarded) => Some(office.t("office.done.forwarded").to_string()),
        Some(Notice::RegisteredElsewhere) => Some(tf(
            lang,
            "office.queue.registered_elsewhere",
            &[("reference", &query.n)],
        )),
        None => None,
    };
    let selected = |value: &str, current: &str| value == current;
    let filters: Markup = html! {
        form.filters method="get" action="/office" {
            div.field {
                label for="f-status" { (t("office.queue.f_status")) }
                select #f-status name="status" {
                    option value="open" selected[selected("open", &query.status) || query.status.is_empty()] { (t("office.queue.open")) }
                    option value="all" selected[selected("all", &query.status)] { (t("office.queue.all")) }
                    @for s in Status::ALL {
                        option value=(s.as_str()) selected[selected(s.as_str(), &query.status)] { (status_label(lang, s)) }
                    }
                }
            }
            div.field {
                label for="f-kind" { (t("office.queue.f_kind")) }
                select #f-kind name="kind" {
                    option value="" { (t("office.queue.any")) }
                    @for k in RightKind::ALL {
                        option value=(k.as_str()) selected[selected(k.as_str(), &query.kind)] { (kind_label(lang, k)) }
                    }
                }
            }
            div.field {
                label for="f-due" { (t("office.queue.f_due")) }
                select #f-due name="due" {
                    option value="" { (t("office.queue.any")) }
                    option value="overdue" selected[selected("overdue", &query.due)] { (t("office.queue.overdue")) }
                    option value="week" selected[selected("week", &query.due)] { (t("office.queue.due_week")) }
                }
            }
            div.field {
                label for="f-assignee" { (t("office.queue.f_assignee")) }
                select #f-assignee name="assignee" {
                    option value="" { (t("office.queue.anyone")) }
                    option value="me" selected[selected("me", &query.assignee)] { (t("office.queue.me")) }
                    option value="none" selected[selected("none", &query.assignee)] { (t("office.queue.unassigned")) }
                }
            }
            div.field {
                label for="f-area" { (t("office.queue.f_area")) }
                select #f-area name="area" {
                    option value="" { (t("office.queue.any")) }
                    @for (code, name) in &areas {
                        option value=(code) selected[selected(code, &query.area)] { (name) }
                    }
                }
            }
            div.field.filter-submit {
                button type="submit" { (t("office.queue.apply")) }
            }
        }
    };
    let body = html! {
        @if let Some(c) = &confirmation {
            p.notice.notice--success role="status" { (c) }
        }
        section.counts aria-labelledby="counts-title" {
            h2 #counts-title { (t("office.queue.overview")) }
            ul.count-list {
                li.count.urgent {
                    a href=(query.href(&[("due", "overdue"), ("status", "open")])) {
                        span.count-n { (counts.overdue) } " " (t("office.queue.overdue"))
                    }
                }
                li.count {
                    a href=(query.href(&[("due", "week"), ("status", "open")])) {
                        span.count-n { (counts.due_this_week) } " " (t("office.queue.due_week"))
                    }
                }
                li.count {
                    a href=(query.href(&[("assignee", "none"), ("status", "open")])) {
                        span.count-n { (counts.unassigned) } " " (t("office.queue.unassigned"))
                    }
                }
                @for (s, n) in &counts.by_status {
                    li.count {
                        a href=(query.href(&[("status", s.as_str())])) {
                            span.count-n { (n) } " " (status_label(lang, *s))
                        }
                    }
                }
            }
        }
        form.search method="get" action="/office" role="search" {
            label for="q" { (t("office.queue.search")) }
            input #q type="search" name="q" value=(query.q) placeholder="PV-2026-000123" autocomplete="off";
            button type="submit" { (t("office.queue.search_button")) }
        }
        details.filter-box open[!query.kind.is_empty() || !query.due.is_empty() || !query.assignee.is_empty() || !query.area.is_empty() || !(query.status.is_empty() || query.status == "open")] {
            summary { (t("office.queue.filters")) }
            (filters)
        }
        @if page.items.is_empty() {
            p.empty { (t("office.queue.empty")) }
        } @else {
            form method="post" action="/office/tildel" {
                (csrf_field(&office.session.session))
                div.table-scroll {
                    table.queue {
                        caption { (t("office.queue.caption")) }
                        thead {
                            tr {
                                @if can_assign { th scope="col" { span.visually-hidden { (t("office.queue.select")) } } }
                                th scope="col" { (t("office.queue.reference")) }
                                th scope="col" { (t("office.queue.kind")) }
                                th scope="col" { (t("office.queue.status")) }
                                th scope="col" { (t("office.queue.received")) }
                                th scope="col" { (t("office.queue.due")) }
                                th scope="col" { (t("office.queue.unit")) }
                                th scope="col" { (t("office.queue.assignee")) }
                            }
                        }
                        tbody {
                            @for r in &page.items {
                                tr {
                                    @if can_assign {
                                        td {
                                            input type="checkbox" name="ids" value=(r.id) id=(format!("sel-{}", r.id))
                                                aria-label=(tf(lang, "office.queue.select_one", &[("reference", &r.reference)]));
                                        }
                                    }
                                    th scope="row" { a href=(format!("/office/sak/{}", r.id)) { (r.reference) } }
                                    td { (kind_label(lang, r.kind)) }
                                    td { (status_badge(r.status, status_label(lang, r.status))) }
                                    td { (date(r.received_on)) }
                                    td {
                                        (date(r.due_on))
                                        @if r.status.is_open() && r.due_on < today {
                                            " " span.tag.overdue { (t("office.queue.overdue_tag")) }
                                        }
                                        @if r.extension_reason.is_some() {
                                            " " span.tag.extended { (t("office.queue.extended_tag")) }
                                        }
                                    }
                                    td { (r.unit.name) }
                                    td { (r.assignee.as_deref().unwrap_or("–")) }
                                }
                            }
                        }
                    }
                }
                @if can_assign {
                    div.bulk {
                        label for="bulk-assignee" { (t("office.queue.bulk_label")) }
                        select #bulk-assignee name="assignee" {
                            @for c in &colleagues {
                                option value=(c.username) selected[c.id == office.staff.id] { (c.display_name) }
                            }
                        }
                        button type="submit" { (t("office.queue.bulk_button")) }
                    }
                }
            }
            @if let Some(next) = &page.next_cursor {
                p.pager {
                    a rel="next" href=(query.href(&[("q", &query.q), ("cursor", next)])) {
                        (t("office.queue.next_page"))
                    }
                }
            }
        }
    };
    Ok(frame(office, Section::Queue, t("office.queue.title"), body))
}

/// The queue's bulk form: the ticked requests and who gets them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BulkAssignForm {
    assignee: String,
    ids: Vec<String>,
}

/// Assigns the ticked requests to one person; each is its own change (and audit event).
pub async fn bulk_assign(
    State(app): State<AppState>,
    office: Office,
    CsrfForm { form, .. }: CsrfForm<BulkAssignForm>,
) -> Response {
    let assignee = form.assignee;
    let ids: Vec<Uuid> = form.ids.iter().filter_map(|v| v.parse().ok()).collect();
    let mut done = 0;
    for id in ids {
        let input = AssignInput {
            assignee: Some(assignee.clone()),
        };
        match case::assign(&app, &office.principal, id, input).await {
            Ok(_) => done += 1,
            // A request that could not be given (closed meanwhile, not visible) is skipped and
            // the count tells how many were.
            Err(e) => tracing::info!(error = %e, "bulk assign skipped a request"),
        }
    }
    Redirect::to(&format!("/office?done=assigned&n={done}")).into_response()
}

#[cfg(test)]
mod notice_tests {
    use super::{Notice, notice};

    #[test]
    fn only_values_dsar_writes_make_a_notice() {
        for (done, n, known_unit, expected) in [
            ("assigned", "3", false, Some(Notice::Assigned(3))),
            ("assigned", "1", false, Some(Notice::Assigned(1))),
            ("assigned", "Ring 22 22 22 22 for hjelp", false, None),
            ("assigned", "", false, None),
            ("assigned", "1234567", false, None),
            ("forwarded", "", false, Some(Notice::Forwarded)),
            (
                "registered_elsewhere",
                "PV-2026-000123",
                true,
                Some(Notice::RegisteredElsewhere),
            ),
            ("registered_elsewhere", "PV-2026-000123", false, None),
            (
                "registered_elsewhere",
                "Saken er avvist, ring 22 22 22 22",
                true,
                None,
            ),
            ("registered_elsewhere", "pv-2026-000123", true, None),
            ("something_else", "3", true, None),
            ("", "", false, None),
        ] {
            assert_eq!(
                notice(done, n, known_unit),
                expected,
                "{done} {n} {known_unit}"
            );
        }
    }
}
