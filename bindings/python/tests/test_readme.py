"""The pytest example of bindings/python/README.md runs as written (with the conformance
policy and vector file in place of the author's files)."""

from __future__ import annotations

import re

from conftest import ROOT, VECTORS


def test_readme_example_runs():
    text = (ROOT / "bindings" / "python" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    (example,) = [b for b in blocks if "def test_" in b]
    example = example.replace('"policies/corp.yaml"', repr(str(VECTORS / "policies" / "corp.yaml")))
    example = example.replace('"policies/corp.test.yaml"', repr(str(VECTORS / "decisions.yaml")))
    ns: dict = {}
    exec(compile(example, "README.md", "exec"), ns)
    tests = [f for name, f in ns.items() if name.startswith("test_")]
    assert len(tests) == 4
    for t in tests:
        t()


def test_top_readme_example_runs(monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python", 1)[1]
    (example,) = re.findall(r"```python\n(.*?)```", section, re.S)[:1]
    monkeypatch.chdir(ROOT)
    exec(compile(example, "README.md", "exec"), {})
