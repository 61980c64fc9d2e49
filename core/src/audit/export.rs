//! SIEM exports (placeholder until written).
