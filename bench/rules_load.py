"""Loading the rules: the whole rulebook (every file read, checked and compiled) with the
line-recording YAML loader on libyaml's parser, as ccrules parses a file it has not seen,
against the same loader on PyYAML's pure-Python parser, and against a load of files whose
parse is kept (the same texts loaded again: a check before a reload, a second command in one
process), interleaved. Prints one JSON line.

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


def _timed(loads: int, pure: bool, kept: bool = False):
    def run() -> float:
        patch = mock.patch.object(loader, "_LineLoader", _PurePython) if pure else None
        if patch:
            patch.start()
        if kept:
            load_rulebook(builtin_rules())  # the parses are kept from here on
        try:
            start = time.perf_counter()
            for _ in range(loads):
                if not kept:
                    loader._parsed.clear()
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
                           "pure_python": _timed(args.loads, True),
                           "kept": _timed(args.loads, False, kept=True)}, args.rounds)
    ratios = ratio_per_round(figures["pure_python"], figures["libyaml"])
    kept = ratio_per_round(figures["libyaml"], figures["kept"])
    print(json.dumps({"bench": "rules_load", "rounds": args.rounds, "loads": args.loads,
                      "rulebook_load_ms": {k: spread(v) for k, v in figures.items()},
                      "pure_python_over_libyaml": {"median": round(statistics.median(ratios),
                                                                   2),
                                                   **spread(ratios, 2)},
                      "libyaml_over_kept": {"median": round(statistics.median(kept), 2),
                                            **spread(kept, 2)},
                      "machine": machine()}))


if __name__ == "__main__":
    main()
