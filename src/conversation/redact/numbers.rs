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

/// A country code and check digits not straight after a letter or digit (after `_` or a
/// combining mark too, which `\b` counts as word characters), then up to 30 characters; how
/// many of them belong to the IBAN is decided by its country's length, so it may run straight
/// into a word, `_` or digits after it.
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\p{L}\p{N}])([A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30})").unwrap()
});

/// [`IBAN`] without what may come before it: the next IBAN straight after one.
static IBAN_GLUED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}").unwrap());

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
    sum.is_multiple_of(10)
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

/// IBAN lengths by country (the SWIFT IBAN registry), so an IBAN glued to the digits after it
/// ends where it should rather than wherever a longer prefix happens to pass mod-97.
#[rustfmt::skip]
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
    ("BG", 22), ("BH", 22), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28),
    ("CZ", 24), ("DE", 22), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24),
    ("FI", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18),
    ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23),
    ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32),
    ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24), ("ME", 22),
    ("MK", 19), ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24),
    ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24),
    ("SC", 31), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("ST", 25), ("SV", 28),
    ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
];

/// Finds numbers in `text`; `spans` holds what was found before (e-mails). Digits already
/// inside an e-mail or an IBAN are masked before cards and phones are looked for, so neither
/// starts inside them: a stretch running from an IBAN's digits into the card typed straight
/// after it passes Luhn one time in ten and would swallow the card's first group.
pub fn find(text: &str, spans: &mut Vec<Span>) {
    let masked = mask(text, spans);
    ibans(&masked, spans);
    let masked = mask(text, spans);
    let text = masked.as_str();
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

/// `text` with every span blanked out by spaces, byte for byte, so offsets stay the same.
fn mask(text: &str, spans: &[Span]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        bytes[span.range.clone()].fill(b' ');
    }
    String::from_utf8(bytes).expect("spans cover whole characters")
}

/// IBANs in `text`. A candidate that holds no valid IBAN is skipped by one character only, not
/// as a whole: an IBAN-shaped run of letters and digits before a real IBAN ("AA11 A0MA 0003 KAF
/// GB82 WEST …") would otherwise swallow it.
fn ibans(text: &str, spans: &mut Vec<Span>) {
    let mut at = 0;
    while let Some(captures) = IBAN.captures_at(text, at) {
        let found = captures.get(1).expect("group 1 always takes part");
        match iban_in(text, found) {
            Some(mut end) => {
                spans.push(Span::new(found.start()..end, "[IBAN]"));
                // IBANs typed one straight after another.
                while let Some(next) = IBAN_GLUED.find_at(text, end).filter(|m| m.start() == end)
                    && let Some(next_end) = iban_in(text, next)
                {
                    spans.push(Span::new(next.start()..next_end, "[IBAN]"));
                    end = next_end;
                }
                at = end;
            }
            None => {
                let first = found.as_str().chars().next().expect("a country code");
                at = found.start() + first.len_utf8();
            }
        }
    }
}

/// Where the IBAN starting at `found` ends: the pattern may run on into following words and
/// digits, so the IBAN is as long as its country's, or (a country not listed) the longest
/// prefix that passes mod-97.
fn iban_in(text: &str, found: regex::Match<'_>) -> Option<usize> {
    let ends: Vec<usize> = found
        .as_str()
        .char_indices()
        .filter(|(_, c)| c.is_ascii_alphanumeric())
        .map(|(i, _)| found.start() + i + 1)
        .collect();
    // Case-insensitive `[A-Z]` also matches the Kelvin sign and long s: no byte slicing.
    let country: String = found.as_str().chars().take(2).collect();
    let country = country.to_ascii_uppercase();
    let lengths = match IBAN_LENGTHS.iter().find(|(code, _)| *code == country) {
        Some(&(_, length)) => length..=length,
        None => 15..=34,
    };
    lengths
        .rev()
        .filter(|&n| n <= ends.len())
        .find(|&n| iban_valid(&text[found.start()..ends[n - 1]]))
        .map(|n| ends[n - 1])
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
