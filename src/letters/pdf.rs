//! PDF rendering of a [`LetterDocument`] with krilla: A4, embedded (subset) Noto Sans, Noto Sans
//! Arabic and Noto Sans Ethiopic, real text (selectable and extractable in logical order: Latin,
//! Cyrillic, Arabic script, Ethiopic), line wrapping, tables that break across pages with their
//! header repeated, and "page X of Y" in every footer. A letter in a right-to-left language is
//! laid out mirrored (lines start at the right margin, table columns run right to left). A
//! letter with a binding Norwegian version ([`LetterDocument::binding`]) has it on the pages
//! after it, in the same file.
//!
//! krilla draws glyphs but does no layout, so this module lays out lines itself: it measures
//! text by shaping it ([`super::shaping`]), wraps greedily at spaces, and collects drawing
//! operations per page first, so the total page count is known when the footers are written.
use krilla::{
    Document, SerializeSettings,
    color::rgb,
    configure::{Accessibility, ConfigurationBuilder},
    destination::XyzDestination,
    geom::{PathBuilder, Point, Rect},
    metadata::{Metadata, TextDirection},
    num::NormalizedF32,
    outline::{Outline, OutlineNode},
    page::PageSettings,
    paint::{Fill, Stroke},
    tagging::{ContentTag, Identifier, SpanTag},
    text::{Font, GlyphId, KrillaGlyph},
};

use super::{
    model::{Block, Chart, LetterDocument, Table},
    shaping::{FontSet, ShapedLine},
    tagging::{Artifact, Kind, Mark, Structure},
};

/// Per weight: Latin and Cyrillic, Arabic script, Ethiopic (the order of [`FontSet`]).
pub(crate) static REGULAR_FONTS: [&[u8]; 3] = [
    include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../assets/fonts/NotoSansEthiopic-Regular.ttf"),
];
pub(crate) static BOLD_FONTS: [&[u8]; 3] = [
    include_bytes!("../../assets/fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("../../assets/fonts/NotoSansEthiopic-Bold.ttf"),
];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font could not be read")]
    Font,
    #[error("invalid page geometry")]
    Geometry,
    #[error("PDF serialisation failed: {0}")]
    Krilla(String),
}

// A4 in points, and the page frame.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 56.0;
const TOP: f32 = 56.0;
const BOTTOM: f32 = PAGE_H - 64.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;
const CELL_PAD: f32 = 3.0;
const LEADING: f32 = 1.38;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Face {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shade {
    Black,
    Grey,
}

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        shade: Shade,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        rgb: (u8, u8, u8),
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
    },
    /// A stroked line in a colour (chart axes and grid).
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        rgb: (u8, u8, u8),
    },
}

// Charts: plot height, room for the value labels left of the axis, and the series colours.
const CHART_PLOT_H: f32 = 170.0;
const CHART_AXIS_W: f32 = 44.0;
const CHART_COLOURS: [(u8, u8, u8); 4] = [
    (42, 91, 140),
    (229, 142, 48),
    (96, 150, 82),
    (140, 140, 140),
];

/// The alternate text of a chart: what it counts, then per group every series' value, e.g.
/// "Antall krav. 2026-01: Mottatt 4, Besvart 2. 2026-02: Mottatt 0, Besvart 3."
pub(crate) fn chart_alt(chart: &Chart) -> String {
    let mut alt = format!("{}: {}.", chart.caption, chart.y_label);
    for (i, label) in chart.labels.iter().enumerate() {
        let values: Vec<String> = chart
            .series
            .iter()
            .map(|s| format!("{} {}", s.name, s.values.get(i).copied().unwrap_or(0)))
            .collect();
        alt.push_str(&format!(" {label}: {}.", values.join(", ")));
    }
    alt
}

/// A round step for a value axis from 0 to at least `max` in about `ticks` steps: 1, 2 or 5
/// times a power of ten. Returns (step, top of the axis).
pub(crate) fn axis_scale(max: i64, ticks: i64) -> (i64, i64) {
    let ticks = ticks.max(1);
    let raw = (max.max(1) + ticks - 1) / ticks;
    let mut magnitude = 1i64;
    while magnitude.saturating_mul(10) <= raw {
        magnitude *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10 * magnitude);
    let top = step * ((max.max(1) + step - 1) / step);
    (step, top)
}

struct Metrics<'a> {
    fonts: FontSet<'a>,
}

impl<'a> Metrics<'a> {
    fn new(data: &[&'a [u8]]) -> Result<Self, PdfError> {
        Ok(Metrics {
            fonts: FontSet::new(data).ok_or(PdfError::Font)?,
        })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.fonts.width(text) * size
    }

    fn shape(&self, text: &str, rtl: bool) -> ShapedLine {
        self.fonts.shape(text, rtl)
    }
}

/// A page's drawing operations, each with what it is in the document's structure.
type PageOps = Vec<(Mark, Op)>;

/// Where a table row's cells go and what they are.
#[derive(Clone, Copy)]
struct Span<'s> {
    xs: &'s [f32],
    widths: &'s [f32],
    /// Each cell's element.
    marks: &'s [Mark],
    /// Highlighted (special categories of data).
    marked: bool,
}

