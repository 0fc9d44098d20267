"""A party the question sets aside: "Tmall's own service, not the shop's", "不是店铺客服".

The words that name the party set aside are words of the question like any other: the
shop's channel matched them, and its facts answered under the platform's headline (issue
#18: the shop's service versus the platform's). A party named after a negation ("not the
seller", "instead of the shop", 不是店家, 不找商家, 而不是平台) is what the asker does *not*
want, so those words are dropped before anything reads the question.

Not where the negation asks back ("不是官方客服吗"): a clause ending in 吗 or 吧 asks
whether it is (and "isn't it the shop's?" says no "not").
"""

from __future__ import annotations

import re

from knowledge.textnorm import to_simplified

__all__ = ["without_set_aside"]

# the parties of an order or of its service, as people name them (not a place of theirs:
# "not seller central", 不是卖家后台)
_PARTY_HAN = r"(?:店家|店铺|商家|卖家|品牌方|平台|官方)"
_PARTY_EN = r"(?:shop|store|seller|merchant|vendor|brand|platform)"

# 不是店铺客服, 而不是找卖家, 不找商家的, 别问平台 (not 是不是官方, which asks); up to the
# end of the clause's words about that party
_SET_ASIDE_HAN = re.compile(
    rf"(?:而)?(?<!是)(?:不是|不要|不想|不用|不找|别)(?:找|问|联系)?(?:那个|这个|那些)?"
    rf"{_PARTY_HAN}(?!后台|中心|支持)(?:的)?(?:客服|人工)?(?:的)?(?![^，。！？,.!?\s]*[吗吧么])")
# "not the shop's", "instead of the seller chat", "rather than a vendor"
_SET_ASIDE_EN = re.compile(
    rf"\b(?:not|instead\s+of|rather\s+than|other\s+than)\s+(?:(?:the|a|an|my|this|that|their|"
    rf"its)\s+)?{_PARTY_EN}(?:'s|s'|s)?(?!\s+(?:central|center|centre|hub|app|portal|"
    rf"university|dashboard))(?:\s+(?:own\s+)?(?:customer\s+)?"
    rf"(?:service|support|chat|help|team))?\b",
    re.IGNORECASE)


def without_set_aside(text: str) -> str:
    """`text` without the words that name a party it sets aside; else as it is (read in
    simplified characters: 不是店鋪客服 sets the shop aside as 不是店铺客服 does)."""
    simplified = to_simplified(text)
    if _SET_ASIDE_HAN.search(simplified):
        text = _SET_ASIDE_HAN.sub(" ", simplified)
    return _SET_ASIDE_EN.sub(" ", text)
