//! Small-number protection (statistical disclosure control) for breakdowns
//! whose total is shown, e.g. responses by team, by channel or by answer.
//!
//! # The rule
//!
//! Let `m` be `min_n`.
//!
//! 1. **Primary suppression.** A cell with 1 to `m - 1` is hidden. A cell
//!    of 0 is shown: it identifies nobody (NHS England's FFT rule).
//! 2. **Secondary suppression**, needed when the hidden cells could be worked
//!    out from the total and the cells still shown:
//!    - exactly one cell is hidden (total minus shown cells gives it), or
//!    - two or more cells are hidden and their sum forces every one of them:
//!      all hidden cells must be 1 (sum = count) or all must be `m - 1`
//!      (sum = count x (m - 1)), since each primary cell lies in 1..m-1.
//!
//!    Then the next-smallest shown non-zero value is hidden too, and **every**
//!    cell holding that value, not just one of them: picking one of several
//!    equal cells by position would let a reader who knows the rule tell
//!    which hidden cell is which. If no non-zero cell is left to hide (all
//!    the others are 0), every 0 cell is hidden instead, so that the reader
//!    no longer knows which hidden cell holds the small count.
//!
//! # Why no hidden cell can then be recovered
//!
//! After step 2 the hidden cells never all hold the same value (a primary
//! cell is below `m`, a secondary one is 0 or at least `m`; and primary
//! cells left alone are not all forced). The rule looks only at values, never
//! positions, so swapping the values of two hidden cells gives a table that
//! the rule turns into exactly the same published output: every hidden cell
//! has at least two possible values. The tests check this exhaustively
//! against a reader who knows the rule and the total.
//!
//! # What this cannot protect
//!
//! When every cell is small and the total pins them all (a single small
//! cell, or e.g. [1, 1, 1] with `min_n` = 3), hiding cells cannot help: the
//! caller must withhold the total as well. [`needs_total_withheld`] says when.
//!
//! The protection is for one breakdown against its own total. Tables that
//! share cells (e.g. team by channel with both margins shown) need checking
//! together, which this function does not do.

/// Hides small cells of a breakdown whose total is shown, plus enough other
/// cells that no hidden one can be recovered from the total (rule above).
pub fn suppress_cells(counts: &[u32], min_n: u32) -> Vec<Option<u32>> {
    let mut hidden: Vec<bool> = counts.iter().map(|&c| is_primary(c, min_n)).collect();

    if primaries_forced(counts, min_n) {
        let next_smallest = counts
            .iter()
            .zip(&hidden)
            .filter(|&(&c, &h)| !h && c > 0)
            .map(|(&c, _)| c)
            .min();
        // Hide every cell holding the chosen value (0 when nothing else is left).
        let target = next_smallest.unwrap_or(0);
        for (h, &c) in hidden.iter_mut().zip(counts) {
            if c == target {
                *h = true;
            }
        }
    }

    counts
        .iter()
        .zip(&hidden)
        .map(|(&c, &h)| if h { None } else { Some(c) })
        .collect()
}

/// Hides cells as [`suppress_cells`] does, and more, for breakdowns whose cells carry figures
/// of their own beside their counts (the FFT or agreement of each category of an equality
/// breakdown). There, whatever is hidden can still be worked out together, as a pool, by
/// subtracting the shown cells' figures from the whole: so the hidden cells must together hold
/// at least `min_n`, or the pool's figures would describe fewer than `min_n` people. While they
/// hold fewer, the next-smallest shown non-zero value is hidden too (every cell holding it, as
/// above). A breakdown of fewer than `min_n` in all cannot be protected this way: its caller
/// withholds it whole.
///
/// `hidden_first` marks cells hidden whatever their size (a category already hidden in
/// another figure of the same breakdown, so that no figure shows what another hides); it is
/// read as all false where it is shorter than `counts`.
pub fn suppress_pooled(counts: &[u32], hidden_first: &[bool], min_n: u32) -> Vec<Option<u32>> {
    let mut hidden: Vec<bool> = suppress_cells(counts, min_n)
        .iter()
        .zip(hidden_first.iter().chain(std::iter::repeat(&false)))
        .map(|(shown, first)| shown.is_none() || *first)
        .collect();
    loop {
        let pool: u64 = counts
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(c, _)| u64::from(*c))
            .sum();
        // Hidden cells that pool nothing still say "none of them", which is news about the
        // people of a category hidden elsewhere; so any pool under min_n counts.
        let exposed = hidden.iter().any(|h| *h) && pool < u64::from(min_n);
        let next_smallest = counts
            .iter()
            .zip(&hidden)
            .filter(|&(&c, &h)| !h && c > 0)
            .map(|(&c, _)| c)
            .min();
        match (exposed, next_smallest) {
            (true, Some(value)) => {
                for (h, &c) in hidden.iter_mut().zip(counts) {
                    if c == value {
                        *h = true;
                    }
                }
            }
            // Safe, or nothing left to hide: the caller withholds the total (see
            // `needs_total_withheld`), which is then under `min_n` itself.
            _ => break,
        }
    }
    counts
        .iter()
        .zip(&hidden)
        .map(|(&c, &h)| if h { None } else { Some(c) })
        .collect()
}

