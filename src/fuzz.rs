//! Property tests (proptest) of the three fuzz targets: wire bytes → domain conversion,
//! conversation state and policy on random turn sequences, redaction (`properties`).
//!
//! `cargo test` runs each property on 256 cases from a fixed seed, so a run is reproducible;
//! `PROPTEST_RNG_SEED` and `PROPTEST_CASES` explore other and longer sequences. `budget` runs the
//! same properties from random seeds for a wall-clock budget (`.ci/run` gives each target 60 s),
//! and names the seed of any failure so the fixed-seed test above reproduces it. `fuzz/` runs
//! the same targets under cargo-fuzz (nightly).

mod budget;
mod properties;

use proptest::strategy::Strategy;
use proptest::test_runner::{
    Config as ProptestConfig, RngSeed, TestCaseResult, TestError, TestRunner,
};

/// Cases per run, in the fixed-seed tests and in each round of the budget.
const CASES: u32 = 256;

/// The seed of the fixed-seed tests: `PROPTEST_RNG_SEED` when set.
const FIXED_SEED: u64 = 20_261_127;

/// Runs `property` on `cases` inputs of `strategy` drawn from `seed`; the failure, shrunk to a
/// minimal input, as a message.
fn run<S: Strategy>(
    strategy: &S,
    property: impl Fn(S::Value) -> TestCaseResult,
    seed: u64,
    cases: u32,
) -> Result<(), String> {
    let config = ProptestConfig {
        rng_seed: RngSeed::Fixed(seed),
        // Nothing written to proptest-regressions/: a failure names its input and seed, and the
        // case becomes a row of the redaction table.
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    };
    match TestRunner::new(config).run(strategy, property) {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, input)) => Err(format!("{reason}\nminimal input: {input:?}")),
        Err(TestError::Abort(reason)) => Err(format!("aborted: {reason}")),
    }
}

/// The environment variable `name`, parsed; `None` when unset or unreadable.
fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// `property` on 256 cases (`PROPTEST_CASES`) from the fixed seed (`PROPTEST_RNG_SEED`).
fn fixed<S: Strategy>(strategy: S, property: impl Fn(S::Value) -> TestCaseResult) {
    let seed = env("PROPTEST_RNG_SEED").unwrap_or(FIXED_SEED);
    let cases = env("PROPTEST_CASES").unwrap_or(CASES);
    if let Err(failure) = run(&strategy, property, seed, cases) {
        panic!("seed {seed}: {failure}");
    }
}

#[test]
fn redaction_leaves_no_card_number_iban_or_email() {
    fixed(
        properties::sentence(),
        properties::no_card_number_iban_or_email_survives,
    );
}

#[test]
fn redaction_never_panics_on_any_text() {
    fixed(properties::any_text(), properties::redaction_does_not_panic);
}

#[test]
fn arbitrary_bytes_decode_and_convert_without_panicking() {
    fixed(
        properties::any_bytes(),
        properties::bytes_decode_and_convert_without_panicking,
    );
}

#[test]
fn any_turn_message_converts_or_is_refused_without_panicking() {
    fixed(
        properties::turn_message(),
        properties::turn_converts_or_is_refused,
    );
}

#[test]
fn state_and_policy_keep_their_invariants_on_any_turn_sequence() {
    fixed(
        properties::turn_sequence(),
        properties::state_and_policy_keep_their_invariants,
    );
}
