//! Which language a customer turn is in, and whether the model's scores can be trusted in it.
//!
//! The client's BCP-47 tag wins when given ("es-MX" → "es"); otherwise `whatlang` guesses from
//! the text, and a guess it is not confident about (short turns) leaves the language "und". The
//! sentiment, emotion, frustration and dissatisfaction heads were trained on English only: in any
//! other identified language the assessment is marked low-reliability, and score-driven rules do
//! not escalate on it alone. The intent heads also know Spanish, German, French and Portuguese.

/// Languages the score heads were trained on.
const SCORED: &[&str] = &["en"];
/// Languages the intent heads were trained on.
const INTENTS: &[&str] = &["en", "es", "de", "fr", "pt"];

/// The language of one turn, as the policy needs it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Language {
    /// ISO 639-1 where it has one ("en", "es"), else ISO 639-3, or "und" when unknown.
    pub tag: String,
    /// The score heads were not trained on this language.
    pub low_reliability: bool,
    /// The intent heads were trained on this language (or it is unknown).
    pub intents_known: bool,
}

/// Identifies the language of `text`, preferring the client's tag.
pub fn identify(text: &str, client_tag: Option<&str>) -> Language {
    let tag = client_tag
        .map(|t| {
            t.split(['-', '_'])
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| !t.is_empty())
        .or_else(|| detect(text))
        .unwrap_or_else(|| "und".to_string());
    let known = |list: &[&str]| tag == "und" || list.contains(&tag.as_str());
    Language {
        low_reliability: !known(SCORED),
        intents_known: known(INTENTS),
        tag,
    }
}

fn detect(text: &str) -> Option<String> {
    let info = whatlang::detect(text)?;
    if !info.is_reliable() {
        return None;
    }
    let code = info.lang().code();
    let short = match code {
        "eng" => "en",
        "spa" => "es",
        "deu" => "de",
        "fra" => "fr",
        "por" => "pt",
        "ita" => "it",
        "nld" => "nl",
        other => other,
    };
    Some(short.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_tag_wins_and_keeps_its_primary_subtag() {
        let language = identify("I want to talk to a person", Some("es-MX"));
        assert_eq!(language.tag, "es");
        assert!(language.low_reliability && language.intents_known);
    }

    #[test]
    fn detects_clear_text_and_leaves_short_guesses_unknown() {
        let german = identify(
            "Ich warte seit zwei Wochen auf meine Bestellung und niemand antwortet mir",
            None,
        );
        assert_eq!(german.tag, "de");
        assert!(german.low_reliability);
        let english = identify(
            "I have been waiting for two weeks for my parcel and nobody answers my emails or my \
             calls, this is not the service I was promised when I signed up with your company",
            None,
        );
        assert_eq!(english.tag, "en");
        assert!(!english.low_reliability);
        assert!(!identify("ok", None).low_reliability);
    }

    #[test]
    fn a_language_no_head_was_trained_on_is_unknown_to_the_intents_too() {
        let language = identify("x", Some("ja"));
        assert!(language.low_reliability && !language.intents_known);
    }
}
