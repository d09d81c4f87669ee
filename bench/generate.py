"""Seeded random proposals for the benchmarks: every field independently unknown or given,
values drawn from each field's choices (numbers near the rules' thresholds)."""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from ccrules.proposal import kinds as K
from ccrules.proposal.fields import catalogue

MEASURES = ["m1", "m2", "m3", "local"]


def _value(rng: random.Random, path: str, info) -> Any:
    kind = info.kind
    if kind is K.CHOICE:
        return rng.choice(info.values)
    if kind is K.YES_NO:
        return rng.random() < 0.5
    if kind.whole:
        return rng.randint(0, 12)
    if kind.numeric:
        return round(rng.uniform(0, 100 if kind.percent else 30), 2)
    if kind is K.CHOICES:
        return rng.sample(list(info.values), rng.randint(0, len(info.values)))
    if kind is K.NAMES:
        return rng.sample(MEASURES, rng.randint(0, len(MEASURES)))
    if kind is K.MENU_OPTIONS:
        return [{"name": f"option {i}",
                 "evidence_base": rng.choice(["strong", "emerging", "contested", "none"]),
                 "measures": rng.sample(MEASURES, rng.randint(0, 2))}
                for i in range(rng.randint(0, 3))]
    return f"text {rng.randint(0, 999)}"


def proposals(n: int, seed: int = 2017, known: float = 0.8) -> list[dict]:
    """n raw proposals; each field is stated with probability `known`."""
    rng = random.Random(seed)
    fields = [(p, f) for p, f in catalogue().items() if not p.startswith("derived.")]
    out = []
    for i in range(n):
        data: dict[str, Any] = {"title": f"Generated proposal {i}", "reference": f"GEN-{i}"}
        for path, info in fields:
            if path in ("title", "reference") or rng.random() > known:
                continue
            *parents, leaf = path.split(".")
            node = data
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = _value(rng, path, info)
        out.append(consistent(data))
    return out


@cache
def bounds() -> dict[str, tuple[float, float]]:
    """(least, most) of every number field, as the model's schema states them."""
    return {p: (f.minimum, f.maximum) for p, f in catalogue().items()
            if f.kind.numeric and not p.startswith("derived.") and f.minimum is not None
            and f.maximum is not None}


def consistent(raw: dict) -> dict:
    """The proposal with its bounds and cross-field checks satisfied (numbers within what a
    real programme can state, enrolled within eligible, coverage agreeing with the site
    counts, residential meetings within face-to-face ones and none of either when every
    event is virtual, a count of core elements agreeing with those named, no local design
    adapted only in how): random answers are drawn independently, and a real proposal
    cannot state the impossible."""
    for path, (least, most) in bounds().items():
        group, _, name = path.rpartition(".")
        node = raw.get(group) if group else raw
        value = node.get(name) if isinstance(node, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            node[name] = type(value)(min(max(value, least), most))
    ctx, com = raw.get("context"), raw.get("community")
    if isinstance(ctx, dict):
        eligible, enrolled = ctx.get("sites_eligible"), ctx.get("sites_enrolled")
        if eligible is not None and enrolled is not None:
            if enrolled > eligible:
                ctx["sites_enrolled"] = enrolled = eligible
            cover = ctx.get("coverage_pct")
            if cover is not None and eligible and (
                    (enrolled == eligible and cover < 100) or (enrolled == 0 and cover > 0)):
                ctx["coverage_pct"] = 100 if enrolled == eligible else 0
    if isinstance(com, dict):
        in_person, residential = (com.get("face_to_face_meetings_per_year"),
                                  com.get("residential_meetings_per_year"))
        if in_person is not None and residential is not None and residential > in_person:
            com["residential_meetings_per_year"] = in_person
        if com.get("virtual_only") is True:
            for key in ("face_to_face_meetings_per_year", "residential_meetings_per_year"):
                if com.get(key):
                    com[key] = 0
    ivn = raw.get("intervention")
    if isinstance(ivn, dict):
        named, counted = ivn.get("core_elements"), ivn.get("core_element_count")
        if isinstance(named, list) and counted is not None and counted != len(named):
            ivn["core_element_count"] = len(named)  # the named ones are what is read
        if ivn.get("standardisation") == "locally_designed" and \
                ivn.get("customisation") == "how_only":
            ivn["customisation"] = "what_and_how"
    return raw

