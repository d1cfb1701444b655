//! The PDFs read back with another parser (lopdf), not krilla: tagged (StructTreeRoot,
//! MarkInfo), the document language, the title shown as the window title, an outline, and the
//! structure elements a screen reader needs (headings, paragraphs, lists, tables with header
//! cells, the chart as a figure with its numbers in the alternate text), in bokmål and Arabic
//! (right to left, with the binding Norwegian version as a part of its own language).
#![allow(clippy::unwrap_used)]

use lopdf::{Dictionary, Document, Object};

use super::{
    model::{Block, Chart, ChartSeries},
    sample, *,
};
use crate::{
    i18n::{Language, reviewed},
    legal_bases::Catalogue,
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

/// A PDF text string (UTF-16BE with a byte order mark, or PDFDocEncoding, read as Latin-1).
fn text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// One structure element: its type, language and alternate text.
#[derive(Debug)]
struct Elem {
    role: String,
    lang: Option<String>,
    alt: Option<String>,
    depth: usize,
}

struct Tagged {
    doc: Document,
    elems: Vec<Elem>,
}

impl Tagged {
    fn read(pdf: &[u8]) -> Self {
        let doc = Document::load_mem(pdf).unwrap();
        let root = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap();
        let mut elems = Vec::new();
        walk(&doc, root, 0, &mut elems);
        Tagged { doc, elems }
    }

    fn catalog(&self) -> &Dictionary {
        self.doc.catalog().unwrap()
    }

    fn dict(&self, obj: &Object) -> Dictionary {
        self.doc
            .dereference(obj)
            .unwrap()
            .1
            .as_dict()
            .unwrap()
            .clone()
    }

    fn roles(&self) -> Vec<&str> {
        self.elems.iter().map(|e| e.role.as_str()).collect()
    }

    fn has(&self, role: &str) -> bool {
        self.elems.iter().any(|e| e.role == role)
    }

    /// The checks every PDF the product writes must pass.
    fn assert_accessible(&self, lang: &str, title: &str) {
        let catalog = self.catalog();
        let mark_info = self.dict(catalog.get(b"MarkInfo").unwrap());
        assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
        assert_eq!(text(catalog.get(b"Lang").unwrap().as_str().unwrap()), lang);
        let prefs = self.dict(catalog.get(b"ViewerPreferences").unwrap());
        assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
        assert!(catalog.get(b"Outlines").is_ok(), "no outline");
        let info = self.dict(self.doc.trailer.get(b"Info").unwrap());
        assert_eq!(text(info.get(b"Title").unwrap().as_str().unwrap()), title);
        let metadata = self
            .doc
            .dereference(catalog.get(b"Metadata").unwrap())
            .unwrap()
            .1;
        let xmp = String::from_utf8_lossy(&metadata.as_stream().unwrap().content).to_string();
        assert!(
            xmp.contains("pdfuaid:part>1<") || xmp.contains("pdfuaid:part=\"1\""),
            "{xmp}"
        );
        assert_eq!(self.elems[0].role, "Document");
        assert_eq!(self.elems[0].lang.as_deref(), Some(lang));
        let h1 = self.elems.iter().filter(|e| e.role == "H1").count();
        assert!(h1 >= 1, "{:?}", self.roles());
        for want in ["Part", "H1", "H2", "P", "Table", "TR", "TH", "TD"] {
            assert!(self.has(want), "{want} missing in {:?}", self.roles());
        }
    }
}

fn walk(doc: &Document, obj: &Object, depth: usize, out: &mut Vec<Elem>) {
    let obj = doc.dereference(obj).unwrap().1;
    match obj {
        Object::Array(items) => {
            for item in items {
                walk(doc, item, depth, out);
            }
        }
        Object::Dictionary(d) => {
            let mut depth = depth;
            if let Ok(role) = d.get(b"S").and_then(Object::as_name) {
                let field = |key: &[u8]| d.get(key).ok().and_then(|o| o.as_str().ok()).map(text);
                out.push(Elem {
                    role: String::from_utf8_lossy(role).to_string(),
                    lang: field(b"Lang"),
                    alt: field(b"Alt"),
                    depth,
                });
                depth += 1;
            }
            if let Ok(kids) = d.get(b"K") {
                walk(doc, kids, depth, out);
            }
        }
        _ => {}
    }
}

fn innsyn(lang: Language) -> LetterDocument {
    let catalogue = Catalogue::built_in();
    let registry = Registry::built_in().unwrap();
    let res = Resources {
        legal_bases: &catalogue,
        registry: &registry,
    };
    let ctx = sample::context(lang, RightKind::Innsyn);
    answer(
        &ctx,
        &sample::answer(RightKind::Innsyn, Outcome::Granted, 12),
        res,
    )
    .unwrap()
}

#[test]
fn a_bokmal_answer_is_tagged_with_headings_lists_and_a_data_table() {
    let doc = innsyn(Language::Nb);
    let tagged = Tagged::read(&pdf::render_pdf(&doc).unwrap());
    tagged.assert_accessible("nb", &doc.title);
    for want in ["L", "LI", "Lbl", "LBody", "THead", "TBody"] {
        assert!(tagged.has(want), "{want} missing in {:?}", tagged.roles());
    }
    // One letter, no binding version.
    assert_eq!(tagged.elems.iter().filter(|e| e.role == "Part").count(), 1);
    // The data table's header row: THead, TR, a TH per column; then the body's rows of TD.
    let head = tagged.elems.iter().position(|e| e.role == "THead").unwrap();
    let depth = tagged.elems[head].depth;
    let header: Vec<&str> = tagged.elems[head + 1..]
        .iter()
        .take_while(|e| e.depth > depth)
        .map(|e| e.role.as_str())
        .collect();
    assert!(header.len() >= 3, "{header:?}");
    assert_eq!(header[0], "TR");
    assert!(header[1..].iter().all(|r| *r == "TH"), "{header:?}");
    let body = &tagged.elems[head + 1 + header.len()];
    assert_eq!(body.role, "TBody");
    // Text extraction is unchanged by the marked content.
    let text = pdf_extract::extract_text_from_mem(&pdf::render_pdf(&doc).unwrap()).unwrap();
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let title: String = doc.title.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squashed.contains(&title));
}

