//! The files the person sent with their request: name, type, size, whether they were scanned
//! for malware, when, and a download link (the download is audited).
use maud::{Markup, html};

use super::page::Page;
use entity::values::ScanStatus;

/// The panel; nothing when no file was sent.
pub(super) fn attachments(page: &Page) -> Markup {
    let id = page.id;
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let files = &page.data.attachments;
    html! {
        @if !files.is_empty() {
            section.panel #attachments aria-labelledby="attachments-title" {
                h2 #attachments-title { (t("office.case.attachments")) }
                p.hint { (t("office.case.attachments_hint")) }
                div.table-scroll tabindex="0" role="region" aria-labelledby="attachments-title" {
                table aria-labelledby="attachments-title" {
                    thead { tr {
                        th scope="col" { (t("office.case.attachment_name")) }
                        th scope="col" { (t("office.case.attachment_type")) }
                        th scope="col" { (t("office.case.attachment_size")) }
                        th scope="col" { (t("office.case.attachment_scan")) }
                        th scope="col" { (t("office.case.attachment_sent")) }
                    } }
                    tbody {
                        @for f in files {
                            tr {
                                td { a href=(format!("/office/sak/{id}/vedlegg/{}", f.id)) download { (f.name) } }
                                td { (type_label(&f.media_type)) }
                                td { (crate::web::portal::size_text(lang, f.size)) }
                                td {
                                    @match f.scan_status {
                                        ScanStatus::Clean => { (t("office.case.attachment_scan_clean")) }
                                        ScanStatus::NotScanned => { strong { (t("office.case.attachment_scan_not_scanned")) } }
                                    }
                                }
                                td {
                                    time datetime=(f.uploaded_at.to_rfc3339()) { (crate::web::date_time(lang, f.uploaded_at)) }
                                    @if f.by_representative { " – " (t("office.case.attachment_by_representative")) }
                                }
                            }
                        }
                    }
                }
                }
            }
        }
    }
}

fn type_label(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "PDF",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        _ => "?",
    }
}
