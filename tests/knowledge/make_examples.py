"""Writes knowledge/data/examples.json from the tuned-on blind splits.

    python -m tests.knowledge.make_examples

Every message of a `dev*` split whose expected fact the knowledge files state becomes an
example: the question as written, its platform and asker, the facts that state it (paths,
in file order) and its split. Run it again after a tuned-on split is added or a platform
file moves its facts; tests/knowledge/test_examples.py fails until then. Held-out splits
never go in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knowledge.catalog import DATA_DIR, EXAMPLES_FILE, Catalog, load_catalog, platform_facts
from knowledge.examples import words_of
from knowledge.factindex import said_by
from tests.knowledge import blind

ABOUT = ("Questions asked before, each with the facts that answered it (knowledge/examples.py). "
         "Written by tests/knowledge/make_examples.py from the tuned-on blind splits; do not "
         "edit by hand. `set` is the split a question came from: a split is measured with its "
         "own questions left out.")


def _folded(text: str) -> str:
    return " ".join(text.split()).lower()


def examples(catalog: Catalog) -> list[dict[str, Any]]:
    # each platform's facts: (path, what it says in both languages, folded)
    said = {pid: [(f.path, [_folded(t) for text in said_by(f) for t in (text.zh, text.en)])
                  for f in platform_facts(platform)]
            for pid, platform in catalog.platforms.items()}
    out = []
    for split in blind.SPLITS:
        if not split.startswith("dev"):
            continue
        for conversation in blind.conversations(split):
            for message in conversation:
                platform = blind._platform_id(str(message["platform"]))
                wanted = [_folded(w) for w in blind.facts_of(message)]
                paths = [path for path, texts in said.get(platform, [])
                         if any(w in t for t in texts for w in wanted)]
                if paths:
                    out.append({"q": str(message["q"]), "platform": platform,
                                "role": str(message["role"]), "facts": paths, "set": split,
                                "words": " ".join(words_of(str(message["q"])).elements())})
    return out


def text(catalog: Catalog) -> str:
    # (one example a line: a diff shows which questions came or went)
    rows = ",\n".join(json.dumps(e, ensure_ascii=False) for e in examples(catalog))
    return f'{{"about": {json.dumps(ABOUT)},\n"examples": [\n{rows}\n]}}\n'



def main(path: Path = DATA_DIR / EXAMPLES_FILE) -> None:
    path.unlink(missing_ok=True)  # (written afresh: the old file is not read, valid or not)
    path.write_text(text(load_catalog()), encoding="utf-8")
    print(f"{path.name} written")


if __name__ == "__main__":
    main()
