//! The small document model every letter is composed into. The HTML and the PDF renderer both
//! read it, so the two versions of a letter always say the same thing.
use serde::Serialize;

use crate::i18n::Language;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterDocument {
    pub lang: Language,
    /// The letter's title (the one `h1`).
    pub title: String,
    pub letterhead: Letterhead,
    pub blocks: Vec<Block>,
    /// Left part of every page's footer (e.g. the reference); the right part is the page number.
    pub footer: String,
    /// The text key of the page number, a message with `$page` and `$pages`, e.g.
    /// "side { $page } av { $pages }".
    pub page_label_key: String,
    /// The same letter in bokmål, the binding version, attached after a letter in a language
    /// no qualified translator has reviewed (docs/languages.md).
    pub binding: Option<Box<LetterDocument>>,
}

/// Sender, recipient and the case facts printed at the top of the first page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Letterhead {
    /// First line is the sender's name (shown bold), then unit, address, contact.
    pub sender: Vec<String>,
    /// The recipient's name and any address lines.
    pub recipient: Vec<String>,
    /// Label/value pairs such as date and reference.
    pub facts: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// Level 2–4 (the title is level 1).
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    /// A highlighted paragraph (boxed in print).
    Notice(String),
    /// A short marked note that the block after it is not in the letter's language (the
    /// caseworker's own words, written in Norwegian).
    LanguageNote(String),
    Bullets(Vec<String>),
    /// Label/value pairs.
    Facts(Vec<(String, String)>),
    Table(Table),
    /// Figures drawn as bars (PDF); the HTML shows the same figures as a table.
    Chart(Chart),
}

/// A grouped bar chart: one group of bars per label, one bar per series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Shown above the chart.
    pub caption: String,
    /// What the vertical axis counts, e.g. "Antall krav".
    pub y_label: String,
    /// The groups along the horizontal axis, e.g. months.
    pub labels: Vec<String>,
    /// Each with one value per label (missing values count as 0).
    pub series: Vec<ChartSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSeries {
    pub name: String,
    pub values: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Read by screen readers and shown above the table.
    pub caption: Option<String>,
    pub headers: Vec<String>,
    /// Relative column widths, one per header.
    pub widths: Vec<f32>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    pub cells: Vec<String>,
    /// Shown highlighted (special categories of data).
    pub marked: bool,
}

impl LetterDocument {
    /// The page-number text of page `page` of `pages`.
    pub fn page_label(&self, page: usize, pages: usize) -> String {
        crate::i18n::tn(
            self.lang,
            &self.page_label_key,
            &[("page", page.into()), ("pages", pages.into())],
        )
    }

    /// Every text the document shows, in reading order: what both renderers must print.
    pub fn texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![&self.title];
        out.extend(self.letterhead.sender.iter().map(String::as_str));
        out.extend(self.letterhead.recipient.iter().map(String::as_str));
        for (k, v) in &self.letterhead.facts {
            out.push(k);
            out.push(v);
        }
        for block in &self.blocks {
            match block {
                Block::Heading { text, .. }
                | Block::Paragraph(text)
                | Block::Notice(text)
                | Block::LanguageNote(text) => out.push(text),
                Block::Bullets(items) => out.extend(items.iter().map(String::as_str)),
                Block::Facts(pairs) => {
                    for (k, v) in pairs {
                        out.push(k);
                        out.push(v);
                    }
                }
                Block::Chart(chart) => {
                    out.push(&chart.caption);
                    out.push(&chart.y_label);
                    out.extend(chart.labels.iter().map(String::as_str));
                    out.extend(chart.series.iter().map(|s| s.name.as_str()));
                }
                Block::Table(table) => {
                    out.extend(table.caption.iter().map(String::as_str));
                    out.extend(table.headers.iter().map(String::as_str));
                    for row in &table.rows {
                        out.extend(row.cells.iter().map(String::as_str));
                    }
                }
            }
        }
        out
    }
}
