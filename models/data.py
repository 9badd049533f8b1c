"""Reads the labelled sets in ../shared/data into one shape for training and evaluation.

Every example is a customer utterance, optionally with the context it answered (the bot's or the
other speaker's previous turn), and whatever labels its set gives (None where it gives none):
- sentiment: 0 negative / 1 neutral / 2 positive, or -1;
- emotions: the 28 GoEmotions labels as a 0/1 list (GoEmotions only);
- frustration: 1.0 angry / annoyed / let down / objecting / disgusted, else 0.0;
- dissatisfaction: 1.0 when the customer is unhappy with the service at this turn (dialogue data);
- intents: the INTENTS of intents.py as a 0/1 list (the paraphrase sets).

Model input (`encode`): `[CLS] text [SEP]`, and with a context `[CLS] text [SEP] context [SEP]`
where the context keeps its last CONTEXT_TOKENS word pieces and has token type 1. The service
builds exactly the same sequence (src/nlu/tokenize.rs reads the budgets from labels.json).
"""

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from intents import INTENTS

EMOTIONS = (
    "admiration amusement anger annoyance approval caring confusion curiosity desire "
    "disappointment disapproval disgust embarrassment excitement fear gratitude grief joy love "
    "nervousness optimism pride realization relief remorse sadness surprise neutral"
).split()

# Frustration, as rapport means it: the customer is angry, annoyed, let down, objecting or disgusted.
FRUSTRATION_EMOTIONS = ("anger", "annoyance", "disappointment", "disapproval", "disgust")
FRUSTRATION_IDS = frozenset(EMOTIONS.index(name) for name in FRUSTRATION_EMOTIONS)

SENTIMENTS = ("negative", "neutral", "positive")

TEXT_TOKENS = 96
CONTEXT_TOKENS = 24

# goemotions/group/labels.txt order: ambiguous, negative, neutral, positive.
_GROUP = ("ambiguous", "negative", "neutral", "positive")


@dataclass
class Example:
    text: str
    sentiment: int = -1
    emotions: list | None = None
    frustration: float | None = None
    context: str | None = None
    dissatisfaction: float | None = None
    intents: list | None = None
    group: str = ""


def fnv1a64(text: str) -> int:
    """FNV-1a 64-bit of the UTF-8 bytes; `rapport eval` splits dialogues with the same function."""
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def dialogue_split(dialogue_id: str) -> str:
    """test (10%), dev (10%) or train (80%), by dialogue, stable across runs and languages."""
    bucket = fnv1a64(dialogue_id) % 10
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


def goemotions_sentiment(groups: set) -> int:
    """One 3-class label from the grouped GoEmotions labels.

    Only-negative → negative, only-positive → positive, neutral or only-ambiguous → neutral;
    a comment labelled both positive and negative has no single sentiment (-1, left out).
    """
    if "negative" in groups and "positive" in groups:
        return -1
    if "negative" in groups:
        return 0
    if "positive" in groups:
        return 2
    return 1


def goemotions(root: Path, split: str) -> list:
    original = (root / "goemotions/original" / f"{split}.tsv").read_text().splitlines()
    grouped = (root / "goemotions/group" / f"{split}.tsv").read_text().splitlines()
    examples = []
    for line, group_line in zip(original, grouped, strict=True):
        text, ids, _ = line.split("\t")
        _, group_ids, _ = group_line.split("\t")
        labels = {int(i) for i in ids.split(",")}
        groups = {_GROUP[int(i)] for i in group_ids.split(",")}
        emotions = [1.0 if i in labels else 0.0 for i in range(len(EMOTIONS))]
        frustration = 1.0 if labels & FRUSTRATION_IDS else 0.0
        examples.append(Example(text, goemotions_sentiment(groups), emotions, frustration, group="goemotions"))
    return examples


def sst2(root: Path, split: str) -> list:
    """SST-2: binary sentiment (1 = positive) mapped onto negative / positive."""
    lines = (root / "sst2" / f"{split}.tsv").read_text().splitlines()[1:]
    examples = []
    for line in lines:
        label, text = line.split("\t", 1)
        examples.append(Example(text, 2 if label == "1" else 0, group="sst2"))
    return examples


