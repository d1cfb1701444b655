//! The period summary as a PDF for Datatilsynet: title, period and controller, the same tables
//! as the JSON, and a bar chart of requests received against answered per month. Composed into
//! the letters' document model and rendered by the same krilla path as the letters (embedded
//! Noto Sans, real text), in bokmål or English.
use chrono::NaiveDate;
use uuid::Uuid;

use super::{k, label, summary::Summary};
use crate::{
    error::{ServiceError, ServiceResult},
    i18n::{Arg, Language, tf, tn},
    legal_bases::Catalogue,
    letters::{
        format_date,
        model::{Block, Chart, ChartSeries, LetterDocument, Letterhead, Table, TableRow},
        pdf::render_pdf,
    },
    registry::Registry,
};

/// Who the report is about, as printed in its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerName {
    pub name: String,
    pub org_number: String,
}

/// The controller's name and organisation number; `None` for "all controllers" (or an id that
/// does not exist, which then has no requests either).
pub fn controller_name(registry: &Registry, id: Option<Uuid>) -> Option<ControllerName> {
    let c = registry.controllers.get(&id?)?;
    Some(ControllerName {
        name: c.name.clone(),
        org_number: c.org_number.clone(),
    })
}

fn two_columns(caption: Option<String>, headers: [String; 2], rows: Vec<TableRow>) -> Block {
    Block::Table(Table {
        caption,
        headers: headers.to_vec(),
        widths: vec![3.0, 1.0],
        rows,
    })
}

fn row(cells: Vec<String>) -> TableRow {
    TableRow {
        cells,
        marked: false,
    }
}

fn count_rows<'a>(
    lang: Language,
    group: &str,
    figures: impl IntoIterator<Item = (&'a String, &'a i64)>,
) -> Vec<TableRow> {
    figures
        .into_iter()
        .map(|(key, n)| row(vec![label(lang, group, key), n.to_string()]))
        .collect()
}

fn period(lang: Language, from: NaiveDate, to: NaiveDate) -> String {
    format!("{} – {}", format_date(lang, from), format_date(lang, to))
}

