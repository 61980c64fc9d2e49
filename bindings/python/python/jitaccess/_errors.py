"""Exceptions of the jitaccess package (raised by the native module)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class JitAccessError(Exception):
    """Base class of every jitaccess error."""


class PolicyError(JitAccessError):
    """A policy document did not load.

    ``errors`` lists every problem as one message with its document path, e.g.
    ``"privilegeLists[2].applications[1]: unknown application 'ghost' (line 40, column 7)"``;
    ``details`` has the same as dicts with ``path``, ``line``, ``column`` and ``message``.
    """

    def __init__(
        self,
        message: str,
        errors: Optional[List[str]] = None,
        details: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.errors: List[str] = list(errors or [])
        self.details: List[Dict[str, Any]] = list(details or [])


class RequestError(JitAccessError):
    """A lifecycle command failed and changed nothing.

    ``code`` is the stable lifecycle error code of lifecycle.md §2, e.g. ``"selfApproval"``.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code: str = code


class LaunchError(JitAccessError, ValueError):
    """A launch dict is malformed (unknown key, wrong type, bad digest, empty path).

    ``field`` names the offending field (e.g. ``"signer.thumbprint"``) when known.
    """

    def __init__(self, message: str, field: Optional[str] = None) -> None:
        super().__init__(message)
        self.field: Optional[str] = field


class TestFileError(JitAccessError):
    """A policy test file (or the policy it names) could not be loaded."""

    __test__ = False

    def __init__(self, message: str, file: str) -> None:
        super().__init__(message)
        self.file: str = file
