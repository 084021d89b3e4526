"""What the first bytes of a page say: its title, and markers of bot walls, parking, not-found and Wayback pages."""
from __future__ import annotations

import html
import re

from ..model import PageFacts

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1\s*>", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_TAGS = re.compile(r"<script.*?</script\s*>|<style.*?</style\s*>|<[^>]+>", re.I | re.S)

CHALLENGE = (
    "just a moment...", "cf-browser-verification", "challenge-platform", "cf_chl_", "attention required! | cloudflare",
    "checking your browser", "enable javascript and cookies to continue", "verify you are human",
    "are you a robot", "px-captcha", "g-recaptcha", "h-captcha", "hcaptcha", "captcha-delivery", "_incapsula_resource",
    "ddos-guard", "sucuri website firewall", "please complete the security check", "bot verification",
)
PARKED = (
    "is for sale", "buy this domain", "domain may be for sale", "this domain is parked", "domain is parked",
    "parked free", "sedoparking", "parkingcrew", "bodis.com", "hugedomains", "afternic",
    "this domain has expired", "domain name is for sale", "make an offer on this domain",
    "the domain name", "related searches",
)
_PARKED_STRONG = PARKED[:-2]  # "the domain name"/"related searches" only count together with another sign
NOT_FOUND = (
    "page not found", "404 not found", "not found", "error 404", "404 error", "file not found", "no longer available",
    "could not be found", "couldn't find", "cannot be found", "can't be found", "does not exist", "doesn't exist",
    "page you requested", "page you were looking for", "page you are looking for", "страница не найдена",
    "не найдена", "не найдено", "ошибка 404", "бет табылмады", "табылмады", "сторінку не знайдено", "页面不存在",
    "找不到", "未找到", "ページが見つかりません", "お探しのページ", "página no encontrada", "no se encontró",
    "page introuvable", "page non trouvée", "seite nicht gefunden", "nicht gefunden", "pagina non trovata",
    "sayfa bulunamadı", "صفحه یافت نشد", "không tìm thấy", "페이지를 찾을 수 없습니다",
)
LOGIN = ("log in", "login", "sign in", "signin", "вход", "войти", "ログイン", "登录", "iniciar sesión", "connexion", "anmelden")
WAYBACK = {
    "notarchived": "wayback machine has not archived that url",
    "excluded": "has been excluded from the wayback machine",
    "captured_redirect_view": "response at crawl time",
    "ratelimited": "you have sent too many requests",
    "blocked_site": "blocked site error",
}


def _charset(content_type: str | None, head: bytes) -> str:
    if content_type:
        m = re.search(r"charset=\"?([\w-]+)", content_type, re.I)
        if m:
            return m.group(1)
    m = _META_CHARSET.search(head[:4096])
    return m.group(1).decode("ascii", "ignore") if m else "utf-8"


def _text(raw: bytes, charset: str) -> str:
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAGS.sub(" ", s))).strip()


def is_not_found_title(title: str | None) -> bool:
    """A title that is nothing but a not-found message ("404 Not Found", "Page not found – Site")."""
    if not title:
        return False
    t = title.casefold()
    if re.fullmatch(r"\W*(?:error\s*)?404\W*.*", t) and len(t) < 80:
        return True
    return any(p in t for p in NOT_FOUND) and len(t) < 120


def analyse(body: bytes, content_type: str | None) -> PageFacts:
    """Title and markers of a (capped) body; non-HTML bodies yield only their size (and a PDF's title)."""
    ctype = (content_type or "").lower()
    if body.startswith(b"%PDF"):
        return PageFacts(title=None, markers=frozenset({"pdf"}), bytes_read=len(body))
    if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
        return PageFacts(bytes_read=len(body))
    charset = _charset(content_type, body)
    title = None
    m = _TITLE.search(body)
    if m:
        title = clean(_text(m.group(1), charset))[:500] or None
    h1 = _H1.search(body)
    heading = clean(_text(h1.group(1), charset))[:300] if h1 else ""
    raw_lower = _text(body, charset).casefold()
    text = clean(raw_lower)
    markers: set[str] = set()
    lowered_title = (title or "").casefold()
    if any(p in raw_lower for p in CHALLENGE):
        markers.add("challenge")
    strong = sum(1 for p in _PARKED_STRONG if p in text)
    if strong >= 1 and (strong >= 2 or "for sale" in lowered_title or "parked" in lowered_title or "related searches" in text):
        markers.add("parked")
    if is_not_found_title(title) or is_not_found_title(heading):
        markers.add("notfound_title")
    elif any(p in text[:3000] for p in NOT_FOUND):
        markers.add("notfound_text")
    if any(p in lowered_title for p in LOGIN) and len(lowered_title) < 60:
        markers.add("login")
    for name, phrase in WAYBACK.items():
        if phrase in text:
            markers.add(f"wayback_{name}")
    return PageFacts(title=title, markers=frozenset(markers), bytes_read=len(body))
