"""A long line cut to fit, keeping what the question asks (knowledge/listitems.py)."""

from __future__ import annotations

from knowledge.factindex import terms
from knowledge.listitems import tail_asked

RULE = ("Inquiries from customers or Walmart Customer Care by e-mail, phone or the Seller "
        "Center Inbox need a high-quality response within 48 hours of receipt, weekends "
        "included.")


def words(question: str) -> frozenset[str]:
    return frozenset(terms(question))


def test_the_last_clause_asked_about_is_kept_with_the_figure_before_it() -> None:
    out = tail_asked(RULE, words("do weekends count"), 120)
    assert len(out) <= 120
    assert out.startswith("Inquiries from customers")
    assert out.endswith("within 48 hours of receipt, weekends included.")
    assert "… " in out


def test_a_line_that_fits_or_whose_end_is_not_asked_is_left_alone() -> None:
    assert tail_asked(RULE, words("do weekends count"), len(RULE)) == RULE
    assert tail_asked(RULE, words("which phone inbox"), 120) == RULE
    # a word said before the cut is no reason to reach past it
    said = "Weekend " + RULE[0].lower() + RULE[1:]
    assert tail_asked(said, words("do weekends count"), 120) == said


def test_chinese_is_joined_without_a_space() -> None:
    rule = ("顾客或沃尔玛客服通过邮件、电话或 Seller Center Inbox 发来的咨询"
            "必须在规定时间内高质量地回复，周末也算。")
    out = tail_asked(rule, words("周末也算吗"), 40)
    assert out.endswith("周末也算。") and "…" in out and "… " not in out, out


def test_too_little_room_for_the_asked_clause_whole_leaves_the_line_to_the_plain_cut() -> None:
    # a tail shorter than the clause would keep "…included." without the word asked about
    out = tail_asked(RULE, words("do weekends count"), 30)
    assert out == RULE or "weekends included." in out, out
