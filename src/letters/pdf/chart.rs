//! Grouped bar charts: the value axis, the bars, the labels and the legend, and the chart's
//! alternate text.
use crate::letters::model::Chart;
use crate::letters::tagging::Kind;

use super::{BODY, CONTENT_W, Face, Layout, MARGIN_X, Op, SMALL, Shade, line_height};

// Charts: plot height, room for the value labels left of the axis, and the series colours.
pub(super) const CHART_PLOT_H: f32 = 170.0;
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

impl<'a> Layout<'a> {
    /// A grouped bar chart: caption, value axis with grid lines, one group of bars per label,
    /// labels under the groups (thinned out when they would overlap) and a legend.
    pub(super) fn chart(&mut self, chart: &Chart) {
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
}
