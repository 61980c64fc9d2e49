//! Cross-crate integration and conformance tests (see `tests/tests/`).
