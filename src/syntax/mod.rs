//! Parsing: the pest grammar in `grammar/verzuim.pest`, lowered into the
//! spanned AST of [`ast`], with syntax errors worded for people.
pub mod ast;
