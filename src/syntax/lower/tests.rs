//! Unit tests for tricky lowering.
