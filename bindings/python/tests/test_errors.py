"""PolicyError with document paths, RequestError codes, malformed launches and times."""

from __future__ import annotations

import datetime as dt

import pytest

import jitaccess
from conftest import VECTORS

CORP = VECTORS / "policies" / "corp.yaml"
GOOD = "apiVersion: jitaccess/v1\nname: t\napplications: [{ id: shells, fileName: cmd.exe }]\n" \
       "privilegeLists: [{ id: no-shells, elevation: deny, applications: [shells] }]\n"


def test_policy_error_lists_every_problem_with_its_path():
    text = (
        "apiVersion: jitaccess/v1\n"
        "name: broken\n"
        "applications:\n"
        "  - { id: a, vendr: x }\n"
        "privilegeLists:\n"
        "  - { id: l, elevation: sometimes, applications: [ghost] }\n"
    )
    with pytest.raises(jitaccess.PolicyError) as e:
        jitaccess.Policy.from_str(text)
    errors = e.value.errors
    assert len(errors) >= 3, errors
    assert any(m.startswith("applications[0].vendr: unknown key") for m in errors), errors
    assert any(m.startswith("privilegeLists[0].elevation") for m in errors), errors
    assert any(m.startswith("privilegeLists[0].applications[0]") and "ghost" in m for m in errors), errors
    paths = [d["path"] for d in e.value.details]
    assert "applications[0].vendr" in paths
    assert all(d["line"] is None or d["line"] >= 1 for d in e.value.details)
    assert isinstance(e.value, jitaccess.JitAccessError)
    assert "applications[0].vendr" in str(e.value)


def test_policy_error_of_json_and_of_a_missing_file(tmp_path):
    with pytest.raises(jitaccess.PolicyError) as e:
        jitaccess.Policy.from_str('{"apiVersion": "jitaccess/v1", "name": "x", "bogus": 1}', format="json")
    assert any(m.startswith("bogus: unknown key") for m in e.value.errors), e.value.errors
    with pytest.raises(jitaccess.PolicyError) as e:
        jitaccess.Policy.from_file(tmp_path / "nope.yaml")
    assert "cannot read" in e.value.errors[0]
    with pytest.raises(ValueError, match="format"):
        jitaccess.Policy.from_str(GOOD, format="toml")


def test_json_and_yaml_give_the_same_policy():
    import json

    import yaml

    a = jitaccess.Policy.from_str(GOOD)
    b = jitaccess.Policy.from_str(json.dumps(yaml.safe_load(GOOD)), format="json")
    launch = {"path": "C:\\Windows\\System32\\cmd.exe"}
    assert a.evaluate(launch) == b.evaluate(launch)
    assert a.evaluate(launch).outcome == "deny"


@pytest.mark.parametrize(
    "launch,field",
    [
        ({"path": "C:\\x.exe", "colour": 1}, "colour"),
        ({"path": "C:\\x.exe", "user": {"name": "a", "role": "x"}}, "user.role"),
        ({"path": "C:\\x.exe", "sha256": "abc"}, "sha256"),
        ({"path": "C:\\x.exe", "signer": {"valid": "yes"}}, "signer.valid"),
        ({"path": "C:\\x.exe", "user": {"groups": "CORP\\IT Admins"}}, "user.groups"),
        ({"path": "C:\\x.exe", "user": {"groups": ["ok", 3]}}, "user.groups"),
        ({"path": 5}, "path"),
        ({"path": ""}, "path"),
        ({"user": {"name": "a"}}, "path"),
        ({"path": None}, "path"),
        ({"path": "C:\\x.exe", "clsid": "not-a-guid"}, "clsid"),
        ({"path": "C:\\x.exe", "version": {"productname": "x"}}, "version.productname"),
    ],
)
def test_malformed_launch_is_a_launch_error(launch, field):
    policy = jitaccess.Policy.from_str(GOOD)
    with pytest.raises(jitaccess.LaunchError) as e:
        policy.evaluate(launch)
    assert isinstance(e.value, ValueError)
    assert e.value.field == field, str(e.value)
    assert f"launch.{field}" in str(e.value)


def test_null_fields_are_absent():
    policy = jitaccess.Policy.from_str(GOOD)
    d = policy.evaluate({"path": "C:\\Windows\\cmd.exe", "user": None, "signer": None, "sha256": None})
    assert d.outcome == "deny"


def test_launch_must_be_a_dict_and_evaluate_many_names_the_index():
    policy = jitaccess.Policy.from_str(GOOD)
    with pytest.raises(jitaccess.LaunchError, match="expected a dict"):
        policy.evaluate("C:\\x.exe")  # type: ignore[arg-type]
    with pytest.raises(jitaccess.LaunchError, match=r"launches\[1\]") as e:
        policy.evaluate_many([{"path": "C:\\a.exe"}, {"path": "C:\\b.exe", "sha256": "zz"}])
    assert e.value.field == "sha256"