def tweeteval_sentiment(root: Path, split: str = "all") -> list:
    """TweetEval sentiment, validation split (the only one shipped): negative / neutral / positive.

    `train` is four fifths of it, `dev` the other fifth (every fifth tweet), `all` the whole."""
    folder = root / "tweeteval/sentiment"
    texts = (folder / "val_text.txt").read_text().splitlines()
    labels = (folder / "val_labels.txt").read_text().splitlines()
    rows = [(i, t.strip(), int(l)) for i, (t, l) in enumerate(zip(texts, labels, strict=True))]
    if split == "train":
        rows = [r for r in rows if r[0] % 5]
    elif split == "dev":
        rows = [r for r in rows if r[0] % 5 == 0]
    return [Example(t, l, group="tweets") for _, t, l in rows]


def tweeteval_emotion(root: Path, split: str) -> list:
    """TweetEval emotion (anger / joy / optimism / sadness): sentiment, and anger as frustration."""
    folder = root / "tweeteval/emotion"
    name = {"dev": "val"}.get(split, split)
    texts = (folder / f"{name}_text.txt").read_text().splitlines()
    labels = (folder / f"{name}_labels.txt").read_text().splitlines()
    sentiment = {0: 0, 1: 2, 2: 2, 3: 0}
    return [
        Example(t.strip(), sentiment[int(l)], frustration=1.0 if int(l) == 0 else 0.0, group="tweet-emotion")
        for t, l in zip(texts, labels, strict=True)
    ]


def meld(root: Path, split: str) -> list:
    """MELD utterances with the previous utterance of the scene as context.

    Sentiment as labelled; frustration = anger or disgust (the service's reading of MELD)."""
    name = {"train": "train_sent_emo.csv", "dev": "dev_sent_emo.csv"}[split]
    with open(root / "meld" / name, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: (int(r["Dialogue_ID"]), int(r["Utterance_ID"])))
    examples, previous = [], {}
    for row in rows:
        text = row["Utterance"].replace("\u2019", "'").replace("\u0092", "'").strip()
        dialogue = row["Dialogue_ID"]
        examples.append(
            Example(
                text,
                SENTIMENTS.index(row["Sentiment"]),
                frustration=1.0 if row["Emotion"] in ("anger", "disgust") else 0.0,
                context=previous.get(dialogue),
                group="meld",
            )
        )
        previous[dialogue] = text
    return examples


# A satisfied task-oriented user ("I want a general practitioner", "find someone else", "are pets
# allowed?") asks for no person, channel or line fix and makes no complaint: such turns are real
# look-alikes for the intent heads. Turns naming a person or channel word are left unlabelled in
# case they are a genuine request.
_INTENT_WORDS = re.compile(
    r"\b(human|agent|representative|operator|manager|supervisor|call me|text me|e-?mail me|video|whatsapp)\b", re.I
)


def asks_for_nothing(examples: list) -> np.ndarray:
    """Mask of the dialogue turns that are satisfied and name no person or channel word: real
    look-alikes for the intents (a turn naming one may be a genuine request)."""
    return np.array([e.dissatisfaction == 0 and not _INTENT_WORDS.search(e.text) for e in examples], bool)


def _dialogue_records(root: Path, split: str, sources) -> list:
    """(source, dialogue) of each labelled dialogue in the split ("all": every one)."""
    return [
        (source, dialogue)
        for source in sources
        for dialogue in map(json.loads, (root / "dialogues" / f"{source}.jsonl").read_text().splitlines())
        if split == "all" or dialogue_split(dialogue["dialogue_id"]) == split
    ]


def dialogues(root: Path, split: str, sources=("uss_sgd", "uss_mwoz"), intent_negative_share: float = 0.0) -> list:
    """User turns of the labelled chatbot dialogues, with the bot's previous turn as context;
    dissatisfaction = the turn's majority satisfaction rating ≤ 2. Split by dialogue. With
    intent_negative_share > 0, that share of the satisfied turns (picked by a hash of the text)
    also carries all-zero intent targets."""
    examples = []
    for source, dialogue in _dialogue_records(root, split, sources):
        context = None
        for turn in dialogue["turns"]:
            if turn["speaker"] != "user":
                context = turn["text"]
                continue
            text = turn["text"]
            look_alike = (
                not turn.get("frustrated")
                and fnv1a64(text) % 1000 < intent_negative_share * 1000
                and not _INTENT_WORDS.search(text)
            )
            examples.append(
                Example(
                    text,
                    context=context,
                    dissatisfaction=1.0 if turn.get("frustrated") else 0.0,
                    intents=[0.0] * len(INTENTS) if look_alike else None,
                    group=source,
                )
            )
    return examples


