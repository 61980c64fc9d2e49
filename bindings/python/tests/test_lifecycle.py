"""Every scenario of the conformance vectors through jitaccess.Engine, plus direct API use."""

from __future__ import annotations

from typing import Any, Dict

import pytest

import jitaccess
from conftest import VECTORS, as_time, check_decision, load_yaml, merge, policy_of, same_time, scenarios

ACTIONS = ("submit", "approve", "decline", "cancel", "revoke", "relinquish", "grant", "launch", "tick")


def run_step(engine: jitaccess.Engine, defaults: Dict[str, Any], step: Dict[str, Any], at: Any):
    """Runs one step; returns (kind, result or RequestError)."""
    (kind,) = [a for a in ACTIONS if a in step]
    args = step[kind] or {}
    try:
        if kind == "submit":
            return kind, engine.submit(
                args["id"],
                merge(defaults, args.get("launch") or {}),
                args.get("duration"),
                args.get("justification"),
                at=at,
            )
        if kind == "approve":
            return kind, engine.approve(args["id"], args["by"], args.get("comment"), at=at)
        if kind == "decline":
            return kind, engine.decline(args["id"], args["by"], args.get("reason"), at=at)
        if kind == "cancel":
            return kind, engine.cancel(args["id"], args.get("by"), at=at)
        if kind == "revoke":
            return kind, engine.revoke(args["id"], args["by"], args.get("reason"), at=at)
        if kind == "relinquish":
            return kind, engine.relinquish(args["id"], args.get("by"), at=at)
        if kind == "grant":
            return kind, engine.grant(
                args["id"],
                args["by"],
                args.get("users") or [],
                args.get("computers") or [],
                args.get("applications") or [],
                str(args["duration"]),
                at=at,
            )
        if kind == "launch":
            return kind, engine.evaluate(merge(defaults, args), at=at)
        return kind, engine.tick(at=at)
    except jitaccess.RequestError as e:
        return kind, e


def check_step(engine, kind, result, expect, at):
    bad = []
    if "error" in expect:
        if not isinstance(result, jitaccess.RequestError):
            return [f"expected error {expect['error']}, got {result!r}"]
        if result.code != expect["error"]:
            bad.append(f"error: expected {expect['error']}, got {result.code}")
        return bad
    if isinstance(result, jitaccess.RequestError):
        return [f"unexpected error {result.code}: {result}"]
    if kind == "launch":
        return check_decision(result, expect)
    if kind == "tick":
        if "id" in expect:
            changed = {r["id"]: r["status"] for r in result}
            req = engine.get(expect["id"], at=at)
            if req["status"] != expect["status"]:
                bad.append(f"status of {expect['id']}: expected {expect['status']}, got {req['status']}")
            if expect["id"] in changed and changed[expect["id"]] != req["status"]:
                bad.append(f"tick reported {changed[expect['id']]} but get says {req['status']}")
        return bad
    if "status" in expect and result["status"] != expect["status"]:
        bad.append(f"status: expected {expect['status']}, got {result['status']}")
    if "decidedBy" in expect and (result.get("decidedBy") or "").casefold() != expect["decidedBy"].casefold():
        bad.append(f"decidedBy: expected {expect['decidedBy']}, got {result.get('decidedBy')}")
    if "notAfter" in expect and not same_time(result.get("notAfter"), expect["notAfter"]):
        bad.append(f"notAfter: expected {expect['notAfter']}, got {result.get('notAfter')}")
    return bad


@pytest.mark.parametrize("path,doc,scenario", scenarios())
def test_scenario(path, doc, scenario):
    engine = jitaccess.Engine(policy_of(path, doc))
    defaults = doc.get("launchDefaults") or {}
    at = None
    failures = []
    for i, step in enumerate(scenario["steps"], 1):
        at = as_time(step["at"]) if "at" in step else at
        assert at is not None, "a scenario's first step needs a time"
        kind, result = run_step(engine, defaults, step, at)
        for b in check_step(engine, kind, result, step.get("expect") or {}, at):
            failures.append(f"step {i} ({kind}): {b}")
    if "audit" in scenario:
        types = [e["type"] for e in engine.events() if e["type"] != "policy.loaded"]
        if types != scenario["audit"]:
            failures.append(f"audit: expected {scenario['audit']}, got {types}")
    assert failures == []


