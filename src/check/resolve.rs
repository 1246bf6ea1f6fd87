//! Name tables: declares every role, kind/signal, code, group, ladder and
//! exemption of a policy (reporting duplicates), and resolves uses of those
//! names (reporting unknown names with a "did you mean" suggestion).

use super::error::{CheckError, Code, unknown_help};
use crate::model::{CodeMeaning, KindDef, RoleDef};
use crate::span::Span;
use crate::syntax::ast::{self, Authorization, Ident, Item};
use std::collections::{BTreeMap, HashMap};

/// One namespace: names to (index, span of the first declaration).
#[derive(Debug, Default)]
pub(super) struct Table {
    /// Name → (index, first declaration's span).
    map: HashMap<String, (usize, Span)>,
    /// Names in declaration order (for suggestions).
    order: Vec<String>,
}

impl Table {
    /// Declares `id` as `index`; on a duplicate, reports `code` with both
    /// places and returns false.
    pub fn declare(
        &mut self,
        id: &Ident,
        index: usize,
        what: &str,
        code: Code,
        errs: &mut Vec<CheckError>,
    ) -> bool {
        if let Some((_, first)) = self.map.get(&id.node) {
            errs.push(duplicate(code, what, id, *first));
            return false;
        }
        self.map.insert(id.node.clone(), (index, id.span));
        self.order.push(id.node.clone());
        true
    }

    /// The index of `name`, if declared.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.map.get(name).map(|e| e.0)
    }

    /// The span of `name`'s first declaration.
    pub fn span(&self, name: &str) -> Option<Span> {
        self.map.get(name).map(|e| e.1)
    }

    /// Declared names in declaration order.
    pub fn names(&self) -> Vec<&str> {
        self.order.iter().map(String::as_str).collect()
    }

    /// Resolves `id`, reporting an unknown name (`what` singular, `plural`
    /// for the help line) when it is not declared.
    pub fn resolve(
        &self,
        id: &Ident,
        what: &str,
        plural: &str,
        code: Code,
        errs: &mut Vec<CheckError>,
    ) -> Option<usize> {
        let found = self.get(&id.node);
        if found.is_none() {
            errs.push(unknown(code, what, plural, id, &self.names()));
        }
        found
    }
}

/// "unknown WHAT `name`" with a suggestion from `candidates`.
pub(super) fn unknown(
    code: Code,
    what: &str,
    plural: &str,
    id: &Ident,
    candidates: &[&str],
) -> CheckError {
    CheckError::new(
        code,
        format!("unknown {what} `{}`", id.node),
        id.span,
        format!("no {what} `{}` is declared", id.node),
    )
    .help(unknown_help(plural, &id.node, candidates))
}

/// "duplicate WHAT `name`", labelled on the second declaration, with the
/// first as a secondary label.
pub(super) fn duplicate(code: Code, what: &str, id: &Ident, first: Span) -> CheckError {
    CheckError::new(
        code,
        format!("duplicate {what} `{}`", id.node),
        id.span,
        "declared again here",
    )
    .label(first, "first declared here")
    .help(match code {
        Code::DuplicateKind => {
            "event kinds and signals share one namespace: give each its own name".to_string()
        }
        Code::DuplicateStep => {
            "steps and rules share one namespace across the policy: give each its own ID"
                .to_string()
        }
        _ => format!("give each {what} its own name"),
    })
}

/// The policy's declared names and what they stand for.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Roles.
    pub roles: Table,
    /// Role definitions, by `RoleId`.
    pub role_defs: Vec<RoleDef>,
    /// Event kinds and signals (one namespace).
    pub kinds: Table,
    /// Kind definitions, by `KindId`.
    pub kind_defs: Vec<KindDef>,
    /// School codes → meaning, with the span of the mapping.
    pub codes: BTreeMap<String, (CodeMeaning, Span)>,
    /// Groups.
    pub groups: Table,
    /// Ladders.
    pub ladders: Table,
    /// Exemptions.
    pub exemptions: Table,
}

impl Names {
    /// Declares every name of `file` (not steps: see `ladders`).
    pub fn declare(file: &ast::File, errs: &mut Vec<CheckError>) -> Names {
        let mut n = Names::default();
        for item in &file.items {
            if let Item::Role(r) = item
                && n.roles
                    .declare(&r.id, n.role_defs.len(), "role", Code::DuplicateRole, errs)
            {
                n.role_defs.push(RoleDef {
                    id: r.id.node.clone(),
                    name: r.name.node.clone(),
                });
            }
        }
        n.declare_kinds(file, errs);
        n.declare_codes(file, errs);
        let (mut groups, mut ladders, mut exemptions) = (0, 0, 0);
        for item in &file.items {
            match item {
                Item::Group(g) => {
                    n.groups
                        .declare(&g.id, groups, "group", Code::DuplicateGroup, errs);
                    groups += 1;
                }
                Item::Ladder(l) => {
                    n.ladders
                        .declare(&l.id, ladders, "ladder", Code::DuplicateLadder, errs);
                    ladders += 1;
                }
                Item::Exemption(e) => {
                    let code = Code::DuplicateExemption;
                    n.exemptions
                        .declare(&e.id, exemptions, "exemption", code, errs);
                    exemptions += 1;
                }
                _ => {}
            }
        }
        n
    }

