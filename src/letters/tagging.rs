//! The logical structure of a letter's PDF (tagged PDF, PDF/UA-1): the layout in
//! [`super::pdf`] opens structure elements (parts, headings, paragraphs, lists, tables, figures)
//! in reading order and marks every drawing operation with the element its content belongs to,
//! or as an artifact (page footers, page numbers, backgrounds, rules, a table header repeated on
//! a later page). When the page is drawn each marked operation becomes a marked-content
//! sequence, and [`Structure::tree`] turns the elements and those sequences into krilla's tag
//! tree.
use std::num::NonZeroU16;

use krilla::tagging::{
    ArtifactType, Identifier, ListNumbering, Node, TableHeaderScope, Tag, TagGroup, TagKind,
    TagTree,
};

/// A structure element's type (the standard structure types of PDF 1.7 we use).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// One letter: the letter itself, or its binding Norwegian version after it.
    Part,
    /// A heading, level 1 (the title) to 6, with its text as the element's title.
    H {
        level: u8,
        title: String,
    },
    P,
    /// A bulleted list of `LI`, each a `Lbl` (the bullet) and an `LBody`.
    L,
    LI,
    Lbl,
    LBody,
    Table,
    Caption,
    THead,
    TBody,
    TR,
    /// A header cell of a column (`col`) or of a row.
    TH {
        col: bool,
    },
    TD,
    /// A chart; the alternate text says what it shows, with every number.
    Figure {
        alt: String,
    },
}

/// What a drawing operation is: content of a structure element, or an artifact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    Content(usize),
    Artifact(Artifact),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Artifact {
    /// Boxes, bars and rules that only decorate.
    Layout,
    /// The text of a page's footer.
    Footer,
    PageNumber,
    /// Repeated on a page because the page broke (a table's header row on the next page).
    Pagination,
}

