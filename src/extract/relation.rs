//! Relations: pattern rules over each sentence's typed view, then inference rules over the facts
//! of the article. Every fact is checked against the ontology's domain and range before it is
//! kept; the same fact from several places keeps all its evidence.

use crate::extract::entity;
use crate::extract::mention::in_sentence;
use crate::extract::view::View;
use crate::model::{Entity, EntityType, Evidence, Extraction, Fact, Mention, Span, Subject, Value};
use crate::resources::gazetteer::{fold, Target};
use crate::resources::ontology::PropertyKind;
use crate::resources::rules::{list_members, Atom, FactSpec, Ref, Rule, RuleKind};
use crate::resources::Resources;
use std::collections::HashMap;

/// A resolved fact term.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Article,
    Entity(usize),
    Literal(String),
}

/// Collects facts, merging evidence of equal facts and dropping those the ontology forbids.
#[derive(Debug, Default)]
pub struct Facts {
    pub facts: Vec<Fact>,
    index: HashMap<(Subject, String, Value), usize>,
    /// Facts dropped by the ontology check, with the reason (shown by `extract --explain`).
    pub rejected: Vec<String>,
}

impl Facts {
    pub fn from(facts: Vec<Fact>) -> Facts {
        let mut f = Facts::default();
        for fact in facts {
            for ev in fact.evidence.clone() {
                f.push(fact.subject, &fact.property, fact.object.clone(), ev);
            }
        }
        f
    }

    pub fn push(&mut self, s: Subject, p: &str, o: Value, ev: Evidence) {
        let key = (s, p.to_string(), o.clone());
        match self.index.get(&key) {
            Some(&i) => {
                let f = &mut self.facts[i];
                if !f
                    .evidence
                    .iter()
                    .any(|e| e.rule == ev.rule && e.span == ev.span)
                {
                    f.evidence.push(ev);
                }
            }
            None => {
                self.index.insert(key, self.facts.len());
                self.facts.push(Fact {
                    subject: s,
                    property: p.to_string(),
                    object: o,
                    evidence: vec![ev],
                });
            }
        }
    }

    pub fn contains(&self, s: Subject, p: &str, o: &Value) -> bool {
        self.index.contains_key(&(s, p.to_string(), o.clone()))
    }
}

fn class_of(entities: &[Entity], s: Subject) -> &'static str {
    match s {
        Subject::Article => "Article",
        Subject::Entity(e) => entities[e].ty.as_str(),
    }
}

/// Builds a checked fact from resolved terms, or says why it is not one.
fn make_fact(
    res: &Resources,
    entities: &[Entity],
    s: &Node,
    p: &str,
    o: &Node,
) -> Result<(Subject, Value), String> {
    let prop = res
        .ontology
        .property(p)
        .ok_or_else(|| format!("unknown property {p}"))?;
    let subject = match s {
        Node::Article => Subject::Article,
        Node::Entity(e) => Subject::Entity(*e),
        Node::Literal(l) => return Err(format!("literal `{l}` cannot be a subject")),
    };
    if !res.ontology.fits(class_of(entities, subject), &prop.domain) {
        return Err(format!(
            "{} is not in the domain of {p}",
            class_of(entities, subject)
        ));
    }
    let object = match (prop.kind, o) {
        (PropertyKind::Object, Node::Entity(e)) => {
            if Subject::Entity(*e) == subject {
                return Err(format!("{p} would link an entity to itself"));
            }
            if !res.ontology.fits(entities[*e].ty.as_str(), &prop.range) {
                return Err(format!("{} is not in the range of {p}", entities[*e].ty));
            }
            Value::Entity(*e)
        }
        (PropertyKind::Datatype, Node::Literal(l)) => {
            let l = l.trim();
            match prop.range.first().map(String::as_str) {
                Some("gYear") => {
                    Value::Year(l.parse().map_err(|_| format!("`{l}` is not a year"))?)
                }
                Some("date") => Value::Date(
                    crate::extract::read::parse_date(l)
                        .ok_or_else(|| format!("`{l}` is not a date"))?,
                ),
                _ => Value::Text(l.to_lowercase()),
            }
        }
        _ => return Err(format!("{p}: wrong kind of object")),
    };
    Ok((subject, object))
}

