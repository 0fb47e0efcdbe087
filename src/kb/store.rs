//! The persistent store: oxigraph on RocksDB, one named graph per article, the ontology in its own
//! graph, and the *union graph*: every triple of the other graphs once, the default graph queries
//! see. Writes are atomic per call: a failed ingest leaves the store as it was.
//!
//! Why materialize the union: an entity named in a thousand articles has its label, type and facts
//! in a thousand article graphs. oxigraph's union default graph returns each copy, so every join
//! multiplies the copies of its patterns (a four-pattern query over popular entities ran out of
//! 24 GB on 10k articles). The union graph holds each triple once; every write that adds a quad
//! adds its union copy, and every write that removes quads releases the union triples no other
//! graph still holds, in the same transaction.

use crate::error::{Error, Result};
use crate::vocab::{article_iri, ARTICLE, ONTOLOGY_GRAPH, UNION_GRAPH};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef, Triple,
};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::{StorageError, Store, Transaction};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The union graph's name.
pub fn union_graph() -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked(UNION_GRAPH)
}

/// A quad's copy in the union graph.
pub fn union_copy(q: QuadRef<'_>) -> Quad {
    Quad::new(
        q.subject.into_owned(),
        q.predicate.into_owned(),
        q.object.into_owned(),
        union_graph().into_owned(),
    )
}

/// The triples of one graph, read in `tx` (what a write is about to remove from it).
pub fn graph_triples(
    tx: &Transaction<'_>,
    g: NamedNodeRef<'_>,
) -> std::result::Result<Vec<Triple>, StorageError> {
    tx.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g)))
        .map(|q| q.map(Triple::from))
        .collect()
}

/// Inserts a quad and its union copy.
pub fn insert_with_union(tx: &mut Transaction<'_>, q: QuadRef<'_>) {
    tx.insert(q);
    tx.insert(union_copy(q).as_ref());
}

/// After quads were removed from their graphs in `tx`: removes from the union graph each of
/// `triples` that no other graph (the store's own default graph included) still holds. Returns
/// how many left the union.
pub fn release_from_union(
    tx: &mut Transaction<'_>,
    triples: impl IntoIterator<Item = Triple>,
) -> std::result::Result<usize, StorageError> {
    let union = GraphName::NamedNode(union_graph().into_owned());
    let mut released = 0;
    for t in triples {
        let mut held = false;
        for q in tx.quads_for_pattern(
            Some(t.subject.as_ref()),
            Some(t.predicate.as_ref()),
            Some(t.object.as_ref()),
            None,
        ) {
            if q?.graph_name != union {
                held = true;
                break;
            }
        }
        if !held {
            tx.remove(QuadRef::new(
                t.subject.as_ref(),
                t.predicate.as_ref(),
                t.object.as_ref(),
                union_graph(),
            ));
            released += 1;
        }
    }
    Ok(released)
}

/// Rebuilds the union graph from every other graph (bulk loader: sorted files added in one step).
/// For stores written before the union graph existed, and after SPARQL updates, which write
/// graphs directly.
pub fn rebuild_union(store: &Store) -> std::result::Result<(), StorageError> {
    let g = union_graph();
    store.remove_named_graph(g)?;
    let mut failed: Option<StorageError> = None;
    let source = store
        .quads_for_pattern(None, None, None, None)
        .filter_map(|q| match q {
            Ok(q) if q.graph_name.as_ref() == GraphNameRef::NamedNode(g) => None,
            Ok(q) => Some(union_copy(q.as_ref())),
            Err(e) => {
                failed.get_or_insert(e);
                None
            }
        });
    let mut loader = store.bulk_loader();
    loader
        .load_quads(source)
        .map_err(|e| StorageError::Other(Box::new(e)))?;
    if let Some(e) = failed {
        return Err(e);
    }
    loader.commit()?;
    // An empty store still gets the (empty) graph: its presence says the union is maintained.
    store.insert_named_graph(g)?;
    Ok(())
}

