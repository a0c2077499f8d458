#!/usr/bin/env python3
"""Renders a job's trace, dumped by JobTraceTests (JOBMONITOR_TRACE_DUMP=file), as an SVG timeline.

usage: scripts/render-trace.py trace.tsv docs/job-trace.svg
PostgreSQL spans are left out (they are many and short); every other span of the trace is drawn, indented under its parent.
"""
import sys
from datetime import datetime
from html import escape

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
spans = {r[0]: {"id": r[0], "parent": r[1], "name": r[2], "start": datetime.fromisoformat(r[3][:26]),
                "ms": float(r[4]), "status": r[5]} for r in rows if r[2] != "postgresql"}
t0 = min(s["start"] for s in spans.values())
t1 = max((s["start"] - t0).total_seconds() * 1000 + s["ms"] for s in spans.values())

def depth(span):
    d = 0
    while span["parent"] in spans:
        span, d = spans[span["parent"]], d + 1
    return d

ordered = sorted(spans.values(), key=lambda s: s["start"])
label_w, bar_w, row_h = 420, 640, 16
height = row_h * len(ordered) + 40
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 20}" height="{height}" font-family="monospace" font-size="11">',
       '<rect width="100%" height="100%" fill="white"/>',
       f'<text x="4" y="14" font-weight="bold">one job, one trace: {t1 / 1000:.2f} s from the execution span to the last span</text>']
for i, s in enumerate(ordered):
    y = 24 + i * row_h
    x = label_w + (s["start"] - t0).total_seconds() * 1000 / t1 * bar_w
    w = max(s["ms"] / t1 * bar_w, 1.5)
    ours = s["name"].startswith(("job ", "step ", "op ", "trigger "))
    color = "#d33" if s["status"] == "Error" else "#2a6fdb" if ours else "#9ab"
    out.append(f'<text x="{4 + depth(s) * 8}" y="{y + 11}" fill="{"#000" if ours else "#555"}">{escape(s["name"][:56])}</text>')
    out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 4}" fill="{color}"/>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
