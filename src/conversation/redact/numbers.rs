//! Numbers that identify someone: payment cards (Luhn-checked, any separators), IBANs
//! (mod-97-checked, country code included), phone numbers (international, parenthesised area
//! codes, North American and trunk-0 national shapes, or any 7–15 digits after a phone cue),
//! US social security numbers, and any run of 20 or more digits. Order numbers that fail the
//! Luhn check, dates, times and prices are left alone.

use std::sync::LazyLock;

use regex::Regex;

use super::Span;

/// Digits with the separators people type inside numbers between them.
static DIGIT_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[ \-._/]{0,3}\d)*").unwrap());

static IBAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}\b").unwrap());

/// Phone shapes that need no cue. Digits are counted afterwards (7–15, E.164's maximum).
static PHONE_SHAPES: LazyLock<[Regex; 4]> = LazyLock::new(|| {
    [
        // +44 20 7946 0958, 0049 30 123456, +1 (415) 555-0134
        r"(?:\+|\b00)[1-9]\d{0,2}(?:[ .\-/]{0,3}(?:\(\d{1,5}\)|\d{1,6}))+",
        // (555) 123-4567, (020) 7946 0958
        r"\(\d{2,5}\)[ .\-]{0,3}\d{2,5}(?:[ .\-]{0,2}\d{2,5}){1,2}",
        // 555-123-4567, 555.123.4567, 555 123 4567
        r"\b\d{3}[ .\-]\d{3}[ .\-]\d{4}\b",
        // 020 7946 0958, 07700 900123
        r"\b0\d{1,4}[ \-]\d{3,4}[ \-]?\d{3,4}\b",
    ]
    .map(|pattern| Regex::new(pattern).unwrap())
});

/// A phone cue, then the number within a few characters.
static PHONE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:phone|mobile|cell|tel\b|telephone|whats\s*app|my\s*number|call\s+me|text\s+me|reach\s+me|ring\s+me|contact\s+me|fax)[^\d+]{0,20}?(\+?\d(?:[ .\-/()]{0,3}\d)*)",
    )
    .unwrap()
});

static SSN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d{3}-\d{2}-\d{4}\b").unwrap());

fn digits(text: &str) -> usize {
    text.bytes().filter(u8::is_ascii_digit).count()
}

/// The Luhn checksum of a digit string.
pub fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The IBAN checksum: the country code and check digits moved to the end, letters as 10–35,
/// the whole number mod 97 is 1.
fn iban_valid(iban: &str) -> bool {
    let compact: Vec<u8> = iban
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u32 = 0;
    for &b in tail.iter().chain(head) {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return false,
        };
        let width = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * width + value) % 97;
    }
    remainder == 1
}

pub fn find(text: &str, spans: &mut Vec<Span>) {
    for found in IBAN.find_iter(text) {
        // The pattern may run on into following words: the longest valid prefix is the IBAN.
        let ends: Vec<usize> = found
            .as_str()
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphanumeric())
            .map(|(i, _)| found.start() + i + 1)
            .collect();
        let valid = (15..=ends.len().min(34))
            .rev()
            .find(|&n| iban_valid(&text[found.start()..ends[n - 1]]));
        if let Some(n) = valid {
            spans.push(Span::new(found.start()..ends[n - 1], "[IBAN]"));
        }
    }
    for run in DIGIT_RUN.find_iter(text) {
        cards_in(text, run.range(), spans);
    }
    for shape in PHONE_SHAPES.iter() {
        for found in shape.find_iter(text) {
            // "00" is the international call prefix, not part of the number.
            let prefix = if found.as_str().starts_with("00") {
                2
            } else {
                0
            };
            if (7..=15).contains(&(digits(found.as_str()) - prefix)) {
                spans.push(Span::new(found.range(), "[PHONE]"));
            }
        }
    }
    for cued in PHONE_CUE.captures_iter(text) {
        let number = cued.get(1).expect("group 1 always takes part");
        if (7..=15).contains(&digits(number.as_str())) {
            spans.push(Span::new(number.range(), "[PHONE]"));
        }
    }
    for found in SSN.find_iter(text) {
        spans.push(Span::new(found.range(), "[SSN]"));
    }
}

/// Cards inside one run of digit groups: the longest Luhn-valid stretch of 13–19 digits
/// starting at each group, whole groups only (so a 16-digit order number failing Luhn stays,
/// and a card followed by its CVV is still found). A run of 20 or more digits with no card in
/// it is redacted whole.
fn cards_in(text: &str, run: std::ops::Range<usize>, spans: &mut Vec<Span>) {
    let slice = &text[run.clone()];
    if digits(slice) < 13 {
        return;
    }
    // (start, end, digits) of each group of consecutive digits, as byte offsets in `text`.
    let mut groups: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for (i, b) in slice.bytes().enumerate() {
        if b.is_ascii_digit() {
            match groups.last_mut() {
                Some((_, end, ds)) if *end == run.start + i => {
                    *end += 1;
                    ds.push(b);
                }
                _ => groups.push((run.start + i, run.start + i + 1, vec![b])),
            }
        }
    }
    let mut found_card = false;
    let mut i = 0;
    while i < groups.len() {
        let mut all: Vec<u8> = Vec::new();
        let mut best = None;
        for (j, group) in groups.iter().enumerate().skip(i) {
            all.extend_from_slice(&group.2);
            if all.len() > 19 {
                break;
            }
            if all.len() >= 13 && luhn(&all) {
                best = Some(j);
            }
        }
        match best {
            Some(j) => {
                spans.push(Span::new(groups[i].0..groups[j].1, "[CARD]"));
                found_card = true;
                i = j + 1;
            }
            None => i += 1,
        }
    }
    if !found_card && digits(slice) >= 20 {
        spans.push(Span::new(run, "[NUMBER]"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"5500000000000004"));
        assert!(luhn(b"378282246310005"));
        assert!(!luhn(b"1234567890123456"));
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(iban_valid("DE89370400440532013000"));
        assert!(!iban_valid("GB82 WEST 1234 5698 7654 33"));
    }
}
