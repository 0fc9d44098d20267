"""A tiny, hand-written catalog for search unit tests.

The real knowledge files change as editors work; unit tests of the search engine must
not. This catalog is small enough to reason about by hand and exercises every index
field: issue keywords and names, channel names and kinds, platform / role / site
keywords, and synonym groups.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.catalog import Catalog, load_catalog
from knowledge.search import SearchIndex

SOURCES = """
sources:
  - id: seed
    kind: guide
    title: {zh: 测试来源, en: Test source}
    file: seed.txt
    checked: 2026-01-01
"""

SYNONYMS = """
groups:
  - [客服, 客户服务, customer service, support]
  - [人工, 转人工, 真人, 人工客服, live agent, human]
  - [电话, 热线, 客服电话, hotline, phone, number]
  - [订单号, order number]
  - [订单, order]
  - [消息日志, message log]
  - [封号, 停用, 被封, 账号被封, suspension, suspended, banned]
  - [退款, 退钱, refund]
  - [退货, return]
  - [客服时间, 工作时间, 几点, hours]
  - [亚马逊, amazon]
  - [天猫, tmall]
  - [买家, 顾客, buyer, customer]
  - [卖家, seller, merchant]
  - [七天无理由, 七天无理由退货, 7-day return]
  - [介入, 申请客服介入, 平台介入]
  - [被盗, 盗号, hacked]
"""

AMAZON = """
id: amazon
name: {zh: 亚马逊, en: Amazon}
keywords: [亚马逊, amazon, amz]
sources: [seed]
official_entry:
  text: {zh: 官网帮助页面, en: The official help page}
sites:
  - id: us
    name: {zh: 美国, en: United States}
    timezone: America/Los_Angeles
    keywords: [美国, 美区, 美国站, us, usa]
    sources: [seed]
  - id: in
    name: {zh: 印度, en: India}
    timezone: Asia/Kolkata
    keywords: [印度, 印度站, in, india]
    sources: [seed]
  - id: cn
    name: {zh: 中国, en: China}
    timezone: Asia/Shanghai
    keywords: [中国, 大陆, 中国大陆, cn]
    sources: [seed]
channels:
  - id: buyer_phone
    kind: phone
    roles: [buyer]
    name: {zh: 买家电话客服, en: Buyer phone line}
    summary: {zh: 急事打电话, en: Urgent matters}
    sources: [seed]
  - id: buyer_chat
    kind: chat
    roles: [buyer]
    name: {zh: 在线聊天, en: Live chat}
    summary: {zh: 文字沟通, en: In writing}
    sources: [seed]
  - id: seller_case
    kind: case
    roles: [seller]
    name: {zh: 卖家后台工单, en: Seller Central case}
    summary: {zh: 留档, en: Keeps a record}
    sources: [seed]
templates:
  - id: appeal
    name: {zh: 停用申诉信, en: Suspension appeal letter}
    body: "Dear Amazon Support, ..."
    sources: [seed]
