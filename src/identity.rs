//! Identity across articles: which node of the store an article's entity is.
//!
//! Extraction mints an IRI from the entity's class and canonical label, so the same spelling is
//! the same node in every article. At ingest, before an article's quads are written, this stage
//! goes further, with an index of the entities already in the store:
//!
//! - **Spelling variants merge.** A person, organization or place whose label has the same
//!   *variant key* as a known one of its class (transliteration folded: Aliyev/Aliev,
//!   Yerzhanov/Erzhanov, Odessa/Odesa, Dzhumabaeva/Jumabaeva) takes the known node's IRI; the
//!   article's spelling becomes a `kgx:alias` of it.
//! - **Same title, different film.** A film whose title is known but whose year or director
//!   contradicts every known film of that title gets a node of its own (`film/beginning-1970`).
//!
//! Every such decision is written into the article's graph as a `kgx:IdentityDecision` (the IRI
//! as extracted, the IRI resolved to, the label, the reason), so it is explained, queryable, and
//! removed with the article. `kgx identity split` undoes a merge and records that the two must
//! stay apart (graph `https://w3id.org/kgx/graph/identity`), which later ingests respect.

use crate::error::{Error, Result};
use crate::kb::store::{insert_with_union, release_from_union, Kb};
use crate::model::{Extraction, Subject, Value};
use crate::vocab::{article_iri, class_segment, entity_iri, stable_hash, term, OWL, RDF, RDFS};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The graph holding user decisions that two nodes are different entities.
pub const IDENTITY_GRAPH: &str = "https://w3id.org/kgx/graph/identity";

/// What identity resolution needs to know of one entity of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub iri: String,
    pub class: &'static str,
    pub label: String,
    pub years: BTreeSet<i32>,
    /// IRIs of the people the article says directed it (films only).
    pub directors: BTreeSet<String>,
}

/// The notes of an extraction's emitted entities.
pub fn notes(x: &Extraction) -> Vec<Note> {
    let mut out: Vec<Note> = Vec::new();
    let mut at: HashMap<usize, usize> = HashMap::new();
    for (e, ent) in x.entities.iter().enumerate() {
        if !x.is_emitted(e) {
            continue;
        }
        at.insert(e, out.len());
        out.push(Note {
            iri: entity_iri(ent.ty, &ent.label),
            class: class_segment(ent.ty),
            label: ent.label.clone(),
            years: BTreeSet::new(),
            directors: BTreeSet::new(),
        });
    }
    for f in &x.facts {
        match (f.subject, f.property.as_str(), &f.object) {
            (Subject::Entity(e), "year", Value::Year(y)) => {
                if let Some(&i) = at.get(&e) {
                    out[i].years.insert(*y);
                }
            }
            (Subject::Entity(p), "directed", Value::Entity(film)) => {
                if let (Some(&i), Some(&d)) = (at.get(film), at.get(&p)) {
                    let director = out[d].iri.clone();
                    out[i].directors.insert(director);
                }
            }
            _ => {}
        }
    }
    out
}

/// The transliteration-folded form of a name: spellings that differ only in how a Cyrillic or
/// other non-Latin name was romanised share it.
pub fn variant_key(label: &str) -> String {
    let folded = deunicode::deunicode(label).to_lowercase();
    let mut words = Vec::new();
    for w in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut w = w
            .replace("dzh", "j")
            .replace("kh", "h")
            .replace("ph", "f")
            .replace('w', "v")
            .replace('y', "i");
        // Doubled letters: Odessa/Odesa, Aliiev (from Aliyev)/Aliev.
        let mut collapsed = String::with_capacity(w.len());
        for c in w.chars() {
            if !collapsed.ends_with(c) {
                collapsed.push(c);
            }
        }
        w = collapsed;
        // Ie-/E- (Yerzhanov/Erzhanov), -off/-ov (Smirnoff/Smirnov).
        if w.starts_with("ie") {
            w.remove(0);
        }
        if w.len() > 3 && w.ends_with("of") {
            w.truncate(w.len() - 2);
            w.push_str("ov");
        }
        words.push(w);
    }
    words.join(" ")
}

/// Classes whose spelling variants merge. Films and works do not: near-identical titles are
/// often different works.
fn merges_variants(class: &str, label: &str) -> bool {
    match class {
        // A full name, not a bare surname: "Aliev" alone could be anyone.
        "person" => label.split_whitespace().count() >= 2,
        "organization" | "place" | "festival" => true,
        _ => false,
    }
}

