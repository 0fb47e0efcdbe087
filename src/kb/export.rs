//! `kgx export`: the store's graph for the tools that draw it (GraphML, GEXF, DOT, Cytoscape.js
//! JSON, Gephi CSV tables) and as RDF (JSON-LD, Turtle, N-Triples, N-Quads), whole or a chosen
//! part (`--focus/--depth`, `--types`, `--predicates`, `--since/--until`, `--query`).
//!
//! # The drawn graph
//! *Nodes* are the entities (IRIs under `https://w3id.org/kgx/id/`): id (the IRI), label
//! (`rdfs:label`, the one most articles give), type (the most specific kgx class), Wikidata id
//! (from `owl:sameAs wd:Q…`), degree (in the exported graph), articles (how many article graphs
//! give the entity a label), and one attribute per literal-valued (or non-entity IRI) property:
//! `year`, `genre`, `alias`, `seeAlso`, … (several values joined with `; `). *Edges* are the
//! triples between two entities stated in article graphs, for every `owl:ObjectProperty` of the
//! ontology except `kgx:mentions` and `kgx:about`: label (the property's local name), weight (how
//! many articles state it), first/last (the earliest and latest `kgx:datePublished` of those
//! articles).
//!
//! # Memory
//! The store is read with index scans (`posg` per property, `spog` per node), never with a
//! `GROUP BY`/`DISTINCT` over the whole store and never collected into rows, and every format is
//! written element by element to a buffered writer. What is held is the graph, once, in a
//! petgraph [`StableGraph`]: 96 bytes per node in the graph plus about 40 in the IRI index, plus
//! its IRI, label and literal attributes on the heap (about 250 bytes per node in all on the
//! sample corpus); 40 bytes per edge; plus a 4-byte index per node and per edge while sorting for
//! output, and the article dates (about 80 bytes per article). A million entities and five million
//! relations therefore take about 450 MB. The RDF formats of the whole store hold no graph at all: they
//! stream the store's quads (triples deduplicated through the `posg` index, where the copies of
//! a triple in several article graphs are adjacent).
//!
//! # Choices
//! - `--focus NAME --depth N` keeps the entities within N relations of NAME (in either direction),
//!   plus where the kept entities are: their `locatedIn` chain, followed to its end (so a film's
//!   festival brings its city). It is applied last, after the other filters.
//! - `--types` matches a class or any of its superclasses (`Place` keeps cities and countries).
//!   `--predicates` keeps those edges and drops the entities left without any.
//! - `--since/--until` (YYYY, YYYY-MM or YYYY-MM-DD, inclusive) count only articles published in
//!   the range: an edge is kept when at least one of them states it, its weight and dates come from
//!   them; an entity is kept when one of them names it.
//! - `--query FILE.rq` is a CONSTRUCT: the entities in its triples are the nodes, its triples
//!   between two entities (any predicate but `rdf:type`) the edges; weights and dates come from the
//!   store (weight 0 for a triple no article states).
//! - RDF formats of the whole store write everything (the ontology graph and the provenance
//!   included; `--no-provenance` leaves out the `rdf:Statement` records); `nq` keeps graph names,
//!   `ttl`/`nt`/`jsonld` write each distinct triple once. For a chosen part they write what the
//!   drawn graph is made of: the kept entities' triples (types, labels, literals, Wikidata links,
//!   the kept edges), the provenance of those triples and the articles it cites (title, date, …).
//! - `csv` to stdout prints the node table, a blank line, then the edge table; with `-o PREFIX` it
//!   writes `PREFIX.nodes.csv` and `PREFIX.edges.csv` (a trailing `.csv` is dropped from PREFIX;
//!   when PREFIX is a directory, `nodes.csv` and `edges.csv` in it; a device or pipe such as
//!   `/dev/stdout` gets both tables in one stream, as stdout does).

use crate::error::{Error, Result};
use crate::kb::store::Kb;
use crate::vocab::{ARTICLE, ID, KGX, ONTOLOGY_GRAPH, OWL, RDF, RDFS, WD};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad,
    Term, TermRef, TripleRef,
};
use oxigraph::sparql::QueryResults;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The formats of `kgx export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// GraphML (yEd, Gephi, networkx, igraph), every attribute declared with a <key>.
    Graphml,
    /// GEXF 1.3, dynamic: edges carry start/end (first/last article date) for Gephi's timeline.
    Gexf,
    /// Graphviz DOT: `dot -Tsvg graph.dot > graph.svg`.
    Dot,
    /// Cytoscape.js JSON: {"elements": {"nodes": [{"data": …}], "edges": [{"data": …}]}}.
    Cytoscape,
    /// Gephi's spreadsheet tables: nodes (Id,Label,Type,…) and edges (Source,Target,Type,…).
    Csv,
    /// JSON-LD (RDF, distinct triples).
    Jsonld,
    /// Turtle (RDF, distinct triples).
    Ttl,
    /// N-Triples (RDF, distinct triples).
    Nt,
    /// N-Quads (RDF, with the article graph of every quad).
    Nq,
}

impl ExportFormat {
    /// JSON-LD, Turtle, N-Triples, N-Quads: the store's triples rather than a drawn graph.
    pub fn is_rdf(self) -> bool {
        matches!(
            self,
            ExportFormat::Jsonld | ExportFormat::Ttl | ExportFormat::Nt | ExportFormat::Nq
        )
    }

    fn name(self) -> &'static str {
        match self {
            ExportFormat::Graphml => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::Dot => "dot",
            ExportFormat::Cytoscape => "cytoscape",
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonld => "jsonld",
            ExportFormat::Ttl => "ttl",
            ExportFormat::Nt => "nt",
            ExportFormat::Nq => "nq",
        }
    }
}

/// Export the graph (or a part of it) for Gephi, Cytoscape, Graphviz, networkx, or as RDF.
#[derive(clap::Args, Debug, Clone)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to FILE instead of stdout. For csv, FILE is a prefix: FILE.nodes.csv and
    /// FILE.edges.csv (or nodes.csv and edges.csv inside FILE when it is a directory); csv to
    /// stdout prints the node table, a blank line, then the edge table.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only the neighbourhood of this entity (found like `kgx lookup` finds it: the best match),
    /// plus where its entities are (their locatedIn chain).
    #[arg(long, value_name = "NAME")]
    pub focus: Option<String>,
    /// With --focus: how many relations away from the entity, in either direction.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "focus")]
    pub depth: usize,
    /// Only entities of these classes (local names, comma-separated; a class includes its
    /// subclasses): --types Person,Film.
    #[arg(long, value_name = "CLASS,...", value_delimiter = ',')]
    pub types: Vec<String>,
    /// Only these relations (property local names, comma-separated), and the entities they
    /// connect: --predicates directed,premieredAt.
    #[arg(long, value_name = "PROPERTY,...", value_delimiter = ',')]
    pub predicates: Vec<String>,
    /// Only facts stated by an article published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<String>,
    /// Only facts stated by an article published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_until)]
    pub until: Option<String>,
    /// A SPARQL CONSTRUCT (.rq file) whose triples decide what is drawn: the entities in them are
    /// the nodes, their triples between entities the edges.
    #[arg(long, value_name = "FILE.rq")]
    pub query: Option<PathBuf>,
    /// RDF formats only: leave out the provenance records (rdf:Statement with sentence, offsets,
    /// rule, confidence).
    #[arg(long)]
    pub no_provenance: bool,
}

/// What an export wrote, for the one-line summary on stderr.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub format: &'static str,
    /// Nodes and edges of the drawn graph (for RDF formats of a chosen part: the part's).
    pub nodes: usize,
    pub edges: usize,
    /// Triples (quads for nq) written by an RDF format.
    pub triples: Option<usize>,
    /// The entity --focus resolved to: (label, IRI).
    pub focus: Option<(String, String)>,
    /// The files written (empty for stdout).
    pub files: Vec<PathBuf>,
}

impl std::fmt::Display for ExportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exported ")?;
        match self.triples {
            Some(t) if self.format == "nq" => write!(f, "{t} quads")?,
            Some(t) => write!(f, "{t} triples")?,
            None => write!(f, "{} nodes, {} edges", self.nodes, self.edges)?,
        }
        write!(f, " as {}", self.format)?;
        if let Some((label, _)) = &self.focus {
            write!(f, " around {label}")?;
        }
        if !self.files.is_empty() {
            let files: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
            write!(f, " to {}", files.join(", "))?;
        }
        Ok(())
    }
}

fn parse_date_bound(s: &str, end: bool) -> std::result::Result<String, String> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let ok = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let valid = match parts.as_slice() {
        [y] => ok(y, 4),
        [y, m] => ok(y, 4) && ok(m, 2),
        [y, m, d] => ok(y, 4) && ok(m, 2) && ok(d, 2),
        _ => false,
    };
    if !valid {
        return Err(format!("`{s}` is not a date: YYYY, YYYY-MM or YYYY-MM-DD"));
    }
    let mut out = parts.join("-");
    if parts.len() == 1 {
        out.push_str(if end { "-12" } else { "-01" });
    }
    if parts.len() <= 2 {
        out.push_str(if end { "-31" } else { "-01" });
    }
    Ok(out)
}

/// `--since`: a date or the first day of a year/month, as YYYY-MM-DD.
fn parse_since(s: &str) -> std::result::Result<String, String> {
    parse_date_bound(s, false)
}

/// `--until`: a date or the last day of a year/month (as a YYYY-MM-DD upper bound).
fn parse_until(s: &str) -> std::result::Result<String, String> {
    parse_date_bound(s, true)
}

// ---------------------------------------------------------------------------------------------
// Escaping

/// Text for XML content and attribute values (both quote kinds escaped; tab, newline and
/// carriage return as character references so attribute values keep them; characters XML 1.0
/// forbids become U+FFFD).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A DOT double-quoted string (quotes, backslashes and line breaks escaped; `\n` is Graphviz's
/// centred line break).
pub fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn local(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().unwrap_or(iri)
}

fn is_entity(iri: &str) -> bool {
    iri.starts_with(ID)
}

/// A provenance record: `https://w3id.org/kgx/article/{id}/fact/{hash}`.
fn is_statement(iri: &str) -> bool {
    iri.strip_prefix(ARTICLE)
        .is_some_and(|rest| rest.contains("/fact/"))
}

