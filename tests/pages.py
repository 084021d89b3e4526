"""The page fixtures (tests/fixtures/pages): each page read as citecheck reads a response, for the tables that
judge them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citecheck.check.page import analyse
from citecheck.model import PageFacts

PAGES = Path(__file__).parent / "fixtures" / "pages"
INDEX: list[dict[str, Any]] = json.loads((PAGES / "index.json").read_text(encoding="utf-8"))


def read(row: dict[str, Any], url: str | None = None) -> PageFacts:
    """The facts of a fixture page, served as its index row says (status, headers, final URL)."""
    headers = tuple((k.lower(), v) for k, v in row["headers"].items() if k.lower() != "set-cookie")
    cookie = row["headers"].get("set-cookie")
    cookies = (cookie.split("=", 1)[0].strip().lower(),) if cookie else ()
    return analyse((PAGES / row["file"]).read_bytes(), row["headers"].get("content-type"),
                   url=url if url is not None else row.get("url", ""), status=row["status"], headers=headers,
                   cookies=cookies)


def row(file: str) -> dict[str, Any]:
    return next(r for r in INDEX if r["file"] == file)
