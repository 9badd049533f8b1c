//! Requests for a person in Spanish, German, French, Portuguese and Italian: high-precision
//! phrasings (talk to, put me through to, I want a … with the nouns of each language; put me
//! through to a department: "verbinden Sie mich mit der Buchungsabteilung"; a person or team
//! asked to act: "que me llame el director", "Ihr Werkstattleiter soll mich anrufen") and, per
//! language, the negations that cancel them ("no quiero hablar con un agente", "je ne veux pas
//! parler à un conseiller").
//!
//! A negation cancels a match when it stands among the last few words before it, in the same
//! clause: "no quiero hablar con un agente" is no request; "no funciona, quiero hablar con un
//! agente" and, unpunctuated as spoken turns come, "ich will keinen bot ich will einen menschen"
//! are requests. So does someone else as the subject, further back in the clause: "ma femme
//! voulait parler à un conseiller" reports a request.
//! A "why" before the negation keeps it a request ("¿por qué no me dejas hablar con alguien?").
//! [`read_person_request`] also says when every phrasing found was cancelled, so the cues can
//! overrule the English-only model on such a turn.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::case_insensitive;

/// The request phrasings of one language and the words that cancel them.
struct Phrasings {
    requests: Vec<Regex>,
    /// Negations: they cancel a request within [`NEGATION_WORDS`] words before it.
    negation: Regex,
    /// The people of reported speech ("mi marido quería hablar con un agente"): anywhere in the
    /// clause before the request.
    reporters: Option<Regex>,
}

/// Cheap pre-filter: a stem of one of the nouns below.
static KEYWORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)human|humain|person|pessoa|agent|asesor|operad|op[ée]rat|atend|conseil|mitarbeit|mensch|berater|kundendienst|kundenservice|servic|quelqu|alguien|algu[eé]m|ejecutiv|representa|supervis|sup[ée]rieur|respons|gerente|encargad|leiter|manager|interlocut|sachbearbeit|ansprechpart|vorgesetz|jemand|umano|consultor|atenci|client|abteilung|zentrale|hotline|support|soporte|suporte|departament|d[ée]partement|[aá]rea|setor|sector|central|equip|eskal|escal|ebene|level|echt|leitung|führungskraft|direct|diretor|gestion|gestor|ouvidor|ger[eê]ncia|administrad|emplead|t[eé]cnic|technicien",
    )
    .unwrap()
});

/// "Why": a negation after it asks for the thing instead of declining it ("pourquoi vous ne me
/// laissez pas parler à un conseiller ?", "¿por qué no me dejas hablar con alguien?").
static WHY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:pourquoi|por\s*qu[eé]|warum|wieso|weshalb|perch[eé])\b").unwrap()
});

/// Punctuation that ends a clause.
const CLAUSE_MARKS: [char; 9] = ['.', ',', ';', ':', '!', '?', '¿', '¡', '\n'];

/// How far back from a match the clause is read for a reporter (characters).
const NEGATION_REACH: usize = 40;

/// How many words before a match a negation governs it ("no quiero hablar con…", "je ne veux pas
/// parler à…"); one further back belongs to an earlier verb ("no me sirve un robot páseme con
/// alguien"), and so does one before the subject says it again ("ich will keinen bot ich will
/// einen menschen", see [`SUBJECT`]).
const NEGATION_WORDS: usize = 3;

/// "I" in these languages: a negation before it belongs to an earlier sentence of the same
/// speaker, however short ("ich will keinen bot ich will einen menschen").
static SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:ich|yo|je|j['’]|eu|io)\b").unwrap());

/// "I want / I need" in the languages that drop the subject ("esto no funciona quiero hablar con
/// un agente", "isso não resolve quero falar com um atendente"): the speaker starts a request
/// again, as with [`SUBJECT`]; their negation stands on the word just before ("no quiero…").
static FIRST_PERSON_WANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:quiero|quisiera|necesito|exijo|pido|prefiero|deseo|solicito|quero|queria|preciso|prefiro|desejo|gostaria|pe[çc]o|voglio|vorrei)\b",
    )
    .unwrap()
});

/// Idioms built on a negation word that negate nothing ("ça coupe sans arrêt", "cai sem parar",
/// "n'importe quoi"): left out before the negations are looked for.
static NOT_NEGATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:sans\s+(?:arr[eê]t|cesse|doute)|n['’]importe|sin\s+parar|sem\s+parar)\b")
        .unwrap()
});

/// Whole negation words (`extra`: a further pattern, e.g. an elided "n'").
fn negation(words: &str, extra: Option<&str>) -> Regex {
    let extra = extra.map_or(String::new(), |e| format!("|{e}"));
    Regex::new(&format!(r"(?i)\b(?:{words})\b{extra}")).unwrap()
}

/// Whole words of reported speech's subjects.
fn reporters(words: &str) -> Option<Regex> {
    Some(negation(words, None))
}

