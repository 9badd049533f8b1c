//! Removes personal data from text before it is kept or sent anywhere. Every text that leaves
//! the service (assessments' cues, signals and their handoff, `GetConversation`, the audit
//! file) is built from the redacted form; the raw text is only scored.
//!
//! Look-alike characters are folded first (full-width digits, en dashes, zero-width spaces:
//! `normalise`), then detectors mark spans: e-mails; cards, IBANs, phones, SSNs and long digit
//! runs (`numbers`); secrets after CVV/PIN/password cues, names after name cues, street
//! addresses and postcodes (`context`). Overlapping spans are merged and each is replaced by
//! its placeholder: `[EMAIL]`, `[CARD]`, `[IBAN]`, `[PHONE]`, `[SSN]`, `[NUMBER]`, `[SECRET]`,
//! `[NAME]`, `[ADDRESS]`, `[POSTCODE]`. README "Security / Redaction" lists what is not caught.

mod context;
mod normalise;
mod numbers;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

pub use numbers::luhn;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}").unwrap()
});

/// A stretch of text to replace.
struct Span {
    range: Range<usize>,
    placeholder: &'static str,
}

impl Span {
    fn new(range: Range<usize>, placeholder: &'static str) -> Self {
        Self { range, placeholder }
    }
}

/// Returns `text` with personal data replaced by placeholders; borrowed when nothing changed
/// (and nothing needed folding).
pub fn redact(text: &str) -> Cow<'_, str> {
    let normalised = normalise::normalise(text);
    let mut spans = Vec::new();
    for found in EMAIL.find_iter(&normalised) {
        spans.push(Span::new(found.range(), "[EMAIL]"));
    }
    numbers::find(&normalised, &mut spans);
    context::find(&normalised, &mut spans);
    if spans.is_empty() {
        return normalised;
    }
    // Earliest first, the longest of those first; an overlapping span widens the one before.
    spans.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.range.start < last.range.end => {
                last.range.end = last.range.end.max(span.range.end);
            }
            _ => merged.push(span),
        }
    }
    let mut out = String::with_capacity(normalised.len());
    let mut at = 0;
    for span in merged {
        out.push_str(&normalised[at..span.range.start]);
        out.push_str(span.placeholder);
        at = span.range.end;
    }
    out.push_str(&normalised[at..]);
    Cow::Owned(out)
}