/// Finds or creates the entity a `o_type`/`o_label` template names.
fn new_entity(entities: &mut Vec<Entity>, ty: EntityType, label: String) -> usize {
    if let Some(i) = entities
        .iter()
        .position(|e| e.ty.identity() == ty.identity() && e.label == label)
    {
        return i;
    }
    entities.push(Entity::new(ty, label));
    entities.len() - 1
}

/// Runs every fact-emitting pattern rule over every sentence, then reads the genres of the films
/// an anaphor calls by their genre ([`anaphor_genres`]).
pub fn pattern_facts(x: &mut Extraction, res: &Resources, facts: &mut Facts) {
    let rules: Vec<&Rule> = res.rules.rules.iter().filter(|r| r.emits_facts()).collect();
    for si in 0..x.sentences.len() {
        let span = x.sentences[si].span;
        let view = View::build(&x.text, span, &in_sentence(&x.mentions, si));
        let simple = view.simplified();
        for view in std::iter::once(&view).chain(simple.as_ref()) {
            sentence_facts(x, res, facts, &rules, si, view);
        }
    }
    anaphor_genres(x, facts);
}

/// The rule id of the genre a film anaphor names (`extract --explain`, per-rule statistics).
pub const ANAPHOR_GENRE_RULE: &str = "coref.genre-of-anaphor";

/// Head nouns of film anaphora (data/rules/coref.toml) that name a genre.
const GENRE_HEADS: [&str; 6] = [
    "documentary",
    "drama",
    "comedy",
    "tragicomedy",
    "melodrama",
    "thriller",
];

/// A film the text calls by its genre ("The drama stars …", "Lungu's tragicomedy, set among …",
/// "the Georgian documentary") is of that genre: the anaphor's head noun, once the anaphor is
/// resolved to its film ("the drama of exile" names none).
fn anaphor_genres(x: &Extraction, facts: &mut Facts) {
    for m in x
        .mentions
        .iter()
        .filter(|m| m.anaphor && m.ty == EntityType::Film)
    {
        let Some(e) = m.entity else { continue };
        let head = m.text.rsplit(' ').next().unwrap_or("").to_lowercase();
        // "the drama of exile" is no film's genre.
        if !GENRE_HEADS.contains(&head.as_str()) || x.text[m.span.end..].starts_with(" of ") {
            continue;
        }
        let ev = Evidence {
            sentence: Some(m.sentence),
            span: m.span,
            rule: ANAPHOR_GENRE_RULE.to_string(),
            confidence: 0.7,
        };
        facts.push(Subject::Entity(e), "genre", Value::Text(head), ev);
    }
}

/// Runs the rules over one view of sentence `si`.
fn sentence_facts(
    x: &mut Extraction,
    res: &Resources,
    facts: &mut Facts,
    rules: &[&Rule],
    si: usize,
    view: &View,
) {
    let present = res.rules.prefilter.present(&view.text);
    for rule in rules.iter().filter(|r| r.may_match(&present)) {
        let RuleKind::Pattern {
            regex,
            facts: specs,
            literal_slots,
            list_slots,
            ..
        } = &rule.kind
        else {
            continue;
        };
        for caps in regex.get().captures_iter(&view.text) {
            let m0 = caps.get(0).expect("group 0");
            if rule.guard.rejects_match(&view.text, &m0) {
                continue;
            }
            let whole = view.orig(m0.start(), m0.end());
            let ev = Evidence {
                sentence: Some(si),
                span: whole,
                rule: rule.id.clone(),
                confidence: rule.confidence,
            };
            for spec in specs {
                let vetoed = spec.label_tests.iter().any(|t| {
                    let labelled = t.slots.iter().any(|slot| {
                        caps.name(slot)
                            .and_then(|g| View::first_marker(g.as_str()))
                            .and_then(|m| x.mentions.get(m)?.entity)
                            .is_some_and(|e| {
                                let e = &x.entities[e];
                                t.found_in(std::iter::once(&e.label).chain(&e.aliases))
                            })
                    });
                    labelled != t.wanted
                });
                if vetoed {
                    continue;
                }
                let resolve = |r: &Ref, x: &mut Extraction| -> Vec<Node> {
                    if let Ref::Slot(name) = r {
                        if let (Some(types), Some(g)) = (list_slots.get(name), caps.name(name)) {
                            return list_members(g.as_str(), types)
                                .filter_map(|m| x.mentions.get(m)?.entity)
                                .map(Node::Entity)
                                .collect();
                        }
                    }
                    let at = (si, whole.start);
                    resolve_ref(r, &caps, view, literal_slots, x, facts, at)
                        .into_iter()
                        .collect()
                };
                let subjects = resolve(&spec.s, x);
                for o in resolve(&spec.o, x) {
                    let o = festival_for_city(x, res, &spec.p, o);
                    let o = relative_year(x, &spec.p, o);
                    for s in &subjects {
                        emit(x, res, facts, spec, s, &o, ev.clone());
                    }
                }
            }
        }
    }
}