static SPANISH: LazyLock<Phrasings> = LazyLock::new(|| {
    let who = r"(?:(?:un|una|alg[uú]n|alguna|el|la|al|su|tu|otro|otra)\s+)?(?:(?:otro|otra)\s+)?(?:(?:verdadero|verdadera)\s+)?(?:humano|ser\s+humano|persona(?:\s+(?:real|de\s+verdad))?|agente(?:\s+humano)?|asesor(?:a)?|operador(?:a)?|ejecutiv[oa]|representante|encargad[oa]|supervisor(?:a)?|gerente|responsable|alguien(?:\s+(?:real|de\s+verdad|humano|del\s+equipo))?|(?:servicio|atenci[oó]n)\s+al\s+cliente)\b";
    let transfer = r"(?:p[aá]s(?:a|e|en|ar)|transfi[eé]r(?:e|a|en)|transferir|comun[ií]c(?:a|an|ar)|comun[ií]qu(?:e|en)|con[eé]ct(?:a|e|en)|conectar|deriv(?:a|e|en|ar)|pon(?:e|er|en)?|p[oó]ng(?:a|an))";
    // Staff asked to act: "que un asesor me llame", "que me escriba una persona".
    let role = r"(?:asesor(?:a)?|agente|operador(?:a)?|ejecutiv[oa]|representante|encargad[oa]|supervisor(?:a)?|gerente|director(?:a)?|administrador(?:a)?|gestor(?:a)?|emplead[oa]|persona|humano|t[eé]cnic[oa])\b";
    // Put through to a department: its people answer ("pásame con el departamento de facturación").
    let team = r"(?:(?:el|la|al|su|tu)\s+)?(?:departamento|[aá]rea|secci[oó]n|equipo|central)\s+(?:de\s+)?\w+|(?:(?:el|al|su)\s+)?soporte(?:\s+t[eé]cnico)?\b";
    Phrasings {
        requests: case_insensitive(&[
            format!(r"\b(?:hablar|comunicarme|conversar|contactar|tratar)\s+con\s+{who}"),
            // que me atienda una persona, necesito que un agente revise esto
            format!(r"\bque\s+(?:me|lo|la|esto)\s+(?:atienda|revise|vea|mire|resuelva)\s+{who}"),
            // "quiero que alguien me llame" asks for a call: a person is named here.
            r"\b(?:quiero|quisiera|necesito|prefiero|exijo)\s+que\s+(?:un|una|el|la|su)\s+(?:humano|ser\s+humano|persona|agente|asesor(?:a)?|operador(?:a)?|representante|supervisor(?:a)?|encargad[oa])\b".to_string(),
            r"\bll[aá]m(?:e|a|en)(?:me)?\s+(?:a\s+|al\s+)(?:(?:el|la|un|una|su)\s+)?(?:encargad[oa]|supervisor(?:a)?|gerente|responsable)\b".to_string(),
            // pásame con un asesor, comuníqueme con un agente, transfiérame a un operador
            format!(r"\b{transfer}me\s+(?:con|a|al)\s+(?:{who}|{team})"),
            // ¿me pasas con un agente?, me puede transferir a un asesor
            format!(r"\bme\s+(?:(?:puede[ns]?|podr[ií]a[ns]?|puedes|podr[ií]as)\s+)?{transfer}s?\s+(?:con|a|al)\s+(?:{who}|{team})"),
            r"\b(?:quiero|quisiera|necesito|exijo|pido|prefiero)\s+(?:a\s+)?(?:un|una|alg[uú]n)\s+(?:humano|ser\s+humano|persona|agente|asesor(?:a)?|operador(?:a)?|representante|ejecutiv[oa])\b".to_string(),
            r"\b(?:persona\s+(?:real|de\s+verdad)|agente\s+humano|atenci[oó]n\s+humana)\b".to_string(),
            // A person asked to contact the customer: "que un asesor me mande un mensaje",
            // "¿puede un agente llamarme?", "¿podría alguien del equipo de facturación mirarlo?"
            format!(r"\b(?:que|puede|podr[ií]a|pod[eé]s|pueden)\s+(?:un|una|el|la|su|alg[uú]n|alguna)\s+{role}(?:\s+(?:del?|de\s+la)\s+\w+(?:\s+de\s+\w+)?)?\s+(?:(?:me\s+(?:llame|llamen|mande|env[ií]e|escriba|contacte|marque|devuelva|atienda))|llamarme|escribirme|contactarme|mandarme|enviarme|atenderme)\b"),
            // "que me llame el director", "¿me puede llamar un agente?"
            format!(r"\b(?:que\s+me\s+(?:llame|llamen|escriba|mande|env[ií]e|contacte|atienda)|me\s+(?:puede|podr[ií]a)\s+(?:llamar|telefonear|escribir|contactar|atender))\s+(?:un|una|el|la|su|alg[uú]n|alguna)\s+{role}"),
            // "derivar mi consulta al equipo de atención al cliente"
            format!(r"\bderiv(?:ar|e|a|en)\s+(?:mi|esta|el|la)\s+\w+\s+(?:a|al|con)\s+(?:{who}|{team})"),
            // "necesito que alguien del equipo de reembolsos mire mi pedido", "¿podría alguien del área…?"
            r"\b(?:que|puede|podr[ií]a|pueden)\s+alguien\s+(?:del|de\s+la|de\s+su)\s+(?:equipo|departamento|[aá]rea|servicio)\b".to_string(),
            r"\bescal(?:e|a|en|ar)\s+(?:mi|el|este|esto)\s*\w*\s+(?:a|al|con)\s+(?:un|una|el|la|su)?\s*(?:supervisor(?:a)?|superior|encargad[oa]|siguiente\s+nivel|nivel\s+\w+)\b".to_string(),
            // A sentence of its own: "Agente." "Un asesor, por favor."
            r"(?:^|[.!?]\s+)[¡¿]?(?:un\s+|una\s+)?(?:agente|asesor(?:a)?|operador(?:a)?|humano)(?:\s+humano)?(?:\s*,?\s*por\s+favor)?\s*(?:[.!?]+|$)".to_string(),
        ]),
        negation: negation(r"no|nunca|jam[aá]s|tampoco|ni|sin", None),
        reporters: reporters(r"marido|esposa|mujer|hij[oa]|madre|padre|amig[oa]|compañer[oa]"),
    }
});

