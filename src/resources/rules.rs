//! Rules as data (`data/rules/*.toml`).
//!
//! A **pattern rule** is a regular expression over the *typed view* of a sentence, in which every
//! known mention is replaced by a marker of its type. Slots:
//!
//! | slot | matches |
//! |---|---|
//! | `{Person:dir}` `{Film\|Work:f}` | a mention of that type (`Place` takes Country/City/Region, `Work` takes Film, `Country` takes demonyms too) |
//! | `{Film+:fs}` | a list of such mentions: "A, B and C", "A (2019); B, by X; and C" — a fact on the slot holds for each member of the list's type |
//! | `{Demonym:c}` | an adjective or demonym of a country ("Kazakh") |
//! | `{NAME:x}` | a capitalised name of one to four words (or one existing mention) |
//! | `{PNAME:x}` | a person: a Person mention, or one to four capitalised words that are no mention |
//! | `{TITLE:x}` | a title-cased phrase that may contain small words and place names ("Welcome to the USA") |
//! | `{YEAR:y}` | a year, 1800–2099 |
//!
//! A space in a pattern matches any run of white space; `'` matches both `'` and `’`, `"` both
//! straight and curly double quotes. Plain named groups `(?P<g>…)` capture literal values.
//! A rule emits **mentions** (`{ slot, type }`, with `refers = "salient"` for anaphora such as
//! "the film") and/or **facts** (`{ s, p, o }` where s and o are slots, `@salient.Type`,
//! `@focus.Type`, `@last.property` (the object of the latest fact with that property stated
//! before the match) or `@article`; or `o_type` + `o_label` to make a new entity from a template;
//! `unless_label = { slot = "a", words = ["Actress"] }` drops the fact when that slot's entity has
//! one of the words in its name; `if_label` keeps it only then).
//!
//! A pattern rule may carry guards, in the same language: `not_followed_by` vetoes a match that
//! this pattern continues right after its end ("the documentary" is no film before "category"),
//! `not_preceded_by` one that it ends right before its start. A vetoed match is dropped whole (the
//! search goes on after it, as after any match).
//!
//! An **inference rule** (`when` / `then`) derives facts from facts already extracted in the same
//! article: `when = ["?p directed ?f", "?f countryOfOrigin ?c"]`, `then = ["?p nationality ?c"]`.
//! Besides ontology properties, atoms may use `type` (`?x type City`), `gazLocatedIn` (the
//! gazetteer's containing place), `gazPresentedBy`, `isFocus` (`?c isFocus Country`: the most
//! mentioned entity of that type), `inTitle` (`?x inTitle true`), `labelHas` (`?a labelHas
//! Best_Director`: the entity's name or an alias holds these words, `_` for a space),
//! `nameHasCountry` (`?o nameHasCountry ?c`: a country of the article is named, or its demonym
//! used, inside the entity's name: "the Union of Artists of Armenia", "the Russian Academy of
//! Cinema Arts") and `pubYear` (`@article pubYear ?y`: the year of the article's date). A `when` atom written
//! `not ?x directed ?f` keeps a binding only when no fact matches it (negation as failure over
//! the facts derived so far; its variables that are still unbound match anything).
//!
//! Every rule has an `id`, a `confidence` in (0, 1] and `[[rule.example]]`s (a text and the
//! facts/mentions it must give, or must not give) that `cargo test` runs.

use crate::error::{Error, Result};
use crate::model::EntityType;
use crate::resources::lazy::LazyRegex;
use crate::resources::ontology::{Ontology, PropertyKind};
use crate::resources::prefilter::{self, Need, Prefilter};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Start and end of a mention marker in the typed view.
pub const MARK_OPEN: char = '\u{E000}';
pub const MARK_CLOSE: char = '\u{E001}';
/// A marker's type name for demonyms.
pub const DEMONYM: &str = "Demonym";

const MARK_ANY: &str = r"\x{E000}[A-Za-z]+#\d+\x{E001}";
const CAP_WORD: &str = r"\p{Lu}[\p{Ll}\p{Lu}\p{M}]*(?:-\p{L}+|'\p{Lu}[\p{L}]*)*";
const TITLE_WORD: &str =
    r"(?:(?:Mr|Mrs|Ms|Dr|St)\.|(?:\p{Lu}|\d)[\p{L}\p{M}\d]*(?:[-'][\p{L}\d]+)*)";
/// A later word of a title: like `TITLE_WORD`, but not a bare number ("Shoplifters in 2018").
const TITLE_NEXT: &str = r"(?:(?:Mr|Mrs|Ms|Dr|St)\.|\p{Lu}[\p{L}\p{M}\d]*(?:[-'][\p{L}\d]+)*)";
/// Small words inside a title (articles, prepositions: "Sirens over Kharkiv"). Not "and": lists
/// ("A and B") are far more common than titles with it.
const SMALL: &str = r"(?:of|the|to|in|a|an|for|on|at|with|from|over|under|after|before|without|between|through|beyond|against|across|behind|into|upon|near|above|below|among|is|my|your|our|his|her|no|not|as|or|de|la|le|du|des|der|die|das|per|vs|versus|y|et|und)";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: toml::Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    not_followed_by: Option<String>,
    #[serde(default)]
    not_preceded_by: Option<String>,
    #[serde(default)]
    when: Vec<String>,
    #[serde(default)]
    then: Vec<String>,
    confidence: f64,
    #[serde(default)]
    mentions: Vec<MentionSpec>,
    #[serde(default)]
    facts: Vec<RawFact>,
    #[serde(default)]
    example: Vec<Example>,
}

