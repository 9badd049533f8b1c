"""Intent phrasings written by hand, outside the templates of intents.py.

    models/intent_phrasings/train/<lang>.txt         more training phrasings, one writer per language
    models/intent_phrasings/calibration/<lang>.txt   the intent thresholds are chosen on these

Each language's calibration file was written by a different writer than its training file, and
neither writer saw the templates of intents.py, so a threshold chosen on calibration meets
phrasings the network was not trained on, as the service's customers' are. One example per line:
`codes | text`, codes from intents._CODES (`msg`, `conn`, `compl` ...) or `-` for a look-alike;
`#` starts a comment.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent / "intent_phrasings"
PARTS = ("train", "calibration")


def read(part: str, lang: str, codes: dict) -> list:
    """[(language, text, labels)] of one file; labels are INTENTS names. Missing file: []."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}")
    path = HERE / part / f"{lang}.txt"
    if not path.exists():
        return []
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