static GERMAN: LazyLock<Phrasings> = LazyLock::new(|| {
    let who = r"(?:(?:einem|einer|einen|eine|dem|der|den|die|ihrem|ihrer|ihren|irgendeinem)\s+)?(?:(?:echten|richtigen|lebenden|menschlichen|zuständigen)\s+)?(?:menschen|mitarbeiter(?:in|innen)?|servicemitarbeiter(?:in)?|person|kundenberater(?:in)?|berater(?:in)?|sachbearbeiter(?:in)?|ansprechpartner(?:in)?|vorgesetzten|verantwortlichen|zuständigen|teamleiter(?:in)?|manager(?:in)?|führungskraft|\w+leitung|leitung\s+(?:des|der|vom)\s+\w+|kundendienst|kundenservice|jemande[mn](?:\s+(?:vom|aus\s+dem)\s+(?:kundenservice|kundendienst|team|support|service))?)\b";
    // Staff asked to act: "dass mich ein Mitarbeiter zurückruft", "Ihr Werkstattleiter soll mich anrufen".
    let role = r"(?:zuständige[rn]?\s+)?(?:mitarbeiter(?:in)?|servicemitarbeiter(?:in)?|berater(?:in)?|kundenberater(?:in)?|sachbearbeiter(?:in)?|ansprechpartner(?:in)?|vorgesetzte[rn]?|\w*leiter(?:in)?|mensch)\b";
    // Put through to a department: die Buchungsabteilung, Ihre Zentrale, der Support.
    let team = r"(?:(?:der|die|den|dem|ihre[rnm]?|eure[rnm]?|eine[rnm]?)\s+)?\w*(?:abteilung|zentrale|hotline|support)\b";
    Phrasings {
        requests: case_insensitive(&[
            format!(r"\bmit\s+{who}\s+(?:(?:bitte|sofort|jetzt|gern|gerne|lieber|direkt)\s+)*(?:sprechen|reden|telefonieren|chatten|verbunden\s+(?:zu\s+)?werden)\b"),
            // verbinden Sie mich mit einem Mitarbeiter, stellen Sie mich zu Ihrem Vorgesetzten durch
            format!(r"\b(?:verbinden|verbinde|verbindet|stellen|stell|stelle|leiten|leite|leitet)\s+(?:sie\s+)?mich\s+(?:(?:bitte|sofort|jetzt|direkt)\s+)*(?:mit|zu|an)\s+(?:{who}|{team})"),
            // … mich (bitte) mit einem Mitarbeiter verbinden / zu einem Berater durchstellen
            format!(r"\bmich\s+(?:(?:bitte|sofort|jetzt|direkt)\s+)*(?:mit|zu|an)\s+(?:{who}|{team})\s+(?:verbinden|durchstellen|weiterleiten|weiterverbinden|durchverbinden)\b"),
            r"\b(?:einen|eine)\s+(?:echten\s+)?(?:menschen|mitarbeiter(?:in)?|berater(?:in)?|kundenberater(?:in)?|vorgesetzten|ansprechpartner(?:in)?)\s+(?:sprechen|haben)\b".to_string(),
            r"\b(?:will|möchte|moechte|brauche|verlange|hätte\s+gern|hätte\s+gerne)\s+(?:(?:bitte|sofort|jetzt|gern|gerne|lieber)\s+)*(?:einen|eine)\s+(?:echte[n]?\s+)?(?:menschen|person|mitarbeiter(?:in)?|berater(?:in)?|kundenberater(?:in)?|ansprechpartner(?:in)?)\b".to_string(),
            // holen Sie mir einen Vorgesetzten, geben Sie mir einen Mitarbeiter
            r"\b(?:holen|hol|geben|gib)\s+(?:sie\s+)?(?:mir\s+)?(?:(?:bitte|sofort|jetzt)\s+)*(?:einen|eine|den|die|ihren|ihre)\s+(?:echte[n]?\s+)?(?:menschen|person|mitarbeiter(?:in)?|vorgesetzte[n]?|teamleiter(?:in)?|manager(?:in)?|zuständigen|verantwortlichen|kundenberater(?:in)?)\b".to_string(),
            r"\bein(?:em|en)\s+(?:echten|richtigen|lebenden)\s+(?:menschen|mitarbeiter(?:in)?|person)\b".to_string(),
            // A person asked to contact the customer: "dass mich ein Mitarbeiter zurückruft",
            // "einen Rückruf von der Sachbearbeiterin", "eine Videoberatung mit einem Berater".
            format!(r"\b(?:kann|könnte|soll|sollte|dass)\s+(?:mich|mir)?\s*(?:bitte\s+)?(?:ein|eine|einer|der|die|ihr|ihre|euer|eure)\s+{role}(?:\s+\w+){{0,5}}?\s+(?:anruft|anrufen|zurückruft|zurückrufen|schreibt|schreiben|mailt|melden|meldet|kontaktiert|kontaktieren)\b"),
            // "Ihr Werkstattleiter soll mich bitte anrufen", "ein Vorgesetzter soll mir antworten"
            format!(r"\b(?:ein|eine|der|die|ihr|ihre|euer|eure)\s+{role}\s+(?:soll|sollte|möge|kann|könnte)\s+(?:mich|mir)\s+(?:[\w-]+\s+){{0,4}}?(?:anrufen|zurückrufen|schreiben|mailen|antworten|melden|kontaktieren)\b"),
            r"\b(?:hätte\s+gerne?|möchte|will|brauche|bitte\s+um|wünsche)\s+(?:\w+\s+){0,3}?r[üu]ckruf\s+(?:von|durch)\s+(?:einem|einer|der|dem|ihrem|ihrer)\s+(?:zuständigen\s+)?(?:mitarbeiter(?:in)?|berater(?:in)?|kundenberater(?:in)?|sachbearbeiter(?:in)?|ansprechpartner(?:in)?|vorgesetzten|teamleiter(?:in)?|menschen)\b".to_string(),
            r"\bvideo\w*\s+mit\s+(?:einem|einer|dem|der|ihrem|ihrer)\s+(?:\w+\s+)?(?:mitarbeiter(?:in)?|berater(?:in)?|kundenberater(?:in)?|sachbearbeiter(?:in)?|ansprechpartner(?:in)?|menschen)\b".to_string(),
            // Someone real: "Ist da irgendwer Echtes?", "Hol mir wen Echten".
            r"\b(?:jemand(?:en)?|wen|irgendwen|irgendwer|irgendjemand(?:en)?)\s+(?:echte[sn]?|richtige[sn]?|menschliche[sn]?|lebendige[sn]?)\b".to_string(),
            // The clerk in charge: "ich hätte gern die zuständige Sachbearbeiterin".
            r"\b(?:will|möchte|hätte\s+gerne?|brauche|verlange)\s+(?:\w+\s+){0,3}?(?:die|den)\s+zuständigen?\s+(?:sachbearbeiter(?:in)?|mitarbeiter(?:in)?|ansprechpartner(?:in)?|berater(?:in)?)\b".to_string(),
            // Escalation: "eskalieren Sie das", "an die nächste Ebene", "an den Second-Level-Support".
            r"\beskalieren\s+sie\b|\bbitte\s+eskalieren\b|\b(?:an|in)\s+(?:die\s+)?(?:nächste|höhere)\s+(?:ebene|instanz|stufe)\b|\bsecond[- ]level\b".to_string(),
            r"(?:^|[.!?]\s+)(?:einen\s+)?(?:mitarbeiter|menschen|mensch|kundendienst|berater)(?:\s*,?\s*bitte)?\s*(?:[.!?]+|$)".to_string(),
        ]),
        negation: negation(
            r"nicht|kein|keine|keinen|keinem|keiner|nie|niemals|ohne",
            None,
        ),
        reporters: reporters(
            r"mann|frau|sohn|tochter|mutter|vater|freund(?:in)?|kollege|kollegin",
        ),
    }
});