/// The report as a document (what the PDF prints; also what the tests read).
pub fn document(
    s: &Summary,
    controller: Option<&ControllerName>,
    lang: Language,
) -> LetterDocument {
    let count = || k(lang, "count");
    let sender = match controller {
        Some(c) => vec![
            c.name.clone(),
            tf(lang, "office_reports.org_number", &[("org", &c.org_number)]),
        ],
        None => vec![k(lang, "all_controllers")],
    };
    let mut blocks = vec![Block::Paragraph(k(lang, "intro"))];

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "received_heading"),
    });
    blocks.push(Block::Facts(vec![(
        k(lang, "received_total"),
        s.received.to_string(),
    )]));
    blocks.push(two_columns(
        Some(k(lang, "by_kind")),
        [k(lang, "kind"), count()],
        count_rows(lang, "kinds", &s.received_by_kind),
    ));
    blocks.push(two_columns(
        Some(k(lang, "by_channel")),
        [k(lang, "channel"), count()],
        count_rows(lang, "channels", &s.received_by_channel),
    ));

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "handling_heading"),
    });
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
    let handling = [
        ("completed", s.completed.to_string()),
        ("within_first_deadline", s.within_first_deadline.to_string()),
        ("within_extension", s.within_extension.to_string()),
        ("late", s.late.to_string()),
        ("withdrawn", s.withdrawn.to_string()),
        ("forwarded", s.forwarded.to_string()),
        ("still_open", s.still_open.to_string()),
        ("median_days", opt(s.median_working_days)),
        ("p90_days", opt(s.p90_working_days)),
    ];
    blocks.push(two_columns(
        None,
        [k(lang, "measure"), count()],
        handling
            .into_iter()
            .map(|(key, v)| row(vec![k(lang, key), v]))
            .collect(),
    ));

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "months_heading"),
    });
    blocks.push(Block::Chart(Chart {
        caption: k(lang, "chart_caption"),
        y_label: k(lang, "chart_axis"),
        labels: s.months.iter().map(|m| m.month.clone()).collect(),
        series: vec![
            ChartSeries {
                name: k(lang, "received"),
                values: s.months.iter().map(|m| m.received).collect(),
            },
            ChartSeries {
                name: k(lang, "answered"),
                values: s.months.iter().map(|m| m.answered).collect(),
            },
        ],
    }));
    blocks.push(Block::Table(Table {
        caption: None,
        headers: vec![k(lang, "month"), k(lang, "received"), k(lang, "answered")],
        widths: vec![2.0, 1.0, 1.0],
        rows: s
            .months
            .iter()
            .map(|m| {
                row(vec![
                    m.month.clone(),
                    m.received.to_string(),
                    m.answered.to_string(),
                ])
            })
            .collect(),
    }));
    blocks.push(Block::Paragraph(k(lang, "months_note")));

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "outcomes_heading"),
    });
    if s.outcomes.is_empty() {
        blocks.push(Block::Paragraph(k(lang, "none")));
    } else {
        blocks.push(two_columns(
            None,
            [k(lang, "outcome"), count()],
            count_rows(lang, "outcomes", &s.outcomes),
        ));
    }

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "refusals_heading"),
    });
    if s.refusal_grounds.is_empty() {
        blocks.push(Block::Paragraph(k(lang, "none")));
    } else {
        let catalogue = Catalogue::built_in();
        blocks.push(Block::Paragraph(k(lang, "refusals_note")));
        blocks.push(two_columns(
            None,
            [k(lang, "legal_basis"), count()],
            s.refusal_grounds
                .iter()
                .map(|(id, n)| {
                    let text = match catalogue.get(id) {
                        Some(b) => format!("{} ({id})", b.citation.get(lang)),
                        None => id.clone(),
                    };
                    row(vec![text, n.to_string()])
                })
                .collect(),
        ));
    }

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "complaints_heading"),
    });
    blocks.push(Block::Paragraph(k(lang, "complaints_note")));
    if s.complaints.received == 0 {
        blocks.push(Block::Paragraph(k(lang, "none")));
    } else {
        let mut rows = vec![row(vec![
            k(lang, "complaints_received"),
            s.complaints.received.to_string(),
        ])];
        rows.extend(count_rows(lang, "complaint_kinds", &s.complaints.by_kind));
        rows.extend(count_rows(
            lang,
            "complaint_outcomes",
            &s.complaints.outcomes,
        ));
        rows.push(row(vec![
            k(lang, "complaints_open"),
            s.complaints.open.to_string(),
        ]));
        blocks.push(two_columns(None, [k(lang, "measure"), count()], rows));
    }

    blocks.push(Block::Heading {
        level: 2,
        text: k(lang, "today_heading"),
    });
    blocks.push(Block::Facts(vec![
        (k(lang, "open_today"), s.open_today.to_string()),
        (k(lang, "overdue_today"), s.overdue_today.to_string()),
    ]));

    if !s.units.is_empty() {
        blocks.push(Block::Heading {
            level: 2,
            text: k(lang, "units_heading"),
        });
        blocks.push(Block::Table(Table {
            caption: None,
            headers: vec![
                k(lang, "unit"),
                k(lang, "received"),
                k(lang, "completed"),
                k(lang, "late"),
                k(lang, "still_open"),
            ],
            widths: vec![3.0, 1.0, 1.0, 1.0, 1.0],
            rows: s
                .units
                .iter()
                .map(|u| {
                    row(vec![
                        u.unit.clone(),
                        u.received.to_string(),
                        u.completed.to_string(),
                        u.late.to_string(),
                        u.still_open.to_string(),
                    ])
                })
                .collect(),
        }));
    }

    if !s.controllers.is_empty() {
        blocks.push(Block::Heading {
            level: 2,
            text: k(lang, "controllers_heading"),
        });
        blocks.push(Block::Paragraph(k(lang, "controllers_note")));
        blocks.push(Block::Table(Table {
            caption: None,
            headers: vec![
                k(lang, "controller"),
                k(lang, "received"),
                k(lang, "completed"),
                k(lang, "late"),
                k(lang, "withdrawn"),
                k(lang, "forwarded"),
                k(lang, "still_open"),
            ],
            widths: vec![3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            rows: s
                .controllers
                .iter()
                .map(|c| {
                    row(vec![
                        c.controller.clone(),
                        c.received.to_string(),
                        c.completed.to_string(),
                        c.late.to_string(),
                        c.withdrawn.to_string(),
                        c.forwarded.to_string(),
                        c.still_open.to_string(),
                    ])
                })
                .collect(),
        }));
    }

    let totals = [s.extended, s.late, s.overdue_today];
    for ((heading, columns, rows), total) in super::summary::case_tables(s).into_iter().zip(totals)
    {
        blocks.push(Block::Heading {
            level: 2,
            text: k(lang, heading),
        });
        if heading == "extended_heading" {
            blocks.push(Block::Paragraph(k(lang, "extended_note")));
        }
        if rows.is_empty() {
            blocks.push(Block::Paragraph(k(lang, "none")));
            continue;
        }
        if (rows.len() as i64) < total {
            blocks.push(Block::Paragraph(list_truncated(lang, rows.len(), total)));
        }
        // The reasons (last column of the extended list) get the room they need.
        let widths = columns
            .iter()
            .map(|c| if *c == "reason" { 4.0 } else { 1.5 })
            .collect();
        blocks.push(Block::Table(Table {
            caption: None,
            headers: columns.iter().map(|c| k(lang, c)).collect(),
            widths,
            rows: rows
                .iter()
                .map(|r| row(r.iter().map(|c| c.as_text()).collect()))
                .collect(),
        }));
    }

    LetterDocument {
        lang,
        title: k(lang, "title"),
        letterhead: Letterhead {
            sender,
            recipient: vec![],
            facts: vec![
                (k(lang, "period"), period(lang, s.from, s.to)),
                (
                    k(lang, "controller"),
                    controller
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| k(lang, "all_controllers")),
                ),
                (k(lang, "made_on"), format_date(lang, s.today)),
            ],
        },
        blocks,
        footer: tf(
            lang,
            "office_reports.footer",
            &[("from", &s.from.to_string()), ("to", &s.to.to_string())],
        ),
        page_label_key: "office_reports.page_label".to_string(),
        binding: None,
    }
}

/// "The list shows the first N of M."
pub fn list_truncated(lang: Language, shown: usize, total: i64) -> String {
    tn(
        lang,
        "office_reports.list_truncated",
        &[("shown", Arg::from(shown)), ("total", Arg::from(total))],
    )
}

/// The report as a PDF.
pub fn to_pdf(
    s: &Summary,
    controller: Option<&ControllerName>,
    lang: Language,
) -> ServiceResult<Vec<u8>> {
    render_pdf(&document(s, controller, lang))
        .map_err(|e| ServiceError::Storage(format!("report pdf: {e}").into()))
}