impl Artifact {
    pub(crate) fn krilla(self) -> krilla::tagging::Artifact {
        krilla::tagging::Artifact::with_kind(match self {
            Artifact::Layout => ArtifactType::Layout,
            Artifact::Footer => ArtifactType::Footer,
            Artifact::PageNumber => ArtifactType::PageNumber,
            Artifact::Pagination => ArtifactType::PaginationOther,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Elem {
    kind: Kind,
    lang: Option<String>,
    children: Vec<usize>,
}

/// The structure elements of a document in reading order: groups nest other elements, leaves
/// hold the content marked with them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Structure {
    elems: Vec<Elem>,
    roots: Vec<usize>,
    open: Vec<usize>,
}

impl Structure {
    fn add(&mut self, kind: Kind) -> usize {
        let i = self.elems.len();
        self.elems.push(Elem {
            kind,
            lang: None,
            children: Vec::new(),
        });
        match self.open.last() {
            Some(&parent) => self.elems[parent].children.push(i),
            None => self.roots.push(i),
        }
        i
    }

    /// Opens a group inside the innermost open one; elements added until [`Self::close`] go
    /// into it.
    pub(crate) fn open(&mut self, kind: Kind) -> usize {
        let i = self.add(kind);
        self.open.push(i);
        i
    }

    pub(crate) fn close(&mut self) {
        self.open.pop();
    }

    /// A leaf inside the innermost open group: mark the content that belongs to it with the
    /// returned mark.
    pub(crate) fn leaf(&mut self, kind: Kind) -> Mark {
        Mark::Content(self.add(kind))
    }

    /// The language of an element and what it holds, where it differs from the document's.
    pub(crate) fn set_lang(&mut self, mark: Mark, lang: &str) {
        let i = match mark {
            Mark::Content(i) => i,
            Mark::Artifact(_) => return,
        };
        if let Some(e) = self.elems.get_mut(i) {
            e.lang = Some(lang.to_string());
        }
    }

    /// The language of the innermost open group.
    pub(crate) fn set_open_lang(&mut self, lang: &str) {
        if let Some(&i) = self.open.last() {
            self.elems[i].lang = Some(lang.to_string());
        }
    }

    /// The number of elements, for sizing the per-element content lists.
    pub(crate) fn len(&self) -> usize {
        self.elems.len()
    }

    /// krilla's tag tree: each element with the marked-content sequences drawn for it
    /// (`content[i]`, in drawing order). An element with nothing drawn and no children is left
    /// out (krilla drops empty groups).
    pub(crate) fn tree(&self, lang: &str, content: &mut [Vec<Identifier>]) -> TagTree {
        let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
        for &root in &self.roots {
            tree.push(self.group(root, content));
        }
        tree
    }

    fn group(&self, i: usize, content: &mut [Vec<Identifier>]) -> TagGroup {
        let e = &self.elems[i];
        let mut group = TagGroup::new(tag(&e.kind).with_lang(e.lang.clone()));
        for &child in &e.children {
            group.push(self.group(child, content));
        }
        if let Some(ids) = content.get_mut(i) {
            for id in ids.drain(..) {
                group.push(Node::Leaf(id));
            }
        }
        group
    }

    /// The structure as text, e.g. `Part[H1 P L[LI[Lbl LBody]]]`, for tests.
    #[cfg(test)]
    pub(crate) fn outline(&self) -> String {
        fn walk(s: &Structure, i: usize, out: &mut String) {
            let e = &s.elems[i];
            out.push_str(&match &e.kind {
                Kind::H { level, .. } => format!("H{level}"),
                Kind::TH { .. } => "TH".to_string(),
                Kind::Figure { .. } => "Figure".to_string(),
                other => format!("{other:?}"),
            });
            if let Some(lang) = &e.lang {
                out.push_str(&format!("({lang})"));
            }
            if !e.children.is_empty() {
                out.push('[');
                for (n, &c) in e.children.iter().enumerate() {
                    if n > 0 {
                        out.push(' ');
                    }
                    walk(s, c, out);
                }
                out.push(']');
            }
        }
        let mut out = String::new();
        for (n, &r) in self.roots.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            walk(self, r, &mut out);
        }
        out
    }
}

fn tag(kind: &Kind) -> TagKind {
    match kind {
        Kind::Part => Tag::Part.into(),
        Kind::H { level, title } => {
            let level = NonZeroU16::new(u16::from((*level).clamp(1, 6))).unwrap_or(NonZeroU16::MIN);
            Tag::Hn(level, Some(title.clone())).into()
        }
        Kind::P => Tag::P.into(),
        Kind::L => Tag::L(ListNumbering::Disc).into(),
        Kind::LI => Tag::LI.into(),
        Kind::Lbl => Tag::Lbl.into(),
        Kind::LBody => Tag::LBody.into(),
        Kind::Table => Tag::Table.into(),
        Kind::Caption => Tag::Caption.into(),
        Kind::THead => Tag::THead.into(),
        Kind::TBody => Tag::TBody.into(),
        Kind::TR => Tag::TR.into(),
        Kind::TH { col } => Tag::TH(if *col {
            TableHeaderScope::Column
        } else {
            TableHeaderScope::Row
        })
        .into(),
        Kind::TD => Tag::TD.into(),
        Kind::Figure { alt } => Tag::Figure(Some(alt.clone())).into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn elements_nest_in_the_order_they_are_opened() {
        let mut s = Structure::default();
        s.open(Kind::Part);
        s.leaf(Kind::H {
            level: 1,
            title: "Tittel".into(),
        });
        let p = s.leaf(Kind::P);
        s.set_lang(p, "nb");
        s.open(Kind::L);
        s.open(Kind::LI);
        s.leaf(Kind::Lbl);
        s.leaf(Kind::LBody);
        s.close();
        s.close();
        s.close();
        s.open(Kind::Part);
        s.set_open_lang("nb");
        s.leaf(Kind::P);
        assert_eq!(s.outline(), "Part[H1 P(nb) L[LI[Lbl LBody]]] Part(nb)[P]");
        assert_eq!(s.len(), 9);
    }
}
