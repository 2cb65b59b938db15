"""Line charts over time, drawn as SVG on the server: no script, printable, readable by tests.

`time_chart` turns series of (moment, value) into pixel coordinates; the template macro in
templates/_macros/charts.html draws them. Pure: no Flask.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WIDTH, HEIGHT = 640, 220
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 40, 16, 12, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # "when: value", for the point's tooltip


@dataclass(frozen=True)
class Series:
    name: str
    style: str  # a CSS class: chart-series-1, -2...
    points: tuple[Point, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass(frozen=True)
class Band:
    top: float
    bottom: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    series: tuple[Series, ...]
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    bands: tuple[Band, ...]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = MARGIN_LEFT
    plot_right: int = WIDTH - MARGIN_RIGHT
    plot_top: int = MARGIN_TOP
    plot_bottom: int = HEIGHT - MARGIN_BOTTOM

    @property
    def empty(self) -> bool:
        return not any(series.points for series in self.series)


def time_chart(
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[datetime, float]]]],
    *,
    y_max: float,
    y_min: float = 0,
    y_step: float | None = None,
    bands: Sequence[tuple[float, float, str]] = (),
    timezone: str = "UTC",
) -> Chart:
    """Series of (aware moment, value) on one time axis; `bands` are (low, high, label) value
    ranges shaded behind the lines."""
    zone = ZoneInfo(timezone)
    moments = [moment for _name, points in series for moment, _value in points]
    start = min(moments, default=datetime(2000, 1, 1, tzinfo=zone))
    end = max(moments, default=start)
    if end - start < timedelta(hours=1):
        start, end = start - timedelta(minutes=30), end + timedelta(minutes=30)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    span = (end - start).total_seconds()

    def x(moment: datetime) -> float:
        return left + (moment - start).total_seconds() / span * (right - left)

    def y(value: float) -> float:
        return bottom - (value - y_min) / (y_max - y_min) * (bottom - top)

    def when(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    drawn = tuple(
        Series(
            name,
            f"chart-series-{number}",
            tuple(
                Point(x(moment), y(value), f"{when(moment)}: {value:g}")
                for moment, value in sorted(points, key=lambda point: point[0])
            ),
        )
        for number, (name, points) in enumerate(series, start=1)
    )
    step = y_step or _nice_step(y_max - y_min)
    ticks = []
    value = y_min
    while value <= y_max:
        ticks.append((y(value), f"{value:g}"))
        value += step
    x_ticks = tuple(
        (x(moment), moment.astimezone(zone).strftime("%b %d %H:%M"))
        for moment in (start, start + (end - start) / 2, end)
    )
    shaded = tuple(
        Band(y(min(high, y_max)), y(max(low, y_min)), label) for low, high, label in bands
    )
    return Chart(title, drawn, tuple(ticks), x_ticks, shaded)


def _nice_step(extent: float) -> float:
    for step in (1, 2, 5, 10, 20, 50):
        if extent / step <= 6:
            return step
    return extent / 5