/// Metonymy: "premiered at Cannes", "competed at Karlovy Vary". When a property takes festivals
/// but not places (`premieredAt`) and the object is a city the gazetteer gives exactly one
/// festival for, the object becomes that festival (found among the article's entities, else
/// added), and the city is emitted only if another fact uses it. Properties that take places too
/// (`screenedAt`) keep the city.
fn festival_for_city(x: &mut Extraction, res: &Resources, p: &str, o: Node) -> Node {
    let Node::Entity(e) = o else {
        return o;
    };
    let Some(prop) = res.ontology.property(p) else {
        return o;
    };
    let city = &x.entities[e];
    if city.ty != EntityType::City
        || city.gazetteer.is_none()
        || res.ontology.fits(city.ty.as_str(), &prop.range)
        || !res
            .ontology
            .fits(EntityType::Festival.as_str(), &prop.range)
    {
        return o;
    }
    let Some(g) = res.gazetteer.festival_in(&city.label) else {
        return o;
    };
    // The city stood for its festival: it is no place of the article unless a fact of its own
    // (or another reading of another mention) uses it.
    x.entities[e].implicit = true;
    if let Some(i) = x.entities.iter().position(|e| e.gazetteer == Some(g)) {
        return Node::Entity(i);
    }
    x.entities.push(entity::gazetteer_entity(
        res,
        g,
        EntityType::Festival,
        false,
    ));
    Node::Entity(x.entities.len() - 1)
}

/// A `year` given as a phrase ("premiered last November") becomes the year it names, seen from the
/// article's date; without a date the phrase stays and the ontology check drops it.
fn relative_year(x: &Extraction, p: &str, o: Node) -> Node {
    match (&o, x.article.date.as_deref()) {
        (Node::Literal(l), Some(date))
            if p == "year" && !l.trim().starts_with(|c: char| c.is_ascii_digit()) =>
        {
            crate::extract::read::relative_year(l, date).map_or(o, |y| Node::Literal(y.to_string()))
        }
        _ => o,
    }
}

fn emit(
    x: &Extraction,
    res: &Resources,
    facts: &mut Facts,
    spec: &FactSpec,
    s: &Node,
    o: &Node,
    ev: Evidence,
) {
    match make_fact(res, &x.entities, s, &spec.p, o) {
        Ok((subject, object)) => facts.push(subject, &spec.p, object, ev),
        Err(why) => facts.rejected.push(format!("{}: {why}", ev.rule)),
    }
}

fn resolve_ref(
    r: &Ref,
    caps: &regex::Captures<'_>,
    view: &View,
    literal_slots: &std::collections::HashSet<String>,
    x: &mut Extraction,
    facts: &Facts,
    (sentence, pos): (usize, usize),
) -> Option<Node> {
    match r {
        Ref::Article => Some(Node::Article),
        Ref::Last(p) => last_object(facts, p, sentence, pos).map(Node::Entity),
        Ref::Salient(t) => {
            let title: Vec<bool> = x.sentences.iter().map(|s| s.is_title).collect();
            entity::discourse_salient(&x.text, &x.mentions, &x.entities, &title, *t, sentence, pos)
                .map(Node::Entity)
        }
        Ref::Focus(t) => entity::focus(&x.mentions, &x.entities, *t).map(Node::Entity),
        Ref::Slot(name) => {
            let g = caps.name(name)?;
            if literal_slots.contains(name) {
                let span = view.orig(g.start(), g.end());
                return Some(Node::Literal(x.text[span.start..span.end].to_string()));
            }
            let m = View::first_marker(g.as_str())?;
            x.mentions.get(m)?.entity.map(Node::Entity)
        }
        Ref::New(ty, template) => {
            let mut label = String::new();
            let mut rest = template.as_str();
            while let Some(i) = rest.find('{') {
                label.push_str(&rest[..i]);
                let end = rest[i..].find('}')? + i;
                let hole = Ref::Slot(rest[i + 1..end].to_string());
                let hole = if rest[i + 1..end].starts_with('@') {
                    crate::resources::rules::Ref::Focus(EntityType::parse(
                        rest[i + 1..end].split('.').nth(1)?,
                    )?)
                } else {
                    hole
                };
                match resolve_ref(&hole, caps, view, literal_slots, x, facts, (sentence, pos))? {
                    Node::Entity(e) => label.push_str(&x.entities[e].label),
                    Node::Literal(l) => label.push_str(&l),
                    Node::Article => return None,
                }
                rest = &rest[end + 1..];
            }
            label.push_str(rest);
            Some(Node::Entity(new_entity(&mut x.entities, *ty, label)))
        }
    }
}

