//! The persistent store: oxigraph on RocksDB, one named graph per article, the ontology in its own
//! graph. Writes are atomic per call: a failed ingest leaves the store as it was.

use crate::error::{Error, Result};
use crate::vocab::{article_iri, ARTICLE, ONTOLOGY_GRAPH};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::{StorageError, Store};
use std::path::{Path, PathBuf};

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
    pub quads_before: usize,
    pub quads_after: usize,
}

/// Counts shown by `kgx stats`.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    pub quads: usize,
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
        Ok(Kb {
            store,
            path: path.to_path_buf(),
        })
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
        tx.clear_graph(g.as_ref()).map_err(|e| self.err(e))?;
        for q in quads {
            tx.insert(
                Quad::new(
                    q.subject.clone(),
                    q.predicate.clone(),
                    q.object.clone(),
                    GraphName::NamedNode(g.clone()),
                )
                .as_ref(),
            );
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Replaces the graphs of these articles with their new quads, all in one transaction.
    pub fn replace_articles(&self, articles: &[(String, Vec<Quad>)]) -> Result<IngestReport> {
        let mut report = IngestReport {
            articles: articles.len(),
            quads_before: self.len()?,
            ..IngestReport::default()
        };
        let mut tx = self.store.start_transaction().map_err(|e| self.err(e))?;
        for (id, quads) in articles {
            let g = NamedNode::new_unchecked(article_iri(id));
            if tx
                .contains_named_graph(g.as_ref())
                .map_err(|e| self.err(e))?
            {
                report.replaced += 1;
                tx.remove_named_graph(g.as_ref()).map_err(|e| self.err(e))?;
            }
            tx.insert_named_graph(g.as_ref());
            for q in quads {
                tx.insert(q.as_ref());
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        report.quads_after = self.len()?;
        Ok(report)
    }

    /// The ids of the articles in the store.
    pub fn articles(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for g in self.store.named_graphs() {
            if let NamedOrBlankNode::NamedNode(n) = g.map_err(|e| self.err(e))? {
                if let Some(id) = n.as_str().strip_prefix(ARTICLE) {
                    out.push(id.to_string());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Number of quads in an article's graph.
    pub fn article_len(&self, id: &str) -> Result<usize> {
        let g = NamedNode::new_unchecked(article_iri(id));
        Ok(self
            .store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
            .count())
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
        let n = self.article_len(id)?;
        self.store
            .remove_named_graph(g.as_ref())
            .map_err(|e| self.err(e))?;
        Ok(n)
    }

    /// Parses a query, with the union of all graphs as the default graph unless the query names
    /// its own dataset (FROM / FROM NAMED).
    pub fn prepare(&self, sparql: &str) -> Result<oxigraph::sparql::PreparedSparqlQuery> {
        let mut q = SparqlEvaluator::new()
            .parse_query(sparql)
            .map_err(|e| Error::Query(e.to_string()))?;
        if q.dataset().is_default_dataset() {
            q.dataset_mut().set_default_graph_as_union();
        }
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
        let mut st = Stats {
            quads: self.len()?,
            articles: self.articles()?.len(),
            ..Stats::default()
        };
        st.entities = count(&format!("{p}SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH ?g {{ ?e a ?c }} FILTER(STRSTARTS(STR(?e), STR(kgxid:))) }}"))?;
        st.statements = count(&format!(
            "{p}SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE {{ GRAPH ?g {{ ?st a rdf:Statement }} }}"
        ))?;
        st.facts = count(&format!("{p}SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} FILTER(?p != rdf:type && ?p != kgx:mentions) }} }}"))?;
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
        st.by_type = pairs(&format!("{p}SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{ GRAPH ?g {{ ?e a ?c }} FILTER(STRSTARTS(STR(?e), STR(kgxid:))) }} GROUP BY ?c ORDER BY DESC(?n) ?c"))?;
        st.by_property = pairs(&format!("{p}SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} FILTER(?p != rdf:type && ?p != kgx:mentions) }} }} GROUP BY ?p ORDER BY DESC(?n) ?p"))?;
        Ok(st)
    }
}
