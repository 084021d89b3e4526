"""A self-contained HTML page for editors: sortable, filterable table, a colour per state, evidence on
demand, suggested fixes with copy buttons. No external resources; works (unsorted) without JavaScript."""
from __future__ import annotations

import html
import json

from ..identifiers import doi_link
from ..model import Report, Result
from ..vocab import ArchiveState, IdentifierState, LiveState
from . import Formatter, register
from .common import TONE_CLASS, crosscheck_lines, label

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}.summary{margin:.2rem 0 1rem;color:#59636e}
.controls{display:flex;gap:.8rem;align-items:center;flex-wrap:wrap;margin-bottom:.8rem}
.controls input[type=search]{padding:.35rem .5rem;min-width:18rem;border:1px solid #d1d9e0;border-radius:6px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d1d9e0;padding:.45rem .5rem;
vertical-align:top;text-align:left}th{cursor:pointer;user-select:none;background:#f6f8fa;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.state{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-weight:600;font-size:.85em}
.ok{background:#dafbe1;color:#116329}.warn{background:#fff8c5;color:#7d4e00}.bad{background:#ffebe9;color:#a40e26}
.info{background:#ddf4ff;color:#0550ae}.muted{background:#eff2f5;color:#59636e}
.url{word-break:break-all;color:#59636e;font-size:.9em}.detail{color:#59636e;font-size:.9em}
tr.attention td:first-child{border-left:4px solid #cf222e}details{margin-top:.3rem}
pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.5rem;border-radius:6px;font-size:.85em}
.fix{margin:.2rem 0}.fix code{word-break:break-all}button.copy{margin-left:.3rem;font-size:.8em;cursor:pointer}
.citations{margin-top:1rem;color:#a40e26}.doi{margin-top:.2rem;font-size:.9em}
"""

JS = """
(function(){
  var table=document.getElementById('refs'), body=table.tBodies[0];
  var rows=Array.prototype.slice.call(body.rows);
  var q=document.getElementById('q'), only=document.getElementById('only'), st=document.getElementById('state');
  function apply(){
    var text=q.value.toLowerCase(), want=st.value, shown=0;
    rows.forEach(function(r){
      var ok=(!only.checked||r.dataset.attention==='1')&&(!text||r.textContent.toLowerCase().indexOf(text)>=0)
        &&(!want||r.dataset.live===want||r.dataset.archive===want||r.dataset.identifier===want);
      r.hidden=!ok; if(ok) shown++;
    });
    document.getElementById('shown').textContent=shown;
  }
  [q,only,st].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir);
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.sort||a.cells[i].textContent, y=b.cells[i].dataset.sort||b.cells[i].textContent;
        var nx=parseFloat(x), ny=parseFloat(y), c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
        return dir==='ascending'?c:-c;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  document.addEventListener('click',function(e){
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

def _css(state: LiveState | ArchiveState | IdentifierState) -> str:
    return TONE_CLASS[state.tone]


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _row(r: Result) -> str:
    ref, v = r.reference, r.verdict
    fixes = "".join(
        f'<div class="fix">{_e(a.text)}'
        + (f' <code>{_e(a.url)}</code><button class="copy" type="button" data-copy="{_e(a.url)}">copy</button>'
           if a.url else "")
        + "</div>"
        for a in v.actions
    ) or '<span class="detail">—</span>'
    evidence = {"live": {"rule": v.live.rule, "status": v.live.status, "final_url": v.live.final_url,
                         "chain": [f"{h.method} {h.url} → {h.status}" for h in v.live.chain], "error": v.live.error},
                "archive": {"rule": v.archive.rule, "url": v.archive.url, "capture": v.archive.capture_timestamp,
                            "captured_status": v.archive.captured_status, "distance_days": v.archive.distance_days,
                            "chain": [f"{h.method} {h.url} → {h.status}" for h in v.archive.chain]},
                "identifier": None if v.identifier is None else {
                    "value": v.identifier.value, "state": v.identifier.state.value, "rule": v.identifier.rule,
                    "detail": v.identifier.detail, "registry_title": v.identifier.registry_title,
                    "resolves_to": v.identifier.resolves_to},
                "notes": list(v.notes), "history": r.history}
    doi = "" if v.identifier is None else (
        f'<div class="doi"><span class="state {_css(v.identifier.state)}">DOI {_e(v.identifier.state.value)}</span> '
        f'<a href="{_e(doi_link(v.identifier.value))}">{_e(v.identifier.value)}</a></div>')
    return (
        f'<tr class="{"attention" if v.attention else ""}" data-attention="{int(v.attention)}" '
        f'data-live="{_e(v.live.state.value)}" data-archive="{_e(v.archive.state.value)}" '
        f'data-identifier="{_e(v.identifier.state.value if v.identifier else "")}">'
        f'<td data-sort="{ref.number if ref.number is not None else ref.line}">{_e(label(r))}</td>'
        f'<td>{_e(ref.title or "")}<div class="url">{_e(ref.url or "")}</div>{doi}</td>'
        f'<td data-sort="{_e(v.live.state.value)}"><span class="state {_css(v.live.state)}">'
        f'{_e(v.live.state.value)}</span><div class="detail">{_e(v.live.detail)}</div></td>'
        f'<td data-sort="{_e(v.archive.state.value)}"><span class="state {_css(v.archive.state)}">'
        f'{_e(v.archive.state.value)}</span><div class="detail">{_e(v.archive.detail)}</div></td>'
        f'<td data-sort="{int(not v.attention)}">{fixes}<details><summary>evidence</summary>'
        f'<pre>{_e(json.dumps(evidence, ensure_ascii=False, indent=1))}</pre></details></td></tr>'
    )


def render(report: Report, *, color: bool = False, width: int = 120) -> str:
    n, k = len(report.results), len(report.needing_attention)
    states = sorted({r.verdict.live.state.value for r in report.results} |
                    {r.verdict.archive.state.value for r in report.results} |
                    {r.verdict.identifier.state.value for r in report.results if r.verdict.identifier})
    options = "".join(f'<option value="{_e(s)}">{_e(s)}</option>' for s in states)
    citations = "".join(f"<li>{_e(line)}</li>" for line in crosscheck_lines(report.crosschecks))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>citecheck report</title><style>{CSS}</style></head>
<body>
<h1>citecheck report</h1>
<p class="summary">{n} references, <strong id="attention-count">{k}</strong> need attention ·
{_e(", ".join(report.sources))} · {_e(report.started.strftime("%Y-%m-%d %H:%M UTC"))} · citecheck {_e(report.version)}</p>
<div class="controls"><input id="q" type="search" placeholder="Filter by text, URL, state…" aria-label="Filter">
<label><input id="only" type="checkbox"> only references needing attention</label>
<select id="state" aria-label="State"><option value="">any state</option>{options}</select>
<span><span id="shown">{n}</span> shown</span></div>
<table id="refs"><thead><tr><th>Ref</th><th>Reference</th><th>Original</th><th>Snapshot</th><th>What to do</th></tr></thead>
<tbody>
{"".join(_row(r) for r in report.results)}
</tbody></table>
{f'<ul class="citations">{citations}</ul>' if citations else ""}
<script>{JS}</script>
</body></html>
"""


register(Formatter("html", "self-contained HTML page for editors", render, ".html"))
