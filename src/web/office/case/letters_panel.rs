//! The end of the case page's decision panel: the art. 19 notices to recipients with their
//! delivery status (marking one sent by hand, or trying a failed one again), the case's
//! documents to download, and its letters sent for printing.
use maud::{Markup, html};

use super::page::Page;
use crate::decisions::recipients::{NoticeChannel, NoticeStatus};

/// The notices, documents and printed letters.
pub(super) fn letters(page: &Page) -> Markup {
    let id = page.id;
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let csrf = &page.csrf;
    let works = page.works;
    let deliveries = &page.deliveries;
    html! {
        @if !data.notices.is_empty() {
            h3 #notices-title { (t("office.case.notices")) }
            p.hint { (t("office.case.notices_hint")) }
            table aria-labelledby="notices-title" {
                thead { tr {
                    th scope="col" { (t("office.case.notice_recipient")) }
                    th scope="col" { (t("office.case.notice_channel")) }
                    th scope="col" { (t("office.case.notice_status")) }
                    th scope="col" { (t("office.case.notice_letter")) }
                    th scope="col" { span.visually-hidden { (t("office.case.notice_actions")) } }
                } }
                tbody {
                    @for n in &data.notices {
                        tr {
                            td { (n.recipient) }
                            td { (t(&format!("office.case.notice_channel_{}", n.channel.as_str()))) }
                            td {
                                (t(&format!("office.case.notice_status_{}", n.status.as_str())))
                                @if let Some(e) = &n.error { br; small { (e) } }
                            }
                            td {
                                @if let Some(doc) = n.document_href.as_deref().and_then(|h| h.rsplit('/').next()) {
                                    a href=(format!("/office/sak/{id}/dokument/{doc}")) { (t("office.case.notice_letter")) }
                                }
                            }
                            td {
                                @if works && matches!(n.status, NoticeStatus::Manual | NoticeStatus::Failed) {
                                    form method="post" action=(format!("/office/sak/{id}/melding/{}/sendt", n.id)) {
                                        (csrf)
                                        button.secondary type="submit" { (t("office.case.notice_mark_sent")) }
                                    }
                                }
                                @if works && n.status == NoticeStatus::Failed && n.channel == NoticeChannel::Protocol {
                                    form method="post" action=(format!("/office/sak/{id}/melding/{}/igjen", n.id)) {
                                        (csrf)
                                        button.secondary type="submit" { (t("office.case.notice_retry")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !data.documents.is_empty() {
            h3 { (t("office.case.documents")) }
            ul {
                @for d in &data.documents {
                    li { a href=(format!("/office/sak/{id}/dokument/{}", d.id)) { (d.name) } " (" (d.size / 1024 + 1) " kB)" }
                }
            }
        }
        (deliveries)
    }
}
