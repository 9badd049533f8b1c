//! Folds the look-alike characters people (and evasive input) put in numbers and addresses
//! into their ASCII forms, so one set of patterns sees them all: full-width and other Unicode
//! decimal digits, dash and hyphen variants, full-width `@ + ( ) . -`, non-breaking and thin
//! spaces. Invisible characters (zero-width spaces and joiners, soft hyphens, BOM) are dropped.

use std::borrow::Cow;

/// `text` with look-alikes folded; borrowed when there is nothing to fold.
pub fn normalise(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter_map(fold).collect())
}

/// The ASCII form of `c`, `c` itself, or `None` to drop it.
fn fold(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    if let Some(digit) = unicode_digit(c) {
        return Some(char::from(b'0' + digit));
    }
    Some(match c {
        // Dashes and hyphens: hyphen, non-breaking hyphen, figure dash, en dash, em dash,
        // horizontal bar, minus sign, small and full-width hyphen-minus.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        // Spaces that are not ASCII spaces.
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => ' ',
        // Invisible: zero-width space/non-joiner/joiner, word joiner, soft hyphen, BOM.
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{00AD}' | '\u{FEFF}' => {
            return None;
        }
        // Full-width ASCII punctuation and letters (U+FF01..U+FF5E).
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{FE6B}' => '@',
        '\u{2024}' | '\u{FE52}' => '.',
        _ => c,
    })
}

/// The value of a decimal digit of a common script (full-width, Arabic-Indic, Devanagari,
/// Bengali, Thai, …): Unicode lays each script's digits out as ten consecutive code points.
fn unicode_digit(c: char) -> Option<u8> {
    const ZEROS: [u32; 10] = [
        0xFF10, // full-width
        0x0660, // Arabic-Indic
        0x06F0, // extended Arabic-Indic (Persian, Urdu)
        0x0966, // Devanagari
        0x09E6, // Bengali
        0x0A66, // Gurmukhi
        0x0AE6, // Gujarati
        0x0BE6, // Tamil
        0x0E50, // Thai
        0x1040, // Myanmar
    ];
    let code = c as u32;
    // Mathematical bold, double-struck, sans-serif, sans-serif bold and monospace digits.
    if (0x1D7CE..=0x1D7FF).contains(&code) {
        return Some(((code - 0x1D7CE) % 10) as u8);
    }
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .map(|&zero| (code - zero) as u8)
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn folds_look_alikes_and_drops_invisible_characters() {
        for (input, expected) in [
            ("plain ascii 4111-1111", "plain ascii 4111-1111"),
            ("４１１１ １１１１", "4111 1111"),
            ("4111–1111—1111−1111", "4111-1111-1111-1111"),
            ("٤١١١", "4111"),
            ("४१११", "4111"),
            ("\u{1D7D2}\u{1D7CF}", "41"),
            ("41\u{200B}11\u{00AD}11", "411111"),
            ("jane＠example．com", "jane@example.com"),
            ("＋４４\u{00A0}20", "+44 20"),
            ("café déjà vu", "café déjà vu"),
        ] {
            assert_eq!(normalise(input), expected, "{input}");
        }
    }
}
