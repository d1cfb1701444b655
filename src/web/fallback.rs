//! Answers for addresses no page serves: "not found", and a browser's GET of an address
//! that only takes a form's post, sent back to the page the form is on.
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::i18n::Language;

use super::error_page::{ErrorKind, PageError};

/// The "not found" answer for an address nobody serves: a page for a browser, problem+json for
/// the API and every other client.
pub fn not_found_page(parts: &Parts) -> Option<Response> {
    let path = parts.uri.path();
    let api = [
        "/api/",
        "/dev/",
        "/sim/",
        "/.well-known/",
        "/metrics",
        "/openapi",
    ]
    .iter()
    .any(|p| path.starts_with(p));
    let wants_html = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if api || !wants_html {
        return None;
    }
    let lang = lang_of(parts);
    Some(PageError::new(lang, ErrorKind::NotFound).into_response())
}

/// A browser's GET of an address that only takes a form's post: the language links of a page
/// that answered that post (`?lang=` on the post's address), a bookmark, a reload. The person is
/// sent to the page the form was on (the case, or the section's start), in the language asked
/// for; every other client gets the 405 problem.
pub fn page_for_post_address(parts: &Parts) -> Option<Response> {
    if !matches!(
        parts.method,
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return None;
    }
    let path = parts.uri.path();
    let wants_html = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if !wants_html {
        return None;
    }
    let page = form_page(path)?;
    let target = match parts.uri.query() {
        Some(q) if !q.is_empty() => format!("{page}?{q}"),
        _ => page,
    };
    Some(axum::response::Redirect::to(&target).into_response())
}

/// The page whose form posts to `path`: the case page for a case's actions, otherwise the
/// section's start. `None` for addresses that are not pages.
fn form_page(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["office", "sak", id, _, ..] if id.parse::<uuid::Uuid>().is_ok() => {
            Some(format!("/office/sak/{id}"))
        }
        ["min-side", "sak", id, _, ..] if id.parse::<uuid::Uuid>().is_ok() => {
            Some(format!("/min-side/sak/{id}"))
        }
        ["office", "admin", ..] => Some("/office/admin".into()),
        ["office", ..] => Some("/office".into()),
        ["min-side", ..] => Some("/min-side".into()),
        ["logout"] => Some("/".into()),
        _ => None,
    }
}

/// The page language from the parts alone (query, cookie, header), as `Lang` picks it.
pub(super) fn lang_of(parts: &Parts) -> Language {
    let query = parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Language::from_code(&v))
    });
    let cookie = || {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("dsar_lang="))
            .and_then(Language::from_code)
    };
    let accept = || {
        parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Language::from_accept_language)
    };
    query.or_else(cookie).or_else(accept).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_post_address_leads_back_to_the_page_its_form_is_on() {
        let id = "0b5c1f4e-7a43-4d0a-9b1e-2f6f0d7b9a11";
        let table = [
            (
                format!("/office/sak/{id}/frist"),
                Some(format!("/office/sak/{id}")),
            ),
            (
                format!("/office/sak/{id}/vedtak/godkjenn"),
                Some(format!("/office/sak/{id}")),
            ),
            (
                format!("/min-side/sak/{id}/svar"),
                Some(format!("/min-side/sak/{id}")),
            ),
            (
                format!("/min-side/utkast/{id}/slett"),
                Some("/min-side".to_string()),
            ),
            (
                "/office/sammenslaing/x/avvis".to_string(),
                Some("/office".to_string()),
            ),
            (
                "/office/admin/kilder/x".to_string(),
                Some("/office/admin".to_string()),
            ),
            (
                "/office/sak/not-a-case/frist".to_string(),
                Some("/office".to_string()),
            ),
            ("/logout".to_string(), Some("/".to_string())),
            ("/api/v1/requests".to_string(), None),
            ("/sim/nav".to_string(), None),
        ];
        for (path, page) in table {
            assert_eq!(super::form_page(&path), page, "{path}");
        }
    }
}
