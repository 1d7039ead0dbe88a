//! Median of day counts, e.g. days from a concern being raised to its action closing.

/// Median of `values` (sorted in place), or None when empty; with an even
/// count it is the mean of the two middle values, so it may end in .5.
pub fn median_days(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        return values.get(mid).map(|&v| v as f64);
    }
    let (low, high) = (values.get(mid - 1)?, values.get(mid)?);
    // Add in i128 so two huge values can't overflow before halving.
    Some((i128::from(*low) + i128::from(*high)) as f64 / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_values_have_no_median() {
        assert_eq!(median_days(&mut []), None);
    }

    #[test]
    fn one_value_is_its_own_median() {
        assert_eq!(median_days(&mut [7]), Some(7.0));
    }

    #[test]
    fn an_odd_count_takes_the_middle_value_after_sorting() {
        assert_eq!(median_days(&mut [9, 2, 30, 4, 5]), Some(5.0));
    }

    #[test]
    fn an_even_count_takes_the_mean_of_the_two_middle_values() {
        // Sorted: 1, 3, 8, 14 -> (3 + 8) / 2 = 5.5
        assert_eq!(median_days(&mut [14, 3, 1, 8]), Some(5.5));
    }

    #[test]
    fn negative_days_are_allowed_for_dates_entered_out_of_order() {
        assert_eq!(median_days(&mut [-3, 1]), Some(-1.0));
    }

    #[test]
    fn the_values_are_left_sorted() {
        let mut v = [3, 1, 2];
        median_days(&mut v);
        assert_eq!(v, [1, 2, 3]);
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        assert_eq!(
            median_days(&mut [i64::MAX, i64::MAX]),
            Some(i64::MAX as f64)
        );
    }
}
