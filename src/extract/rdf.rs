//! RDF: an extraction → quads in the article's named graph, with one `rdf:Statement` provenance
//! record per (fact, evidence). See `docs/data-model.md`.

use crate::extract::event;
use crate::model::{Extraction, Subject, Value};
use crate::vocab::{article_iri, entity_iri, stable_hash, term, GEONAMES, OWL, RDF, RDFS, WD, XSD};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

fn nn(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

fn typed(value: impl Into<String>, dt: &str) -> Term {
    Literal::new_typed_literal(value, nn(&format!("{XSD}{dt}"))).into()
}

/// Byte → character offsets of a text.
struct Chars(Vec<u32>);

impl Chars {
    fn new(text: &str) -> Chars {
        let mut v = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (i, c) in text.char_indices() {
            for k in 0..c.len_utf8() {
                v[i + k] = n;
            }
            n += 1;
        }
        v[text.len()] = n;
        Chars(v)
    }
    fn at(&self, byte: usize) -> i64 {
        i64::from(self.0[byte.min(self.0.len() - 1)])
    }
}

/// The quads of one article.
pub fn quads(x: &Extraction) -> Vec<Quad> {
    let article = nn(&article_iri(&x.article.id));
    let graph = GraphName::NamedNode(article.clone());
    let mut out = Vec::new();
    let mut add = |s: NamedNode, p: &str, o: Term| {
        out.push(Quad::new(
            NamedOrBlankNode::NamedNode(s),
            nn(p),
            o,
            graph.clone(),
        ));
    };
    let entity_node = |e: usize| nn(&entity_iri(x.entities[e].ty, &x.entities[e].label));

    // The article node.
    add(
        article.clone(),
        &format!("{RDF}type"),
        nn(&term("Article")).into(),
    );
    if !x.article.title.is_empty() {
        add(
            article.clone(),
            &term("title"),
            Literal::new_simple_literal(&x.article.title).into(),
        );
    }
    if let Some(u) = &x.article.url {
        add(
            article.clone(),
            &term("url"),
            Literal::new_simple_literal(u).into(),
        );
    }
    if let Some(a) = &x.article.author {
        add(
            article.clone(),
            &term("author"),
            Literal::new_simple_literal(a).into(),
        );
    }
    add(
        article.clone(),
        &term("sourceFile"),
        Literal::new_simple_literal(&x.article.source).into(),
    );

    // Entities: label, aliases, links.
    for (e, ent) in x.entities.iter().enumerate() {
        if !x.is_emitted(e) {
            continue;
        }
        let node = entity_node(e);
        add(
            node.clone(),
            &format!("{RDFS}label"),
            Literal::new_simple_literal(&ent.label).into(),
        );
        for a in &ent.aliases {
            add(
                node.clone(),
                &term("alias"),
                Literal::new_simple_literal(a).into(),
            );
        }
        if let Some(q) = &ent.wikidata {
            add(
                node.clone(),
                &format!("{OWL}sameAs"),
                nn(&format!("{WD}{q}")).into(),
            );
        }
        if let Some(g) = &ent.geonames {
            add(
                node.clone(),
                &format!("{RDFS}seeAlso"),
                nn(&format!("{GEONAMES}{g}/")).into(),
            );
        }
    }

    // Facts and their provenance.
    let chars = Chars::new(&x.text);
    let mut statements: Vec<(NamedNode, String, Term, crate::model::Evidence)> = Vec::new();
    for f in &x.facts {
        let s = match f.subject {
            Subject::Article => article.clone(),
            Subject::Entity(e) => entity_node(e),
        };
        let (p, o): (String, Term) = match (&f.property[..], &f.object) {
            ("type", Value::Text(c)) => (format!("{RDF}type"), nn(&term(c)).into()),
            (p, Value::Entity(e)) => (term(p), entity_node(*e).into()),
            (p, Value::Year(y)) => (term(p), typed(y.to_string(), "gYear")),
            (p, Value::Date(d)) => (term(p), typed(d.clone(), "date")),
            (p, Value::Text(t)) => (term(p), Literal::new_simple_literal(t).into()),
        };
        add(s.clone(), &p, o.clone());
        // `article mentions entity` is itself provenance, at article level; where the article
        // names the entity is on the entity's type statement (same evidence). A statement of
        // its own would repeat that sentence: a third of an article's quads, for nothing.
        if f.property == "mentions" {
            continue;
        }
        for ev in &f.evidence {
            statements.push((s.clone(), p.clone(), o.clone(), ev.clone()));
        }
    }

    // Events: the n-ary premiere and award nodes; their type triple carries the provenance of
    // the edge each was built from.
    for ev in event::events(x) {
        let node = nn(&ev.iri);
        let class = term(ev.class);
        add(node.clone(), &format!("{RDF}type"), nn(&class).into());
        for (p, d) in &ev.details {
            let o: Term = match d {
                event::Detail::Entity(e) => entity_node(*e).into(),
                event::Detail::Year(y) => typed(y.to_string(), "gYear"),
                event::Detail::Text(t) => Literal::new_simple_literal(t).into(),
            };
            add(node.clone(), &term(p), o);
        }
        for e in &ev.evidence {
            statements.push((
                node.clone(),
                format!("{RDF}type"),
                nn(&class).into(),
                e.clone(),
            ));
        }
    }

    // Quotes: the words, the speaker and the article; the speaker triple carries the provenance
    // of the attribution.
    for q in &x.quotes {
        if !x.is_emitted(q.speaker) {
            continue;
        }
        let node = nn(&format!(
            "{}/quote/{}",
            article.as_str(),
            chars.at(q.span.start)
        ));
        add(
            node.clone(),
            &format!("{RDF}type"),
            nn(&term("Quote")).into(),
        );
        add(
            node.clone(),
            &term("quotedText"),
            Literal::new_simple_literal(&q.text).into(),
        );
        add(node.clone(), &term("quotedIn"), article.clone().into());
        let speaker: Term = entity_node(q.speaker).into();
        add(node.clone(), &term("speaker"), speaker.clone());
        statements.push((node, term("speaker"), speaker, q.evidence.clone()));
    }

    // Provenance: one rdf:Statement per (triple, evidence).
    for (s, p, o, ev) in &statements {
        let key = format!(
            "{s}|{p}|{o}|{:?}|{}|{}",
            ev.sentence, ev.span.start, ev.rule
        );
        let st = nn(&format!(
            "{}/fact/{:016x}",
            article.as_str(),
            stable_hash(&key)
        ));
        add(
            st.clone(),
            &format!("{RDF}type"),
            nn(&format!("{RDF}Statement")).into(),
        );
        add(st.clone(), &format!("{RDF}subject"), s.clone().into());
        add(st.clone(), &format!("{RDF}predicate"), nn(p).into());
        add(st.clone(), &format!("{RDF}object"), o.clone());
        add(
            st.clone(),
            &term("rule"),
            Literal::new_simple_literal(&ev.rule).into(),
        );
        add(
            st.clone(),
            &term("confidence"),
            typed(format!("{:.2}", ev.confidence), "decimal"),
        );
        add(st.clone(), &term("article"), article.clone().into());
        if let Some(si) = ev.sentence {
            let sp = x.sentences[si].span;
            add(
                st.clone(),
                &term("sentence"),
                Literal::new_simple_literal(&x.text[sp.start..sp.end]).into(),
            );
            add(
                st.clone(),
                &term("sentenceStart"),
                typed(chars.at(sp.start).to_string(), "integer"),
            );
            add(
                st.clone(),
                &term("sentenceEnd"),
                typed(chars.at(sp.end).to_string(), "integer"),
            );
            add(
                st.clone(),
                &term("matchStart"),
                typed(chars.at(ev.span.start).to_string(), "integer"),
            );
            add(
                st.clone(),
                &term("matchEnd"),
                typed(chars.at(ev.span.end).to_string(), "integer"),
            );
        }
    }
    // Sorted for stable output; the key is built once per quad, not once per comparison.
    out.sort_by_cached_key(|q| q.to_string());
    out.dedup();
    out
}