/// A mention a pattern rule emits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionSpec {
    pub slot: String,
    #[serde(rename = "type")]
    pub ty: String,
    /// `salient`: the mention is an anaphor referring to the nearest preceding entity of its type.
    #[serde(default)]
    pub refers: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    s: String,
    p: String,
    #[serde(default)]
    o: Option<String>,
    #[serde(default)]
    o_type: Option<String>,
    #[serde(default)]
    o_label: Option<String>,
    #[serde(default)]
    if_label: Option<RawLabelTest>,
    #[serde(default)]
    unless_label: Option<RawLabelTest>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabelTest {
    slot: String,
    words: Vec<String>,
}

/// `if_label` / `unless_label = { slot = "a|a2", words = [...] }` on a fact: whether the entity
/// in one of the slots has one of the words (folded, whole words) in its name or an alias.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelTest {
    /// The typed slots whose entity is tested (any of them may hold the word).
    pub slots: Vec<String>,
    /// The words, folded and padded with a space each side (" best director ").
    pub words: Vec<String>,
    /// `if_label` (the fact needs a word) or `unless_label` (a word vetoes it).
    pub wanted: bool,
}

impl LabelTest {
    fn new(raw: &RawLabelTest, wanted: bool) -> LabelTest {
        LabelTest {
            slots: raw.slot.split('|').map(str::to_string).collect(),
            words: raw
                .words
                .iter()
                .map(|w| format!(" {} ", crate::resources::gazetteer::fold(w)))
                .collect(),
            wanted,
        }
    }

    /// Whether one of `labels` (an entity's name and aliases) holds one of the words.
    pub fn found_in<'a>(&self, mut labels: impl Iterator<Item = &'a String>) -> bool {
        labels.any(|l| {
            let l = format!(" {} ", crate::resources::gazetteer::fold(l));
            self.words.iter().any(|w| l.contains(w.as_str()))
        })
    }
}

/// A rule example: a text, and what extraction of it must (and must not) give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// An optional headline, for rules that read titles.
    #[serde(default)]
    pub title: Option<String>,
    /// An optional publication date (ISO), for rules that read it.
    #[serde(default)]
    pub date: Option<String>,
    pub text: String,
    /// `Subject | property | Object` lines that must be extracted.
    #[serde(default)]
    pub facts: Vec<String>,
    /// `Type: Name` lines that must be found as entities.
    #[serde(default)]
    pub entities: Vec<String>,
    /// Facts that must not be extracted (negative examples).
    #[serde(default)]
    pub absent: Vec<String>,
}

/// A reference to a fact's subject or object in a pattern rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    /// A named group of the pattern.
    Slot(String),
    /// The nearest preceding entity of this type (or the most mentioned one).
    Salient(EntityType),
    /// The most mentioned entity of this type in the article.
    Focus(EntityType),
    /// The object of the latest fact with this property stated before the match ("The other
    /// nominees in the category are A, B and C": the award of the last `nominatedFor`).
    Last(String),
    Article,
    /// A new entity of this type, labelled from a template with `{slot}` holes.
    New(EntityType, String),
}

#[derive(Debug, Clone)]
pub struct FactSpec {
    pub s: Ref,
    pub p: String,
    pub o: Ref,
    /// `unless_label = { slot, words }`: the fact is not stated when the entity in that slot (or
    /// in any of `a|a2`) has one of these words in its name or an alias ("AWARD went to X for
    /// F" says X directed F, unless the award is for an actress or a screenplay); `if_label`: only
    /// when it has one (the same sentence says X acted in F if the award is for an actress).
    pub label_tests: Vec<LabelTest>,
}

/// One atom `s p o` of an inference rule; terms starting with `?` are variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    pub s: String,
    pub p: String,
    pub o: String,
    /// `not ?s p ?o`: the binding survives only when no fact matches (negation as failure).
    pub negated: bool,
}

#[derive(Debug, Clone)]
pub enum RuleKind {
    Pattern {
        /// Built on first use (the prefilter keeps most patterns away from most texts).
        regex: LazyRegex,
        mentions: Vec<MentionSpec>,
        facts: Vec<FactSpec>,
        /// Slots that capture literal text (plain named groups and `{YEAR}`).
        literal_slots: HashSet<String>,
        /// List slots (`{Film+:fs}`) with the marker types their members may have.
        list_slots: HashMap<String, Vec<String>>,
        /// The pattern needs the typed view: a `{PNAME}` slot ("no known mention") or a `{TITLE}` slot
        /// (over plain text a title would swallow a known name: "Farrukh Nazarov’s Pamir Lullaby").
        typed_only: bool,
    },
    Inference {
        when: Vec<Atom>,
        then: Vec<Atom>,
    },
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub description: Option<String>,
    pub confidence: f64,
    pub kind: RuleKind,
    pub examples: Vec<Example>,
    pub file: PathBuf,
    pub line: usize,
    /// The literals any match needs (see `prefilter`); `Anything` for inference rules.
    pub need: Need,
    /// Context that vetoes a match (`not_followed_by`, `not_preceded_by`).
    pub guard: Guard,
}