/// True when the rule cannot protect a breakdown while its total is shown,
/// so the caller must withhold the total too: every cell is small and the
/// total pins them all (a single small cell, all 1s, or all `min_n - 1`).
///
/// Conservative: a few such tables (e.g. [1, 1] with `min_n` 5) happen to be
/// safe, but their totals are small enough that withholding them costs little.
pub fn needs_total_withheld(counts: &[u32], min_n: u32) -> bool {
    !counts.is_empty()
        && counts.iter().all(|&c| is_primary(c, min_n))
        && primaries_forced(counts, min_n)
}

/// A cell small enough to hide for its own sake (1 to `min_n - 1`).
fn is_primary(c: u32, min_n: u32) -> bool {
    c >= 1 && c < min_n
}

/// Whether the primary cells, hidden alone, could be worked out: there is
/// just one, or their sum forces each one (all 1 or all `min_n - 1`).
fn primaries_forced(counts: &[u32], min_n: u32) -> bool {
    let primary = counts.iter().copied().filter(|&c| is_primary(c, min_n));
    let (k, sum) = primary.fold((0u64, 0u64), |(k, sum), c| (k + 1, sum + u64::from(c)));
    match k {
        0 => false,
        1 => true,
        _ => sum == k || sum == k * u64::from(min_n.saturating_sub(1)),
    }
}

