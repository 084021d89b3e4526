"""A self-contained HTML page for editors: an overview chart of the states (inline SVG), then a sortable,
filterable table whose originals, snapshots and fixes are links, and each reference's evidence as a timeline
(the requests and redirects; the cited, live and snapshot titles side by side). Nothing is loaded from
elsewhere; it works (unsorted) without JavaScript, and at 800 px or on a phone the rows become cards."""
from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence

from ..identifiers import doi_link
from ..model import Hop, Report, Result
from ..settings import SHOW_AUTO_LIMIT
from ..timestamps import format_day
from ..vocab import ArchiveState, IdentifierState, LiveState, Tone
from . import Formatter, View, register
from .common import (
    SNAPSHOT_PARTS,
    TONE_CLASS,
    action_words,
    cached_words,
    crosscheck_findings,
    history_words,
    label,
    partial_words,
    shown_actions,
    state_counts,
    titles,
)

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;padding:1.2rem;max-width:1600px;
color:#1f2328;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}.summary{margin:.2rem 0 .8rem;color:#59636e}
.banner{padding:.5rem .7rem;border-radius:6px;margin:.5rem 0;background:#fff8c5;color:#7d4e00;font-weight:600}
#overview{margin:0 0 1rem;padding:.7rem .8rem;border:1px solid #d1d9e0;border-radius:8px}
#overview .row{display:grid;grid-template-columns:5.5rem 1fr;gap:.6rem;align-items:center;margin:.25rem 0}
#overview .row span{font-weight:600;color:#59636e}
#overview svg{display:block;width:100%;height:22px;border-radius:4px;overflow:hidden;background:#eff2f5}
#overview rect{cursor:pointer}#overview rect:hover{opacity:.8}
.legend{display:flex;flex-wrap:wrap;gap:.2rem .9rem;list-style:none;padding:0;margin:.3rem 0 .6rem 6.1rem;
font-size:.9em}
.tiles{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:.7rem}
.tile{padding:.35rem .7rem;border-radius:6px;background:#f6f8fa;color:#59636e}.tile b{font-size:1.25em;color:#1f2328}
.tile.bad b{color:#a40e26}.tile.warn b{color:#7d4e00}.tile.info b{color:#0550ae}
.legend button{border:0;background:none;padding:0;font:inherit;color:inherit;cursor:pointer}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
.controls{display:flex;gap:.6rem 1rem;align-items:center;flex-wrap:wrap;margin-bottom:.8rem}
.controls input[type=search]{padding:.35rem .5rem;flex:1 1 16rem;max-width:28rem;border:1px solid #d1d9e0;border-radius:6px}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border-bottom:1px solid #d1d9e0;padding:.45rem .5rem;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th{cursor:pointer;user-select:none;background:#f6f8fa;position:sticky;top:0;z-index:1}
th:nth-child(1){width:4.5rem}th:nth-child(2){width:30%}th:nth-child(3),th:nth-child(4){width:17%}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.state{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-weight:600;font-size:.85em}
.ok{background:#dafbe1;color:#116329}.warn{background:#fff8c5;color:#7d4e00}.bad{background:#ffebe9;color:#a40e26}
.info{background:#ddf4ff;color:#0550ae}.muted{background:#eff2f5;color:#59636e}
.badge{display:inline-block;margin-left:.3rem;padding:0 .35rem;border-radius:4px;font-size:.75em;background:#eff2f5;
color:#59636e;border:1px solid #d1d9e0}
a{color:#0969da}a.url{display:block;font-size:.9em;margin-top:.15rem}
.url-label{color:#59636e;font-size:.8em;margin-right:.3rem}.detail{color:#59636e;font-size:.9em}
tbody.attention td:first-child{border-left:4px solid #bf8700}tbody.misleads td:first-child{border-left-color:#cf222e}
tr.main td{border-bottom:0}tr.evidence td{border-bottom:1px solid #d1d9e0;padding-top:0}
tr.evidence td:first-child,tbody.attention tr.evidence td{border-left-width:0}
button.ev{border:0;background:none;padding:0;margin-top:.35rem;font:inherit;color:#0969da;cursor:pointer}
button.ev::before{content:"▸ "}button.ev[aria-expanded=true]::before{content:"▾ "}
.evidence-body{margin:.1rem 0 .4rem 4.5rem;padding:.5rem .7rem;background:#fbfcfd;border:1px solid #eff2f5;
border-radius:6px}
.fix{margin:.2rem 0}.fix a{overflow-wrap:anywhere}button.copy{margin-left:.3rem;font-size:.8em;cursor:pointer}
.titles{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.4rem;margin:.4rem 0}
.titles div{background:#f6f8fa;border-radius:6px;padding:.3rem .45rem}.titles b{display:block;font-size:.75em;color:#59636e}
.titles .differs{background:#fff8c5}
ol.timeline{list-style:none;margin:.4rem 0;padding:0 0 0 .9rem;border-left:2px solid #d1d9e0}
ol.timeline li{position:relative;margin:.25rem 0;font-size:.88em}
ol.timeline li::before{content:"";position:absolute;left:-1.24rem;top:.45em;width:.55rem;height:.55rem;border-radius:50%;
background:#8c959f}
ol.timeline li.s2::before{background:#2da44e}ol.timeline li.s3::before{background:#bf8700}
ol.timeline li.s4::before,ol.timeline li.s5::before{background:#cf222e}
.hop-url{font-size:.95em}.hop{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.95em}
.citations{margin:.5rem 0 1rem;color:#59636e}.citations .error{color:#a40e26}.doi{margin-top:.15rem}
@media (max-width:900px){
 body{padding:.7rem}
 table,tbody,tr,td{display:block;width:auto}thead{display:none}tbody[hidden],tr[hidden]{display:none}
 tbody{border:1px solid #d1d9e0;border-radius:8px;margin:0 0 .7rem;padding:.3rem .5rem}
 tbody.attention td:first-child{border-left:0}tbody.attention{border-left:4px solid #bf8700}
 tbody.misleads{border-left-color:#cf222e}tr.evidence td{border:0}.evidence-body{margin:.2rem 0}
 td{border:0;padding:.25rem 0}td[data-label]::before{content:attr(data-label);display:block;font-size:.75em;
 font-weight:600;color:#59636e;text-transform:uppercase;letter-spacing:.03em}
 .titles{grid-template-columns:1fr}.legend{margin-left:0}
 td[data-label=Ref]{font-weight:700;font-size:1.05em}td[data-label=Ref]::before{display:none}
}
"""

JS = """
(function(){
  var table=document.getElementById('refs');
  var refs=Array.prototype.slice.call(table.tBodies);
  var q=document.getElementById('q'), only=document.getElementById('only'), st=document.getElementById('state');
  function apply(){
    var text=q.value.toLowerCase(), want=st.value, shown=0;
    refs.forEach(function(r){
      var ok=(!only.checked||r.dataset.attention==='1')&&(!text||r.textContent.toLowerCase().indexOf(text)>=0)
        &&(!want||r.dataset.live===want||r.dataset.archive===want||r.dataset.identifier===want);
      r.hidden=!ok; if(ok) shown++;
    });
    document.getElementById('shown').textContent=shown;
  }
  [q,only,st].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter]'),function(el){
    el.addEventListener('click',function(){
      var v=el.getAttribute('data-filter'); st.value=(st.value===v?'':v);
      if(st.value) only.checked=false;
      apply(); table.scrollIntoView({block:'start'});
    });
  });
  // the evidence shows under its reference on demand (without JavaScript it is always shown)
  refs.forEach(function(r){var e=r.querySelector('tr.evidence'); if(e) e.hidden=true;});
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir);
      refs.sort(function(a,b){
        var ca=a.rows[0].cells[i], cb=b.rows[0].cells[i];
        var x=ca.dataset.sort||ca.textContent, y=cb.dataset.sort||cb.textContent;
        var nx=parseFloat(x), ny=parseFloat(y), c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
        return dir==='ascending'?c:-c;
      });
      refs.forEach(function(r){table.appendChild(r);});
    });
  });
  document.addEventListener('click',function(e){
    var ev=e.target.closest('button.ev');
    if(ev){
      var row=ev.closest('tbody').querySelector('tr.evidence'), open=row.hidden;
      row.hidden=!open; ev.setAttribute('aria-expanded',open?'true':'false'); return;
    }
    var b=e.target.closest('button.copy'); if(!b) return;
    var t=b.dataset.copy;
    function done(){b.textContent='copied';setTimeout(function(){b.textContent='copy';},1500);}
    if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(t).then(done,fallback);}
    else fallback();
    function fallback(){var a=document.createElement('textarea');a.value=t;document.body.appendChild(a);a.select();
      try{document.execCommand('copy');done();}catch(_){}document.body.removeChild(a);}
  });
  apply();
})();
"""

#: chart colours: shades of each tone's colour, so that states of one tone stay apart in a bar
SHADES: dict[Tone, tuple[str, ...]] = {
    Tone.GOOD: ("#2da44e", "#4ac26b", "#116329"),
    Tone.NOTICE: ("#d4a72c", "#bf8700", "#eac54f", "#9a6700"),
    Tone.BAD: ("#cf222e", "#ff8182", "#a40e26", "#fa4549", "#ffaba8", "#82071e"),
    Tone.NOTABLE: ("#8250df", "#a475f9", "#6639ba"),
    Tone.INFO: ("#0969da", "#54aeff", "#0550ae"),
    Tone.MUTED: ("#8c959f", "#afb8c1"),
}


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _link(url: str | None, text: str | None = None, cls: str = "url") -> str:
    """A link to an http(s) URL (anything else, e.g. javascript:, stays text)."""
    if not url:
        return ""
    if not url.lower().startswith(("http://", "https://")):
        return f'<span class="{cls}">{_e(text or url)}</span>'
    return f'<a class="{cls}" href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(text or url)}</a>'


def _colours(counts: Iterable[tuple[LiveState | ArchiveState | IdentifierState, int]]) -> dict[str, str]:
    used: Counter[Tone] = Counter()
    out = {}
    for state, _ in counts:
        shades = SHADES[state.tone]
        out[state.value] = shades[used[state.tone] % len(shades)]
        used[state.tone] += 1
    return out


def _bar(name: str, kind: str, counts: Sequence[tuple[LiveState | ArchiveState | IdentifierState, int]], total: int) -> str:
    """One row of the overview: a bar of the states' shares (SVG), and its legend; each state filters the table."""
    colours = _colours(counts)
    x = 0.0
    rects = []
    for state, count in counts:
        w = 1000 * count / total
        rects.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="24" fill="{colours[state.value]}" '
                     f'data-state="{_e(state.value)}" data-count="{count}" data-filter="{_e(state.value)}">'
                     f'<title>{_e(name)} {_e(state.value)}: {count}</title></rect>')
        x += w
    described = ", ".join(f"{s.value} {c}" for s, c in counts)
    legend = "".join(
        f'<li><button type="button" data-filter="{_e(s.value)}" title="{_e(s.meaning)}">'
        f'<span class="swatch" style="background:{colours[s.value]}"></span>{_e(s.value)} <b>{c}</b></button></li>'
        for s, c in counts)
    return (f'<div class="row"><span>{_e(name)}</span><svg class="chart" data-kind="{kind}" viewBox="0 0 1000 24" '
            f'preserveAspectRatio="none" role="img" aria-label="{_e(name)}: {_e(described)}">{"".join(rects)}</svg>'
            f'</div><ul class="legend">{legend}</ul>')


def _overview(report: Report) -> str:
    total = max(1, len(report.results))
    live, archive, identifier = (c.most_common() for c in state_counts(report))
    attention = len(report.needing_attention)
    broken = sum(1 for r in report.results if r.verdict.misleads)
    cached = sum(1 for r in report.results if r.cached)
    tiles = [(len(report.results), "references", ""), (broken, "broken: mislead readers", "bad"),
             (attention - broken, "without a snapshot", "warn")]
    if cached:
        tiles.append((cached, "from the cache", "info"))
    return ('<figure id="overview" aria-label="States of the originals and snapshots"><div class="tiles">'
            + "".join(f'<div class="tile {cls}"><b>{n}</b> {_e(what)}</div>' for n, what, cls in tiles)
            + f'</div>{_bar("Original", "live", live, total)}{_bar("Snapshot", "archive", archive, total)}'
            + (_bar("DOI", "identifier", identifier, sum(c for _, c in identifier)) if identifier else "")
            + '</figure>')


def _state(state: LiveState | ArchiveState | IdentifierState, detail: str, cached: bool) -> str:
    badge = '<span class="badge cache" title="not asked again in this run">from the cache</span>' if cached else ""
    return (f'<span class="state {TONE_CLASS[state.tone]}">{_e(state.value)}</span>{badge}'
            f'<div class="detail">{_e(detail)}</div>')


def _hops(hops: tuple[Hop, ...], what: str) -> list[str]:
    return [f'<li class="s{h.status // 100}">{_e(what)}: <span class="hop">{_e(h.method)} {_e(h.status)}</span> '
            f'{_link(h.url, cls="hop-url")}</li>' for h in hops]


def _timeline(r: Result) -> str:
    v = r.verdict
    cited, live, snap = titles(r)
    boxes = "".join(
        f'<div class="{"differs" if t and cited and t != cited else ""}"><b>{name}</b>{_e(t) if t else "—"}</div>'
        for name, t in (("cited title", cited), ("live page", live), ("snapshot", snap)))
    steps = _hops(v.live.chain, "original")
    if v.live.error:
        steps.append(f"<li>original: failed ({_e(v.live.error)})</li>")
    steps += _hops(v.archive.chain, "snapshot")
    if r.lookup is not None:
        found = (f"capture of {format_day(r.lookup.capture.timestamp)} " + _link(r.lookup.capture.url, cls="hop-url")
                 if r.lookup.capture and r.lookup.capture.url else _e(r.lookup.error or "no good capture"))
        steps.append(f"<li>look-up ({_e(r.lookup.source)}) near {_e(format_day(r.lookup.target))}: {found}</li>")
    if v.identifier:
        ident = v.identifier
        said = f"registered to “{_e(ident.registry_title)}”" if ident.registry_title else _e(ident.detail or ident.state)
        steps.append(f"<li>DOI {_e(ident.value)}: {said}"
                     + (f" → {_link(ident.resolves_to, cls='hop-url')}" if ident.resolves_to else "") + "</li>")
    rules = [v.live.rule, v.archive.rule] + ([v.identifier.rule] if v.identifier else [])
    steps.append("<li>verdict: " + " · ".join(f"<code>{_e(rule)}</code>" for rule in rules) + "</li>")
    extra = [w for w in (history_words(r), cached_words(r), *v.notes) if w]
    return (f'<div class="evidence-body"><div class="titles">{boxes}</div><ol class="timeline">{"".join(steps)}</ol>'
            + "".join(f'<div class="detail">{_e(w)}</div>' for w in extra) + "</div>")


def _row(r: Result) -> str:
    ref, v = r.reference, r.verdict
    fixes = "".join(
        f'<div class="fix">{_e(action_words(a))}'
        + (f' {_link(a.url)}<button class="copy" type="button" data-copy="{_e(a.url)}">copy</button>' if a.url else "")
        + "</div>"
        for a in shown_actions(r)
    ) or '<span class="detail">—</span>'
    snapshot = ref.archive_link
    links = ""
    if ref.url:
        links += f'<div><span class="url-label">original</span>{_link(ref.url, cls="url original")}</div>'
    if snapshot:
        links += f'<div><span class="url-label">snapshot</span>{_link(snapshot.url, cls="url snapshot")}</div>'
    if v.identifier:
        links += (f'<div class="doi"><span class="url-label">DOI</span>{_link(doi_link(v.identifier.value), v.identifier.value)} '
                  f'<span class="state {TONE_CLASS[v.identifier.state.tone]}">{_e(v.identifier.state.value)}</span>'
                  + (f'<div class="detail">{_e(v.identifier.detail)}</div>'
                     if v.identifier.detail and v.identifier.state is not IdentifierState.OK else "") + '</div>')
    classes = " ".join(c for c, on in (("ref", True), ("attention", v.attention), ("misleads", v.misleads)) if on)
    return (
        f'<tbody class="{classes}" data-attention="{int(v.attention)}" data-misleads="{int(v.misleads)}" '
        f'data-live="{_e(v.live.state.value)}" data-archive="{_e(v.archive.state.value)}" '
        f'data-identifier="{_e(v.identifier.state.value if v.identifier else "")}" '
        f'data-cached="{_e(" ".join(sorted(r.cached)))}"><tr class="main">'
        f'<td data-label="Ref" data-sort="{ref.number if ref.number is not None else ref.line}">{_e(label(r))}</td>'
        f'<td data-label="Reference">{_e(ref.title or "")}{links}</td>'
        f'<td data-label="Original" data-sort="{_e(v.live.state.value)}">'
        f'{_state(v.live.state, v.live.detail, "live" in r.cached)}</td>'
        f'<td data-label="Snapshot" data-sort="{_e(v.archive.state.value)}">'
        f'{_state(v.archive.state, v.archive.detail, bool(r.cached & SNAPSHOT_PARTS))}</td>'
        f'<td data-label="What to do" data-sort="{int(not v.attention)}">{fixes}'
        f'<button class="ev" type="button" aria-expanded="false">evidence</button></td></tr>'
        f'<tr class="evidence"><td colspan="5">{_timeline(r)}</td></tr></tbody>'
    )


def render(report: Report, view: View) -> str:
    n, k = len(report.results), len(report.needing_attention)
    broken = sum(1 for r in report.results if r.verdict.misleads)
    cached = sum(1 for r in report.results if r.cached)
    states = sorted({r.verdict.live.state.value for r in report.results} |
                    {r.verdict.archive.state.value for r in report.results} |
                    {r.verdict.identifier.state.value for r in report.results if r.verdict.identifier})
    options = "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in states)
    citations = "".join(f'<li class="{"error" if error else ""}">{_e(line)}</li>'
                        for line, error in crosscheck_findings(report.crosschecks))
    banners = [partial_words(report)] if report.partial else []
    if report.offline:
        banners.append("Offline (--offline): no request was made. Every result below comes from the cache, however "
                       "old; what it has not seen is not checked.")
    elif cached:
        banners.append(f"{cached} of {n} results come from the cache (marked “from the cache”): they were not asked "
                       "again in this run.")
    banners += list(report.notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="citecheck">
<title>citecheck report</title><style>{CSS}</style></head>
<body>
<h1>citecheck report</h1>
<p class="summary">{n} references, <strong id="attention-count">{k}</strong> need attention
(<span id="broken-count">{broken}</span> broken, {k - broken} without a snapshot) ·
{_e(", ".join(report.sources))} · {_e(report.started.strftime("%Y-%m-%d %H:%M UTC"))} · citecheck {_e(report.version)}</p>
{"".join(f'<p class="banner">{_e(b)}</p>' for b in banners)}
{_overview(report)}
{f'<ul class="citations">{citations}</ul>' if citations else ""}
<div class="controls"><input id="q" type="search" placeholder="Filter by text, URL, state…" aria-label="Filter">
<label><input id="only" type="checkbox"{" checked" if n > SHOW_AUTO_LIMIT else ""}> only references needing attention</label>
<select id="state" aria-label="State"><option value="">any state</option>{options}</select>
<span><span id="shown">{n}</span> shown</span></div>
<table id="refs"><thead><tr><th>Ref</th><th>Reference</th><th>Original</th><th>Snapshot</th><th>What to do</th></tr></thead>
{"".join(_row(r) for r in report.results)}
</table>
<script>{JS}</script>
</body></html>
"""


register(Formatter("html", "self-contained HTML page for editors", render, ".html", (".html", ".htm")))
