//! Removes personal data from text before it is kept or sent anywhere: e-mail addresses,
//! card numbers (13–19 digits) and phone numbers (7–12 digits), with or without separators.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}").unwrap());

/// A run of digits with the separators people type inside numbers.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\+?\(?\d[\d\s().\-/]*\d").unwrap());

/// Returns `text` with e-mails, card numbers and phone numbers replaced by placeholders.
pub fn redact(text: &str) -> Cow<'_, str> {
    let text = EMAIL.replace_all(text, "[EMAIL]");
    match NUMBER.replace_all(&text, |caps: &Captures| mask_number(&caps[0])) {
        Cow::Borrowed(_) => text,
        Cow::Owned(redacted) => Cow::Owned(redacted),
    }
}

fn mask_number(number: &str) -> String {
    match number.chars().filter(char::is_ascii_digit).count() {
        0..=6 => number.to_string(),
        7..=12 => "[PHONE]".into(),
        13..=19 => "[CARD]".into(),
        _ => "[NUMBER]".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_emails_phones_and_cards() {
        let text = "I'm jane.doe+shop@example.co.uk, call +1 (415) 555-0134 or 020 7946 0958; \
                    card 4111 1111 1111 1111 and 5500-0000-0000-0004";
        let redacted = redact(text);
        assert_eq!(
            redacted,
            "I'm [EMAIL], call [PHONE] or [PHONE]; card [CARD] and [CARD]"
        );
    }

    #[test]
    fn keeps_short_numbers_and_plain_text() {
        assert_eq!(
            redact("I ordered 2 items on 12/03, order 4471"),
            "I ordered 2 items on 12/03, order 4471"
        );
    }

    #[test]
    fn a_number_glued_to_words_is_still_caught() {
        assert_eq!(redact("mynumberis5551234567ok"), "mynumberis[PHONE]ok");
    }
}
