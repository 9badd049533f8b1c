//! Personal data recognised by what comes before or around it rather than by its digits:
//! the secret after a CVV / PIN / password / passcode / one-time-code cue, the name after
//! "my name is", "I'm called", "this is … speaking", street addresses ("221B Baker Street",
//! "1600 Pennsylvania Ave NW"), the address after "my address is" / "I live at", and UK, US
//! and Canadian postcodes.

use std::sync::LazyLock;

use regex::Regex;

use super::Span;

/// A secret cue, its separator ("is", ":", "=") and the token after it.
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b(?:
            cvv2? | cvc2? | cvn | cid | csc | security\s+code | card\s+code
          | pin(?:\s*(?:code|number|no\.?))? | passcode | pass\s*word | passwd | pwd | passphrase
          | otp | one[\s-]*time\s+(?:code|password|pin|passcode) | verification\s+code
          | access\s+code | login\s+code | auth(?:entication)?\s+code | 2fa\s+code | sms\s+code
          | secret\s+(?:answer|word|code|question\s+answer) | memorable\s+word
        )s?\b
        (?P<sep>(?:\s*(?:is\b|was\b|would\s+be\b|should\s+be\b|=|:|\#|-))*\s*)
        (?P<secret>[^\s,;]+)",
    )
    .unwrap()
});

/// Words that follow a secret cue without being the secret ("my password is not working").
const NOT_SECRETS: &[&str] = &[
    "a",
    "again",
    "already",
    "an",
    "and",
    "any",
    "are",
    "being",
    "broken",
    "but",
    "can",
    "can't",
    "cannot",
    "changed",
    "code",
    "correct",
    "did",
    "didn't",
    "does",
    "doesn't",
    "expired",
    "field",
    "for",
    "from",
    "gone",
    "had",
    "has",
    "have",
    "i",
    "in",
    "incorrect",
    "invalid",
    "is",
    "isn't",
    "it",
    "just",
    "keeps",
    "locked",
    "lost",
    "my",
    "never",
    "no",
    "not",
    "now",
    "number",
    "of",
    "on",
    "or",
    "please",
    "reset",
    "right",
    "same",
    "sent",
    "should",
    "still",
    "that",
    "the",
    "this",
    "to",
    "too",
    "update",
    "was",
    "wasn't",
    "what",
    "where",
    "which",
    "why",
    "will",
    "with",
    "won't",
    "working",
    "wrong",
    "you",
    "your",
];

/// Name cues: after these, the next one to three words are a name.
static NAME_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:my\s+name\s+is|my\s+name's|name\s*:|i\s+am\s+called|i'm\s+called|im\s+called|they\s+call\s+me|my\s+friends\s+call\s+me)\s+(?P<name>[\p{L}][\p{L}'’\-]*(?:\s+[\p{L}][\p{L}'’\-]*){0,2})",
    )
    .unwrap()
});

/// Cues after which only capitalised words count as a name ("call me Jim", not "call me back";
/// "Thanks, Priya", not "thanks, appreciate it").
static CAPITALISED_NAME_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\b[Tt]his\s+is|\b[Ii]t's|\b(?:[Hh]i|[Hh]ello|[Hh]ey),?\s+(?:[Ii]'m|[Ii]\s+am|[Ii]m)|\b[Cc]all\s+me|\b(?:[Tt]hanks|[Rr]egards|[Cc]heers|[Bb]est),)\s+(?P<name>\p{Lu}[\p{L}'’\-]*(?:\s+\p{Lu}[\p{L}'’\-]*){0,2})(?P<after>\s+(?:speaking|here)\b)?",
    )
    .unwrap()
});

/// Words after a name cue that end the name ("my name is Jane and I …").
const NOT_NAMES: &[&str] = &[
    "a", "about", "after", "again", "also", "am", "an", "and", "as", "at", "because", "but", "by",
    "calling", "can", "could", "for", "from", "had", "has", "have", "here", "how", "i", "i'm",
    "im", "in", "is", "it", "just", "me", "my", "not", "now", "of", "on", "or", "please", "so",
    "speaking", "still", "that", "the", "this", "to", "too", "was", "we", "what", "when", "where",
    "who", "why", "will", "with", "would", "you", "your",
];

