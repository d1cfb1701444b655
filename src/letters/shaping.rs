//! Text shaping for the PDF: one line of text becomes positioned glyphs from the fonts that
//! cover its scripts (Noto Sans for Latin and Cyrillic, Noto Sans Arabic, Noto Sans Ethiopic),
//! shaped with rustybuzz (Arabic joining forms and ligatures) and ordered by the Unicode bidi
//! algorithm (right-to-left runs, numbers and Latin inside Arabic text).
//!
//! The glyphs are drawn in visual order on the page but emitted in logical order: each
//! right-to-left glyph is its own run, so text extracted from the PDF (copy, search, screen
//! readers) reads in the order it was written.
use std::ops::Range;

use rustybuzz::{Direction, Face, UnicodeBuffer};
use unicode_bidi::{BidiInfo, Level};

/// The index of each script's font in a [`FontSet`].
pub(crate) const LATIN: usize = 0;

/// The fonts of one weight, in the order Latin, Arabic, Ethiopic.
pub(crate) struct FontSet<'a> {
    faces: Vec<Face<'a>>,
}

/// One glyph, with advance and offsets in em (divided by units per em), and the bytes of the
/// line it stands for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShapedGlyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    pub range: Range<usize>,
}

/// Glyphs of one font drawn together, starting at `x` em from the line's visual start.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GlyphRun {
    pub font: usize,
    pub x: f32,
    pub glyphs: Vec<ShapedGlyph>,
}

/// A shaped line: its runs in logical order and its width in em.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ShapedLine {
    pub runs: Vec<GlyphRun>,
    pub width: f32,
}

impl<'a> FontSet<'a> {
    /// `None` when a font cannot be read.
    pub fn new(fonts: &[&'a [u8]]) -> Option<Self> {
        let faces = fonts
            .iter()
            .map(|data| Face::from_slice(data, 0))
            .collect::<Option<Vec<_>>>()?;
        Some(FontSet { faces })
    }

    fn has(&self, font: usize, c: char) -> bool {
        self.faces[font].glyph_index(c).is_some()
    }

    /// `text` with every character no font has replaced by U+FFFD (or `?` where the fonts lack
    /// that too), and U+FEFF and U+0000 left out: a glyph for nothing (.notdef) or a mapping to
    /// those characters is not allowed in PDF/UA, and an unusual character in a name or in the
    /// caseworker's text must not stop a letter. Whitespace and invisible format characters
    /// (joiners, direction marks) are kept; shaping handles them.
    pub fn printable<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let covered = |c: char| {
            c.is_whitespace()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{ad}')
                || (0..self.faces.len()).any(|f| self.has(f, c))
        };
        let bad = |c: char| matches!(c, '\u{feff}' | '\u{0}') || !covered(c);
        if !text.chars().any(bad) {
            return std::borrow::Cow::Borrowed(text);
        }
        let replacement = if covered('\u{fffd}') { '\u{fffd}' } else { '?' };
        text.chars()
            .filter(|c| !matches!(c, '\u{feff}' | '\u{0}'))
            .map(|c| if covered(c) { c } else { replacement })
            .collect()
    }

    /// The font for `c`: a character that is not a letter (space, digit, punctuation, mark)
    /// stays in the current font when it has it, so a run is shaped as one; otherwise the first
    /// font that has it.
    fn font_for(&self, c: char, current: Option<usize>) -> usize {
        if let Some(cur) = current
            && !c.is_alphabetic()
            && self.has(cur, c)
        {
            return cur;
        }
        (0..self.faces.len())
            .find(|&f| self.has(f, c))
            .unwrap_or(LATIN)
    }

    /// `range` of `text` cut where the font changes, in logical order.
    fn segments(&self, text: &str, range: Range<usize>) -> Vec<(Range<usize>, usize)> {
        let mut out: Vec<(Range<usize>, usize)> = Vec::new();
        for (i, c) in text[range.clone()].char_indices() {
            let at = range.start + i;
            let current = out.last().map(|(_, f)| *f);
            let font = self.font_for(c, current);
            match out.last_mut() {
                Some((r, f)) if *f == font => r.end = at + c.len_utf8(),
                _ => out.push((at..at + c.len_utf8(), font)),
            }
        }
        out
    }

    /// The width of `text` in em.
    pub fn width(&self, text: &str) -> f32 {
        self.shape(text, false).width
    }

    /// Shapes one line (no line breaks) in a paragraph of the given base direction.
    pub fn shape(&self, text: &str, rtl: bool) -> ShapedLine {
        let base = if rtl { Level::rtl() } else { Level::ltr() };
        let info = BidiInfo::new(text, Some(base));
        let mut runs: Vec<GlyphRun> = Vec::new();
        let mut pen = 0.0_f32;
        for para in &info.paragraphs {
            let (levels, visual) = info.visual_runs(para, para.range.clone());
            for run in visual {
                let run_rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
                let mut segments = self.segments(text, run);
                if run_rtl {
                    segments.reverse();
                }
                for (segment, font) in segments {
                    pen = self.shape_segment(text, segment, font, run_rtl, pen, &mut runs);
                }
            }
        }
        runs.sort_by_key(|r| r.glyphs.first().map_or(0, |g| g.range.start));
        ShapedLine { runs, width: pen }
    }

