"""Intent phrasings written by hand, outside the templates of intents.py.

    models/intent_phrasings/train/<lang>[.N].txt     more training phrasings, one writer per file
    models/intent_phrasings/calibration/<lang>.txt   the intent thresholds are chosen on these
    models/intent_phrasings/check/<lang>.txt         never trained or tuned on: a new writer's phrasings
    models/intent_phrasings/next/<lang>.N.txt        rounds not trained on yet, kept out of every split until they
                                                     are (`dump_intents.py next` scores them as written,
                                                     `round-N` one round)
    models/intent_phrasings/bot_turns/<lang>.txt     chatbot turns that name no person, channel or line:
                                                     half of them the context training phrasings are read
                                                     after, the other half `dump_intents.py --context`'s

Each language's calibration file was written by a different writer than its training files
(`fr.txt`, then `fr.2.txt` from a later round), and no writer saw the templates of intents.py,
so a threshold chosen on calibration meets phrasings the network was not trained on, as the
service's customers' are. One example per line:
`codes | text`, codes from intents._CODES (`msg`, `conn`, `compl` ...) or `-` for a look-alike;
`#` starts a comment.
"""

import re
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent / "intent_phrasings"
PARTS = ("train", "calibration", "check", "next")  # intents.py reads the first three
# The chat apps only the TEST family names (intents._TEST_COMMON): rounds from 9 on may name them,
# so training skips those lines and messaging recall on test still measures apps never seen.
# "Signal" is also a phone's reception ("no signal"), so it counts only on a messaging line.
TEST_ONLY_APPS = re.compile(r"\b(viber|we\s?chat|insta(gram)?)\b", re.IGNORECASE)
SIGNAL = re.compile(r"\bsignal\b", re.IGNORECASE)


def _names_test_only_app(row: tuple) -> bool:
    _, text, labels = row
    return bool(TEST_ONLY_APPS.search(text) or ("messaging" in labels and SIGNAL.search(text)))


def read(part: str, lang: str, codes: dict) -> list:
    """[(language, text, labels)] of a language's files in `part`, in round order; labels are
    INTENTS names. No file: []."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}")
    paths = [(HERE / part).glob(f"{lang}.txt"), (HERE / part).glob(f"{lang}.*.txt")]
    ordered = sorted((path for found in paths for path in found), key=_round_of)  # round 10 after round 9
    rows = [row for path in ordered for row in _read_file(path, lang, codes)]
    return [row for row in rows if not _names_test_only_app(row)] if part == "train" else rows


BOT_TURN_HALVES = ("train", "held_out")


def bot_turns(lang: str, half: str) -> list:
    """One half of a language's chatbot turns (no file: []): a CRC-32 of the turn puts each in
    "train" (phrasings are trained after them) or "held_out" (`dump_intents.py --context`)."""
    if half not in BOT_TURN_HALVES:
        raise ValueError(f"unknown half {half!r}")
    path = HERE / "bot_turns" / f"{lang}.txt"
    if not path.exists():
        return []
    turns = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [turn for turn in turns if BOT_TURN_HALVES[zlib.crc32(turn.encode("utf-8")) % 2] == half]


def read_round(number: int, lang: str, codes: dict) -> list:
    """[(language, text, labels)] of one round's file as written: `train/<lang>.<number>.txt`, else
    `next/<lang>.<number>.txt` (round 1 is `train/<lang>.txt`); no file: []."""
    name = f"{lang}.txt" if number == 1 else f"{lang}.{number}.txt"
    path = next((HERE / part / name for part in ("train", "next") if (HERE / part / name).exists()), None)
    return _read_file(path, lang, codes) if path else []


def _round_of(path: Path) -> int:
    """1 for `<lang>.txt`, N for `<lang>.N.txt`."""
    middle = path.name.split(".")[1:-1]
    return int(middle[0]) if middle else 1


def _read_file(path: Path, lang: str, codes: dict) -> list:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        head, _, text = line.partition("|")
        text, names = text.strip(), head.split()
        if not text or not names or any(n != "-" and n not in codes for n in names):
            raise ValueError(f"{path}:{number}: expected `codes | text`, got {line!r}")
        rows.append((lang, text, tuple(codes[n] for n in names if n != "-")))
    return rows
