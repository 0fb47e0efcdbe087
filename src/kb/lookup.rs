//! `kgx lookup NAME`: find an entity by a tolerant match on its label and aliases (case,
//! diacritics, Cyrillic transliteration, surname only, small typos) and show its card: types,
//! aliases, Wikidata link, relations out and in with their supporting sentences and articles, and
//! the person's direct quotations.

use crate::error::Result;
use crate::kb::store::Kb;
use crate::resources::gazetteer::fold;
use crate::vocab::PREFIXES;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub iri: String,
    pub label: String,
    /// Lower is better: 0 exact label, 1 exact alias, 2 one word of the name, 3 prefix or part,
    /// 4 a near spelling.
    pub rank: u32,
    pub matched: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Support {
    pub sentence: Option<String>,
    pub article: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub rule: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub property: String,
    /// The other end: its IRI (or the literal) and label.
    pub other: String,
    pub other_label: String,
    pub support: Vec<Support>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub iri: String,
    pub label: String,
    pub types: Vec<String>,
    pub aliases: Vec<String>,
    pub same_as: Vec<String>,
    pub outgoing: Vec<Link>,
    pub incoming: Vec<Link>,
    pub articles: Vec<String>,
    /// What the entity said (its direct quotations), oldest article first.
    pub quotes: Vec<QuoteLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteLine {
    pub text: String,
    pub article: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub rule: String,
}

/// Levenshtein distance, for typo tolerance.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn rank(query: &str, name: &str, is_label: bool) -> Option<u32> {
    let (q, n) = (fold(query), fold(name));
    if q.is_empty() || n.is_empty() {
        return None;
    }
    if q == n {
        return Some(if is_label { 0 } else { 1 });
    }
    let words: Vec<&str> = n.split(' ').collect();
    if words.contains(&q.as_str()) {
        return Some(2);
    }
    if n.starts_with(&q) || (q.len() >= 4 && n.contains(&q)) {
        return Some(3);
    }
    let budget = if q.len() >= 8 {
        2
    } else {
        usize::from(q.len() >= 4)
    };
    let near = std::iter::once(n.as_str())
        .chain(words.iter().copied())
        .any(|w| distance(&q, w) <= budget);
    near.then_some(4)
}

/// Entities whose label or alias matches `name`, best first.
pub fn candidates(kb: &Kb, name: &str) -> Result<Vec<Candidate>> {
    let rows = kb.select(&format!(
        "{PREFIXES}SELECT DISTINCT ?e ?label ?name ?isLabel WHERE {{
           {{ ?e rdfs:label ?name . BIND(true AS ?isLabel) }} UNION {{ ?e kgx:alias ?name . BIND(false AS ?isLabel) }}
           ?e rdfs:label ?label .
           FILTER(STRSTARTS(STR(?e), STR(kgxid:)))
         }}"
    ))?;
    let mut best: BTreeMap<String, Candidate> = BTreeMap::new();
    for r in rows {
        let Some(rk) = rank(name, &r[2], r[3] == "true") else {
            continue;
        };
        let c = Candidate {
            iri: r[0].clone(),
            label: r[1].clone(),
            rank: rk,
            matched: r[2].clone(),
        };
        match best.get(&c.iri) {
            Some(b) if b.rank <= rk => {}
            _ => {
                best.insert(c.iri.clone(), c);
            }
        }
    }
    let mut out: Vec<Candidate> = best.into_values().collect();
    // Ties: the entity supported by more articles first.
    let weight = |iri: &str| -> usize {
        kb.select(&format!(
            "{PREFIXES}SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ ?g kgx:mentions <{iri}> }}"
        ))
        .ok()
        .and_then(|r| r.first().and_then(|r| r[0].parse().ok()))
        .unwrap_or(0)
    };
    let mut weighted: Vec<(Candidate, usize)> = out
        .drain(..)
        .map(|c| {
            let w = weight(&c.iri);
            (c, w)
        })
        .collect();
    weighted.sort_by(|a, b| {
        a.0.rank
            .cmp(&b.0.rank)
            .then(b.1.cmp(&a.1))
            .then(a.0.label.cmp(&b.0.label))
    });
    Ok(weighted.into_iter().map(|(c, _)| c).collect())
}

fn local(iri: &str) -> String {
    iri.rsplit(['#', '/']).next().unwrap_or(iri).to_string()
}

fn links(kb: &Kb, iri: &str, outgoing: bool) -> Result<Vec<Link>> {
    let (me, other) = if outgoing {
        ("rdf:subject", "rdf:object")
    } else {
        ("rdf:object", "rdf:subject")
    };
    let rows = kb.select(&format!(
        "{PREFIXES}SELECT ?p ?o ?olabel ?sentence ?g ?title ?date ?rule WHERE {{
           ?st {me} <{iri}> ; rdf:predicate ?p ; {other} ?o ; kgx:rule ?rule ; kgx:article ?g .
           OPTIONAL {{ ?st kgx:sentence ?sentence }}
           FILTER(?p != rdf:type && ?p != kgx:mentions && ?p != kgx:speaker)
           OPTIONAL {{ ?o rdfs:label|kgx:title ?olabel }}
           OPTIONAL {{ ?g kgx:title ?title }}
           OPTIONAL {{ ?g kgx:datePublished ?date }}
         }} ORDER BY ?p ?o ?date ?g"
    ))?;
    let mut grouped: BTreeMap<(String, String), Link> = BTreeMap::new();
    for r in rows {
        let key = (local(&r[0]), r[1].clone());
        let link = grouped.entry(key.clone()).or_insert_with(|| Link {
            property: key.0.clone(),
            other: r[1].clone(),
            other_label: if r[2].is_empty() {
                r[1].clone()
            } else {
                r[2].clone()
            },
            support: Vec::new(),
        });
        let s = Support {
            sentence: Some(r[3].clone()).filter(|s| !s.is_empty()),
            article: local(&r[4]),
            title: Some(r[5].clone()).filter(|s| !s.is_empty()),
            date: Some(r[6].clone()).filter(|s| !s.is_empty()),
            rule: r[7].clone(),
        };
        if !link
            .support
            .iter()
            .any(|x| x.sentence == s.sentence && x.article == s.article)
        {
            link.support.push(s);
        }
    }
    Ok(grouped.into_values().collect())
}

