//! The summary as tables with labels and names: the figures, the breakdowns and the case lists,
//! shared by the spreadsheet, the CSV and the PDF.
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::i18n::Language;

use super::Summary;

/// One table of the summary: a name, column headings and rows of text or numbers.
pub struct SheetTable {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A cell: text, or a figure a spreadsheet can sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
}

impl Cell {
    pub fn as_text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Number(n) => n.to_string(),
        }
    }
}

/// The summary as tables with labels in `lang` and names, not ids: the figures, by right and
/// channel, outcomes and refusal grounds, per unit, per controller (a roll-up) and per month.
/// `controller` names the controller asked for.
pub fn tables(s: &Summary, controller: Option<&str>, lang: Language) -> Vec<SheetTable> {
    use crate::reports::{k, label};
    let text = |t: String| Cell::Text(t);
    let n = Cell::Number;
    let opt = |v: Option<i64>| v.map_or(Cell::Text(String::new()), Cell::Number);
    let mut figures = vec![
        vec![
            text(k(lang, "period")),
            text(format!("{} – {}", s.from, s.to)),
        ],
        vec![
            text(k(lang, "controller")),
            text(controller.map_or_else(|| k(lang, "all_controllers"), str::to_string)),
        ],
        vec![text(k(lang, "made_on")), text(s.today.to_string())],
        vec![text(k(lang, "received_total")), n(s.received)],
    ];
    for (key, value) in [
        ("completed", s.completed),
        ("within_first_deadline", s.within_first_deadline),
        ("within_extension", s.within_extension),
        ("late", s.late),
        ("withdrawn", s.withdrawn),
        ("forwarded", s.forwarded),
        ("still_open", s.still_open),
        ("extended", s.extended),
    ] {
        figures.push(vec![text(k(lang, key)), n(value)]);
    }
    figures.push(vec![
        text(k(lang, "median_days")),
        opt(s.median_working_days),
    ]);
    figures.push(vec![text(k(lang, "p90_days")), opt(s.p90_working_days)]);
    figures.push(vec![text(k(lang, "open_today")), n(s.open_today)]);
    figures.push(vec![text(k(lang, "overdue_today")), n(s.overdue_today)]);
    let counted = |group: &str, map: &BTreeMap<String, i64>| -> Vec<Vec<Cell>> {
        map.iter()
            .map(|(key, v)| vec![text(label(lang, group, key)), n(*v)])
            .collect()
    };
    let two = |name: &str, first: &str| (k(lang, name), vec![k(lang, first), k(lang, "count")]);
    let mut out = Vec::new();
    let mut push = |(name, headers): (String, Vec<String>), rows: Vec<Vec<Cell>>| {
        out.push(SheetTable {
            name,
            headers,
            rows,
        })
    };
    push(two("handling_heading", "measure"), figures);
    push(
        two("by_kind", "kind"),
        counted("kinds", &s.received_by_kind),
    );
    push(
        two("by_channel", "channel"),
        counted("channels", &s.received_by_channel),
    );
    push(
        two("outcomes_heading", "outcome"),
        counted("outcomes", &s.outcomes),
    );
    push(
        two("refusals_heading", "legal_basis"),
        s.refusal_grounds
            .iter()
            .map(|(id, v)| vec![text(id.clone()), n(*v)])
            .collect(),
    );
    let columns = |first: &str, rest: &[&str]| -> Vec<String> {
        std::iter::once(first)
            .chain(rest.iter().copied())
            .map(|key| k(lang, key))
            .collect()
    };
    push(
        (
            k(lang, "units_heading"),
            columns("unit", &["received", "completed", "late", "still_open"]),
        ),
        s.units
            .iter()
            .map(|u| {
                vec![
                    text(u.unit.clone()),
                    n(u.received),
                    n(u.completed),
                    n(u.late),
                    n(u.still_open),
                ]
            })
            .collect(),
    );
    if !s.controllers.is_empty() {
        push(
            (
                k(lang, "controllers_heading"),
                columns(
                    "controller",
                    &[
                        "received",
                        "completed",
                        "late",
                        "withdrawn",
                        "forwarded",
                        "still_open",
                    ],
                ),
            ),
            s.controllers
                .iter()
                .map(|c| {
                    vec![
                        text(c.controller.clone()),
                        n(c.received),
                        n(c.completed),
                        n(c.late),
                        n(c.withdrawn),
                        n(c.forwarded),
                        n(c.still_open),
                    ]
                })
                .collect(),
        );
    }
    push(
        (
            k(lang, "months_heading"),
            columns("month", &["received", "answered"]),
        ),
        s.months
            .iter()
            .map(|m| vec![text(m.month.clone()), n(m.received), n(m.answered)])
            .collect(),
    );
    push(
        two("complaints_heading", "measure"),
        std::iter::once(vec![
            text(k(lang, "complaints_received")),
            n(s.complaints.received),
        ])
        .chain(
            s.complaints
                .by_kind
                .iter()
                .map(|(key, v)| vec![text(label(lang, "complaint_kinds", key)), n(*v)]),
        )
        .chain(
            s.complaints
                .outcomes
                .iter()
                .map(|(key, v)| vec![text(label(lang, "complaint_outcomes", key)), n(*v)]),
        )
        .chain(std::iter::once(vec![
            text(k(lang, "complaints_open")),
            n(s.complaints.open),
        ]))
        .collect(),
    );
    for (name, headers, rows) in case_tables(s) {
        push((k(lang, name), columns(headers[0], &headers[1..])), rows);
    }
    out
}

/// A case list as a table: heading key, column keys, rows.
pub type CaseTable = (&'static str, Vec<&'static str>, Vec<Vec<Cell>>);

/// The three case lists as tables: heading key, column keys, rows. Shared by the spreadsheet
/// and the PDF so that both list the same columns.
pub fn case_tables(s: &Summary) -> [CaseTable; 3] {
    let text = Cell::Text;
    let day = |d: NaiveDate| Cell::Text(d.to_string());
    [
        (
            "extended_heading",
            vec![
                "reference",
                "unit",
                "received_on",
                "first_due_on",
                "new_due_on",
                "reason",
            ],
            s.extended_cases
                .iter()
                .map(|c| {
                    vec![
                        text(c.reference.clone()),
                        text(c.unit.clone()),
                        day(c.received_on),
                        day(c.first_due_on),
                        day(c.due_on),
                        text(c.reason.clone()),
                    ]
                })
                .collect(),
        ),
        (
            "late_heading",
            vec![
                "reference",
                "unit",
                "received_on",
                "due_on",
                "answered_on",
                "days_late",
            ],
            s.late_cases
                .iter()
                .map(|c| {
                    vec![
                        text(c.reference.clone()),
                        text(c.unit.clone()),
                        day(c.received_on),
                        day(c.due_on),
                        day(c.answered_on),
                        Cell::Number(c.days_late),
                    ]
                })
                .collect(),
        ),
        (
            "overdue_heading",
            vec!["reference", "unit", "received_on", "due_on", "days_late"],
            s.overdue_cases
                .iter()
                .map(|c| {
                    vec![
                        text(c.reference.clone()),
                        text(c.unit.clone()),
                        day(c.received_on),
                        day(c.due_on),
                        Cell::Number(c.days_overdue),
                    ]
                })
                .collect(),
        ),
    ]
}
