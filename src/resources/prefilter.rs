//! Literal prefilter for pattern rules: which rules can match a piece of text at all.
//!
//! Every pattern rule runs over every sentence, but most sentences hold none of the words a rule
//! needs ("premiered", "directed by", "nominated"). From each compiled pattern this module derives
//! a **requirement**: an and/or formula over literal strings that any match must contain (a
//! concatenation needs all its parts, an alternation any branch, an optional part nothing). One
//! Aho-Corasick pass over a sentence finds which literals occur; a rule whose formula is false
//! there is skipped without running its regex. The requirement is conservative: a literal is only
//! required when every match must contain it, so skipping never loses a match.

use aho_corasick::AhoCorasick;
use regex_syntax::hir::{Hir, HirKind};
use std::collections::HashMap;

/// Literals shorter than this many bytes are not worth a lookup (and match almost everywhere).
const MIN_LITERAL: usize = 3;

/// What any match of a pattern must contain.
#[derive(Debug, Clone, PartialEq)]
pub enum Need {
    /// Nothing known: the rule always runs.
    Anything,
    /// This literal (an index into the prefilter's literals).
    Literal(usize),
    All(Vec<Need>),
    Any(Vec<Need>),
}

impl Need {
    /// Whether a match is possible given which literals occur in the text.
    pub fn holds(&self, present: &[bool]) -> bool {
        match self {
            Need::Anything => true,
            Need::Literal(i) => present[*i],
            Need::All(v) => v.iter().all(|n| n.holds(present)),
            Need::Any(v) => v.iter().any(|n| n.holds(present)),
        }
    }
}

/// The literals of all rules and one automaton to find them.
#[derive(Debug, Clone, Default)]
pub struct Prefilter {
    literals: Vec<String>,
    automaton: Option<AhoCorasick>,
}

/// Builds rule requirements, sharing one table of literals.
#[derive(Debug, Default)]
pub struct Builder {
    index: HashMap<String, usize>,
    literals: Vec<String>,
}

impl Builder {
    /// The requirement of a regex source (as given to `regex::Regex::new`); `Anything` when the
    /// source cannot be analysed.
    pub fn need(&mut self, source: &str) -> Need {
        match regex_syntax::Parser::new().parse(source) {
            Ok(hir) => simplify(self.of(&hir)),
            Err(_) => Need::Anything,
        }
    }

    fn literal(&mut self, s: String) -> Need {
        if s.len() < MIN_LITERAL {
            return Need::Anything;
        }
        let next = self.literals.len();
        let i = *self.index.entry(s.clone()).or_insert(next);
        if i == next {
            self.literals.push(s);
        }
        Need::Literal(i)
    }

    fn of(&mut self, hir: &Hir) -> Need {
        match hir.kind() {
            HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
                Ok(s) => self.literal(s.to_string()),
                Err(_) => Need::Anything,
            },
            HirKind::Capture(c) => self.of(&c.sub),
            HirKind::Repetition(r) if r.min >= 1 => self.of(&r.sub),
            HirKind::Concat(parts) => {
                // Adjacent literals form one longer literal ("directed" + " " + "by").
                let mut all = Vec::new();
                let mut run = String::new();
                for p in parts {
                    if let HirKind::Literal(lit) = p.kind() {
                        if let Ok(s) = std::str::from_utf8(&lit.0) {
                            run.push_str(s);
                            continue;
                        }
                    }
                    if !run.is_empty() {
                        all.push(self.literal(std::mem::take(&mut run)));
                    }
                    all.push(self.of(p));
                }
                if !run.is_empty() {
                    all.push(self.literal(run));
                }
                Need::All(all)
            }
            HirKind::Alternation(branches) => {
                Need::Any(branches.iter().map(|b| self.of(b)).collect())
            }
            _ => Need::Anything,
        }
    }

    pub fn finish(self) -> Prefilter {
        let automaton = if self.literals.is_empty() {
            None
        } else {
            AhoCorasick::new(&self.literals).ok()
        };
        Prefilter {
            literals: self.literals,
            automaton,
        }
    }
}

/// Drops `Anything` from conjunctions and collapses trivial nodes; an alternation with an
/// unconstrained branch is itself unconstrained.
fn simplify(n: Need) -> Need {
    match n {
        Need::All(v) => {
            let mut out: Vec<Need> = v
                .into_iter()
                .map(simplify)
                .filter(|n| *n != Need::Anything)
                .collect();
            match out.len() {
                0 => Need::Anything,
                1 => out.pop().unwrap_or(Need::Anything),
                _ => Need::All(out),
            }
        }
        Need::Any(v) => {
            let mut out: Vec<Need> = v.into_iter().map(simplify).collect();
            if out.is_empty() || out.contains(&Need::Anything) {
                return Need::Anything;
            }
            if out.len() == 1 {
                return out.pop().unwrap_or(Need::Anything);
            }
            Need::Any(out)
        }
        n => n,
    }
}

impl Prefilter {
    /// Which literals occur in `text` (indexed like the requirements).
    pub fn present(&self, text: &str) -> Vec<bool> {
        let mut present = vec![false; self.literals.len()];
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(text) {
                present[m.pattern().as_usize()] = true;
            }
        }
        present
    }

    pub fn literal_count(&self) -> usize {
        self.literals.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, text: &str) -> bool {
        let mut b = Builder::default();
        let need = b.need(pattern);
        let pf = b.finish();
        need.holds(&pf.present(text))
    }

    #[test]
    fn concatenations_need_every_literal() {
        assert!(check(r"directed\s+by (\w+)", "it was directed  by Ann"));
        assert!(!check(r"directed\s+by (\w+)", "it was made by Ann"));
    }

    #[test]
    fn alternations_need_one_branch() {
        assert!(check(r"(?:premiered|debuted) at", "It debuted at Cannes"));
        assert!(!check(r"(?:premiered|debuted) at", "It screened at Cannes"));
    }

    #[test]
    fn optional_parts_and_classes_need_nothing() {
        assert!(check(r"(?:first )?premiered", "premiered"));
        assert!(check(r"(?:documentary )?[0-9]+", "anything at all"));
        assert!(check(r"[Tt]he (?:film)?", "the end"));
        assert!(check(r"(?i)premiered", "PREMIERED"));
    }

    #[test]
    fn never_skips_a_real_match() {
        let patterns = [
            r"\x{E000}(?:Film|CreativeWork)#\d+\x{E001},? (?:premiered|premieres) (?:at|in) (?:the )?\x{E000}Festival#\d+\x{E001}",
            r"(?:nominated|shortlisted|up) for (?:the )?\x{E000}Award#\d+\x{E001}",
            r"(?:^|[.;] )(?:Director|Dir\.?)(?:,| and|/)? ?(?:screenplay)?: \w+",
        ];
        let texts = [
            "\u{E000}Film#3\u{E001} premiered at the \u{E000}Festival#4\u{E001} in May.",
            "It was up for the \u{E000}Award#1\u{E001}.",
            "Dir: Ann.",
        ];
        for (p, t) in patterns.iter().zip(texts) {
            assert!(regex::Regex::new(p).unwrap().is_match(t), "{p}");
            assert!(check(p, t), "prefilter would skip {p} on {t}");
        }
    }
}
