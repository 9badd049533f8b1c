//! Removes personal data from text before it is kept or sent anywhere. Every text that leaves
//! the service (assessments' cues, signals and their handoff, `GetConversation`, the audit
//! file) is built from the redacted form; the raw text is only scored.
//!
//! Look-alike characters are folded first (full-width digits, en dashes, zero-width spaces:
//! `normalise`), then detectors mark spans: e-mails; cards, IBANs, phones, SSNs and long digit
//! runs (`numbers`); secrets after CVV/PIN/password cues, names after name cues, street
//! addresses and postcodes (`context`). Overlapping spans are merged and each is replaced by
//! its placeholder, and detection runs again on the result until it finds nothing new (data
//! that ran straight into other data stands alone once its neighbour is replaced): `[EMAIL]`, `[CARD]`, `[IBAN]`, `[PHONE]`, `[SSN]`, `[NUMBER]`, `[SECRET]`,
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

/// Most detection rounds per text: each round that finds something splits the digit runs
/// around it, so data that ran straight into other data shows up in the next round. A text
/// without personal data takes one round, one with some usually two.
const ROUNDS: usize = 8;

/// Returns `text` with personal data replaced by placeholders; borrowed when nothing changed
/// (and nothing needed folding).
pub fn redact(text: &str) -> Cow<'_, str> {
    let normalised = normalise::normalise(text);
    let Some(mut redacted) = once(&normalised) else {
        return normalised;
    };
    // A span cut out of a digit run leaves the digits beside it as a run of their own (an IBAN
    // running straight into a card; "+44 20 7946 0958 4111 1111 1111 1111" is one run, too long
    // for a phone, until the card is gone): look again until nothing more is found.
    for _ in 1..ROUNDS {
        match once(&redacted) {
            Some(again) if again != redacted => redacted = again,
            _ => break,
        }
    }
    Cow::Owned(redacted)
}

/// One round: every detector over `normalised`, overlapping spans merged and replaced;
/// `None` when nothing was found.
fn once(normalised: &str) -> Option<String> {
    let mut spans = Vec::new();
    for found in EMAIL.find_iter(normalised) {
        spans.push(Span::new(found.range(), "[EMAIL]"));
    }
    numbers::find(normalised, &mut spans);
    context::find(normalised, &mut spans);
    if spans.is_empty() {
        return None;
    }
    // Earliest first, the longest of those first; an overlapping span widens the one before,
    // and the longest span of a merged group names it (a card whose first groups also look
    // like a national phone number is a card).
    spans.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    let mut merged: Vec<(Span, usize)> = Vec::with_capacity(spans.len());
    for span in spans {
        let len = span.range.len();
        match merged.last_mut() {
            Some((last, longest)) if span.range.start < last.range.end => {
                last.range.end = last.range.end.max(span.range.end);
                if len > *longest {
                    (last.placeholder, *longest) = (span.placeholder, len);
                }
            }
            _ => merged.push((span, len)),
        }
    }
    let mut out = String::with_capacity(normalised.len());
    let mut at = 0;
    for (span, _) in merged {
        out.push_str(&normalised[at..span.range.start]);
        out.push_str(span.placeholder);
        at = span.range.end;
    }
    out.push_str(&normalised[at..]);
    Some(out)
}