#[derive(Debug, Clone, Default)]
struct FilmSig {
    years: BTreeSet<i32>,
    directors: BTreeSet<String>,
}

impl FilmSig {
    /// Whether `other` cannot be the same film: both give years and none is shared, or both
    /// give directors and none is shared.
    fn contradicts(&self, other: &FilmSig) -> bool {
        fn apart<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> bool {
            !a.is_empty() && !b.is_empty() && a.is_disjoint(b)
        }
        apart(&self.years, &other.years) || apart(&self.directors, &other.directors)
    }
}

fn join<T: ToString>(s: &BTreeSet<T>) -> String {
    s.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
}

/// How one article's entities map onto the store's nodes.
#[derive(Debug, Default, Clone)]
pub struct Resolution {
    /// Extracted IRI → resolved IRI (only the ones that change).
    pub map: HashMap<String, String>,
    /// Resolved IRIs whose label in this article is a variant: written as `kgx:alias`.
    pub aliased: HashSet<String>,
    /// The decision records, in the article's graph.
    pub records: Vec<Quad>,
}

/// The entities known so far: the store's, then each ingested article's.
#[derive(Debug, Default)]
pub struct Index {
    by_key: HashMap<(String, String), String>,
    labels: HashMap<String, String>,
    /// Film IRI minted from the title alone → the film nodes of that title.
    films: HashMap<String, Vec<String>>,
    sigs: HashMap<String, FilmSig>,
    /// Pairs a user split: never merge again.
    apart: HashSet<(String, String)>,
}

fn class_of(iri: &str) -> Option<&str> {
    iri.strip_prefix(crate::vocab::ID)?.split('/').next()
}

impl Index {
    /// Reads every entity label, film year and director, and split decision of the store.
    pub fn load(kb: &Kb) -> Result<Index> {
        let mut index = Index::default();
        let label = NamedNode::new_unchecked(format!("{RDFS}label"));
        let year = NamedNode::new_unchecked(term("year"));
        let directed = NamedNode::new_unchecked(term("directed"));
        let extracted = NamedNode::new_unchecked(term("extractedAs"));
        let apart = NamedNode::new_unchecked(format!("{OWL}differentFrom"));
        let err = |e: oxigraph::store::StorageError| Error::Store {
            path: kb.path.clone(),
            message: e.to_string(),
        };
        // Labels, years and directors are read from the union graph: each triple once.
        let union = GraphNameRef::NamedNode(crate::kb::store::union_graph());
        let mut base_of: HashMap<String, String> = HashMap::new();
        // Kept-apart decisions tell which base title a disambiguated film node belongs to.
        for q in kb
            .store
            .quads_for_pattern(None, Some(extracted.as_ref()), None, None)
        {
            let q = q.map_err(err)?;
            let resolved = kb
                .store
                .quads_for_pattern(
                    Some(q.subject.as_ref()),
                    Some(NamedNodeRef::new_unchecked(&term("resolvedTo"))),
                    None,
                    None,
                )
                .next()
                .transpose()
                .map_err(err)?;
            if let (Term::NamedNode(from), Some(to)) = (&q.object, resolved) {
                if let Term::NamedNode(to) = to.object {
                    base_of.insert(to.as_str().to_string(), from.as_str().to_string());
                }
            }
        }
        for q in kb
            .store
            .quads_for_pattern(None, Some(label.as_ref()), None, Some(union))
        {
            let q = q.map_err(err)?;
            let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (&q.subject, &q.object) else {
                continue;
            };
            if !s.as_str().starts_with(crate::vocab::ID) {
                continue;
            }
            let iri = s.as_str().to_string();
            index.know(&iri, l.value(), base_of.get(&iri).cloned());
        }
        for q in kb
            .store
            .quads_for_pattern(None, Some(year.as_ref()), None, Some(union))
        {
            let q = q.map_err(err)?;
            if let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (&q.subject, &q.object) {
                if let (Some(sig), Ok(y)) = (index.sigs.get_mut(s.as_str()), l.value().parse()) {
                    sig.years.insert(y);
                }
            }
        }
        for q in kb
            .store
            .quads_for_pattern(None, Some(directed.as_ref()), None, Some(union))
        {
            let q = q.map_err(err)?;
            if let (NamedOrBlankNode::NamedNode(s), Term::NamedNode(o)) = (&q.subject, &q.object) {
                if let Some(sig) = index.sigs.get_mut(o.as_str()) {
                    sig.directors.insert(s.as_str().to_string());
                }
            }
        }
        let g = NamedNodeRef::new_unchecked(IDENTITY_GRAPH);
        for q in kb.store.quads_for_pattern(
            None,
            Some(apart.as_ref()),
            None,
            Some(GraphNameRef::NamedNode(g)),
        ) {
            let q = q.map_err(err)?;
            if let (NamedOrBlankNode::NamedNode(a), Term::NamedNode(b)) = (&q.subject, &q.object) {
                index.apart.insert((a.as_str().into(), b.as_str().into()));
                index.apart.insert((b.as_str().into(), a.as_str().into()));
            }
        }
        Ok(index)
    }

