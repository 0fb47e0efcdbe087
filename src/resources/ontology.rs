//! The ontology (`ontologies/kgx.ttl`): which classes and properties exist, with their domains
//! and ranges. Rules may only emit terms defined here; facts whose subject or object does not
//! fit the property's domain or range are dropped.

use crate::error::{Error, Result};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Quad, Term};
use std::collections::{HashMap, HashSet};
use std::path::Path;

pub const NS: &str = "https://w3id.org/kgx/ontology#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const OWL: &str = "http://www.w3.org/2002/07/owl#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Whether a property links to entities or to literal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyKind {
    Object,
    Datatype,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub kind: PropertyKind,
    pub label: String,
    /// Class local names (empty: anything).
    pub domain: Vec<String>,
    /// Class local names for object properties; the xsd local name for datatype properties.
    pub range: Vec<String>,
    pub inverse_label: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Ontology {
    pub classes: HashSet<String>,
    pub properties: HashMap<String, Property>,
    /// Class local name → direct superclasses (local names).
    superclasses: HashMap<String, Vec<String>>,
    /// The ontology's triples, loaded into the store's ontology graph.
    pub quads: Vec<Quad>,
}

fn local(term: &str) -> Option<&str> {
    term.strip_prefix(NS)
}

impl Ontology {
    pub fn load(path: &Path) -> Result<Ontology> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let mut quads = Vec::new();
        for q in RdfParser::from_format(RdfFormat::Turtle).for_slice(&bytes) {
            let q = q.map_err(|e| {
                let line = e.location().map_or(0, |l| l.start.line as usize + 1);
                Error::Resource {
                    path: path.to_path_buf(),
                    line,
                    message: e.to_string(),
                }
            })?;
            quads.push(q);
        }
        let mut o = Ontology::from_quads(quads);
        if o.classes.is_empty() {
            return Err(Error::Resource {
                path: path.to_path_buf(),
                line: 1,
                message: "the ontology defines no owl:Class".into(),
            });
        }
        o.classes.insert("Article".into());
        Ok(o)
    }

    fn from_quads(quads: Vec<Quad>) -> Ontology {
        let mut by_subject: HashMap<String, Vec<(String, Term)>> = HashMap::new();
        let mut lists: HashMap<String, (Option<Term>, Option<Term>)> = HashMap::new();
        for q in &quads {
            let s = match &q.subject {
                NamedOrBlankNode::NamedNode(n) => n.as_str().to_string(),
                NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
            };
            let p = q.predicate.as_str().to_string();
            if p == RDF_FIRST {
                lists.entry(s.clone()).or_default().0 = Some(q.object.clone());
            } else if p == RDF_REST {
                lists.entry(s.clone()).or_default().1 = Some(q.object.clone());
            }
            by_subject.entry(s).or_default().push((p, q.object.clone()));
        }
        let term_key = |t: &Term| match t {
            Term::NamedNode(n) => n.as_str().to_string(),
            Term::BlankNode(b) => format!("_:{}", b.as_str()),
            Term::Literal(l) => l.value().to_string(),
        };
        // Expands a class expression (named class or owl:unionOf list) to class IRIs.
        let expand = |t: &Term| -> Vec<String> {
            let key = term_key(t);
            if let Term::NamedNode(_) = t {
                return vec![key];
            }
            let mut out = Vec::new();
            let Some(props) = by_subject.get(&key) else {
                return out;
            };
            for (p, o) in props {
                if p == &format!("{OWL}unionOf") {
                    let mut cur = Some(o.clone());
                    while let Some(node) = cur {
                        let k = term_key(&node);
                        match lists.get(&k) {
                            Some((first, rest)) => {
                                if let Some(f) = first {
                                    out.push(term_key(f));
                                }
                                cur = rest.clone();
                            }
                            None => break,
                        }
                    }
                }
            }
            out
        };
        let mut o = Ontology::default();
        for (s, props) in &by_subject {
            let Some(name) = local(s) else { continue };
            let types: Vec<String> = props
                .iter()
                .filter(|(p, _)| p == RDF_TYPE)
                .map(|(_, t)| term_key(t))
                .collect();
            let is = |t: &str| types.iter().any(|x| x == &format!("{OWL}{t}"));
            let label = props
                .iter()
                .find(|(p, _)| p == &format!("{RDFS}label"))
                .map(|(_, t)| term_key(t))
                .unwrap_or_else(|| name.to_string());
            if is("Class") {
                o.classes.insert(name.to_string());
                let supers = props
                    .iter()
                    .filter(|(p, _)| p == &format!("{RDFS}subClassOf"))
                    .flat_map(|(_, t)| expand(t))
                    .filter_map(|c| local(&c).map(str::to_string))
                    .collect();
                o.superclasses.insert(name.to_string(), supers);
            }
            let kind = if is("ObjectProperty") {
                Some(PropertyKind::Object)
            } else if is("DatatypeProperty") {
                Some(PropertyKind::Datatype)
            } else {
                None
            };
            if let Some(kind) = kind {
                let collect = |which: &str| -> Vec<String> {
                    props
                        .iter()
                        .filter(|(p, _)| p == &format!("{RDFS}{which}"))
                        .flat_map(|(_, t)| expand(t))
                        .filter_map(|c| {
                            local(&c)
                                .map(str::to_string)
                                .or_else(|| c.strip_prefix(XSD).map(str::to_string))
                        })
                        .collect()
                };
                let inverse_label = props
                    .iter()
                    .find(|(p, _)| p == &format!("{NS}inverseLabel"))
                    .map(|(_, t)| term_key(t));
                o.properties.insert(
                    name.to_string(),
                    Property {
                        name: name.to_string(),
                        kind,
                        label,
                        domain: collect("domain"),
                        range: collect("range"),
                        inverse_label,
                    },
                );
            }
        }
        o.quads = quads;
        o
    }

    /// Is `class` the class `ancestor` or one of its subclasses?
    pub fn is_subclass(&self, class: &str, ancestor: &str) -> bool {
        let mut stack = vec![class.to_string()];
        let mut seen = HashSet::new();
        while let Some(c) = stack.pop() {
            if c == ancestor {
                return true;
            }
            if seen.insert(c.clone()) {
                if let Some(s) = self.superclasses.get(&c) {
                    stack.extend(s.iter().cloned());
                }
            }
        }
        false
    }

    /// Does an instance of `class` fit a domain or range list (empty: anything)?
    pub fn fits(&self, class: &str, allowed: &[String]) -> bool {
        allowed.is_empty() || allowed.iter().any(|a| self.is_subclass(class, a))
    }

    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.get(name)
    }
}
