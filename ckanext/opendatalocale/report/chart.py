"""The evolution of one SCDL type in a territory, drawn on the server as SVG:
communes publishing and communes conformant, day after day, as step lines
(the counts of the snapshots' periods). No script: readable on a phone, in
a feed reader, printed."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from markupsafe import Markup, escape

from .history import Period

__all__ = ["evolution"]

WIDTH, HEIGHT = 600, 180
LEFT, RIGHT, TOP, BOTTOM = 50, 12, 14, 34


def _nice(value: int) -> int:
    """The first of 4, 10, 20, 40, 100, 200, 400, 1 000… at least ``value``."""
    top = 4
    steps = (2.5, 2, 2)  # 4 → 10 → 20 → 40 → 100…
    n = 0
    while top < value:
        top = round(top * steps[n % 3])
        n += 1
    return top


def _points(periods: list[Period], value: Callable, x: Callable, y: Callable) -> str:
    """A step line: each period's value held from its first day to the day
    after its last."""
    points = []
    for period in periods:
        level = y(value(period.counts))
        points.append(f"{x(period.start):.1f},{level:.1f}")
        points.append(f"{x(period.end + timedelta(days=1)):.1f},{level:.1f}")
    return " ".join(points)


def evolution(periods: list[Period], label: str, first_label: str, last_label: str,
              names: tuple[str, str], obliged: bool = False) -> Markup:
    """``periods`` (oldest first, from ``history.series``) as an SVG image;
    ``label`` its text alternative, ``first_label``/``last_label`` the
    dates shown under the axis, ``names`` the two lines' names (their
    titles, read by screen readers and shown on hover)."""
    if not periods:
        return Markup("")

    def publishing(counts):
        return counts.obliged_publishing if obliged else counts.publishing

    def conformant(counts):
        return counts.obliged_conformant if obliged else counts.conformant

    # the axis rises to the most communes publishing (a nice number above
    # it), not to all communes: 3 of 43 must not lie flat on the floor
    top = _nice(max(publishing(p.counts) for p in periods))
    start, stop = periods[0].start, periods[-1].end + timedelta(days=1)
    span = max((stop - start).days, 1)
    inner_width, inner_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + inner_width * (day - start).days / span

    def y(value: int) -> float:
        return TOP + inner_height * (1 - value / top)

    grid = []
    for value in sorted({0, top // 2, top}):
        grid.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value}</text>')
    axis = (f'<text class="tick" x="{LEFT}" y="{HEIGHT - 6}">{escape(first_label)}</text>'
            f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end">'
            f'{escape(last_label)}</text>')
    lines = "".join(
        f'<polyline class="line-{css}" points="{_points(periods, value, x, y)}">'
        f'<title>{escape(name)}</title></polyline>'
        for css, value, name in (("publishing", publishing, names[0]),
                                 ("conformant", conformant, names[1])))
    return Markup(
        f'<svg class="observatoire-evolution" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet" aria-label="{escape(label)}">'
        f'{"".join(grid)}{axis}{lines}</svg>')
