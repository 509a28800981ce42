"""A small SVG bar chart of ratios (no plotting library needed): horizontal
bars on a logarithmic axis, a vertical line at 1, one group of bars per
category and one colour per series. Python 3 standard library only."""
import math
from xml.sax.saxutils import escape

COLOURS = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a")
WIDTH = 960
LABEL_W = 250      # category names
RIGHT_W = 70       # room for the value printed after a bar
BAR_H = 13
GROUP_GAP = 8
TICKS = (0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)


def _axis(series):
    values = [v for _, d in series for v in d.values() if v and v > 0]
    lo = min([1.0] + values) / 1.25
    hi = max([2.0] + values) * 1.15
    return math.log10(lo), math.log10(hi)


def ratio_chart(title, panels):
    """Return an SVG document. Each panel is {"title", "categories": [names],
    "series": [(label, {category: ratio})], "notes": [text lines]}; a series
    without a value for a category draws no bar there."""
    parts, y = [], 30
    plot_w = WIDTH - LABEL_W - RIGHT_W - 20
    parts.append(f'<text x="10" y="20" font-size="15" font-weight="bold">{escape(title)}</text>')
    for panel in panels:
        series, cats = panel["series"], panel["categories"]
        lo, hi = _axis(series)

        def x_of(v):
            return LABEL_W + 10 + (math.log10(v) - lo) / (hi - lo) * plot_w

        y += 24
        parts.append(f'<text x="10" y="{y}" font-size="13" font-weight="bold">'
                     f'{escape(panel["title"])}</text>')
        y += 8
        for i, (label, _) in enumerate(series):
            lx = LABEL_W + 10 + i * 200
            parts.append(f'<rect x="{lx}" y="{y}" width="12" height="12" '
                         f'fill="{COLOURS[i % len(COLOURS)]}"/>')
            parts.append(f'<text x="{lx + 16}" y="{y + 10}" font-size="12">{escape(label)}</text>')
        y += 22
        top = y
        group_h = max(1, len(series)) * BAR_H + GROUP_GAP
        for c, cat in enumerate(cats):
            gy = top + c * group_h
            parts.append(f'<text x="{LABEL_W}" y="{gy + group_h / 2 + 2:.1f}" font-size="12" '
                         f'text-anchor="end" font-family="monospace">{escape(cat)}</text>')
            for i, (label, data) in enumerate(series):
                v = data.get(cat)
                if not v or v <= 0:
                    continue
                x0, x1 = x_of(min(1.0, v)), x_of(max(1.0, v))
                by = gy + i * BAR_H
                parts.append(f'<rect x="{x0:.1f}" y="{by}" width="{max(1.0, x1 - x0):.1f}" '
                             f'height="{BAR_H - 2}" fill="{COLOURS[i % len(COLOURS)]}"/>')
                parts.append(f'<text x="{x1 + 4:.1f}" y="{by + BAR_H - 3}" font-size="10">'
                             f'{v:.2f}x</text>')
        bottom = top + len(cats) * group_h
        for t in TICKS:
            lt = math.log10(t)
            if lo <= lt <= hi:
                x = x_of(t)
                width = 1.5 if t == 1 else 0.5
                parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" '
                             f'stroke="#444" stroke-width="{width}"/>')
                parts.append(f'<text x="{x:.1f}" y="{bottom + 13}" font-size="10" '
                             f'text-anchor="middle">{t:g}x</text>')
        y = bottom + 18
        for note in panel.get("notes", []):
            y += 15
            parts.append(f'<text x="10" y="{y}" font-size="11" fill="#a00">{escape(note)}</text>')
        y += 6
    height = y + 14
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(parts) + "\n</svg>\n")