static FRENCH: LazyLock<Phrasings> = LazyLock::new(|| {
    let who = r"(?:(?:(?:un|une|le|la|l['’]|au|votre|vos)\s*)?(?:(?:vrai|vraie)\s+)?(?:humain|[eê]tre\s+humain|conseill(?:er|[eè]re)(?:\s+humain)?|agent(?:\s+humain)?|op[ée]rat(?:eur|rice)|responsable|superviseur|sup[ée]rieur|interlocuteur|technicien(?:ne)?|service\s+client(?:[eè]le)?)|une\s+(?:vraie\s+)?personne(?:\s+r[ée]elle)?|quelqu['’]un(?:\s+de\s+r[ée]el|\s+du\s+service\s+client(?:[eè]le)?)?)\b";
    // Put through to a department: le service facturation, le département technique.
    let team = r"(?:(?:le|au|votre)\s+)?(?:service|d[ée]partement)\s+(?:de\s+(?:la\s+|l['’])?)?\w+";
    Phrasings {
        requests: case_insensitive(&[
            format!(r"\bparler\s+(?:à|a|avec)\s+{who}"),
            // passez-moi un conseiller, vous pouvez me passer un opérateur
            format!(r"\b(?:passez|passe)[- ]moi\s+{who}"),
            format!(r"\bme\s+passer\s+{who}"),
            // transférez-moi à un conseiller, me transférer vers un agent
            format!(r"\b(?:me\s+)?(?:transf[ée]r(?:er|ez)|transf[èe]re|redirig(?:er|ez|e)|connect(?:er|ez|e)|orient(?:er|ez|e))(?:[- ]moi)?\s+(?:vers|à|a|au|avec)\s+(?:{who}|{team})"),
            // mettez-moi en relation avec un conseiller
            format!(r"\b(?:(?:me\s+)?(?:mettre|mettez|mets)(?:[- ]moi)?|[eê]tre\s+mise?)\s+en\s+(?:relation|contact|communication)\s+avec\s+{who}"),
            r"\b(?:je\s+)?(?:veux|voudrais|souhaite|souhaiterais|exige|aimerais)\s+(?:avoir\s+)?(?:(?:un|une)\s+(?:vrai(?:e)?\s+)?(?:humain|[eê]tre\s+humain|conseill(?:er|[eè]re)|agent\s+humain|op[ée]rat(?:eur|rice)|interlocuteur|personne)|quelqu['’]un\s+(?:de\s+r[ée]el|du\s+service\s+client))\b".to_string(),
            r"\b(?:vraie\s+personne|personne\s+r[ée]elle|conseiller\s+humain|agent\s+humain)\b".to_string(),
            // A person asked to contact the customer: "un agent peut m'envoyer un texto ?",
            // "qu'un conseiller me rappelle", "un rendez-vous en visio avec un conseiller".
            r"\b(?:un|une|le|la|l['’]|votre)\s*(?:conseill(?:er|[eè]re)|agent|op[ée]rat(?:eur|rice)|responsable|superviseur|sup[ée]rieur|interlocut(?:eur|rice)|gestionnaire)\s+(?:peut|pourrait|pourra)(?:-t-il|-il|-elle)?\s+(?:me\s+|m['’])\s*(?:appeler|rappeler|envoyer|[ée]crire|contacter|recontacter|joindre|r[ée]pondre|t[ée]l[ée]phoner)".to_string(),
            r"\bqu(?:e\s+|['’]\s*)(?:un|une|le|la|l['’]|votre)\s*(?:conseill(?:er|[eè]re)|agent|op[ée]rat(?:eur|rice)|responsable|superviseur|sup[ée]rieur|interlocut(?:eur|rice)|gestionnaire|technicien(?:ne)?|humain)\s+(?:me\s+|m['’])\s*(?:rappelle|appelle|contacte|recontacte|[ée]crive|envoie|t[ée]l[ée]phone)\b".to_string(),
            r"\bdemander\s+(?:au|à\s+(?:un|une|la|l['’]|votre))\s*(?:conseill(?:er|[eè]re)|agent|op[ée]rat(?:eur|rice)|responsable|superviseur|gestionnaire|technicien(?:ne)?)\s+de\s+(?:me\s+|m['’])\s*(?:appeler|rappeler|envoyer|[ée]crire|contacter|recontacter|r[ée]pondre)".to_string(),
            r"\bque\s+quelqu['’]un\s+(?:de|du|des)\s+(?:la\s+|l['’])?\s*(?:service|[ée]quipe|r[ée]ception|agence|d[ée]partement|support)".to_string(),
            r"\b(?:visio|appel\s+vid[ée]o|vid[ée]oconf[ée]rence)\s+avec\s+(?:un|une|le|la|votre)\s+(?:conseill(?:er|[eè]re)|agent|op[ée]rat(?:eur|rice)|responsable|gestionnaire|humain)\b".to_string(),
            r"\b(?:escaladez|escalader|remontez|remonter)\s+(?:mon|ma|le|la|ce|cette)\s+\w+\s+(?:au|à|a)\s+(?:niveau|un\s+responsable|votre\s+responsable|un\s+superviseur|la\s+hi[ée]rarchie)".to_string(),
            r"(?:^|[.!?]\s+)(?:un\s+)?(?:conseill(?:er|[eè]re)|agent|humain|op[ée]rat(?:eur|rice))(?:\s*,?\s*s['’]il\s+vous\s+pla[iî]t)?\s*(?:[.!?]+|$)".to_string(),
        ]),
        negation: negation(
            r"ne|pas|jamais|sans|aucun|aucune|plus\s+besoin",
            Some(r"\bn['’]"),
        ),
        reporters: reporters(
            r"voulait|voulaient|mari|femme|fils|fille|m[eè]re|p[eè]re|ami|amie|coll[eè]gue",
        ),
    }
});