/// Sets the default graph of a query that names no dataset to the union graph.
pub fn use_union_default(q: &mut oxigraph::sparql::PreparedSparqlQuery) {
    if q.dataset().is_default_dataset() {
        q.dataset_mut()
            .set_default_graph(vec![GraphName::NamedNode(union_graph().into_owned())]);
    }
}

/// A kgx knowledge base.
pub struct Kb {
    pub store: Store,
    pub path: PathBuf,
}

/// What one ingest changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IngestReport {
    pub articles: usize,
    /// Articles whose graph existed before and was replaced.
    pub replaced: usize,
}

/// Counts shown by `kgx stats`.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    /// Quads written (article, ontology and identity graphs), the union graph not counted.
    pub quads: usize,
    /// Distinct triples of the union graph, the default graph of queries.
    pub union_triples: usize,
    pub articles: usize,
    pub entities: usize,
    pub facts: usize,
    pub statements: usize,
    pub by_type: Vec<(String, usize)>,
    pub by_property: Vec<(String, usize)>,
}

fn store_error(path: &Path, e: StorageError) -> Error {
    let msg = e.to_string();
    if msg.contains("LOCK") || msg.contains("lock") {
        Error::StoreLocked {
            path: path.to_path_buf(),
        }
    } else {
        Error::Store {
            path: path.to_path_buf(),
            message: msg,
        }
    }
}

impl Kb {
    /// Opens (creating if needed) the store at `path` for reading and writing. Only one process
    /// may hold it; a second gets [`Error::StoreLocked`].
    pub fn open(path: &Path) -> Result<Kb> {
        if path.exists() && !path.is_dir() {
            return Err(Error::Store {
                path: path.to_path_buf(),
                message: "exists and is not a directory".into(),
            });
        }
        let store = Store::open(path).map_err(|e| store_error(path, e))?;
        let kb = Kb {
            store,
            path: path.to_path_buf(),
        };
        kb.ensure_union()?;
        Ok(kb)
    }

    /// Builds the union graph when the store has none (a store written before it existed).
    fn ensure_union(&self) -> Result<()> {
        let present = self
            .store
            .contains_named_graph(union_graph())
            .map_err(|e| self.err(e))?;
        if !present {
            rebuild_union(&self.store).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Triples in the union graph (the default graph queries see).
    pub fn union_len(&self) -> Result<usize> {
        let mut n = 0;
        for q in self.store.quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(union_graph())),
        ) {
            q.map_err(|e| self.err(e))?;
            n += 1;
        }
        Ok(n)
    }

    /// Quads outside the union graph: what was written (articles, ontology, identity).
    pub fn source_len(&self) -> Result<usize> {
        Ok(self.len()? - self.union_len()?)
    }

    /// Opens an existing store, failing clearly when there is none.
    pub fn open_existing(path: &Path) -> Result<Kb> {
        if !path.join("CURRENT").is_file() {
            return Err(Error::Store {
                path: path.to_path_buf(),
                message: "no kgx store here yet: run `kgx ingest PATH` first (or pass --store DIR)"
                    .into(),
            });
        }
        Kb::open(path)
    }

    fn err(&self, e: StorageError) -> Error {
        store_error(&self.path, e)
    }

