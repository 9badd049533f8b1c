//! Which queued utterances go into the next model run: pure, no threads, no clocks.
//!
//! A batch is padded to its longest row, so mixing a 6-token "thanks" with a 90-token complaint
//! makes the short one cost 90 tokens. [`next_batch`] therefore sorts the queue by length and
//! cuts it into runs of similar length, the cut chosen by a cost model: a model run costs
//! `run_overhead_tokens` plus rows × longest row. It returns the run holding the oldest queued
//! utterance, so nobody starves: an utterance is in the next batch once it is the oldest, so it
//! waits for at most as many batches as there were utterances ahead of it. Utterances whose
//! caller has gone are dropped before they cost anything.

use std::collections::VecDeque;

/// Anything that can be batched: its length in tokens (its row width once padded).
pub trait Tokens {
    fn tokens(&self) -> usize;
}

/// A queued request as the batch former sees it.
pub trait Pending {
    /// Length in tokens.
    fn tokens(&self) -> usize;
    /// Nobody waits for the answer any more: drop it unscored.
    fn abandoned(&self) -> bool;
}

/// The limits of one model run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most rows.
    pub max_rows: usize,
    /// Most padded tokens (rows × longest row); a single row is always allowed.
    pub max_tokens: usize,
    /// Fixed cost of one model run, in padded tokens: how much padding is worth paying to save
    /// a run.
    pub run_overhead_tokens: usize,
}

/// What [`next_batch`] took out of the queue.
#[derive(Debug)]
pub struct Batch<T> {
    /// The utterances to score, oldest first.
    pub jobs: Vec<T>,
    /// Abandoned utterances dropped from the queue.
    pub dropped: usize,
}

/// Drops abandoned requests, then takes the next batch out of `queue` (arrival order, oldest
/// first): the cheapest-to-run group of similar lengths that holds the oldest request. Empty
/// only when nothing is left to score.
pub fn next_batch<T: Pending>(queue: &mut VecDeque<T>, limits: &Limits) -> Batch<T> {
    let before = queue.len();
    queue.retain(|job| !job.abandoned());
    let dropped = before - queue.len();
    if queue.is_empty() {
        return Batch {
            jobs: Vec::new(),
            dropped,
        };
    }
    // Queue positions by length; among equal lengths the older first.
    let mut order: Vec<usize> = (0..queue.len()).collect();
    order.sort_by_key(|&i| (queue[i].tokens(), i));
    let lengths: Vec<usize> = order.iter().map(|&i| queue[i].tokens()).collect();
    let oldest = order
        .iter()
        .position(|&i| i == 0)
        .expect("position 0 is queued");
    let (start, end) = group_holding(&lengths, oldest, limits);
    let mut take = vec![false; queue.len()];
    for &i in &order[start..end] {
        take[i] = true;
    }
    let mut jobs = Vec::with_capacity(end - start);
    let mut rest = VecDeque::with_capacity(queue.len() - (end - start));
    for (i, job) in queue.drain(..).enumerate() {
        if take[i] {
            jobs.push(job);
        } else {
            rest.push_back(job);
        }
    }
    *queue = rest;
    Batch { jobs, dropped }
}

