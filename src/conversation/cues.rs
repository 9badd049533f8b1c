//! Explicit requests and other cues in a customer turn: asking for a person, naming a channel,
//! trouble on the line, complaints, repetition.
//!
//! The model's intent heads decide ([`combine`]); the case-insensitive patterns here (English;
//! other languages' requests for a person in [`languages`], their trouble on the line in
//! [`line_trouble`], their complaints in [`complaints`]) are a high-precision fallback (for models without intent heads and languages
//! they were not trained on) and supply the evidence text. Each cue says where it came from and
//! how sure it is.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::Channel;
use crate::nlu::IntentScore;

mod complaints;
mod languages;
mod line_trouble;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    HumanRequest,
    ChannelRequest,
    ConnectionTrouble,
    Repetition,
    Complaint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueSource {
    /// The model's intent heads.
    Model,
    /// A pattern in this file.
    Pattern,
}

/// A cue found in a turn: its kind, the matched phrase (redacted), for channel requests the
/// channel asked for, who found it and how sure it is (the model's probability; 1 for a pattern).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cue {
    pub kind: CueKind,
    pub text: String,
    pub channel: Option<Channel>,
    pub source: CueSource,
    pub confidence: f32,
}

impl Cue {
    /// Whether this cue is of `kind` and, when a `channel` is given, asks for that channel (a
    /// request for SMS is not one for e-mail); the one test the model's intents and the patterns
    /// are matched by.
    pub fn stands_for(&self, kind: CueKind, channel: Option<Channel>) -> bool {
        self.kind == kind && (channel.is_none() || self.channel == channel)
    }
}

/// Below this model probability a pattern match is taken for a look-alike ("call me Ishmael")
/// and dropped, in languages the intent heads know.
const PATTERN_VETO: f32 = 0.05;

/// Longest evidence text taken from the turn when no pattern marks the phrase.
const EVIDENCE_CHARS: usize = 120;

/// What an intent of the model means as a cue.
pub fn intent_cue(intent: &str) -> Option<(CueKind, Option<Channel>)> {
    Some(match intent {
        "person" => (CueKind::HumanRequest, None),
        "voice" => (CueKind::ChannelRequest, Some(Channel::Voice)),
        "sms" => (CueKind::ChannelRequest, Some(Channel::Sms)),
        "email" => (CueKind::ChannelRequest, Some(Channel::Email)),
        "video" => (CueKind::ChannelRequest, Some(Channel::Video)),
        "messaging" => (CueKind::ChannelRequest, Some(Channel::MessagingApp)),
        "connection_trouble" => (CueKind::ConnectionTrouble, None),
        "complaint" => (CueKind::Complaint, None),
        _ => return None,
    })
}

/// The cues of one (redacted) customer turn: every intent the model detects, with the matching
/// pattern's phrase as evidence when there is one, plus the pattern matches the model has no
/// intent for or that it does not clearly reject. `intents_known`: the intent heads were trained
/// on the turn's language, so their "no" can veto a pattern.
///
/// The other way round, the patterns veto the model's request for a person when the only
/// request phrasings in the turn are ones the other languages' negations cancel ("ich will
/// nicht mit Ihrem Vorgesetzten sprechen"): the English-only encoder reads the nouns, not the
/// German or French "not".
pub fn combine(text: &str, intents: &[IntentScore], intents_known: bool) -> Vec<Cue> {
    let Scan {
        cues: patterns,
        person_declined,
    } = scan(text);
    if intents.is_empty() {
        return patterns;
    }
    let mut cues: Vec<Cue> = intents
        .iter()
        .filter(|intent| intent.detected)
        .filter(|intent| !(person_declined && &*intent.intent == "person"))
        .filter_map(|intent| {
            let (kind, channel) = intent_cue(&intent.intent)?;
            let evidence = patterns
                .iter()
                .find(|p| p.stands_for(kind, channel))
                .map_or_else(
                    || text.chars().take(EVIDENCE_CHARS).collect(),
                    |p| p.text.clone(),
                );
            Some(Cue {
                kind,
                text: evidence,
                channel,
                source: CueSource::Model,
                confidence: intent.probability,
            })
        })
        .collect();
    for pattern in patterns {
        if cues
            .iter()
            .any(|c| c.stands_for(pattern.kind, pattern.channel))
        {
            continue;
        }
        let model_says = intents.iter().find(|intent| {
            intent_cue(&intent.intent)
                .is_some_and(|(kind, channel)| pattern.stands_for(kind, channel))
        });
        let vetoed = intents_known && model_says.is_some_and(|i| i.probability < PATTERN_VETO);
        if !vetoed {
            cues.push(pattern);
        }
    }
    cues
}