/// `YYYY-MM-DD…` → yyyymmdd.
fn date_num(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits: String = s[..10].chars().filter(|c| *c != '-').collect();
    digits.parse().ok()
}

fn date_str(n: u32) -> String {
    format!("{:04}-{:02}-{:02}", n / 10000, n / 100 % 100, n % 100)
}

// ---------------------------------------------------------------------------------------------
// The graph

/// A node: one entity. See the module documentation for the memory it takes.
#[derive(Debug, Clone)]
pub struct Node {
    pub iri: Arc<str>,
    pub label: Box<str>,
    /// Indexes into the class table; the first is the most specific.
    classes: Box<[u16]>,
    pub wikidata: Option<Box<str>>,
    pub articles: u32,
    /// (attribute key index, values joined with "; ").
    attrs: Box<[(u16, Box<str>)]>,
}

/// An edge: one relation between two entities.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// Index into the property table.
    prop: u16,
    /// Supporting articles.
    pub weight: u32,
    /// First and last article date as yyyymmdd.
    pub first: Option<u32>,
    pub last: Option<u32>,
}

/// The ontology terms export needs: classes with their superclasses, and the relations to draw.
#[derive(Debug, Default)]
struct Vocab {
    classes: Vec<String>,
    class_index: HashMap<String, u16>,
    /// Superclasses (transitive) of each class.
    supers: Vec<Vec<u16>>,
    props: Vec<String>,
    prop_index: HashMap<String, u16>,
    /// The ontology's object properties to draw (not mentions/about).
    drawn: Vec<String>,
}

impl Vocab {
    fn class(&mut self, iri: &str) -> u16 {
        if let Some(&i) = self.class_index.get(iri) {
            return i;
        }
        let i = self.classes.len() as u16;
        self.classes.push(iri.to_string());
        self.class_index.insert(iri.to_string(), i);
        self.supers.push(Vec::new());
        i
    }

    fn prop(&mut self, iri: &str) -> u16 {
        if let Some(&i) = self.prop_index.get(iri) {
            return i;
        }
        let i = self.props.len() as u16;
        self.props.push(iri.to_string());
        self.prop_index.insert(iri.to_string(), i);
        i
    }

    fn class_local(&self, i: u16) -> &str {
        local(&self.classes[i as usize])
    }

    /// The most specific of these classes first (a class none of the others is a subclass of…
    /// reversed: one that is no other's superclass), then by name.
    fn order_classes(&self, classes: &mut [u16]) {
        let generality = |c: u16| {
            classes
                .iter()
                .filter(|&&o| o != c && self.supers[o as usize].contains(&c))
                .count()
        };
        let mut keyed: Vec<(usize, String, u16)> = classes
            .iter()
            .map(|&c| (generality(c), self.class_local(c).to_string(), c))
            .collect();
        keyed.sort();
        for (slot, (_, _, c)) in classes.iter_mut().zip(keyed) {
            *slot = c;
        }
    }
}

type Graph = StableGraph<Node, Edge>;

/// The drawn graph and what it refers to.
struct Drawn {
    graph: Graph,
    index: HashMap<Arc<str>, NodeIndex>,
    vocab: Vocab,
    attr_keys: Vec<String>,
    /// The property IRI of each attribute key.
    attr_props: Vec<String>,
    /// Article graph IRI → date (yyyymmdd) for the articles in range.
    articles: HashMap<Box<str>, Option<u32>>,
    /// Whether a date range restricts the articles.
    dated: bool,
}

fn store_err(kb: &Kb, e: impl std::fmt::Display) -> Error {
    Error::Store {
        path: kb.path.clone(),
        message: e.to_string(),
    }
}

fn scan<'a>(
    kb: &'a Kb,
    s: Option<NamedOrBlankNodeRef<'_>>,
    p: Option<NamedNodeRef<'_>>,
    o: Option<TermRef<'_>>,
    g: Option<GraphNameRef<'_>>,
) -> impl Iterator<Item = Result<Quad>> + 'a {
    kb.store
        .quads_for_pattern(s, p, o, g)
        .map(move |q| q.map_err(|e| store_err(kb, e)))
}

