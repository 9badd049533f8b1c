//! Complaints in Spanish, German, French and Portuguese: the words a customer uses to say the
//! service itself is unacceptable ("es una vergüenza", "was für ein Saftladen", "c'est
//! inadmissible", "que descaso"), and the threats to complain formally ("voy a poner una
//! reclamación", "ich beschwere mich", "je vais porter plainte", "vou reclamar no Procon").
//! Plain dislikes ("el tráfico es un desastre") use other words; where one slips through, the
//! model's veto in the cues drops it.

use std::sync::LazyLock;

use regex::Regex;

use super::{case_insensitive, first_phrase};

/// Cheap pre-filter: a stem of the words below.
static KEYWORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)ina[cd]|verg[üu]enz|vergonz|vergonh|p[ée]ssim|colmo|chapuz|tomadura|estafa|p[ée]rdida|perda|hart[oa]|seriedad|reclama|quej|queix|unversch|frechheit|zumutung|saftladen|sauerei|katastroph|zeitverschwend|unbrauchbar|nutzlos|beschwer|faxen|schrott|grottig|aller\s+sau|verarsch|abzock|scandal|honte|lamentabl|importe|bol|marre|plainte|arnaque|temps|catastroph|d[ée]plorabl|absurd|rid[ií]cul|palha|descaso|lixo|porcaria|cansei|procon|desrespeito|respeito|lament[aá]vel")
        .unwrap()
});

static COMPLAINTS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    case_insensitive(&[
        // Spanish
        r"\b(?:inaceptable|inadmisible|vergonzoso|nefasto|una\s+verg[üu]enza|es\s+el\s+colmo|qu[ée]\s+poca\s+seriedad|tomadura\s+de\s+pelo|(?:una|qu[ée])\s+chapuza|(?:es\s+)?una\s+estafa|(?:qu[ée]|vaya|una)\s+p[ée]rdida\s+de\s+tiempo)\b",
        r"\b(?:p[ée]simo|p[ée]sima)\s+(?:servicio|atenci[oó]n|empresa|trato|experiencia)\b|^\W*p[ée]sim[oa]\W*$",
        // "estoy harta, …", "estoy harto de esperar": not "harta de mi jefe".
        r"\bestoy\s+(?:muy\s+|ya\s+)?hart[oa](?:\s*[,.!;]|\s*$|\s+de\s+(?:ustedes|vosotros|esperar|llamar|este|esta|su|sus|tanto|todo\s+esto))",
        r"\b(?:poner|presentar|hacer|interponer)\s+una\s+(?:reclamaci[oó]n|queja)\b|\bme\s+quiero\s+quejar\b|\bquiero\s+quejarme\b",
        // German
        r"\b(?:inakzeptabel|unversch[äa]mt|unversch[äa]mtheit|frechheit|zumutung|saftladen|sauerei|zeitverschwendung|unbrauchbar|abzocke|grottig|unter\s+aller\s+sau|die\s+faxen\s+dicke)\b",
        r"\b(?:ist|sind|bist)\s+(?:(?:echt|komplett|total|absolut|völlig|einfach)\s+)?(?:nutzlos|schrott|der\s+letzte\s+schrott)\b",
        r"\b(?:ich\s+(?:will|möchte|werde?)\s+mich\s+(?:(?:bei|beim|über)\s+(?:\w+\s+){0,2}?)?beschweren|beschwerde\s+(?:einreichen|einlegen)|ich\s+beschwere\s+mich)\b",
        r"\b(?:fühle?|fühl)\s+mich\s+(?:\w+\s+)?verarscht\b",
        // French
        r"\b(?:inadmissible|inacceptable|scandaleux|scandaleuse|honteux|honteuse|c['’]est\s+une\s+honte|lamentable|d[ée]plorable|catastrophique|n['’]importe\s+quoi|ras\s+le\s+bol|une\s+arnaque|(?:quelle|une)\s+perte\s+de\s+temps)\b",
        // "j'en ai marre de vos erreurs", not "marre de la pluie".
        r"\bj['’]en\s+ai\s+(?:vraiment\s+)?marre(?:\s*[,.!;]|\s*$|\s+d(?:e\s+vous|e\s+votre|e\s+vos|e\s+ce|e\s+cette|e\s+ces|['’]attendre|e\s+rappeler|['’]appeler))",
        r"\b(?:porter\s+plainte|d[ée]poser\s+(?:une\s+)?(?:plainte|r[ée]clamation)|faire\s+une\s+r[ée]clamation)\b",
        // Portuguese
        r"\b(?:absurdo|inadmiss[ií]vel|inaceit[aá]vel|que\s+vergonha|lament[aá]vel|palha[çc]ada|descaso|falta\s+de\s+respeito|desrespeito|(?:que|uma)\s+perda\s+de\s+tempo)\b",
        r"\b(?:p[ée]ssimo|p[ée]ssima)\s+(?:servi[çc]o|atendimento|empresa|experi[eê]ncia)\b|^\W*p[ée]ssim[oa]\W*$",
        r"\b(?:cansei|t[oô]\s+cansad[oa])\s+de\b",
        r"\b(?:fazer|abrir|registrar|vou\s+fazer)\s+uma\s+(?:reclama[çc][aã]o|queixa)\b|\b(?:no\s+|ao\s+)?procon\b|\breclame\s+aqui\b",
    ])
});

/// The first phrase of `text` that complains about the service in these languages.
pub fn find_complaint(text: &str) -> Option<&str> {
    first_phrase(&KEYWORDS, &COMPLAINTS, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_complaints_in_each_language() {
        let missed: Vec<&str> = [
            "Vergonzoso. Un supervisor, ahora.",
            "qué manera de perder el tiempo, es el colmo",
            "vaya tomadura de pelo con los gastos de gestión",
            "estoy harta, que me llame el director del hotel",
            "voy a poner una reclamación",
            "Was ist das für ein Saftladen?",
            "Die Bewerbungsplattform ist eine Zumutung.",
            "Dieser Bot ist komplett nutzlos.",
            "ich werd mich bei der bundesnetzagentur beschweren",
            "Die Ferienwohnung sah anders aus. Ich fühl mich verarscht.",
            "C'est inadmissible, je veux un responsable",
            "j'en ai marre de vos erreurs",
            "je vais porter plainte",
            "sinceramente que descaso com o cliente",
            "péssimo atendimento",
            "vou reclamar no Procon",
            "cansei de ligar pra vocês",
        ]
        .into_iter()
        .filter(|text| find_complaint(text).is_none())
        .collect();
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn leaves_plain_reports_and_other_words_alone() {
        for text in [
            "mi pedido no ha llegado todavía",
            "¿cuánto tiempo tarda el envío?",
            "Meine Rechnung ist noch nicht da",
            "Ich habe eine Frage zur Beschwerdestelle",
            "Le colis n'est pas encore arrivé",
            "Ça ne me pose aucun problème, merci",
            "Meu pedido ainda não chegou",
            "Ich will mich nicht beschweren, nur fragen, ob die Lieferung kommt.",
            "das Spiel gestern war eine Katastrophe",
            "Estoy harta de mi jefe, necesito unas vacaciones ya.",
            "o jogo ontem foi uma vergonha, que time ruim",
            "j'en ai marre de la pluie",
            "Obrigado pela ajuda!",
        ] {
            assert_eq!(find_complaint(text), None, "{text}");
        }
    }
}