    /// Event kinds first, then signals, each in declaration order.
    fn declare_kinds(&mut self, file: &ast::File, errs: &mut Vec<CheckError>) {
        let events = file.items.iter().filter_map(|i| match i {
            Item::Event(e) => Some((&e.id, &e.name, Some(e.authorization.node))),
            _ => None,
        });
        let signals = file.items.iter().filter_map(|i| match i {
            Item::Signal(s) => Some((&s.id, &s.name, None)),
            _ => None,
        });
        for (id, name, auth) in events.chain(signals).collect::<Vec<_>>() {
            let what = if auth.is_some() {
                "event kind"
            } else {
                "signal"
            };
            let index = self.kind_defs.len();
            if self
                .kinds
                .declare(id, index, what, Code::DuplicateKind, errs)
            {
                self.kind_defs.push(KindDef {
                    id: id.node.clone(),
                    name: name.node.clone(),
                    signal: auth.is_none(),
                    authorization: auth.unwrap_or(Authorization::Authorized),
                });
            }
        }
    }

    /// Codes of kinds (own marking or the kind's), signals and `ignore`.
    fn declare_codes(&mut self, file: &ast::File, errs: &mut Vec<CheckError>) {
        for item in &file.items {
            let entries: Vec<(&ast::Text, CodeMeaning)> = match item {
                Item::Event(e) => match self.kinds.get(&e.id.node) {
                    Some(k) if self.kinds.span(&e.id.node) == Some(e.id.span) => e
                        .codes
                        .iter()
                        .map(|(c, a)| {
                            let auth = a.map(|a| a.node).unwrap_or(e.authorization.node);
                            (c, CodeMeaning::Kind(k, auth))
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                Item::Signal(s) => match self.kinds.get(&s.id.node) {
                    Some(k) if self.kinds.span(&s.id.node) == Some(s.id.span) => s
                        .codes
                        .iter()
                        .map(|c| (c, CodeMeaning::Kind(k, Authorization::Authorized)))
                        .collect(),
                    _ => Vec::new(),
                },
                Item::Ignore(i) => i.codes.iter().map(|c| (c, CodeMeaning::Ignored)).collect(),
                _ => Vec::new(),
            };
            for (code, meaning) in entries {
                self.declare_code(code, meaning, errs);
            }
        }
    }

    fn declare_code(&mut self, code: &ast::Text, meaning: CodeMeaning, errs: &mut Vec<CheckError>) {
        if let Some((_, first)) = self.codes.get(&code.node) {
            errs.push(
                CheckError::new(
                    Code::DuplicateCode,
                    format!("code `{}` is mapped twice", code.node),
                    code.span,
                    "mapped again here",
                )
                .label(*first, "first mapped here")
                .help("a school code means one thing: remove one of the mappings"),
            );
            return;
        }
        self.codes.insert(code.node.clone(), (meaning, code.span));
    }

    /// Resolves a role use.
    pub fn role(&self, id: &Ident, errs: &mut Vec<CheckError>) -> Option<usize> {
        self.roles
            .resolve(id, "role", "roles", Code::UnknownRole, errs)
    }

    /// Resolves an event kind or signal use.
    pub fn kind(&self, id: &Ident, errs: &mut Vec<CheckError>) -> Option<usize> {
        let code = Code::UnknownKind;
        self.kinds
            .resolve(id, "event kind or signal", "kinds and signals", code, errs)
    }

    /// Resolves a use that must be a signal.
    pub fn signal(&self, id: &Ident, errs: &mut Vec<CheckError>) -> Option<usize> {
        let signals: Vec<&str> = self
            .kind_defs
            .iter()
            .filter(|k| k.signal)
            .map(|k| k.id.as_str())
            .collect();
        match self.kinds.get(&id.node) {
            Some(k) if self.kind_defs[k].signal => Some(k),
            Some(_) => {
                errs.push(
                    CheckError::new(
                        Code::UnknownSignal,
                        format!("`{}` is an event kind, not a signal", id.node),
                        id.span,
                        "expected a signal",
                    )
                    .help(unknown_help("signals", &id.node, &signals)),
                );
                None
            }
            None => {
                errs.push(unknown(
                    Code::UnknownSignal,
                    "signal",
                    "signals",
                    id,
                    &signals,
                ));
                None
            }
        }
    }

    /// Resolves a group use.
    pub fn group(&self, id: &Ident, errs: &mut Vec<CheckError>) -> Option<usize> {
        self.groups
            .resolve(id, "group", "groups", Code::UnknownGroup, errs)
    }

    /// Resolves a ladder use.
    pub fn ladder(&self, id: &Ident, errs: &mut Vec<CheckError>) -> Option<usize> {
        self.ladders
            .resolve(id, "ladder", "ladders", Code::UnknownLadder, errs)
    }
}
