//! Charts drawn on the server as SVG, readable without JavaScript. Each has a title and a
//! description for screen readers; every bar carries its value as text, percentages sit on an
//! axis marked 0, 50 and 100%, a threshold line says what it is, and colour is never the only
//! signal (each bar's status is written beside it). Pages also show the same figures as a table.

use crate::analysis::SourceStatus;
use std::fmt::Write;

/// Escapes text for SVG (the same rules as HTML).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One horizontal bar: a label, a percentage (None: suppressed), its interval and its status.
pub struct Bar {
    pub label: String,
    pub pct: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub status: SourceStatus,
}

const BLUE: &str = "#005eb8";
const DARK: &str = "#0b0c0c";
const GREEN: &str = "#00703c";
const GREY: &str = "#505a5f";
const LIGHT: &str = "#b1b4b6";
const RED: &str = "#b10e1e";

/// A percentage as people read it: no ".0".
fn pct_text(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

fn status_colour(status: SourceStatus) -> &'static str {
    match status {
        SourceStatus::Agrees => GREEN,
        SourceStatus::BelowThreshold => RED,
        SourceStatus::NotEnoughAnswers => GREY,
    }
}

/// The opening tag: drawn at its own size (so text stays the size it was drawn at), and
/// scaled down to fit a narrow screen by the page's CSS.
fn open(id: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"sans-serif\" font-size=\"14\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// A horizontal percentage axis under a plot from `left` to `left + width`, at `y`, marked 0,
/// 50 and 100%.
fn percent_axis(svg: &mut String, left: f64, width: f64, y: f64) {
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{GREY}\"/>",
        left + width
    );
    for (mark, anchor) in [(0.0, "start"), (50.0, "middle"), (100.0, "end")] {
        let x = left + width * mark / 100.0;
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y}\" y2=\"{}\" stroke=\"{GREY}\"/><text x=\"{x:.1}\" y=\"{}\" fill=\"{DARK}\" font-size=\"12\" text-anchor=\"{anchor}\">{mark:.0}%</text>",
            y + 5.0,
            y + 18.0
        );
    }
}

/// Percent bars, one per source, with 95% interval whiskers, each labelled with its value and
/// status, on a 0–100% axis, with the threshold as a labelled dashed line.
pub fn percent_bars(id: &str, title: &str, bars: &[Bar], threshold: f64) -> String {
    let (left, width, row, top) = (130.0, 230.0, 34.0, 26.0);
    let height = top + row * bars.len() as f64 + 28.0;
    let desc: Vec<String> = bars
        .iter()
        .map(|b| match b.pct {
            Some(p) => format!(
                "{}: {} ({}; 95% interval {} to {})",
                b.label,
                pct_text(p),
                b.status.words(),
                pct_text(b.low.unwrap_or(p)),
                pct_text(b.high.unwrap_or(p))
            ),
            None => format!("{}: not enough answers to show", b.label),
        })
        .collect();
    let desc = format!("{}. Threshold {}.", desc.join("; "), pct_text(threshold));
    let mut svg = open(id, 520, height as u32, title, &desc);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" fill=\"{DARK}\">{}</text><rect x=\"{left}\" y=\"{y}\" width=\"{width}\" height=\"24\" fill=\"none\" stroke=\"{LIGHT}\"/>",
            y + 17.0,
            esc(&b.label)
        );
        match b.pct {
            Some(p) => {
                let w = width * p.clamp(0.0, 100.0) / 100.0;
                let _ = write!(
                    svg,
                    "<rect x=\"{left}\" y=\"{}\" width=\"{w:.1}\" height=\"16\" fill=\"{}\"/>",
                    y + 4.0,
                    status_colour(b.status)
                );
                if let (Some(lo), Some(hi)) = (b.low, b.high) {
                    let (x1, x2) = (left + width * lo / 100.0, left + width * hi / 100.0);
                    let _ = write!(
                        svg,
                        "<line x1=\"{x1:.1}\" x2=\"{x2:.1}\" y1=\"{m}\" y2=\"{m}\" stroke=\"{DARK}\" stroke-width=\"2\"/><line x1=\"{x1:.1}\" x2=\"{x1:.1}\" y1=\"{a}\" y2=\"{b}\" stroke=\"{DARK}\" stroke-width=\"2\"/><line x1=\"{x2:.1}\" x2=\"{x2:.1}\" y1=\"{a}\" y2=\"{b}\" stroke=\"{DARK}\" stroke-width=\"2\"/>",
                        m = y + 12.0,
                        a = y + 6.0,
                        b = y + 18.0
                    );
                }
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" fill=\"{DARK}\"><tspan font-weight=\"bold\">{}</tspan> {}</text>",
                    left + width + 8.0,
                    y + 17.0,
                    pct_text(p),
                    b.status.words()
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" fill=\"{DARK}\">not enough answers</text>",
                    left + 8.0,
                    y + 17.0
                );
            }
        }
    }
    let tx = left + width * threshold.clamp(0.0, 100.0) / 100.0;
    let bottom = top + row * bars.len() as f64;
    let _ = write!(
        svg,
        "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{}\" y2=\"{bottom}\" stroke=\"{DARK}\" stroke-dasharray=\"5 3\" stroke-width=\"2\"/><text x=\"{tx:.1}\" y=\"14\" fill=\"{DARK}\" font-size=\"12\" text-anchor=\"middle\">threshold {}</text>",
        top - 8.0,
        pct_text(threshold)
    );
    percent_axis(&mut svg, left, width, bottom + 2.0);
    svg.push_str("</svg>");
    svg
}

