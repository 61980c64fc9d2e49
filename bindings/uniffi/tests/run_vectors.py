"""Runs the conformance vectors (../shared/vectors) and error tests through the uniffi layer,
using uniffi's generated Python backend. Prints one line per failure and ends with
`N passed, M failed`; exits 1 when a test failed.

Usage: run_vectors.py GENERATED_PYTHON_DIR VECTORS_DIR [--drift ok|stale]
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

sys.path.insert(0, sys.argv[1])
import jitaccess_uniffi as ju  # noqa: E402

VECTORS = Path(sys.argv[2])
DEFAULT_AT = "2026-01-01T00:00:00Z"
passed = 0
failed = 0


def record(name: str, problems: List[str]) -> None:
    global passed, failed
    if problems:
        failed += 1
        print(f"FAIL {name}")
        for p in problems:
            print(f"    {p}")
    else:
        passed += 1


def test(name: str, fn: Callable[[], Optional[List[str]]]) -> None:
    try:
        record(name, fn() or [])
    except Exception as e:  # a test that raised is a failed test, with the reason
        record(name, [f"raised {type(e).__name__}: {e}"])


def merge(defaults: Any, launch: Any) -> Any:
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


def rfc3339(v: Any) -> str:
    if isinstance(v, dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=dt.timezone.utc)
        return v.isoformat()
    return str(v)


def same_time(a: Any, b: Any) -> bool:
    def parse(x: Any) -> dt.datetime:
        return dt.datetime.fromisoformat(rfc3339(x).replace("Z", "+00:00"))

    return a is not None and b is not None and parse(a) == parse(b)


def seconds(text: str) -> int:
    total, num = 0, ""
    for ch in str(text):
        if ch.isdigit():
            num += ch
        else:
            total += int(num) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[ch]
            num = ""
    return total


def facts(d: Dict[str, Any]) -> "ju.LaunchFacts":
    """A launch dict as the typed LaunchFacts record."""
    allowed = {"path", "user", "computer", "sha256", "signer", "version", "clsid", "commandLine"}
    unknown = set(d) - allowed
    assert not unknown, f"launch keys the record does not carry: {unknown}"
    u, c, s, v = d.get("user"), d.get("computer"), d.get("signer"), d.get("version")
    return ju.LaunchFacts(
        path=d["path"],
        user=ju.UserFacts(name=u.get("name"), sid=u.get("sid"), groups=u.get("groups") or []) if u else None,
        computer=ju.ComputerFacts(name=c.get("name"), tags=c.get("tags") or []) if c else None,
        sha256=d.get("sha256"),
        signer=ju.SignerFacts(
            publisher=s.get("publisher"), thumbprint=s.get("thumbprint"), valid=bool(s.get("valid"))
        ) if s else None,
        version=ju.VersionFacts(
            product_name=v.get("productName"),
            original_file_name=v.get("originalFileName"),
            file_version=v.get("fileVersion"),
            company_name=v.get("companyName"),
        ) if v else None,
        clsid=d.get("clsid"),
        command_line=d.get("commandLine"),
    )


def check_decision(d: "ju.Decision", expect: Dict[str, Any]) -> List[str]:
    bad = []
    if d.outcome != expect["outcome"]:
        bad.append(f"outcome: expected {expect['outcome']}, got {d.outcome}")
    if "rule" in expect and d.rule != expect["rule"]:
        bad.append(f"rule: expected {expect['rule']}, got {d.rule}")
    if "warnings" in expect and set(d.warnings) != set(expect["warnings"] or []):
        bad.append(f"warnings: expected {expect['warnings']}, got {d.warnings}")
    if "shadowed" in expect and list(d.shadowed) != list(expect["shadowed"] or []):
        bad.append(f"shadowed: expected {expect['shadowed']}, got {d.shadowed}")
    if "maxDuration" in expect:
        want, got = expect["maxDuration"], d.max_duration
        if (want is None) != (got is None) or (want is not None and seconds(want) != seconds(got)):
            bad.append(f"maxDuration: expected {want}, got {got}")
    if "elevation" in expect and d.elevation != expect["elevation"]:
        bad.append(f"elevation: expected {expect['elevation']}, got {d.elevation}")
    return bad


def load_policy(path: Path, doc: Dict[str, Any]) -> "ju.Policy":
    p = doc["policy"]
    if isinstance(p, str):
        return ju.Policy.from_file(str(path.parent / p))
    return ju.Policy.from_json(json.dumps(p))


def run_case(policy: "ju.Policy", defaults: Dict[str, Any], case: Dict[str, Any]) -> List[str]:
    launch = merge(defaults, case["launch"])
    at = rfc3339(case.get("at", DEFAULT_AT))
    typed = policy.evaluate(facts(launch), at)
    as_json = policy.evaluate_json(json.dumps(launch), at)
    bad = check_decision(typed, case["expect"])
    if typed != as_json:
        bad.append(f"typed and JSON paths differ: {typed} vs {as_json}")
    return bad


ACTIONS = ("submit", "approve", "decline", "cancel", "revoke", "relinquish", "grant", "launch", "tick")


def run_step(engine: "ju.Engine", defaults: Dict[str, Any], step: Dict[str, Any], at: str) -> List[str]:
    (kind,) = [a for a in ACTIONS if a in step]
    a = step[kind] or {}
    expect = step.get("expect") or {}
    try:
        if kind == "submit":
            r = engine.submit(a["id"], facts(merge(defaults, a.get("launch") or {})),
                              a.get("duration"), a.get("justification"), at)
        elif kind == "approve":
            r = engine.approve(a["id"], a["by"], a.get("comment"), at)
        elif kind == "decline":
            r = engine.decline(a["id"], a["by"], a.get("reason"), at)
        elif kind == "cancel":
            r = engine.cancel(a["id"], a.get("by"), at)
        elif kind == "revoke":
            r = engine.revoke(a["id"], a["by"], a.get("reason"), at)
        elif kind == "relinquish":
            r = engine.relinquish(a["id"], a.get("by"), at)
        elif kind == "grant":
            r = engine.grant(a["id"], a["by"], a.get("users") or [], a.get("computers") or [],
                             a.get("applications") or [], str(a["duration"]), at)
        elif kind == "launch":
            return check_decision(engine.evaluate(facts(merge(defaults, a)), at), expect)
        else:
            engine.tick(at)
            if "id" in expect:
                got = engine.get(expect["id"], at).status
                if got != expect["status"]:
                    return [f"status of {expect['id']}: expected {expect['status']}, got {got}"]
            return []
    except ju.JitAccessError.Request as e:
        if "error" not in expect:
            return [f"unexpected error {e.code}: {e.message}"]
        return [] if e.code == expect["error"] else [f"error: expected {expect['error']}, got {e.code}"]
    if "error" in expect:
        return [f"expected error {expect['error']}, got status {r.status}"]
    bad = []
    if "status" in expect and r.status != expect["status"]:
        bad.append(f"status: expected {expect['status']}, got {r.status}")
    if "decidedBy" in expect and (r.decided_by or "").casefold() != expect["decidedBy"].casefold():
        bad.append(f"decidedBy: expected {expect['decidedBy']}, got {r.decided_by}")
    if "notAfter" in expect and not same_time(r.not_after, expect["notAfter"]):
        bad.append(f"notAfter: expected {expect['notAfter']}, got {r.not_after}")
    return bad


def expected_count(doc: Dict[str, Any]) -> int:
    n = len(doc.get("cases") or [])
    for s in doc.get("scenarios") or []:
        n += len(s["steps"]) + (1 if "audit" in s else 0)
    return n


def vectors() -> None:
    files = sorted(VECTORS.glob("*.yaml"))
    record("conformance vectors are present", [] if files else [f"no *.yaml in {VECTORS}"])
    for f in files:
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        policy = load_policy(f, doc)
        defaults = doc.get("launchDefaults") or {}
        for case in doc.get("cases") or []:
            test(f"{f.name}: {case['name']}", lambda: run_case(policy, defaults, case))
        for sc in doc.get("scenarios") or []:
            engine = ju.Engine(policy)
            at: Optional[str] = None
            for i, step in enumerate(sc["steps"], 1):
                at = rfc3339(step["at"]) if "at" in step else at
                test(f"{f.name}: {sc['name']} / step {i}", lambda: run_step(engine, defaults, step, at or DEFAULT_AT))
            if "audit" in sc:
                def audit() -> List[str]:
                    types = [t for t in engine.audit_event_types() if t != "policy.loaded"]
                    return [] if types == sc["audit"] else [f"audit: expected {sc['audit']}, got {types}"]
                test(f"{f.name}: {sc['name']} / audit", audit)

        def through_run_tests() -> List[str]:
            report = ju.run_tests(str(f))
            bad = [f"{r.name}: {r.message}" for r in report.results if not r.passed]
            if report.passed != expected_count(doc):
                bad.append(f"run_tests passed {report.passed}, expected {expected_count(doc)}")
            return bad

        test(f"{f.name}: run_tests", through_run_tests)


def raises(fn: Callable[[], Any], cls: type) -> Any:
    try:
        fn()
    except cls as e:
        return e
    raise AssertionError(f"expected {cls.__name__}")


def errors() -> None:
    corp = VECTORS / "policies" / "corp.yaml"

    def policy_error() -> List[str]:
        e = raises(lambda: ju.Policy.from_yaml(
            "apiVersion: jitaccess/v1\nname: x\napplications: [{ id: a, vendr: x }]\n"
            "privilegeLists: [{ id: l, elevation: deny, applications: [ghost] }]\n"),
            ju.JitAccessError.Policy)
        bad = []
        if not any(m.startswith("applications[0].vendr: unknown key") for m in e.errors):
            bad.append(f"no path for the unknown key: {e.errors}")
        if not any(m.startswith("privilegeLists[0].applications[0]") for m in e.errors):
            bad.append(f"no path for the dangling reference: {e.errors}")
        return bad

    def launch_error() -> List[str]:
        policy = ju.Policy.from_file(str(corp))
        e = raises(lambda: policy.evaluate(ju.LaunchFacts(path="C:\\x.exe", sha256="abc"), DEFAULT_AT),
                   ju.JitAccessError.Launch)
        e2 = raises(lambda: policy.evaluate_json('{"path": "C:\\\\x.exe", "colour": 1}', DEFAULT_AT),
                    ju.JitAccessError.Launch)
        return [] if "sha256" in e.message and "colour" in e2.message else [f"{e.message} / {e2.message}"]

    def request_codes() -> List[str]:
        engine = ju.Engine(ju.Policy.from_file(str(corp)))
        t0 = "2026-11-23T09:00:00Z"
        launch = ju.LaunchFacts(
            path="C:\\Program Files\\Sysinternals\\procmon64.exe",
            user=ju.UserFacts(name="CORP\\alice", groups=["CORP\\IT Admins"]),
            computer=ju.ComputerFacts(name="IT-LAPTOP-07"),
            signer=ju.SignerFacts(publisher="Microsoft Corporation", valid=True),
            version=ju.VersionFacts(product_name="Process Monitor"),
        )
        got = []

        def code(fn: Callable[[], Any]) -> str:
            return raises(fn, ju.JitAccessError.Request).code

        got.append(code(lambda: engine.approve("nope", "CORP\\bob", None, t0)))
        got.append(code(lambda: engine.submit("r1", launch, "5h", "a long enough reason", t0)))
        engine.submit("r1", launch, "3h", "a long enough reason", t0)
        got.append(code(lambda: engine.submit("r1", launch, "3h", "a long enough reason", t0)))
        got.append(code(lambda: engine.approve("r1", "corp\\ALICE", None, t0)))
        got.append(code(lambda: engine.revoke("r1", "CORP\\bob", None, t0)))
        got.append(code(lambda: engine.grant("g", "CORP\\bob", ["*"], ["*"], ["ghost"], "1h", t0)))
        got.append(code(lambda: engine.grant("g", "CORP\\bob", ["*"], ["*"], ["procmon"], "never", t0)))
        want = ["notFound", "durationTooLong", "duplicateId", "selfApproval", "invalidTransition",
                "unknownApplication", "durationInvalid"]
        return [] if got == want else [f"codes: expected {want}, got {got}"]

    def bad_time() -> List[str]:
        policy = ju.Policy.from_file(str(corp))
        raises(lambda: policy.evaluate(ju.LaunchFacts(path="C:\\x.exe"), "yesterday"),
               ju.JitAccessError.InvalidArgument)
        return []

    def test_file_error() -> List[str]:
        raises(lambda: ju.run_tests("/nonexistent/t.yaml"), ju.JitAccessError.TestFile)
        return []

    test("errors: PolicyError lists every problem with its path", policy_error)
    test("errors: malformed launches (typed and JSON)", launch_error)
    test("errors: RequestError carries the lifecycle codes", request_codes)
    test("errors: a time that is not RFC 3339", bad_time)
    test("errors: a missing test file", test_file_error)


def main() -> int:
    if "--drift" in sys.argv:
        state = sys.argv[sys.argv.index("--drift") + 1]
        record("generated Kotlin/Swift sources match the committed ones",
               [] if state == "ok" else ["bindings/uniffi/generated is stale"])
    vectors()
    errors()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
