//! Layout checks: measuring our scripts, the chart axis and bars, and wrapping.
use super::{
    chart::{CHART_PLOT_H, axis_scale},
    *,
};
use crate::letters::model::Chart;

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