CORP = VECTORS / "policies" / "corp.yaml"
PROCMON = {
    "user": {"name": "CORP\\alice", "groups": ["CORP\\IT Admins"]},
    "computer": {"name": "IT-LAPTOP-07"},
    "path": "C:\\Program Files\\Sysinternals\\procmon64.exe",
    "signer": {
        "publisher": "Microsoft Corporation",
        "thumbprint": "e3ef68e539b84fc43a597dbe79514b369ce54823575cc53f53289e64474c53eb",
        "valid": True,
    },
    "version": {"productName": "Process Monitor"},
}
T0 = "2026-11-23T09:00:00Z"


def test_pending_active_get_cancel_and_events():
    engine = jitaccess.Engine(jitaccess.Policy.from_file(CORP))
    r = engine.submit("p1", PROCMON, "3h", "a long enough reason", at=T0)
    assert r["id"] == "p1" and r["status"] == "pending"
    assert [x["id"] for x in engine.pending(at=T0)] == ["p1"]
    assert engine.active(at=T0) == []
    with pytest.raises(jitaccess.RequestError) as e:
        engine.submit("p2", PROCMON, "3h", "a long enough reason", at=T0)
    assert e.value.code == "duplicate"
    with pytest.raises(jitaccess.RequestError) as e:
        engine.cancel("p1", "CORP\\mallory", at=T0)
    assert e.value.code == "notRequester"
    assert engine.cancel("p1", at=T0)["status"] == "cancelled"
    assert engine.get("p1", at=T0)["status"] == "cancelled"
    types = [e["type"] for e in engine.events()]
    assert "request.submitted" in types and "request.cancelled" in types
    # take_events drains: a long-running host keeps memory flat.
    taken = engine.take_events()
    assert [e["type"] for e in taken] == types
    assert engine.events() == [] and engine.take_events() == []
    engine.submit("p3", PROCMON, "3h", "a long enough reason", at=T0)
    assert [e["type"] for e in engine.take_events()] == ["request.submitted"]


def test_admin_grant_covers_and_revoke_ends_it():
    engine = jitaccess.Engine(jitaccess.Policy.from_file(CORP))
    before = engine.evaluate(PROCMON, at=T0)
    assert before.outcome == "request"
    g = engine.grant("g1", "CORP\\bob", ["CORP\\alice"], ["IT-LAPTOP-*"], ["procmon"], "1h", at=T0)
    assert g["status"] == "active"
    d = engine.evaluate(PROCMON, at="2026-11-23T09:30:00Z")
    assert (d.outcome, d.rule) == ("elevate", "grant:g1")
    assert [x["id"] for x in engine.active(at="2026-11-23T09:30:00Z")] == ["g1"]
    assert engine.revoke("g1", "CORP\\bob", "done", at="2026-11-23T09:40:00Z")["status"] == "revoked"
    assert engine.evaluate(PROCMON, at="2026-11-23T09:41:00Z").outcome == "request"


def test_relinquish_and_file_store(tmp_path):
    store = tmp_path / "requests.jsonl"
    policy = jitaccess.Policy.from_file(CORP)
    engine = jitaccess.Engine(policy, store=store, record_events=False)
    engine.submit("r1", PROCMON, "2h", "long capture for ticket INC000042", at=T0)
    engine.approve("r1", "CORP\\bob", at=T0)
    assert engine.events() == []
    # One engine per store file: a second one is refused while the first is open.
    with pytest.raises(ValueError, match="in use by another engine"):
        jitaccess.Engine(policy, store=store)
    del engine
    # A new engine over the same file sees the request.
    again = jitaccess.Engine(policy, store=store)
    assert again.get("r1", at=T0)["status"] == "active"
    with pytest.raises(jitaccess.RequestError) as e:
        again.relinquish("r1", "CORP\\bob", at=T0)
    assert e.value.code == "notRequester"
    assert again.relinquish("r1", at=T0)["status"] == "relinquished"