const PERSON: &str = r"(?:human|person|agent|representative|rep|operator|someone|somebody|manager|supervisor|advisor|adviser)";

/// English requests for a person; [`languages`] has the other languages'.
static HUMAN_REQUEST: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    case_insensitive(&[
        format!(
            r"\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|the|some|your)?\s*(?:real|live|actual|human)?\s*{PERSON}\b"
        ),
        r"\b(?:real|live|actual)\s+(?:human|person|agent)\b".to_string(),
        format!(
            r"\b(?:transfer|connect|put|pass)\s+me\s+(?:to|through\s+to|with|on\s+to)\s+(?:a|an|the|some)?\s*(?:real|live)?\s*{PERSON}\b"
        ),
        // Put through to a department: its people answer ("transfer me to the billing department").
        r"\b(?:transfer|connect|put|pass)\s+me\s+(?:to|through\s+to|with|on\s+to)\s+(?:the\s+|your\s+)?(?:[a-z]+\s+)?(?:department|customer\s+(?:service|support|care)|support\s+team)\b".to_string(),
        r"\b(?:get|give|want|need)\s+(?:me\s+)?(?:a|an)\s+(?:real\s+|live\s+)?(?:human|person|agent|representative|operator)\b".to_string(),
        r"^\W*(?:agent|representative|operator|human)(?:\s+please)?\W*$".to_string(),
        // "who can I actually speak to?", "is there anyone I could talk to"
        r"\b(?:who|anyone|anybody|someone|somebody)\s+(?:(?:else|real)\s+)?(?:can|could)\s+i\s+(?:actually\s+|really\s+)?(?:speak|talk)\s+(?:to|with)\b".to_string(),
        // A team by its name: "put me through to billing", "transfer me to claims".
        r"\b(?:transfer|connect|put|pass)\s+me\s+(?:to|through\s+to|on\s+to)\s+(?:the\s+|your\s+)?(?:billing|claims|sales|accounts|complaints|admissions|returns|bookings|reservations|tech(?:nical)?\s+support|the\s+support\s+desk)\b".to_string(),
        // Someone from a named team: "is anyone from the lettings team available", "someone from
        // the host support team needs to see this", "a member of staff could review my claim".
        r"\b(?:is|are)\s+(?:there\s+)?(?:anyone|anybody|someone|somebody)\s+from\s+(?:the|your)\s+(?:\w+\s+){0,2}(?:team|department|desk|office)\b".to_string(),
        r"\b(?:(?:someone|somebody)\s+from\s+(?:the|your)\s+(?:\w+\s+){0,2}(?:team|department|desk|office)|a\s+member\s+of\s+(?:staff|your\s+team))\s+(?:needs?\s+to|should|has\s+to|must|could|can|to)\s+(?:see|look\s+(?:at|into)|check|review|deal\s+with|sort|handle|call|contact|help)\b".to_string(),
        // A person asked to contact the customer: "have your supervisor email me", "can one of
        // your agents text me back", "could a member of the admissions team call me".
        format!(
            r"\b(?:can|could|would|have|get|let)\s+(?:a|an|the|your|one\s+of\s+your)\s+(?:real\s+|live\s+|actual\s+)?(?:{PERSON}s?|staff\s+member|member\s+of\s+(?:staff|(?:your|the)\s+(?:\w+\s+)?team))\s+(?:please\s+)?(?:call|ring|phone|e-?mail|text|message|contact|whatsapp|video\s+call|get\s+back\s+to|reach\s+out\s+to)\s+me\b"
        ),
    ])
});

/// Case-insensitive regexes of `patterns` (all written by hand here: a bad one panics at first use,
/// which every test of this module reaches).
fn case_insensitive<P: AsRef<str>>(patterns: &[P]) -> Vec<Regex> {
    patterns
        .iter()
        .map(|pattern| Regex::new(&format!("(?i){}", pattern.as_ref())).unwrap())
        .collect()
}