/// What must not stand right after or right before a pattern's match, in the same view: the
/// look-around the regex engine lacks ("the documentary" is a film unless "category" follows).
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Anchored at the end of the match (`^(?:…)`).
    pub after: Option<LazyRegex>,
    /// Anchored at the start of the match (`(?:…)$`).
    pub before: Option<LazyRegex>,
}

impl Guard {
    /// Whether the context of the match `[start, end)` of `text` vetoes it.
    pub fn rejects(&self, text: &str, start: usize, end: usize) -> bool {
        self.after
            .as_ref()
            .is_some_and(|r| r.get().is_match(&text[end..]))
            || self
                .before
                .as_ref()
                .is_some_and(|r| r.get().is_match(&text[..start]))
    }

    /// Whether the context of the match `m` of `text` vetoes it.
    pub fn rejects_match(&self, text: &str, m: &regex::Match<'_>) -> bool {
        self.rejects(text, m.start(), m.end())
    }
}

impl Rule {
    /// Whether the pattern can match a text in which `present` literals occur.
    pub fn may_match(&self, present: &[bool]) -> bool {
        self.need.holds(present)
    }
    /// Emits mentions that are not anaphora (the entity stage).
    pub fn finds_names(&self) -> bool {
        matches!(&self.kind, RuleKind::Pattern { mentions, .. } if mentions.iter().any(|m| m.refers.is_none()))
    }
    /// Emits anaphora (the coreference stage).
    pub fn finds_anaphora(&self) -> bool {
        matches!(&self.kind, RuleKind::Pattern { mentions, .. } if mentions.iter().any(|m| m.refers.is_some()))
    }
    pub fn emits_facts(&self) -> bool {
        matches!(&self.kind, RuleKind::Pattern { facts, .. } if !facts.is_empty())
    }
}

/// All rules, in file order then rule order.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Finds the literals the rules need in a text (`Rule::may_match`).
    pub prefilter: Prefilter,
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

impl RuleSet {
    /// Loads every `*.toml` file of `dir`, checking terms against the ontology.
    pub fn load(dir: &Path, ontology: &Ontology) -> Result<RuleSet> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut set = RuleSet::default();
        let mut ids = std::collections::HashMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            for rule in parse_file(&file, &text, ontology)? {
                if let Some(prev) = ids.insert(
                    rule.id.clone(),
                    format!("{}:{}", rule.file.display(), rule.line),
                ) {
                    return Err(Error::Rule {
                        path: rule.file.clone(),
                        line: rule.line,
                        rule: rule.id.clone(),
                        message: format!("duplicate rule id (first defined at {prev})"),
                    });
                }
                set.rules.push(rule);
            }
        }
        let mut literals = prefilter::Builder::default();
        for rule in &mut set.rules {
            if let RuleKind::Pattern { regex, .. } = &rule.kind {
                rule.need = literals.need(regex.as_str());
            }
        }
        set.prefilter = literals.finish();
        Ok(set)
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Builds every pattern and guard now (they are built on first use otherwise): the problems,
    /// one per rule that cannot be built, with its file and line (`kgx check`).
    pub fn build_all(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for rule in &self.rules {
            let RuleKind::Pattern { regex, .. } = &rule.kind else {
                continue;
            };
            let guards = [&rule.guard.after, &rule.guard.before];
            for r in std::iter::once(regex).chain(guards.into_iter().flatten()) {
                if let Err(e) = r.build() {
                    problems.push(format!(
                        "{}:{}: rule {}: pattern does not build: {e}",
                        rule.file.display(),
                        rule.line,
                        rule.id
                    ));
                }
            }
        }
        problems
    }
}

/// Parses and checks one rule file.
pub fn parse_file(path: &Path, text: &str, ontology: &Ontology) -> Result<Vec<Rule>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| line_of(text, s.start));
        Error::Resource {
            path: path.to_path_buf(),
            line,
            message: e.message().trim().to_string(),
        }
    })?;
    let mut out = Vec::new();
    for r in raw.rule {
        let line = line_of(text, r.id.span().start);
        let id = r.id.get_ref().clone();
        let err = |message: String| Error::Rule {
            path: path.to_path_buf(),
            line,
            rule: id.clone(),
            message,
        };
        if id.trim().is_empty() || id.contains(char::is_whitespace) {
            return Err(err("a rule id must be a non-empty word".into()));
        }
        if !(r.confidence > 0.0 && r.confidence <= 1.0) {
            return Err(err(format!("confidence {} is not in (0, 1]", r.confidence)));
        }
        let kind = match (&r.pattern, r.when.is_empty()) {
            (Some(p), true) => compile_pattern(p, &r.mentions, &r.facts, ontology).map_err(err)?,
            (None, false) => {
                if !r.mentions.is_empty() || !r.facts.is_empty() {
                    return Err(err(
                        "an inference rule has `when`/`then`, not mentions or facts".into(),
                    ));
                }
                compile_inference(&r.when, &r.then, ontology).map_err(err)?
            }
            (Some(_), false) => {
                return Err(err("a rule has either `pattern` or `when`, not both".into()))
            }
            (None, true) => return Err(err("a rule needs a `pattern` or a `when`".into())),
        };
        let guard = Guard {
            after: compile_guard(r.not_followed_by.as_deref(), true, ontology).map_err(err)?,
            before: compile_guard(r.not_preceded_by.as_deref(), false, ontology).map_err(err)?,
        };
        if (guard.after.is_some() || guard.before.is_some()) && r.pattern.is_none() {
            return Err(err(
                "`not_followed_by` / `not_preceded_by` guard a pattern rule".into(),
            ));
        }
        if r.example.is_empty() {
            return Err(err("a rule needs at least one [[rule.example]]".into()));
        }
        for ex in &r.example {
            if ex.facts.is_empty() && ex.entities.is_empty() && ex.absent.is_empty() {
                return Err(err(
                    "an example must list facts, entities or absent facts".into()
                ));
            }
            for f in ex.facts.iter().chain(ex.absent.iter()) {
                if f.split('|').count() != 3 {
                    return Err(err(format!(
                        "example fact `{f}` is not `Subject | property | Object`"
                    )));
                }
            }
            for e in &ex.entities {
                let Some((ty, _)) = e.split_once(':') else {
                    return Err(err(format!("example entity `{e}` is not `Type: Name`")));
                };
                EntityType::parse(ty.trim())
                    .ok_or_else(|| err(format!("example entity `{e}`: unknown type")))?;
            }
        }
        out.push(Rule {
            id,
            description: r.description,
            confidence: r.confidence,
            kind,
            examples: r.example,
            file: path.to_path_buf(),
            line,
            need: Need::Anything,
            guard,
        });
    }
    Ok(out)
}