struct Layout<'a> {
    regular: Metrics<'a>,
    bold: Metrics<'a>,
    pages: Vec<PageOps>,
    y: f32,
    /// The structure elements, in reading order.
    tags: Structure,
    /// What the operations pushed now are.
    mark: Mark,
    /// Every heading: level, text, page (in this part) and top, for the outline.
    headings: Vec<(u8, String, usize, f32)>,
}

fn line_height(size: f32) -> f32 {
    size * LEADING
}

impl<'a> Layout<'a> {
    fn metrics(&self, face: Face) -> &Metrics<'a> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// Adds an operation to the current page, marked with [`Self::mark`].
    fn push(&mut self, op: Op) {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        let mark = self.mark;
        self.pages[last].push((mark, op));
    }

    /// Marks what is pushed from now on as the content of a new leaf element.
    fn leaf(&mut self, kind: Kind) -> Mark {
        self.mark = self.tags.leaf(kind);
        self.mark
    }

    /// Marks what is pushed from now on as an artifact.
    fn artifact(&mut self, kind: Artifact) {
        self.mark = Mark::Artifact(kind);
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, top: f32, face: Face, size: f32, shade: Shade, text: &str) {
        if text.is_empty() {
            return;
        }
        // Baseline placed so the line box of `line_height` is roughly centred on the glyphs.
        let baseline = top + size * 1.05 + (line_height(size) - size * 1.2) / 2.0;
        self.push(Op::Text {
            x,
            baseline,
            face,
            size,
            shade,
            text: text.to_string(),
        });
    }

