//! What a conversation costs in memory: many realistic 8-turn conversations (four customer
//! turns of typical length, four bot replies, one escalation with its handoff) through the real
//! pipeline, measured with a counting allocator (each block at glibc's chunk size) and compared
//! with the store's own estimate, which must stay close. The signals themselves are the hub's
//! (its replay buffer is set to one signal here).
//!
//! `cargo test --release --test memory -- --nocapture` prints both figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};

use rapport::config::Config;
use rapport::conversation::{Channel, Speaker, TurnInput};
use rapport::nlu::Nlu;
use rapport::pipeline::{Pipeline, TurnOutcome};
use rapport::store::ConversationKey;

/// Bytes live on the heap, each block as glibc charges it.
static LIVE: AtomicIsize = AtomicIsize::new(0);

fn charged(size: usize) -> isize {
    (size + 8).next_multiple_of(16).max(32) as isize
}

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(charged(layout.size()), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(charged(layout.size()), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(charged(layout.size()), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            charged(new_size) - charged(layout.size()),
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A support chat: the customer's turns are 60–95 characters (about the 16-token mean of real
/// customer turns), the bot's a little longer; the customer ends up asking for a person.
const TURNS: [(Speaker, &str); 8] = [
    (
        Speaker::Customer,
        "Hi, I ordered running shoes last week and the tracking hasn't updated since Monday",
    ),
    (
        Speaker::Bot,
        "I'm sorry to hear that. Could you give me your order number so I can check the delivery?",
    ),
    (
        Speaker::Customer,
        "It's 48213377, I already gave it to your colleague yesterday",
    ),
    (
        Speaker::Bot,
        "Thanks! Your parcel is with the carrier and should arrive within 3-5 business days.",
    ),
    (
        Speaker::Customer,
        "That's what you said last time, it was supposed to arrive on Friday",
    ),
    (
        Speaker::Bot,
        "I understand your frustration. Is there anything else I can help you with today?",
    ),
    (
        Speaker::Customer,
        "Yes, I want to talk to a real person about a refund please",
    ),
    (
        Speaker::Bot,
        "Of course, I'm transferring you to one of our agents now. Please stay with me.",
    ),
];

async fn converse(pipeline: &Pipeline, n: usize) -> usize {
    let key = ConversationKey {
        tenant_id: "acme-support".into(),
        conversation_id: format!("5f0c6a52-8d4e-4f5b-9a43-{n:012x}"),
    };
    let mut signals = 0;
    for (i, (speaker, text)) in TURNS.iter().enumerate() {
        let turn = TurnInput {
            turn_id: (i + 1).to_string(),
            speaker: *speaker,
            text: (*text).into(),
            channel: Channel::Chat,
            at_ms: 1_767_225_600_000 + i as u64 * 20_000,
            intent_confidence: Some(0.9),
            fallback: false,
            available_channels: vec![Channel::Chat, Channel::Voice],
            language: None,
        };
        if let TurnOutcome::Assessed { signals: fired, .. } =
            pipeline.process(&key, &turn).await.unwrap()
        {
            signals += fired.len();
        }
    }
    signals
}

#[tokio::test(flavor = "current_thread")]
async fn an_eight_turn_conversation_fits_in_two_and_a_half_kib_and_the_estimate_is_honest() {
    const CONVERSATIONS: usize = 300;
    let mut config = Config::default();
    // Signals belong to the hub's replay buffer (bounded by count, not per conversation): keep
    // it minimal so what is measured is what the store holds.
    config.signals.replay_capacity = 1;
    let nlu = Nlu::load(&config.nlu).expect("the model in models/ loads");
    let pipeline = Arc::new(Pipeline::new(Arc::new(nlu), &config).unwrap());
    // Warm up lazily built regexes, caches and the map's shards.
    converse(&pipeline, 1_000_000).await;
    pipeline
        .end(&ConversationKey {
            tenant_id: "acme-support".into(),
            conversation_id: format!("5f0c6a52-8d4e-4f5b-9a43-{:012x}", 1_000_000),
        })
        .unwrap();

    let (live, estimated) = (LIVE.load(Ordering::SeqCst), pipeline.store().bytes());
    let mut signals = 0;
    for n in 0..CONVERSATIONS {
        signals += converse(&pipeline, n).await;
    }
    let measured = (LIVE.load(Ordering::SeqCst) - live) as usize / CONVERSATIONS;
    let estimate = (pipeline.store().bytes() - estimated) / CONVERSATIONS;
    println!(
        "8-turn conversation ({} signal(s) each): {measured} bytes measured, {estimate} bytes estimated",
        signals as f64 / CONVERSATIONS as f64
    );
    assert!(signals >= CONVERSATIONS, "each conversation escalates");
    // 2.5 KiB (this build: ~2,500 bytes).
    assert!(measured <= 2560, "{measured} bytes");
    assert!(
        estimate >= measured * 9 / 10 && estimate <= measured * 5 / 4,
        "estimate {estimate} vs measured {measured}"
    );
}