    /// Records a node (its first label wins as the canonical one for its key).
    fn know(&mut self, iri: &str, label: &str, film_base: Option<String>) {
        let Some(class) = class_of(iri) else { return };
        self.labels
            .entry(iri.to_string())
            .or_insert_with(|| label.to_string());
        if merges_variants(class, label) {
            self.by_key
                .entry((class.to_string(), variant_key(label)))
                .or_insert_with(|| iri.to_string());
        }
        if class == "film" {
            let base = film_base.unwrap_or_else(|| iri.to_string());
            let nodes = self.films.entry(base).or_default();
            if !nodes.iter().any(|n| n == iri) {
                nodes.push(iri.to_string());
            }
            self.sigs.entry(iri.to_string()).or_default();
        }
    }

    /// Decides the node of each of an article's entities, and learns them.
    pub fn resolve(&mut self, article_id: &str, notes: &[Note]) -> Resolution {
        let mut r = Resolution::default();
        let article = article_iri(article_id);
        // People, organizations and places first, so that film directors compare resolved.
        for n in notes.iter().filter(|n| n.class != "film") {
            if !merges_variants(n.class, &n.label) {
                continue;
            }
            let key = (n.class.to_string(), variant_key(&n.label));
            match self.by_key.get(&key) {
                Some(known)
                    if *known != n.iri && !self.apart.contains(&(n.iri.clone(), known.clone())) =>
                {
                    let canonical = self.labels.get(known).cloned().unwrap_or_default();
                    r.map.insert(n.iri.clone(), known.clone());
                    r.aliased.insert(known.clone());
                    r.records.extend(record(
                        &article,
                        "merged",
                        n,
                        known,
                        &format!(
                            "spelling variant of “{canonical}” (both read “{}” with transliteration folded)",
                            key.1
                        ),
                    ));
                }
                Some(known) if *known != n.iri => {
                    let known = self
                        .labels
                        .get(known)
                        .cloned()
                        .unwrap_or_else(|| known.clone());
                    r.records.extend(record(
                        &article,
                        "kept apart",
                        n,
                        &n.iri.clone(),
                        &format!(
                            "a spelling variant of “{known}”, but a user split the two (owl:differentFrom in the identity graph)"
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    self.by_key.insert(key, n.iri.clone());
                    self.labels.insert(n.iri.clone(), n.label.clone());
                }
            }
        }
        for n in notes.iter().filter(|n| n.class == "film") {
            let incoming = FilmSig {
                years: n.years.clone(),
                directors: n
                    .directors
                    .iter()
                    .map(|d| r.map.get(d).cloned().unwrap_or_else(|| d.clone()))
                    .collect(),
            };
            // The base node first, then the others by name: the choice must not depend on the
            // order the store lists its nodes in, or re-ingesting an article could move it.
            let mut candidates = self.films.get(&n.iri).cloned().unwrap_or_default();
            candidates.sort_by(|a, b| (*a != n.iri, a).cmp(&(*b != n.iri, b)));
            let mut contradicted = false;
            let mut chosen = None;
            for c in &candidates {
                if self.apart.contains(&(n.iri.clone(), c.clone())) && *c != n.iri {
                    continue;
                }
                if self.sigs.get(c).is_some_and(|s| s.contradicts(&incoming)) {
                    contradicted = true;
                } else {
                    chosen = Some(c.clone());
                    break;
                }
            }
            // The reason names only the title's base node and this article's own evidence, so
            // re-ingesting an article records the same decision, whatever came in between.
            let base = n.iri.rsplit('/').next().unwrap_or(&n.iri).to_string();
            let mut own = Vec::new();
            if !incoming.years.is_empty() {
                own.push(format!("year {}", join(&incoming.years)));
            }
            if !incoming.directors.is_empty() {
                let names: BTreeSet<&str> = incoming
                    .directors
                    .iter()
                    .map(|d| d.rsplit('/').next().unwrap_or(d))
                    .collect();
                own.push(format!("directed by {}", join(&names)));
            }
            let reason = format!(
                "same title as {base}, but another film: this article gives {}",
                own.join(", ")
            );
            let target = match chosen {
                Some(c) if c != n.iri => {
                    r.records
                        .extend(record(&article, "kept apart", n, &c, &reason));
                    c
                }
                Some(c) => c,
                None if !contradicted => n.iri.clone(),
                None => {
                    let mut fresh = match incoming.years.iter().next() {
                        Some(y) => format!("{}-{y}", n.iri),
                        None => format!("{}-2", n.iri),
                    };
                    let mut k = 2;
                    while candidates.contains(&fresh) || self.sigs.contains_key(&fresh) {
                        k += 1;
                        fresh = format!("{}-{k}", n.iri);
                    }
                    r.records
                        .extend(record(&article, "kept apart", n, &fresh, &reason));
                    fresh
                }
            };
            if target != n.iri {
                r.map.insert(n.iri.clone(), target.clone());
            }
            let nodes = self.films.entry(n.iri.clone()).or_default();
            if !nodes.contains(&target) {
                nodes.push(target.clone());
            }
            let sig = self.sigs.entry(target.clone()).or_default();
            sig.years.extend(incoming.years.iter().copied());
            sig.directors.extend(incoming.directors.iter().cloned());
            self.labels.entry(target).or_insert_with(|| n.label.clone());
        }
        r
    }
}

/// The IRI of the decision about the entity an article's spelling gives as `extracted`.
fn record_node(article: &str, extracted: &str) -> NamedNode {
    NamedNode::new_unchecked(format!(
        "{article}/identity/{:016x}",
        stable_hash(extracted)
    ))
}

/// One `kgx:IdentityDecision` record.
fn record(article: &str, decision: &str, n: &Note, resolved: &str, reason: &str) -> Vec<Quad> {
    let graph = GraphName::NamedNode(NamedNode::new_unchecked(article));
    let node = record_node(article, &n.iri);
    let q = |p: String, o: Term| {
        Quad::new(
            NamedOrBlankNode::NamedNode(node.clone()),
            NamedNode::new_unchecked(p),
            o,
            graph.clone(),
        )
    };
    let lit = |s: &str| Term::Literal(Literal::new_simple_literal(s));
    let iri = |s: &str| Term::NamedNode(NamedNode::new_unchecked(s));
    vec![
        q(format!("{RDF}type"), iri(&term("IdentityDecision"))),
        q(term("decision"), lit(decision)),
        q(term("extractedAs"), iri(&n.iri)),
        q(term("resolvedTo"), iri(resolved)),
        q(term("decisionLabel"), lit(&n.label)),
        q(term("reason"), lit(reason)),
    ]
}

/// Applies a resolution to an article's quads: IRIs mapped, variant labels turned into aliases,
/// the decision records added.
pub fn apply(quads: Vec<Quad>, r: &Resolution) -> Vec<Quad> {
    if r.map.is_empty() && r.records.is_empty() {
        return quads;
    }
    let label = format!("{RDFS}label");
    let alias = NamedNode::new_unchecked(term("alias"));
    let map_node = |n: &NamedNode| r.map.get(n.as_str()).map(NamedNode::new_unchecked);
    let mut out: Vec<Quad> = quads
        .into_iter()
        .map(|mut q| {
            let mut renamed = false;
            if let NamedOrBlankNode::NamedNode(s) = &q.subject {
                if let Some(t) = map_node(s) {
                    q.subject = NamedOrBlankNode::NamedNode(t);
                    renamed = true;
                }
            }
            if let Term::NamedNode(o) = &q.object {
                if let Some(t) = map_node(o) {
                    q.object = Term::NamedNode(t);
                }
            }
            if renamed && q.predicate.as_str() == label {
                if let NamedOrBlankNode::NamedNode(s) = &q.subject {
                    if r.aliased.contains(s.as_str()) {
                        q.predicate = alias.clone();
                    }
                }
            }
            q
        })
        .collect();
    out.extend(r.records.iter().cloned());
    out
}

/// One identity decision, as `kgx identity list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Decision {
    pub article: String,
    pub decision: String,
    pub label: String,
    pub extracted: String,
    pub resolved: String,
    pub reason: String,
}

/// Every identity decision in the store, by article.
pub fn decisions(kb: &Kb) -> Result<Vec<Decision>> {
    let q = format!(
        "SELECT ?g ?d ?l ?x ?r ?why WHERE {{ GRAPH ?g {{ ?n a <{t}> ; <{d}> ?d ; <{l}> ?l ; \
         <{x}> ?x ; <{r}> ?r ; <{w}> ?why }} FILTER(STRSTARTS(STR(?g), \"{a}\")) }} \
         ORDER BY ?g ?l",
        a = crate::vocab::ARTICLE,
        t = term("IdentityDecision"),
        d = term("decision"),
        l = term("decisionLabel"),
        x = term("extractedAs"),
        r = term("resolvedTo"),
        w = term("reason"),
    );
    let rows = kb.select(&q)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let v = |i: usize| row.get(i).cloned().unwrap_or_default();
            Decision {
                article: v(0)
                    .strip_prefix(crate::vocab::ARTICLE)
                    .unwrap_or_default()
                    .to_string(),
                decision: v(1),
                label: v(2),
                extracted: v(3),
                resolved: v(4),
                reason: v(5),
            }
        })
        .collect())
}