    /// Shapes `segment` with one font and direction at `pen`; returns the pen after it.
    fn shape_segment(
        &self,
        text: &str,
        segment: Range<usize>,
        font: usize,
        rtl: bool,
        mut pen: f32,
        runs: &mut Vec<GlyphRun>,
    ) -> f32 {
        let face = &self.faces[font];
        let upem = f32::from(face.units_per_em().max(1) as u16);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(&text[segment.clone()]);
        buffer.guess_segment_properties();
        buffer.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        let output = rustybuzz::shape(face, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let len = segment.end - segment.start;
        let end_of = |cluster: usize| starts.iter().copied().find(|s| *s > cluster).unwrap_or(len);
        let mut placed: Vec<(f32, ShapedGlyph)> = Vec::with_capacity(infos.len());
        for (info, pos) in infos.iter().zip(positions) {
            let cluster = info.cluster as usize;
            let glyph = ShapedGlyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: pos.x_advance as f32 / upem,
                x_offset: pos.x_offset as f32 / upem,
                y_offset: pos.y_offset as f32 / upem,
                range: segment.start + cluster..segment.start + end_of(cluster),
            };
            let advance = glyph.advance;
            placed.push((pen, glyph));
            pen += advance;
        }
        let mut glyphs: Vec<ShapedGlyph> = placed.iter().map(|(_, g)| g.clone()).collect();
        split_clusters(text, &mut glyphs, rtl);
        if rtl {
            // Right to left: one run per glyph, so the runs can be emitted in logical order.
            for ((x, _), glyph) in placed.into_iter().zip(glyphs) {
                runs.push(GlyphRun {
                    font,
                    x,
                    glyphs: vec![glyph],
                });
            }
        } else if let Some((x, _)) = placed.first() {
            // Left to right: the whole segment is one run.
            runs.push(GlyphRun {
                font,
                x: *x,
                glyphs,
            });
        }
        pen
    }
}

/// A cluster of several glyphs for as many characters (a letter and its marks, e.g. Arabic
/// vowel signs) gets one character per glyph, in order, so each glyph maps to its own text and
/// the PDF text reads each character once. Ligatures (fewer glyphs than characters) keep the
/// whole cluster on their glyph. Right to left, the glyphs of a cluster come in visual order,
/// the reverse of the characters.
fn split_clusters(text: &str, glyphs: &mut [ShapedGlyph], rtl: bool) {
    let mut i = 0;
    while i < glyphs.len() {
        let range = glyphs[i].range.clone();
        let n = glyphs[i..].iter().take_while(|g| g.range == range).count();
        if n > 1 {
            let mut chars: Vec<(usize, char)> = text[range.clone()].char_indices().collect();
            if rtl {
                chars.reverse();
            }
            if chars.len() == n {
                for (g, (at, c)) in glyphs[i..i + n].iter_mut().zip(chars) {
                    let start = range.start + at;
                    g.range = start..start + c.len_utf8();
                }
            }
        }
        i += n;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fonts() -> FontSet<'static> {
        FontSet::new(&super::super::pdf::REGULAR_FONTS).unwrap()
    }

    #[test]
    fn each_script_gets_its_font_and_neutrals_stay_in_the_run() {
        let f = fonts();
        let table: [(&str, Vec<usize>); 5] = [
            ("Hei på deg", vec![0]),
            ("مرحبا بك", vec![1]),
            ("ሰላም ኣሎኹም።", vec![2]),
            ("PV-2026 مرحبا", vec![0, 1]),
            ("ሰላም Oslo", vec![2, 0]),
        ];
        for (text, expected) in table {
            let fonts: Vec<usize> = f
                .segments(text, 0..text.len())
                .into_iter()
                .map(|(_, font)| font)
                .collect();
            assert_eq!(fonts, expected, "{text}");
        }
    }

    #[test]
    fn arabic_is_joined_and_laid_out_right_to_left() {
        let f = fonts();
        let text = "سلام";
        let line = f.shape(text, true);
        // One run per glyph, in logical order: the first letter is drawn rightmost. Lam and
        // alef join into one ligature glyph standing for both letters.
        assert_eq!(line.runs.len(), 3, "{line:?}");
        assert_eq!(&text[line.runs[1].glyphs[0].range.clone()], "لا");
        let xs: Vec<f32> = line.runs.iter().map(|r| r.x).collect();
        assert!(xs.windows(2).all(|w| w[0] > w[1]), "{xs:?}");
        // Joined forms differ from the isolated ones: the initial seen differs from the final.
        let isolated = f.shape("س", true).runs[0].glyphs[0].id;
        assert_ne!(line.runs[0].glyphs[0].id, isolated);
        assert!(line.width > 0.0);
    }

    #[test]
    fn a_letter_and_its_vowel_sign_map_to_one_character_each() {
        let f = fonts();
        let text = "ترجمةً";
        let line = f.shape(text, true);
        let mut ranges: Vec<std::ops::Range<usize>> = line
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter().map(|g| g.range.clone()))
            .collect();
        ranges.sort_by_key(|r| r.start);
        ranges.dedup();
        let covered: String = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(covered, text);
    }

    #[test]
    fn numbers_inside_arabic_keep_their_order() {
        let f = fonts();
        let text = "رقم 2026 هنا";
        let line = f.shape(text, true);
        let digits: Vec<&GlyphRun> = line
            .runs
            .iter()
            .filter(|r| text[r.glyphs[0].range.clone()].starts_with('2'))
            .collect();
        // The number is one left-to-right run, placed left of the word before it.
        assert_eq!(digits.len(), 1, "{line:?}");
        let first_word = &line.runs[0];
        assert!(digits[0].x < first_word.x);
    }

    #[test]
    fn left_to_right_text_is_one_run_per_font() {
        let f = fonts();
        let line = f.shape("Hei Amina", false);
        assert_eq!(line.runs.len(), 1);
        assert_eq!(line.runs[0].x, 0.0);
        assert!((f.width("Hei Amina") - line.width).abs() < 1e-6);
        assert_eq!(f.shape("", true), ShapedLine::default());
    }
}
