"""Loading the rules: the whole rulebook (every file read, checked and compiled) with the
line-recording YAML loader on libyaml's parser, as ccrules loads it, against the same loader
on PyYAML's pure-Python parser, interleaved. Prints one JSON line.

    python -m bench.rules_load [--rounds 5] [--loads 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from unittest import mock

import yaml

from ccrules.resources import builtin_rules
from ccrules.rulebook import loader
from ccrules.rulebook.loader import load_rulebook

from .common import interleaved, machine, ratio_per_round, spread


class _PurePython(yaml.SafeLoader):
    """The same line-recording loader on PyYAML's pure-Python parser."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _timed(loads: int, pure: bool):
    def run() -> float:
        patch = mock.patch.object(loader, "_LineLoader", _PurePython) if pure else None
        if patch:
            patch.start()
        try:
            start = time.perf_counter()
            for _ in range(loads):
                load_rulebook(builtin_rules())
            return (time.perf_counter() - start) / loads * 1000
        finally:
            if patch:
                patch.stop()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--loads", type=int, default=10, help="loads per round and path")
    args = parser.parse_args()
    assert loader._LineLoader.__mro__[1] is not yaml.SafeLoader, "PyYAML has no libyaml here"
    figures = interleaved({"libyaml": _timed(args.loads, False),
                           "pure_python": _timed(args.loads, True)}, args.rounds)
    ratios = ratio_per_round(figures["pure_python"], figures["libyaml"])
    print(json.dumps({"bench": "rules_load", "rounds": args.rounds, "loads": args.loads,
                      "rulebook_load_ms": {k: spread(v) for k, v in figures.items()},
                      "pure_python_over_libyaml": {"median": round(statistics.median(ratios),
                                                                   2),
                                                   **spread(ratios, 2)},
                      "machine": machine()}))


if __name__ == "__main__":
    main()
