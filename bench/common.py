"""Shared helpers for the benchmarks: machine description and percentiles."""

from __future__ import annotations

import os
import platform
import statistics


def machine() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), "")
    except OSError:
        pass
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "cpu": cpu,
            "system": f"{platform.system()} {platform.machine()}"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(statistics.median(ms), 2), "p90_ms": round(percentile(ms, 0.9), 2),
            "max_ms": round(max(ms), 2)}
