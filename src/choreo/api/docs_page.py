"""Browsable API documentation served by the server itself (no CDN): a page that reads the OpenAPI document and
lists every route by tag, with its parameters and request body."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Choreo API</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;margin-top:2rem} details{margin:.3rem 0;border:1px solid #eee;border-radius:4px}
summary{cursor:pointer;padding:.3rem .6rem;font-family:ui-monospace,monospace}
.m{display:inline-block;width:4.5rem;font-weight:bold}.GET{color:#0a7}.POST{color:#07c}.PUT{color:#a60}
.DELETE{color:#c33} table{border-collapse:collapse;margin:.3rem .6rem} td,th{padding:.1rem .6rem;text-align:left}
</style></head><body>
<h1>Choreo API</h1><p>Kestra-compatible REST API. OpenAPI document: <a href="openapi.json">openapi.json</a>.</p>
<div id="routes">Loading…</div>
<script>
fetch("openapi.json").then(r => r.json()).then(doc => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags || ["other"])[0];
      (byTag[tag] = byTag[tag] || []).push([method.toUpperCase(), path, op]);
    }
  }
  const root = document.getElementById("routes");
  root.textContent = "";
  for (const tag of Object.keys(byTag).sort()) {
    const h = document.createElement("h2"); h.textContent = tag; root.appendChild(h);
    for (const [method, path, op] of byTag[tag]) {
      const d = document.createElement("details");
      const s = document.createElement("summary");
      const m = document.createElement("span"); m.className = "m " + method; m.textContent = method;
      s.appendChild(m); s.appendChild(document.createTextNode(path)); d.appendChild(s);
      const p = document.createElement("p"); p.style.margin = ".3rem .6rem";
      p.textContent = op.description || op.summary || ""; d.appendChild(p);
      if ((op.parameters || []).length) {
        const t = document.createElement("table");
        for (const param of op.parameters) {
          const row = t.insertRow();
          row.insertCell().textContent = param.name;
          row.insertCell().textContent = param.in + (param.required ? ", required" : "");
        }
        d.appendChild(t);
      }
      root.appendChild(d);
    }
  }
});
</script></body></html>"""


def install(app: FastAPI) -> None:
    @app.get("/api/v1/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