/// The card of one entity.
pub fn card(kb: &Kb, iri: &str) -> Result<Card> {
    let col = |q: &str| -> Result<Vec<String>> {
        let mut v: Vec<String> = kb.select(q)?.into_iter().map(|r| r[0].clone()).collect();
        v.sort();
        v.dedup();
        Ok(v)
    };
    let label = col(&format!(
        "{PREFIXES}SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}"
    ))?
    .into_iter()
    .next()
    .unwrap_or_default();
    Ok(Card {
        iri: iri.to_string(),
        label,
        types: col(&format!("{PREFIXES}SELECT ?t WHERE {{ <{iri}> a ?t }}"))?
            .iter()
            .map(|t| local(t))
            .collect(),
        aliases: col(&format!(
            "{PREFIXES}SELECT ?a WHERE {{ <{iri}> kgx:alias ?a }}"
        ))?,
        same_as: col(&format!(
            "{PREFIXES}SELECT ?w WHERE {{ <{iri}> owl:sameAs ?w }}"
        ))?,
        outgoing: links(kb, iri, true)?,
        incoming: links(kb, iri, false)?,
        articles: col(&format!(
            "{PREFIXES}SELECT ?g WHERE {{ ?g kgx:mentions <{iri}> }} ORDER BY ?g"
        ))?
        .iter()
        .map(|g| local(g))
        .collect(),
        quotes: quotes(kb, iri)?,
    })
}

fn quotes(kb: &Kb, iri: &str) -> Result<Vec<QuoteLine>> {
    let rows = kb.select(&format!(
        "{PREFIXES}SELECT ?q ?text ?g ?title ?date ?rule WHERE {{
           ?q kgx:speaker <{iri}> ; kgx:quotedText ?text ; kgx:quotedIn ?g .
           OPTIONAL {{ ?st rdf:subject ?q ; rdf:predicate kgx:speaker ; kgx:rule ?rule }}
           OPTIONAL {{ ?g kgx:title ?title }}
           OPTIONAL {{ ?g kgx:datePublished ?date }}
         }} ORDER BY ?date ?g ?q"
    ))?;
    let mut out: Vec<QuoteLine> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in rows {
        if !seen.insert(r[0].clone()) {
            continue;
        }
        out.push(QuoteLine {
            text: r[1].clone(),
            article: local(&r[2]),
            title: Some(r[3].clone()).filter(|s| !s.is_empty()),
            date: Some(r[4].clone()).filter(|s| !s.is_empty()),
            rule: r[5].clone(),
        });
    }
    Ok(out)
}

/// The card as text for the terminal.
pub fn render(card: &Card, inverse_label: &dyn Fn(&str) -> Option<String>) -> String {
    let mut s = String::new();
    s.push_str(&format!("{}  [{}]\n", card.label, card.types.join(", ")));
    s.push_str(&format!("  iri:      {}\n", card.iri));
    if !card.aliases.is_empty() {
        s.push_str(&format!("  aliases:  {}\n", card.aliases.join(", ")));
    }
    for w in &card.same_as {
        s.push_str(&format!("  wikidata: {w}\n"));
    }
    s.push_str(&format!("  articles: {}\n", card.articles.join(", ")));
    let mut section = |title: &str, links: &[Link], inverse: bool| {
        if links.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title}\n"));
        let mut last = String::new();
        for l in links {
            let name = if inverse {
                inverse_label(&l.property).unwrap_or_else(|| format!("← {}", l.property))
            } else {
                l.property.clone()
            };
            if name != last {
                s.push_str(&format!("  {name}\n"));
                last = name;
            }
            s.push_str(&format!("    {}\n", l.other_label));
            for sup in &l.support {
                let when = sup
                    .date
                    .as_deref()
                    .map(|d| format!(", {d}"))
                    .unwrap_or_default();
                let title = sup.title.as_deref().unwrap_or(&sup.article);
                match &sup.sentence {
                    Some(sen) => s.push_str(&format!(
                        "      “{sen}”\n        — {title}{when} [{}]\n",
                        sup.rule
                    )),
                    None => s.push_str(&format!("      — {title}{when} [{}]\n", sup.rule)),
                }
            }
        }
    };
    section("Relations", &card.outgoing, false);
    section("Referenced by", &card.incoming, true);
    if !card.quotes.is_empty() {
        s.push_str("\nQuotes\n");
        for q in &card.quotes {
            let when = q
                .date
                .as_deref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default();
            let title = q.title.as_deref().unwrap_or(&q.article);
            s.push_str(&format!(
                "  “{}”\n    — {title}{when} [{}]\n",
                q.text, q.rule
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_ranking() {
        assert_eq!(rank("aushakimova", "Assel Aushakimova", true), Some(2));
        assert_eq!(
            rank("Assel Aushakimova", "Assel Aushakimova", true),
            Some(0)
        );
        assert_eq!(rank("Aushakimov", "Assel Aushakimova", true), Some(3));
        assert_eq!(rank("Aushakinova", "Assel Aushakimova", true), Some(4));
        assert_eq!(rank("Аушакимова", "Assel Aushakimova", true), Some(2));
        assert_eq!(rank("Almaty", "Assel Aushakimova", true), None);
    }
}
