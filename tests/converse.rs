//! The Converse stream end to end: real server on loopback, real model, real client.

mod common;

use common::{Server, assessment, bot, customer, error_code, turn};
use rapport::config::Config;
use rapport::proto::{self, converse_response::Outcome};
use tonic::Code;

#[tokio::test]
async fn scores_customer_turns_and_escalates_when_asked_for_a_person_with_a_redacted_handoff() {
    let server = Server::start().await;
    let mut stream = server.converse().await;

    let recorded = stream.say(bot("c1", "1", "Hi! How can I help?")).await;
    assert!(matches!(recorded.outcome, Some(Outcome::Recorded(_))));

    let first = stream
        .say(customer(
            "c1",
            "2",
            "my email is jane@example.com and my parcel is late",
        ))
        .await;
    let scored = assessment(&first);
    let sentiment = scored.scores.as_ref().unwrap().sentiment.unwrap();
    assert!((sentiment.negative + sentiment.neutral + sentiment.positive - 1.0).abs() < 1e-3);
    assert!(scored.model_version.starts_with("rapport-nlu/"));
    assert!(first.signals.is_empty());

    let asked = stream
        .say(customer("c1", "3", "let me talk to a human agent"))
        .await;
    assert_eq!(asked.signals.len(), 1, "{:?}", asked.signals);
    let signal = &asked.signals[0];
    assert_eq!(signal.kind, proto::SignalKind::Escalate as i32);
    assert_eq!(signal.rule_id, "escalate.explicit-human-request");
    assert_eq!(
        signal.reasons,
        [proto::ReasonCode::ExplicitHumanRequest as i32]
    );
    assert!(signal.priority >= proto::Priority::High as i32);
    assert_eq!(signal.turn_id, "3");
    let handoff = signal.handoff.as_ref().unwrap();
    let texts: Vec<&str> = handoff
        .recent_turns
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "Hi! How can I help?",
            "my email is [EMAIL] and my parcel is late",
            "let me talk to a human agent"
        ]
    );
    assert_eq!(handoff.emotion_timeline.len(), 2);
    assert!(!format!("{signal:?}").contains("jane@example.com"));
}

#[tokio::test]
async fn a_bad_turn_gets_a_status_and_the_stream_and_other_conversations_carry_on() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    stream
        .say(customer(
            "good",
            "1",
            "hello there, I have a question about my bill",
        ))
        .await;

    let mut missing_id = customer("", "1", "hello");
    missing_id.conversation_id.clear();
    assert_eq!(
        error_code(&stream.say(missing_id).await),
        Code::InvalidArgument
    );
    assert_eq!(
        error_code(&stream.say(customer("bad", "1", "   ")).await),
        Code::InvalidArgument
    );
    assert_eq!(
        error_code(&stream.say(customer("bad", "2", &"a".repeat(5000))).await),
        Code::InvalidArgument
    );
    let mut no_speaker = customer("bad", "3", "hi");
    no_speaker.speaker = 0;
    assert_eq!(
        error_code(&stream.say(no_speaker).await),
        Code::InvalidArgument
    );
    let mut no_channel = customer("bad", "4", "hi");
    no_channel.channel = 42;
    assert_eq!(
        error_code(&stream.say(no_channel).await),
        Code::InvalidArgument
    );

    let after = stream
        .say(customer("good", "2", "ok, and when will it be fixed?"))
        .await;
    assert!(assessment(&after).scores.is_some());
    let state = server
        .pipeline
        .conversation(&rapport::store::ConversationKey {
            tenant_id: "acme".into(),
            conversation_id: "good".into(),
        });
    assert_eq!(state.unwrap().state.customer_turns, 2);
}

#[tokio::test]
async fn a_resent_turn_changes_nothing_and_never_fires_twice() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    let first = stream
        .say(customer("c", "7", "I want to speak to a real person"))
        .await;
    assert_eq!(first.signals.len(), 1);
    let again = stream
        .say(customer("c", "7", "I want to speak to a real person"))
        .await;
    assert!(again.duplicate);
    assert!(again.signals.is_empty());
    assert_eq!(
        server.pipeline.hub().next_sequence(),
        2,
        "exactly one signal published"
    );
}