fn parse_type(name: &str, ontology: &Ontology) -> Result<EntityType, String> {
    let t = EntityType::parse(name).ok_or_else(|| format!("unknown entity type `{name}`"))?;
    if !ontology.classes.contains(t.as_str()) {
        return Err(format!("type `{name}` is not a class of the ontology"));
    }
    Ok(t)
}

/// The marker-type alternatives a typed slot accepts.
fn slot_types(spec: &str, ontology: &Ontology) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for name in spec.split('|') {
        let name = name.trim();
        if name == DEMONYM {
            out.push(DEMONYM.to_string());
            continue;
        }
        let t = parse_type(name, ontology)?;
        for c in EntityType::ALL {
            if t.accepts(c) {
                out.push(c.as_str().to_string());
            }
        }
        if t == EntityType::Country {
            out.push(DEMONYM.to_string());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Translates the pattern language to a regex over the typed view.
fn translate(
    pattern: &str,
    ontology: &Ontology,
    literal_slots: &mut HashSet<String>,
    list_slots: &mut HashMap<String, Vec<String>>,
) -> Result<(String, Vec<String>), String> {
    let mut out = String::new();
    let mut slots = Vec::new();
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    let mut unnamed = 0;
    while let Some(c) = chars.next() {
        match c {
            // Word boundaries are ASCII ones: a Unicode `\b` makes regex's lazy DFA give up on
            // any non-ASCII text (every typed view has marker characters), leaving the slow
            // engines. Both agree except next to a non-ASCII letter.
            '\\' if !in_class && matches!(chars.peek(), Some('b' | 'B')) => {
                let n = chars.next().unwrap_or('b');
                out.push_str(&format!("(?-u:\\{n})"));
            }
            '\\' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' if !in_class && chars.peek().is_some_and(|c| c.is_ascii_alphabetic()) => {
                let mut body = String::new();
                for n in chars.by_ref() {
                    if n == '}' {
                        break;
                    }
                    body.push(n);
                }
                let (kind, name) = match body.split_once(':') {
                    Some((k, n)) => (k.trim().to_string(), n.trim().to_string()),
                    None => {
                        unnamed += 1;
                        (body.trim().to_string(), format!("_slot{unnamed}"))
                    }
                };
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
                    return Err(format!("slot name `{name}` must be letters, digits or _"));
                }
                let inner = match kind.as_str() {
                    "NAME" => {
                        format!(r"(?:{MARK_ANY}|{CAP_WORD})(?: (?:{MARK_ANY}|{CAP_WORD})){{0,3}}")
                    }
                    "PNAME" => {
                        format!(
                            r"(?:\x{{E000}}Person#\d+\x{{E001}}|{CAP_WORD}(?: (?:(?:von|van|de|da|di|del|der|den|du|la|le|ter|zu) )?{CAP_WORD}){{0,3}})"
                        )
                    }
                    "TITLE" => {
                        let place = r"\x{E000}(?:Country|City|Region|Place)#\d+\x{E001}";
                        format!(
                            r"(?:{MARK_ANY}|{TITLE_WORD})(?:(?: {SMALL})* (?:{TITLE_NEXT}|{place})){{0,12}}"
                        )
                    }
                    "YEAR" => {
                        literal_slots.insert(name.clone());
                        r"(?-u:\b)(?:1[89]\d\d|20\d\d)(?-u:\b)".to_string()
                    }
                    types if types.ends_with('+') => {
                        let alts = slot_types(types.trim_end_matches('+'), ontology)?;
                        let inner = list_pattern(&alts);
                        list_slots.insert(name.clone(), alts);
                        inner
                    }
                    types => {
                        let alts = slot_types(types, ontology)?;
                        format!(r"\x{{E000}}(?:{})#\d+\x{{E001}}", alts.join("|"))
                    }
                };
                out.push_str(&format!("(?P<{name}>{inner})"));
                slots.push(name);
            }
            ' ' if !in_class => {
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                out.push_str(r"\s+");
            }
            '\'' | '’' if !in_class => out.push('\''),
            '"' | '“' | '”' if !in_class => out.push('"'),
            '(' if !in_class && pattern_group_name(&mut chars.clone()).is_some() => {
                out.push(c);
                let name = pattern_group_name(&mut chars).unwrap_or_default();
                literal_slots.insert(name.clone());
                slots.push(name.clone());
                out.push_str(&format!("?P<{name}>"));
            }
            _ => out.push(c),
        }
    }
    Ok((narrow_unicode(&out), slots))
}

