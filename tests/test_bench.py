"""The benchmark scripts run and print their figures (speed targets are not asserted here:
they live in the benchmarks and docs/performance.md)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_explain_benchmark_quick_prints_figures():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "explain.py"), "--quick"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    examples = [line for line in lines if "example" in line]
    assert len(examples) == len(list((ROOT / "examples").glob("*.json")))
    assert all(line["p50_ms"] > 0 and line["runs"] == 5 for line in examples)
    assert lines[-1]["all_examples"] and lines[-1]["machine"]["cpus"] >= 1