#[tokio::test]
async fn many_conversations_on_one_stream_are_answered_in_order() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    let texts = [
        "where is my order",
        "thanks, all good",
        "this is the third time I ask!",
        "hello",
    ];
    for i in 0..24 {
        stream
            .send(customer(
                &format!("c{}", i % 6),
                &i.to_string(),
                texts[i % texts.len()],
            ))
            .await;
    }
    for i in 0..24 {
        let response = stream.next().await;
        assert_eq!(response.turn_id, i.to_string());
        assert_eq!(response.conversation_id, format!("c{}", i % 6));
        assessment(&response);
    }
    let key = rapport::store::ConversationKey {
        tenant_id: "acme".into(),
        conversation_id: "c0".into(),
    };
    assert_eq!(
        server
            .pipeline
            .conversation(&key)
            .unwrap()
            .state
            .customer_turns,
        4
    );
}

#[tokio::test]
async fn at_capacity_new_conversations_are_refused_and_existing_ones_continue() {
    let mut config = Config::default();
    config.store.capacity = 1;
    let server = Server::start_with(config).await;
    let mut stream = server.converse().await;
    assessment(
        &stream
            .say(customer("first", "1", "hi, my router is broken"))
            .await,
    );
    assert_eq!(
        error_code(&stream.say(customer("second", "1", "hello")).await),
        Code::ResourceExhausted
    );
    assessment(
        &stream
            .say(customer("first", "2", "it keeps blinking red"))
            .await,
    );
    stream.end("acme", "first").await;
    assert!(matches!(
        stream.next().await.outcome,
        Some(Outcome::Ended(_))
    ));
    assessment(&stream.say(customer("second", "1", "hello")).await);
}

#[tokio::test]
async fn a_failing_voice_line_switches_to_chat() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    let voice = |id: &str, text: &str| {
        turn(
            "v",
            id,
            proto::Speaker::Customer,
            text,
            proto::Channel::Voice,
        )
    };
    stream
        .say(voice("1", "hi, I'm calling about my bill"))
        .await;
    stream.say(voice("2", "sorry, you're breaking up")).await;
    let response = stream.say(voice("3", "hello? can you hear me?")).await;
    let switch: Vec<_> = response
        .signals
        .iter()
        .filter(|s| s.kind == proto::SignalKind::SwitchChannel as i32)
        .collect();
    assert_eq!(switch.len(), 1, "{:?}", response.signals);
    assert_eq!(switch[0].target_channel, proto::Channel::Chat as i32);
    assert_eq!(switch[0].current_channel, proto::Channel::Voice as i32);
    assert_eq!(switch[0].rule_id, "switch.connection-trouble");
}

#[tokio::test]
async fn shutdown_answers_every_turn_sent_and_the_stream_ends_when_the_client_half_closes() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    stream.say(customer("c", "1", "hello")).await;
    for i in 2..6 {
        stream
            .send(customer("c", &i.to_string(), "is anyone there?"))
            .await;
    }
    // The first answer proves the server is working on this stream when shutdown starts.
    let first = stream.next().await;
    assert_eq!(first.turn_id, "2");
    assert!(matches!(first.outcome, Some(Outcome::Assessment(_))));
    server.shutdown.cancel();
    // Sent after shutdown started: still read, and answered UNAVAILABLE in-band.
    stream.send(customer("c", "6", "hello??")).await;
    let mut answers = vec![first];
    while answers.last().unwrap().turn_id != "6" {
        answers.push(stream.next().await);
    }
    let ids: Vec<&str> = answers.iter().map(|a| a.turn_id.as_str()).collect();
    assert_eq!(ids, ["2", "3", "4", "5", "6"]);
    for answer in &answers[1..4] {
        // Taken before shutdown (assessed) or read after it (refused); never lost.
        assert!(
            matches!(answer.outcome, Some(Outcome::Assessment(_)))
                || error_code(answer) == Code::Unavailable,
            "{answer:?}"
        );
    }
    assert_eq!(error_code(&answers[4]), Code::Unavailable);
    // The client half-closes; with every turn answered the stream ends OK.
    drop(stream.requests);
    assert!(stream.responses.message().await.unwrap().is_none());
    tokio::time::timeout(std::time::Duration::from_secs(10), server.stopped)
        .await
        .expect("the server stops once its streams are done, before the stream drain")
        .unwrap();
}

