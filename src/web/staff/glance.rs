//! The dashboard read at a glance: one table of criteria by source, each cell the agreement
//! with its interval and a status in plain words, the criteria needing attention first; and the
//! equality breakdown as a table. The evidence pack shows the same table.

use crate::analysis::{AgreementFigures, Indicator, SourceStatus};
use crate::reports::Report;
use crate::reports::breakdown::{CategoryFigures, EqualityBreakdown};
use crate::surveys::{Dimension, Respondent};
use serde_json::{Value, json};

/// The indicator in plain words.
pub fn indicator_label(indicator: Indicator) -> &'static str {
    match indicator {
        Indicator::Agreement => "All required sources agree",
        Indicator::Disagreement => "At least one source is below the threshold",
        Indicator::InsufficientEvidence => "Not enough answers yet",
    }
}

/// Criteria needing attention come first: a source below the threshold, then too few answers.
fn attention_order(indicator: Indicator) -> u8 {
    match indicator {
        Indicator::Disagreement => 0,
        Indicator::InsufficientEvidence => 1,
        Indicator::Agreement => 2,
    }
}

/// A CSS-safe name for a status, for its tag.
fn status_class(status: SourceStatus) -> &'static str {
    match status {
        SourceStatus::Agrees => "agrees",
        SourceStatus::BelowThreshold => "below",
        SourceStatus::NotEnoughAnswers => "thin",
    }
}

/// A CSS-safe name for an indicator, for its tag (the same colours as the statuses).
pub fn indicator_class(indicator: Indicator) -> &'static str {
    match indicator {
        Indicator::Agreement => "agrees",
        Indicator::Disagreement => "below",
        Indicator::InsufficientEvidence => "thin",
    }
}

/// One cell: the figures, or "not asked" when the source is not asked about the criterion.
fn cell(figures: Option<&AgreementFigures>, threshold: f64) -> Value {
    match figures {
        None => json!({ "asked": false }),
        Some(f) => {
            let status = SourceStatus::of(f, threshold);
            json!({
                "asked": true,
                "shown": !f.suppressed,
                "agree_pct": f.agree_pct,
                "ci_low": f.ci_low,
                "ci_high": f.ci_high,
                "n": f.n,
                "status": status_class(status),
                "words": status.words(),
            })
        }
    }
}

/// The at-a-glance table as template data: `sources` (column headings) and `rows`.
pub fn table(report: &Report) -> Value {
    let mut criteria: Vec<_> = report.criteria.iter().collect();
    // A stable sort keeps the report's own order within each kind of status.
    criteria.sort_by_key(|c| attention_order(c.indicator));
    let rows: Vec<Value> = criteria
        .iter()
        .map(|c| {
            json!({
                "criterion": c.criterion.code(),
                "label": c.criterion.label(),
                "own": c.criterion.is_own_indicator(),
                "indicator": indicator_class(c.indicator),
                "indicator_label": indicator_label(c.indicator),
                "cells": Respondent::ALL.iter().map(|r| {
                    cell(c.sources.iter().find(|s| s.source == *r).map(|s| &s.figures), report.threshold_pct)
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let attention = report
        .criteria
        .iter()
        .filter(|c| c.indicator != Indicator::Agreement)
        .count();
    json!({
        "sources": Respondent::ALL.iter().map(|r| r.label()).collect::<Vec<_>>(),
        "rows": rows,
        "attention": attention,
        "agreeing": report.criteria.len() - attention,
    })
}

fn category_view(c: &CategoryFigures, threshold: f64) -> Value {
    let criteria: Vec<Value> = c
        .criteria
        .iter()
        .map(|x| {
            json!({
                "criterion": x.criterion.code(),
                "label": x.criterion.label(),
                "cells": Respondent::ALL.iter().map(|r| {
                    cell(x.sources.iter().find(|s| s.source == *r).map(|s| &s.figures), threshold)
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "category": c.category,
        "label": c.label,
        "shown": !c.suppressed,
        "responses": c.responses,
        "fft_shown": !c.fft.suppressed && c.fft.total.is_some_and(|t| t > 0),
        "positive_pct": c.fft.positive_pct,
        "negative_pct": c.fft.negative_pct,
        "fft_total": c.fft.total,
        "criteria": criteria,
        "any_criterion": c.criteria.iter().any(|x| x.sources.iter().any(|s| !s.figures.suppressed)),
    })
}

/// The equality breakdown as template data, with the choice of dimension.
pub fn breakdown(b: &EqualityBreakdown, threshold: f64) -> Value {
    let categories: Vec<Value> = b
        .categories
        .iter()
        .filter(|c| c.suppressed || c.responses.is_some_and(|n| n > 0))
        .map(|c| category_view(c, threshold))
        .collect();
    let anything_shown = b
        .categories
        .iter()
        .any(|c| !c.suppressed && c.responses.is_some_and(|n| n > 0));
    json!({
        "by": b.by.as_str(),
        "label": b.label,
        "note": b.note,
        "responses": b.responses,
        "categories": categories,
        "anything_shown": anything_shown,
        "sources": Respondent::ALL.iter().map(|r| r.label()).collect::<Vec<_>>(),
        "dimensions": Dimension::ALL.iter().map(|d| json!({
            "value": d.as_str(), "label": d.label(), "selected": *d == b.by,
        })).collect::<Vec<_>>(),
    })
}