static PORTUGUESE: LazyLock<Phrasings> = LazyLock::new(|| {
    let who = r"(?:(?:o|a|ao|à)\s+)?(?:(?:um|uma|algum|alguma|seu|sua|outro|outra)\s+)?(?:humano|ser\s+humano|pessoa(?:\s+(?:real|de\s+verdade))?|atendente(?:\s+humano)?|agente(?:\s+humano)?|operador(?:a)?|consultor(?:a)?|supervisor(?:a)?|gerente|respons[aá]vel|algu[eé]m(?:\s+(?:real|de\s+verdade))?|atendimento(?:\s+(?:humano|ao\s+cliente))?|ouvidoria|ger[eê]ncia|diretoria)\b";
    let transfer = r"(?:passa|passe|passar|transfere|transfira|transferir|conecta|conecte|conectar|encaminha|encaminhe|encaminhar|coloca|coloque|colocar|direciona|direcione|direcionar|p[oõ]e|ponha)";
    // Put through to a department: o setor financeiro, a central de atendimento, o suporte.
    let team = r"(?:(?:o|a|ao|à)\s+)?(?:setor|departamento|central|equipe|suporte)(?:\s+(?:de\s+|do\s+|da\s+)?\w+)?\b";
    Phrasings {
        requests: case_insensitive(&[
            format!(r"\b(?:falar|conversar|comunicar(?:-me)?|tratar)\s+(?:diretamente\s+)?com\s+{who}"),
            // me passa para um atendente, transfira-me para o supervisor, me coloca em contato com …
            format!(r"\b(?:me\s+)?{transfer}(?:[- ]me)?\s+(?:em\s+contato\s+com|para|pra|pro|com|ao|à)\s+(?:{who}|{team})"),
            r"\b(?:quero|queria|preciso\s+de|gostaria\s+de|exijo)\s+(?:um|uma)\s+(?:humano|ser\s+humano|atendente|agente|operador(?:a)?|pessoa(?:\s+(?:real|de\s+verdade))?|atendimento\s+humano)\b".to_string(),
            r"\b(?:ser\s+atendid[oa]|atendimento)\s+(?:por\s+(?:um|uma)\s+(?:humano|pessoa|atendente|agente)|humano)\b".to_string(),
            // "quero que alguém me ligue" asks for a call: a person is named here.
            r"\b(?:quero|preciso|prefiro|exijo)\s+que\s+(?:um|uma|o|a|seu|sua)\s+(?:humano|ser\s+humano|pessoa|atendente|agente|operador(?:a)?|supervisor(?:a)?|gerente)\b".to_string(),
            r"\bchama(?:r)?\s+(?:o|a|um|uma)\s+(?:(?:seu|sua)\s+)?(?:gerente|supervisor(?:a)?|atendente|respons[aá]vel)\b".to_string(),
            r"\bpessoa\s+(?:real|de\s+verdade)\b".to_string(),
            r"\bescal(?:a|e|ar|em)\s+(?:meu|minha|o|a|este|esse|isso|isto)\s*\w*\s+(?:pr[ao]|para\s+(?:o|a)?|ao|à)\s*(?:n[ií]vel|supervisor|gerente|superior|ger[eê]ncia)".to_string(),
            // A person asked to contact the customer: "pede pro atendente me mandar um sms",
            // "alguém da equipe de admissões pode me atender?", "que alguém do atendimento me ajudasse".
            r"\b(?:pede|pe[çc]a|pedir|manda|mande|pode|poderia|que)\s+(?:pr[ao]\s+|para\s+(?:o|a)\s+|o\s+|a\s+|um\s+|uma\s+|seu\s+|sua\s+|algum\s+|alguma\s+)(?:atendente|agente|operador(?:a)?|consultor(?:a)?|supervisor(?:a)?|gerente|respons[aá]vel)\s+(?:\w+\s+){0,2}?me\s+(?:ligar|liga|ligue|retornar|retorne|mandar|manda|mande|enviar|envie|chamar|chame|atender|atenda|escrever|escreva|contatar|contate)\b".to_string(),
            r"\b(?:que\s+)?algu[eé]m\s+d[oa]\s+(?:equipe|setor|atendimento|suporte|departamento|financeiro|comercial|jur[ií]dico|t[ée]cnico|cobran[çc]a|ouvidoria|ger[eê]ncia|loja|empresa|central)(?:\s+(?:de\s+)?\w+)?\s+(?:pode\s+|poderia\s+|podia\s+)?me\s+(?:atender|atenda|ajudar|ajude|ajudasse|atendesse|ligar|ligue|ligasse|retornar|retorne|responder|responda|mandar|mande|enviar|envie|escrever|escreva|chamar|chame)\b".to_string(),
            r"(?:^|[.!?]\s+)(?:um\s+)?(?:atendente|humano|atendimento\s+humano)(?:\s*,?\s*por\s+favor)?\s*(?:[.!?]+|$)".to_string(),
        ]),
        negation: negation(r"n[aã]o|nunca|jamais|nem|sem", None),
        reporters: reporters(
            r"marido|esposa|mulher|filh[oa]|m[aã]e|pai|amig[oa]|colega",
        ),
    }
});

