//! Regexes compiled on first use.
//!
//! The rules' patterns are large Unicode automata: compiling all of them takes seconds (most of
//! the start-up of `kgx extract`, `kgx lookup` or a test that runs the binary), while the
//! prefilter lets only a few of them near any one text. A [`LazyRegex`] checks its source when
//! the rules load (a syntax error is a malformed rule, reported with its file and line) and builds
//! the automaton the first time a text needs it, once for all threads. `kgx check` builds them all
//! ([`LazyRegex::build`]), so a pattern that parses but exceeds the engine's size limit fails
//! there and in the tests, never in the middle of an ingest.

use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// A regex source, checked, and its automaton once built.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    /// The lazy DFA's cache limit per thread (`RegexBuilder::dfa_size_limit`); `None`: the default.
    dfa_size_limit: Option<usize>,
    /// Built once, by the first thread that needs it (the others wait for it).
    compiled: OnceLock<Result<Regex, String>>,
}

impl LazyRegex {
    /// Checks the syntax of `source` (as `regex::Regex::new` reads it) without building it.
    pub fn new(source: String, dfa_size_limit: Option<usize>) -> Result<LazyRegex, String> {
        regex_syntax::ParserBuilder::new()
            .build()
            .parse(&source)
            .map_err(|e| e.to_string())?;
        Ok(LazyRegex {
            source,
            dfa_size_limit,
            compiled: OnceLock::new(),
        })
    }

    /// The source the regex is built from.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Builds the automaton now (once); the engine's error when it cannot be built.
    pub fn build(&self) -> Result<&Regex, String> {
        self.compiled
            .get_or_init(|| {
                let mut b = RegexBuilder::new(&self.source);
                if let Some(limit) = self.dfa_size_limit {
                    b.dfa_size_limit(limit);
                }
                b.build().map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The regex, built on first use. Panics only for a pattern that `kgx check` (and the test
    /// suite, which runs it) reports as too large to build.
    pub fn get(&self) -> &Regex {
        self.build()
            .unwrap_or_else(|e| panic!("pattern `{}` does not build: {e}", self.source))
    }

    /// The cache limit of the lazy DFA (`None`: the regex crate's default).
    pub fn dfa_size_limit(&self) -> Option<usize> {
        self.dfa_size_limit
    }

    /// Whether the regex has been built (for tests and statistics).
    pub fn is_built(&self) -> bool {
        self.compiled.get().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_syntax_at_once_and_builds_on_first_use() {
        assert!(LazyRegex::new("(".into(), None).is_err());
        let r = LazyRegex::new(r"\p{Lu}\p{Ll}+".into(), Some(1 << 20)).unwrap();
        assert!(!r.is_built());
        assert!(r.get().is_match("Almaty"));
        assert!(r.is_built());
        assert_eq!(r.as_str(), r"\p{Lu}\p{Ll}+");
    }

    #[test]
    fn a_pattern_too_large_to_build_is_an_error_from_build() {
        // Parses, but its automaton exceeds the default size limit.
        let r = LazyRegex::new(r"\w{1000}\w{1000}\w{1000}".into(), None).unwrap();
        assert!(r.build().is_err());
    }
}