@pytest.mark.parametrize("k", [0, 63, 64, 300, 999])
def test_evaluate_many_names_the_index_in_a_large_batch(k):
    # Large batches are converted and evaluated in chunks on two threads: the error still
    # names the first bad launch, whatever chunk it is in, and nothing is returned.
    policy = jitaccess.Policy.from_str(GOOD)
    batch: list[object] = [{"path": f"C:\\t\\{i}.exe"} for i in range(1000)]
    batch[k] = {"path": "C:\\b.exe", "sha256": "zz"}
    if k + 5 < len(batch):
        batch[k + 5] = {"path": 7}
    with pytest.raises(jitaccess.LaunchError, match=rf"^launches\[{k}\]: ") as e:
        policy.evaluate_many(batch)  # type: ignore[arg-type]
    assert e.value.field == "sha256"
    batch[k] = "not a dict"
    with pytest.raises(jitaccess.LaunchError, match=rf"^launches\[{k}\]: launch: expected a dict"):
        policy.evaluate_many(batch)  # type: ignore[arg-type]
    # Afterwards the same policy still answers (the evaluating thread was not left behind).
    assert len(policy.evaluate_many([{"path": "C:\\a.exe"}] * 300)) == 300


def test_evaluate_many_restores_the_garbage_collector():
    # Batches of 1024 launches or more are built with the cyclic collector paused: afterwards
    # it is back as it was, after a failed batch too, and a collector the caller had turned
    # off stays off.
    import gc

    policy = jitaccess.Policy.from_str(GOOD)
    good = [{"path": f"C:\\t\\{i}.exe"} for i in range(2000)]
    bad: list[object] = list(good)
    bad[1500] = "not a dict"
    assert gc.isenabled()
    seen: list[bool] = []

    class Watch:  # reports whether the collector is on while the batch is converted
        def __len__(self) -> int:
            return len(good)

        def __iter__(self):
            for i, launch in enumerate(good):
                if i == 1000:
                    seen.append(gc.isenabled())
                yield launch

    assert len(policy.evaluate_many(Watch(), at="2026-11-23T09:00:00Z")) == 2000  # type: ignore[arg-type]
    assert seen == [False]
    assert gc.isenabled()
    with pytest.raises(jitaccess.LaunchError, match=r"^launches\[1500\]"):
        policy.evaluate_many(bad)  # type: ignore[arg-type]
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(policy.evaluate_many(good)) == 2000
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_times():
    policy = jitaccess.Policy.from_str(GOOD)
    launch = {"path": "C:\\Windows\\cmd.exe"}
    with pytest.raises(ValueError, match="naive"):
        policy.evaluate(launch, at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="RFC 3339"):
        policy.evaluate(launch, at="yesterday")
    with pytest.raises(TypeError):
        policy.evaluate(launch, at=12)  # type: ignore[arg-type]
    assert policy.evaluate(launch, at=dt.datetime.now(dt.timezone.utc)).outcome == "deny"


PROCMON = {
    "user": {"name": "CORP\\alice", "groups": ["CORP\\IT Admins"]},
    "computer": {"name": "IT-LAPTOP-07"},
    "path": "C:\\Program Files\\Sysinternals\\procmon64.exe",
    "signer": {"publisher": "Microsoft Corporation", "valid": True},
    "version": {"productName": "Process Monitor"},
}
T0 = "2026-11-23T09:00:00Z"


def code_of(fn, *args, **kwargs) -> str:
    with pytest.raises(jitaccess.RequestError) as e:
        fn(*args, **kwargs)
    assert isinstance(e.value.code, str)
    return e.value.code


def test_request_error_codes():
    engine = jitaccess.Engine(jitaccess.Policy.from_file(CORP))
    reason = "a long enough reason"
    assert code_of(engine.approve, "nope", "CORP\\bob", at=T0) == "notFound"
    assert code_of(engine.submit, "x", PROCMON, "30m", None, at=T0) == "justificationRequired"
    assert code_of(engine.submit, "x", PROCMON, "0m", reason, at=T0) == "durationInvalid"
    assert code_of(engine.submit, "x", PROCMON, "soon", reason, at=T0) == "durationInvalid"
    assert code_of(engine.submit, "x", PROCMON, "9h", reason, at=T0) == "durationTooLong"
    other = {"path": "C:\\Games\\game.exe", "user": {"name": "CORP\\alice"}}
    assert code_of(engine.submit, "x", other, "30m", reason, at=T0) == "notRequestable"
    engine.submit("r1", PROCMON, "3h", reason, at=T0)
    assert code_of(engine.submit, "r1", PROCMON, "3h", reason, at=T0) == "duplicateId"
    assert code_of(engine.approve, "r1", "corp\\ALICE", at=T0) == "selfApproval"
    assert code_of(engine.decline, "r1", "CORP\\alice", at=T0) == "selfApproval"
    assert code_of(engine.revoke, "r1", "CORP\\bob", at=T0) == "invalidTransition"
    assert code_of(engine.relinquish, "r1", at=T0) == "invalidTransition"
    assert engine.decline("r1", "CORP\\bob", "no", at=T0)["status"] == "declined"
    assert code_of(engine.approve, "r1", "CORP\\bob", at=T0) == "invalidTransition"
    assert code_of(engine.grant, "g", "CORP\\bob", ["*"], ["*"], ["ghost"], "1h", at=T0) == "unknownApplication"
    assert code_of(engine.grant, "g", "CORP\\bob", ["*"], ["*"], ["procmon"], "never", at=T0) == "durationInvalid"


def test_failed_command_changes_nothing():
    engine = jitaccess.Engine(jitaccess.Policy.from_file(CORP))
    engine.submit("r1", PROCMON, "3h", "a long enough reason", at=T0)
    before = engine.get("r1", at=T0)
    events = len(engine.events())
    code_of(engine.approve, "r1", "CORP\\alice", at=T0)
    assert engine.get("r1", at=T0) == before
    assert len(engine.events()) == events
