//! What is redacted and what is left alone, as a table of input → expected output.

use super::redact;

const CASES: &[(&str, &str)] = &[
    // E-mails, including folded full-width @ and non-ASCII local parts.
    ("mail jane.doe+shop@example.co.uk now", "mail [EMAIL] now"),
    ("jane＠example．com", "[EMAIL]"),
    ("write to josé.núñez@correo.es", "write to [EMAIL]"),
    // Cards: Luhn-valid 13–19 digits with any separator or digit form.
    ("card 4111 1111 1111 1111", "card [CARD]"),
    ("card 5500-0000-0000-0004", "card [CARD]"),
    ("card 4111–1111–1111–1111", "card [CARD]"),
    ("card 4111—1111—1111—1111", "card [CARD]"),
    ("card 4111_1111_1111_1111", "card [CARD]"),
    ("card 4111.1111.1111.1111", "card [CARD]"),
    ("card 4111/1111/1111/1111", "card [CARD]"),
    ("card ４１１１ １１１１ １１１１ １１１１", "card [CARD]"),
    (
        "card 4111\u{200B}1111\u{200B}1111\u{200B}1111",
        "card [CARD]",
    ),
    ("card 4111111111111111.", "card [CARD]."),
    ("amex 3782 822463 10005", "amex [CARD]"),
    ("card4111111111111111thanks", "card[CARD]thanks"),
    ("4111 1111 1111 1111 737 exp 12/27", "[CARD] 737 exp 12/27"),
    // ... and the CVV after its cue.
    ("4111 1111 1111 1111 cvv 737", "[CARD] cvv [SECRET]"),
    ("my cvv is 737", "my cvv is [SECRET]"),
    ("CVC: 123", "CVC: [SECRET]"),
    ("security code 0421", "security code [SECRET]"),
    // Not cards: Luhn fails, too short, dates, prices, times.
    (
        "order 1234567890123456 is late",
        "order 1234567890123456 is late",
    ),
    (
        "order 1234 5678 9012 3456 is late",
        "order 1234 5678 9012 3456 is late",
    ),
    (
        "I ordered 2 items on 12/03, order 4471",
        "I ordered 2 items on 12/03, order 4471",
    ),
    (
        "it cost $1,249.99 on 2024-03-12 at 10:30",
        "it cost $1,249.99 on 2024-03-12 at 10:30",
    ),
    (
        "delivery between 09:00 and 17:30 on 03.11.2025",
        "delivery between 09:00 and 17:30 on 03.11.2025",
    ),
    ("ticket 48213 and case 9921", "ticket 48213 and case 9921"),
    ("I paid £49.99 twice", "I paid £49.99 twice"),
    // Long digit runs are never left: a 20+ digit run without a card is redacted whole.
    ("ref 12345678901234567890123", "ref [NUMBER]"),
    // PINs, passwords, passcodes, one-time codes.
    ("my pin is 4821", "my pin is [SECRET]"),
    ("pin 4821", "pin [SECRET]"),
    ("my password is hunter2", "my password is [SECRET]"),
    (
        "my password is Tr0ub4dor&3, please reset",
        "my password is [SECRET], please reset",
    ),
    ("password: correcthorse", "password: [SECRET]"),
    ("passcode = 998877", "passcode = [SECRET]"),
    (
        "the one-time code is 552901",
        "the one-time code is [SECRET]",
    ),
    ("verification code 552901", "verification code [SECRET]"),
    ("OTP: 552901", "OTP: [SECRET]"),
    // ... but not words that merely follow the cue.
    ("my password is not working", "my password is not working"),
    (
        "I forgot my password and cannot log in",
        "I forgot my password and cannot log in",
    ),
    ("password reset link expired", "password reset link expired"),
    ("can you pin it to the top", "can you pin it to the top"),
    // IBAN whole, country code included.
    (
        "IBAN GB82 WEST 1234 5698 7654 32 please",
        "IBAN [IBAN] please",
    ),
    ("iban: DE89370400440532013000", "iban: [IBAN]"),
    ("FR14 2004 1010 0505 0001 3M02 606", "[IBAN]"),
    // ... followed by `_` or a long word, after `_` or a combining mark (found by the property
    // tests with random seeds: `\b` counts `_` and marks as letters, so these were left whole).
    ("GB82WEST12345698765432_", "[IBAN]_"),
    ("iban_DE89370400440532013000", "iban_[IBAN]"),
    ("\u{11a33}GB82WEST12345698765432", "\u{11a33}[IBAN]"),
    (
        "GB82WEST12345698765432thankyouverymuchforallyourhelp",
        "[IBAN]thankyouverymuchforallyourhelp",
    ),
    // ... several typed one straight after another, after digits.
    (
        "000 000 000 000 0 000868 414 971 768 631 73NL46P15AYQK421HIW0NL10NLF86K56SK1XMJNL4791BQ89C9X796NB ",
        "[CARD] [NUMBER][IBAN][IBAN][IBAN] ",
    ),
    (
        "IBANs NL46P15AYQK421HIW0NL10NLF86K56SK1XMJNL4791BQ89C9X796NB",
        "IBANs [IBAN][IBAN][IBAN]",
    ),
    // ... more of them than there are detection rounds: found in one.
    (
        "GB82WEST12345698765432GB82WEST12345698765432GB82WEST12345698765432\
         GB82WEST12345698765432GB82WEST12345698765432GB82WEST12345698765432\
         GB82WEST12345698765432GB82WEST12345698765432GB82WEST12345698765432",
        "[IBAN][IBAN][IBAN][IBAN][IBAN][IBAN][IBAN][IBAN][IBAN]",
    ),
    // ... after a run shaped like an IBAN that is none.
    (
        "AA11 A0MA 0003 4NLC KAF GB82 WEST 1234 5698 7654 32",
        "AA11 A0MA 0003 4NLC KAF [IBAN]",
    ),
    (
        "a@a.comFR59 AAA0 AA11 A0MA 0003 4NLC KAF GB82WEST12345698765432",
        "[EMAIL]59 AAA0 AA11 A0MA 0003 4NLC KAF [IBAN]",
    ),
    // Phones: international, parenthesised, North American, trunk-0 national, after a cue.
    ("call +44 20 7946 0958 today", "call [PHONE] today"),
    ("call +1 (415) 555-0134", "call [PHONE]"),
    ("(555) 123-4567 is my cell", "[PHONE] is my cell"),
    ("ring 0049 30 1234567", "ring [PHONE]"),
    ("0049-30-1234567", "[PHONE]"),
    ("555-123-4567", "[PHONE]"),
    ("555.123.4567", "[PHONE]"),
    ("020 7946 0958", "[PHONE]"),
    ("07700 900123", "[PHONE]"),
    ("+33 1 42 68 53 00", "[PHONE]"),
    ("＋４４ ２０ ７９４６ ０９５８", "[PHONE]"),
    ("my number is 5551234567", "my number is [PHONE]"),
    ("mynumberis5551234567ok", "mynumberis[PHONE]ok"),
    ("text me on 5551234", "text me on [PHONE]"),
    ("whatsapp 612345678", "whatsapp [PHONE]"),
    // SSN.
    ("ssn 123-45-6789", "ssn [SSN]"),
    // Street addresses and postcodes.
    ("I live at 221B Baker Street, London", "I live at [ADDRESS]"),
    ("send it to 221B Baker Street", "send it to [ADDRESS]"),
    (
        "deliver to 1600 Pennsylvania Ave NW please",
        "deliver to [ADDRESS] please",
    ),
    (
        "it went to 10 downing st. by mistake",
        "it went to [ADDRESS] by mistake",
    ),
    ("at 42 Wallaby Way, Sydney", "at [ADDRESS], Sydney"),
    ("12 Main Street Apt 4B", "[ADDRESS]"),
    (
        "my address is 5 rue de la Paix, Paris",
        "my address is [ADDRESS]",
    ),
    ("postcode SW1A 1AA", "postcode [POSTCODE]"),
    ("Washington, DC 20500", "Washington, [POSTCODE]"),
    ("Ottawa K1A 0B1", "Ottawa [POSTCODE]"),
    // ... not durations or counts that happen to precede "street" or "way".
    (
        "I waited 3 days on the street",
        "I waited 3 days on the street",
    ),
    ("2 items went the wrong way", "2 items went the wrong way"),
    // Names after cues.
    (
        "my name is Jane Doe and my parcel is late",
        "my name is [NAME] and my parcel is late",
    ),
    ("my name is jane", "my name is [NAME]"),
    ("I'm called Ahmed", "I'm called [NAME]"),
    ("this is Maria Garcia speaking", "this is [NAME] speaking"),
    (
        "Hi, I'm Tom, my order is late",
        "Hi, I'm [NAME], my order is late",
    ),
    ("call me Jim", "call me [NAME]"),
    ("thanks, Priya", "thanks, [NAME]"),
    // ... not ordinary sentences with the same words.
    ("this is ridiculous", "this is ridiculous"),
    ("this is Terrible", "this is Terrible"),
    ("call me back tomorrow", "call me back tomorrow"),
    ("I'm calling about my bill", "I'm calling about my bill"),
    // Data typed straight after other data: each is found once its neighbour is replaced
    // (found by the property tests with random seeds). An IBAN glued to a full-width card:
    (
        "GB82 WEST 1234 5698 7654 32０５０６０７７４ ７０６ ５２６ ８３３ ４６",
        "[IBAN][CARD] 46",
    ),
    (
        "IBAN GB82 WEST 1234 5698 7654 32４１１１ １１１１ １１１１ １１１１",
        "IBAN [IBAN][CARD]",
    ),
    (
        "IBAN DE89370400440532013000４１１１ １１１ １１１ １１１ １１１",
        "IBAN [IBAN][CARD]",
    ),
    // ... an e-mail glued to digits (its domain is no IBAN country code to start from):
    (
        "a@a.de8967 5003 6716 02595565 5396 4499 0676  625 365 463 462 46",
        "[EMAIL][NUMBER]  [CARD]",
    ),
    (
        "a@a.io999 564 713 338 536 45 98085623789/965/799/504/7 ",
        "[EMAIL][CARD] [NUMBER] ",
    ),
    (
        "a@a.co.uk530 096 565 877 981 4 182-605-136-150-6331813765-87722-34068-50",
        "[EMAIL][CARD]-[NUMBER]",
    ),
    // ... a phone running into a card; a phone shape cut out of a longer run.
    ("+44 20 7946 0958 4111 1111 1111 1111", "[PHONE] [CARD]"),
    (
        "(555)00000012989 98166 358９８２ - ３００ - １３６ - １９３ - ６３５７１１-１３２５６-２３５９１-１９６ ",
        "[PHONE][CARD] - [CARD]-196 ",
    ),
    // Plain text stays as it is.
    (
        "let me talk to a human agent",
        "let me talk to a human agent",
    ),
    ("where is my parcel??", "where is my parcel??"),
    ("", ""),
];

#[test]
fn redaction_table() {
    let mut failures = Vec::new();
    for (input, expected) in CASES {
        let got = redact(input);
        if got != *expected {
            failures.push(format!(
                "{input:?}\n   got      {got:?}\n   expected {expected:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_original_mixed_example() {
    let text = "I'm jane.doe+shop@example.co.uk, call +1 (415) 555-0134 or 020 7946 0958; \
                card 4111 1111 1111 1111 and 5500-0000-0000-0004";
    assert_eq!(
        redact(text),
        "I'm [EMAIL], call [PHONE] or [PHONE]; card [CARD] and [CARD]"
    );
}

#[test]
fn text_without_personal_data_is_borrowed() {
    assert!(matches!(
        redact("plain words"),
        std::borrow::Cow::Borrowed(_)
    ));
}