/// The first match of `patterns` in `text`, when `keywords` (a cheap pre-filter of their stems)
/// matches at all.
fn first_phrase<'t>(keywords: &Regex, patterns: &[Regex], text: &'t str) -> Option<&'t str> {
    if !keywords.is_match(text) {
        return None;
    }
    patterns
        .iter()
        .find_map(|re| re.find(text))
        .map(|found| found.as_str())
}

/// "I don't want to talk to a person" is not a request for one (English).
static NEGATED_HUMAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:don'?t|do\s+not|no\s+need\s+to|never)\s+(?:want\s+to\s+|need\s+to\s+)?(?:talk|speak|chat)\b").unwrap()
});

static CHANNEL_REQUESTS: LazyLock<Vec<(Channel, Regex)>> = LazyLock::new(|| {
    [
        (Channel::Voice, r"\b(?:call|ring|phone)\s+me\b|\b(?:give\s+me|i\s+want|can\s+i\s+get)\s+a\s+(?:phone\s+)?call\b|\bover\s+the\s+phone\b"),
        (Channel::Sms, r"\b(?:text|sms)\s+me\b|\bsend\s+(?:me\s+)?(?:a|an)\s+(?:text|sms)\b|\b(?:by|via|over)\s+(?:text|sms)\b"),
        (Channel::Email, r"\be-?mail\s+me\b|\bsend\s+(?:me\s+|it\s+|this\s+)*(?:an\s+)?e-?mail\b|\b(?:by|via|over)\s+e-?mail\b"),
        (Channel::Video, r"\bvideo\s+call\b|\b(?:by|via|on|over)\s+video\b"),
        (Channel::Chat, r"\b(?:switch|move|go)\s+to\s+(?:the\s+)?chat\b|\bchat\s+instead\b|\b(?:by|via|over|in)\s+(?:the\s+)?chat\b"),
        (Channel::MessagingApp, r"\b(?:whatsapp|messenger|telegram|signal)\s+me\b|\b(?:on|via|over)\s+(?:whatsapp|messenger|telegram)\b"),
    ]
    .into_iter()
    .map(|(channel, pattern)| (channel, Regex::new(&format!("(?i){pattern}")).unwrap()))
    .collect()
});

static CONNECTION_TROUBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:you'?re|you\s+are|it'?s|line\s+is|call\s+is|voice\s+is|audio\s+is|sound\s+is)\s+(?:breaking|cutting)\s+(?:up|out)\b|\b(?:breaking|cutting)\s+up\b|\bcan\s+you\s+(?:still\s+)?hear\s+me\b|\b(?:can'?t|cannot|can\s+not|couldn'?t)\s+hear\s+(?:you|anything|a\s+thing)\b|\b(?:call|line|connection)\s+(?:dropped|keeps\s+dropping|got\s+cut|was\s+cut|cut\s+off|is\s+terrible|is\s+bad)\b|\bbad\s+(?:connection|line|signal|reception)\b|\b(?:choppy|garbled|static)\b|\b(?:hello\W+){2,}",
    )
    .unwrap()
});

static COMPLAINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:ridiculous|unacceptable|outrageous|useless|pathetic|absurd)\b|\b(?:file|make|lodge|raise|submit)\s+a\s+(?:formal\s+)?complaint\b|\bcancel\s+my\s+(?:account|subscription|order|contract|plan)\b|\b(?:worst|awful|terrible|horrible)\s+(?:service|experience|company|support)\b|\b(?:fed\s+up|sick\s+of|had\s+enough)\b|\bwaste\s+of\s+(?:time|money)\b",
    )
    .unwrap()
});

/// Cheap pre-filter so most turns skip the individual patterns.
static ANY_KEYWORD: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)human|person|agent|representative|\brep\b|operator|someone|somebody|manager|supervisor|advis|department|customer\s+(?:service|support|care)|support\s+team|staff|member\s+of|who|anyone|anybody|billing|claims|sales|accounts|admissions|returns|bookings|reservations",
        r"(?i)call|ring|phone|text|sms|mail|video|chat|whatsapp|messenger|telegram|signal",
        r"(?i)break|cut|hear|drop|connection|line|reception|choppy|garbled|static|hello",
        r"(?i)ridiculous|unacceptable|outrageous|useless|pathetic|absurd|complaint|cancel|worst|awful|terrible|horrible|fed\s+up|sick\s+of|enough|waste",
    ])
    .unwrap()
});

