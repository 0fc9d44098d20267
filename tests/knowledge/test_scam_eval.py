"""Scam messages nobody tuned the scam words for get the alert; real questions worded
close to them do not (tests/knowledge/scam_eval.yaml). Floors at the measured rates: a
change that loses a scam, or alarms a real question, fails here."""

from __future__ import annotations

import pytest

from knowledge.reply import Responder
from tests.knowledge import scam_eval

# scams flagged at least; real questions alarmed at most
FLAGGED = {"dev": 0.95, "dev2": 0.75, "test": 0.65}
FALSE_ALARMS = {"dev": 0, "dev2": 2, "test": 1}


@pytest.mark.parametrize("half", scam_eval.HALVES)
def test_scams_nobody_tuned_for_get_the_alert_and_real_questions_do_not(
    responder: Responder, half: str
) -> None:
    rates = scam_eval.measure(responder, half)
    assert rates.flagged / rates.scams >= FLAGGED[half], (half, rates.flagged, rates.missed
                                                           if half != "test" else "")
    assert rates.false_alarms <= FALSE_ALARMS[half], (half, rates.false_alarms,
                                                      rates.alarmed if half != "test" else "")