# Bot turns that could change what the customer's reply asks for.
_BOT_INTENT_WORDS = re.compile(
    r"agent|human|person|represent|operator|staff|call|phone|text|mail|video|chat|message|whatsapp|"
    r"line|hear|connect|transfer|speak|talk",
    re.I,
)


def bot_turns(root: Path, lang: str) -> list:
    """The bot turns phrasings are read after in training: the training half of the language's
    written chatbot turns (phrasings.bot_turns), and for English also the bot turns of the
    dialogues' train split that name no person, channel or line."""
    import phrasings

    turns = phrasings.bot_turns(lang, "train")
    if lang == "en":
        turns += [
            t["text"]
            for _, dialogue in _dialogue_records(root, "train", ("uss_sgd", "uss_mwoz"))
            for t in dialogue["turns"]
            if t["speaker"] != "user" and not _BOT_INTENT_WORDS.search(t["text"])
        ]
    return turns


def context_for(text: str, turns: list | None):
    """The bot turn a phrasing is read after: one of `turns` picked by a hash of the text (the
    same text always gets the same turn); None without turns."""
    return turns[fnv1a64(text) % len(turns)] if turns else None


def intent_examples(split: str, contexts: dict | None = None) -> list:
    """The paraphrase sets of intents.py (requests for a person or a channel, line trouble,
    complaints). `contexts` ({language: bot turns}): each phrasing is read after one of its
    language's bot turns (picked by a hash of the text), as the service reads a customer turn."""
    import intents

    return [
        Example(text, context=context_for(text, (contexts or {}).get(lang)), intents=targets, group=f"intents-{lang}")
        for lang, text, targets in intents.examples(split)
    ]


def encode_all(tokenizer, examples: list, with_context: bool = True, text_tokens: int = TEXT_TOKENS) -> list:
    """(ids, type_ids) per example, the same sequence the service builds."""
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    texts = [e.text for e in examples]
    text_ids = [enc.ids[:text_tokens] for enc in tokenizer.encode_batch(texts, add_special_tokens=False)]
    contexts = [e.context if with_context else None for e in examples]
    wanted = [i for i, c in enumerate(contexts) if c]
    context_ids = {}
    if wanted:
        encoded = tokenizer.encode_batch([contexts[i] for i in wanted], add_special_tokens=False)
        context_ids = {i: enc.ids[-CONTEXT_TOKENS:] for i, enc in zip(wanted, encoded)}
    out = []
    for i, ids in enumerate(text_ids):
        seq = [cls, *ids, sep]
        types = [0] * len(seq)
        tail = context_ids.get(i)
        if tail:
            seq += [*tail, sep]
            types += [1] * (len(tail) + 1)
        out.append((seq, types))
    return out


def padded(encoded: list, rows: list) -> tuple:
    """ids, attention mask and token types of `rows`, right-padded with zeros to the longest (int64)."""
    width = max(len(encoded[i][0]) for i in rows)
    input_ids = np.zeros((len(rows), width), np.int64)
    mask = np.zeros((len(rows), width), np.int64)
    types = np.zeros((len(rows), width), np.int64)
    for r, i in enumerate(rows):
        ids, type_ids = encoded[i]
        input_ids[r, : len(ids)] = ids
        mask[r, : len(ids)] = 1
        types[r, : len(ids)] = type_ids
    return input_ids, mask, types


OUTPUTS = ("sentiment", "emotions", "frustration", "dissatisfaction", "intents")


def score_by_length(tokenizer, examples: list, score, batch_size: int = 64, with_context: bool = True) -> dict:
    """Runs `score(input_ids, mask, types) -> tuple of numpy arrays named OUTPUTS` over the examples
    in length-sorted batches; returns {output name: array in input order}."""
    encoded = encode_all(tokenizer, examples, with_context)
    order = sorted(range(len(examples)), key=lambda i: len(encoded[i][0]))
    results = {}
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        for name, values in zip(OUTPUTS, score(*padded(encoded, rows))):
            if name not in results:
                results[name] = np.zeros((len(examples), *values.shape[1:]), np.float32)
            results[name][rows] = values
    return results
