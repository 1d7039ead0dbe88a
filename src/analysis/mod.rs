//! Pure arithmetic for reports: agreement figures and indicators, Friends and
//! Family Test figures, small-number suppression and medians (free text is
//! read in `text/`). No database, HTTP, I/O or mutable global state:
//! every function gives the same output for the same input.

pub mod agreement;
pub mod fft;
pub mod median;
pub mod suppression;

pub use agreement::{
    AgreementFigures, Indicator, IndicatorResult, Proportion, SourceStatus, figures, indicator,
    pct_1dp, wilson_interval,
};
pub use fft::{FftCounts, FftFigures, fft_figures};
pub use median::median_days;
pub use suppression::{comments_visible, needs_total_withheld, suppress_cells, suppress_pooled};
