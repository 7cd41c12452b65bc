"""The exchange through the app: the web test corpus (zhichan.web.testing), form posts, the patents used."""

from __future__ import annotations

from typing import Any

from zhichan.web.testing import TestClient, _patents, csrf_from

PDF = b"%PDF-1.4 a written notice"


def number(i: int) -> str:
    """The i-th patent of the web test corpus (0–11: inventions of 成都示例科技有限公司 in 武侯区, the first
    pledged; 12–17: 锦江区's; 18 a utility model)."""
    return str(_patents()[i]["application_number"])


def post(client: TestClient, url: str, data: dict[str, Any], files: dict[str, Any] | None = None,
         page: str = "/exchange") -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, files=files, follow_redirects=False)


def declare(client: TestClient, patent: str, **overrides: str) -> Any:
    fields = {"patent_number": patent, "patentee": "成都示例科技有限公司", "fee_method": "按净销售额提成",
              "fee_standard": "3", "payment_schedule": "按年支付", "fee_note": "按实施产品净销售额的3%逐年支付。",
              "term_from": "2026-01-01", "term_until": "2030-12-31", "contact": "李经理 028-87654321",
              "evaluation": "不适用（发明专利）", "commitment": "本声明内容真实，符合开放许可的规定，无夸大宣传"} | overrides
    return post(client, "/procedures/exchange.open_licence/new", fields, files={"extra": ("", b"")},
                page="/procedures/exchange.open_licence/new")
