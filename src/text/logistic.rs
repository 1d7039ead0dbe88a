//! Multinomial logistic regression with an L2 penalty, trained by L-BFGS: the learning part of
//! `crt-feedback text train`. Used only when training; the service itself only multiplies the
//! shipped weights (see `model.rs`).
//!
//! Written here rather than taken from a crate because the Rust crates for this either want
//! dense matrices (our features are a few hundred non-zeros out of a million buckets) or pull in
//! BLAS. It is short: the loss and its gradient, and the textbook two-loop L-BFGS with a
//! backtracking line search. There is nothing random in it: every run from the same data gives
//! the same weights, bit for bit, on the same machine.
//!
//! The loss is the weighted mean cross-entropy of the softmax of `W·x + b`, plus
//! `l2 / 2 · |W|²` (the bias is not penalised).

use std::collections::VecDeque;

/// Training rows in compressed sparse row form, columns numbered from 0 densely.
#[derive(Debug, Clone, Default)]
pub(crate) struct SparseRows {
    starts: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<f32>,
}

impl SparseRows {
    /// An empty set of rows.
    pub(crate) fn new() -> Self {
        SparseRows {
            starts: vec![0],
            columns: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends one row of (column, value) pairs.
    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = (u32, f32)>) {
        for (c, v) in row {
            self.columns.push(c);
            self.values.push(v);
        }
        self.starts.push(self.columns.len());
    }

    /// How many rows.
    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The (column, value) pairs of row `i`.
    pub(crate) fn row(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.starts[i]..self.starts[i + 1];
        self.columns[range.clone()]
            .iter()
            .zip(&self.values[range])
            .map(|(&c, &v)| (c as usize, f64::from(v)))
    }
}

/// What to fit: rows, their class (0..classes) and how much each row counts.
pub(crate) struct Problem<'a> {
    pub(crate) rows: &'a SparseRows,
    pub(crate) labels: &'a [usize],
    pub(crate) row_weights: &'a [f64],
    pub(crate) classes: usize,
    pub(crate) columns: usize,
}

/// How hard to fit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FitSettings {
    /// Strength of the L2 penalty on the weights.
    pub(crate) l2: f64,
    /// Upper bound on L-BFGS iterations.
    pub(crate) max_iterations: usize,
}

/// Fitted weights: `weights[column * classes + class]`, and one bias per class.
#[derive(Debug, Clone)]
pub(crate) struct Fitted {
    pub(crate) classes: usize,
    pub(crate) weights: Vec<f64>,
    pub(crate) bias: Vec<f64>,
    /// L-BFGS iterations taken.
    pub(crate) iterations: usize,
}

impl Fitted {
    /// Raw class scores (logits) of one row.
    pub(crate) fn scores(&self, row: impl Iterator<Item = (usize, f64)>) -> Vec<f64> {
        let k = self.classes;
        let mut z = self.bias.clone();
        for (c, v) in row {
            let w = &self.weights[c * k..(c + 1) * k];
            for (zk, wk) in z.iter_mut().zip(w) {
                *zk += v * wk;
            }
        }
        z
    }
}