    /// Greedy wrapping at whitespace; explicit newlines start new lines; a word wider than the
    /// column is broken between characters.
    fn wrap(&self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let m = self.metrics(face);
        let space = m.width(" ", size);
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in para.split_whitespace() {
                let word_w = m.width(word, size);
                if word_w > width {
                    // Break an overlong word into pieces that fit.
                    if !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    let mut piece = String::new();
                    let mut piece_w = 0.0;
                    for c in word.chars() {
                        let cw = m.width(c.encode_utf8(&mut [0; 4]), size);
                        if piece_w + cw > width && !piece.is_empty() {
                            lines.push(std::mem::take(&mut piece));
                            piece_w = 0.0;
                        }
                        piece.push(c);
                        piece_w += cw;
                    }
                    line = piece;
                    line_w = piece_w;
                    continue;
                }
                if line.is_empty() {
                    line.push_str(word);
                    line_w = word_w;
                } else if line_w + space + word_w <= width {
                    line.push(' ');
                    line.push_str(word);
                    line_w += space + word_w;
                } else {
                    lines.push(std::mem::take(&mut line));
                    line.push_str(word);
                    line_w = word_w;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped run of text at the cursor, flowing over pages.
    fn flow(&mut self, x: f32, width: f32, face: Face, size: f32, text: &str) {
        let lh = line_height(size);
        for line in self.wrap(text, face, size, width) {
            self.ensure(lh);
            let y = self.y;
            self.text(x, y, face, size, Shade::Black, &line);
            self.y += lh;
        }
    }

    fn letterhead(&mut self, doc: &LetterDocument) {
        let top = self.y;
        let left_w = CONTENT_W * 0.58;
        let mut y = top;
        for (i, line) in doc.letterhead.sender.iter().enumerate() {
            self.leaf(Kind::P);
            let (face, size) = if i == 0 {
                (Face::Bold, 11.0)
            } else {
                (Face::Regular, SMALL)
            };
            for l in self.wrap(line, face, size, left_w) {
                self.text(MARGIN_X, y, face, size, Shade::Black, &l);
                y += line_height(size);
            }
        }
        // Case facts in a right-hand column.
        let right_x = MARGIN_X + left_w + 12.0;
        let right_w = CONTENT_W - left_w - 12.0;
        let mut ry = top;
        if !doc.letterhead.facts.is_empty() {
            self.tags.open(Kind::Table);
        }
        for (label, value) in &doc.letterhead.facts {
            self.tags.open(Kind::TR);
            self.leaf(Kind::TH { col: false });
            for l in self.wrap(label, Face::Regular, SMALL, right_w) {
                self.text(right_x, ry, Face::Regular, SMALL, Shade::Grey, &l);
                ry += line_height(SMALL);
            }
            self.leaf(Kind::TD);
            for l in self.wrap(value, Face::Bold, BODY, right_w) {
                self.text(right_x, ry, Face::Bold, BODY, Shade::Black, &l);
                ry += line_height(BODY);
            }
            self.tags.close();
            ry += 2.0;
        }
        if !doc.letterhead.facts.is_empty() {
            self.tags.close();
        }
        self.y = y.max(ry) + 18.0;
        for line in &doc.letterhead.recipient {
            self.leaf(Kind::P);
            self.flow(MARGIN_X, left_w, Face::Regular, BODY, line);
        }
        self.y += 18.0;
    }

    fn heading(&mut self, level: u8, text: &str) {
        let size = match level {
            1 => 16.0,
            2 => 13.0,
            3 => 11.5,
            _ => BODY,
        };
        let before = if level <= 2 { 12.0 } else { 8.0 };
        let lines = self.wrap(text, Face::Bold, size, CONTENT_W);
        let h = lines.len() as f32 * line_height(size);
        // Keep a heading with what follows it (room for a few lines, or a table's caption,
        // header and first row).
        self.ensure(before + h + 8.0 * line_height(BODY));
        if self.y > TOP {
            self.y += before;
        }
        self.leaf(Kind::H {
            level,
            title: text.to_string(),
        });
        self.headings
            .push((level, text.to_string(), self.pages.len() - 1, self.y));
        for line in lines {
            let y = self.y;
            self.text(MARGIN_X, y, Face::Bold, size, Shade::Black, &line);
            self.y += line_height(size);
        }
        self.y += 3.0;
    }

    fn paragraph(&mut self, text: &str) {
        self.leaf(Kind::P);
        self.flow(MARGIN_X, CONTENT_W, Face::Regular, BODY, text);
        self.y += 6.0;
    }

    fn notice(&mut self, text: &str) {
        let pad = 7.0;
        let lh = line_height(BODY);
        let lines = self.wrap(text, Face::Regular, BODY, CONTENT_W - 2.0 * pad);
        let h = lines.len() as f32 * lh + 2.0 * pad;
        if h > BOTTOM - TOP {
            // Too long for a box: print as an ordinary paragraph.
            self.paragraph(text);
            return;
        }
        self.ensure(h);
        let y = self.y;
        self.artifact(Artifact::Layout);
        self.push(Op::Rect {
            x: MARGIN_X,
            y,
            w: CONTENT_W,
            h,
            rgb: (235, 241, 248),
        });
        self.leaf(Kind::P);
        let mut ty = y + pad;
        for line in lines {
            self.text(MARGIN_X + pad, ty, Face::Regular, BODY, Shade::Black, &line);
            ty += lh;
        }
        self.y = y + h + 8.0;
    }

    /// Small grey text with a grey bar on the left, kept with the block it is about.
    fn language_note(&mut self, text: &str) {
        let lh = line_height(SMALL);
        let lines = self.wrap(text, Face::Regular, SMALL, CONTENT_W - 8.0);
        let h = lines.len() as f32 * lh;
        self.ensure(h + 3.0 * line_height(BODY));
        let y = self.y;
        self.artifact(Artifact::Layout);
        self.push(Op::Rect {
            x: MARGIN_X,
            y,
            w: 2.5,
            h,
            rgb: (138, 143, 150),
        });
        self.leaf(Kind::P);
        let mut ty = y;
        for line in lines {
            self.text(MARGIN_X + 8.0, ty, Face::Regular, SMALL, Shade::Grey, &line);
            ty += lh;
        }
        self.y = y + h + 4.0;
    }

    fn bullets(&mut self, items: &[String]) {
        let indent = 14.0;
        let lh = line_height(BODY);
        self.tags.open(Kind::L);
        for item in items {
            self.tags.open(Kind::LI);
            let label = self.tags.leaf(Kind::Lbl);
            let body = self.tags.leaf(Kind::LBody);
            let lines = self.wrap(item, Face::Regular, BODY, CONTENT_W - indent);
            for (i, line) in lines.iter().enumerate() {
                self.ensure(lh);
                let y = self.y;
                if i == 0 {
                    self.mark = label;
                    self.text(MARGIN_X + 3.0, y, Face::Regular, BODY, Shade::Black, "•");
                }
                self.mark = body;
                self.text(
                    MARGIN_X + indent,
                    y,
                    Face::Regular,
                    BODY,
                    Shade::Black,
                    line,
                );
                self.y += lh;
            }
            self.tags.close();
            self.y += 2.0;
        }
        self.tags.close();
        self.y += 4.0;
    }

    /// Label on its own line(s), the value indented below: reads in order in print and when
    /// the text is extracted (side-by-side columns would interleave).
    fn facts(&mut self, pairs: &[(String, String)]) {
        let indent = 12.0;
        let lh = line_height(BODY);
        self.tags.open(Kind::Table);
        for (label, value) in pairs {
            self.tags.open(Kind::TR);
            let l = self.wrap(label, Face::Bold, BODY, CONTENT_W);
            // Keep the label with the first lines of its value.
            self.ensure(l.len() as f32 * lh + 2.0 * lh);
            self.leaf(Kind::TH { col: false });
            for line in l {
                let y = self.y;
                self.text(MARGIN_X, y, Face::Bold, BODY, Shade::Black, &line);
                self.y += lh;
            }
            self.leaf(Kind::TD);
            self.flow(
                MARGIN_X + indent,
                CONTENT_W - indent,
                Face::Regular,
                BODY,
                value,
            );
            self.tags.close();
            self.y += 5.0;
        }
        self.tags.close();
        self.y += 3.0;
    }

    fn table(&mut self, table: &Table) {
        let lh = line_height(SMALL);
        let total: f32 = table.widths.iter().sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = table.widths.iter().map(|w| w / total * CONTENT_W).collect();
        let xs: Vec<f32> = widths
            .iter()
            .scan(MARGIN_X, |x, w| {
                let here = *x;
                *x += w;
                Some(here)
            })
            .collect();
        let cell_lines = |layout: &Self, cells: &[String], face: Face| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| layout.wrap(c, face, SMALL, w - 2.0 * CELL_PAD))
                .collect()
        };
        let header = cell_lines(self, &table.headers, Face::Bold);
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * CELL_PAD;

        // Keep caption and header with the first row (no orphaned header at a page's foot).
        let first_row_h = table
            .rows
            .first()
            .map(|r| {
                let lines = cell_lines(self, &r.cells, Face::Regular);
                lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * CELL_PAD
            })
            .unwrap_or(0.0)
            .min(BOTTOM - TOP - header_h - 4.0 * line_height(BODY));
        self.tags.open(Kind::Table);
        if let Some(caption) = &table.caption {
            self.leaf(Kind::Caption);
            let caption_lines = self.wrap(caption, Face::Bold, BODY, CONTENT_W);
            self.ensure(caption_lines.len() as f32 * line_height(BODY) + header_h + first_row_h);
            for line in caption_lines {
                let y = self.y;
                self.text(MARGIN_X, y, Face::Bold, BODY, Shade::Black, &line);
                self.y += line_height(BODY);
            }
            self.y += 2.0;
        }
        self.ensure(header_h + first_row_h);
        // The header row once in the structure; where a page breaks it is repeated as an
        // artifact.
        self.tags.open(Kind::THead);
        self.tags.open(Kind::TR);
        let header_marks: Vec<Mark> = header
            .iter()
            .map(|_| self.tags.leaf(Kind::TH { col: true }))
            .collect();
        self.tags.close();
        self.tags.close();
        self.table_header(&header, &xs, &widths, header_h, Some(&header_marks));

        self.tags.open(Kind::TBody);
        for row in &table.rows {
            self.tags.open(Kind::TR);
            let marks: Vec<Mark> = row.cells.iter().map(|_| self.tags.leaf(Kind::TD)).collect();
            self.tags.close();
            let lines = cell_lines(self, &row.cells, Face::Regular);
            let total_lines = lines.iter().map(Vec::len).max().unwrap_or(1);
            let mut start = 0;
            loop {
                let remaining = total_lines - start;
                let need = remaining as f32 * lh + 2.0 * CELL_PAD;
                let fresh = self.y <= TOP + header_h + 0.5;
                let span = Span {
                    xs: &xs,
                    widths: &widths,
                    marks: &marks,
                    marked: row.marked,
                };
                if self.y + need <= BOTTOM {
                    self.table_row(&lines, start, total_lines, span);
                    break;
                }
                let fits_fresh = need <= BOTTOM - TOP - header_h;
                let room = ((BOTTOM - self.y - 2.0 * CELL_PAD) / lh).floor();
                if (fits_fresh && !fresh) || room < 1.0 {
                    self.new_page();
                    self.table_header(&header, &xs, &widths, header_h, None);
                    continue;
                }
                // Taller than a page: print what fits, continue on the next page.
                let end = start + room as usize;
                self.table_row(&lines, start, end, span);
                start = end;
                self.new_page();
                self.table_header(&header, &xs, &widths, header_h, None);
            }
        }
        self.tags.close();
        self.tags.close();
        self.y += 10.0;
    }

    /// The header row; `marks` are its cells in the structure, `None` where it is repeated on a
    /// new page (an artifact).
    fn table_header(
        &mut self,
        header: &[Vec<String>],
        xs: &[f32],
        widths: &[f32],
        h: f32,
        marks: Option<&[Mark]>,
    ) {
        let y = self.y;
        self.artifact(Artifact::Layout);
        self.push(Op::Rect {
            x: MARGIN_X,
            y,
            w: CONTENT_W,
            h,
            rgb: (225, 229, 235),
        });
        for (i, ((lines, x), _)) in header.iter().zip(xs).zip(widths).enumerate() {
            self.mark = match marks.and_then(|m| m.get(i)) {
                Some(mark) => *mark,
                None => Mark::Artifact(Artifact::Pagination),
            };
            let mut ty = y + CELL_PAD;
            for line in lines {
                self.text(x + CELL_PAD, ty, Face::Bold, SMALL, Shade::Black, line);
                ty += line_height(SMALL);
            }
        }
        self.y = y + h;
    }

    /// Lines `from..to` of a row's cells.
    fn table_row(&mut self, lines: &[Vec<String>], from: usize, to: usize, span: Span<'_>) {
        let Span {
            xs,
            widths,
            marks,
            marked,
        } = span;
        let lh = line_height(SMALL);
        let h = (to - from) as f32 * lh + 2.0 * CELL_PAD;
        let y = self.y;
        self.artifact(Artifact::Layout);
        if marked {
            self.push(Op::Rect {
                x: MARGIN_X,
                y,
                w: CONTENT_W,
                h,
                rgb: (253, 243, 214),
            });
        }
        for (i, ((cell, x), _)) in lines.iter().zip(xs).zip(widths).enumerate() {
            if let Some(mark) = marks.get(i) {
                self.mark = *mark;
            }
            let mut ty = y + CELL_PAD;
            for line in cell.iter().take(to).skip(from) {
                self.text(x + CELL_PAD, ty, Face::Regular, SMALL, Shade::Black, line);
                ty += lh;
            }
        }
        self.artifact(Artifact::Layout);
        self.push(Op::Rule {
            x1: MARGIN_X,
            x2: MARGIN_X + CONTENT_W,
            y: y + h,
        });
        self.y = y + h;
    }

    /// A grouped bar chart: caption, value axis with grid lines, one group of bars per label,
    /// labels under the groups (thinned out when they would overlap) and a legend.
    fn chart(&mut self, chart: &Chart) {
        let caption = self.wrap(&chart.caption, Face::Bold, BODY, CONTENT_W);
        let legend_h = line_height(SMALL) + 6.0;
        let height = caption.len() as f32 * line_height(BODY)
            + line_height(SMALL)
            + CHART_PLOT_H
            + line_height(SMALL)
            + 8.0
            + legend_h
            + 10.0;
        self.ensure(height);
        self.leaf(Kind::P);
        for line in caption {
            let y = self.y;
            self.text(MARGIN_X, y, Face::Bold, BODY, Shade::Black, &line);
            self.y += line_height(BODY);
        }
        // Everything drawn from here is the figure; its alternate text gives every number.
        self.leaf(Kind::Figure {
            alt: chart_alt(chart),
        });
        // What the axis counts, above it.
        let y = self.y;
        self.text(
            MARGIN_X,
            y,
            Face::Regular,
            SMALL,
            Shade::Grey,
            &chart.y_label,
        );
        self.y += line_height(SMALL) + 8.0;

        let max = chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0);
        let (step, top) = axis_scale(max, 5);
        let plot_x = MARGIN_X + CHART_AXIS_W;
        let plot_w = CONTENT_W - CHART_AXIS_W;
        let plot_top = self.y;
        let base = plot_top + CHART_PLOT_H;
        let scale = CHART_PLOT_H / top as f32;
        // Grid lines and their values.
        let mut tick = 0;
        while tick <= top {
            let gy = base - tick as f32 * scale;
            let label = tick.to_string();
            let w = self.regular.width(&label, SMALL);
            self.push(Op::Line {
                x1: plot_x,
                y1: gy,
                x2: plot_x + plot_w,
                y2: gy,
                width: if tick == 0 { 0.9 } else { 0.4 },
                rgb: if tick == 0 {
                    (60, 60, 60)
                } else {
                    (215, 219, 225)
                },
            });
            self.push(Op::Text {
                x: plot_x - 5.0 - w,
                baseline: gy + SMALL * 0.35,
                face: Face::Regular,
                size: SMALL,
                shade: Shade::Grey,
                text: label,
            });
            tick += step;
        }
        self.push(Op::Line {
            x1: plot_x,
            y1: plot_top,
            x2: plot_x,
            y2: base,
            width: 0.9,
            rgb: (60, 60, 60),
        });
        // The bars.
        let groups = chart.labels.len().max(1);
        let group_w = plot_w / groups as f32;
        let series = chart.series.len().max(1);
        let bar_w = group_w * 0.76 / series as f32;
        for (i, _) in chart.labels.iter().enumerate() {
            let gx = plot_x + i as f32 * group_w + group_w * 0.12;
            for (k, s) in chart.series.iter().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0).max(0);
                let h = v as f32 * scale;
                if h > 0.0 {
                    self.push(Op::Rect {
                        x: gx + k as f32 * bar_w,
                        y: base - h,
                        w: bar_w,
                        h,
                        rgb: CHART_COLOURS[k % CHART_COLOURS.len()],
                    });
                }
            }
        }
        // Labels under the groups; every n-th when they would collide.
        let widest = chart
            .labels
            .iter()
            .map(|l| self.regular.width(l, SMALL))
            .fold(0.0f32, f32::max);
        let every = ((widest + 4.0) / group_w).ceil().max(1.0) as usize;
        let label_y = base + 3.0;
        for (i, label) in chart.labels.iter().enumerate() {
            if i % every != 0 {
                continue;
            }
            let w = self.regular.width(label, SMALL);
            let x = plot_x + i as f32 * group_w + (group_w - w) / 2.0;
            self.text(x, label_y, Face::Regular, SMALL, Shade::Black, label);
        }
        // Legend: a swatch and the series name.
        let mut lx = plot_x;
        let ly = label_y + line_height(SMALL) + 8.0;
        for (k, s) in chart.series.iter().enumerate() {
            self.push(Op::Rect {
                x: lx,
                y: ly + 2.0,
                w: 9.0,
                h: 9.0,
                rgb: CHART_COLOURS[k % CHART_COLOURS.len()],
            });
            self.text(lx + 13.0, ly, Face::Regular, SMALL, Shade::Black, &s.name);
            lx += 13.0 + self.regular.width(&s.name, SMALL) + 18.0;
        }
        self.y = ly + legend_h + 10.0;
    }

    fn footers(&mut self, doc: &LetterDocument) {
        let pages = self.pages.len();
        let y = BOTTOM + 22.0;
        for i in 0..pages {
            let label = doc.page_label(i + 1, pages);
            let label_w = self.bold.width(&label, SMALL);
            let left: Vec<String> = self.wrap(&doc.footer, Face::Regular, SMALL, CONTENT_W * 0.7);
            let ops = &mut self.pages[i];
            let rule = Op::Rule {
                x1: MARGIN_X,
                x2: MARGIN_X + CONTENT_W,
                y: y - 6.0,
            };
            ops.push((Mark::Artifact(Artifact::Layout), rule));
            let baseline = y + SMALL;
            if let Some(first) = left.first() {
                let text = Op::Text {
                    x: MARGIN_X,
                    baseline,
                    face: Face::Regular,
                    size: SMALL,
                    shade: Shade::Grey,
                    text: first.clone(),
                };
                ops.push((Mark::Artifact(Artifact::Footer), text));
            }
            let number = Op::Text {
                x: MARGIN_X + CONTENT_W - label_w,
                baseline,
                face: Face::Regular,
                size: SMALL,
                shade: Shade::Grey,
                text: label,
            };
            ops.push((Mark::Artifact(Artifact::PageNumber), number));
        }
    }
}

