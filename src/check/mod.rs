//! Checking: resolves names, validates dates and units, and builds the
//! runnable [`crate::model::Policy`] from an AST.
