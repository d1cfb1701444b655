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
//!
//! Here the page, the line layout and the whole document; the blocks in `blocks.rs`, tables in
//! `table.rs`, charts in `chart.rs`, and the drawing of laid-out pages with krilla in `draw.rs`.
use krilla::{
    Document,
    metadata::{Metadata, TextDirection},
    outline::Outline,
    page::PageSettings,
    tagging::Identifier,
    text::Font,
};

use super::{
    model::{Block, LetterDocument},
    shaping::{FontSet, ShapedLine},
    tagging::{Artifact, Kind, Mark, Structure},
};

mod blocks;
mod chart;
mod draw;
mod table;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use draw::{draw_page, outline_part, serialize_settings};

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

/// The number of pages the document will have (layout only, no PDF written), with its binding
/// Norwegian version.
pub fn page_count(doc: &LetterDocument) -> Result<usize, PdfError> {
    documents(doc)
        .into_iter()
        .map(|d| lay_out(d, Structure::default()).map(|l| l.pages.len()))
        .sum()
}
