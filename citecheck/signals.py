"""What pages say about themselves: the phrases of bot walls, parking pages, not-found pages, login pages and
the Wayback Machine's own pages. Pure data and text tests, read by the page reader (check/page.py) and the
rules alike."""
from __future__ import annotations

import re

from .vocab import PageSignal

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
PARKED_STRONG = PARKED[:-2]  # "the domain name"/"related searches" only count together with another sign
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
WAYBACK: dict[PageSignal, str] = {
    PageSignal.WAYBACK_NOTARCHIVED: "wayback machine has not archived that url",
    PageSignal.WAYBACK_EXCLUDED: "has been excluded from the wayback machine",
    PageSignal.WAYBACK_CAPTURED_REDIRECT_VIEW: "response at crawl time",
    PageSignal.WAYBACK_RATELIMITED: "you have sent too many requests",
    PageSignal.WAYBACK_BLOCKED_SITE: "blocked site error",
}


def is_not_found_title(title: str | None) -> bool:
    """A title that is nothing but a not-found message ("404 Not Found", "Page not found – Site")."""
    if not title:
        return False
    t = title.casefold()
    if re.fullmatch(r"\W*(?:error\s*)?404\W*.*", t) and len(t) < 80:
        return True
    return any(p in t for p in NOT_FOUND) and len(t) < 120


def page_signals(title: str | None, heading: str, raw_lower: str, text: str) -> frozenset[PageSignal]:
    """The signals of a page, from its title, main heading, lower-cased markup and visible text."""
    found: set[PageSignal] = set()
    lowered_title = (title or "").casefold()
    if any(p in raw_lower for p in CHALLENGE):
        found.add(PageSignal.CHALLENGE)
    strong = sum(1 for p in PARKED_STRONG if p in text)
    if strong >= 1 and (strong >= 2 or "for sale" in lowered_title or "parked" in lowered_title
                        or "related searches" in text):
        found.add(PageSignal.PARKED)
    if is_not_found_title(title) or is_not_found_title(heading):
        found.add(PageSignal.NOTFOUND_TITLE)
    elif any(p in text[:3000] for p in NOT_FOUND):
        found.add(PageSignal.NOTFOUND_TEXT)
    if any(p in lowered_title for p in LOGIN) and len(lowered_title) < 60:
        found.add(PageSignal.LOGIN)
    for signal, phrase in WAYBACK.items():
        if phrase in text:
            found.add(signal)
    return frozenset(found)