/// One laid-out letter: its pages, the structure (with the elements of the letters before it)
/// and its headings.
struct Laid {
    pages: Vec<PageOps>,
    tags: Structure,
    headings: Vec<(u8, String, usize, f32)>,
}

/// Lays out one letter as a `Part` of `tags`, in the letter's language.
fn lay_out(doc: &LetterDocument, mut tags: Structure) -> Result<Laid, PdfError> {
    tags.open(Kind::Part);
    tags.set_open_lang(doc.lang.as_str());
    let mut layout = Layout {
        regular: Metrics::new(&REGULAR_FONTS)?,
        bold: Metrics::new(&BOLD_FONTS)?,
        pages: vec![Vec::new()],
        y: TOP,
        tags,
        mark: Mark::Artifact(Artifact::Layout),
        headings: Vec::new(),
    };
    layout.letterhead(doc);
    layout.heading(1, &doc.title);
    // The caseworker's words after a language note are in Norwegian.
    let mut norwegian_next = false;
    for block in &doc.blocks {
        let first = layout.tags.len();
        let norwegian = std::mem::take(&mut norwegian_next)
            && doc.lang != crate::i18n::Language::Nb
            && matches!(
                block,
                Block::Paragraph(_) | Block::Notice(_) | Block::Bullets(_)
            );
        match block {
            Block::Heading { level, text } => layout.heading((*level).max(2), text),
            Block::Paragraph(text) => layout.paragraph(text),
            Block::Notice(text) => layout.notice(text),
            Block::LanguageNote(text) => layout.language_note(text),
            Block::Bullets(items) => layout.bullets(items),
            Block::Facts(pairs) => layout.facts(pairs),
            Block::Table(table) => layout.table(table),
            Block::Chart(chart) => layout.chart(chart),
        }
        if norwegian {
            // The block's first element is the one that holds it (a `P` or an `L`).
            let nb = crate::i18n::Language::Nb.as_str();
            layout.tags.set_lang(Mark::Content(first), nb);
        }
        norwegian_next = matches!(block, Block::LanguageNote(_));
    }
    layout.footers(doc);
    layout.tags.close();
    Ok(Laid {
        pages: layout.pages,
        tags: layout.tags,
        headings: layout.headings,
    })
}

