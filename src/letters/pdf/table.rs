//! Tables: columns sized to their content, rows that break across pages with the header
//! repeated (as an artifact) on each new page, and highlighted rows.
use crate::letters::model::Table;
use crate::letters::tagging::{Artifact, Kind, Mark};

use super::{
    BODY, BOTTOM, CELL_PAD, CONTENT_W, Face, Layout, MARGIN_X, Op, SMALL, Shade, Span, TOP,
    line_height,
};

impl<'a> Layout<'a> {
    pub(super) fn table(&mut self, table: &Table) {
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
}
