"""Precision and recall of message understanding per label and language; speed.

Run: ``.venv/bin/python bench/understanding.py`` (``--all`` to include the
part the rules were tuned on; by default only the held-out quarter and the
whole set are printed, side by side).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from agencydesk.messaging.understanding import LABELS, understand  # noqa: E402

DATA = ROOT / "src/agencydesk/messaging/tests/data/client_messages.tsv"


def load() -> list[tuple[str, dict[str, bool], str, bool]]:
    """(language, labels, text, held_out) for every row of the labelled set."""
    rows = []
    index = 0
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, flags, text = line.split("\t", 2)
        labels = {label: flag == "1" for label, flag in zip(LABELS, flags, strict=True)}
        rows.append((lang, labels, text.replace("\\n", "\n"), index % 4 == 3))
        index += 1
    return rows


def scores(rows: list[tuple[str, dict[str, bool], str, bool]]) -> None:
    """Print precision and recall per label and language."""
    langs = sorted({r[0] for r in rows})
    print(f"{'label':<15}" + "".join(f"{lang:>16}" for lang in langs))
    for label in LABELS:
        cells = []
        for lang in langs:
            tp = fp = fn = 0
            for r_lang, labels, text, _ in rows:
                if r_lang != lang:
                    continue
                got = understand(text).labels[label]
                tp += got and labels[label]
                fp += got and not labels[label]
                fn += labels[label] and not got
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            cells.append(f"P{p:.2f} R{r:.2f} ({tp + fn})")
        print(f"{label:<15}" + "".join(f"{c:>16}" for c in cells))


def main() -> None:
    rows = load()
    print(f"Labelled set: {len(rows)} messages")
    print("\nHeld-out quarter (never tuned on):")
    scores([r for r in rows if r[3]])
    print("\nWhole set:")
    scores(rows)
    if "--errors" in sys.argv:
        for lang, labels, text, held in rows:
            got = understand(text)
            if got.labels != labels:
                wrong = [k for k in LABELS if got.labels[k] != labels[k]]
                print("HELD" if held else "tune", lang, wrong, repr(text), got.reasons)
    texts = [r[2] for r in rows]
    batch = (texts * (10_000 // len(texts) + 1))[:10_000]
    start = time.perf_counter()
    for text in batch:
        understand(text)
    print(f"\nClassifying 10,000 messages: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