/// Whether free-text comments may be shown for a group: only with at least
/// `min_n` responses, because a comment from a small group can identify its writer.
pub fn comments_visible(group_responses: u32, min_n: u32) -> bool {
    group_responses >= min_n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A published breakdown: None where a cell is hidden.
    type Published = Vec<Option<u32>>;
    /// For each cell, every value it takes across a group of tables.
    type Possible = Vec<BTreeSet<u32>>;

    /// Every value each hidden cell could hold, as seen by a reader who knows
    /// the published cells, the total and this rule: all tables with the same
    /// total and length that the rule publishes identically.
    fn possible_values(counts: &[u32], min_n: u32) -> Vec<BTreeSet<u32>> {
        let published = suppress_cells(counts, min_n);
        let total: u32 = counts.iter().sum();
        let mut seen = vec![BTreeSet::new(); counts.len()];
        for_each_table(counts.len(), total, &mut |table| {
            if suppress_cells(table, min_n) == published {
                for (i, &v) in table.iter().enumerate() {
                    seen[i].insert(v);
                }
            }
        });
        seen
    }

    /// Calls `f` with every table of `len` non-negative cells summing to `total`.
    fn for_each_table(len: usize, total: u32, f: &mut dyn FnMut(&[u32])) {
        fn go(table: &mut Vec<u32>, len: usize, left: u32, f: &mut dyn FnMut(&[u32])) {
            if table.len() + 1 == len {
                table.push(left);
                f(table);
                table.pop();
                return;
            }
            for v in 0..=left {
                table.push(v);
                go(table, len, left - v, f);
                table.pop();
            }
        }
        if len == 0 {
            return;
        }
        go(&mut Vec::with_capacity(len), len, total, f);
    }

    /// Asserts no hidden cell of `counts` can be pinned to a single value.
    fn assert_unrecoverable(counts: &[u32], min_n: u32) {
        let published = suppress_cells(counts, min_n);
        let possible = possible_values(counts, min_n);
        for (i, cell) in published.iter().enumerate() {
            if cell.is_none() {
                assert!(
                    possible[i].len() >= 2,
                    "cell {i} of {counts:?} (published {published:?}) can only be {:?}",
                    possible[i]
                );
            }
        }
    }

    #[test]
    fn cells_of_one_to_four_are_hidden_and_zero_is_shown() {
        let out = suppress_cells(&[0, 1, 4, 5, 20], 5);
        // 1 and 4 are hidden; two cells hidden, sum 5 is neither 2 nor 8,
        // so no secondary suppression is needed.
        assert_eq!(out, vec![Some(0), None, None, Some(5), Some(20)]);
    }

    #[test]
    fn nothing_is_hidden_when_every_cell_is_zero_or_large_enough() {
        assert_eq!(
            suppress_cells(&[0, 5, 12, 0], 5),
            vec![Some(0), Some(5), Some(12), Some(0)]
        );
    }

    #[test]
    fn an_empty_breakdown_stays_empty() {
        assert_eq!(suppress_cells(&[], 5), Vec::<Option<u32>>::new());
    }

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_non_zero_cell_with_it() {
        // Total 3 + 7 + 9 + 0 = 19. Hiding only the 3 would let 19 - 16 = 3
        // be worked out; hiding the 7 too leaves 10 to split two ways.
        let out = suppress_cells(&[3, 9, 7, 0], 5);
        assert_eq!(out, vec![None, Some(9), None, Some(0)]);
        assert_unrecoverable(&[3, 9, 7, 0], 5);
    }

    #[test]
    fn ties_for_next_smallest_are_all_hidden() {
        // Hiding just one of the 20s would let a reader who knows the rule
        // place the 4 (the tie-break would give away which cell is which).
        let out = suppress_cells(&[20, 20, 4], 5);
        assert_eq!(out, vec![None, None, None]);
        assert_unrecoverable(&[20, 20, 4], 5);
    }

    #[test]
    fn a_lone_small_cell_among_zeros_hides_the_zeros() {
        // Total 3. With the zeros hidden, any of the three cells could hold it.
        let out = suppress_cells(&[0, 3, 0, 0], 5);
        assert_eq!(out, vec![None, None, None, None]);
        assert_unrecoverable(&[0, 3, 0, 0], 5);
    }

    #[test]
    fn two_ones_take_another_cell_because_their_sum_gives_them_away() {
        // Hidden sum 2 over two cells each at least 1 means both are 1.
        let out = suppress_cells(&[1, 1, 10, 12], 5);
        assert_eq!(out, vec![None, None, None, Some(12)]);
        assert_unrecoverable(&[1, 1, 10, 12], 5);
    }

    #[test]
    fn three_fours_take_another_cell_because_their_sum_gives_them_away() {
        // Hidden sum 12 over three cells each at most 4 means all are 4.
        let out = suppress_cells(&[4, 4, 4, 30, 6], 5);
        assert_eq!(out, vec![None, None, None, Some(30), None]);
        assert_unrecoverable(&[4, 4, 4, 30, 6], 5);
    }

    #[test]
    fn two_small_cells_that_can_be_split_several_ways_are_left_as_they_are() {
        // Hidden sum 5 could be 1+4, 2+3, 3+2 or 4+1.
        let out = suppress_cells(&[2, 3, 11], 5);
        assert_eq!(out, vec![None, None, Some(11)]);
        assert_unrecoverable(&[2, 3, 11], 5);
    }

    #[test]
    fn a_minimum_of_one_or_zero_hides_nothing() {
        assert_eq!(
            suppress_cells(&[1, 0, 2], 1),
            vec![Some(1), Some(0), Some(2)]
        );
        assert_eq!(
            suppress_cells(&[1, 0, 2], 0),
            vec![Some(1), Some(0), Some(2)]
        );
    }

    #[test]
    fn a_single_small_cell_is_hidden_though_only_hiding_the_total_protects_it() {
        assert_eq!(suppress_cells(&[3], 5), vec![None]);
    }

    #[test]
    fn no_hidden_cell_can_be_recovered_in_any_small_breakdown() {
        // Every table of 2 to 4 cells with totals up to a bound, for the
        // FFT minimum (5) and a stricter and a looser one. The only tables
        // excused are those `needs_total_withheld` flags.
        let (mut checked, mut excused_groups) = (0u32, 0u32);
        for (min_n, max_total) in [(2u32, 10u32), (3, 14), (5, 20), (8, 18)] {
            for len in 2..=4usize {
                for total in 0..=max_total {
                    // Group all tables of this length and total by what gets published.
                    // The flag records whether every table in the group is one
                    // the caller is told to withhold the total for.
                    let mut groups: BTreeMap<Published, (Possible, bool)> = BTreeMap::new();
                    for_each_table(len, total, &mut |table| {
                        let published = suppress_cells(table, min_n);
                        let (sets, excused) = groups
                            .entry(published)
                            .or_insert_with(|| (vec![BTreeSet::new(); len], true));
                        for (i, &v) in table.iter().enumerate() {
                            sets[i].insert(v);
                        }
                        *excused &= needs_total_withheld(table, min_n);
                    });
                    for (published, (sets, excused)) in &groups {
                        excused_groups +=
                            u32::from(*excused && published.iter().any(Option::is_none));
                        for (i, cell) in published.iter().enumerate() {
                            if cell.is_none() && !excused {
                                checked += 1;
                                assert!(
                                    sets[i].len() >= 2,
                                    "min_n {min_n}, total {total}: published {published:?} \
                                     pins cell {i} to {:?}",
                                    sets[i]
                                );
                            }
                        }
                    }
                }
            }
        }
        println!("checked {checked} hidden cells; excused {excused_groups} published tables");
        assert!(checked > 1000, "only {checked} hidden cells checked");
    }

    #[test]
    fn with_a_minimum_of_two_a_breakdown_of_only_ones_needs_its_total_withheld() {
        // Documented limit: [1, 1] with total 2 can only be 1 and 1.
        assert_eq!(suppress_cells(&[1, 1], 2), vec![None, None]);
        let possible = possible_values(&[1, 1], 2);
        assert_eq!(possible[0], BTreeSet::from([1]));
        assert!(needs_total_withheld(&[1, 1], 2));
    }

    #[test]
    fn with_a_minimum_of_three_three_ones_need_their_total_withheld() {
        // Total 3 over three hidden cells each 1 or 2 and not otherwise
        // suppressed can only be 1, 1, 1.
        assert_eq!(suppress_cells(&[1, 1, 1], 3), vec![None, None, None]);
        assert!(needs_total_withheld(&[1, 1, 1], 3));
    }

    #[test]
    fn breakdowns_with_a_large_or_zero_cell_never_need_their_total_withheld() {
        assert!(!needs_total_withheld(&[1, 1, 5], 5));
        assert!(!needs_total_withheld(&[3, 0], 5));
        assert!(!needs_total_withheld(&[], 5));
        // Two small cells that can be split several ways are safe too.
        assert!(!needs_total_withheld(&[2, 3], 5));
    }

    #[test]
    fn a_single_small_cell_needs_its_total_withheld() {
        assert!(needs_total_withheld(&[3], 5));
        assert!(!needs_total_withheld(&[0], 5));
    }

    #[test]
    fn hidden_cells_that_carry_figures_always_pool_at_least_min_n() {
        // 2 and 1 can be split several ways, so suppress_cells leaves them; but together they
        // are three people whose figures the total would give away, so the 10 goes too.
        assert_eq!(
            suppress_cells(&[2, 1, 10, 12], 5),
            [None, None, Some(10), Some(12)]
        );
        assert_eq!(
            suppress_pooled(&[2, 1, 10, 12], &[], 5),
            [None, None, None, Some(12)]
        );
        // One small cell takes the next-smallest with it, which already makes the pool big.
        assert_eq!(
            suppress_pooled(&[6, 5, 2, 0], &[], 5),
            [Some(6), None, None, Some(0)]
        );
        // A cell hidden elsewhere stays hidden, and takes another with it if it holds little:
        // even nothing, since "none of them" is news about fewer than min_n people.
        assert_eq!(
            suppress_pooled(&[6, 5, 7, 0], &[false, false, false, true], 5),
            [Some(6), None, Some(7), None]
        );
        assert_eq!(
            suppress_pooled(&[6, 2, 7, 9], &[false, false, true, false], 5),
            [None, None, None, Some(9)],
            "the lone 2 takes the 6, as in suppress_cells, whatever else is hidden"
        );
        assert_eq!(
            suppress_pooled(&[6, 9, 3, 0], &[false, false, true, false], 5),
            [None, Some(9), None, Some(0)]
        );
    }

    #[test]
    fn in_every_small_breakdown_the_hidden_cells_pool_nothing_or_at_least_min_n_and_none_is_pinned()
    {
        let mut checked = 0u32;
        for (min_n, max_total) in [(3u32, 12u32), (5, 18)] {
            for len in 2..=4usize {
                for total in 0..=max_total {
                    let mut groups: BTreeMap<Published, (Possible, bool)> = BTreeMap::new();
                    for_each_table(len, total, &mut |table| {
                        let published = suppress_pooled(table, &[], min_n);
                        let pool: u32 = table
                            .iter()
                            .zip(&published)
                            .filter(|(_, p)| p.is_none())
                            .map(|(c, _)| *c)
                            .sum();
                        // A breakdown of fewer than min_n in all is withheld whole by its caller.
                        if total >= min_n && !needs_total_withheld(table, min_n) {
                            assert!(
                                pool == 0 || pool >= min_n,
                                "{table:?} -> {published:?} pools {pool}"
                            );
                        }
                        let (sets, excused) = groups
                            .entry(published)
                            .or_insert_with(|| (vec![BTreeSet::new(); len], true));
                        for (i, &v) in table.iter().enumerate() {
                            sets[i].insert(v);
                        }
                        *excused &= needs_total_withheld(table, min_n);
                    });
                    for (published, (sets, excused)) in &groups {
                        for (i, cell) in published.iter().enumerate() {
                            if cell.is_none() && !excused {
                                checked += 1;
                                assert!(
                                    sets[i].len() >= 2,
                                    "min_n {min_n}: {published:?} pins cell {i} to {:?}",
                                    sets[i]
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "only {checked} hidden cells checked");
    }

    #[test]
    fn comments_show_from_five_responses() {
        assert!(!comments_visible(0, 5));
        assert!(!comments_visible(4, 5));
        assert!(comments_visible(5, 5));
        assert!(comments_visible(40, 5));
    }
}