roles:
  - id: buyer
    name: {zh: 买家, en: Buyer}
    keywords: [买家, buyer, 顾客]
    issues:
      - id: general
        name: {zh: 联系客服, en: Contacting customer service}
        keywords: [客服电话, 联系客服]
        recommended: [{channel: buyer_phone, why: {zh: 最快, en: Fastest}}]
        channels: [buyer_chat]
        sources: [seed]
      - id: order
        name: {zh: 订单问题, en: Order problems}
        keywords: [订单, 订单号, 没收到]
        recommended: [{channel: buyer_chat, why: {zh: 有记录, en: Keeps a record}}]
        sources: [seed]
      - id: return_refund
        name: {zh: 退货退款, en: Returns and refunds}
        keywords: [退款, 退货, 退款没到账]
        recommended: [{channel: buyer_chat, why: {zh: 有记录, en: Keeps a record}}]
        sources: [seed]
      - id: account_security
        name: {zh: 账户安全, en: Account security}
        keywords: [被盗, 账户异常]
        recommended: [{channel: buyer_phone, why: {zh: 紧急, en: Urgent}}]
        sources: [seed]
  - id: seller
    name: {zh: 卖家, en: Seller}
    keywords: [卖家, seller, 店铺]
    issues:
      - id: general
        name: {zh: 联系卖家支持, en: Contacting Seller Support}
        keywords: [卖家客服, seller support, 开case]
        recommended: [{channel: seller_case, why: {zh: 官方入口, en: Official entry}}]
        tips:
          - text: {zh: 「消息日志」只保留 90 天。, en: The Message Log keeps 90 days.}
        sources: [seed]
      - id: suspension
        name: {zh: 账号被封, en: Account suspension}
        keywords: [封号, 账号停用, 申诉, account deactivated]
        recommended: [{channel: seller_case, why: {zh: 要留档, en: Needs a record}}]
        template: appeal
        sources: [seed]
      - id: hours
        name: {zh: 客服工作时间, en: Seller Support hours}
        keywords: [客服时间, 几点上班]
        recommended: [{channel: seller_case, why: {zh: 全天可提交, en: Always open}}]
        sources: [seed]
"""

TMALL = """
id: tmall
name: {zh: 天猫, en: Tmall}
keywords: [天猫, tmall]
sources: [seed]
official_entry:
  text: {zh: 天猫App, en: The Tmall app}
channels:
  - id: robot
    kind: robot
    roles: [buyer]
    name: {zh: 智能机器人客服, en: Service robot}
    summary: {zh: 自动回答, en: Automatic answers}
    sources: [seed]
  - id: official
    kind: chat
    roles: [buyer]
    name: {zh: 天猫官方客服, en: Tmall official service}
    summary: {zh: 平台纠纷, en: Platform disputes}
    sources: [seed]
  - id: shop
    kind: merchant
    roles: [buyer]
    name: {zh: 商家客服, en: The shop's service}
    summary: {zh: 商品和发货, en: Products and shipping}
    sources: [seed]
roles:
  - id: buyer
    name: {zh: 买家, en: Buyer}
    keywords: [买家, buyer]
    issues:
      - id: general
        name: {zh: 联系天猫客服, en: Contacting Tmall service}
        keywords: [天猫客服]
        recommended: [{channel: official, why: {zh: 权威, en: Authoritative}}]
        channels: [robot]
        sources: [seed]
      - id: human_agent
        name: {zh: 转人工客服, en: Reaching a human agent}
        keywords: [转人工, 人工客服]
        recommended: [{channel: robot, why: {zh: 先经过机器人, en: The robot comes first}}]
        sources: [seed]
      - id: after_sales
        name: {zh: 售后与退款, en: After-sales and refunds}
        keywords: [售后, 七天无理由, 申请客服介入, 退款, refund status]
        recommended: [{channel: official, why: {zh: 平台介入, en: Platform steps in}},
                      {channel: shop, why: {zh: 先找商家, en: The shop first}}]
        sources: [seed]
"""


def write_catalog(root: Path, platforms: dict[str, str] | None = None,
                  synonyms: str = SYNONYMS) -> Path:
    """Write the mini catalog (or a variant of it) into `root` and return the directory."""
    data = root / "data"
    data.mkdir()
    (data / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (data / "synonyms.yaml").write_text(synonyms, encoding="utf-8")
    for name, text in (platforms or {"amazon": AMAZON, "tmall": TMALL}).items():
        (data / f"{name}.yaml").write_text(text, encoding="utf-8")
    return data


@pytest.fixture(scope="session")
def mini_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return load_catalog(write_catalog(tmp_path_factory.mktemp("mini")))


@pytest.fixture(scope="session")
def mini_index(mini_catalog: Catalog) -> SearchIndex:
    return SearchIndex(mini_catalog)
