"""The scam check on messages nobody tuned it for: figures, no assertions.

    python -m bench.scams          # both halves
    python -m bench.scams -v       # and the tuned-on halves' misses and false alarms

Asks every message of tests/knowledge/scam_eval.yaml as the private chat asks it and
prints, per half (dev and dev2 tuned on, test held out), how many scams got the alert and how many
real questions worded close to scams got it wrongly. The held-out half is printed as
totals only: its misses are not for reading one by one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.catalog import load_catalog
from knowledge.reply import Responder
from tests.knowledge import scam_eval


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list the tuned-on halves' misses and false alarms")
    args = parser.parse_args(argv)
    responder = Responder(load_catalog())
    for half in scam_eval.HALVES:
        rates = scam_eval.measure(responder, half)
        print(f"{half:5} scams flagged {rates.flagged}/{rates.scams} "
              f"({rates.flagged / rates.scams:.1%}), real questions alarmed "
              f"{rates.false_alarms}/{rates.legit}")
        if args.verbose and half != "test":
            for message in rates.missed:
                print("  missed:", message)
            for message in rates.alarmed:
                print("  alarmed:", message)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