static ITALIAN: LazyLock<Phrasings> = LazyLock::new(|| Phrasings {
    requests: case_insensitive(&[
        r"\bparlare\s+con\s+(?:un|una|un')\s*(?:operatore|operatrice|persona|umano|agente|consulente)\b",
        r"\b(?:passarmi|passami|mi\s+passi)\s+(?:un|una|un')\s*(?:operatore|operatrice|persona|umano|consulente)\b",
    ]),
    negation: negation(r"non|mai|senza", None),
    reporters: None,
});

/// What the phrasings of these languages say about a person in one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRequest<'a> {
    /// A request no negation cancels (the first one).
    Asked(&'a str),
    /// Request phrasings, every one cancelled: negated ("je ne veux pas parler à un conseiller")
    /// or someone else's ("mein Mann wollte mit einem Vorgesetzten sprechen").
    Declined,
}

/// The first uncancelled request for a person, or [`PersonRequest::Declined`] when the text
/// holds request phrasings and each is cancelled; `None` when it holds none.
pub fn read_person_request(text: &str) -> Option<PersonRequest<'_>> {
    if !KEYWORDS.is_match(text) {
        return None;
    }
    let mut declined = false;
    for language in [&SPANISH, &GERMAN, &FRENCH, &PORTUGUESE, &ITALIAN] {
        for re in &language.requests {
            for found in re.find_iter(text) {
                let phrase = words_of(text, found.range());
                let clause = clause_before(text, phrase.start);
                let governing =
                    NOT_NEGATING.replace_all(governing_words(clause, &text[phrase.clone()]), "");
                let negated = language.negation.is_match(&governing)
                    || language
                        .reporters
                        .as_ref()
                        .is_some_and(|r| r.is_match(clause));
                if negated && !WHY.is_match(clause) {
                    declined = true;
                } else {
                    return Some(PersonRequest::Asked(&text[phrase]));
                }
            }
        }
    }
    declined.then_some(PersonRequest::Declined)
}

/// A match without the punctuation a pattern anchors on ("… nada. Un agente" → "Un agente").
fn words_of(text: &str, found: Range<usize>) -> Range<usize> {
    let skipped = text[found.clone()].find(char::is_alphanumeric).unwrap_or(0);
    found.start + skipped..found.end
}

/// The words of `clause` whose negation cancels the request `phrase` after it: the last
/// [`NEGATION_WORDS`], from the last "I" on, or from the word before the last "I want". A
/// phrase that opens on "I" ("je veux un humain") holds its own negation, and one that opens on
/// "I want" ("quiero un agente") is negated by the word just before it.
fn governing_words<'a>(clause: &'a str, phrase: &str) -> &'a str {
    if SUBJECT.find(phrase).is_some_and(|m| m.start() == 0) {
        return "";
    }
    if FIRST_PERSON_WANT
        .find(phrase)
        .is_some_and(|m| m.start() == 0)
    {
        return last_words(clause, 1);
    }
    let subject = SUBJECT.find_iter(clause).last().map(|m| m.start());
    let want = FIRST_PERSON_WANT
        .find_iter(clause)
        .last()
        .map(|m| word_before(clause, m.start()));
    let from = subject.max(want).map_or(clause, |start| &clause[start..]);
    last_words(from, NEGATION_WORDS)
}

/// Where the word before byte `at` of `clause` starts (`at` itself when there is none).
fn word_before(clause: &str, at: usize) -> usize {
    let before = clause[..at].trim_end();
    before
        .rfind(char::is_whitespace)
        .map_or(if before.is_empty() { at } else { 0 }, |i| i + 1)
}

/// The last `n` words of `clause` (all of it when it has fewer).
fn last_words(clause: &str, n: usize) -> &str {
    let starts: Vec<usize> = clause
        .char_indices()
        .filter(|&(i, c)| {
            !c.is_whitespace() && (i == 0 || clause[..i].ends_with(char::is_whitespace))
        })
        .map(|(i, _)| i)
        .collect();
    starts
        .len()
        .checked_sub(n)
        .map_or(clause, |first| &clause[starts[first]..])
}