    pub fn len(&self) -> Result<usize> {
        self.store.len().map_err(|e| self.err(e))
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Replaces the ontology graph with `quads` (when it differs).
    pub fn set_ontology(&self, quads: &[oxigraph::model::Quad]) -> Result<()> {
        let g = NamedNode::new_unchecked(ONTOLOGY_GRAPH);
        let current = self
            .store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
            .count();
        if current == quads.len() {
            return Ok(());
        }
        let mut tx = self.store.start_transaction().map_err(|e| self.err(e))?;
        let old = graph_triples(&tx, g.as_ref()).map_err(|e| self.err(e))?;
        tx.clear_graph(g.as_ref()).map_err(|e| self.err(e))?;
        for q in quads {
            let q = Quad::new(
                q.subject.clone(),
                q.predicate.clone(),
                q.object.clone(),
                GraphName::NamedNode(g.clone()),
            );
            insert_with_union(&mut tx, q.as_ref());
        }
        release_from_union(&mut tx, old).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Replaces the graphs of these articles with their new quads, all in one transaction.
    pub fn replace_articles(&self, articles: &[(String, Vec<Quad>)]) -> Result<IngestReport> {
        let mut report = IngestReport {
            articles: articles.len(),
            ..IngestReport::default()
        };
        let mut tx = self.store.start_transaction().map_err(|e| self.err(e))?;
        for (id, quads) in articles {
            let g = NamedNode::new_unchecked(article_iri(id));
            let mut old: Vec<Triple> = Vec::new();
            if tx
                .contains_named_graph(g.as_ref())
                .map_err(|e| self.err(e))?
            {
                report.replaced += 1;
                old = graph_triples(&tx, g.as_ref()).map_err(|e| self.err(e))?;
                tx.remove_named_graph(g.as_ref()).map_err(|e| self.err(e))?;
            }
            tx.insert_named_graph(g.as_ref());
            let mut new: HashSet<Triple> = HashSet::with_capacity(quads.len());
            for q in quads {
                insert_with_union(&mut tx, q.as_ref());
                new.insert(Triple::from(q.clone()));
            }
            release_from_union(&mut tx, old.into_iter().filter(|t| !new.contains(t)))
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(report)
    }

    /// The ids of the articles in the store.
    pub fn articles(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for g in self.store.named_graphs() {
            if let NamedOrBlankNode::NamedNode(n) = g.map_err(|e| self.err(e))? {
                // (the union graph's IRI is not under the article namespace)
                if let Some(id) = n.as_str().strip_prefix(ARTICLE) {
                    out.push(id.to_string());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Deletes an article's graph (exactly its facts). Returns the number of quads removed.
    pub fn remove_article(&self, id: &str) -> Result<usize> {
        let g = NamedNode::new_unchecked(article_iri(id));
        let exists = self
            .store
            .contains_named_graph(g.as_ref())
            .map_err(|e| self.err(e))?;
        if !exists {
            let known = self.articles()?;
            let hint = if known.is_empty() {
                "the store holds no articles".to_string()
            } else {
                format!(
                    "known articles: {}",
                    known
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(Error::Other(format!(
                "no article `{id}` in {} ({hint})",
                self.path.display()
            )));
        }
        let mut tx = self.store.start_transaction().map_err(|e| self.err(e))?;
        let old = graph_triples(&tx, g.as_ref()).map_err(|e| self.err(e))?;
        let n = old.len();
        tx.remove_named_graph(g.as_ref()).map_err(|e| self.err(e))?;
        release_from_union(&mut tx, old).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(n)
    }

    /// Parses a query, with the union of all graphs (the union graph: each triple once) as the
    /// default graph unless the query names its own dataset (FROM / FROM NAMED).
    pub fn prepare(&self, sparql: &str) -> Result<oxigraph::sparql::PreparedSparqlQuery> {
        let mut q = SparqlEvaluator::new()
            .parse_query(sparql)
            .map_err(|e| Error::Query(e.to_string()))?;
        use_union_default(&mut q);
        Ok(q)
    }

    pub fn query(&self, sparql: &str) -> Result<QueryResults<'static>> {
        self.prepare(sparql)?
            .on_store(&self.store)
            .execute()
            .map_err(|e| Error::Query(e.to_string()))
    }

    /// Runs a SELECT and returns its rows as strings (IRIs bare, literals by value); unbound → "".
    pub fn select(&self, sparql: &str) -> Result<Vec<Vec<String>>> {
        let QueryResults::Solutions(solutions) = self.query(sparql)? else {
            return Err(Error::Query("expected a SELECT query".into()));
        };
        let vars: Vec<_> = solutions.variables().to_vec();
        let mut rows = Vec::new();
        for s in solutions {
            let s = s.map_err(|e| Error::Query(e.to_string()))?;
            rows.push(
                vars.iter()
                    .map(|v| s.get(v).map(crate::kb::query::plain).unwrap_or_default())
                    .collect(),
            );
        }
        Ok(rows)
    }

    pub fn stats(&self) -> Result<Stats> {
        let count = |q: &str| -> Result<usize> {
            Ok(self
                .select(q)?
                .first()
                .and_then(|r| r.first())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        let p = crate::vocab::PREFIXES;
        let union = self.union_len()?;
        let mut st = Stats {
            union_triples: union,
            quads: self.len()? - union,
            articles: self.articles()?.len(),
            ..Stats::default()
        };
        st.entities = count(&format!("{p}SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?c FILTER(STRSTARTS(STR(?e), STR(kgxid:))) }}"))?;
        st.statements = count(&format!(
            "{p}SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ ?st a rdf:Statement }}"
        ))?;
        st.facts = count(&format!("{p}SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o FILTER(?p != rdf:type && ?p != kgx:mentions) }} }}"))?;
        let pairs = |q: &str| -> Result<Vec<(String, usize)>> {
            Ok(self
                .select(q)?
                .into_iter()
                .map(|r| {
                    (
                        r[0].rsplit(['#', '/']).next().unwrap_or("").to_string(),
                        r[1].parse().unwrap_or(0),
                    )
                })
                .collect())
        };
        st.by_type = pairs(&format!("{p}SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?c FILTER(STRSTARTS(STR(?e), STR(kgxid:))) }} GROUP BY ?c ORDER BY DESC(?n) ?c"))?;
        st.by_property = pairs(&format!("{p}SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o FILTER(?p != rdf:type && ?p != kgx:mentions) }} }} GROUP BY ?p ORDER BY DESC(?n) ?p"))?;
        Ok(st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, Term};

    fn quad(article: &str, s: &str, o: &str) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(format!("https://w3id.org/kgx/id/{s}")),
            NamedNode::new_unchecked("https://w3id.org/kgx/ontology#p"),
            Term::Literal(Literal::new_simple_literal(o)),
            NamedNode::new_unchecked(article_iri(article)),
        )
    }

    fn union(kb: &Kb) -> Vec<String> {
        let mut v: Vec<String> = kb
            .store
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(union_graph())),
            )
            .map(|q| {
                let q = q.unwrap();
                format!("{} {}", q.subject, q.object)
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn the_union_graph_holds_each_triple_once_and_follows_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let kb = Kb::open(dir.path()).unwrap();
        let shared = "<https://w3id.org/kgx/id/x> \"shared\"";
        let a1 = "<https://w3id.org/kgx/id/x> \"a1\"";
        let b1 = "<https://w3id.org/kgx/id/x> \"b1\"";
        let a2 = "<https://w3id.org/kgx/id/x> \"a2\"";
        kb.replace_articles(&[
            (
                "a".into(),
                vec![quad("a", "x", "shared"), quad("a", "x", "a1")],
            ),
            (
                "b".into(),
                vec![quad("b", "x", "shared"), quad("b", "x", "b1")],
            ),
        ])
        .unwrap();
        assert_eq!(union(&kb), [a1, b1, shared]);
        assert_eq!(kb.source_len().unwrap(), 4);
        // Queries see one row per triple.
        let rows = kb.select("SELECT ?o WHERE { ?s ?p ?o }").unwrap();
        assert_eq!(rows.len(), 3);
        // Replacing a releases what only its old version said.
        kb.replace_articles(&[(
            "a".into(),
            vec![quad("a", "x", "shared"), quad("a", "x", "a2")],
        )])
        .unwrap();
        assert_eq!(union(&kb), [a2, b1, shared]);
        // Removing b keeps what a still says.
        assert_eq!(kb.remove_article("b").unwrap(), 2);
        assert_eq!(union(&kb), [a2, shared]);
        assert_eq!(kb.remove_article("a").unwrap(), 2);
        assert!(union(&kb).is_empty());
        // A store without the graph (written before it existed) gets it rebuilt on open.
        kb.replace_articles(&[("c".into(), vec![quad("c", "x", "c1")])])
            .unwrap();
        kb.store.remove_named_graph(union_graph()).unwrap();
        drop(kb);
        let kb = Kb::open(dir.path()).unwrap();
        assert_eq!(union(&kb), ["<https://w3id.org/kgx/id/x> \"c1\""]);
    }
}