/// A house number, one to four street-name words and a street type, optionally a direction.
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)\b\d{1,5}[a-z]?,?\s+
        (?P<words>(?:[\p{L}][\p{L}'’.\-]*\s+){1,4})
        (?:street|st|avenue|ave|av|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl
          |square|sq|terrace|terr|way|close|crescent|cres|parkway|pkwy|highway|hwy|gardens|grove
          |row|mews|hill|walk|alley|circle|cir|trail|rue|strasse|straße|str|weg|platz|gasse|allee)\b\.?
        (?:\s+(?:nw|ne|sw|se|n|s|e|w)\b)?
        (?:,?\s+(?:apt|apartment|suite|ste|unit|flat|\#)\.?\s*[a-z0-9\-]+)?",
    )
    .unwrap()
});

/// Words that show a "number … street" match is not an address ("3 days on the street").
const NOT_STREET_WORDS: &[&str] = &[
    "a", "and", "at", "days", "down", "hours", "in", "items", "minutes", "months", "of", "on",
    "or", "the", "times", "to", "weeks", "years",
];

/// "My address is …", "I live at …": the rest of the sentence.
static ADDRESS_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:my\s+(?:home\s+|postal\s+|street\s+|billing\s+|shipping\s+|delivery\s+|new\s+|old\s+)?address\s*(?:is|was|:)|address\s*:|i\s+live\s+at|i\s+live\s+on|i\s+moved\s+to)\s*(?P<address>[^.!?\n]{1,100})",
    )
    .unwrap()
});

/// UK (SW1A 1AA), Canadian (K1A 0B1) postcodes; US ZIP codes after a state abbreviation.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s?\d[a-z]\d)\b|\b(?-i:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[AEDINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY])\s+\d{5}(?:-\d{4})?\b",
    )
    .unwrap()
});

pub fn find(text: &str, spans: &mut Vec<Span>) {
    for found in SECRET.captures_iter(text) {
        let (sep, secret) = (&found["sep"], found.name("secret").unwrap());
        let token = secret
            .as_str()
            .trim_end_matches(['.', '!', '?', ')', '"', '\'']);
        if token.is_empty() || NOT_SECRETS.contains(&token.to_lowercase().as_str()) {
            continue;
        }
        // Without "is" or ":" only something secret-looking counts ("pin 4321", not "pin it").
        let explicit = !sep.trim().is_empty();
        if explicit || token.chars().any(|c| !c.is_alphabetic()) {
            spans.push(Span::new(
                secret.start()..secret.start() + token.len(),
                "[SECRET]",
            ));
        }
    }
    for found in NAME_CUE.captures_iter(text) {
        name(found.name("name").unwrap(), spans);
    }
    for found in CAPITALISED_NAME_CUE.captures_iter(text) {
        let cue = found.get(0).unwrap().as_str().to_lowercase();
        // "This is Jane" alone may be "This is Terrible"; it needs "speaking"/"here".
        if (cue.starts_with("this is") || cue.starts_with("it's")) && found.name("after").is_none()
        {
            continue;
        }
        name(found.name("name").unwrap(), spans);
    }
    for found in STREET.captures_iter(text) {
        let words = found["words"].to_lowercase();
        if words
            .split_whitespace()
            .any(|w| NOT_STREET_WORDS.contains(&w))
        {
            continue;
        }
        spans.push(Span::new(found.get(0).unwrap().range(), "[ADDRESS]"));
    }
    for found in ADDRESS_CUE.captures_iter(text) {
        let address = found.name("address").unwrap();
        let trimmed = address.as_str().trim_end();
        if !trimmed.is_empty() {
            spans.push(Span::new(
                address.start()..address.start() + trimmed.len(),
                "[ADDRESS]",
            ));
        }
    }
    for found in POSTCODE.find_iter(text) {
        // A postcode has digits; "SW1A 1AA" does, "on 2nd" cannot match.
        spans.push(Span::new(found.range(), "[POSTCODE]"));
    }
}

/// The name words up to the first word that cannot be part of a name.
fn name(found: regex::Match<'_>, spans: &mut Vec<Span>) {
    let mut end = found.start();
    for word in found.as_str().split_whitespace() {
        let bare = word.trim_end_matches(['\'', '’', '-']);
        if NOT_NAMES.contains(&bare.to_lowercase().as_str()) {
            break;
        }
        let offset = found.as_str()[end - found.start()..]
            .find(word)
            .expect("the word is in the match");
        end += offset + bare.len();
    }
    if end > found.start() {
        spans.push(Span::new(found.start()..end, "[NAME]"));
    }
}
