//! Min side: the person's requests (open ones first) and their unfinished drafts.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Principal;
use crate::drafts;
use crate::error::ServiceError;
use crate::i18n::{t, tf};
use crate::lifecycle::RightKind;
use crate::requests::queries::QueueFilter;
use crate::requests::{RequestView, queries, represented};
use crate::web::{Lang, MaybeSession, PageError, PageQuery, csrf_field, date, layout};

use super::{assurance, citizen, lq, overdue, page_error, right_short, side_words, status_tag};

/// Everything the person has asked for: open requests first, the nearest deadline first; then
/// the closed ones, newest first.
async fn all_requests(
    app: &AppState,
    principal: &Principal,
) -> Result<Vec<RequestView>, ServiceError> {
    let mut all = Vec::new();
    let mut cursor = None;
    // A person has a handful; the bound only keeps a runaway loop from running forever.
    for _ in 0..50 {
        let page = queries::list(
            app,
            principal,
            QueueFilter {
                limit: Some(100),
                cursor: cursor.take(),
                ..QueueFilter::default()
            },
        )
        .await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    all.sort_by(|a, b| {
        let open = |r: &RequestView| !r.status.is_terminal();
        open(b)
            .cmp(&open(a))
            .then_with(|| {
                if open(a) {
                    a.due_on.cmp(&b.due_on)
                } else {
                    b.received_on.cmp(&a.received_on)
                }
            })
            .then_with(|| b.reference.cmp(&a.reference))
    });
    Ok(all)
}

#[derive(Debug, Default, Deserialize)]
pub struct MyPageQuery {
    /// `slettet` after a draft was deleted.
    utkast: Option<String>,
}

pub async fn my_page(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    PageQuery(query): PageQuery<MyPageQuery>,
) -> Result<Response, PageError> {
    let (s, principal) = match citizen(&app, lang, session, "/min-side").await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let requests = all_requests(&app, &principal)
        .await
        .map_err(|e| page_error(lang, e))?;
    let sides = represented::citizen_sides(&app, &principal, &requests)
        .await
        .map_err(|e| page_error(lang, e))?;
    let drafts = match drafts::owner(&principal) {
        Some(owner) => drafts::list(&app, owner)
            .await
            .map_err(|e| page_error(lang, e))?,
        None => Vec::new(),
    };
    let today = crate::clock::today_oslo();
    let body = html! {
        @if query.utkast.as_deref() == Some("slettet") {
            div.notice.notice--success role="status" { p { (t(lang, "portal.drafts.deleted")) } }
        }
        p { (t(lang, "auth.logged_in")) " "
            @if let Some(level) = s.session.data.acr.as_deref().and_then(|acr| assurance(lang, acr)) {
                span.muted.small { (tf(lang, "auth.assurance", &[("level", level)])) }
            }
        }
        div.actions {
            a.button href={ "/min-side/ny?" (lq(lang)) } { (t(lang, "portal.wizard.new_request")) }
        }
        @if !drafts.is_empty() {
            h2 { (t(lang, "portal.drafts.title")) }
            p.muted { (t(lang, "portal.drafts.help")) }
            ul.cards {
                @for d in &drafts {
                    @let kind = d.data.get("kind").and_then(|k| k.as_str()).and_then(RightKind::parse);
                    li {
                        h3 { (kind.map(|k| right_short(lang, k)).unwrap_or(t(lang, "portal.drafts.kind_unknown"))) }
                        p.muted { (tf(lang, "portal.drafts.changed", &[("date", &date(lang, d.updated_at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()))])) }
                        div.actions {
                            a.button.button--secondary.button--small href={ "/min-side/ny?utkast=" (d.id) "&" (lq(lang)) } { (t(lang, "portal.drafts.continue")) }
                            form method="post" action={ "/min-side/utkast/" (d.id) "/slett?" (lq(lang)) } {
                                (csrf_field(&s.session))
                                button.button--link type="submit" { (t(lang, "portal.drafts.delete")) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(lang, "auth.my_requests")) }
        @if requests.is_empty() {
            p { (t(lang, "auth.no_requests")) }
        } @else {
            div.table-wrap {
                table.stack {
                    thead { tr {
                        th scope="col" { (t(lang, "auth.col_reference")) }
                        th scope="col" { (t(lang, "auth.col_kind")) }
                        th scope="col" { (t(lang, "auth.col_status")) }
                        th scope="col" { (t(lang, "portal.col_received")) }
                        th scope="col" { (t(lang, "auth.col_due")) }
                    } }
                    tbody {
                        @for r in &requests {
                            tr {
                                td data-label=(t(lang, "auth.col_reference")) {
                                    a href={ "/min-side/sak/" (r.id) "?" (lq(lang)) } { (r.reference) }
                                    @if let Some(side) = sides.get(&r.id) {
                                        span.small.on-behalf { (side_words(lang, side).2) }
                                    }
                                }
                                td data-label=(t(lang, "auth.col_kind")) { (right_short(lang, r.kind)) }
                                td data-label=(t(lang, "auth.col_status")) { (status_tag(lang, r.status)) }
                                td data-label=(t(lang, "portal.col_received")) { (date(lang, r.received_on)) }
                                td data-label=(t(lang, "auth.col_due")) {
                                    @if r.status.is_terminal() {
                                        span.muted { "–" }
                                    } @else {
                                        (date(lang, r.due_on))
                                        @if overdue(r, today) {
                                            " " span.tag.tag--danger { (t(lang, "portal.overdue.tag")) }
                                        }
                                        @if r.extension_reason.is_some() {
                                            " " span.tag.tag--warning { (t(lang, "portal.extended_short")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(lang, t(lang, "auth.my_page_title"), Some(&s.session), body).into_response())
}
