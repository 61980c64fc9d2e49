"""Every case of the conformance vectors through Policy.evaluate / evaluate_many."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

import jitaccess
from conftest import (
    DEFAULT_AT,
    ROOT,
    VECTORS,
    at_of,
    cases,
    check_decision,
    load_yaml,
    merge,
    policy_of,
    vector_files,
)


@pytest.mark.parametrize("path,doc,case", cases())
def test_case(path, doc, case):
    policy = policy_of(path, doc)
    launch = merge(doc.get("launchDefaults") or {}, case["launch"])
    d = policy.evaluate(launch, at=at_of(case))
    assert check_decision(d, case["expect"]) == []
    # The dict form carries the same answer with the spec's JSON keys.
    as_dict = d.to_dict()
    assert as_dict["outcome"] == d.outcome
    assert as_dict["rule"] == d.rule
    assert as_dict["maxDuration"] == d.max_duration
    assert as_dict["shadowed"] == d.shadowed
    assert as_dict["warnings"] == d.warnings
    assert as_dict["reason"] == d.reason and d.reason


def all_launches():
    out = []
    for f in vector_files():
        doc = load_yaml(f)
        if not doc.get("cases"):
            continue
        policy = policy_of(f, doc)
        launches = [merge(doc.get("launchDefaults") or {}, c["launch"]) for c in doc["cases"]]
        out.append((policy, launches))
    assert out
    return out


@pytest.mark.parametrize("at", [DEFAULT_AT, "2026-11-24T09:00:00Z", "2026-11-24T18:00:00Z"])
def test_evaluate_many_equals_evaluate_one_by_one(at):
    for policy, launches in all_launches():
        many = policy.evaluate_many(launches, at=at)
        one_by_one = [policy.evaluate(l, at=at) for l in launches]
        assert len(many) == len(launches)
        assert many == one_by_one
        assert [d.to_dict() for d in many] == [d.to_dict() for d in one_by_one]
        assert [policy.evaluate_json(json.dumps(l), at=at) for l in launches] == one_by_one


def test_evaluate_many_accepts_any_iterable_and_empty():
    policy, launches = all_launches()[0]
    assert policy.evaluate_many([]) == []
    gen = (l for l in launches)
    assert policy.evaluate_many(gen, at=DEFAULT_AT) == policy.evaluate_many(
        tuple(launches), at=DEFAULT_AT
    )


def test_evaluate_many_large_batches_equal_evaluate_one_by_one():
    # Batches of 256 launches or more (lists, tuples) are evaluated on a second thread while
    # they are converted; generators (no length) take the single-threaded path. Both must
    # give exactly the answers of evaluate, in order, across chunk boundaries.
    for policy, launches in all_launches():
        for n in (255, 256, 257, 1000 + len(launches)):
            batch = [launches[i % len(launches)] for i in range(n)]
            one_by_one = [policy.evaluate(l, at=DEFAULT_AT) for l in batch]
            assert policy.evaluate_many(batch, at=DEFAULT_AT) == one_by_one
            assert policy.evaluate_many(tuple(batch), at=DEFAULT_AT) == one_by_one
        assert policy.evaluate_many((l for l in batch), at=DEFAULT_AT) == one_by_one


def test_evaluate_many_takes_len_as_a_hint_only():
    policy, launches = all_launches()[0]
    batch = [launches[i % len(launches)] for i in range(300)]

    class Claims:  # len() claims far more than iteration gives: no huge reservation
        def __len__(self) -> int:
            return 10**12

        def __iter__(self):
            return iter(batch)

    want = [policy.evaluate(l, at=DEFAULT_AT) for l in batch]
    assert policy.evaluate_many(Claims(), at=DEFAULT_AT) == want  # type: ignore[arg-type]


def test_evaluate_many_from_threads_gives_the_same_answers():
    policy, launches = all_launches()[0]
    batch = launches * 50
    want = policy.evaluate_many(batch, at=DEFAULT_AT)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: policy.evaluate_many(batch, at=DEFAULT_AT), range(8)))
    for r in results:
        assert r == want


def test_times_as_datetime_and_string_agree():
    doc = load_yaml(VECTORS / "decisions.yaml")
    policy = policy_of(VECTORS / "decisions.yaml", doc)
    launch = {"computer": {"name": "HD-07"}, "path": "D:\\support\\tool.exe"}
    inside = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert policy.evaluate(launch, at=inside).outcome == policy.evaluate(
        launch, at="2026-11-24T09:00:00Z"
    ).outcome
    assert policy.evaluate(launch, at=inside).rule == "jit:helpdesk-window"


def test_decision_attributes_of_a_request():
    doc = load_yaml(VECTORS / "decisions.yaml")
    policy = policy_of(VECTORS / "decisions.yaml", doc)
    d = policy.evaluate({"path": "C:\\Program Files\\Tools\\sub\\thing.exe"}, at=DEFAULT_AT)
    assert d.outcome == "request"
    assert d.rule == "tools/tools-folder"
    assert d.elevation == "onRequest"
    assert d.max_duration is not None
    assert jitaccess.parse_duration(d.max_duration) == dt.timedelta(hours=2)
    assert d.privilege_list == "tools"
    assert d.application == "tools-folder"
    assert "tools-folder" in repr(d)


def test_parse_duration():
    assert jitaccess.parse_duration("1h30m") == dt.timedelta(minutes=90)
    assert jitaccess.parse_duration("4h") == jitaccess.parse_duration("240m")
    with pytest.raises(ValueError):
        jitaccess.parse_duration("soon")


def test_policy_metadata_and_lint():
    policy = jitaccess.Policy.from_file(VECTORS / "policies" / "corp.yaml")
    assert policy.name
    assert isinstance(policy.lint(), list)
    assert all(isinstance(w, str) and ":" in w for w in policy.lint())


PE_FIXTURES = ROOT / "core" / "tests" / "fixtures" / "pe"


def test_inspect_reads_sha256_signer_and_version_of_a_signed_pe():
    exe = PE_FIXTURES / "signed64.exe"
    facts = jitaccess.inspect(exe, trust=PE_FIXTURES / "root.pem")
    assert facts["sha256"] == hashlib.sha256(exe.read_bytes()).hexdigest()
    assert facts["signer"]["publisher"] == "Jitaccess Test Vendor"
    assert facts["signer"]["valid"] is True
    assert facts["signer"]["signatureIntact"] is True
    assert facts["version"]["productName"]
    # The facts are a launch: the policy accepts them as they are.
    policy = jitaccess.Policy.from_str(
        "apiVersion: jitaccess/v1\nname: t\napplications:\n"
        "  - { id: vendor, vendor: Jitaccess Test Vendor }\n"
        "privilegeLists:\n  - { id: l, elevation: automatic, applications: [vendor] }\n"
    )
    assert policy.evaluate(facts).rule == "l/vendor"


def test_inspect_without_trust_never_validates_a_signer():
    facts = jitaccess.inspect(str(PE_FIXTURES / "signed64.exe"))
    assert facts["signer"]["valid"] is False
    assert facts["signer"]["signatureIntact"] is True
    tampered = jitaccess.inspect(PE_FIXTURES / "tampered64.exe", trust=PE_FIXTURES / "root.pem")
    assert tampered["signer"]["valid"] is False


def test_inspect_of_a_missing_file_is_an_os_error():
    with pytest.raises(OSError, match="no-such.exe"):
        jitaccess.inspect(PE_FIXTURES / "no-such.exe")