/// Vertical bars per month (a percentage each; None months are marked as not shown), each
/// labelled with its value, on an axis marked 0, 50 and 100%, with an optional labelled
/// threshold line.
pub fn month_bars(
    id: &str,
    title: &str,
    months: &[(String, Option<f64>)],
    threshold: Option<f64>,
) -> String {
    let (left, col, top, base) = (44.0, 40.0, 24.0, 184.0);
    let plot = base - top;
    let width = (left + 8.0 + col * months.len() as f64).max(260.0);
    let desc: Vec<String> = months
        .iter()
        .map(|(m, v)| match v {
            Some(v) => format!("{m}: {}", pct_text(*v)),
            None => format!("{m}: not enough answers"),
        })
        .collect();
    let mut desc = desc.join("; ");
    if months.is_empty() {
        desc = "No months with answers yet".into();
    }
    if let Some(t) = threshold {
        let _ = write!(desc, ". Threshold {}.", pct_text(t));
    }
    let mut svg = open(id, width as u32, 220, title, &desc);
    for mark in [0.0, 50.0, 100.0] {
        let y = base - plot * mark / 100.0;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{}\"/><text x=\"{}\" y=\"{:.1}\" fill=\"{DARK}\" font-size=\"12\" text-anchor=\"end\">{mark:.0}%</text>",
            if mark == 0.0 { GREY } else { LIGHT },
            left - 4.0,
            y + 4.0
        );
    }
    for (i, (month, value)) in months.iter().enumerate() {
        let x = left + 8.0 + col * i as f64;
        match value {
            Some(v) => {
                let h = plot * v.clamp(0.0, 100.0) / 100.0;
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{:.1}\" width=\"26\" height=\"{h:.1}\" fill=\"{BLUE}\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"{DARK}\" font-size=\"11\" text-anchor=\"middle\">{v:.0}</text>",
                    base - h,
                    x + 13.0,
                    (base - h - 4.0).max(10.0)
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{}\" fill=\"{DARK}\" font-size=\"11\" text-anchor=\"middle\">n/s</text>",
                    x + 13.0,
                    base - 6.0
                );
            }
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"202\" fill=\"{DARK}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x + 13.0,
            esc(month.get(2..).unwrap_or(month))
        );
    }
    if let Some(t) = threshold {
        let y = base - plot * t.clamp(0.0, 100.0) / 100.0;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{width}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{DARK}\" stroke-dasharray=\"5 3\" stroke-width=\"2\"/><text x=\"{width}\" y=\"14\" fill=\"{DARK}\" font-size=\"12\" text-anchor=\"end\">dashed line: threshold {}</text>",
            pct_text(t)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"216\" fill=\"{DARK}\" font-size=\"11\">bar values in %; n/s: not enough answers to show</text>"
    );
    svg.push_str("</svg>");
    svg
}

