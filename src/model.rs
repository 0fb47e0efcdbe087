//! The nouns every stage shares: articles, sentences, mentions, entities, facts and their evidence.
//!
//! Offsets inside the extraction side are **byte** offsets into [`Article::text`]; the RDF stage
//! converts them to character offsets when it writes provenance.

use std::fmt;

/// One article, as read from a file, before any extraction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// Stable id (a slug): the last part of the article IRI and of its named graph.
    pub id: String,
    pub title: String,
    /// ISO date `YYYY-MM-DD` when the source gives one.
    pub date: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    /// The site or periodical that published the article.
    pub publication: Option<String>,
    pub body: String,
    /// Where the article was read from (file path, with `:line` for JSON Lines).
    pub source: String,
    /// Byte ranges of `body` that the source set in italics (Markdown `*…*` / `_…_`, HTML
    /// `<em>`, `<i>`, `<cite>`): the press sets titles of works that way.
    pub emphasis: Vec<Span>,
}

impl Article {
    /// The text extraction runs over: the title, a blank line, then the body. A fact stated only
    /// in the headline therefore has a sentence and offsets like any other.
    pub fn text(&self) -> String {
        if self.title.is_empty() {
            self.body.clone()
        } else {
            format!("{}\n\n{}", self.title, self.body)
        }
    }

    /// `emphasis` as ranges of [`Article::text`].
    pub fn emphasis_in_text(&self) -> Vec<Span> {
        let shift = if self.title.is_empty() {
            0
        } else {
            self.title.len() + 2
        };
        self.emphasis
            .iter()
            .map(|s| Span::new(s.start + shift, s.end + shift))
            .collect()
    }
}

/// A byte range `[start, end)` into the article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A token: a word, a number or one punctuation mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub text: String,
}

/// A sentence of the article text. `index` 0 is the title when the article has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub index: usize,
    pub span: Span,
    pub tokens: Vec<Token>,
    /// True for the headline.
    pub is_title: bool,
}

/// Entity classes kgx extracts. The names are the ontology's class local names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityType {
    Person,
    Film,
    CreativeWork,
    Festival,
    Award,
    Organization,
    Publication,
    Place,
    Country,
    City,
    Region,
    Character,
    Event,
    Position,
}

impl EntityType {
    pub const ALL: [EntityType; 14] = [
        EntityType::Person,
        EntityType::Film,
        EntityType::CreativeWork,
        EntityType::Festival,
        EntityType::Award,
        EntityType::Organization,
        EntityType::Publication,
        EntityType::Place,
        EntityType::Country,
        EntityType::City,
        EntityType::Region,
        EntityType::Character,
        EntityType::Event,
        EntityType::Position,
    ];

    /// The ontology class local name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "Person",
            EntityType::Film => "Film",
            EntityType::CreativeWork => "CreativeWork",
            EntityType::Festival => "Festival",
            EntityType::Award => "Award",
            EntityType::Organization => "Organization",
            EntityType::Publication => "Publication",
            EntityType::Place => "Place",
            EntityType::Country => "Country",
            EntityType::City => "City",
            EntityType::Region => "Region",
            EntityType::Character => "Character",
            EntityType::Event => "Event",
            EntityType::Position => "Position",
        }
    }

    pub fn parse(s: &str) -> Option<EntityType> {
        let s = match s {
            "Work" => "CreativeWork",
            other => other,
        };
        EntityType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The identity class: the namespace of the entity's IRI and the type used to decide whether
    /// two mentions can be the same entity. Places share one namespace.
    pub fn identity(self) -> EntityType {
        match self {
            EntityType::Country | EntityType::City | EntityType::Region => EntityType::Place,
            other => other,
        }
    }

    /// The type name used in gold files (`gold-format.md`).
    pub fn gold_name(self) -> &'static str {
        match self.identity() {
            EntityType::CreativeWork => "Work",
            other => other.as_str(),
        }
    }

    /// Does a slot typed `self` accept a mention of type `other`? (`Place` accepts a City, `Work`
    /// accepts a Film.)
    pub fn accepts(self, other: EntityType) -> bool {
        self == other
            || match self {
                EntityType::Place => other.identity() == EntityType::Place,
                EntityType::CreativeWork => other == EntityType::Film,
                EntityType::Organization => other == EntityType::Publication,
                _ => false,
            }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a mention was found by.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub rule: String,
    pub confidence: f64,
}

