//! The letter's blocks on the page: letterhead, headings, paragraphs, notices, language notes,
//! bullets, facts and the footers with "page X of Y".
use crate::letters::model::LetterDocument;
use crate::letters::tagging::{Artifact, Kind, Mark};

use super::{BODY, BOTTOM, CONTENT_W, Face, Layout, MARGIN_X, Op, SMALL, Shade, TOP, line_height};

impl<'a> Layout<'a> {
    pub(super) fn letterhead(&mut self, doc: &LetterDocument) {
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

    pub(super) fn heading(&mut self, level: u8, text: &str) {
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

    pub(super) fn paragraph(&mut self, text: &str) {
        self.leaf(Kind::P);
        self.flow(MARGIN_X, CONTENT_W, Face::Regular, BODY, text);
        self.y += 6.0;
    }

    pub(super) fn notice(&mut self, text: &str) {
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
    pub(super) fn language_note(&mut self, text: &str) {
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

    pub(super) fn bullets(&mut self, items: &[String]) {
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
    pub(super) fn facts(&mut self, pairs: &[(String, String)]) {
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

    pub(super) fn footers(&mut self, doc: &LetterDocument) {
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
