//! Charts drawn on the server as SVG, readable without JavaScript. Each has a title and a
//! description for screen readers; pages also show the same figures as a table.

use std::fmt::Write;

/// Escapes text for SVG (the same rules as HTML).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// One horizontal bar: a label, a percentage (None: suppressed) and its interval.
pub struct Bar {
    pub label: String,
    pub pct: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

const BLUE: &str = "#005eb8";
const DARK: &str = "#0b0c0c";
const GREEN: &str = "#00703c";
const GREY: &str = "#505a5f";
const RED: &str = "#b10e1e";

fn open(id: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"sans-serif\" font-size=\"14\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// Percent bars with 95% interval whiskers and a dashed threshold line.
pub fn percent_bars(id: &str, title: &str, bars: &[Bar], threshold: f64) -> String {
    let (left, width, row) = (130.0, 320.0, 34.0);
    let height = 30.0 + row * bars.len() as f64;
    let desc: Vec<String> = bars
        .iter()
        .map(|b| match b.pct {
            Some(p) => format!(
                "{}: {p}% (95% interval {}% to {}%)",
                b.label,
                b.low.unwrap_or(p),
                b.high.unwrap_or(p)
            ),
            None => format!("{}: too few answers to show", b.label),
        })
        .collect();
    let mut svg = open(id, 480, height as u32, title, &desc.join("; "));
    for (i, b) in bars.iter().enumerate() {
        let y = 10.0 + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" fill=\"{DARK}\">{}</text>",
            y + 18.0,
            esc(&b.label)
        );
        let _ = write!(
            svg,
            "<rect x=\"{left}\" y=\"{y}\" width=\"{width}\" height=\"24\" fill=\"none\" stroke=\"{GREY}\"/>"
        );
        match b.pct {
            Some(p) => {
                let w = width * p.clamp(0.0, 100.0) / 100.0;
                let _ = write!(
                    svg,
                    "<rect x=\"{left}\" y=\"{}\" width=\"{w:.1}\" height=\"16\" fill=\"{BLUE}\"/>",
                    y + 4.0
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
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" fill=\"{GREY}\">too few answers</text>",
                    left + 8.0,
                    y + 17.0
                );
            }
        }
    }
    let tx = left + width * threshold / 100.0;
    let _ = write!(
        svg,
        "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"4\" y2=\"{}\" stroke=\"{RED}\" stroke-dasharray=\"4 3\" stroke-width=\"2\"/>",
        height - 4.0
    );
    svg.push_str("</svg>");
    svg
}

/// Vertical bars per month (e.g. FFT % positive); None months are marked as hidden.
pub fn month_bars(id: &str, title: &str, months: &[(String, Option<f64>)]) -> String {
    let col = 44.0;
    let width = (60.0 + col * months.len() as f64).max(200.0);
    let desc: Vec<String> = months
        .iter()
        .map(|(m, v)| match v {
            Some(v) => format!("{m}: {v}%"),
            None => format!("{m}: too few answers"),
        })
        .collect();
    let mut svg = open(id, width as u32, 220, title, &desc.join("; "));
    let _ = write!(
        svg,
        "<line x1=\"40\" x2=\"{width}\" y1=\"180\" y2=\"180\" stroke=\"{GREY}\"/><text x=\"0\" y=\"24\" fill=\"{DARK}\">100%</text><text x=\"0\" y=\"184\" fill=\"{DARK}\">0%</text>"
    );
    for (i, (month, value)) in months.iter().enumerate() {
        let x = 46.0 + col * i as f64;
        match value {
            Some(v) => {
                let h = 160.0 * v.clamp(0.0, 100.0) / 100.0;
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{:.1}\" width=\"30\" height=\"{h:.1}\" fill=\"{GREEN}\"/>",
                    180.0 - h
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"170\" fill=\"{GREY}\">–</text>",
                    x + 10.0
                );
            }
        }
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"200\" fill=\"{DARK}\" font-size=\"11\">{}</text>",
            esc(month.get(2..).unwrap_or(month))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Stacked horizontal bars of positive / neutral / negative counts, one row per label.
pub fn sentiment_rows(id: &str, title: &str, rows: &[(String, Option<[u32; 3]>)]) -> String {
    let (left, width, row) = (170.0, 280.0, 30.0);
    let height = 40.0 + row * rows.len() as f64;
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
    let mut svg = open(id, 480, height as u32, title, &desc.join("; "));
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
            }
            None => {
                let _ = write!(
                    svg,
                    "<text x=\"{left}\" y=\"{}\" fill=\"{GREY}\">too few comments</text>",
                    y + 15.0
                );
            }
        }
    }
    let y = height - 12.0;
    let _ = write!(
        svg,
        "<rect x=\"0\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{GREEN}\"/><text x=\"16\" y=\"{y}\">positive</text><rect x=\"90\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{GREY}\"/><text x=\"106\" y=\"{y}\">neutral</text><rect x=\"170\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{RED}\"/><text x=\"186\" y=\"{y}\">negative</text>",
        y - 10.0,
        y - 10.0,
        y - 10.0
    );
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_every_chart_has_a_title_and_description() {
        let svg = percent_bars(
            "c1",
            "Staff <b>",
            &[Bar {
                label: "<script>".into(),
                pct: Some(50.0),
                low: Some(30.0),
                high: Some(70.0),
            }],
            80.0,
        );
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(svg.contains("<title id=\"c1-t\">Staff &lt;b&gt;</title>"));
        assert!(
            svg.contains("<desc id=\"c1-d\">&lt;script&gt;: 50% (95% interval 30% to 70%)</desc>")
        );
    }

    #[test]
    fn suppressed_values_are_said_not_drawn() {
        let svg = percent_bars(
            "c2",
            "t",
            &[Bar {
                label: "Carers".into(),
                pct: None,
                low: None,
                high: None,
            }],
            80.0,
        );
        assert!(svg.contains("too few answers"));
        assert_eq!(svg.matches("fill=\"#005eb8\"").count(), 0);
        let months = month_bars(
            "c3",
            "t",
            &[("2026-01".into(), None), ("2026-02".into(), Some(75.0))],
        );
        assert!(months.contains("2026-01: too few answers; 2026-02: 75%"));
    }
}
