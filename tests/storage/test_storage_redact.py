"""Redaction before storage: numbers, ids, e-mail addresses, links and handles go; the
wording an operator needs stays."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.redact import MAX_REDACTED_CHARS, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("京东客服电话 400-810-5666", "京东客服电话 <n>"),
        ("call +1 (888) 280-4331 now", "call <n> now"),
        ("电话 138 0013 8000", "电话 <n>"),
        ("１３８００１３８０００", "<n>"),  # full-width digits
        ("一三八零零一三八零零零", "<n>"),  # written in Chinese numerals
        ("订单 112-1234567-1234567 没到", "订单 <n> 没到"),
        ("case 1234567890", "case <n>"),
        ("tracking 1Z999AA10123456784", "tracking <id>"),
        ("ASIN B07XYZ1234 被下架", "ASIN <id> 被下架"),
        ("my email is bob.smith+x@gmail.com", "my email is <email>"),
        ("check https://amazon-help.xyz/login?id=123 please", "check <link> please"),
        ("go to www.example.com/a", "go to <link>"),
        ("is amazon.com.verify.top real", "is <link> real"),
        ("t.me/fakesupport 是客服吗", "<link> 是客服吗"),
        ("@scammer123 说他是客服", "<user> 说他是客服"),
        ("７天无理由 24小时 2fa", "7天无理由 24小时 2fa"),  # one or two digits stay
        ("a-to-z claim", "a-to-z claim"),
        ("\x00hi\u202e there \n\n ok", "hi there ok"),
        ("", ""),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_long_text_is_capped() -> None:
    assert len(redact("客服" * 1000)) == MAX_REDACTED_CHARS


@given(st.text(max_size=400))
def test_no_run_of_three_digits_survives(text: str) -> None:
    out = redact(text)
    assert len(out) <= MAX_REDACTED_CHARS
    digits = 0
    for ch in out:
        digits = digits + 1 if ch.isdigit() else (digits if ch in " -./()" else 0)
        assert digits < 3, (text, out)