/// The scripts a name of the region's press is written in: Latin (with its extensions), Greek,
/// Cyrillic (with its supplement and extensions), Armenian and Georgian, and their combining marks.
const SCRIPTS: &str = r"\x00-\x{58F}\x{10A0}-\x{10FF}\x{1C80}-\x{1CBF}\x{1E00}-\x{1FFF}\x{2C60}-\x{2C7F}\x{2DE0}-\x{2DFF}\x{A640}-\x{A69F}\x{A720}-\x{A7FF}";

/// Narrows the letter classes of a translated pattern to the scripts of `SCRIPTS` (`\p{Lu}` →
/// `[\p{Lu}&&[…]]`, also `\p{Ll}`, `\p{L}`, `\p{M}`) and `\d` to ASCII digits. A class over all of
/// Unicode compiles to an automaton four times the size (upper and lower case alternate over
/// hundreds of ranges, in scripts no article of this press capitalises a name in), and every
/// `{NAME}`, `{TITLE}` or capitalised word of a pattern holds several: narrowed, the rules take a
/// third of the memory and build in half the time, and match the same names (a negated class such
/// as `[^\p{L}]` now also takes letters of other scripts, which no article here contains).
fn narrow_unicode(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 2);
    let mut rest = src;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..];
        let class = [r"\p{Lu}", r"\p{Ll}", r"\p{L}", r"\p{M}"]
            .into_iter()
            .find(|c| esc.starts_with(c));
        if let Some(c) = class {
            out.push_str(&format!("[{c}&&[{SCRIPTS}]]"));
            rest = &esc[c.len()..];
        } else if esc[1..].starts_with('d') {
            out.push_str("[0-9]");
            rest = &esc[2..];
        } else {
            // Any other escape, `\\` included, stays as it is (with the character it escapes).
            let n = esc[1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&esc[..1 + n]);
            rest = &esc[1 + n..];
        }
    }
    out.push_str(rest);
    out
}

/// A guard's regex, in the pattern language (slots match markers; their names are not used),
/// anchored at the match: `after` guards the text right after it, else the text right before.
fn compile_guard(
    src: Option<&str>,
    after: bool,
    ontology: &Ontology,
) -> Result<Option<LazyRegex>, String> {
    let Some(src) = src else {
        return Ok(None);
    };
    let (inner, _) = translate(src, ontology, &mut HashSet::new(), &mut HashMap::new())?;
    let anchored = if after {
        format!("^(?:{inner})")
    } else {
        format!("(?:{inner})$")
    };
    let which = if after {
        "not_followed_by"
    } else {
        "not_preceded_by"
    };
    LazyRegex::new(anchored, None)
        .map(Some)
        .map_err(|e| format!("{which} does not compile: {e}"))
}

/// The regex of a list slot: markers of `alts` joined by commas, semicolons, "and" or "&", each
/// maybe followed by a bracket ("(2019)", "(Kazakhstan)") and, when the list is not of persons, by
/// its maker ("A, by X; B, by the Kazakh director Y and Z; and C").
fn list_pattern(alts: &[String]) -> String {
    let person = r"\x{E000}Person#\d+\x{E001}";
    let by = if alts.iter().any(|a| a == "Person") {
        String::new()
    } else {
        format!(
            r"(?:,?\s+by\s+(?:(?:the\s+)?(?:\x{{E000}}Demonym#\d+\x{{E001}}\s+)?[\p{{Ll}}-]+\s+)?{person}(?:\s+and\s+{person})?)?"
        )
    };
    // Before a member that is not a person: its maker's possessive or a description ("Ewa
    // Gralak's "The Blue Hour"", "the Tajik drama The Orchard Keeper", "Kamiński's essay film
    // Kopalnia"); around it, quotes or emphasis marks.
    let pre = if by.is_empty() {
        String::new()
    } else {
        format!(
            r#"(?:{person}['’]s?\s+(?:[\p{{Ll}}-]+\s+){{0,2}}|(?:the\s+|an?\s+)?\x{{E000}}Demonym#\d+\x{{E001}}\s+(?:[\p{{Ll}}-]+\s+){{1,2}}|the\s+(?:[\p{{Ll}}-]+\s+){{1,2}})?["“*_]?"#
        )
    };
    let post = if by.is_empty() { "" } else { r#"["”*_]?"# };
    let item = format!(
        r"{pre}\x{{E000}}(?:{})#\d+\x{{E001}}{post}(?:\s+\([^()]*\))?{by}",
        alts.join("|")
    );
    format!(r"{item}(?:(?:\s*[,;]\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+){item})*")
}

/// The mention indexes of the markers in `captured` whose type is one of `types` (the members of
/// a list slot, leaving out the makers and brackets between them).
pub fn list_members<'a>(
    captured: &'a str,
    types: &'a [String],
) -> impl Iterator<Item = usize> + 'a {
    captured.split(MARK_OPEN).skip(1).filter_map(move |part| {
        let body = &part[..part.find(MARK_CLOSE)?];
        let (ty, idx) = body.split_once('#')?;
        types.iter().any(|t| t == ty).then(|| idx.parse().ok())?
    })
}

