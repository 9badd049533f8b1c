//! Trouble on the line of this conversation in Spanish, German, French and Portuguese: "no te
//! oigo", "ich kann Sie nicht hören", "vous coupez", "a ligação caiu". Every phrasing names the
//! other party or the call itself, so a broken product ("se corta el internet", "die
//! Internetverbindung ist schlecht") does not match.

use std::sync::LazyLock;

use regex::Regex;

use super::{case_insensitive, first_phrase};

/// Cheap pre-filter: a stem of the verbs and nouns below.
static KEYWORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)oi|oy|escuch|llamada|comunica|h[öo]r|abgehackt|brech|anruf|gespräch|leitung|entend|coup|hach|appel|ligne|ouv|escut|liga|chamada|linha|cort|picot|falh")
        .unwrap()
});

static TROUBLE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    case_insensitive(&[
        // Spanish
        r"\bno\s+(?:te|le|les|lo|la|los)\s+(?:oigo|escucho)\b",
        r"\b(?:te|le|los)\s+(?:oigo|escucho)\s+(?:muy\s+|bastante\s+|fatal\s+)?(?:mal|entrecortad[oa]|fatal)\b",
        r"\bse\s+(?:oye|escucha)\s+(?:muy\s+|bastante\s+)?(?:mal|entrecortado|fatal)\b",
        r"\bno\s+se\s+(?:oye|escucha)\s+(?:nada|bien)\b",
        r"\bse\s+(?:te|le)\s+(?:corta|entrecorta|oye\s+mal|escucha\s+mal)\b",
        r"\bse\s+(?:cort[oó]|cay[oó]|corta|cae)\s+la\s+(?:llamada|comunicaci[oó]n)\b",
        r"\bla\s+(?:llamada|comunicaci[oó]n)\s+se\s+(?:cort[oó]|cay[oó]|corta|cae|entrecorta)\b",
        r"\bme\s+(?:oyes|oye|escuchas|escucha)(?:\s+(?:bien|ahora))?\s*\?",
        // German
        r"\bkann\s+(?:sie|dich|euch)\s+(?:nicht|kaum|schlecht)\s+(?:hören|verstehen)\b",
        r"\b(?:höre|hör)\s+(?:sie|dich|euch)\s+(?:nicht|kaum|schlecht|nur\s+abgehackt)\b",
        r"\b(?:sie|du)\s+(?:sind|bist)\s+(?:ganz\s+|sehr\s+|total\s+)?(?:abgehackt|kaum\s+zu\s+verstehen|schwer\s+zu\s+verstehen)\b",
        r"\b(?:sie|du)\s+(?:brechen|brichst)\s+(?:(?:ständig|immer\s+wieder|dauernd|andauernd)\s+)?ab\b",
        r"\b(?:der\s+anruf|das\s+gespräch|die\s+leitung)\s+(?:ist|wurde|war)\s+(?:\w+\s+)?(?:abgebrochen|unterbrochen|getrennt)\b",
        r"\bdie\s+leitung\s+ist\s+(?:sehr\s+|ganz\s+)?(?:schlecht|gestört)\b",
        r"\bhören\s+sie\s+mich(?:\s+(?:noch|jetzt))?\s*\?",
        // French
        r"\bje\s+ne\s+vous\s+(?:entends|comprends)\s+(?:pas|plus|rien|presque\s+pas)\b",
        r"\bje\s+vous\s+entends\s+(?:mal|tr[eè]s\s+mal|à\s+peine)\b",
        r"\bvous\s+(?:coupez|hachez|grésillez)\b",
        r"\b(?:la\s+communication|l['’]appel)\s+(?:a\s+)?(?:coup[ée]|saut[ée]|est\s+coup[ée]e?)\b",
        r"\bla\s+ligne\s+(?:est\s+(?:tr[eè]s\s+)?mauvaise|gr[ée]sille|coupe)\b",
        r"\bvous\s+m['’]entendez(?:\s+(?:bien|encore))?\s*\?",
        // Portuguese
        r"\bn[aã]o\s+(?:estou\s+|t[oô]\s+|consigo\s+)?(?:te|lhe)\s+(?:ouvir|escutar|ou[cç]o|escuto|ouvindo|escutando)\b",
        r"\bn[aã]o\s+(?:estou|t[oô]|consigo)\s+(?:ouvindo|escutando|ouvir|escutar)\s+voc[eê]\b",
        r"\b(?:a\s+)?(?:liga[cç][aã]o|chamada)\s+(?:est[aá]\s+|t[aá]\s+)?(?:cortando|caindo|picotando|falhando|p[eé]ssima)\b",
        r"\b(?:a\s+)?(?:liga[cç][aã]o|chamada)\s+(?:caiu|cortou)\b",
        r"\bvoc[eê]\s+(?:est[aá]|t[aá])\s+(?:cortando|picotando|falhando)\b",
        r"\bvoc[eê]\s+(?:me\s+)?(?:ouve|escuta|est[aá]\s+me\s+ouvindo)(?:\s+agora)?\s*\?",
    ])
});

/// The first phrase of `text` that says this conversation's line is failing.
pub fn find_line_trouble(text: &str) -> Option<&str> {
    first_phrase(&KEYWORDS, &TROUBLE, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_failing_line_in_each_language() {
        let missed: Vec<&str> = [
            "No te oigo nada",
            "Perdona, te escucho muy mal",
            "Se te corta todo el rato",
            "Se cortó la llamada otra vez",
            "¿Me oyes?",
            "Ich kann Sie nicht hören",
            "Sie sind ganz abgehackt",
            "Sie brechen ständig ab",
            "Hören Sie mich?",
            "Je ne vous entends pas",
            "Vous coupez, je n'ai rien compris",
            "La ligne est très mauvaise",
            "Vous m'entendez ?",
            "Não estou te ouvindo",
            "A ligação está cortando",
            "Acho que a chamada caiu",
            "Você me ouve?",
        ]
        .into_iter()
        .filter(|text| find_line_trouble(text).is_none())
        .collect();
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn a_broken_product_is_not_trouble_on_the_line() {
        let fired: Vec<&str> = [
            "Se corta el internet cada noche",
            "Mi móvil no tiene cobertura en casa",
            "Die Internetverbindung ist schlecht",
            "Ich höre Sie gut, danke",
            "Ma box coupe internet toutes les heures",
            "Je vous entends bien maintenant",
            "Minha internet está caindo toda hora",
            "O vídeo está travando no aplicativo",
            "Te escucho, continúa",
        ]
        .into_iter()
        .filter_map(find_line_trouble)
        .collect();
        assert!(fired.is_empty(), "{fired:?}");
    }
}