/// A letter and, after it, its binding Norwegian version if it has one.
fn documents(doc: &LetterDocument) -> Vec<&LetterDocument> {
    let mut out = vec![doc];
    if let Some(binding) = &doc.binding {
        out.push(binding);
    }
    out
}

/// The x of something `w` wide at `x` in a page mirrored for a right-to-left letter.
fn mirror(rtl: bool, x: f32, w: f32) -> f32 {
    if rtl { PAGE_W - x - w } else { x }
}

/// Renders the letter as a PDF.
pub fn render_pdf(doc: &LetterDocument) -> Result<Vec<u8>, PdfError> {
    let load = |data: &[&'static [u8]; 3]| -> Result<Vec<Font>, PdfError> {
        data.iter()
            .map(|d| Font::new(d.to_vec().into(), 0).ok_or(PdfError::Font))
            .collect()
    };
    let regular = load(&REGULAR_FONTS)?;
    let bold = load(&BOLD_FONTS)?;
    let regular_metrics = Metrics::new(&REGULAR_FONTS)?;
    let bold_metrics = Metrics::new(&BOLD_FONTS)?;
    let mut pdf = Document::new_with(serialize_settings()?);
    let mut tags = Structure::default();
    let mut content: Vec<Vec<Identifier>> = Vec::new();
    let mut outline = Outline::new();
    let mut first_page = 0;
    for part in documents(doc) {
        let rtl = part.lang.is_rtl();
        let laid = lay_out(part, tags)?;
        tags = laid.tags;
        content.resize(tags.len(), Vec::new());
        let pages = laid.pages.len();
        for ops in laid.pages {
            let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Geometry)?;
            let mut page = pdf.start_page_with(settings);
            let mut surface = page.surface();
            let drawn = draw_page(
                &mut surface,
                ops,
                rtl,
                [&regular, &bold],
                [&regular_metrics, &bold_metrics],
                &mut content,
            );
            surface.finish();
            page.finish();
            drawn?;
        }
        outline_part(&mut outline, &laid.headings, first_page, rtl);
        first_page += pages;
    }
    pdf.set_tag_tree(tags.tree(doc.lang.as_str(), &mut content));
    pdf.set_outline(outline);
    let direction = if doc.lang.is_rtl() {
        TextDirection::RightToLeft
    } else {
        TextDirection::LeftToRight
    };
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language(doc.lang.as_str().to_string())
            .creator("dsar".to_string())
            .text_direction(direction),
    );
    pdf.finish().map_err(|e| PdfError::Krilla(format!("{e:?}")))
}

