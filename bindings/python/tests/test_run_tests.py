"""run_tests on every conformance vector file, and on failing and broken files."""

from __future__ import annotations

import pytest

import jitaccess
from conftest import load_yaml, vector_files


def expected_count(doc) -> int:
    n = len(doc.get("cases") or [])
    for s in doc.get("scenarios") or []:
        n += len(s["steps"]) + (1 if "audit" in s else 0)
    return n


@pytest.mark.parametrize("path", vector_files(), ids=lambda p: p.name)
def test_vector_file_passes(path):
    report = jitaccess.run_tests(path)
    assert [r.message for r in report.failures()] == []
    assert report.failed == 0
    assert report.passed == expected_count(load_yaml(path)) > 0
    assert len(report.results) == report.passed
    assert report.summary() == f"{report.passed} passed, 0 failed"
    assert report


def test_several_files_at_once():
    files = vector_files()
    total = jitaccess.run_tests([str(f) for f in files])
    assert total.passed == sum(jitaccess.run_tests(f).passed for f in files)


def test_a_failing_case_is_reported(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(
        "policy:\n"
        "  apiVersion: jitaccess/v1\n"
        "  name: t\n"
        "  applications: [{ id: shells, fileName: cmd.exe }]\n"
        "  privilegeLists: [{ id: no-shells, elevation: deny, applications: [shells] }]\n"
        "cases:\n"
        "  - name: wrong on purpose\n"
        "    launch: { path: 'C:\\Windows\\cmd.exe' }\n"
        "    expect: { outcome: elevate }\n"
        "  - name: right\n"
        "    launch: { path: 'C:\\Windows\\cmd.exe' }\n"
        "    expect: { outcome: deny }\n"
    )
    report = jitaccess.run_tests(f)
    assert (report.passed, report.failed) == (1, 1)
    assert not report
    (bad,) = report.failures()
    assert bad.name == "wrong on purpose" and not bad.passed
    assert "elevate" in (bad.message or "") and "deny" in (bad.message or "")


def test_a_broken_file_raises(tmp_path):
    with pytest.raises(jitaccess.TestFileError) as e:
        jitaccess.run_tests(tmp_path / "missing.yaml")
    assert "missing.yaml" in e.value.file
    f = tmp_path / "t.yaml"
    f.write_text("policy: nowhere.yaml\ncases: []\n")
    with pytest.raises(jitaccess.TestFileError):
        jitaccess.run_tests(f)
