//! Drawing the laid-out pages with krilla: the serialisation settings (PDF/UA-1), the outline
//! from the headings, and each page's operations as tagged content or artifacts.
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::paint::{Fill, Stroke};
use krilla::tagging::{ContentTag, Identifier, SpanTag};
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::letters::tagging::Mark;

use super::{Face, MARGIN_X, Metrics, Op, PageOps, PdfError, Shade, mirror};

/// Tagged, and checked by krilla's PDF/UA-1 validator: a document that does not conform is not
/// written (the error names what is wrong).
pub(super) fn serialize_settings() -> Result<SerializeSettings, PdfError> {
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
pub(super) fn outline_part(
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
pub(super) fn draw_page(
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