/// Finds the cues in one utterance. `text` should already be redacted: matched phrases are
/// returned as they appear.
pub fn detect_cues(text: &str) -> Vec<Cue> {
    scan(text).cues
}

/// What the patterns read in one utterance.
struct Scan {
    cues: Vec<Cue>,
    /// Request phrasings for a person in the other languages, every one cancelled, and no
    /// request at all (see [`languages::PersonRequest::Declined`]).
    person_declined: bool,
}

fn scan(text: &str) -> Scan {
    let hits = ANY_KEYWORD.matches(text);
    let mut cues = Vec::new();
    let cue = |kind, text: &str, channel| Cue {
        kind,
        text: text.to_string(),
        channel,
        source: CueSource::Pattern,
        confidence: 1.0,
    };
    let english = (hits.matched(0) && !NEGATED_HUMAN.is_match(text))
        .then(|| HUMAN_REQUEST.iter().find_map(|re| re.find(text)))
        .flatten()
        .map(|found| languages::PersonRequest::Asked(found.as_str()));
    let person = english.or_else(|| languages::read_person_request(text));
    if let Some(languages::PersonRequest::Asked(found)) = person {
        cues.push(cue(CueKind::HumanRequest, found, None));
    }
    if hits.matched(1) {
        for (channel, re) in CHANNEL_REQUESTS.iter() {
            if let Some(found) = re.find(text) {
                cues.push(cue(CueKind::ChannelRequest, found.as_str(), Some(*channel)));
            }
        }
    }
    // The English pattern when its keywords are in the text, else the other languages'.
    let english = |keywords: usize, pattern: &Regex| {
        hits.matched(keywords)
            .then(|| pattern.find(text))
            .flatten()
            .map(|found| found.as_str())
    };
    if let Some(found) =
        english(2, &CONNECTION_TROUBLE).or_else(|| line_trouble::find_line_trouble(text))
    {
        cues.push(cue(CueKind::ConnectionTrouble, found, None));
    }
    if let Some(found) = english(3, &COMPLAINT).or_else(|| complaints::find_complaint(text)) {
        cues.push(cue(CueKind::Complaint, found, None));
    }
    Scan {
        cues,
        person_declined: person == Some(languages::PersonRequest::Declined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<CueKind> {
        kinds_of(&detect_cues(text))
    }

    fn kinds_of(cues: &[Cue]) -> Vec<CueKind> {
        cues.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn finds_requests_for_a_person_in_several_languages() {
        for text in [
            "Let me talk to a human",
            "can I speak with a real person please",
            "I want a real agent now",
            "transfer me to a representative",
            "can you transfer me to the billing department",
            "put me through to customer service",
            "AGENT!!",
            "Quiero hablar con un agente",
            "je veux parler à un conseiller",
            "Ich möchte mit einem Mitarbeiter sprechen",
            "quero falar com um atendente",
            "vorrei parlare con un operatore",
        ] {
            assert_eq!(kinds(text), [CueKind::HumanRequest], "{text}");
        }
    }

    #[test]
    fn negated_requests_for_a_person_do_not_fire_in_any_language() {
        for text in [
            "no quiero hablar con un agente",
            "je ne veux pas parler à un conseiller",
            "ich will nicht mit einem Mitarbeiter sprechen",
            "não quero falar com atendente",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
        assert_eq!(
            kinds("no me sirve, pásame con un asesor"),
            [CueKind::HumanRequest]
        );
    }

    #[test]
    fn a_team_by_name_or_a_person_asked_to_act_is_a_request_for_one() {
        for text in [
            "have your supervisor email me at [EMAIL]",
            "can one of your agents text me back, i'm at work",
            "Could a member of the admissions team call me about my offer?",
            "ok so i've tried the FAQ. who can i actually speak to?",
            "you people billed me twice again, unacceptable, put me through to billing",
            "Is anyone from the lettings team available to chat now?",
            "Someone from the host support team needs to see this, the photos don't match.",
            "I would be grateful if a member of staff could review my warranty claim.",
        ] {
            assert!(kinds(text).contains(&CueKind::HumanRequest), "{text}");
        }
        for text in [
            "my manager can call me after lunch",
            "can someone call me back",
            "someone from your team called me yesterday",
        ] {
            assert!(!kinds(text).contains(&CueKind::HumanRequest), "{text}");
        }
    }

    #[test]
    fn ignores_negated_or_unrelated_mentions() {
        assert!(kinds("I don't want to talk to a person, just fix it").is_empty());
        assert!(kinds("my agent number is on the invoice").is_empty());
        assert!(kinds("where is my parcel").is_empty());
        assert!(kinds("the billing department sent me a letter").is_empty());
        assert!(kinds("the agent called me yesterday").is_empty());
    }

    #[test]
    fn names_the_channel_asked_for() {
        let channel = |text: &str| {
            detect_cues(text)
                .into_iter()
                .find(|c| c.kind == CueKind::ChannelRequest)
                .and_then(|c| c.channel)
        };
        assert_eq!(channel("just call me"), Some(Channel::Voice));
        assert_eq!(channel("text me instead"), Some(Channel::Sms));
        assert_eq!(channel("please email me the details"), Some(Channel::Email));
        assert_eq!(channel("can we do a video call"), Some(Channel::Video));
        assert_eq!(channel("the phone bill is wrong"), None);
    }

    fn intents(person: f32, voice: f32) -> Vec<IntentScore> {
        [("person", person), ("voice", voice), ("complaint", 0.01)]
            .map(|(name, p)| IntentScore {
                intent: name.into(),
                probability: p,
                detected: p >= 0.5,
            })
            .to_vec()
    }

    #[test]
    fn the_model_decides_and_a_pattern_gives_the_evidence() {
        let cues = combine(
            "can a person look at this instead of you",
            &intents(0.93, 0.0),
            true,
        );
        assert_eq!(cues.len(), 1);
        assert_eq!(
            (cues[0].kind, cues[0].source),
            (CueKind::HumanRequest, CueSource::Model)
        );
        assert_eq!(cues[0].confidence, 0.93);
        let cues = combine("let me talk to a human", &intents(0.97, 0.0), true);
        assert_eq!(cues[0].text, "talk to a human");
    }

    #[test]
    fn the_model_vetoes_look_alike_patterns_only_in_languages_it_knows() {
        assert!(combine("call me Ishmael", &intents(0.0, 0.01), true).is_empty());
        let kept = combine("call me Ishmael", &intents(0.0, 0.01), false);
        assert_eq!(kept[0].source, CueSource::Pattern);
        let unsure = combine("just call me", &intents(0.0, 0.3), true);
        assert_eq!(unsure[0].channel, Some(Channel::Voice));
    }

    #[test]
    fn a_declined_request_in_another_language_vetoes_the_models_person_cue() {
        let declined = "Je ne veux PAS parler à un conseiller.";
        assert!(combine(declined, &intents(0.99, 0.0), true).is_empty());
        // A request elsewhere in the turn still counts, and so does the model alone.
        let asked = "Je ne veux pas de robot, je veux parler à un conseiller";
        assert_eq!(
            kinds_of(&combine(asked, &intents(0.99, 0.0), true)),
            [CueKind::HumanRequest]
        );
        let unmarked = "Ich hätte gern einen echten Menschen am Apparat";
        assert_eq!(
            kinds_of(&combine(unmarked, &intents(0.9, 0.0), true)),
            [CueKind::HumanRequest]
        );
    }

    #[test]
    fn finds_trouble_on_the_line_and_complaints() {
        assert_eq!(
            kinds("sorry you're breaking up"),
            [CueKind::ConnectionTrouble]
        );
        assert_eq!(
            kinds("hello? hello? can you hear me"),
            [CueKind::ConnectionTrouble]
        );
        assert_eq!(kinds("perdona, no te oigo"), [CueKind::ConnectionTrouble]);
        assert_eq!(
            kinds("Sie brechen ständig ab"),
            [CueKind::ConnectionTrouble]
        );
        assert_eq!(kinds("this is ridiculous"), [CueKind::Complaint]);
        assert_eq!(kinds("I want to file a complaint"), [CueKind::Complaint]);
    }
}
