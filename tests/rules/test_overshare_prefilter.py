"""The overshare detector skips a pattern whose text lacks what the pattern needs (``_NEEDS``):
the answers are those of running every pattern on every text, on the record corpus, the
golden texts, the detector's own examples and texts made to sit at the edges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psirt.rules import overshare
from psirt.rules.overshare import find_overshare
from tests.rules import test_overshare as examples

ROOT = Path(__file__).parent.parent


def _texts() -> list[str]:
    texts: list[str] = [examples.DEMO_OVERSHARE]
    for path in sorted((ROOT / "data" / "records").glob("*.json")):
        cna = json.loads(path.read_text(encoding="utf-8"))["containers"]["cna"]
        texts += [str(d.get("value", "")) for d in cna.get("descriptions", [])]
        texts.append(str(cna.get("title", "")))
    for path in sorted((ROOT / "golden").rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".json"):
            texts += path.read_text(encoding="utf-8").split("\n\n")
    for test in (examples.test_flags, examples.test_vague_texts_pass):
        for param in getattr(test, "pytestmark", []):  # their parametrized texts
            texts += [
                str(value[0] if isinstance(value, tuple) else value) for value in param.args[1]
            ]
    texts += [
        "1. log in\n2. open the page",  # numbered lines need a newline between them
        "First, open it, then wait, then look",
        "the UNION select trick",
        "DELETE /api/v4/x",
        "a ſcript tag: javaſcript:alert(1)",  # Unicode folding: no skipping for this text
        "Upload#sanitized_name and Foo::Bar.baz and sanitize_name()",
        "${x} and {{y}} and %2E%2E/etc",
    ]
    return texts


def test_skipping_patterns_changes_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    assert len(texts) > 200
    fast = [find_overshare(text) for text in texts]
    every = tuple((kind, pattern, ("",)) for kind, pattern, _ in overshare._COMPILED)
    monkeypatch.setattr(overshare, "_COMPILED", every)
    assert [find_overshare(text) for text in texts] == fast
    assert sum(1 for found in fast if found) > 10  # the texts do overshare, often