/// Undoes the merges of `name` (an extracted IRI, or the label as an article wrote it): in each
/// article that merged it, the entity gets its own node back, and the store remembers that the
/// two are different (`owl:differentFrom` in the identity graph), so later ingests keep them
/// apart. Returns the decisions undone. One transaction: all or nothing.
pub fn split(kb: &Kb, name: &str) -> Result<Vec<Decision>> {
    let folded = crate::resources::gazetteer::fold(name);
    let targets: Vec<Decision> = decisions(kb)?
        .into_iter()
        .filter(|d| {
            d.decision == "merged"
                && (d.extracted == name || crate::resources::gazetteer::fold(&d.label) == folded)
        })
        .collect();
    if targets.is_empty() {
        return Err(Error::Other(format!(
            "no merge of `{name}` in {} (`kgx identity list` shows the decisions)",
            kb.path.display()
        )));
    }
    let err = |e: oxigraph::store::StorageError| Error::Store {
        path: kb.path.clone(),
        message: e.to_string(),
    };
    let alias = term("alias");
    let label = NamedNode::new_unchecked(format!("{RDFS}label"));
    let decision = term("decision");
    let reason = term("reason");
    let identity = NamedNode::new_unchecked(IDENTITY_GRAPH);
    let mut tx = kb.store.start_transaction().map_err(err)?;
    let mut removed: Vec<Triple> = Vec::new();
    for d in &targets {
        let graph = NamedNode::new_unchecked(article_iri(&d.article));
        let quads: Vec<Quad> = tx
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .collect::<std::result::Result<_, _>>()
            .map_err(err)?;
        let from = NamedNode::new_unchecked(d.resolved.as_str());
        let to = NamedNode::new_unchecked(d.extracted.as_str());
        let this_record =
            NamedOrBlankNode::NamedNode(record_node(&article_iri(&d.article), &d.extracted));
        for q in quads {
            let mut n = q.clone();
            let is_record = matches!(&n.subject, NamedOrBlankNode::NamedNode(s) if s.as_str().contains("/identity/"));
            if is_record {
                // Decision records keep their IRIs; this decision's says it was split.
                if n.subject == this_record && n.predicate.as_str() == decision {
                    n.object = Term::Literal(Literal::new_simple_literal("split"));
                }
                if n.subject == this_record && n.predicate.as_str() == reason {
                    n.object = Term::Literal(Literal::new_simple_literal(format!(
                        "split by `kgx identity split` (was: {})",
                        d.reason
                    )));
                }
                if n != q {
                    tx.remove(q.as_ref());
                    insert_with_union(&mut tx, n.as_ref());
                    removed.push(Triple::from(q));
                }
                continue;
            }
            if n.subject == NamedOrBlankNode::NamedNode(from.clone()) {
                n.subject = NamedOrBlankNode::NamedNode(to.clone());
                if n.predicate.as_str() == alias
                    && matches!(&n.object, Term::Literal(l) if l.value() == d.label)
                {
                    n.predicate = label.clone();
                }
            }
            if n.object == Term::NamedNode(from.clone()) {
                n.object = Term::NamedNode(to.clone());
            }
            if n != q {
                tx.remove(q.as_ref());
                insert_with_union(&mut tx, n.as_ref());
                removed.push(Triple::from(q));
            }
        }
        insert_with_union(
            &mut tx,
            Quad::new(
                to.clone(),
                NamedNode::new_unchecked(format!("{OWL}differentFrom")),
                from.clone(),
                GraphName::NamedNode(identity.clone()),
            )
            .as_ref(),
        );
    }
    // The union graph keeps what other articles still say of the merged node, and loses the rest.
    release_from_union(&mut tx, removed).map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_variants_share_a_key() {
        for (a, b) in [
            ("Ruslan Aliyev", "Ruslan Aliev"),
            ("Adilkhan Yerzhanov", "Adilkhan Erzhanov"),
            ("Odessa", "Odesa"),
            ("Gulshat Dzhumabaeva", "Gulshat Jumabaeva"),
            ("Ivan Smirnoff", "Ivan Smirnov"),
            ("Dvortsevoy", "Dvortsevoi"),
        ] {
            assert_eq!(variant_key(a), variant_key(b), "{a} / {b}");
        }
        for (a, b) in [
            ("Assel Aushakimova", "Assel Aushakimov"),
            ("Anna Smirnova", "Anna Smirnov"),
            ("Almaty", "Aktau"),
        ] {
            assert_ne!(variant_key(a), variant_key(b), "{a} / {b}");
        }
    }

    fn note(iri: &str, label: &str, years: &[i32], directors: &[&str]) -> Note {
        Note {
            iri: iri.into(),
            class: class_of(iri).map_or("", |c| match c {
                "person" => "person",
                "film" => "film",
                _ => "place",
            }),
            label: label.into(),
            years: years.iter().copied().collect(),
            directors: directors.iter().map(|d| d.to_string()).collect(),
        }
    }

    const ID: &str = crate::vocab::ID;

    #[test]
    fn variants_merge_and_same_titles_stay_apart() {
        let mut index = Index::default();
        let aliyev = format!("{ID}person/ruslan-aliyev");
        let aliev = format!("{ID}person/ruslan-aliev");
        let panfilov = format!("{ID}person/gleb-panfilov");
        let kulumbegashvili = format!("{ID}person/dea-kulumbegashvili");
        let film = format!("{ID}film/beginning");
        let r = index.resolve(
            "a",
            &[
                note(&aliyev, "Ruslan Aliyev", &[], &[]),
                note(&kulumbegashvili, "Dea Kulumbegashvili", &[], &[]),
                note(&film, "Beginning", &[2020], &[&kulumbegashvili]),
            ],
        );
        assert!(r.map.is_empty() && r.records.is_empty());
        let r = index.resolve(
            "b",
            &[
                note(&aliev, "Ruslan Aliev", &[], &[]),
                note(&panfilov, "Gleb Panfilov", &[], &[]),
                note(&film, "Beginning", &[1970], &[&panfilov]),
            ],
        );
        assert_eq!(r.map.get(&aliev), Some(&aliyev));
        assert!(r.aliased.contains(&aliyev));
        assert_eq!(r.map.get(&film), Some(&format!("{film}-1970")));
        assert_eq!(r.records.len(), 12, "two decisions of six triples");
        // A third article about the 2020 film, with no year but its director: the first node.
        let r = index.resolve(
            "c",
            &[
                note(&kulumbegashvili, "Dea Kulumbegashvili", &[], &[]),
                note(&film, "Beginning", &[], &[&kulumbegashvili]),
            ],
        );
        assert!(r.map.is_empty(), "{:?}", r.map);
        // And one naming the 1970 one by its year: the second node.
        let r = index.resolve("d", &[note(&film, "Beginning", &[1970], &[])]);
        assert_eq!(r.map.get(&film), Some(&format!("{film}-1970")));
        assert_eq!(
            r.records.len(),
            6,
            "the decision is recorded in this article too"
        );
    }

    #[test]
    fn split_pairs_are_respected() {
        let mut index = Index::default();
        let a = format!("{ID}person/ruslan-aliyev");
        let b = format!("{ID}person/ruslan-aliev");
        index.apart.insert((b.clone(), a.clone()));
        index.resolve("x", &[note(&a, "Ruslan Aliyev", &[], &[])]);
        let r = index.resolve("y", &[note(&b, "Ruslan Aliev", &[], &[])]);
        assert!(r.map.is_empty());
    }
}