/// The entity object of the latest `p` fact whose evidence starts before `(sentence, pos)` or there
/// ("A was nominated for X but lost to B": the nomination of the same clause).
fn last_object(facts: &Facts, p: &str, sentence: usize, pos: usize) -> Option<usize> {
    facts
        .facts
        .iter()
        .filter(|f| f.property == p)
        .filter_map(|f| match f.object {
            Value::Entity(e) => f
                .evidence
                .iter()
                .filter_map(|ev| Some((ev.sentence?, ev.span.start)))
                .filter(|&(s, start)| s < sentence || (s == sentence && start <= pos))
                .max()
                .map(|at| (at, e)),
            _ => None,
        })
        .max()
        .map(|(_, e)| e)
}

/// One way an inference atom was satisfied: new bindings and the evidence behind it.
type Binding = (HashMap<String, Node>, Option<Evidence>);

fn first_evidence(x: &Extraction, e: usize, rule: &str) -> Option<Evidence> {
    let m: &Mention = x.mentions.iter().find(|m| m.entity == Some(e))?;
    Some(Evidence {
        sentence: Some(m.sentence),
        span: m.span,
        rule: rule.to_string(),
        confidence: m.origin.confidence,
    })
}

fn node_of_term(t: &str, b: &HashMap<String, Node>) -> Option<Node> {
    if t == "@article" {
        return Some(Node::Article);
    }
    if t.starts_with('?') {
        return b.get(t).cloned();
    }
    Some(Node::Literal(t.to_string()))
}

fn bind(b: &HashMap<String, Node>, t: &str, n: Node) -> Option<HashMap<String, Node>> {
    if t.starts_with('?') {
        match b.get(t) {
            Some(existing) if *existing != n => None,
            Some(_) => Some(b.clone()),
            None => {
                let mut nb = b.clone();
                nb.insert(t.to_string(), n);
                Some(nb)
            }
        }
    } else if node_of_term(t, b) == Some(n) {
        Some(b.clone())
    } else {
        None
    }
}

fn node_of_value(v: &Value) -> Node {
    match v {
        Value::Entity(e) => Node::Entity(*e),
        Value::Year(y) => Node::Literal(y.to_string()),
        Value::Date(d) => Node::Literal(d.clone()),
        Value::Text(t) => Node::Literal(t.clone()),
    }
}

fn gaz_label_entity(x: &Extraction, label: &str, types: &[EntityType]) -> Option<usize> {
    x.entities.iter().position(|e| {
        types
            .iter()
            .any(|t| t.accepts(e.ty) || t.identity() == e.ty.identity())
            && e.label == label
            && e.gazetteer.is_some()
    })
}

/// The article's main country (`isFocus Country`, `entity::main_country`), with what only the
/// gazetteer knows: the country a city or region lies in, and the countries named inside the
/// name of a body or prize. Mentions and entities do not change during inference, so `infer`
/// computes it once.
fn main_country(x: &Extraction, res: &Resources) -> Option<usize> {
    // As `gazLocatedIn` reads it: the gazetteer's containing place of `p` is the country `c`.
    let contains = |c: usize, p: usize| {
        x.entities[p]
            .gazetteer
            .and_then(|g| res.gazetteer.entry(g).located_in.as_deref())
            .and_then(|l| gaz_label_entity(x, l, &[EntityType::Country]))
            == Some(c)
    };
    let inner = |m: &Mention| countries_in_name(x, res, m);
    entity::main_country(&x.text, &x.mentions, &x.entities, inner, contains)
}

