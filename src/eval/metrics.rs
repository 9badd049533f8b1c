//! The metric maths of eval, pure: ROC-AUC (ties as average ranks), ROC curve points,
//! confusion counts with precision / recall / false-escalation rate / Youden's J, median.

/// Area under the ROC curve: the chance that a random positive scores above a random
/// negative, ties counting one half (Mann–Whitney U with average ranks). `None` without
/// both a positive and a negative.
pub fn roc_auc(scores: &[f32], labels: &[bool]) -> Option<f64> {
    assert_eq!(scores.len(), labels.len());
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        // Ranks start+1 ..= end share their average.
        let average_rank = (start + 1 + end) as f64 / 2.0;
        let tied_positives = order[start..end].iter().filter(|&&i| labels[i]).count();
        positive_rank_sum += average_rank * tied_positives as f64;
        start = end;
    }
    let (p, n) = (positives as f64, negatives as f64);
    Some((positive_rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// ROC curve points (false-positive rate, true-positive rate) from (0,0) to (1,1), one per
/// distinct score threshold, highest first. Empty without both classes.
pub fn roc_curve(scores: &[f32], labels: &[bool]) -> Vec<(f64, f64)> {
    assert_eq!(scores.len(), labels.len());
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut points = vec![(0.0, 0.0)];
    for (k, &i) in order.iter().enumerate() {
        if labels[i] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last_of_tie = order.get(k + 1).is_none_or(|&j| scores[j] != scores[i]);
        if last_of_tie {
            points.push((fp / negatives, tp / positives));
        }
    }
    points
}

/// Decisions against labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
}

impl Confusion {
    pub fn add(&mut self, decided: bool, label: bool) {
        match (decided, label) {
            (true, true) => self.true_positives += 1,
            (true, false) => self.false_positives += 1,
            (false, false) => self.true_negatives += 1,
            (false, true) => self.false_negatives += 1,
        }
    }

    pub fn positives(&self) -> usize {
        self.true_positives + self.false_negatives
    }

    pub fn negatives(&self) -> usize {
        self.false_positives + self.true_negatives
    }

    pub fn decided(&self) -> usize {
        self.true_positives + self.false_positives
    }

    pub fn total(&self) -> usize {
        self.positives() + self.negatives()
    }

    /// Share of all cases decided positive (for eval: escalated).
    pub fn rate(&self) -> Option<f64> {
        ratio(self.decided(), self.total())
    }

    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_positives, self.decided())
    }

    pub fn recall(&self) -> Option<f64> {
        ratio(self.true_positives, self.positives())
    }

    /// Negatives decided positive / negatives (for eval: the false-escalation rate).
    pub fn false_positive_rate(&self) -> Option<f64> {
        ratio(self.false_positives, self.negatives())
    }

    /// Youden's J: recall − false-positive rate.
    pub fn youden_j(&self) -> Option<f64> {
        Some(self.recall()? - self.false_positive_rate()?)
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The median; the mean of the middle two for an even count. `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn auc_of_a_textbook_example() {
        // Pairs (positive, negative): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 → 3/4.
        let auc = roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]);
        assert!(close(auc, 0.75));
    }

    #[test]
    fn auc_counts_ties_as_half() {
        // Ranks 1, 2.5, 2.5, 4; positives 2.5 + 4 = 6.5; (6.5 − 3) / (2·2) = 0.875.
        let auc = roc_auc(&[0.2, 0.5, 0.5, 0.9], &[false, true, false, true]);
        assert!(close(auc, 0.875));
        assert!(close(roc_auc(&[0.5, 0.5, 0.5], &[true, false, true]), 0.5));
    }

    #[test]
    fn auc_is_one_when_perfect_zero_when_inverted_none_with_one_class() {
        assert!(close(roc_auc(&[0.1, 0.9], &[false, true]), 1.0));
        assert!(close(roc_auc(&[0.1, 0.9], &[true, false]), 0.0));
        assert_eq!(roc_auc(&[0.1, 0.9], &[true, true]), None);
        assert_eq!(roc_auc(&[], &[]), None);
    }

    #[test]
    fn curve_steps_through_distinct_thresholds() {
        let curve = roc_curve(&[0.2, 0.5, 0.5, 0.9], &[false, true, false, true]);
        assert_eq!(curve, [(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]);
        assert!(roc_curve(&[0.3], &[true]).is_empty());
    }

    #[test]
    fn confusion_rates_and_youden() {
        let mut c = Confusion::default();
        // 3 positives (2 escalated), 5 negatives (1 escalated).
        for (decided, label) in [
            (true, true),
            (true, true),
            (false, true),
            (true, false),
            (false, false),
            (false, false),
            (false, false),
            (false, false),
        ] {
            c.add(decided, label);
        }
        assert!(close(c.rate(), 3.0 / 8.0));
        assert!(close(c.precision(), 2.0 / 3.0));
        assert!(close(c.recall(), 2.0 / 3.0));
        assert!(close(c.false_positive_rate(), 1.0 / 5.0));
        assert!(close(c.youden_j(), 2.0 / 3.0 - 0.2));
        assert_eq!(Confusion::default().precision(), None);
    }

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, -1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
