//! HTML rendering of a [`LetterDocument`] with maud: one standalone page (embedded CSS, no
//! external resources), print-friendly, with `lang`, one `h1` and semantic sections. Every text
//! goes through maud's escaping; nothing here uses `PreEscaped` on letter content.
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::model::{Block, Chart, LetterDocument, Table};

/// Static stylesheet (our own constant, not user data).
const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.45;
       color: #141414; background: #fff; margin: 0; }
.letter { max-width: 48rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
.binding { border-top: 3px solid #2a5b8c; margin-top: 2rem; }
header.letterhead { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1rem;
       border-bottom: 1px solid #c4c9d0; padding-bottom: 1rem; margin-bottom: 1.5rem; }
.sender p, .recipient p { margin: 0; }
.sender .org { font-weight: 700; font-size: 1.1em; }
dl.facts { display: grid; grid-template-columns: auto 1fr; gap: .15rem .75rem; margin: 0; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; font-weight: 700; }
.recipient { margin-bottom: 1.5rem; }
h1 { font-size: 1.6em; margin: 0 0 1rem; }
h2 { font-size: 1.25em; margin: 1.6rem 0 .5rem; }
h3 { font-size: 1.08em; margin: 1.2rem 0 .4rem; }
h4 { font-size: 1em; margin: 1rem 0 .3rem; }
p { margin: 0 0 .7rem; white-space: pre-line; }
.notice { background: #ebf1f8; border-inline-start: 4px solid #2a5b8c; padding: .6rem .8rem; }
.language-note { font-size: .9em; font-style: italic; color: #444; border-inline-start: 4px solid #8a8f96;
                 padding-inline-start: .6rem; margin-bottom: .3rem; }
dl.kv { display: grid; grid-template-columns: minmax(8rem, 30%) 1fr; gap: .25rem .75rem; }
dl.kv dt { font-weight: 700; }
dl.kv dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1.2rem; font-size: .9em; }
caption { text-align: start; font-weight: 700; padding: .3rem 0; }
th, td { text-align: start; vertical-align: top; padding: .3rem .4rem; border-bottom: 1px solid #c4c9d0;
         overflow-wrap: anywhere; }
th { background: #e1e5eb; }
tr.marked td { background: #fdf3d6; }
footer { margin-top: 2rem; border-top: 1px solid #c4c9d0; padding-top: .5rem; color: #555; font-size: .85em; }
@page { size: A4; margin: 20mm 20mm 22mm; }
@media print {
  body { font-size: 10pt; }
  .letter { max-width: none; padding: 0; }
  .binding { break-before: page; border-top: none; }
  thead { display: table-header-group; }
  tr, .notice { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
}
"#;

/// Renders the letter as a complete HTML document; a letter with a binding Norwegian version
/// has it after the letter, in its own language and direction.
pub fn render_html(doc: &LetterDocument) -> String {
    let page: Markup = html! {
        (DOCTYPE)
        html lang=(doc.lang.html_lang()) dir=(doc.lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (doc.title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                main { (letter(doc)) }
                @if let Some(binding) = &doc.binding {
                    section.binding lang=(binding.lang.html_lang()) dir=(binding.lang.dir())
                        aria-label=(binding.title) {
                        (letter(binding))
                    }
                }
            }
        }
    };
    page.into_string()
}

fn letter(doc: &LetterDocument) -> Markup {
    html! {
        div.letter {
            header.letterhead {
                div.sender {
                    @for (i, line) in doc.letterhead.sender.iter().enumerate() {
                        @if i == 0 { p.org { (line) } } @else { p { (line) } }
                    }
                }
                dl.facts {
                    @for (label, value) in &doc.letterhead.facts {
                        dt { (label) }
                        dd { (value) }
                    }
                }
            }
            div.recipient {
                @for line in &doc.letterhead.recipient { p { (line) } }
            }
            article {
                h1 { (doc.title) }
                @for block in &doc.blocks { (block_html(block)) }
            }
            footer { p { (doc.footer) } }
        }
    }
}

fn block_html(block: &Block) -> Markup {
    match block {
        Block::Heading { level, text } => match level {
            0..=2 => html! { h2 { (text) } },
            3 => html! { h3 { (text) } },
            _ => html! { h4 { (text) } },
        },
        Block::Paragraph(text) => html! { p { (text) } },
        Block::Notice(text) => html! { p.notice role="note" { (text) } },
        Block::LanguageNote(text) => html! { p.language-note role="note" { (text) } },
        Block::Bullets(items) => html! { ul { @for item in items { li { (item) } } } },
        Block::Facts(pairs) => html! {
            dl.kv { @for (k, v) in pairs { dt { (k) } dd { (v) } } }
        },
        Block::Table(table) => table_html(table),
        Block::Chart(chart) => chart_html(chart),
    }
}

/// A chart's figures as a table: readable without the drawing, and by screen readers.
fn chart_html(chart: &Chart) -> Markup {
    html! {
        table.chart {
            caption { (chart.caption) }
            thead { tr {
                th scope="col" { (chart.y_label) }
                @for s in &chart.series { th scope="col" { (s.name) } }
            } }
            tbody {
                @for (i, label) in chart.labels.iter().enumerate() {
                    tr {
                        th scope="row" { (label) }
                        @for s in &chart.series { td { (s.values.get(i).copied().unwrap_or(0)) } }
                    }
                }
            }
        }
    }
}

fn table_html(table: &Table) -> Markup {
    html! {
        table {
            @if let Some(caption) = &table.caption { caption { (caption) } }
            thead { tr { @for h in &table.headers { th scope="col" { (h) } } } }
            tbody {
                @for row in &table.rows {
                    tr class=[row.marked.then_some("marked")] {
                        @for cell in &row.cells { td { (cell) } }
                    }
                }
            }
        }
    }
}
