//! The fuzz run: each target's properties from random seeds until its wall-clock budget is
//! spent, `RAPPORT_FUZZ_SECONDS` (default 60) per target. Ignored by `cargo test`; `.ci/run`
//! runs it after the test suite:
//!
//! ```sh
//! RAPPORT_FUZZ_SECONDS=60 cargo test --release --lib fuzz::budget -- --ignored --test-threads=1 --nocapture
//! ```
//!
//! Rounds of 256 cases, each from its own seed: the first is `RAPPORT_FUZZ_SEED` when set (else
//! random, and printed), the next ones count up from it. A failure names its round's seed and
//! the fixed-seed test that reproduces it with `PROPTEST_RNG_SEED`.

use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::TestCaseResult;

use super::{CASES, env, properties, run};

/// One target's time and where its seeds start.
struct Budget {
    target: &'static str,
    seconds: f64,
    first_seed: u64,
}

impl Budget {
    fn from_env(target: &'static str) -> Self {
        let budget = Self {
            target,
            seconds: env("RAPPORT_FUZZ_SECONDS").unwrap_or(60.0),
            first_seed: env("RAPPORT_FUZZ_SEED").unwrap_or_else(rand::random),
        };
        println!(
            "fuzz {target}: {} s from RAPPORT_FUZZ_SEED={}",
            budget.seconds, budget.first_seed
        );
        budget
    }

    /// Runs `property` (the fixed-seed test `test` in `src/fuzz.rs`) in rounds until `share`
    /// of the budget is spent; panics at the first failure, naming how to reproduce it.
    fn spend<S: Strategy>(
        &self,
        share: f64,
        test: &str,
        strategy: S,
        property: impl Fn(S::Value) -> TestCaseResult,
    ) {
        let until = Duration::from_secs_f64(self.seconds * share);
        let started = Instant::now();
        let mut rounds = 0u64;
        while rounds == 0 || started.elapsed() < until {
            let seed = self.first_seed.wrapping_add(rounds);
            if let Err(failure) = run(&strategy, &property, seed, CASES) {
                panic!(
                    "fuzz {}: {test} failed after {rounds} rounds: {failure}\n\
                     reproduce: PROPTEST_RNG_SEED={seed} cargo test --release --lib fuzz::{test}",
                    self.target
                );
            }
            rounds += 1;
        }
        println!(
            "fuzz {}: {test}: {} cases in {:.1?}, no failure",
            self.target,
            rounds * u64::from(CASES),
            started.elapsed()
        );
    }
}

#[test]
#[ignore = "the wall-clock fuzz run of .ci/run (see src/fuzz/budget.rs)"]
fn redaction() {
    let budget = Budget::from_env("redaction");
    budget.spend(
        0.75,
        "redaction_leaves_no_card_number_iban_or_email",
        properties::sentence(),
        properties::no_card_number_iban_or_email_survives,
    );
    budget.spend(
        0.25,
        "redaction_never_panics_on_any_text",
        properties::any_text(),
        properties::redaction_does_not_panic,
    );
}

#[test]
#[ignore = "the wall-clock fuzz run of .ci/run (see src/fuzz/budget.rs)"]
fn decode() {
    let budget = Budget::from_env("decode");
    budget.spend(
        0.5,
        "arbitrary_bytes_decode_and_convert_without_panicking",
        properties::any_bytes(),
        properties::bytes_decode_and_convert_without_panicking,
    );
    budget.spend(
        0.5,
        "any_turn_message_converts_or_is_refused_without_panicking",
        properties::turn_message(),
        properties::turn_converts_or_is_refused,
    );
}

#[test]
#[ignore = "the wall-clock fuzz run of .ci/run (see src/fuzz/budget.rs)"]
fn state() {
    let budget = Budget::from_env("state");
    budget.spend(
        1.0,
        "state_and_policy_keep_their_invariants_on_any_turn_sequence",
        properties::turn_sequence(),
        properties::state_and_policy_keep_their_invariants,
    );
}