#[tokio::test]
async fn a_calm_conversation_never_escalates() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    let script = [
        (
            "Hi! How can I help you today?",
            "Hi, I'd like to check the status of my order.",
        ),
        (
            "Sure, it ships tomorrow.",
            "Great, thanks. Can I change the delivery address?",
        ),
        ("Done, the address is updated.", "Perfect, that was quick."),
        ("Anything else?", "No, that's all. Have a nice day!"),
    ];
    for (i, (bot_text, customer_text)) in script.iter().enumerate() {
        stream.say(bot("calm", &format!("b{i}"), bot_text)).await;
        let response = stream
            .say(customer("calm", &format!("c{i}"), customer_text))
            .await;
        assert!(
            response.signals.is_empty(),
            "turn {i} fired {:?}",
            response.signals
        );
    }
    assert_eq!(
        server.pipeline.hub().next_sequence(),
        1,
        "no signal published"
    );
}

#[tokio::test]
async fn a_conversation_getting_angrier_escalates_before_its_fifth_angry_turn() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    stream
        .say(customer(
            "hot",
            "0",
            "Hi, my internet has been down since this morning.",
        ))
        .await;
    let angry = [
        "It's still not working and I already restarted the router twice.",
        "This is really annoying, I work from home and I'm losing money.",
        "Seriously? That's the same useless answer you gave me an hour ago.",
        "I'm furious. Three days of this and nobody fixes anything!",
        "This is the worst service I have ever had, absolutely disgusting.",
    ];
    let mut fired_at = None;
    for (i, text) in angry.iter().enumerate() {
        let response = stream
            .say(customer("hot", &(i + 1).to_string(), text))
            .await;
        if let Some(signal) = response
            .signals
            .iter()
            .find(|s| s.kind == proto::SignalKind::Escalate as i32)
        {
            assert!(
                signal.rule_id.starts_with("escalate."),
                "{}",
                signal.rule_id
            );
            assert!(!signal.reasons.is_empty());
            fired_at = Some(i + 1);
            break;
        }
    }
    let fired_at = fired_at.expect("escalated within five angry turns");
    assert!(fired_at < 5, "escalated only at angry turn {fired_at}");
}

/// Explicit requests are heard after the bot's reply: `Converse` reads a customer turn with the
/// bot's previous turn as context, and the model's intent heads still find the request (a cue
/// from the model, not only a pattern), in each language the heads were trained on.
#[tokio::test]
async fn the_model_hears_requests_read_after_the_bot_turn() {
    let server = Server::start().await;
    let mut stream = server.converse().await;
    let script = [
        (
            "Your order was dispatched on Monday and should arrive within 3 to 5 working days.",
            "that doesn't help at all, can a person look at this instead of you?",
            proto::CueKind::HumanRequest,
        ),
        (
            "Sorry, I didn't understand that. Could you rephrase?",
            "get me your supervisor",
            proto::CueKind::HumanRequest,
        ),
        (
            "You can change your password under Settings > Security.",
            "I've been charged twice for the same order and nobody fixes it, this is unacceptable",
            proto::CueKind::Complaint,
        ),
        (
            "Please tell me your booking reference.",
            "you keep cutting out, I only got half of that",
            proto::CueKind::ConnectionTrouble,
        ),
        (
            "Tu pedido está en camino y llegará mañana.",
            "no me sirve, quiero que me atienda alguien de verdad",
            proto::CueKind::HumanRequest,
        ),
        (
            "Ihre Rechnung finden Sie im Kundenkonto unter Dokumente.",
            "das hilft mir nicht, verbinden Sie mich bitte mit einem Sachbearbeiter",
            proto::CueKind::HumanRequest,
        ),
        (
            "Votre colis sera livré entre 8h et 13h.",
            "je voudrais parler à quelqu'un du service client s'il vous plaît",
            proto::CueKind::HumanRequest,
        ),
        (
            "Seu pedido foi enviado e chega em até 5 dias úteis.",
            "isso não resolve, quero falar com um atendente",
            proto::CueKind::HumanRequest,
        ),
    ];
    for (i, (bot_text, customer_text, kind)) in script.iter().enumerate() {
        let conversation = format!("heard-{i}");
        stream.say(bot(&conversation, "b", bot_text)).await;
        let response = stream
            .say(customer(&conversation, "c", customer_text))
            .await;
        let cues = &assessment(&response).cues;
        assert!(
            cues.iter().any(|cue| cue.kind == *kind as i32
                && cue.source == proto::CueSource::Model as i32),
            "{customer_text:?} after {bot_text:?}: no {kind:?} from the model in {cues:?}"
        );
    }
}