/// The penalised loss at `params` (weights then biases), and its gradient into `gradient`.
fn loss_and_gradient(problem: &Problem<'_>, l2: f64, params: &[f64], gradient: &mut [f64]) -> f64 {
    let k = problem.classes;
    let bias_at = problem.columns * k;
    gradient.iter_mut().for_each(|g| *g = 0.0);
    let total_weight: f64 = problem.row_weights.iter().sum();
    let mut loss = 0.0;
    let mut z = vec![0.0; k];
    for i in 0..problem.rows.len() {
        let weight = problem.row_weights[i] / total_weight;
        if weight == 0.0 {
            continue;
        }
        z.copy_from_slice(&params[bias_at..bias_at + k]);
        for (c, v) in problem.rows.row(i) {
            for (zk, wk) in z.iter_mut().zip(&params[c * k..(c + 1) * k]) {
                *zk += v * wk;
            }
        }
        let y = problem.labels[i];
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let log_total = z.iter().map(|v| (v - max).exp()).sum::<f64>().ln() + max;
        loss += weight * (log_total - z[y]);
        // z becomes the gradient of this row's loss with respect to its logits.
        for (class, zk) in z.iter_mut().enumerate() {
            *zk = (*zk - log_total).exp() - if class == y { 1.0 } else { 0.0 };
            *zk *= weight;
        }
        for (c, v) in problem.rows.row(i) {
            for (gk, dk) in gradient[c * k..(c + 1) * k].iter_mut().zip(&z) {
                *gk += v * dk;
            }
        }
        for (gk, dk) in gradient[bias_at..].iter_mut().zip(&z) {
            *gk += dk;
        }
    }
    for (g, w) in gradient[..bias_at].iter_mut().zip(&params[..bias_at]) {
        *g += l2 * w;
    }
    loss + 0.5 * l2 * params[..bias_at].iter().map(|w| w * w).sum::<f64>()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Pairs of (step, change in gradient) remembered by L-BFGS.
const MEMORY: usize = 10;

/// Fits the model: L-BFGS from all-zero weights until the loss stops falling (relative change
/// below 1e-9 over an iteration) or `max_iterations` is reached.
pub(crate) fn fit(problem: &Problem<'_>, settings: FitSettings) -> Fitted {
    let k = problem.classes;
    let n = problem.columns * k + k;
    let mut params = vec![0.0; n];
    let mut gradient = vec![0.0; n];
    let mut loss = loss_and_gradient(problem, settings.l2, &params, &mut gradient);
    let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let mut next = vec![0.0; n];
    let mut next_gradient = vec![0.0; n];
    let mut iterations = 0;
    for iteration in 0..settings.max_iterations {
        iterations = iteration + 1;
        // Two-loop recursion: direction = -H·gradient.
        let mut direction = gradient.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &direction);
            direction
                .iter_mut()
                .zip(y)
                .for_each(|(d, yi)| *d -= alpha * yi);
            alphas.push(alpha);
        }
        if let Some((s, y, _)) = history.back() {
            let gamma = dot(s, y) / dot(y, y);
            direction.iter_mut().for_each(|d| *d *= gamma);
        }
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &direction);
            direction
                .iter_mut()
                .zip(s)
                .for_each(|(d, si)| *d += si * (alpha - beta));
        }
        direction.iter_mut().for_each(|d| *d = -*d);
        let mut slope = dot(&gradient, &direction);
        if slope >= 0.0 {
            // Not a descent direction (can happen after a poor curvature pair): restart.
            history.clear();
            direction = gradient.iter().map(|g| -g).collect();
            slope = dot(&gradient, &direction);
        }
        let mut step = if iteration == 0 {
            1.0 / dot(&gradient, &gradient).sqrt().max(1.0)
        } else {
            1.0
        };
        let mut next_loss;
        loop {
            next.iter_mut()
                .zip(&params)
                .zip(&direction)
                .for_each(|((x, p), d)| *x = p + step * d);
            next_loss = loss_and_gradient(problem, settings.l2, &next, &mut next_gradient);
            if next_loss <= loss + 1e-4 * step * slope || step < 1e-12 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = next.iter().zip(&params).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = next_gradient
            .iter()
            .zip(&gradient)
            .map(|(a, b)| a - b)
            .collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 {
            if history.len() == MEMORY {
                history.pop_front();
            }
            history.push_back((s, y, 1.0 / sy));
        }
        let improvement = (loss - next_loss) / loss.abs().max(1e-12);
        std::mem::swap(&mut params, &mut next);
        std::mem::swap(&mut gradient, &mut next_gradient);
        loss = next_loss;
        if improvement.abs() < 1e-9 {
            break;
        }
    }
    let bias = params.split_off(problem.columns * k);
    Fitted {
        classes: k,
        weights: params,
        bias,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three classes told apart by one feature each, plus a shared noise feature.
    fn toy() -> (SparseRows, Vec<usize>) {
        let mut rows = SparseRows::new();
        let mut labels = Vec::new();
        for i in 0..60 {
            let class = i % 3;
            rows.push([(class as u32, 1.0), (3, (i % 7) as f32 / 7.0)]);
            labels.push(class);
        }
        (rows, labels)
    }

    #[test]
    fn a_separable_toy_problem_is_learnt_and_the_gradient_is_right() {
        let (rows, labels) = toy();
        let weights = vec![1.0; labels.len()];
        let problem = Problem {
            rows: &rows,
            labels: &labels,
            row_weights: &weights,
            classes: 3,
            columns: 4,
        };
        let fitted = fit(
            &problem,
            FitSettings {
                l2: 1e-3,
                max_iterations: 200,
            },
        );
        for (i, label) in labels.iter().enumerate() {
            let z = fitted.scores(rows.row(i));
            let best = (0..3)
                .max_by(|&a, &b| z[a].total_cmp(&z[b]))
                .unwrap_or_default();
            assert_eq!(best, *label);
        }
        // The analytic gradient matches a finite difference at the fitted point.
        let mut params = fitted.weights.clone();
        params.extend(&fitted.bias);
        let mut gradient = vec![0.0; params.len()];
        loss_and_gradient(&problem, 1e-3, &params, &mut gradient);
        for j in [0, 4, 9, 12] {
            let mut up = params.clone();
            up[j] += 1e-6;
            let mut down = params.clone();
            down[j] -= 1e-6;
            let mut scratch = vec![0.0; params.len()];
            let numeric = (loss_and_gradient(&problem, 1e-3, &up, &mut scratch)
                - loss_and_gradient(&problem, 1e-3, &down, &mut scratch))
                / 2e-6;
            assert!((numeric - gradient[j]).abs() < 1e-6, "{j}");
        }
    }

    #[test]
    fn fitting_twice_gives_the_same_weights() {
        let (rows, labels) = toy();
        let weights = vec![1.0; labels.len()];
        let problem = Problem {
            rows: &rows,
            labels: &labels,
            row_weights: &weights,
            classes: 3,
            columns: 4,
        };
        let settings = FitSettings {
            l2: 1e-2,
            max_iterations: 50,
        };
        assert_eq!(
            fit(&problem, settings).weights,
            fit(&problem, settings).weights
        );
    }
}