/// Tagged, and checked by krilla's PDF/UA-1 validator: a document that does not conform is not
/// written (the error names what is wrong).
fn serialize_settings() -> Result<SerializeSettings, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Krilla(format!("{e:?}")))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    })
}

/// The outline (bookmarks) of one letter: its title, with its section headings under it.
fn outline_part(
    outline: &mut Outline,
    headings: &[(u8, String, usize, f32)],
    first_page: usize,
    rtl: bool,
) {
    let dest = |page: usize, y: f32| {
        XyzDestination::new(
            first_page + page,
            Point::from_xy(mirror(rtl, MARGIN_X, 0.0), y),
        )
    };
    let mut top: Option<OutlineNode> = None;
    for (level, text, page, y) in headings {
        let node = OutlineNode::new(text.clone(), dest(*page, *y));
        match (&mut top, level) {
            (Some(parent), 2..) => parent.push_child(node),
            _ => {
                if let Some(done) = top.take() {
                    outline.push_child(done);
                }
                top = Some(node.with_open(true));
            }
        }
    }
    if let Some(done) = top {
        outline.push_child(done);
    }
}

/// Draws a page's operations as marked-content sequences, one for each run of operations with the
/// same mark and kind (text or graphics): an artifact, or content whose identifier is added to
/// its element's list in `content`. A paragraph's lines on one page are one sequence, which keeps
/// the structure (and the file) small.
fn draw_page(
    surface: &mut krilla::surface::Surface<'_>,
    ops: PageOps,
    rtl: bool,
    fonts: [&Vec<Font>; 2],
    metrics: [&Metrics<'_>; 2],
    content: &mut [Vec<Identifier>],
) -> Result<(), PdfError> {
    let mut open: Option<(Mark, bool, Identifier)> = None;
    let mut close = |surface: &mut krilla::surface::Surface<'_>,
                     open: &mut Option<(Mark, bool, Identifier)>| {
        if let Some((mark, _, id)) = open.take() {
            surface.end_tagged();
            if let Mark::Content(i) = mark
                && let Some(ids) = content.get_mut(i)
            {
                ids.push(id);
            }
        }
    };
    for (mark, op) in ops {
        let text = matches!(op, Op::Text { .. });
        if open.is_some_and(|(m, t, _)| m != mark || t != text) {
            close(surface, &mut open);
        }
        if open.is_none() {
            let tag = match mark {
                Mark::Artifact(a) => ContentTag::Artifact(a.krilla()),
                Mark::Content(_) if text => ContentTag::Span(SpanTag::empty()),
                Mark::Content(_) => ContentTag::Other,
            };
            open = Some((mark, text, surface.start_tagged(tag)));
        }
        if let Err(e) = draw_op(surface, op, rtl, fonts, metrics) {
            // Always closed, also when drawing fails.
            close(surface, &mut open);
            return Err(e);
        }
    }
    close(surface, &mut open);
    Ok(())
}

fn draw_op(
    surface: &mut krilla::surface::Surface<'_>,
    op: Op,
    rtl: bool,
    fonts: [&Vec<Font>; 2],
    metrics: [&Metrics<'_>; 2],
) -> Result<(), PdfError> {
    match op {
        Op::Text {
            x,
            baseline,
            face,
            size,
            shade,
            text,
        } => {
            let grey = match shade {
                Shade::Black => (20, 20, 20),
                Shade::Grey => (90, 90, 90),
            };
            surface.set_fill(Some(fill(grey)));
            let weight = match face {
                Face::Regular => 0,
                Face::Bold => 1,
            };
            let text = metrics[weight].fonts.printable(&text);
            let line = metrics[weight].shape(&text, rtl);
            let start = mirror(rtl, x, line.width * size);
            // Runs in logical order, each at its visual place.
            for run in &line.runs {
                let glyphs: Vec<KrillaGlyph> = run
                    .glyphs
                    .iter()
                    .map(|g| {
                        KrillaGlyph::new(
                            GlyphId::new(u32::from(g.id)),
                            g.advance,
                            g.x_offset,
                            g.y_offset,
                            0.0,
                            g.range.clone(),
                            None,
                        )
                    })
                    .collect();
                let Some(font) = fonts[weight].get(run.font) else {
                    return Err(PdfError::Font);
                };
                surface.draw_glyphs(
                    Point::from_xy(start + run.x * size, baseline),
                    &glyphs,
                    font.clone(),
                    &text,
                    size,
                    false,
                );
            }
        }
        Op::Rect { x, y, w, h, rgb } => {
            let x = mirror(rtl, x, w);
            let rect = Rect::from_xywh(x, y, w, h).ok_or(PdfError::Geometry)?;
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            let path = pb.finish().ok_or(PdfError::Geometry)?;
            surface.set_fill(Some(fill(rgb)));
            surface.set_stroke(None);
            surface.draw_path(&path);
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            rgb: (r, g, b),
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(mirror(rtl, x1, 0.0), y1);
            pb.line_to(mirror(rtl, x2, 0.0), y2);
            let path = pb.finish().ok_or(PdfError::Geometry)?;
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(r, g, b).into(),
                width,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
        Op::Rule { x1, x2, y } => {
            let mut pb = PathBuilder::new();
            pb.move_to(mirror(rtl, x1, 0.0), y);
            pb.line_to(mirror(rtl, x2, 0.0), y);
            let path = pb.finish().ok_or(PdfError::Geometry)?;
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(190, 195, 202).into(),
                width: 0.5,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
    Ok(())
}

fn fill((r, g, b): (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        ..Fill::default()
    }
}

/// The number of pages the document will have (layout only, no PDF written), with its binding
/// Norwegian version.
pub fn page_count(doc: &LetterDocument) -> Result<usize, PdfError> {
    documents(doc)
        .into_iter()
        .map(|d| lay_out(d, Structure::default()).map(|l| l.pages.len()))
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn metrics() -> (Metrics<'static>, Metrics<'static>) {
        (
            Metrics::new(&REGULAR_FONTS).unwrap(),
            Metrics::new(&BOLD_FONTS).unwrap(),
        )
    }

    fn layout() -> Layout<'static> {
        let (regular, bold) = metrics();
        Layout {
            regular,
            bold,
            pages: vec![Vec::new()],
            y: TOP,
            tags: Structure::default(),
            mark: Mark::Artifact(Artifact::Layout),
            headings: Vec::new(),
        }
    }

    #[test]
    fn measuring_is_proportional_and_covers_our_scripts() {
        let (m, _) = metrics();
        let a = m.width("aaaa", 10.0);
        assert!(a > 0.0);
        assert!((m.width("aaaa", 20.0) - 2.0 * a).abs() < 0.01);
        assert!(m.width("iiii", 10.0) < m.width("MMMM", 10.0));
        for text in ["æøåÆØÅґєіїщЖ", "العربية دری", "ትግርኛ"] {
            let line = m.shape(text, false);
            for run in &line.runs {
                for g in &run.glyphs {
                    assert_ne!(g.id, 0, "no glyph for {:?}", &text[g.range.clone()]);
                }
            }
        }
    }

    #[test]
    fn axis_scale_is_round_and_covers_the_maximum() {
        for (max, step, top) in [
            (0, 1, 1),
            (1, 1, 1),
            (4, 1, 4),
            (7, 2, 8),
            (23, 5, 25),
            (100, 20, 100),
            (101, 50, 150),
            (83_412, 20_000, 100_000),
        ] {
            assert_eq!(axis_scale(max, 5), (step, top), "max {max}");
        }
    }

    #[test]
    fn a_chart_draws_a_bar_per_value_and_its_labels() {
        let mut l = layout();
        let chart = Chart {
            caption: "Mottatt og besvart".into(),
            y_label: "Antall".into(),
            labels: vec!["2026-01".into(), "2026-02".into(), "2026-03".into()],
            series: vec![
                super::super::model::ChartSeries {
                    name: "Mottatt".into(),
                    values: vec![4, 0, 10],
                },
                super::super::model::ChartSeries {
                    name: "Besvart".into(),
                    values: vec![2, 3, 10],
                },
            ],
        };
        l.chart(&chart);
        let ops: Vec<&Op> = l.pages[0].iter().map(|(_, op)| op).collect();
        let bars: Vec<(f32, f32)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Rect { h, rgb, .. } if *h != 9.0 => Some((*h, f32::from(rgb.0))),
                _ => None,
            })
            .collect();
        // Five non-zero values; the axis tops at 10, so the tallest bars fill the plot.
        assert_eq!(bars.len(), 5, "{bars:?}");
        let tallest = bars.iter().map(|b| b.0).fold(0.0, f32::max);
        assert!((tallest - CHART_PLOT_H).abs() < 0.01);
        let half = bars
            .iter()
            .filter(|b| (b.0 - CHART_PLOT_H * 0.2).abs() < 0.01);
        assert_eq!(half.count(), 1, "2 of 10 is a fifth of the plot");
        let texts: Vec<&str> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        for want in [
            "Mottatt og besvart",
            "Antall",
            "2026-02",
            "Mottatt",
            "Besvart",
            "0",
            "10",
        ] {
            assert!(texts.contains(&want), "{want} missing in {texts:?}");
        }
        assert!(l.y > TOP + CHART_PLOT_H);
    }

    #[test]
    fn wrapping_respects_width_newlines_and_long_words() {
        let l = layout();
        let text =
            "Dette er en ganske lang setning som må brytes over flere linjer i brevet.\nNy linje.";
        let lines = l.wrap(text, Face::Regular, 10.0, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("Ny linje."));
        for line in &lines {
            assert!(l.regular.width(line, 10.0) <= 120.0 + 0.01, "{line}");
        }
        let joined = lines.join(" ");
        assert_eq!(
            joined.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        let long = "x".repeat(500);
        let pieces = l.wrap(&long, Face::Regular, 10.0, 100.0);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), long);
        assert_eq!(l.wrap("", Face::Regular, 10.0, 100.0), vec![String::new()]);
    }
}
