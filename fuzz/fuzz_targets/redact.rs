//! Redaction never panics and never leaves a Luhn-valid 13–19 digit run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport::conversation::{luhn, redact};

fuzz_target!(|text: &str| {
    let redacted = redact(text);
    for run in redacted.split(|c: char| !c.is_ascii_digit()) {
        if (13..=19).contains(&run.len()) {
            assert!(!luhn(run.as_bytes()), "{text:?} → {redacted:?}");
        }
    }
});