fn nn(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

fn graph_iri(g: &GraphName) -> Option<&str> {
    match g {
        GraphName::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn term_iri(t: &Term) -> Option<&str> {
    match t {
        Term::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

fn subject_iri(s: &NamedOrBlankNode) -> Option<&str> {
    match s {
        NamedOrBlankNode::NamedNode(n) => Some(n.as_str()),
        _ => None,
    }
}

impl Drawn {
    fn new(kb: &Kb, args: &ExportArgs) -> Result<Drawn> {
        let mut d = Drawn {
            graph: Graph::default(),
            index: HashMap::new(),
            vocab: load_vocab(kb)?,
            attr_keys: Vec::new(),
            attr_props: Vec::new(),
            articles: HashMap::new(),
            dated: args.since.is_some() || args.until.is_some(),
        };
        // Every article graph, with its date; out-of-range ones are left out.
        let mut dates: HashMap<String, u32> = HashMap::new();
        for q in scan(
            kb,
            None,
            Some(nn(&term("datePublished")).as_ref()),
            None,
            None,
        ) {
            let q = q?;
            if let (Some(s), Some(g), Term::Literal(l)) =
                (subject_iri(&q.subject), graph_iri(&q.graph_name), &q.object)
            {
                if s == g {
                    if let Some(n) = date_num(l.value()) {
                        dates.insert(s.to_string(), n);
                    }
                }
            }
        }
        let since = args.since.as_deref().and_then(date_num);
        let until = args.until.as_deref().and_then(date_num);
        for g in kb.store.named_graphs() {
            let g = g.map_err(|e| store_err(kb, e))?;
            let NamedOrBlankNode::NamedNode(g) = g else {
                continue;
            };
            if !g.as_str().starts_with(ARTICLE) {
                continue;
            }
            let date = dates.get(g.as_str()).copied();
            let in_range = match date {
                Some(n) => since.is_none_or(|s| n >= s) && until.is_none_or(|u| n <= u),
                None => !d.dated,
            };
            if in_range {
                d.articles.insert(g.as_str().into(), date);
            }
        }
        Ok(d)
    }

    /// The date of an article graph in range, `None` when the quad's graph is not one.
    fn allowed(&self, g: &GraphName) -> Option<Option<u32>> {
        graph_iri(g).and_then(|g| self.articles.get(g).copied())
    }

    fn node(&mut self, iri: &str) -> NodeIndex {
        if let Some(&i) = self.index.get(iri) {
            return i;
        }
        let iri: Arc<str> = iri.into();
        let i = self.graph.add_node(Node {
            iri: iri.clone(),
            label: "".into(),
            classes: Box::new([]),
            wikidata: None,
            articles: 0,
            attrs: Box::new([]),
        });
        self.index.insert(iri, i);
        i
    }

    fn attr_key(&mut self, prop_iri: &str) -> u16 {
        const RESERVED: [&str; 7] = [
            "id", "label", "type", "wikidata", "degree", "articles", "iri",
        ];
        let base = local(prop_iri).to_string();
        let wanted = if RESERVED.contains(&base.as_str()) {
            format!("kgx_{base}")
        } else {
            base
        };
        // The same local name from another namespace gets a suffix.
        let mut name = wanted.clone();
        let mut n = 1;
        loop {
            match self.attr_keys.iter().position(|k| *k == name) {
                Some(i) if self.attr_props.get(i).map(String::as_str) == Some(prop_iri) => {
                    return i as u16
                }
                Some(_) => {
                    n += 1;
                    name = format!("{wanted}_{n}");
                }
                None => break,
            }
        }
        self.attr_keys.push(name);
        self.attr_props.push(prop_iri.to_string());
        (self.attr_keys.len() - 1) as u16
    }

    /// Nodes: every entity typed in an article graph in range.
    fn add_typed_entities(&mut self, kb: &Kb) -> Result<()> {
        let ty = nn(&format!("{RDF}type"));
        for q in scan(kb, None, Some(ty.as_ref()), None, None) {
            let q = q?;
            if let Some(s) = subject_iri(&q.subject) {
                if is_entity(s) && self.allowed(&q.graph_name).is_some() {
                    self.node(s);
                }
            }
        }
        Ok(())
    }

    /// Edges: for each drawn property, its triples between entities, the copies of one triple in
    /// several article graphs being adjacent in the `posg` index.
    fn add_stated_edges(&mut self, kb: &Kb) -> Result<()> {
        for p in self.vocab.drawn.clone() {
            let prop = self.vocab.prop(&p);
            let pn = nn(&p);
            let mut run: Option<(String, String, Edge)> = None;
            for q in scan(kb, None, Some(pn.as_ref()), None, None) {
                let q = q?;
                let (Some(s), Some(o)) = (subject_iri(&q.subject), term_iri(&q.object)) else {
                    continue;
                };
                if !is_entity(s) || !is_entity(o) {
                    continue;
                }
                let Some(date) = self.allowed(&q.graph_name) else {
                    continue;
                };
                let same = matches!(&run, Some((rs, ro, _)) if rs == s && ro == o);
                if !same {
                    if let Some((rs, ro, e)) = run.take() {
                        self.add_edge(&rs, &ro, e);
                    }
                    run = Some((
                        s.to_string(),
                        o.to_string(),
                        Edge {
                            prop,
                            weight: 0,
                            first: None,
                            last: None,
                        },
                    ));
                }
                if let Some((_, _, e)) = &mut run {
                    support(e, date);
                }
            }
            if let Some((rs, ro, e)) = run.take() {
                self.add_edge(&rs, &ro, e);
            }
        }
        Ok(())
    }

    fn add_edge(&mut self, s: &str, o: &str, e: Edge) {
        let (a, b) = (self.node(s), self.node(o));
        let exists = self
            .graph
            .edges_connecting(a, b)
            .any(|x| x.weight().prop == e.prop);
        if !exists {
            self.graph.add_edge(a, b, e);
        }
    }

    /// Nodes and edges from a CONSTRUCT's triples; weights from the store.
    fn add_constructed(&mut self, kb: &Kb, sparql: &str, origin: &Path) -> Result<()> {
        let results = kb.query(sparql).map_err(|e| match e {
            Error::Query(m) => Error::Query(format!("{}: {m}", origin.display())),
            e => e,
        })?;
        let QueryResults::Graph(triples) = results else {
            return Err(Error::Other(format!(
                "{}: --query needs a CONSTRUCT query (it decides the triples to draw)",
                origin.display()
            )));
        };
        let ty = format!("{RDF}type");
        let mut edges: Vec<(String, String, String)> = Vec::new();
        for t in triples {
            let t = t.map_err(|e| Error::Query(e.to_string()))?;
            let Some(s) = subject_iri(&t.subject).filter(|s| is_entity(s)) else {
                continue;
            };
            self.node(s);
            if let Some(o) = term_iri(&t.object).filter(|o| is_entity(o)) {
                self.node(o);
                if t.predicate.as_str() != ty {
                    edges.push((
                        s.to_string(),
                        t.predicate.as_str().to_string(),
                        o.to_string(),
                    ));
                }
            }
        }
        for (s, p, o) in edges {
            let prop = self.vocab.prop(&p);
            let mut e = Edge {
                prop,
                weight: 0,
                first: None,
                last: None,
            };
            let (sn, pn, on) = (nn(&s), nn(&p), nn(&o));
            for q in scan(
                kb,
                Some(sn.as_ref().into()),
                Some(pn.as_ref()),
                Some(on.as_ref().into()),
                None,
            ) {
                if let Some(date) = self.allowed(&q?.graph_name) {
                    support(&mut e, date);
                }
            }
            if e.weight > 0 || !self.dated {
                self.add_edge(&s, &o, e);
            }
        }
        Ok(())
    }

    /// Labels, classes, Wikidata id, article count and literal attributes of every node, from
    /// its `spog` range.
    fn describe(&mut self, kb: &Kb) -> Result<()> {
        let label_p = format!("{RDFS}label");
        let type_p = format!("{RDF}type");
        let same_as = format!("{OWL}sameAs");
        let nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        for i in nodes {
            let iri = self.graph[i].iri.clone();
            let sn = nn(&iri);
            let mut labels: Vec<(String, u32)> = Vec::new();
            let mut graphs: Vec<Box<str>> = Vec::new();
            let mut classes: Vec<u16> = Vec::new();
            let mut wikidata = None;
            let mut attrs: Vec<(u16, String)> = Vec::new();
            let mut last: Option<(String, Term)> = None;
            for q in scan(kb, Some(sn.as_ref().into()), None, None, None) {
                let q = q?;
                if self.allowed(&q.graph_name).is_none() {
                    continue;
                }
                let p = q.predicate.as_str();
                if p == label_p {
                    if let (Term::Literal(l), Some(g)) = (&q.object, graph_iri(&q.graph_name)) {
                        graphs.push(g.into());
                        match labels.iter_mut().find(|(x, _)| x == l.value()) {
                            Some((_, n)) => *n += 1,
                            None => labels.push((l.value().to_string(), 1)),
                        }
                    }
                    continue;
                }
                // The copies of one triple in several graphs are adjacent.
                let key = (p.to_string(), q.object.clone());
                if last.as_ref() == Some(&key) {
                    continue;
                }
                last = Some(key);
                match &q.object {
                    Term::NamedNode(o) if p == type_p && o.as_str().starts_with(KGX) => {
                        classes.push(self.vocab.class(o.as_str()));
                    }
                    Term::NamedNode(_) if p == type_p => {}
                    Term::NamedNode(o) if p == same_as && o.as_str().starts_with(WD) => {
                        wikidata = Some(o.as_str()[WD.len()..].into());
                    }
                    Term::NamedNode(o) if !is_entity(o.as_str()) => {
                        let k = self.attr_key(p);
                        attrs.push((k, o.as_str().to_string()));
                    }
                    Term::Literal(l) => {
                        let k = self.attr_key(p);
                        attrs.push((k, l.value().to_string()));
                    }
                    _ => {}
                }
            }
            graphs.sort();
            graphs.dedup();
            classes.sort();
            classes.dedup();
            self.vocab.order_classes(&mut classes);
            attrs.sort();
            attrs.dedup();
            let mut joined: Vec<(u16, Box<str>)> = Vec::new();
            for (k, v) in attrs {
                match joined.last_mut() {
                    Some((lk, lv)) if *lk == k => *lv = format!("{lv}; {v}").into(),
                    _ => joined.push((k, v.into())),
                }
            }
            // The label most articles give; ties by name.
            labels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let n = &mut self.graph[i];
            n.label = labels
                .into_iter()
                .next()
                .map(|(l, _)| l)
                .unwrap_or_else(|| local(&iri).to_string())
                .into();
            n.articles = graphs.len() as u32;
            n.classes = classes.into();
            n.wikidata = wikidata;
            n.attrs = joined.into();
        }
        Ok(())
    }

    fn remove_nodes(&mut self, keep: impl Fn(&Graph, NodeIndex) -> bool) {
        let drop: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|&i| !keep(&self.graph, i))
            .collect();
        for i in drop {
            if let Some(n) = self.graph.remove_node(i) {
                self.index.remove(&n.iri);
            }
        }
    }

    fn degree(&self, i: NodeIndex) -> usize {
        self.graph.edges_directed(i, Direction::Outgoing).count()
            + self.graph.edges_directed(i, Direction::Incoming).count()
    }

    fn prop_local(&self, e: &Edge) -> &str {
        local(&self.vocab.props[e.prop as usize])
    }

    /// The node's type: its most specific kgx class.
    fn node_type(&self, n: &Node) -> &str {
        n.classes
            .first()
            .map(|&c| self.vocab.class_local(c))
            .unwrap_or("")
    }

    /// Nodes sorted by IRI, edges by (source, property, target): a stable output order.
    fn sorted(&self) -> (Vec<NodeIndex>, Vec<EdgeIndex>) {
        let mut nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        nodes.sort_by(|a, b| self.graph[*a].iri.cmp(&self.graph[*b].iri));
        let mut edges: Vec<EdgeIndex> = self.graph.edge_indices().collect();
        edges.sort_by(|a, b| {
            let key = |e: EdgeIndex| {
                let (s, t) = self.graph.edge_endpoints(e).expect("edge");
                (
                    &self.graph[s].iri,
                    self.prop_local(&self.graph[e]),
                    &self.graph[t].iri,
                )
            };
            key(*a).cmp(&key(*b))
        });
        (nodes, edges)
    }

    /// Attribute keys used by the kept nodes, in name order.
    fn used_attr_keys(&self) -> Vec<u16> {
        let mut used: BTreeSet<u16> = BTreeSet::new();
        for i in self.graph.node_indices() {
            used.extend(self.graph[i].attrs.iter().map(|(k, _)| *k));
        }
        let mut v: Vec<u16> = used.into_iter().collect();
        v.sort_by(|a, b| self.attr_keys[*a as usize].cmp(&self.attr_keys[*b as usize]));
        v
    }
}

fn support(e: &mut Edge, date: Option<u32>) {
    e.weight += 1;
    if let Some(d) = date {
        e.first = Some(e.first.map_or(d, |f| f.min(d)));
        e.last = Some(e.last.map_or(d, |l| l.max(d)));
    }
}

fn term(local: &str) -> String {
    format!("{KGX}{local}")
}

/// Classes (with superclasses) and object properties from the store's ontology graph.
fn load_vocab(kb: &Kb) -> Result<Vocab> {
    let mut v = Vocab::default();
    let g = format!("<{ONTOLOGY_GRAPH}>");
    let p = crate::vocab::PREFIXES;
    for r in kb.select(&format!(
        "{p}SELECT ?c WHERE {{ GRAPH {g} {{ ?c a owl:Class }} FILTER(isIRI(?c) && STRSTARTS(STR(?c), STR(kgx:))) }} ORDER BY ?c"
    ))? {
        v.class(&r[0]);
    }
    for r in kb.select(&format!(
        "{p}SELECT ?c ?d WHERE {{ GRAPH {g} {{ ?c rdfs:subClassOf+ ?d }} FILTER(isIRI(?c) && isIRI(?d)) }}"
    ))? {
        let (c, d) = (v.class(&r[0]), v.class(&r[1]));
        if !v.supers[c as usize].contains(&d) {
            v.supers[c as usize].push(d);
        }
    }
    for r in kb.select(&format!(
        "{p}SELECT ?p WHERE {{ GRAPH {g} {{ ?p a owl:ObjectProperty }} FILTER(STRSTARTS(STR(?p), STR(kgx:))) }} ORDER BY ?p"
    ))? {
        let skip = [term("mentions"), term("about")];
        if !skip.contains(&r[0])
            && !v.drawn.contains(&r[0])
        {
            v.drawn.push(r[0].clone());
        }
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Building and filtering

fn resolve_focus(kb: &Kb, name: &str) -> Result<(String, String)> {
    let cands = crate::kb::lookup::candidates(kb, name)?;
    let c = cands
        .into_iter()
        .next()
        .ok_or_else(|| Error::Other(format!("--focus: no entity matches `{name}`")))?;
    Ok((c.label, c.iri))
}

fn build(kb: &Kb, args: &ExportArgs, focus: Option<&str>) -> Result<Drawn> {
    let mut d = Drawn::new(kb, args)?;
    match &args.query {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            d.add_constructed(kb, &text, path)?;
        }
        None => {
            d.add_typed_entities(kb)?;
            d.add_stated_edges(kb)?;
        }
    }
    d.describe(kb)?;
    if d.dated {
        // Only what an article in range names.
        d.remove_nodes(|g, i| g[i].articles > 0 || g.neighbors_undirected(i).next().is_some());
    }
    if !args.predicates.is_empty() {
        let wanted: HashSet<&str> = args.predicates.iter().map(|s| s.trim()).collect();
        // The relations that can be drawn: the ontology's object properties, and whatever a
        // CONSTRUCT drew.
        let known: BTreeSet<String> = d
            .vocab
            .drawn
            .iter()
            .chain(d.vocab.props.iter())
            .map(|p| local(p).to_string())
            .collect();
        for w in &wanted {
            if !known.contains(*w) {
                return Err(Error::Other(format!(
                    "--predicates: unknown property `{w}` (known: {})",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        let drop: Vec<EdgeIndex> = d
            .graph
            .edge_indices()
            .filter(|&e| !wanted.contains(d.prop_local(&d.graph[e])))
            .collect();
        for e in drop {
            d.graph.remove_edge(e);
        }
        d.remove_nodes(|g, i| g.neighbors_undirected(i).next().is_some());
    }
    if !args.types.is_empty() {
        let wanted: HashSet<&str> = args.types.iter().map(|s| s.trim()).collect();
        let known: BTreeSet<&str> = (0..d.vocab.classes.len() as u16)
            .map(|c| d.vocab.class_local(c))
            .collect();
        for w in &wanted {
            if !known.contains(*w) {
                return Err(Error::Other(format!(
                    "--types: unknown class `{w}` (known: {})",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        let matching: HashSet<u16> = (0..d.vocab.classes.len() as u16)
            .filter(|&c| {
                wanted.contains(d.vocab.class_local(c))
                    || d.vocab.supers[c as usize]
                        .iter()
                        .any(|&s| wanted.contains(d.vocab.class_local(s)))
            })
            .collect();
        d.remove_nodes(|g, i| g[i].classes.iter().any(|c| matching.contains(c)));
    }
    if let Some(iri) = focus {
        let Some(&start) = d.index.get(iri) else {
            return Err(Error::Other(format!(
                "--focus: {iri} is not in the graph the other options select"
            )));
        };
        let keep = neighbourhood(&d, start, args.depth);
        d.remove_nodes(|_, i| keep.contains(&i));
    }
    Ok(d)
}

/// The nodes within `depth` relations of `start` (either direction), plus the `locatedIn` chains
/// of all of them.
fn neighbourhood(d: &Drawn, start: NodeIndex, depth: usize) -> HashSet<NodeIndex> {
    let mut seen: HashSet<NodeIndex> = HashSet::from([start]);
    let mut queue = VecDeque::from([(start, 0usize)]);
    while let Some((i, k)) = queue.pop_front() {
        if k == depth {
            continue;
        }
        for j in d.graph.neighbors_undirected(i) {
            if seen.insert(j) {
                queue.push_back((j, k + 1));
            }
        }
    }
    let mut stack: Vec<NodeIndex> = seen.iter().copied().collect();
    while let Some(i) = stack.pop() {
        for e in d.graph.edges_directed(i, Direction::Outgoing) {
            if d.prop_local(e.weight()) == "locatedIn" && seen.insert(e.target()) {
                stack.push(e.target());
            }
        }
    }
    seen
}

// ---------------------------------------------------------------------------------------------
// Writers of the graph formats

fn write_graphml(d: &Drawn, w: &mut dyn Write) -> io::Result<()> {
    let keys = d.used_attr_keys();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    let node_keys = [
        ("n_label", "label", "string"),
        ("n_type", "type", "string"),
        ("n_wikidata", "wikidata", "string"),
        ("n_degree", "degree", "int"),
        ("n_articles", "articles", "int"),
    ];
    for (id, name, ty) in node_keys {
        writeln!(
            w,
            r#"  <key id="{id}" for="node" attr.name="{name}" attr.type="{ty}"/>"#
        )?;
    }
    for &k in &keys {
        let name = xml_escape(&d.attr_keys[k as usize]);
        writeln!(
            w,
            r#"  <key id="n_a{k}" for="node" attr.name="{name}" attr.type="string"/>"#
        )?;
    }
    for (id, name, ty) in [
        ("e_label", "label", "string"),
        ("e_weight", "weight", "double"),
        ("e_first", "first", "string"),
        ("e_last", "last", "string"),
    ] {
        writeln!(
            w,
            r#"  <key id="{id}" for="edge" attr.name="{name}" attr.type="{ty}"/>"#
        )?;
    }
    writeln!(w, r#"  <graph id="kgx" edgedefault="directed">"#)?;
    let (nodes, edges) = d.sorted();
    for i in nodes {
        let n = &d.graph[i];
        writeln!(w, r#"    <node id="{}">"#, xml_escape(&n.iri))?;
        let data = |w: &mut dyn Write, key: &str, v: &str| -> io::Result<()> {
            writeln!(w, r#"      <data key="{key}">{}</data>"#, xml_escape(v))
        };
        data(w, "n_label", &n.label)?;
        data(w, "n_type", d.node_type(n))?;
        if let Some(q) = &n.wikidata {
            data(w, "n_wikidata", q)?;
        }
        data(w, "n_degree", &d.degree(i).to_string())?;
        data(w, "n_articles", &n.articles.to_string())?;
        for (k, v) in n.attrs.iter() {
            data(w, &format!("n_a{k}"), v)?;
        }
        writeln!(w, "    </node>")?;
    }
    for (k, e) in edges.into_iter().enumerate() {
        let (s, t) = d.graph.edge_endpoints(e).expect("edge");
        let x = &d.graph[e];
        writeln!(
            w,
            r#"    <edge id="e{k}" source="{}" target="{}">"#,
            xml_escape(&d.graph[s].iri),
            xml_escape(&d.graph[t].iri)
        )?;
        writeln!(
            w,
            r#"      <data key="e_label">{}</data>"#,
            xml_escape(d.prop_local(x))
        )?;
        writeln!(w, r#"      <data key="e_weight">{}</data>"#, x.weight)?;
        if let (Some(f), Some(l)) = (x.first, x.last) {
            writeln!(w, r#"      <data key="e_first">{}</data>"#, date_str(f))?;
            writeln!(w, r#"      <data key="e_last">{}</data>"#, date_str(l))?;
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")
}

fn write_gexf(d: &Drawn, w: &mut dyn Write) -> io::Result<()> {
    let keys = d.used_attr_keys();
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">"#
    )?;
    writeln!(
        w,
        "  <meta>\n    <creator>kgx {}</creator>\n    <description>kgx knowledge graph: entities and the relations articles state; edge weight = supporting articles, start/end = first/last article date</description>\n  </meta>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        w,
        r#"  <graph mode="dynamic" defaultedgetype="directed" timeformat="date" timerepresentation="interval">"#
    )?;
    writeln!(w, r#"    <attributes class="node" mode="static">"#)?;
    for (id, ty) in [
        ("type", "string"),
        ("wikidata", "string"),
        ("degree", "integer"),
        ("articles", "integer"),
    ] {
        writeln!(
            w,
            r#"      <attribute id="{id}" title="{id}" type="{ty}"/>"#
        )?;
    }
    for &k in &keys {
        let name = xml_escape(&d.attr_keys[k as usize]);
        writeln!(
            w,
            r#"      <attribute id="a{k}" title="{name}" type="string"/>"#
        )?;
    }
    writeln!(w, "    </attributes>")?;
    writeln!(w, r#"    <attributes class="edge" mode="static">"#)?;
    for id in ["first", "last"] {
        writeln!(
            w,
            r#"      <attribute id="{id}" title="{id}" type="string"/>"#
        )?;
    }
    writeln!(w, "    </attributes>")?;
    let (nodes, edges) = d.sorted();
    writeln!(w, "    <nodes>")?;
    for i in nodes {
        let n = &d.graph[i];
        writeln!(
            w,
            r#"      <node id="{}" label="{}">"#,
            xml_escape(&n.iri),
            xml_escape(&n.label)
        )?;
        writeln!(w, "        <attvalues>")?;
        let att = |w: &mut dyn Write, key: &str, v: &str| -> io::Result<()> {
            writeln!(
                w,
                r#"          <attvalue for="{key}" value="{}"/>"#,
                xml_escape(v)
            )
        };
        att(w, "type", d.node_type(n))?;
        if let Some(q) = &n.wikidata {
            att(w, "wikidata", q)?;
        }
        att(w, "degree", &d.degree(i).to_string())?;
        att(w, "articles", &n.articles.to_string())?;
        for (k, v) in n.attrs.iter() {
            att(w, &format!("a{k}"), v)?;
        }
        writeln!(w, "        </attvalues>")?;
        writeln!(w, "      </node>")?;
    }
    writeln!(w, "    </nodes>")?;
    writeln!(w, "    <edges>")?;
    for (k, e) in edges.into_iter().enumerate() {
        let (s, t) = d.graph.edge_endpoints(e).expect("edge");
        let x = &d.graph[e];
        let span = match (x.first, x.last) {
            (Some(f), Some(l)) => format!(r#" start="{}" end="{}""#, date_str(f), date_str(l)),
            _ => String::new(),
        };
        write!(
            w,
            r#"      <edge id="e{k}" source="{}" target="{}" label="{}" weight="{}"{span}"#,
            xml_escape(&d.graph[s].iri),
            xml_escape(&d.graph[t].iri),
            xml_escape(d.prop_local(x)),
            x.weight
        )?;
        match (x.first, x.last) {
            (Some(f), Some(l)) => writeln!(
                w,
                ">\n        <attvalues>\n          <attvalue for=\"first\" value=\"{}\"/>\n          <attvalue for=\"last\" value=\"{}\"/>\n        </attvalues>\n      </edge>",
                date_str(f),
                date_str(l)
            )?,
            _ => writeln!(w, "/>")?,
        }
    }
    writeln!(w, "    </edges>")?;
    writeln!(w, "  </graph>")?;
    writeln!(w, "</gexf>")
}

/// Graphviz shape and fill colour by class (or superclass).
fn dot_style(d: &Drawn, n: &Node) -> (&'static str, &'static str) {
    let mut names: Vec<&str> = Vec::new();
    for &c in n.classes.iter() {
        names.push(d.vocab.class_local(c));
        names.extend(
            d.vocab.supers[c as usize]
                .iter()
                .map(|&s| d.vocab.class_local(s)),
        );
    }
    let styles = [
        ("Person", "ellipse", "#fde2c8"),
        ("Character", "egg", "#fbe8f2"),
        ("Film", "box", "#d6e6fa"),
        ("CreativeWork", "note", "#d6e6fa"),
        ("Festival", "hexagon", "#e3d7f4"),
        ("Award", "octagon", "#fff2b3"),
        ("Premiere", "diamond", "#e3d7f4"),
        ("AwardEvent", "diamond", "#fff2b3"),
        ("Event", "diamond", "#eeeeee"),
        ("Publication", "tab", "#dff2df"),
        ("Organization", "component", "#dff2df"),
        ("Place", "house", "#d9f0ee"),
        ("Position", "parallelogram", "#f2f2f2"),
    ];
    for (class, shape, fill) in styles {
        if names.contains(&class) {
            return (shape, fill);
        }
    }
    ("ellipse", "#ffffff")
}

fn write_dot(d: &Drawn, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "digraph kgx {{")?;
    writeln!(
        w,
        "  graph [rankdir=LR, charset=\"UTF-8\", fontname=\"DejaVu Sans\", overlap=false];"
    )?;
    writeln!(
        w,
        "  node [fontname=\"DejaVu Sans\", fontsize=11, style=filled, color=\"#555555\"];"
    )?;
    writeln!(
        w,
        "  edge [fontname=\"DejaVu Sans\", fontsize=9, color=\"#666666\", fontcolor=\"#333333\"];"
    )?;
    let (nodes, edges) = d.sorted();
    for i in nodes {
        let n = &d.graph[i];
        let (shape, fill) = dot_style(d, n);
        let mut tooltip = format!("{} ({})", n.iri, d.node_type(n));
        if let Some(q) = &n.wikidata {
            tooltip.push_str(&format!(", wikidata {q}"));
        }
        writeln!(
            w,
            "  {} [label={}, shape={shape}, fillcolor=\"{fill}\", tooltip={}];",
            dot_quote(&n.iri),
            dot_quote(&n.label),
            dot_quote(&tooltip)
        )?;
    }
    for e in edges {
        let (s, t) = d.graph.edge_endpoints(e).expect("edge");
        let x = &d.graph[e];
        let mut tooltip = format!("{}: {} article(s)", d.prop_local(x), x.weight);
        if let (Some(f), Some(l)) = (x.first, x.last) {
            tooltip.push_str(&format!(", {} – {}", date_str(f), date_str(l)));
        }
        writeln!(
            w,
            "  {} -> {} [label={}, weight={}, penwidth={:.1}, tooltip={}];",
            dot_quote(&d.graph[s].iri),
            dot_quote(&d.graph[t].iri),
            dot_quote(d.prop_local(x)),
            x.weight,
            1.0 + (x.weight.min(5) as f32 - 1.0).max(0.0) * 0.5,
            dot_quote(&tooltip)
        )?;
    }
    writeln!(w, "}}")
}

fn node_json(d: &Drawn, i: NodeIndex) -> serde_json::Value {
    let n = &d.graph[i];
    let mut m = serde_json::Map::new();
    m.insert("id".into(), n.iri.as_ref().into());
    m.insert("label".into(), n.label.as_ref().into());
    m.insert("type".into(), d.node_type(n).into());
    if let Some(q) = &n.wikidata {
        m.insert("wikidata".into(), q.as_ref().into());
    }
    m.insert("degree".into(), d.degree(i).into());
    m.insert("articles".into(), n.articles.into());
    for (k, v) in n.attrs.iter() {
        m.insert(d.attr_keys[*k as usize].clone(), v.as_ref().into());
    }
    serde_json::Value::Object(m)
}

fn write_cytoscape(d: &Drawn, w: &mut dyn Write) -> io::Result<()> {
    let (nodes, edges) = d.sorted();
    write!(w, "{{\"elements\":{{\"nodes\":[")?;
    for (k, i) in nodes.into_iter().enumerate() {
        write!(w, "{}\n{{\"data\":", if k == 0 { "" } else { "," })?;
        serde_json::to_writer(&mut *w, &node_json(d, i))?;
        write!(w, "}}")?;
    }
    write!(w, "\n],\"edges\":[")?;
    for (k, e) in edges.into_iter().enumerate() {
        let (s, t) = d.graph.edge_endpoints(e).expect("edge");
        let x = &d.graph[e];
        let mut v = serde_json::json!({
            "id": format!("e{k}"),
            "source": d.graph[s].iri.as_ref(),
            "target": d.graph[t].iri.as_ref(),
            "label": d.prop_local(x),
            "weight": x.weight,
        });
        if let (Some(f), Some(l)) = (x.first, x.last) {
            v["first"] = date_str(f).into();
            v["last"] = date_str(l).into();
        }
        write!(w, "{}\n{{\"data\":", if k == 0 { "" } else { "," })?;
        serde_json::to_writer(&mut *w, &v)?;
        write!(w, "}}")?;
    }
    writeln!(w, "\n]}}}}")
}

fn write_csv_nodes(d: &Drawn, w: &mut dyn Write) -> io::Result<()> {
    let keys = d.used_attr_keys();
    let mut header = vec![
        "Id".to_string(),
        "Label".into(),
        "Type".into(),
        "Wikidata".into(),
        "Degree".into(),
        "Articles".into(),
    ];
    header.extend(keys.iter().map(|&k| csv_field(&d.attr_keys[k as usize])));
    writeln!(w, "{}", header.join(","))?;
    let (nodes, _) = d.sorted();
    for i in nodes {
        let n = &d.graph[i];
        let mut row = vec![
            csv_field(&n.iri),
            csv_field(&n.label),
            csv_field(d.node_type(n)),
            csv_field(n.wikidata.as_deref().unwrap_or("")),
            d.degree(i).to_string(),
            n.articles.to_string(),
        ];
        for &k in &keys {
            let v = n.attrs.iter().find(|(a, _)| *a == k).map(|(_, v)| &**v);
            row.push(csv_field(v.unwrap_or("")));
        }
        writeln!(w, "{}", row.join(","))?;
    }
    Ok(())
}

fn write_csv_edges(d: &Drawn, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "Source,Target,Type,Label,Weight,First,Last")?;
    let (_, edges) = d.sorted();
    for e in edges {
        let (s, t) = d.graph.edge_endpoints(e).expect("edge");
        let x = &d.graph[e];
        writeln!(
            w,
            "{},{},Directed,{},{},{},{}",
            csv_field(&d.graph[s].iri),
            csv_field(&d.graph[t].iri),
            csv_field(d.prop_local(x)),
            x.weight,
            x.first.map(date_str).unwrap_or_default(),
            x.last.map(date_str).unwrap_or_default()
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// RDF

fn rdf_format(f: ExportFormat) -> RdfFormat {
    match f {
        ExportFormat::Jsonld => RdfFormat::from_extension("jsonld").unwrap_or(RdfFormat::NTriples),
        ExportFormat::Ttl => RdfFormat::Turtle,
        ExportFormat::Nq => RdfFormat::NQuads,
        _ => RdfFormat::NTriples,
    }
}

/// Writes quads (or their triples, for the triple formats) and counts them.
struct RdfOut<W: Write> {
    ser: oxigraph::io::WriterQuadSerializer<W>,
    quads: bool,
    count: usize,
}

impl<W: Write> RdfOut<W> {
    fn new(format: ExportFormat, w: W) -> Result<RdfOut<W>> {
        let mut ser = RdfSerializer::from_format(rdf_format(format));
        // Turtle only: oxigraph's JSON-LD serializer writes expanded JSON-LD (no @context).
        if format == ExportFormat::Ttl {
            ser = crate::vocab::with_prefixes(ser).map_err(|e| Error::Other(e.to_string()))?;
        }
        Ok(RdfOut {
            ser: ser.for_writer(w),
            quads: format == ExportFormat::Nq,
            count: 0,
        })
    }

    fn write(&mut self, q: &Quad) -> io::Result<()> {
        self.count += 1;
        if self.quads {
            self.ser.serialize_quad(q)
        } else {
            self.ser
                .serialize_triple(TripleRef::new(&q.subject, &q.predicate, &q.object))
        }
    }
}

fn is_provenance(q: &Quad) -> bool {
    subject_iri(&q.subject).is_some_and(is_statement)
}

/// The whole store: every quad (nq), or every distinct triple, read predicate by predicate from
/// the `posg` index where a triple's copies in several graphs are adjacent.
fn write_rdf_store<W: Write>(kb: &Kb, args: &ExportArgs, out: &mut RdfOut<W>) -> Result<()> {
    let io = |e: io::Error| write_error(args.output.as_deref(), e);
    if out.quads {
        let union = GraphName::NamedNode(nn(crate::vocab::UNION_GRAPH));
        for q in scan(kb, None, None, None, None) {
            let q = q?;
            // The union graph is derived (each triple of the others, once): not dumped.
            if q.graph_name != union && !(args.no_provenance && is_provenance(&q)) {
                out.write(&q).map_err(io)?;
            }
        }
        return Ok(());
    }
    let mut predicates: BTreeSet<String> = BTreeSet::new();
    let mut last = String::new();
    for q in scan(kb, None, None, None, None) {
        let q = q?;
        if q.predicate.as_str() != last {
            last = q.predicate.as_str().to_string();
            predicates.insert(last.clone());
        }
    }
    for p in predicates {
        let pn = nn(&p);
        let mut prev: Option<(NamedOrBlankNode, Term)> = None;
        for q in scan(kb, None, Some(pn.as_ref()), None, None) {
            let q = q?;
            if args.no_provenance && is_provenance(&q) {
                continue;
            }
            if prev
                .as_ref()
                .is_some_and(|(s, o)| *s == q.subject && *o == q.object)
            {
                continue;
            }
            out.write(&q).map_err(io)?;
            prev = Some((q.subject.clone(), q.object.clone()));
        }
    }
    Ok(())
}

/// A chosen part: the kept entities' triples, the kept edges, their provenance and the articles
/// it cites, from the article graphs in range.
fn write_rdf_part<W: Write>(
    kb: &Kb,
    d: &Drawn,
    args: &ExportArgs,
    out: &mut RdfOut<W>,
) -> Result<()> {
    let io = |e: io::Error| write_error(args.output.as_deref(), e);
    // Whether the triple (s, p, o) of a kept entity s belongs to the part.
    let keep = |s: NodeIndex, p: &str, o: &Term| -> bool {
        match term_iri(o) {
            Some(o) if is_entity(o) => d.index.get(o).is_some_and(|&t| {
                d.graph
                    .edges_connecting(s, t)
                    .any(|e| d.vocab.props[e.weight().prop as usize] == p)
            }),
            _ => true,
        }
    };
    let (nodes, edges) = d.sorted();
    for &i in &nodes {
        let sn = nn(&d.graph[i].iri);
        let mut prev: Option<(NamedNode, Term)> = None;
        for q in scan(kb, Some(sn.as_ref().into()), None, None, None) {
            let q = q?;
            if d.allowed(&q.graph_name).is_none() || !keep(i, q.predicate.as_str(), &q.object) {
                continue;
            }
            if !out.quads
                && prev
                    .as_ref()
                    .is_some_and(|(p, o)| *p == q.predicate && *o == q.object)
            {
                continue;
            }
            out.write(&q).map_err(io)?;
            prev = Some((q.predicate.clone(), q.object.clone()));
        }
    }
    // Edges a CONSTRUCT derived that no article states: in the default graph.
    for &e in &edges {
        if d.graph[e].weight == 0 {
            let (s, t) = d.graph.edge_endpoints(e).expect("edge");
            out.write(&Quad::new(
                nn(&d.graph[s].iri),
                nn(&d.vocab.props[d.graph[e].prop as usize]),
                nn(&d.graph[t].iri),
                GraphName::DefaultGraph,
            ))
            .map_err(io)?;
        }
    }
    if args.no_provenance {
        return Ok(());
    }
    let rdf_subject = nn(&format!("{RDF}subject"));
    let rdf_predicate = format!("{RDF}predicate");
    let rdf_object = format!("{RDF}object");
    let mut cited: BTreeSet<String> = BTreeSet::new();
    for &i in &nodes {
        let sn = nn(&d.graph[i].iri);
        for q in scan(
            kb,
            None,
            Some(rdf_subject.as_ref()),
            Some(sn.as_ref().into()),
            None,
        ) {
            let q = q?;
            if d.allowed(&q.graph_name).is_none() {
                continue;
            }
            let NamedOrBlankNode::NamedNode(st) = &q.subject else {
                continue;
            };
            let record: Vec<Quad> = scan(
                kb,
                Some(st.as_ref().into()),
                None,
                None,
                Some(q.graph_name.as_ref()),
            )
            .collect::<Result<_>>()?;
            let p = record
                .iter()
                .find(|r| r.predicate.as_str() == rdf_predicate)
                .and_then(|r| term_iri(&r.object).map(str::to_string));
            let o = record
                .iter()
                .find(|r| r.predicate.as_str() == rdf_object)
                .map(|r| r.object.clone());
            let (Some(p), Some(o)) = (p, o) else {
                continue;
            };
            if !keep(i, &p, &o) {
                continue;
            }
            for r in &record {
                out.write(r).map_err(io)?;
            }
            if let Some(g) = graph_iri(&q.graph_name) {
                cited.insert(g.to_string());
            }
        }
    }
    for g in cited {
        let gn = nn(&g);
        for q in scan(
            kb,
            Some(gn.as_ref().into()),
            None,
            None,
            Some(gn.as_ref().into()),
        ) {
            let q = q?;
            let described = match &q.object {
                Term::Literal(_) => true,
                Term::NamedNode(o) => {
                    q.predicate.as_str() == format!("{RDF}type") || !is_entity(o.as_str())
                }
                _ => false,
            };
            if described {
                out.write(&q).map_err(io)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Entry point

fn csv_paths(output: &Path) -> (PathBuf, PathBuf) {
    if output.is_dir() {
        return (output.join("nodes.csv"), output.join("edges.csv"));
    }
    let s = output.to_string_lossy();
    let prefix = s.strip_suffix(".csv").unwrap_or(&s);
    (
        PathBuf::from(format!("{prefix}.nodes.csv")),
        PathBuf::from(format!("{prefix}.edges.csv")),
    )
}

fn create(path: &Path) -> Result<BufWriter<std::fs::File>> {
    std::fs::File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 16, f))
        .map_err(|e| Error::io(path, e))
}

/// An error writing `path` (None: stdout). The reader of stdout going away (`kgx export … |
/// head`) ends the process quietly, as in the other commands.
fn write_error(path: Option<&Path>, e: io::Error) -> Error {
    match path {
        Some(p) => Error::io(p, e),
        None if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        None => Error::Other(format!("writing output: {e}")),
    }
}

/// Runs `kgx export`: writes the chosen format to `-o` (or `out`) and reports what it wrote.
pub fn run(kb: &Kb, args: &ExportArgs, out: &mut dyn Write) -> Result<ExportReport> {
    if args.no_provenance && !args.format.is_rdf() {
        return Err(Error::Other(format!(
            "--no-provenance applies to the RDF formats (jsonld, ttl, nt, nq); {} never carries provenance",
            args.format.name()
        )));
    }
    if let (Some(s), Some(u)) = (&args.since, &args.until) {
        if s > u {
            return Err(Error::Other(format!(
                "--since {s} is after --until {u}: nothing would be exported"
            )));
        }
    }
    let focus = args
        .focus
        .as_deref()
        .map(|name| resolve_focus(kb, name))
        .transpose()?;
    let mut report = ExportReport {
        format: args.format.name(),
        focus: focus.clone(),
        ..ExportReport::default()
    };
    let whole = focus.is_none()
        && args.types.is_empty()
        && args.predicates.is_empty()
        && args.since.is_none()
        && args.until.is_none()
        && args.query.is_none();

    if args.format.is_rdf() {
        let drawn = if whole {
            None
        } else {
            Some(build(kb, args, focus.as_ref().map(|f| f.1.as_str()))?)
        };
        if let Some(d) = &drawn {
            report.nodes = d.graph.node_count();
            report.edges = d.graph.edge_count();
        }
        let target = args.output.as_deref();
        let count = match target {
            Some(path) => {
                let mut w = create(path)?;
                let n = write_rdf(kb, args, drawn.as_ref(), &mut w)?;
                w.flush().map_err(|e| write_error(target, e))?;
                report.files.push(path.to_path_buf());
                n
            }
            None => {
                let mut w = BufWriter::with_capacity(1 << 16, &mut *out);
                let n = write_rdf(kb, args, drawn.as_ref(), &mut w)?;
                w.flush().map_err(|e| write_error(None, e))?;
                n
            }
        };
        report.triples = Some(count);
        return Ok(report);
    }

    let d = build(kb, args, focus.as_ref().map(|f| f.1.as_str()))?;
    report.nodes = d.graph.node_count();
    report.edges = d.graph.edge_count();
    let write_to = |w: &mut dyn Write, which: u8| -> io::Result<()> {
        match args.format {
            ExportFormat::Graphml => write_graphml(&d, w),
            ExportFormat::Gexf => write_gexf(&d, w),
            ExportFormat::Dot => write_dot(&d, w),
            ExportFormat::Cytoscape => write_cytoscape(&d, w),
            ExportFormat::Csv if which == 1 => write_csv_nodes(&d, w),
            ExportFormat::Csv if which == 2 => write_csv_edges(&d, w),
            ExportFormat::Csv => {
                write_csv_nodes(&d, w)?;
                writeln!(w)?;
                write_csv_edges(&d, w)
            }
            _ => unreachable!("RDF formats are written above"),
        }
    };
    // A device or pipe given to -o (/dev/stdout, /dev/null, a FIFO) takes csv as one stream.
    let special = args
        .output
        .as_deref()
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|m| !m.is_dir() && !m.is_file());
    match (&args.output, args.format) {
        (Some(path), ExportFormat::Csv) if !special => {
            let (nodes, edges) = csv_paths(path);
            for (p, which) in [(nodes, 1), (edges, 2)] {
                let mut w = create(&p)?;
                write_to(&mut w, which)
                    .and_then(|_| w.flush())
                    .map_err(|e| write_error(Some(&p), e))?;
                report.files.push(p);
            }
        }
        (Some(path), _) => {
            let mut w = create(path)?;
            write_to(&mut w, 0)
                .and_then(|_| w.flush())
                .map_err(|e| write_error(Some(path), e))?;
            report.files.push(path.clone());
        }
        (None, _) => {
            let mut w = BufWriter::with_capacity(1 << 16, &mut *out);
            write_to(&mut w, 0)
                .and_then(|_| w.flush())
                .map_err(|e| write_error(None, e))?;
        }
    }
    Ok(report)
}

fn write_rdf<W: Write>(kb: &Kb, args: &ExportArgs, d: Option<&Drawn>, w: W) -> Result<usize> {
    let mut out = RdfOut::new(args.format, w)?;
    match d {
        None => write_rdf_store(kb, args, &mut out)?,
        Some(d) => write_rdf_part(kb, d, args, &mut out)?,
    }
    let count = out.count;
    out.ser
        .finish()
        .map_err(|e| write_error(args.output.as_deref(), e))?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        export: ExportArgs,
    }

    fn parse(args: &[&str]) -> std::result::Result<ExportArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("export").chain(args.iter().copied())).map(|c| c.export)
    }

    #[test]
    fn xml_escaping_keeps_unicode_and_escapes_markup() {
        assert_eq!(
            xml_escape(r#"Tom & "Jerry" <b>'s</b>"#),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;s&lt;/b&gt;"
        );
        assert_eq!(xml_escape("Ნინო Кирталадзе Zoë"), "Ნინო Кирталадзе Zoë");
        assert_eq!(xml_escape("a\nb\tc\r"), "a&#10;b&#9;c&#13;");
        assert_eq!(xml_escape("bell\u{7}"), "bell\u{fffd}");
    }

    #[test]
    fn dot_quoting_escapes_quotes_backslashes_and_newlines() {
        assert_eq!(dot_quote(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(dot_quote(r"a\b"), r#""a\\b""#);
        assert_eq!(dot_quote("two\nlines\r"), r#""two\nlines""#);
        assert_eq!(dot_quote("Ёлка & <Co>"), "\"Ёлка & <Co>\"");
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field(r#"the "Wave""#), r#""the ""Wave""""#);
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("L'Été Ёлки"), "L'Été Ёлки");
    }

    #[test]
    fn dates_bound_a_range() {
        assert_eq!(parse_since("2020").unwrap(), "2020-01-01");
        assert_eq!(parse_until("2020").unwrap(), "2020-12-31");
        assert_eq!(parse_since("2020-02").unwrap(), "2020-02-01");
        assert_eq!(parse_until("2020-02").unwrap(), "2020-02-31");
        assert_eq!(parse_until("2020-02-14").unwrap(), "2020-02-14");
        assert!(parse_since("20-1").is_err());
        assert!(parse_since("yesterday").is_err());
        assert_eq!(date_num("2021-02-24"), Some(20210224));
        assert_eq!(date_num("2021-02-24T10:00:00Z"), Some(20210224));
        assert_eq!(date_num("2021"), None);
        assert_eq!(date_str(20210224), "2021-02-24");
    }

    #[test]
    fn options_parse() {
        let a = parse(&[
            "--format",
            "gexf",
            "--focus",
            "Assel Aushakimova",
            "--depth",
            "2",
            "--types",
            "Person,Film",
            "--predicates",
            "directed,premieredAt",
            "--since",
            "2019",
            "--until",
            "2021-06",
            "-o",
            "g.gexf",
        ])
        .unwrap();
        assert_eq!(a.format, ExportFormat::Gexf);
        assert_eq!(a.focus.as_deref(), Some("Assel Aushakimova"));
        assert_eq!(a.depth, 2);
        assert_eq!(a.types, ["Person", "Film"]);
        assert_eq!(a.predicates, ["directed", "premieredAt"]);
        assert_eq!(a.since.as_deref(), Some("2019-01-01"));
        assert_eq!(a.until.as_deref(), Some("2021-06-31"));
        assert_eq!(a.output.as_deref(), Some(Path::new("g.gexf")));
        assert!(!a.no_provenance);
        // The depth defaults to 1 and needs a focus; the format is required.
        assert_eq!(
            parse(&["--format", "dot", "--focus", "x"]).unwrap().depth,
            1
        );
        assert!(parse(&["--format", "dot", "--depth", "2"]).is_err());
        assert!(parse(&[]).is_err());
        assert!(parse(&["--format", "svg"]).is_err());
        assert!(
            parse(&["--format", "nq", "--no-provenance"])
                .unwrap()
                .no_provenance
        );
        assert!(parse(&["--format", "nq", "--since", "June"]).is_err());
        for f in ["graphml", "gexf", "dot", "cytoscape", "csv"] {
            assert!(!parse(&["--format", f]).unwrap().format.is_rdf());
        }
        for f in ["jsonld", "ttl", "nt", "nq"] {
            assert!(parse(&["--format", f]).unwrap().format.is_rdf());
        }
    }

    #[test]
    fn csv_output_paths() {
        let (n, e) = csv_paths(Path::new("out/graph.csv"));
        assert_eq!(n, Path::new("out/graph.nodes.csv"));
        assert_eq!(e, Path::new("out/graph.edges.csv"));
        let (n, _) = csv_paths(Path::new("graph"));
        assert_eq!(n, Path::new("graph.nodes.csv"));
        let dir = std::env::temp_dir();
        assert_eq!(csv_paths(&dir).0, dir.join("nodes.csv"));
    }

    #[test]
    fn iris_are_classified() {
        assert!(is_entity("https://w3id.org/kgx/id/person/x"));
        assert!(!is_entity("https://w3id.org/kgx/article/x"));
        assert!(is_statement("https://w3id.org/kgx/article/x/fact/abc"));
        assert!(!is_statement("https://w3id.org/kgx/article/x"));
        assert_eq!(local("https://w3id.org/kgx/ontology#directed"), "directed");
    }

    #[test]
    fn most_specific_class_first() {
        let mut v = Vocab::default();
        let place = v.class("https://w3id.org/kgx/ontology#Place");
        let city = v.class("https://w3id.org/kgx/ontology#City");
        v.supers[city as usize].push(place);
        let mut cs = [place, city];
        v.order_classes(&mut cs);
        assert_eq!(v.class_local(cs[0]), "City");
    }

    #[test]
    fn memory_per_element_is_small() {
        // The figures the module documentation quotes (without the strings).
        assert!(
            std::mem::size_of::<Node>() <= 128,
            "{}",
            std::mem::size_of::<Node>()
        );
        assert!(
            std::mem::size_of::<Edge>() <= 24,
            "{}",
            std::mem::size_of::<Edge>()
        );
    }

    #[test]
    fn report_summary() {
        let r = ExportReport {
            format: "gexf",
            nodes: 13,
            edges: 16,
            focus: Some(("Assel Aushakimova".into(), "iri".into())),
            ..ExportReport::default()
        };
        assert_eq!(
            r.to_string(),
            "exported 13 nodes, 16 edges as gexf around Assel Aushakimova"
        );
        let r = ExportReport {
            format: "nq",
            triples: Some(2029),
            files: vec!["a.nq".into()],
            ..ExportReport::default()
        };
        assert_eq!(r.to_string(), "exported 2029 quads as nq to a.nq");
    }
}
