"""Shared helpers: the conformance vectors in ../shared/vectors and test-file semantics."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml

import jitaccess

ROOT = Path(__file__).resolve().parents[3]
VECTORS = ROOT.parent / "shared" / "vectors"
DEFAULT_AT = "2026-01-01T00:00:00Z"  # testing.md


def vector_files() -> List[Path]:
    files = sorted(VECTORS.glob("*.yaml"))
    assert files, f"no conformance vectors found in {VECTORS}"
    return files


def load_yaml(path: Path) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    assert isinstance(doc, dict), f"{path}: not a test file"
    return doc


def merge(defaults: Any, launch: Any) -> Any:
    """launchDefaults (testing.md): objects merge key by key, other values replace, null
    removes the key."""
    if not isinstance(defaults, dict) or not isinstance(launch, dict):
        return copy.deepcopy(launch)
    out = copy.deepcopy(defaults)
    for k, v in launch.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def as_time(v: Any) -> Any:
    """YAML timestamps arrive as datetimes (aware when they carry a zone); strings stay."""
    if isinstance(v, dt.datetime) and v.tzinfo is None:
        return v.replace(tzinfo=dt.timezone.utc)
    return v


def same_time(a: Any, b: Any) -> bool:
    def parse(x: Any) -> dt.datetime:
        if isinstance(x, dt.datetime):
            return as_time(x)
        return dt.datetime.fromisoformat(str(x).replace("Z", "+00:00"))

    return parse(a) == parse(b)


def check_decision(d: jitaccess.Decision, expect: Dict[str, Any]) -> List[str]:
    """Mismatches between a decision and a case's `expect` (testing.md)."""
    bad = []
    if d.outcome != expect["outcome"]:
        bad.append(f"outcome: expected {expect['outcome']}, got {d.outcome}")
    if "rule" in expect and d.rule != expect["rule"]:
        bad.append(f"rule: expected {expect['rule']}, got {d.rule}")
    if "warnings" in expect and set(d.warnings) != set(expect["warnings"] or []):
        bad.append(f"warnings: expected {expect['warnings']}, got {d.warnings}")
    if "shadowed" in expect and d.shadowed != list(expect["shadowed"] or []):
        bad.append(f"shadowed: expected {expect['shadowed']}, got {d.shadowed}")
    if "maxDuration" in expect:
        want = expect["maxDuration"]
        got = d.max_duration
        if (want is None) != (got is None) or (
            want is not None
            and got is not None
            and jitaccess.parse_duration(str(want)) != jitaccess.parse_duration(got)
        ):
            bad.append(f"maxDuration: expected {want}, got {got}")
    if "elevation" in expect and d.elevation != expect["elevation"]:
        bad.append(f"elevation: expected {expect['elevation']}, got {d.elevation}")
    return bad


def policy_of(path: Path, doc: Dict[str, Any]) -> jitaccess.Policy:
    p = doc["policy"]
    if isinstance(p, str):
        return jitaccess.Policy.from_file(path.parent / p)
    import json

    return jitaccess.Policy.from_str(json.dumps(p), format="json")


def cases() -> List[Any]:
    out = []
    for f in vector_files():
        doc = load_yaml(f)
        for c in doc.get("cases") or []:
            out.append(pytest.param(f, doc, c, id=f"{f.stem}: {c['name']}"))
    return out


def scenarios() -> List[Any]:
    out = []
    for f in vector_files():
        doc = load_yaml(f)
        for s in doc.get("scenarios") or []:
            out.append(pytest.param(f, doc, s, id=f"{f.stem}: {s['name']}"))
    return out


def at_of(item: Dict[str, Any], default: Optional[Any] = DEFAULT_AT) -> Any:
    return as_time(item["at"]) if "at" in item else default
