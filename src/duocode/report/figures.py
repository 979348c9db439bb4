"""The report's two figures, drawn with matplotlib (Agg) from the report's JSON: agreement per variable with its
interval (dot and whisker), and Table II as a heat map of case counts. Deterministic: no timestamps or software
names in the files, a fixed SVG hash salt, so the same report gives the same bytes."""
from __future__ import annotations

import io
from typing import Any


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "duocode"
    plt.rcParams["font.size"] = 9
    return plt


def agreement_points(data: dict[str, Any]) -> list[tuple[str, float, float | None, float | None]]:
    """``(variable, α, low, high)`` for every variable whose Krippendorff's α is defined."""
    out = []
    for var, r in data["agreement"]["variables"].items():
        c = r["coefficients"].get("krippendorff_alpha") or {}
        if c.get("value") is not None:
            out.append((var, c["value"], c.get("ci_low"), c.get("ci_high")))
    return out


def table2_counts(data: dict[str, Any]) -> tuple[list[str], list[str], list[list[int]]]:
    """Type labels, row labels and the number of consensus cases in each cell (types are columns)."""
    a = data["audit"]
    types = a["layout"]["types"]
    rows = [r for g in a["layout"]["row_groups"] for r in g["rows"]]
    counts = [[len(a["matrix"][t["id"]][r["id"]]["cases"]) for t in types] for r in rows]
    return [t["label"] for t in types], [r["label"] for r in rows], counts


def figure_bytes(kind: str, data: dict[str, Any], fmt: str = "png") -> bytes | None:
    """The figure ``kind`` (``agreement`` or ``table2``) as PNG or SVG bytes, or None when there is nothing to
    draw (no defined α; no Table II layout)."""
    if kind == "agreement":
        points = agreement_points(data)
        if not points:
            return None
        return _agreement_plot(points, fmt)
    if kind == "table2":
        a = data["audit"]
        if not a.get("available") or not a.get("table_ii_layout"):
            return None
        return _heat_map(*table2_counts(data), fmt)
    raise ValueError(f"unknown figure {kind!r}")


def _save(fig, fmt: str) -> bytes:
    plt = _pyplot()
    buf = io.BytesIO()
    # metadata: no date or software version, so the bytes depend on the figures alone
    meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    fig.savefig(buf, format=fmt, dpi=150, bbox_inches="tight", metadata=meta)
    plt.close(fig)
    return buf.getvalue()


def _agreement_plot(points, fmt: str) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(points) + 1))
    ys = list(range(len(points)))[::-1]
    for y, (_var, value, lo, hi) in zip(ys, points):
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [y, y], color="0.3", linewidth=1.2)
        ax.plot([value], [y], "o", color="black", markersize=4)
    ax.set_yticks(ys)
    ax.set_yticklabels([p[0] for p in points])
    for x, style in ((0.667, ":"), (0.8, "--")):     # Krippendorff's (2004) tentative and good thresholds
        ax.axvline(x, color="0.5", linestyle=style, linewidth=0.8)
    ax.set_xlabel("Krippendorff's α (95% bootstrap interval)")
    ax.set_xlim(min(0.0, min(p[2] if p[2] is not None else p[1] for p in points)) - 0.05, 1.02)
    return _save(fig, fmt)


def _heat_map(types: list[str], rows: list[str], counts: list[list[int]], fmt: str) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(1.6 * len(types) + 2.5, 0.45 * len(rows) + 1))
    image = ax.imshow(counts, cmap="Greys", aspect="auto", vmin=0)
    top = max((max(r) for r in counts if r), default=0)
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            ax.text(j, i, str(n), ha="center", va="center", color="white" if top and n > top / 2 else "black")
    import textwrap

    ax.set_xticks(range(len(types)))
    ax.set_xticklabels([textwrap.fill(t, 18) for t in types])
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    fig.colorbar(image, ax=ax, label="consensus cases")
    return _save(fig, fmt)
