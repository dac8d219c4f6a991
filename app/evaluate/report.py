"""An evaluation's results as a terminal table, JSON, and a self-contained HTML page with
a chart of quality against speed (inline SVG: no script, no network)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Result:
    """One model and engine's row."""

    model: str
    engine: str
    bleu: float
    chrf: float
    comet: float | None
    sentences: int
    sentences_per_s: float
    flag_rate: float
    peak_rss_mb: float


COLUMNS = [
    ("model", "model"),
    ("engine", "engine"),
    ("bleu", "BLEU"),
    ("chrf", "chrF"),
    ("comet", "COMET"),
    ("sentences", "sentences"),
    ("sentences_per_s", "sent/s"),
    ("flag_rate", "flagged"),
    ("peak_rss_mb", "peak MB"),
]


def _cell(value: object, key: str) -> str:
    if value is None:
        return "-"
    if key == "flag_rate":
        return f"{float(value):.1%}"  # type: ignore[arg-type]
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(results: Sequence[Result], signatures: dict[str, str]) -> str:
    """A plain-text table, one row per run, then the metric signatures."""
    rows = [[title for _, title in COLUMNS]]
    rows += [[_cell(getattr(r, key), key) for key, _ in COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", *(f"{name}: {signature}" for name, signature in signatures.items())]
    return "\n".join(line.rstrip() for line in lines)


def as_json(results: Sequence[Result], signatures: dict[str, str]) -> dict[str, object]:
    """``{"results": [...], "signatures": {...}}`` as the API documentation gives it."""
    return {"results": [asdict(r) for r in results], "signatures": signatures}


_W, _H, _PAD = 640, 400, 60


def chart(results: Sequence[Result]) -> str:
    """An SVG scatter plot: BLEU (up) against sentences per second (right), one labelled
    point per run."""
    xs = [r.sentences_per_s for r in results]
    ys = [r.bleu for r in results]
    x_max = max(max(xs) * 1.15, 1e-9)
    y_max = max(max(ys) * 1.15, 1.0)

    def at(x: float, y: float) -> tuple[float, float]:
        return (_PAD + x / x_max * (_W - 2 * _PAD), _H - _PAD - y / y_max * (_H - 2 * _PAD))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="chart" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" role="img" aria-label="BLEU against sentences per second">',
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#333"/>',
        f'<line x1="{_PAD}" y1="{_PAD}" x2="{_PAD}" y2="{_H - _PAD}" stroke="#333"/>',
        f'<text x="{_W / 2}" y="{_H - 15}" text-anchor="middle">sentences per second '
        f"(0 to {x_max:.1f})</text>",
        f'<text x="15" y="{_H / 2}" transform="rotate(-90 15 {_H / 2})" '
        f'text-anchor="middle">BLEU (0 to {y_max:.1f})</text>',
    ]
    for result in results:
        x, y = at(result.sentences_per_s, result.bleu)
        label = html.escape(f"{result.model} ({result.engine})")
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#1f6feb">'
            f"<title>{label}: BLEU {result.bleu:.2f}, {result.sentences_per_s:.2f} sent/s"
            "</title></circle>"
        )
        parts.append(f'<text class="label" x="{x + 9:.1f}" y="{y - 9:.1f}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def html_report(results: Sequence[Result], signatures: dict[str, str], title: str) -> str:
    """A self-contained HTML page: the chart, the table and the signatures."""
    head = "".join(f"<th>{html.escape(name)}</th>" for _, name in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(getattr(r, k), k))}</td>" for k, _ in COLUMNS)
        + "</tr>"
        for r in results
    )  # fmt: skip
    notes = "".join(
        f"<li>{html.escape(name)}: <code>{html.escape(sig)}</code></li>"
        for name, sig in signatures.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Warta evaluation: {html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}
td:first-child,td:nth-child(2){{text-align:left}}</style></head>
<body><h1>Warta evaluation: {html.escape(title)}</h1>
<figure>{chart(results)}<figcaption>Quality (BLEU) against speed (sentences per
second); higher and further right is better.</figcaption></figure>
<table id="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<h2>Signatures</h2><ul id="signatures">{notes}</ul>
</body></html>
"""
