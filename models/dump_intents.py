"""Writes a split of the intent paraphrase data as JSON lines for `rapport eval-intents`.

    python models/dump_intents.py dev /tmp/intents-dev.jsonl
    python models/dump_intents.py next /tmp/intents-next.jsonl   # intent_phrasings/next/, as written
    python models/dump_intents.py round-8 /tmp/intents-r8.jsonl  # one round (train/ or next/<lang>.8.txt), as written
    python models/dump_intents.py check /tmp/intents-check-bot.jsonl --context  # each read after a bot turn

Each line is {"language": ..., "text": ..., "intents": [...]}: the INTENTS whose target is 1
(an empty list for a look-alike). With --context it also has "context": a chatbot turn of its
language from the held-out half of intent_phrasings/bot_turns/<lang>.txt (picked by a hash of the
text, so the same example always gets the same turn; training reads the other half), which `rapport eval-intents` reads before the text as
`Converse` reads a customer turn after the bot's reply. Those bot turns never mention a person, a
channel or the line, so the labels hold after them.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import intents  # noqa: E402
import phrasings  # noqa: E402
from data import context_for  # noqa: E402

CHOICES = intents.SPLITS + ("next", "round-N")


def _round_number(split: str):
    """N of "round-N", else None."""
    number = split.removeprefix("round-")
    return int(number) if split.startswith("round-") and number.isdigit() else None


def _known(split: str) -> bool:
    return split in intents.SPLITS or split == "next" or _round_number(split) is not None


def examples(split: str) -> list:
    """[(language, text, targets)]: a split of intents.py, the next rounds' phrasings or one
    round's (`round-N`), as written."""
    if split == "next":
        read = lambda lang: phrasings.read("next", lang, intents._CODES)  # noqa: E731
    elif (number := _round_number(split)) is not None:
        read = lambda lang: phrasings.read_round(number, lang, intents._CODES)  # noqa: E731
    else:
        return intents.examples(split)
    return [(lang, text, intents._targets(names)) for lang in intents._LANGUAGES for _, text, names in read(lang)]


def rows(split: str, with_context: bool = False) -> list:
    bot_turns = {lang: phrasings.bot_turns(lang, "held_out") for lang in intents._LANGUAGES} if with_context else {}
    out = []
    for language, text, targets in examples(split):
        row = {
            "language": language,
            "text": text,
            "intents": [name for name, target in zip(intents.INTENTS, targets) if target],
        }
        if context := context_for(text, bot_turns.get(language)):
            row["context"] = context
        out.append(row)
    return out


def main(argv: list) -> int:
    with_context = "--context" in argv
    argv = [a for a in argv if a != "--context"]
    if len(argv) != 3 or not _known(argv[1]):
        print(f"usage: dump_intents.py {'|'.join(CHOICES)} OUT.jsonl [--context]", file=sys.stderr)
        return 2
    lines = rows(argv[1], with_context)
    if not lines and _round_number(argv[1]) is not None:
        print(f"no round {argv[1]}: no intent_phrasings/train/ or next/<lang>.N.txt", file=sys.stderr)
        return 2
    with open(argv[2], "w", encoding="utf-8") as out:
        for row in lines:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(lines)} examples of {argv[1]} in {argv[2]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