/// The countries of the article named inside a mention's name, each with whether by demonym ("the
/// Russian Academy of Cinema Arts", "the Union of Artists of Armenia"): gazetteer names starting
/// at a later word of the mention (a name that is wholly a country's is no name inside another).
fn countries_in_name(x: &Extraction, res: &Resources, m: &Mention) -> Vec<(usize, bool)> {
    let words = m
        .text
        .char_indices()
        .filter(|&(i, c)| i > 0 && c.is_alphabetic() && m.text[..i].ends_with([' ', '-']));
    let mut out = Vec::new();
    for (i, _) in std::iter::once((0, ' ')).chain(words) {
        let Some(hit) = res.gazetteer.find(&m.text[i..]).into_iter().next() else {
            continue;
        };
        if hit.start != 0 || (i == 0 && hit.end == m.text.len()) {
            continue;
        }
        let (entry, demonym) = match hit.target {
            Target::Demonym(c) => (c, true),
            Target::Entry(c) => (c, false),
        };
        if let Some(c) = x
            .entities
            .iter()
            .position(|e| e.ty == EntityType::Country && e.gazetteer == Some(entry))
        {
            out.push((c, demonym));
        }
    }
    out
}

fn match_atom(
    atom: &Atom,
    b: &HashMap<String, Node>,
    x: &Extraction,
    res: &Resources,
    facts: &Facts,
    main_country: Option<usize>,
) -> Vec<Binding> {
    let mut out = Vec::new();
    let emitted: Vec<usize> = (0..x.entities.len())
        .filter(|&e| x.is_emitted(e) || !x.entities[e].implicit)
        .collect();
    match atom.p.as_str() {
        "type" | "isFocus" => {
            let Some(t) = EntityType::parse(&atom.o) else {
                return out;
            };
            let cands: Vec<usize> = if atom.p == "type" {
                emitted
                    .iter()
                    .copied()
                    .filter(|&e| {
                        res.ontology
                            .is_subclass(x.entities[e].ty.as_str(), t.as_str())
                    })
                    .collect()
            } else if t == EntityType::Country {
                main_country.into_iter().collect()
            } else {
                entity::focus(&x.mentions, &x.entities, t)
                    .into_iter()
                    .collect()
            };
            for e in cands {
                if let Some(nb) = bind(b, &atom.s, Node::Entity(e)) {
                    out.push((nb, first_evidence(x, e, "")));
                }
            }
        }
        "nameHasCountry" => {
            for &e in &emitted {
                let mut seen = Vec::new();
                for m in x
                    .mentions
                    .iter()
                    .filter(|m| m.entity == Some(e) && !m.anaphor && !m.demonym)
                {
                    for (c, _) in countries_in_name(x, res, m) {
                        if seen.contains(&c) {
                            continue;
                        }
                        seen.push(c);
                        if let Some(nb) = bind(b, &atom.s, Node::Entity(e))
                            .and_then(|nb| bind(&nb, &atom.o, Node::Entity(c)))
                        {
                            out.push((
                                nb,
                                Some(Evidence {
                                    sentence: Some(m.sentence),
                                    span: m.span,
                                    rule: String::new(),
                                    confidence: 1.0,
                                }),
                            ));
                        }
                    }
                }
            }
        }
        "inTitle" => {
            for &e in &emitted {
                let in_title = x
                    .mentions
                    .iter()
                    .any(|m| m.entity == Some(e) && x.sentences[m.sentence].is_title && !m.demonym);
                if in_title {
                    if let Some(nb) = bind(b, &atom.s, Node::Entity(e)) {
                        let ev = x
                            .mentions
                            .iter()
                            .find(|m| m.entity == Some(e) && x.sentences[m.sentence].is_title)
                            .map(|m| Evidence {
                                sentence: Some(m.sentence),
                                span: m.span,
                                rule: String::new(),
                                confidence: 1.0,
                            });
                        out.push((nb, ev));
                    }
                }
            }
        }
        "labelHas" => {
            let words = format!(" {} ", fold(&atom.o.replace('_', " ")));
            for &e in &emitted {
                let ent = &x.entities[e];
                let has = std::iter::once(&ent.label)
                    .chain(&ent.aliases)
                    .any(|l| format!(" {} ", fold(l)).contains(&words));
                if has {
                    if let Some(nb) = bind(b, &atom.s, Node::Entity(e)) {
                        out.push((nb, first_evidence(x, e, "")));
                    }
                }
            }
        }
        "pubYear" => {
            let year = x
                .article
                .date
                .as_deref()
                .and_then(|d| d.get(..4))
                .filter(|y| y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()));
            if let Some(y) = year {
                if let Some(nb) = bind(b, &atom.s, Node::Article)
                    .and_then(|nb| bind(&nb, &atom.o, Node::Literal(y.to_string())))
                {
                    out.push((nb, None));
                }
            }
        }
        "gazLocatedIn" | "gazPresentedBy" => {
            for &e in &emitted {
                let Some(g) = x.entities[e].gazetteer else {
                    continue;
                };
                let entry = res.gazetteer.entry(g);
                let (label, types) = if atom.p == "gazLocatedIn" {
                    (entry.located_in.as_deref(), &[EntityType::Place][..])
                } else {
                    (
                        entry.presented_by.as_deref(),
                        &[EntityType::Festival, EntityType::Organization][..],
                    )
                };
                let Some(target) = label.and_then(|l| gaz_label_entity(x, l, types)) else {
                    continue;
                };
                if let Some(nb) = bind(b, &atom.s, Node::Entity(e))
                    .and_then(|nb| bind(&nb, &atom.o, Node::Entity(target)))
                {
                    out.push((nb, first_evidence(x, e, "")));
                }
            }
        }
        p => {
            for f in facts.facts.iter().filter(|f| f.property == p) {
                let s = match f.subject {
                    Subject::Article => Node::Article,
                    Subject::Entity(e) => Node::Entity(e),
                };
                if let Some(nb) =
                    bind(b, &atom.s, s).and_then(|nb| bind(&nb, &atom.o, node_of_value(&f.object)))
                {
                    out.push((nb, f.evidence.first().cloned()));
                }
            }
        }
    }
    out
}