/// Reads `?P<name>` or `?<name>` after an opening parenthesis, consuming it.
fn pattern_group_name(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    let rest: String = chars.clone().take(40).collect();
    let body = rest
        .strip_prefix("?P<")
        .or_else(|| rest.strip_prefix("?<"))?;
    if body.starts_with('=') || body.starts_with('!') {
        return None;
    }
    let end = body.find('>')?;
    let name = body[..end].to_string();
    let consumed = rest.len() - body.len() + end + 1;
    for _ in 0..rest[..consumed].chars().count() {
        chars.next();
    }
    Some(name)
}

fn parse_ref(s: &str, slots: &[String], ontology: &Ontology) -> Result<Ref, String> {
    if s == "@article" {
        return Ok(Ref::Article);
    }
    if let Some(t) = s.strip_prefix("@salient.") {
        return Ok(Ref::Salient(parse_type(t, ontology)?));
    }
    if let Some(t) = s.strip_prefix("@focus.") {
        return Ok(Ref::Focus(parse_type(t, ontology)?));
    }
    if let Some(p) = s.strip_prefix("@last.") {
        return match ontology.property(p) {
            Some(prop) if prop.kind == PropertyKind::Object => Ok(Ref::Last(p.to_string())),
            _ => Err(format!(
                "`@last.{p}` needs an object property of the ontology"
            )),
        };
    }
    if slots.iter().any(|x| x == s) {
        return Ok(Ref::Slot(s.to_string()));
    }
    Err(format!(
        "`{s}` is not a slot of the pattern (slots: {})",
        slots.join(", ")
    ))
}

fn compile_pattern(
    pattern: &str,
    mentions: &[MentionSpec],
    facts: &[RawFact],
    ontology: &Ontology,
) -> Result<RuleKind, String> {
    let mut literal_slots = HashSet::new();
    let mut list_slots = HashMap::new();
    let (source, slots) = translate(pattern, ontology, &mut literal_slots, &mut list_slots)?;
    // The typed view's patterns are large Unicode automata: a lazy-DFA cache well above the
    // default (2 MB) keeps them from being rebuilt again and again over a corpus.
    let regex = LazyRegex::new(source, Some(32 << 20))
        .map_err(|e| format!("pattern does not compile: {e}"))?;
    if mentions.is_empty() && facts.is_empty() {
        return Err("a pattern rule must emit mentions or facts".into());
    }
    for m in mentions {
        if !slots.contains(&m.slot) {
            return Err(format!("mention slot `{}` is not in the pattern", m.slot));
        }
        parse_type(&m.ty, ontology)?;
        if list_slots.contains_key(&m.slot) {
            return Err(format!(
                "mention slot `{}` is a list slot: its members are mentions already",
                m.slot
            ));
        }
        if let Some(r) = &m.refers {
            if r != "salient" {
                return Err(format!("refers = `{r}`: only `salient` is known"));
            }
        }
    }
    let mut specs = Vec::new();
    for f in facts {
        let prop = ontology
            .property(&f.p)
            .ok_or_else(|| format!("property `{}` is not in the ontology", f.p))?;
        let s = parse_ref(&f.s, &slots, ontology)?;
        let o = match (&f.o, &f.o_type, &f.o_label) {
            (Some(o), None, None) => parse_ref(o, &slots, ontology)?,
            (None, Some(t), Some(l)) => {
                let ty = parse_type(t, ontology)?;
                let mut rest = l.as_str();
                while let Some(i) = rest.find('{') {
                    let end = rest[i..].find('}').ok_or("unclosed { in o_label")? + i;
                    let hole = &rest[i + 1..end];
                    parse_ref(hole, &slots, ontology)?;
                    rest = &rest[end + 1..];
                }
                Ref::New(ty, l.clone())
            }
            _ => {
                return Err(format!(
                    "fact `{} {}`: give `o`, or `o_type` and `o_label`",
                    f.s, f.p
                ))
            }
        };
        let o_literal = matches!(&o, Ref::Slot(s) if literal_slots.contains(s));
        match prop.kind {
            PropertyKind::Datatype if !o_literal => {
                return Err(format!(
                    "`{}` takes a literal: its object must be a plain group or {{YEAR}}",
                    f.p
                ))
            }
            PropertyKind::Object if o_literal => {
                return Err(format!(
                    "`{}` links entities: its object must be a typed slot",
                    f.p
                ))
            }
            _ => {}
        }
        let mut label_tests = Vec::new();
        for (raw, wanted, key) in [
            (&f.if_label, true, "if_label"),
            (&f.unless_label, false, "unless_label"),
        ] {
            let Some(raw) = raw else { continue };
            let test = LabelTest::new(raw, wanted);
            for slot in &test.slots {
                if !slots.iter().any(|s| s == slot) || literal_slots.contains(slot) {
                    return Err(format!(
                        "{key}: `{slot}` is not a typed slot of the pattern"
                    ));
                }
            }
            if test.words.is_empty() {
                return Err(format!("{key}: `words` is empty"));
            }
            label_tests.push(test);
        }
        specs.push(FactSpec {
            s,
            p: f.p.clone(),
            o,
            label_tests,
        });
    }
    Ok(RuleKind::Pattern {
        regex,
        mentions: mentions.to_vec(),
        facts: specs,
        literal_slots,
        list_slots,
        typed_only: pattern.contains("{PNAME") || pattern.contains("{TITLE"),
    })
}