/// Splits `lengths` (ascending) into consecutive groups that respect `limits` at the least total
/// cost (dynamic programming over where the groups end), and returns the bounds `start..end` of
/// the group holding index `anchor`.
fn group_holding(lengths: &[usize], anchor: usize, limits: &Limits) -> (usize, usize) {
    let n = lengths.len();
    let max_rows = limits.max_rows.max(1);
    // best[i]: least cost of the first i lengths; cut[i]: where the last group of that split starts.
    let mut best = vec![usize::MAX; n + 1];
    let mut cut = vec![0usize; n + 1];
    best[0] = 0;
    for end in 1..=n {
        let width = lengths[end - 1];
        for rows in 1..=max_rows.min(end) {
            let padded = rows * width;
            if rows > 1 && padded > limits.max_tokens {
                break;
            }
            let start = end - rows;
            let cost = best[start]
                .saturating_add(limits.run_overhead_tokens)
                .saturating_add(padded);
            if cost < best[end] {
                best[end] = cost;
                cut[end] = start;
            }
        }
    }
    let mut end = n;
    loop {
        let start = cut[end];
        if start <= anchor {
            return (start, end);
        }
        end = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Item {
        id: usize,
        tokens: usize,
        gone: bool,
    }

    impl Pending for Item {
        fn tokens(&self) -> usize {
            self.tokens
        }
        fn abandoned(&self) -> bool {
            self.gone
        }
    }

    fn queue(lengths: &[usize]) -> VecDeque<Item> {
        lengths
            .iter()
            .enumerate()
            .map(|(id, &tokens)| Item {
                id,
                tokens,
                gone: false,
            })
            .collect()
    }

    /// Rows × longest row: what the model run computes.
    fn padded_tokens(batch: &Batch<Item>) -> usize {
        batch.jobs.len() * batch.jobs.iter().map(|j| j.tokens).max().unwrap_or(0)
    }

    fn ids(batch: &Batch<Item>) -> Vec<usize> {
        batch.jobs.iter().map(|j| j.id).collect()
    }

    const LIMITS: Limits = Limits {
        max_rows: 4,
        max_tokens: 4096,
        run_overhead_tokens: 16,
    };

    #[test]
    fn groups_similar_lengths_with_the_oldest() {
        // Short and long turns interleaved: the short oldest goes with the other short ones.
        let mut q = queue(&[8, 90, 9, 95, 8, 92, 10, 91]);
        let batch = next_batch(&mut q, &LIMITS);
        assert_eq!(ids(&batch), [0, 2, 4, 6]);
        assert_eq!(padded_tokens(&batch), 40);
        // Then the long ones, together.
        let batch = next_batch(&mut q, &LIMITS);
        assert_eq!(ids(&batch), [1, 3, 5, 7]);
        assert!(q.is_empty());
    }

    #[test]
    fn a_long_oldest_turn_goes_with_the_longest_others() {
        let mut q = queue(&[60, 8, 8, 8, 8, 8, 50, 55, 8]);
        let batch = next_batch(&mut q, &LIMITS);
        assert_eq!(ids(&batch), [0, 6, 7]);
        assert_eq!(q.len(), 6);
    }

    #[test]
    fn respects_the_row_and_padded_token_budget() {
        let limits = Limits {
            max_rows: 32,
            max_tokens: 100,
            run_overhead_tokens: 1000, // wants one big batch; the budget forbids it
        };
        let mut q = queue(&[20, 20, 20, 20, 20, 20, 20]);
        let batch = next_batch(&mut q, &limits);
        assert_eq!(ids(&batch), [0, 1, 2, 3, 4]);
        assert!(padded_tokens(&batch) <= 100);
        assert_eq!(ids(&next_batch(&mut q, &limits)), [5, 6]);

        let limits = Limits {
            max_rows: 3,
            ..limits
        };
        let mut q = queue(&[5; 7]);
        assert_eq!(next_batch(&mut q, &limits).jobs.len(), 3);
    }

    #[test]
    fn a_row_longer_than_the_budget_still_runs_alone() {
        let limits = Limits {
            max_tokens: 50,
            ..LIMITS
        };
        let mut q = queue(&[128, 128]);
        assert_eq!(ids(&next_batch(&mut q, &limits)), [0]);
        assert_eq!(ids(&next_batch(&mut q, &limits)), [1]);
    }

    #[test]
    fn the_oldest_is_always_in_the_next_batch_so_nobody_starves() {
        // A long turn among a steady stream of short ones: it would never fit with them,
        // but it is served as soon as it is the oldest.
        let mut q = queue(&[8, 8, 120, 8, 8, 8, 8, 8, 8]);
        let mut next_id = q.len();
        let mut served_at = None;
        for round in 0..5 {
            let batch = next_batch(&mut q, &LIMITS);
            let oldest = batch.jobs.iter().map(|j| j.id).min().unwrap();
            assert!(
                q.iter().all(|j| j.id > oldest),
                "round {round}: an older one was left"
            );
            if ids(&batch).contains(&2) {
                served_at = Some(round);
                break;
            }
            for _ in 0..4 {
                q.push_back(Item {
                    id: next_id,
                    tokens: 8,
                    gone: false,
                });
                next_id += 1;
            }
        }
        assert_eq!(served_at, Some(1));
    }

    #[test]
    fn splits_when_padding_costs_more_than_a_run() {
        // One 100-token turn with three short ones: padding them all to 100 costs 300 padded
        // tokens, a second run costs 16.
        let mut q = queue(&[10, 100, 12, 11]);
        assert_eq!(ids(&next_batch(&mut q, &LIMITS)), [0, 2, 3]);
        // Close lengths share a run: 4 × 12 + 16 < 2 × 16 + 3 × 11 + 12.
        let mut q = queue(&[10, 12, 11, 11]);
        assert_eq!(next_batch(&mut q, &LIMITS).jobs.len(), 4);
    }

    #[test]
    fn abandoned_requests_are_dropped_unscored() {
        let mut q = queue(&[8, 8, 8, 8]);
        q[0].gone = true;
        q[2].gone = true;
        let batch = next_batch(&mut q, &LIMITS);
        assert_eq!(ids(&batch), [1, 3]);
        assert_eq!(batch.dropped, 2);

        let mut q = queue(&[8]);
        q[0].gone = true;
        let batch = next_batch(&mut q, &LIMITS);
        assert!(batch.jobs.is_empty());
        assert_eq!(batch.dropped, 1);
        assert!(q.is_empty());
    }

    #[test]
    fn leaves_the_rest_in_arrival_order() {
        let mut q = queue(&[8, 50, 8, 40, 8, 8, 8, 30]);
        next_batch(&mut q, &LIMITS);
        let left: Vec<usize> = q.iter().map(|j| j.id).collect();
        let mut sorted = left.clone();
        sorted.sort_unstable();
        assert_eq!(left, sorted);
    }

    #[test]
    fn an_empty_queue_gives_an_empty_batch() {
        let mut q: VecDeque<Item> = VecDeque::new();
        let batch = next_batch(&mut q, &LIMITS);
        assert!(batch.jobs.is_empty());
        assert_eq!(batch.dropped, 0);
    }
}