/// The end of the clause before `at`: back to the previous clause mark, at most
/// [`NEGATION_REACH`] characters.
fn clause_before(text: &str, at: usize) -> &str {
    let before = &text[..at];
    let clause_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| CLAUSE_MARKS.contains(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let reach_start = before
        .char_indices()
        .rev()
        .nth(NEGATION_REACH - 1)
        .map_or(0, |(i, _)| i);
    &before[clause_start.max(reach_start)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first request for a person in `text` that no negation cancels.
    fn find_person_request(text: &str) -> Option<&str> {
        match read_person_request(text)? {
            PersonRequest::Asked(phrase) => Some(phrase),
            PersonRequest::Declined => None,
        }
    }

    #[test]
    fn finds_common_phrasings_in_each_language() {
        let missed: Vec<&str> = [
            "Quiero hablar con un agente",
            "¿Me pasas con un asesor, por favor?",
            "Pásame con una persona de verdad",
            "Comuníqueme con atención al cliente",
            "¿Me puede transferir a un operador?",
            "Necesito un representante ya",
            "Ich möchte mit einem Mitarbeiter sprechen",
            "Verbinden Sie mich bitte mit einem Menschen",
            "Können Sie mich zu einem Berater durchstellen?",
            "Stellen Sie mich zu Ihrem Vorgesetzten durch",
            "Ich will einen Menschen",
            "Kann ich bitte mit dem Kundendienst sprechen?",
            "Je veux parler à un conseiller",
            "Passez-moi un conseiller s'il vous plaît",
            "Vous pouvez me transférer vers un agent ?",
            "Mettez-moi en relation avec le service client",
            "Je voudrais parler à quelqu'un du service client",
            "Quero falar com um atendente",
            "Me passa para um atendente",
            "Pode me transferir para o supervisor?",
            "Quero atendimento humano",
            "Me coloca em contato com uma pessoa de verdade",
            "Vorrei parlare con un operatore",
            "Prefiero que me atienda una persona",
            "Llame al encargado, por favor",
            "No funciona nada. Un agente, por favor.",
            "Holen Sie mir bitte Ihren Vorgesetzten",
            "Kann ich mit jemandem vom Kundenservice sprechen?",
            "Ich hätte gern eine echte Person",
            "Das Paket fehlt. Mitarbeiter, bitte!",
            "Je préfère parler à un humain",
            "Je souhaite être mis en relation avec un conseiller",
            "Passez-moi votre supérieur",
            "Ça ne marche pas. Un conseiller, s'il vous plaît.",
            "Pode me passar para o seu supervisor?",
            "Chama o gerente, por favor",
            "Prefiro que um atendente veja isso",
            "A conta está errada. Atendente!",
            "Pásame con el departamento de facturación",
            "¿Me puede transferir al área de reclamos?",
            "Verbinden Sie mich bitte mit der Buchungsabteilung",
            "Können Sie mich an Ihre Rechtsabteilung weiterleiten?",
            "Transférez-moi au service facturation",
            "Me transfere para o setor financeiro",
            "Pode me encaminhar pra central de atendimento?",
            "que un asesor me mande por mensaje de texto el número del expediente",
            "¿Puede un agente llamarme esta tarde?",
            "¿podría alguien del equipo de facturación mirar mi factura del gas?",
            "Ich möchte, dass mich ein Mitarbeiter zurückruft",
            "ja ich hätte gern einen rückruf von der sachbearbeiterin die meinen schaden betreut",
            "Ich hätte gern eine Videoberatung mit einem Mitarbeiter aus der Zulassung",
            "Eskalieren Sie das bitte an die nächste Ebene.",
            "Du verstehst null, ernsthaft. Hol mir wen Echten.",
            "ich hätte gern äh die die zuständige sachbearbeiterin für meinen vertrag",
            "Ich wünsche, mit der Leitung des Kundenservice verbunden zu werden.",
            "ich will mit der filialleitung reden",
            "Ihr Werkstattleiter soll mich bitte anrufen.",
            "ja ich bin extrem sauer ich will dass der filialleiter mich zurückruft",
            "Ein Vorgesetzter soll mir bitte schriftlich per E-Mail antworten.",
            "Est-ce qu'un agent peut m'envoyer un texto quand il est dispo ?",
            "Je voudrais qu'un conseiller me rappelle demain",
            "Je voudrais un rendez-vous en visio avec un conseiller admissions.",
            "escaladez mon dossier au niveau 2 svp",
            "pede pro atendente me mandar um sms quando tiver resposta",
            "alguém da equipe de admissões pode me atender?",
            "é eu eu queria que alguém do atendimento me ajudasse com a fatura da água",
            "estoy harta, que me llame el director del hotel",
            "Que una persona del departamento de facturación me escriba por correo, por favor.",
            "me puede llamar un agente al número que tienen",
            "¿Podría derivar mi consulta al equipo de atención al cliente?",
            "Necesito que alguien del equipo de reembolsos mire mi pedido, no tú.",
            "que le gestionnaire m'appelle s'il vous plaît c'est urgent",
            "Pouvez-vous demander au gestionnaire de m'envoyer un SMS quand il passe ?",
            "J'aimerais que quelqu'un de la réception de l'hôtel regarde ma réservation",
            "gostaria de falar com a ouvidoria",
            "poderia me direcionar para o departamento de contratos?",
            "pede pra alguém do financeiro me mandar um email com o valor certo",
            "escala meu chamado pro nível 2 por favor",
        ]
        .into_iter()
        .filter(|text| find_person_request(text).is_none())
        .collect();
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn negated_requests_do_not_fire() {
        let fired: Vec<&str> = [
            "No quiero hablar con un agente",
            "No necesito un asesor, gracias",
            "No me pases con ningún operador",
            "Je ne veux pas parler à un conseiller",
            "Pas besoin de me transférer vers un agent",
            "Ich will nicht mit einem Mitarbeiter sprechen",
            "Ich muss nicht mit einem Menschen reden, danke",
            "Não quero falar com atendente",
            "Não precisa me passar para um atendente",
            "Non voglio parlare con un operatore",
            "Mi marido quería hablar con un agente ayer",
            "Meine Frau wollte gestern mit einem Mitarbeiter sprechen",
            "Ma femme voulait parler à un conseiller",
            "Minha esposa queria falar com o gerente",
            "No me pases con el departamento de ventas",
            "Sie müssen mich nicht mit der Buchungsabteilung verbinden",
            "Não precisa me transferir para o setor financeiro",
        ]
        .into_iter()
        .filter_map(find_person_request)
        .collect();
        assert!(fired.is_empty(), "{fired:?}");
    }

    #[test]
    fn a_negation_in_another_clause_does_not_cancel_the_request() {
        assert_eq!(
            find_person_request("No funciona, quiero hablar con un agente"),
            Some("hablar con un agente")
        );
        assert_eq!(
            find_person_request("Je ne veux pas de robot, je veux parler à un conseiller"),
            Some("parler à un conseiller")
        );
        assert!(find_person_request("Não quero robô. Quero falar com um atendente").is_some());
    }

    #[test]
    fn a_negation_of_an_earlier_verb_does_not_cancel_the_request() {
        // Spoken turns come without punctuation: the negation belongs to the verb before.
        for text in [
            "ich will keinen bot ich will einen menschen",
            "ähm nein ich möchte keine optionen hören ich möchte einen berater sprechen",
            "no me sirve un robot páseme a alguien del equipo de soporte",
            "eu não entendi nada do que você falou quero um atendente",
            "allô vous m'entendez ça coupe sans arrêt passez-moi un conseiller",
            "a ligação cai sem parar me passa pra um atendente",
            "esto no funciona quiero hablar con un agente",
            "me tienen harto con la grúa que nunca llega exijo hablar con una persona",
            "isso não resolve nada quero falar com um atendente",
            "euh non non c'est pas ça je veux un humain",
            "ya no aguanto más necesito un asesor",
        ] {
            assert!(find_person_request(text).is_some(), "{text}");
        }
        // Up to three words back it still cancels.
        for text in [
            "Ich wollte eigentlich gar nicht mit einem Menschen reden",
            "Pas besoin de me transférer vers un agent",
            "não, obrigado, não quero falar com o gerente",
            "ya no quiero hablar con un agente",
            "yo no necesito un asesor",
            "eu não preciso falar com um atendente",
            "la verdad no quiero que me pasen con un asesor",
        ] {
            assert_eq!(
                read_person_request(text),
                Some(PersonRequest::Declined),
                "{text}"
            );
        }
    }

    #[test]
    fn a_why_question_asks_despite_its_negation() {
        for text in [
            "Pourquoi vous ne me laissez pas parler à un conseiller ?",
            "¿Por qué no me dejas hablar con alguien de atención al cliente?",
            "Warum darf ich nicht mit einem Mitarbeiter sprechen?",
        ] {
            assert!(
                matches!(read_person_request(text), Some(PersonRequest::Asked(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn tells_a_declined_request_from_no_request_at_all() {
        assert_eq!(
            read_person_request("Also, ich will nicht mit Ihrem Vorgesetzten sprechen."),
            Some(PersonRequest::Declined)
        );
        assert_eq!(
            read_person_request("Mein Mann wollte gestern mit einem Vorgesetzten sprechen."),
            Some(PersonRequest::Declined)
        );
        assert_eq!(read_person_request("Le prix est par personne ?"), None);
        assert_eq!(
            read_person_request("No quiero esperar. Quiero hablar con un agente"),
            Some(PersonRequest::Asked("hablar con un agente"))
        );
    }

    #[test]
    fn ignores_look_alikes() {
        let fired: Vec<&str> = [
            "El agente de ayer me ayudó mucho",
            "Ya hablé con un asesor la semana pasada",
            "Mein Berater hat mir das empfohlen",
            "Personne ne répond au téléphone",
            "Je n'ai parlé à personne",
            "Le conseiller m'a rappelé hier, merci",
            "O atendente de ontem foi ótimo",
            "Posso adicionar outra pessoa na minha conta?",
            "Ist das eine echte Person?",
            "Mi agente de seguros me llamó ayer",
            "Que la persona de contacto sea mi hermana",
            "Geben Sie mir die Rechnungsnummer",
            "Mon opérateur mobile a augmenté ses prix",
            "Chama o aplicativo de novo?",
            "Le conseiller était très aimable. Merci.",
            "Quiero que alguien me llame mañana",
            "Quero que alguém me ligue amanhã",
            "Die Buchungsabteilung hat mir gestern geschrieben",
            "Leiten Sie mich zur Webseite weiter",
            "El departamento de ventas cierra a las seis",
            "Le service facturation m'a déjà répondu",
            "O setor financeiro já me ligou",
            "Transfira o dinheiro para a central",
            "El asesor me mandó un correo ayer",
            "Der Mitarbeiter hat mich gestern angerufen",
            "Le conseiller m'a appelé hier",
            "O atendente me ligou ontem",
            "Alguém da minha família pode me ajudar com o app?",
            "Die Lage ist eskaliert",
            "Der Filialleiter hat mich gestern angerufen",
            "Me dijeron que un técnico me llamaría el lunes",
            "La persona de contacto es mi hermana",
            "Le technicien m'a appelé ce matin",
        ]
        .into_iter()
        .filter_map(find_person_request)
        .collect();
        assert!(fired.is_empty(), "{fired:?}");
    }
}