/// Stacked horizontal bars of positive / neutral / negative counts, one row per label, each
/// row's three counts written after it.
pub fn sentiment_rows(id: &str, title: &str, rows: &[(String, Option<[u32; 3]>)]) -> String {
    let (left, width, row) = (170.0, 230.0, 30.0);
    let height = 44.0 + row * rows.len() as f64;
    let max = rows
        .iter()
        .filter_map(|(_, c)| c.map(|c| c.iter().sum::<u32>()))
        .max()
        .unwrap_or(1)
        .max(1);
    let desc: Vec<String> = rows
        .iter()
        .map(|(label, c)| match c {
            Some([p, n, g]) => format!("{label}: {p} positive, {n} neutral, {g} negative"),
            None => format!("{label}: too few comments"),
        })
        .collect();
    let mut svg = open(id, 520, height as u32, title, &desc.join("; "));
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = 8.0 + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" fill=\"{DARK}\">{}</text>",
            y + 16.0,
            esc(label)
        );
        match counts {
            Some(c) => {
                let mut x = left;
                for (count, colour) in c.iter().zip([GREEN, GREY, RED]) {
                    let w = width * f64::from(*count) / f64::from(max);
                    let _ = write!(
                        svg,
                        "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"20\" fill=\"{colour}\"/>"
                    );
                    x += w;
                }
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" fill=\"{DARK}\" font-size=\"12\">{} / {} / {}</text>",
                    left + width + 8.0,
                    y + 15.0,
                    c[0],
                    c[1],
                    c[2]
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{left}\" y=\"{}\" fill=\"{DARK}\">too few comments</text>",
                    y + 15.0
                );
            }
        }
    }
    let y = height - 12.0;
    let _ = write!(
        svg,
        "<rect x=\"0\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{GREEN}\"/><text x=\"16\" y=\"{y}\">positive</text><rect x=\"90\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{GREY}\"/><text x=\"106\" y=\"{y}\">neutral</text><rect x=\"170\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{RED}\"/><text x=\"186\" y=\"{y}\">negative</text><text x=\"{}\" y=\"{y}\" font-size=\"12\">counts in that order</text>",
        y - 10.0,
        y - 10.0,
        y - 10.0,
        left + width + 8.0
    );
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, pct: Option<f64>, status: SourceStatus) -> Bar {
        Bar {
            label: label.into(),
            pct,
            low: pct.map(|p| p - 20.0),
            high: pct.map(|p| (p + 20.0).min(100.0)),
            status,
        }
    }

    #[test]
    fn labels_are_escaped_and_every_chart_has_a_title_and_description() {
        let svg = percent_bars(
            "c1",
            "Staff <b>",
            &[bar("<script>", Some(50.0), SourceStatus::BelowThreshold)],
            80.0,
        );
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(svg.contains("<title id=\"c1-t\">Staff &lt;b&gt;</title>"));
        assert!(svg.contains(
            "<desc id=\"c1-d\">&lt;script&gt;: 50% (below threshold; 95% interval 30% to 70%). Threshold 80%.</desc>"
        ));
    }

    #[test]
    fn every_bar_says_its_value_and_status_on_a_marked_axis_with_a_labelled_threshold() {
        let svg = percent_bars(
            "c4",
            "22d",
            &[
                bar("Service users", Some(86.5), SourceStatus::Agrees),
                bar("Carers", Some(60.0), SourceStatus::BelowThreshold),
                bar("Staff", None, SourceStatus::NotEnoughAnswers),
            ],
            80.0,
        );
        for text in [
            "<tspan font-weight=\"bold\">86.5%</tspan> agrees",
            "<tspan font-weight=\"bold\">60%</tspan> below threshold",
            ">not enough answers<",
            ">threshold 80%<",
            ">0%<",
            ">50%<",
            ">100%<",
        ] {
            assert!(svg.contains(text), "{text} missing: {svg}");
        }
        // Green for agreeing, red for below: and the words say the same.
        assert!(svg.contains(GREEN) && svg.contains(RED));
    }

    #[test]
    fn suppressed_values_are_said_not_drawn() {
        let svg = percent_bars(
            "c2",
            "t",
            &[bar("Carers", None, SourceStatus::NotEnoughAnswers)],
            80.0,
        );
        assert!(svg.contains("not enough answers"));
        assert_eq!(svg.matches("height=\"16\"").count(), 0, "no bar drawn");
        let months = month_bars(
            "c3",
            "t",
            &[("2026-01".into(), None), ("2026-02".into(), Some(75.0))],
            Some(80.0),
        );
        assert!(months.contains("2026-01: not enough answers; 2026-02: 75%. Threshold 80%."));
        assert!(months.contains(">75<") && months.contains(">n/s<"));
        assert!(months.contains("threshold 80%"));
        for mark in [">0%<", ">50%<", ">100%<"] {
            assert!(months.contains(mark), "{mark}");
        }
    }

    #[test]
    fn sentiment_rows_write_their_counts() {
        let svg = sentiment_rows("c5", "t", &[("March".into(), Some([9, 2, 6]))]);
        assert!(svg.contains(">9 / 2 / 6<"));
        assert!(svg.contains("March: 9 positive, 2 neutral, 6 negative"));
    }
}
