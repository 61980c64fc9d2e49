"""jitaccess: just-in-time privilege elevation policies, from Python.

Load a policy, decide launches, drive the request lifecycle and run policy test files::

    import jitaccess
    policy = jitaccess.Policy.from_file("policy.yaml")
    d = policy.evaluate({"path": "C:\\\\Tools\\\\procmon64.exe"}, at="2026-11-23T09:00:00Z")
    assert d.outcome == "request"
"""

from ._errors import JitAccessError, LaunchError, PolicyError, RequestError, TestFileError
from ._native import (
    Decision,
    Engine,
    Policy,
    TestReport,
    TestResult,
    __version__,
    inspect,
    parse_duration,
    run_tests,
)

__all__ = [
    "Decision",
    "Engine",
    "JitAccessError",
    "LaunchError",
    "Policy",
    "PolicyError",
    "RequestError",
    "TestFileError",
    "TestReport",
    "TestResult",
    "__version__",
    "inspect",
    "parse_duration",
    "run_tests",
]