/// Applies the inference rules until nothing new is derived (at most a few rounds).
pub fn infer(x: &mut Extraction, res: &Resources, facts: &mut Facts) {
    let rules: Vec<&Rule> = res
        .rules
        .rules
        .iter()
        .filter(|r| matches!(r.kind, RuleKind::Inference { .. }))
        .collect();
    let focus_country = main_country(x, res);
    for _round in 0..3 {
        let before = facts.facts.len();
        for rule in &rules {
            let RuleKind::Inference { when, then } = &rule.kind else {
                continue;
            };
            let mut states: Vec<(HashMap<String, Node>, Vec<Evidence>)> =
                vec![(HashMap::new(), Vec::new())];
            for atom in when {
                if atom.negated {
                    states.retain(|(b, _)| {
                        match_atom(atom, b, x, res, facts, focus_country).is_empty()
                    });
                    continue;
                }
                let mut next = Vec::new();
                for (b, evs) in &states {
                    for (nb, ev) in match_atom(atom, b, x, res, facts, focus_country) {
                        let mut evs = evs.clone();
                        evs.extend(ev);
                        next.push((nb, evs));
                    }
                }
                states = next;
                if states.is_empty() {
                    break;
                }
            }
            for (b, evs) in states {
                let first = evs.first();
                let ev = Evidence {
                    sentence: first.and_then(|e| e.sentence),
                    span: first.map_or(Span::default(), |e| e.span),
                    rule: rule.id.clone(),
                    confidence: rule.confidence,
                };
                for atom in then {
                    let (Some(s), Some(o)) = (node_of_term(&atom.s, &b), node_of_term(&atom.o, &b))
                    else {
                        continue;
                    };
                    match make_fact(res, &x.entities, &s, &atom.p, &o) {
                        Ok((subject, object)) => {
                            if !facts.contains(subject, &atom.p, &object) {
                                facts.push(subject, &atom.p, object, ev.clone());
                            }
                        }
                        Err(why) => facts.rejected.push(format!("{}: {why}", rule.id)),
                    }
                }
            }
        }
        if facts.facts.len() == before {
            break;
        }
    }
}