/// Pseudo-properties an inference atom may use besides the ontology's.
pub const PSEUDO: [&str; 8] = [
    "type",
    "labelHas",
    "gazLocatedIn",
    "gazPresentedBy",
    "isFocus",
    "inTitle",
    "pubYear",
    "nameHasCountry",
];

fn parse_atom(s: &str, ontology: &Ontology) -> Result<Atom, String> {
    let mut parts: Vec<&str> = s.split_whitespace().collect();
    let negated = parts.first() == Some(&"not");
    if negated {
        parts.remove(0);
    }
    if parts.len() != 3 {
        return Err(format!(
            "atom `{s}` is not `subject property object` (or `not subject property object`)"
        ));
    }
    let p = parts[1];
    if ontology.property(p).is_none() && !PSEUDO.contains(&p) {
        return Err(format!(
            "atom `{s}`: `{p}` is not an ontology property or one of {}",
            PSEUDO.join(", ")
        ));
    }
    if p == "labelHas" && parts[2].starts_with('?') {
        return Err(format!(
            "atom `{s}`: `labelHas` takes words, not a variable"
        ));
    }
    if (p == "type" || p == "isFocus") && !parts[2].starts_with('?') {
        parse_type(parts[2], ontology)?;
    }
    Ok(Atom {
        s: parts[0].to_string(),
        p: p.to_string(),
        o: parts[2].to_string(),
        negated,
    })
}