#[test]
fn an_arabic_answer_is_right_to_left_with_the_binding_bokmal_part_in_its_language() {
    let doc = innsyn(Language::Ar);
    let tagged = Tagged::read(&pdf::render_pdf(&doc).unwrap());
    tagged.assert_accessible("ar", &doc.title);
    let prefs = tagged.dict(tagged.catalog().get(b"ViewerPreferences").unwrap());
    assert_eq!(prefs.get(b"Direction").unwrap().as_name().unwrap(), b"R2L");
    let parts: Vec<Option<&str>> = tagged
        .elems
        .iter()
        .filter(|e| e.role == "Part")
        .map(|e| e.lang.as_deref())
        .collect();
    if reviewed(Language::Ar) {
        assert_eq!(parts, vec![Some("ar")]);
    } else {
        assert_eq!(parts, vec![Some("ar"), Some("nb")]);
    }
    assert!(tagged.has("L") && tagged.has("TH"));
}

#[test]
fn the_caseworkers_norwegian_words_are_marked_as_bokmal() {
    let ctx = sample::context(Language::En, RightKind::Innsyn);
    let doc = clarification(&ctx, "Hvilken periode gjelder kravet?").unwrap();
    let tagged = Tagged::read(&pdf::render_pdf(&doc).unwrap());
    let part = tagged.elems.iter().position(|e| e.role == "Part").unwrap();
    let in_letter: Vec<&Elem> = tagged.elems[part + 1..]
        .iter()
        .take_while(|e| e.role != "Part")
        .collect();
    let nb: Vec<&&Elem> = in_letter
        .iter()
        .filter(|e| e.lang.as_deref() == Some("nb"))
        .collect();
    assert_eq!(nb.len(), 1, "{in_letter:?}");
    assert_eq!(nb[0].role, "P");
}

#[test]
fn a_chart_is_a_figure_whose_alternate_text_gives_every_number() {
    let mut doc = sample_doc();
    doc.blocks.push(Block::Chart(Chart {
        caption: "Mottatt og besvart".into(),
        y_label: "Antall krav".into(),
        labels: vec!["2026-01".into(), "2026-02".into()],
        series: vec![
            ChartSeries {
                name: "Mottatt".into(),
                values: vec![4, 17],
            },
            ChartSeries {
                name: "Besvart".into(),
                values: vec![2, 13],
            },
        ],
    }));
    let tagged = Tagged::read(&pdf::render_pdf(&doc).unwrap());
    let figure = tagged.elems.iter().find(|e| e.role == "Figure").unwrap();
    assert_eq!(
        figure.alt.as_deref(),
        Some(
            "Mottatt og besvart: Antall krav. 2026-01: Mottatt 4, Besvart 2. \
             2026-02: Mottatt 17, Besvart 13."
        )
    );
    assert!(figure.depth >= 2);
}

fn sample_doc() -> LetterDocument {
    let ctx = sample::context(Language::Nb, RightKind::Innsyn);
    receipt(&ctx)
}

#[test]
fn characters_no_font_has_do_not_stop_the_letter() {
    let mut doc = sample_doc();
    doc.blocks.push(Block::Paragraph(
        "Hei 😀 你好 \u{feff}Ola\u{200c}Nordmann ok".into(),
    ));
    let pdf = pdf::render_pdf(&doc).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("Hei"), "{text}");
    assert!(text.contains("Nordmann ok"), "{text}");
}
