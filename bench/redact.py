"""How much of a question the misses store keeps (storage/redact.py), and at what cost.

    python -m bench.redact

Redacts every Chinese question of tests/knowledge/questions.yaml with the knowledge
files' words and the common-word list, and prints the share of Chinese characters kept
and the time per question. When jieba is installed (it is not a dependency), it also
prints what jieba's segmentation would keep instead, which is why it is not one: on
this set it keeps no more, loads for about a second and costs more per question.
Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from knowledge.catalog import load_catalog
from knowledge.vocabulary import known_words
from storage.redact import _HAN_RUN, PLACEHOLDER, Vocabulary, _normalise, redact

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "tests" / "knowledge" / "questions.yaml"


def _han(text: str) -> int:
    return sum(len(run) for run in _HAN_RUN.findall(text))


def _report(name: str, questions: list[str], redactor: Callable[[str], str]) -> None:
    start = time.perf_counter()
    outputs = [redactor(q) for q in questions]
    per_question = (time.perf_counter() - start) / len(questions)
    kept = sum(_han(out) for out in outputs)
    total = sum(_han(_normalise(q)) for q in questions)
    print(f"{name}: Chinese characters kept {kept}/{total} = {kept / total:.1%}, "
          f"{per_question * 1e6:.0f} µs a question")


def main() -> None:
    entries = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    questions = [e["q"] for e in entries if isinstance(e, dict) and _HAN_RUN.search(e["q"])]
    start = time.perf_counter()
    words = known_words(load_catalog())
    vocabulary = Vocabulary.of(words)
    print(f"{len(questions)} questions; vocabulary built in "
          f"{time.perf_counter() - start:.2f} s: {len(vocabulary.latin)} Latin words, "
          f"{len(vocabulary.han)} Chinese words")
    _report("allow-list, segmented against the vocabulary", questions,
            lambda q: redact(q, vocabulary))
    try:
        import jieba  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        print("jieba not installed: no comparison")
        return
    jieba.setLogLevel(logging.WARNING)
    start = time.perf_counter()
    jieba.initialize()
    print(f"jieba loads in {time.perf_counter() - start:.2f} s")

    def with_jieba(question: str) -> str:
        return "".join(token if token in vocabulary.han else PLACEHOLDER
                       for token in jieba.lcut(_normalise(question)) if _HAN_RUN.fullmatch(token))

    _report("jieba's segmentation, the same vocabulary", questions, with_jieba)


if __name__ == "__main__":
    main()