fn compile_inference(
    when: &[String],
    then: &[String],
    ontology: &Ontology,
) -> Result<RuleKind, String> {
    if then.is_empty() {
        return Err("an inference rule needs `then`".into());
    }
    let when: Vec<Atom> = when
        .iter()
        .map(|a| parse_atom(a, ontology))
        .collect::<Result<_, _>>()?;
    let then: Vec<Atom> = then
        .iter()
        .map(|a| parse_atom(a, ontology))
        .collect::<Result<_, _>>()?;
    if when.first().is_some_and(|a| a.negated) {
        return Err("the first `when` atom cannot be negated".into());
    }
    if let Some(a) = then.iter().find(|a| a.negated) {
        return Err(format!(
            "`then` atom `not {} {} {}`: only `when` atoms can be negated",
            a.s, a.p, a.o
        ));
    }
    let bound: HashSet<&str> = when
        .iter()
        .filter(|a| !a.negated)
        .flat_map(|a| [a.s.as_str(), a.o.as_str()])
        .filter(|t| t.starts_with('?'))
        .collect();
    for a in &then {
        if PSEUDO.contains(&a.p.as_str()) {
            return Err(format!(
                "`then` cannot assert the pseudo-property `{}`",
                a.p
            ));
        }
        for t in [&a.s, &a.o] {
            if t.starts_with('?') && !bound.contains(t.as_str()) {
                return Err(format!("variable `{t}` in `then` is not bound by `when`"));
            }
            if !t.starts_with('?') && t != "@article" {
                return Err(format!("`then` term `{t}` must be a variable or @article"));
            }
        }
    }
    Ok(RuleKind::Inference { when, then })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ontology() -> Ontology {
        Ontology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ontologies/kgx.ttl")).unwrap()
    }

    #[test]
    fn malformed_rules_name_file_line_and_id() {
        let o = ontology();
        let p = Path::new("bad.toml");
        let text = "[[rule]]\nid = \"ok.one\"\npattern = \"{Person:a} directed {Film:b}\"\nconfidence = 0.5\nfacts = [{ s = \"a\", p = \"directed\", o = \"b\" }]\n[[rule.example]]\ntext = \"x\"\nfacts = [\"a | directed | b\"]\n\n[[rule]]\nid = \"bad.prop\"\npattern = \"{Person:a} x {Film:b}\"\nconfidence = 0.5\nfacts = [{ s = \"a\", p = \"direkted\", o = \"b\" }]\n[[rule.example]]\ntext = \"x\"\nfacts = [\"a | directed | b\"]\n";
        let e = parse_file(p, text, &o).unwrap_err().to_string();
        assert_eq!(
            e,
            "bad.toml:11: rule `bad.prop`: property `direkted` is not in the ontology"
        );
        let e = parse_file(p, "[[rule]]\nid = \"x\"\nconfidence = \"high\"\n", &o)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("bad.toml:3: "), "{e}");
        let bad_regex = "[[rule]]\nid = \"r\"\npattern = \"{Person:a} (\"\nconfidence = 0.5\nmentions = [{ slot = \"a\", type = \"Person\" }]\n[[rule.example]]\ntext = \"x\"\nentities = [\"Person: x\"]\n";
        let e = parse_file(p, bad_regex, &o).unwrap_err().to_string();
        assert!(
            e.starts_with("bad.toml:2: rule `r`: pattern does not compile"),
            "{e}"
        );
    }

    #[test]
    fn slots_translate_to_marker_groups() {
        let o = ontology();
        let mut lits = HashSet::new();
        let mut lists = HashMap::new();
        let (re, slots) = translate(
            "{Person:p}'s film (?P<g>drama) in {YEAR:y}",
            &o,
            &mut lits,
            &mut lists,
        )
        .unwrap();
        assert!(lists.is_empty());
        assert_eq!(slots, ["p", "g", "y"]);
        assert!(lits.contains("g") && lits.contains("y"));
        let re = regex::Regex::new(&re).unwrap();
        let view = "\u{E000}Person#0\u{E001}'s film drama in 2019";
        let c = re.captures(view).unwrap();
        assert_eq!(&c["g"], "drama");
        assert_eq!(&c["y"], "2019");
    }

    #[test]
    fn list_slots_take_every_member_of_their_type() {
        let o = ontology();
        let mut lits = HashSet::new();
        let mut lists = HashMap::new();
        let (re, _) = translate("films: {Film+:fs}\\.", &o, &mut lits, &mut lists).unwrap();
        let types = &lists["fs"];
        let re = regex::Regex::new(&re).unwrap();
        let f = |i: usize| format!("\u{E000}Film#{i}\u{E001}");
        let p = |i: usize| format!("\u{E000}Person#{i}\u{E001}");
        let view = format!(
            "films: {} (2019), by {}; {}, by the {} director {}; and {} & {}.",
            f(0),
            p(1),
            f(2),
            "\u{E000}Demonym#3\u{E001}",
            p(4),
            f(5),
            f(6)
        );
        let c = re.captures(&view).unwrap();
        let members: Vec<usize> = list_members(&c["fs"], types).collect();
        assert_eq!(members, [0, 2, 5, 6]);
        // A list ends where its shape ends: no member after a plain word.
        let view = format!("films: {} and friends {}.", f(0), f(1));
        assert!(re.captures(&view).is_none());
        // Members after their maker's possessive or a description, in quotes.
        let view = format!(
            "films: {}'s \"{}\", {}'s essay film {} and the {} drama {}.",
            p(0),
            f(1),
            p(2),
            f(3),
            "\u{E000}Demonym#4\u{E001}",
            f(5)
        );
        let c = re.captures(&view).unwrap();
        let members: Vec<usize> = list_members(&c["fs"], types).collect();
        assert_eq!(members, [1, 3, 5]);
    }

    #[test]
    fn guards_veto_matches_by_their_context() {
        let o = ontology();
        let text = "[[rule]]\nid = \"g\"\npattern = \"[Tt]he (?P<m>documentary)\"\nnot_followed_by = \" (?:category|strand)\\\\b|[\\\\p{L}]\"\nnot_preceded_by = \"\\\\bin \"\nconfidence = 0.5\nmentions = [{ slot = \"m\", type = \"Film\", refers = \"salient\" }]\n[[rule.example]]\ntext = \"x\"\nentities = [\"Film: x\"]\n";
        let rules = parse_file(Path::new("g.toml"), text, &o).unwrap();
        let g = &rules[0].guard;
        let at = |t: &str| {
            let i = t.find("the documentary").unwrap();
            g.rejects(t, i, i + "the documentary".len())
        };
        assert!(!at("Then the documentary won."));
        assert!(at("Then the documentary category closed."));
        assert!(at("Then the documentaryish thing."));
        assert!(at("Shown in the documentary."));
        let bad = text.replace("(?:category|strand)", "(?:category");
        let e = parse_file(Path::new("g.toml"), &bad, &o)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not_followed_by does not compile"), "{e}");
    }

    #[test]
    fn letter_classes_are_narrowed_to_the_region_s_scripts() {
        let n = narrow_unicode(r"\p{Lu}[\p{Ll}\p{M}]*\d{4} \\d \pL \p{Greek} \x{E000}");
        assert_eq!(
            n,
            format!(
                r"[\p{{Lu}}&&[{SCRIPTS}]][[\p{{Ll}}&&[{SCRIPTS}]][\p{{M}}&&[{SCRIPTS}]]]*[0-9]{{4}} \\d \pL \p{{Greek}} \x{{E000}}"
            )
        );
        let word = regex::Regex::new(&narrow_unicode(r"^\p{Lu}[\p{Ll}\p{M}]*$")).unwrap();
        for name in [
            "Ǵorǵi",
            "Ölmez",
            "Ілля",
            "Աշոտ",
            "Şəki",
            "Nguyễn",
            "Ἀθῆναι",
            "Ⴀa",
        ] {
            assert!(word.is_match(name), "{name}");
        }
        assert!(!word.is_match("𝐀bc"), "mathematical capitals are no names");
    }

    #[test]
    fn unless_label_names_a_typed_slot() {
        let o = ontology();
        let rule = |slot: &str| {
            format!("[[rule]]\nid = \"u\"\npattern = \"{{Award:a}} went to {{Person:p}} for {{Film:f}}(?P<g>)\"\nconfidence = 0.5\nfacts = [{{ s = \"p\", p = \"directed\", o = \"f\", unless_label = {{ slot = \"{slot}\", words = [\"Actress\"] }} }}]\n[[rule.example]]\ntext = \"x\"\nabsent = [\"a | directed | b\"]\n")
        };
        let rules = parse_file(Path::new("u.toml"), &rule("a"), &o).unwrap();
        let RuleKind::Pattern { facts, .. } = &rules[0].kind else {
            panic!("a pattern rule")
        };
        assert_eq!(
            facts[0].label_tests,
            [LabelTest {
                slots: vec!["a".to_string()],
                words: vec![" actress ".to_string()],
                wanted: false,
            }]
        );
        assert!(facts[0].label_tests[0].found_in(["Best Actress".to_string()].iter()));
        assert!(!facts[0].label_tests[0].found_in(["Best Actor".to_string()].iter()));
        for bad in ["g", "zz"] {
            let e = parse_file(Path::new("u.toml"), &rule(bad), &o)
                .unwrap_err()
                .to_string();
            assert!(e.contains("unless_label"), "{e}");
        }
    }
}
