"""The results as a plain-text table (stdout), Markdown and JSON (bench/results/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _met(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[value]


def figure_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = [["figure", "conns", "req/s", "p50 ms", "p99 ms", "errors", "bytes", "floor",
             "floor req/s", "ratio", "target", "met"]]
    for fig in results["figures"].values():
        rows.append([fig["label"], str(fig["connections"]), _num(fig["rps"], ".0f"),
                     _num(fig["p50_ms"], ".2f"), _num(fig["p99_ms"], ".2f"), str(fig["errors"]),
                     str(fig["bytes"]), fig["floor"], _num(fig["floor_rps"], ".0f"),
                     _num(fig["ratio"], ".2f"),
                     "-" if fig["target"] is None else f">= {fig['target']}",
                     _met(fig["met"])])
    return rows


def query_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = [["SQL queries per request", "warm", "cold"]]
    for name, counts in results["queries"]["pages"].items():
        rows.append([name, str(counts["warm"]), str(counts["cold"])])
    return rows


def target_rows(results: dict[str, Any]) -> list[list[str]]:
    figs, q = results["figures"], results["queries"]
    fresh, mem = results["freshness"], results["memory"]
    pages, cold = q["pages"], q["cold_homepage"]
    small, large = cold["categories"]
    return [
        ["target", "measured", "met"],
        ["anonymous / through nginx >= 0.9x static-file floor",
         f"{_num(figs['anon_home_nginx']['ratio'], '.2f')}x",
         _met(figs["anon_home_nginx"]["met"])],
        ["signed-in warm homepage >= 0.5x bytes-from-memory floor",
         f"{_num(figs['home_warm']['ratio'], '.2f')}x", _met(figs["home_warm"]["met"])],
        ["signed-in warm detail >= 0.5x bytes-from-memory floor",
         f"{_num(figs['detail_warm']['ratio'], '.2f')}x", _met(figs["detail_warm"]["met"])],
        ["warm detail: <= 1 SQL query signed-in, 0 anonymous",
         f"{pages['detail, signed-in']['warm']} signed-in, "
         f"{pages['detail, anonymous']['warm']} anonymous", _met(q["detail_warm_met"])],
        [f"cold homepage queries the same at {small} and {large} categories",
         ", ".join(f"{who} {cold['small'][who]} -> {cold['large'][who]}"
                   for who in cold["small"]), _met(cold["same"])],
        ["freshness p99 <= 1 s (commit -> static file on disk)",
         f"p50 {_num(fresh['p50_s'], '.3f')} s, p99 {_num(fresh['p99_s'], '.3f')} s",
         _met(fresh["met"])],
        ["gunicorn worker RSS growth < 5% (10k -> 20k requests)",
         f"{mem['rss_half_kib'] / 1024:.1f} -> {mem['rss_total_kib'] / 1024:.1f} MiB "
         f"({mem['growth'] * 100:+.2f}%)", _met(mem["met"])],
    ]


def other_lines(results: dict[str, Any]) -> list[str]:
    fresh, mem = results["freshness"], results["memory"]
    return [
        f"Freshness: {fresh['saves']} saves, commit -> new index.html p50 "
        f"{_num(fresh['p50_s'], '.3f')} s, p99 {_num(fresh['p99_s'], '.3f')} s, max "
        f"{_num(fresh['max_s'], '.3f')} s, timeouts {fresh['timeouts']}; a burst of "
        f"{fresh['burst_saves']} saves 20 ms apart -> {fresh['burst_renders']} renders "
        f"(last save on disk {_num(fresh['burst_last_visible_s'], '.3f')} s after its commit).",
        f"Memory: one worker, RSS {mem['rss_half_kib'] / 1024:.1f} MiB after "
        f"{mem['requests'][0]} requests, {mem['rss_total_kib'] / 1024:.1f} MiB after "
        f"{mem['requests'][1]} ({mem['growth'] * 100:+.2f}%), {mem['errors']} errors.",
    ] + [f"Logged by the app during the staff saves: {n} x {what}"
         for what, n in results.get("app_warnings_in_bench", {}).items()]


def header_lines(results: dict[str, Any]) -> list[str]:
    s = results["settings"]
    return [f"Storefront bench, {results['started']}, {results['duration_s']:.0f} s, "
            f"{s['cores']} cores",
            f"Catalogue: {s['catalogue']}; {s['gunicorn']}; nginx worker_processes auto",
            f"Load: {s['wrk']}"]


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return "\n".join(lines)


def render(results: dict[str, Any], markdown: bool = False) -> str:
    table = markdown_table if markdown else text_table
    lines = "  \n" if markdown else "\n"  # a Markdown line break
    parts = [lines.join(header_lines(results)), table(figure_rows(results)),
             table(query_rows(results)), table(target_rows(results)),
             lines.join(other_lines(results))]
    return "\n\n".join(parts) + "\n"


def write(results: dict[str, Any], folder: Path = RESULTS) -> list[Path]:
    """latest.json and latest.md (kept in git), plus timestamped copies (ignored)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")
    md = "# Storefront benchmark\n\n" + render(results, markdown=True)
    data = json.dumps(results, indent=2, sort_keys=True) + "\n"
    written = []
    for name, content in (("latest.json", data), ("latest.md", md),
                          (f"{stamp}.json", data), (f"{stamp}.md", md)):
        (folder / name).write_text(content)
        written.append(folder / name)
    return written
