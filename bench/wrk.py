"""Load with Debian's wrk: runs of a fixed length, each report parsed into requests/s, p50
and p99 (``--latency``) and the count of failed responses."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.client import USER_AGENT

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class Load:
    """How hard to push: the same for every figure and its floor."""

    threads: int = 2
    connections: int = 16
    warmup_s: int = 2
    duration_s: int = 8


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses plus socket errors

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def binary() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise FileNotFoundError("wrk is not installed (apt-get install -y wrk)")
    return path


def run(url: str, load: Load, seconds: int, headers: dict[str, str] | None = None,
        script: Path | None = None, connections: int | None = None) -> Result:
    """One wrk run of ``seconds``; ``headers`` (a cookie, Accept-Encoding) go with every
    request."""
    cmd = [binary(), f"-t{load.threads}", f"-c{connections or load.connections}",
           f"-d{seconds}s", "--latency", "--timeout", "10s", "-H", f"User-Agent: {USER_AGENT}"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True,  # noqa: S603
                         timeout=seconds + 30).stdout
    return parse(out)


def compare(url: str, floor_url: str, load: Load, headers: dict[str, str] | None = None,
            floor_headers: dict[str, str] | None = None,
            rounds: int = 3) -> tuple[Result, Result]:
    """``url`` and its floor in turns: a warm-up of each (thrown away), then ``rounds``
    runs of each alternating, ``load.duration_s`` in all per side. Drift of the machine
    hits both sides alike. ``headers`` go to ``url``, ``floor_headers`` to the floor."""
    run(url, load, load.warmup_s, headers)
    run(floor_url, load, load.warmup_s, floor_headers)
    seconds = max(1, load.duration_s // rounds)
    mine: list[Result] = []
    floor: list[Result] = []
    for _ in range(rounds):
        mine.append(run(url, load, seconds, headers))
        floor.append(run(floor_url, load, seconds, floor_headers))
    return combine(mine), combine(floor)


def combine(runs: list[Result]) -> Result:
    """Runs of equal length as one: mean requests/s and p50, the worst p99."""
    return Result(rps=sum(r.rps for r in runs) / len(runs),
                  p50_ms=sum(r.p50_ms for r in runs) / len(runs),
                  p99_ms=max(r.p99_ms for r in runs),
                  requests=sum(r.requests for r in runs), errors=sum(r.errors for r in runs))


def parse(out: str) -> Result:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if rps is None or total is None:
        raise RuntimeError(f"cannot read wrk's report:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return Result(rps=float(rps.group(1)), p50_ms=percentile(out, "50"),
                  p99_ms=percentile(out, "99"), requests=int(total.group(1)), errors=errors)


def percentile(out: str, which: str) -> float:
    match = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {which}% latency in wrk's report:\n{out}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def rotating_script(path: Path, paths: list[str]) -> Path:
    """A wrk script that cycles through ``paths`` (same headers as on the command line)."""
    items = ", ".join(f'"{p}"' for p in paths)
    path.write_text(
        f"local paths = {{{items}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  return wrk.format(nil, paths[(i % #paths) + 1])\n"
        "end\n")
    return path
