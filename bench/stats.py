"""The bench's arithmetic and parsing, kept pure so it can be tested without running anything."""

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# wrk prints latencies and sizes with units; these turn them into milliseconds.
_LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def ratio(measured: float, reference: float) -> float | None:
    """measured / reference, or None when the reference measured nothing (no ratio to speak of)."""
    if reference <= 0:
        return None
    return measured / reference


def rate(count: int, seconds: float) -> float:
    """Items per second; 0 for an empty or instantaneous run rather than a division error."""
    return count / seconds if seconds > 0 and count > 0 else 0.0


def median(values: Iterable[float]) -> float:
    values = list(values)
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def growth(small: dict[str, float], large: dict[str, float]) -> dict[str, float]:
    """Per page, large-archive latency over small-archive latency (pages measured on both only)."""
    return {page: large[page] / small[page] for page in small if page in large and small[page] > 0}


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    requests_per_second: float
    latency_avg_ms: float
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    socket_errors: int  # connect + read + write + timeout
    timeouts: int
    non_2xx_3xx: int

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx_3xx


def _latency_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk latency: {text!r}")
    return float(match.group(1)) * _LATENCY_UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """The numbers of a `wrk --latency` report; a report without its summary line is an error."""
    summary = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", output)
    per_second = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not summary or not per_second:
        raise ValueError("wrk output has no request summary:\n" + output)
    latency = re.search(r"^\s+Latency\s+(\S+)", output, re.MULTILINE)
    percentiles = {
        m.group(1): _latency_ms(m.group(2))
        for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE)
    }
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_counts = [int(n) for n in socket.groups()] if socket else [0, 0, 0, 0]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(summary.group(1)),
        seconds=_latency_ms(summary.group(2) + summary.group(3)) / 1000,
        requests_per_second=float(per_second.group(1)),
        latency_avg_ms=_latency_ms(latency.group(1)) if latency else 0.0,
        latency_p50_ms=percentiles.get("50"),
        latency_p99_ms=percentiles.get("99"),
        socket_errors=sum(socket_counts),
        timeouts=socket_counts[3],
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """A plain-text table, columns padded to their widest cell; floats to 3 significant decimals."""
    cells = [[_cell(v) for v in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)