/// A typed span of the text that names (or refers to) an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub span: Span,
    pub sentence: usize,
    pub ty: EntityType,
    /// The surface text.
    pub text: String,
    /// Key of a gazetteer entry when the name is in a gazetteer.
    pub gazetteer: Option<usize>,
    /// A demonym ("Kazakh") refers to its country but does not by itself introduce the country.
    pub demonym: bool,
    /// Set for anaphora ("the film", "she"): the mention refers back to an entity named elsewhere.
    pub anaphor: bool,
    pub origin: Origin,
    /// Index into [`Extraction::entities`] once entities are built.
    pub entity: Option<usize>,
}

/// One real-world referent within an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub ty: EntityType,
    pub label: String,
    pub aliases: Vec<String>,
    pub wikidata: Option<String>,
    pub geonames: Option<String>,
    pub gazetteer: Option<usize>,
    /// Mentions (indexes into [`Extraction::mentions`]) that refer to it, in text order.
    pub mentions: Vec<usize>,
    /// True when it only occurs as a demonym or an anaphor: then it is emitted only if a fact uses it.
    pub implicit: bool,
}

impl Entity {
    /// An entity named by `label`, with no alias, no link and no mention yet.
    pub fn new(ty: EntityType, label: String) -> Entity {
        Entity {
            ty,
            label,
            aliases: Vec::new(),
            wikidata: None,
            geonames: None,
            gazetteer: None,
            mentions: Vec::new(),
            implicit: false,
        }
    }
}

/// The object of a fact: an entity or a literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Entity(usize),
    /// A year (`xsd:gYear`).
    Year(i32),
    /// A date `YYYY-MM-DD` (`xsd:date`).
    Date(String),
    Text(String),
}

/// The subject of a fact: an entity or the article itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Article,
    Entity(usize),
}

/// Where a fact comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The supporting sentence; `None` for facts read from article metadata.
    pub sentence: Option<usize>,
    /// The span the rule matched (bytes into the article text).
    pub span: Span,
    pub rule: String,
    pub confidence: f64,
}

/// A subject–property–object statement with the evidence that supports it. `property` is an
/// ontology property local name, or `type` with a class local name as `Value::Text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub subject: Subject,
    pub property: String,
    pub object: Value,
    pub evidence: Vec<Evidence>,
}

impl Fact {
    pub fn confidence(&self) -> f64 {
        self.evidence
            .iter()
            .map(|e| e.confidence)
            .fold(0.0, f64::max)
    }
}

/// Everything extracted from one article.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub article: Article,
    pub text: String,
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<Mention>,
    pub entities: Vec<Entity>,
    pub facts: Vec<Fact>,
    /// Candidate facts the ontology check refused, with the reason (for `extract --explain`).
    pub rejected: Vec<String>,
    /// Direct quotations with their speakers.
    pub quotes: Vec<Quote>,
}

/// A direct quotation: its words as printed, who said them, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The words between the quote marks.
    pub text: String,
    /// Where the words are (inside the marks).
    pub span: Span,
    /// The speaker: an index into [`Extraction::entities`].
    pub speaker: usize,
    /// The sentence naming the speaker, the quotation with its attribution, and the rule.
    pub evidence: Evidence,
}

impl Extraction {
    pub fn sentence_text(&self, index: usize) -> &str {
        let s = &self.sentences[index].span;
        &self.text[s.start..s.end]
    }

    /// The entities that are emitted: named at least once, or used by a fact.
    pub fn is_emitted(&self, entity: usize) -> bool {
        !self.entities[entity].implicit
            || self
                .facts
                .iter()
                .any(|f| f.subject == Subject::Entity(entity) || f.object == Value::Entity(entity))
    }

    /// Label of a fact's subject.
    pub fn subject_label(&self, s: Subject) -> String {
        match s {
            Subject::Article => "ARTICLE".to_string(),
            Subject::Entity(e) => self.entities[e].label.clone(),
        }
    }

    /// Label or literal text of a fact's object.
    pub fn value_label(&self, v: &Value) -> String {
        match v {
            Value::Entity(e) => self.entities[*e].label.clone(),
            Value::Year(y) => y.to_string(),
            Value::Date(d) => d.clone(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// Converts a byte offset into `text` to a character (Unicode scalar) offset.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}
