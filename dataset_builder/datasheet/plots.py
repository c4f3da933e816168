"""Bar charts as hand-written SVG: the same figures always give the same bytes (no timestamps, ids or
font-dependent layout), and no plotting library has to be pinned. Text is left to the viewer's fonts, so
Chinese labels display wherever the page is read."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .facts import ReleaseFacts

WIDTH = 640
LEFT, RIGHT, TOP = 56, 16, 48
PLOT_HEIGHT = 212
BAR = "#4c72b0"
INK = "#333333"
GRID = "#dddddd"


@dataclass(frozen=True)
class Plot:
    file: str  # release-relative path
    title: str  # also the image's alt text
    svg: str


def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros: stable text for stable bytes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _ticks(top: int) -> list[int]:
    """Integer gridlines from 0 to at least `top`, at most about 5 of them."""
    step = 1
    while top / step > 5:
        step = step * 5 // 2 if str(step)[0] == "2" else step * 2
    return list(range(0, top + step, step)) if top else [0, 1]


def _text_width(text: str) -> float:
    """Rough width at 12 px: wide (CJK) characters count double."""
    return sum(12 if ord(ch) > 0x2E7F else 7 for ch in text)


MAX_LABEL = 32


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(title: str, labels: list[str], values: list[int], x_label: str, y_label: str) -> str:
    """An SVG bar chart of non-negative integer counts, one bar per label, in the order given. Labels too
    wide for their bar are slanted, and the chart grows to make room for them."""
    labels = [_shorten(label) for label in labels]
    ticks = _ticks(max(values, default=0))
    y_max = ticks[-1] or 1
    widest = max((_text_width(label) for label in labels), default=0)
    slanted = widest > (WIDTH - LEFT - RIGHT) / max(len(labels), 1) * 0.95
    # A slanted label reaches left of its bar by cos(30°) of its width: move the plot right to keep it in view.
    left = max(LEFT, int(widest * 0.87) - 20) if slanted else LEFT
    plot_w, plot_h = WIDTH - left - RIGHT, PLOT_HEIGHT
    slot = plot_w / max(len(labels), 1)
    if slanted:
        left = max(LEFT, int(widest * 0.87 - slot / 2) + 8)
        plot_w = WIDTH - left - RIGHT
        slot = plot_w / max(len(labels), 1)
    BOTTOM = (int(widest * 0.5) + 24 if slanted else 24) + 36
    HEIGHT = TOP + plot_h + BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="sans-serif" font-size="12" fill="{INK}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH // 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / y_max
        out.append(f'<line x1="{left}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end">{tick}</text>')
    for i, (label, value) in enumerate(zip(labels, values)):
        h = plot_h * value / y_max
        x = left + i * slot + slot * 0.1
        out.append(
            f'<rect x="{_num(x)}" y="{_num(TOP + plot_h - h)}" width="{_num(slot * 0.8)}" height="{_num(h)}" '
            f'fill="{BAR}"><title>{escape(label)}: {value}</title></rect>'
        )
        cx = left + i * slot + slot / 2
        if slanted:
            ly = TOP + plot_h + 14
            out.append(f'<text x="{_num(cx)}" y="{_num(ly)}" text-anchor="end" '
                       f'transform="rotate(-30 {_num(cx)} {_num(ly)})">{escape(label)}</text>')
        else:
            out.append(f'<text x="{_num(cx)}" y="{_num(TOP + plot_h + 16)}" text-anchor="middle">{escape(label)}</text>')
        if value:
            out.append(f'<text x="{_num(cx)}" y="{_num(TOP + plot_h - h - 4)}" text-anchor="middle">{value}</text>')
    out.append(f'<line x1="{left}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{INK}"/>')
    out.append(f'<text x="{left + plot_w // 2}" y="{HEIGHT - 12}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(
        f'<text x="14" y="{TOP + plot_h // 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h // 2})">{escape(y_label)}</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def plots(facts: ReleaseFacts) -> dict[str, Plot]:
    """The figures worth a picture, keyed by name; a figure with nothing to show is left out."""
    result: dict[str, Plot] = {}
    if facts.histogram:
        title = "Document length (characters), kept documents"
        result["length_histogram"] = Plot(
            "plots/length_histogram.svg",
            title,
            bar_chart(
                title,
                [f"{b.low}–{b.high - 1}" for b in facts.histogram],
                [b.count for b in facts.histogram],
                "characters",
                "documents",
            ),
        )
    if facts.date_range:  # at least one dated document; a chart of the unknown bucket alone shows nothing
        title = "Kept documents per year of publication"
        result["documents_per_year"] = Plot(
            "plots/documents_per_year.svg",
            title,
            bar_chart(title, [y for y, _ in facts.years], [n for _, n in facts.years], "year", "documents"),
        )
    if facts.rejected_by_reason or facts.duplicates:
        title = "Documents removed, by reason"
        labels = [f"{stage}: {reason}" for stage, reason, _ in facts.rejected_by_reason]
        values = [n for _, _, n in facts.rejected_by_reason]
        for kind, n in facts.duplicates_by_kind:
            labels.append(f"dedup: {kind} duplicate")
            values.append(n)
        result["removals_per_reason"] = Plot(
            "plots/removals_per_reason.svg", title, bar_chart(title, labels, values, "stage: reason", "documents")
        )
    return result
