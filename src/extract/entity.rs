//! Entities: mentions grouped into one entity per referent within an article.
//!
//! 1. Named mentions cluster by gazetteer entry, else by identity class and folded name; a
//!    one-word person name joins the person whose first or last name it is.
//! 2. Every name found by a pattern is then looked for again in the whole article (the headline
//!    included), with persons' surnames and first names: "Aushakimova" → Assel Aushakimova.
//! 3. Anaphora ("the film", "the director", "she") refer to the nearest preceding entity of their
//!    type, else to the article's most mentioned one.

use crate::model::{Entity, EntityType, Mention, Origin, Span};
use crate::resources::gazetteer::fold;
use crate::resources::names::{Gender, PersonNames};
use crate::resources::Resources;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// Rule ids recorded for mentions found by name repetition.
pub const REPEAT_RULE: &str = "coref.repeat-name";
pub const SURNAME_RULE: &str = "coref.surname";
pub const FIRST_NAME_RULE: &str = "coref.first-name";

/// Groups the named (non-anaphoric) mentions into entities, setting `Mention::entity`.
pub fn cluster(mentions: &mut [Mention], res: &Resources) -> Vec<Entity> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut keys: HashMap<(EntityType, String), usize> = HashMap::new();
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    // Longer names first, so that "Aushakimova" finds "Assel Aushakimova" already there.
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(mentions[i].text.split_whitespace().count()),
            mentions[i].span.start,
        )
    });
    for i in order {
        let m = &mentions[i];
        if m.anaphor || m.entity.is_some() {
            continue;
        }
        let key = match m.gazetteer {
            Some(g) => (m.ty.identity(), res.gazetteer.entry(g).label.clone()),
            None => (m.ty.identity(), fold(&m.text)),
        };
        let mut found = keys.get(&key).copied();
        if found.is_none() && m.ty == EntityType::Person && !m.text.contains(char::is_whitespace) {
            let word = fold(&m.text);
            let cands: Vec<usize> = entities
                .iter()
                .enumerate()
                .filter(|(_, e)| e.ty == EntityType::Person)
                .filter(|(_, e)| {
                    let f = fold(&e.label);
                    let parts: Vec<&str> = f.split(' ').collect();
                    parts.len() > 1 && (parts.last() == Some(&word.as_str()) || parts[0] == word)
                })
                .map(|(k, _)| k)
                .collect();
            if cands.len() == 1 {
                found = Some(cands[0]);
            }
        }
        let e = match found {
            Some(e) => e,
            None => {
                entities.push(match m.gazetteer {
                    Some(g) => gazetteer_entity(res, g, m.ty, true),
                    None => Entity {
                        implicit: true,
                        ..Entity::new(m.ty, m.text.clone())
                    },
                });
                keys.insert(key, entities.len() - 1);
                entities.len() - 1
            }
        };
        mentions[i].entity = Some(e);
    }
    entities
}

/// Names of pattern-found entities looked for again across the article. Returns new mentions.
pub fn repeat_names(
    text: &str,
    mentions: &[Mention],
    entities: &[Entity],
    sentences: &[crate::model::Sentence],
) -> Vec<Mention> {
    let mut names: HashMap<String, (usize, &'static str)> = HashMap::new();
    let mut first_names: HashMap<String, Vec<usize>> = HashMap::new();
    for (e, ent) in entities.iter().enumerate() {
        if ent.gazetteer.is_some() || ent.ty.identity() == EntityType::Place {
            continue;
        }
        for m in mentions
            .iter()
            .filter(|m| m.entity == Some(e) && !m.anaphor)
        {
            names.entry(m.text.clone()).or_insert((e, REPEAT_RULE));
        }
        names.entry(ent.label.clone()).or_insert((e, REPEAT_RULE));
        if ent.ty == EntityType::Person {
            let words: Vec<&str> = ent.label.split_whitespace().collect();
            if words.len() > 1 {
                let last = words[words.len() - 1];
                if last.chars().count() >= 3 {
                    names.entry(last.to_string()).or_insert((e, SURNAME_RULE));
                }
                if words[0].chars().count() >= 3 {
                    first_names.entry(words[0].to_string()).or_default().push(e);
                }
            }
        }
    }
    for (first, es) in first_names {
        if es.len() == 1 {
            names.entry(first).or_insert((es[0], FIRST_NAME_RULE));
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    let list: Vec<(String, (usize, &str))> = names.into_iter().collect();
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(list.iter().map(|(n, _)| n.as_str()))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in ac.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let span = Span::new(m.start(), m.end());
        // The name where it was first found keeps its own rule; a longer mention wins later.
        if mentions.iter().any(|x| x.span.contains(&span)) {
            continue;
        }
        let Some(sentence) = crate::extract::mention::sentence_of(sentences, span) else {
            continue;
        };
        let (e, rule) = list[m.pattern().as_usize()].1;
        out.push(Mention {
            span,
            sentence,
            ty: entities[e].ty,
            text: text[span.start..span.end].to_string(),
            gazetteer: None,
            demonym: false,
            anaphor: false,
            origin: Origin {
                rule: rule.to_string(),
                confidence: if rule == REPEAT_RULE { 0.95 } else { 0.85 },
            },
            entity: Some(e),
        });
    }
    out
}

/// A new entity for gazetteer entry `g`: its label and identifiers, no mentions yet.
pub fn gazetteer_entity(res: &Resources, g: usize, ty: EntityType, implicit: bool) -> Entity {
    let entry = res.gazetteer.entry(g);
    Entity {
        ty,
        label: entry.label.clone(),
        aliases: Vec::new(),
        wikidata: entry.wikidata.clone(),
        geonames: entry.geonames.clone(),
        gazetteer: Some(g),
        mentions: Vec::new(),
        implicit,
    }
}

/// How often each entity is mentioned (named mentions only).
pub fn frequencies(mentions: &[Mention], n: usize) -> Vec<usize> {
    let mut f = vec![0; n];
    for m in mentions {
        if let (Some(e), false, false) = (m.entity, m.anaphor, m.demonym) {
            f[e] += 1;
        }
    }
    f
}

/// The entity of a type the text last mentioned before byte `pos`, else the most mentioned one.
pub fn salient(
    mentions: &[Mention],
    entities: &[Entity],
    ty: EntityType,
    pos: usize,
) -> Option<usize> {
    salient_where(mentions, entities, ty, pos, |_| true)
}

/// `salient` among the entities `fits` accepts.
fn salient_where(
    mentions: &[Mention],
    entities: &[Entity],
    ty: EntityType,
    pos: usize,
    fits: impl Fn(usize) -> bool,
) -> Option<usize> {
    let before = mentions
        .iter()
        .filter(|m| m.span.end <= pos && !m.demonym)
        .filter_map(|m| {
            m.entity
                .filter(|&e| ty.accepts(entities[e].ty) && fits(e))
                .map(|e| (m.span.start, e))
        })
        .max_by_key(|(start, _)| *start)
        .map(|(_, e)| e);
    before.or_else(|| focus(mentions, entities, ty).filter(|&e| fits(e)))
}

/// "the director", "the filmmaker", "the Kazakh director".
fn is_director_noun(text: &str) -> bool {
    let last = text.rsplit(' ').next().unwrap_or("").to_lowercase();
    matches!(
        last.as_str(),
        "director" | "filmmaker" | "film-maker" | "documentarian" | "writer-director"
    )
}

const DIRECTOR_CUES: [&str; 11] = [
    "director",
    "filmmaker",
    "film-maker",
    "directed by",
    "documentarian",
    "film by",
    "documentary by",
    "feature by",
    "drama by",
    "comedy by",
    "debut by",
];

/// Whether a named mention of entity `e` comes with a director cue: "director X", "filmmaker
/// X", "directed by X", "a film / documentary / feature / drama by X", "X, who directed", "X
/// directed".
fn introduced_as_director(text: &str, named: &[Mention], e: usize) -> bool {
    named.iter().filter(|m| m.entity == Some(e)).any(|m| {
        let before = text[..m.span.start].trim_end().to_lowercase();
        let after = text[m.span.end..].trim_start_matches([',', ' ']);
        DIRECTOR_CUES.iter().any(|cue| before.ends_with(cue))
            || after.starts_with("who directed")
            || after.starts_with("who made")
            || after.starts_with("directed ")
    })
}

/// The gender a personal pronoun or a gendered role noun asks for ("she", "his", "the actress").
fn anaphor_gender(text: &str) -> Option<Gender> {
    let last = text.rsplit(' ').next()?.to_lowercase();
    match last.as_str() {
        "she" | "her" | "hers" | "herself" | "actress" | "actresses" | "woman" | "mother"
        | "daughter" | "sister" | "wife" => Some(Gender::Female),
        "he" | "his" | "him" | "himself" | "man" | "father" | "son" | "brother" | "husband" => {
            Some(Gender::Male)
        }
        _ => None,
    }
}

/// The film "the film", "her new feature" or "it" stands for: the latest film named earlier in
/// the same sentence; else, among the films named in the two sentences before, the one the article
/// mentions most (a film named in passing, "whose 2019 debut, Winter Bread, toured festivals",
/// does not displace the film the article is about); else the article's most mentioned film.
fn film_antecedent(
    text: &str,
    mentions: &[Mention],
    entities: &[Entity],
    title: &[bool],
    sentence: usize,
    pos: usize,
) -> Option<usize> {
    let films = |m: &&Mention| {
        !m.demonym
            && m.entity
                .is_some_and(|e| EntityType::Film.accepts(entities[e].ty))
    };
    let same = mentions
        .iter()
        .filter(films)
        .filter(|m| m.sentence == sentence && m.span.end <= pos)
        .max_by_key(|m| m.span.start)
        .and_then(|m| m.entity);
    same.or_else(|| {
        discourse_salient(
            text,
            mentions,
            entities,
            title,
            EntityType::Film,
            sentence,
            pos,
        )
    })
}

/// The entity of a type a rule's fact refers to without naming it ("X plays Y": Y is a character
/// of *which* film?): among the entities of the type mentioned (by name or anaphor) in this
/// sentence before `pos` or in the two sentences before it, the one the article mentions most
/// (ties: the latest); with none in reach, the article's most mentioned one. Plain recency would
/// pick a film named in passing ("the same edition in which Dvortsevoy's Ayka won").
pub fn discourse_salient(
    text: &str,
    mentions: &[Mention],
    entities: &[Entity],
    title: &[bool],
    ty: EntityType,
    sentence: usize,
    pos: usize,
) -> Option<usize> {
    let near = in_passage(mentions, entities, ty, sentence, pos, |_| true)
        .or_else(|| focus(mentions, entities, ty))?;
    if ty != EntityType::Film {
        return Some(near);
    }
    // A film named once in passing as an earlier work ("Her debut, The Fortieth Day (2019), was
    // shot …. The new film is bigger") does not displace the headline's film, which the article
    // keeps naming.
    let f = frequencies(mentions, entities.len());
    let topic = mentions
        .iter()
        .filter(|m| title.get(m.sentence).copied().unwrap_or(false) && !m.demonym)
        .filter_map(|m| m.entity.filter(|&e| ty.accepts(entities[e].ty)))
        .max_by_key(|&e| f[e]);
    let dated = |e: usize| {
        mentions
            .iter()
            .filter(|m| m.entity == Some(e) && !m.anaphor)
            .any(|m| {
                let after = text[m.span.end..].trim_start_matches(['*', '_', '"', '”', '’', '\'']);
                let date = after
                    .strip_prefix(" (")
                    .map(|a| a.split(')').next().unwrap_or(""));
                date.is_some_and(|d| d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()))
            })
    };
    Some(match topic {
        Some(t) if t != near && f[near] == 1 && f[t] >= 2 && dated(near) => t,
        _ => near,
    })
}

/// [`discourse_salient`] among the entities `fits` accepts, with no fallback: the entity of the
/// passage (this sentence before `pos` and the two before it) that the article mentions most.
fn in_passage(
    mentions: &[Mention],
    entities: &[Entity],
    ty: EntityType,
    sentence: usize,
    pos: usize,
    fits: impl Fn(usize) -> bool,
) -> Option<usize> {
    let f = frequencies(mentions, entities.len());
    mentions
        .iter()
        .filter(|m| {
            !m.demonym
                && m.sentence + 2 >= sentence
                && (m.sentence < sentence || m.span.end <= pos)
                && m.sentence <= sentence
        })
        .filter_map(|m| {
            m.entity
                .filter(|&e| ty.accepts(entities[e].ty) && fits(e))
                .map(|e| (f[e], m.span.start, e))
        })
        .max()
        .map(|(_, _, e)| e)
}

/// The article's main country (the corpus convention, tests/corpus/README.md): the country it
/// names most often, by name or by demonym ("the Polish Film Festival", "a Polish-Ukrainian
/// debut"), inside the names of bodies, festivals, prizes and posts too (`inner(mention)`: the
/// countries such a mention names, "the Russian Academy of Cinema Arts"); on a tie, the one
/// named more often by name; on a tie on both, the one that holds most of the places the article
/// names (`contains(country, place)`: the gazetteer's containing country of a city or region);
/// none when that ties too.
pub fn main_country(
    text: &str,
    mentions: &[Mention],
    entities: &[Entity],
    inner: impl Fn(&Mention) -> Vec<(usize, bool)>,
    contains: impl Fn(usize, usize) -> bool,
) -> Option<usize> {
    // (mentions by name or demonym, mentions by name) per country.
    let mut n = vec![(0usize, 0usize); entities.len()];
    for m in mentions
        .iter()
        .filter(|m| !m.anaphor && !is_language(text, m))
    {
        match m.entity {
            Some(e) if entities[e].ty == EntityType::Country => {
                n[e].0 += 1;
                n[e].1 += usize::from(!m.demonym);
            }
            // The names of bodies, festivals, prizes and posts ("the Russian Academy of Cinema
            // Arts"), not of works or people ("Welcome to the USA" is no article about the US).
            Some(e)
                if matches!(
                    entities[e].ty,
                    EntityType::Organization
                        | EntityType::Festival
                        | EntityType::Award
                        | EntityType::Event
                        | EntityType::Position
                ) =>
            {
                for (c, demonym) in inner(m) {
                    if entities[c].ty == EntityType::Country {
                        n[c].0 += 1;
                        n[c].1 += usize::from(!demonym);
                    }
                }
            }
            _ => {}
        }
    }
    let max = n.iter().copied().max().filter(|k| k.0 > 0)?;
    let top: Vec<usize> = (0..n.len()).filter(|&e| n[e] == max).collect();
    if let [e] = top[..] {
        return Some(e);
    }
    let places: Vec<usize> = (0..entities.len())
        .filter(|&p| matches!(entities[p].ty, EntityType::City | EntityType::Region))
        .filter(|&p| mentions.iter().any(|m| !m.anaphor && m.entity == Some(p)))
        .collect();
    let held = |c: usize| places.iter().filter(|&&p| contains(c, p)).count();
    let best = top.iter().map(|&c| held(c)).max().filter(|&k| k > 0)?;
    let mut winners = top.iter().filter(|&&c| held(c) == best);
    match (winners.next(), winners.next()) {
        (Some(&c), None) => Some(c),
        _ => None,
    }
}

/// Whether a demonym names a language, not its country: "learning Uzbek", "a film in Kazakh and
/// Russian", "speaks Georgian" (a demonym standing alone after such a word, not "in Kazakh
/// cinemas").
fn is_language(text: &str, m: &Mention) -> bool {
    if !m.demonym {
        return false;
    }
    let before = text[..m.span.start].to_lowercase();
    let cue = [
        "in ",
        "learning ",
        "learn ",
        "learnt ",
        "learned ",
        "speak ",
        "speaks ",
        "speaking ",
        "spoke ",
        "into ",
        "from ",
        "translated ",
    ]
    .iter()
    .any(|c| before.ends_with(c));
    let after = &text[m.span.end..];
    let alone = after.is_empty()
        || after.starts_with([',', '.', ';', ':', ')', '?', '!'])
        || after.starts_with(" and ")
        || after.starts_with(" or ");
    cue && alone
}

/// The article's most mentioned entity of a type (ties: the first mentioned).
pub fn focus(mentions: &[Mention], entities: &[Entity], ty: EntityType) -> Option<usize> {
    let f = frequencies(mentions, entities.len());
    let first = |e: usize| {
        mentions
            .iter()
            .filter(|m| m.entity == Some(e))
            .map(|m| m.span.start)
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut best: Option<usize> = None;
    for (e, ent) in entities.iter().enumerate() {
        if !ty.accepts(ent.ty) || f[e] == 0 {
            continue;
        }
        best = match best {
            Some(b)
                if (f[b], std::cmp::Reverse(first(b))) >= (f[e], std::cmp::Reverse(first(e))) =>
            {
                Some(b)
            }
            _ => Some(e),
        };
    }
    best
}

/// The person a possessive film anaphor belongs to: the named person right before "'s" in
/// "Lungu's tragicomedy" or "Rahimova's film".
fn possessor(text: &str, named: &[Mention], entities: &[Entity], m: &Mention) -> Option<usize> {
    let before = text[..m.span.start].strip_suffix(' ')?;
    let end = ["'s", "’s", "'", "’"]
        .iter()
        .find_map(|s| before.strip_suffix(s))?
        .len();
    named
        .iter()
        .find(|n| n.span.end == end && !n.demonym)
        .and_then(|n| n.entity)
        .filter(|&e| entities[e].ty == EntityType::Person)
}

/// The film of `owner` a possessive anaphor at `pos` stands for, by the `owners` pairs (person,
/// film) a first reading found: the owner's film named last before `pos` (an anaphor points
/// back: "Egorova's drama" in the standfirst is not her debut named further down).
fn owned_film(
    named: &[Mention],
    owners: &[(usize, usize)],
    owner: usize,
    pos: usize,
) -> Option<usize> {
    named
        .iter()
        .filter(|n| n.span.end <= pos)
        .filter_map(|n| {
            n.entity
                .filter(|&f| owners.contains(&(owner, f)))
                .map(|f| (n.span.start, f))
        })
        .max()
        .map(|(_, f)| f)
}

/// The spans of the possessive film anaphora ("Lungu's tragicomedy"): a `directed` fact read
/// through one of them says nothing about whose film it is.
pub fn possessive_film_spans(text: &str, unresolved: &[Mention], entities: &[Entity]) -> Vec<Span> {
    let named: Vec<Mention> = unresolved.iter().filter(|m| !m.anaphor).cloned().collect();
    unresolved
        .iter()
        .filter(|m| m.anaphor && m.ty == EntityType::Film)
        .filter(|m| possessor(text, &named, entities, m).is_some())
        .map(|m| m.span)
        .collect()
}

/// Whether `owners` (person, film pairs of a first reading) would resolve a possessive film
/// anaphor ("Lungu's tragicomedy") to another film than the reading without them did: then the
/// article is read again with them ([`resolve_anaphora`]).
pub fn owners_change(
    text: &str,
    unresolved: &[Mention],
    resolved: &[Mention],
    entities: &[Entity],
    owners: &[(usize, usize)],
) -> bool {
    let named: Vec<Mention> = unresolved.iter().filter(|m| !m.anaphor).cloned().collect();
    unresolved
        .iter()
        .filter(|m| m.anaphor && m.ty == EntityType::Film)
        .any(|m| {
            let Some(p) = possessor(text, &named, entities, m) else {
                return false;
            };
            let now = resolved
                .iter()
                .find(|r| r.anaphor && r.span == m.span)
                .and_then(|r| r.entity);
            owned_film(&named, owners, p, m.span.start).is_some_and(|f| Some(f) != now)
        })
}

/// Links each anaphor to its antecedent, in text order; anaphora with none are dropped.
/// `owners` (person, film pairs from a first reading's `directed` facts; empty on the first
/// reading) send "Lungu's tragicomedy" to Lungu's film rather than to the latest film named.
pub fn resolve_anaphora(
    text: &str,
    mentions: &mut Vec<Mention>,
    entities: &[Entity],
    names: &PersonNames,
    title: &[bool],
    owners: &[(usize, usize)],
) {
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    // Antecedents are named mentions only (an anaphor never points at another anaphor).
    let named: Vec<Mention> = mentions.iter().filter(|m| !m.anaphor).cloned().collect();
    // Which entities the article introduces as directors: computed once, at the first "the
    // director".
    let mut directs: Option<Vec<bool>> = None;
    // Film antecedents: the named mentions, and the possessive anaphora already sent to their
    // owner's film ("Lungu's tragicomedy …. Lungu wrote it with …": "it" is that film too).
    let mut films = named.clone();
    for m in mentions.iter_mut().filter(|m| m.anaphor) {
        m.entity = match (m.ty, anaphor_gender(&m.text)) {
            (EntityType::Film, _) => {
                let owned = possessor(text, &named, entities, m)
                    .and_then(|p| owned_film(&named, owners, p, m.span.start));
                if owned.is_some() {
                    films.push(Mention {
                        entity: owned,
                        ..m.clone()
                    });
                }
                owned.or_else(|| {
                    film_antecedent(text, &films, entities, title, m.sentence, m.span.start)
                })
            }
            // "the director", "the filmmaker": the latest person the article introduces as a
            // director ("director X", "a film by X", "X, who directed"), else the latest person.
            (EntityType::Person, None) if is_director_noun(&m.text) => {
                let directs = directs.get_or_insert_with(|| {
                    (0..entities.len())
                        .map(|e| introduced_as_director(text, &named, e))
                        .collect()
                });
                salient_where(&named, entities, m.ty, m.span.start, |e| directs[e])
                    .or_else(|| salient(&named, entities, m.ty, m.span.start))
            }
            // "she" is the latest person whose name may be a woman's, "he" a man's.
            (EntityType::Person, Some(want)) => {
                let fits = |e: usize| names.gender(&entities[e].label).is_none_or(|g| g == want);
                // '"…," she told X': the speaker of a quote is the person the passage is about
                // (the most mentioned of the sentence and the two before), not the last one named.
                let after_quote = text[..m.span.start].trim_end().ends_with(['"', '”', '“']);
                let speaker = after_quote
                    .then(|| {
                        let (s, at) = (m.sentence, m.span.start);
                        let near = in_passage(&named, entities, EntityType::Person, s, at, fits);
                        let main = focus(&named, entities, EntityType::Person).filter(|&e| fits(e));
                        let f = frequencies(&named, entities.len());
                        match (near, main) {
                            (Some(n), Some(k)) => Some(if f[k] > f[n] { k } else { n }),
                            (n, k) => n.or(k),
                        }
                    })
                    .flatten();
                // The latest person who may fit; when nothing in that person's name says so, a
                // person of this sentence or the one before whose name does ("the poet Mirzo
                // Tursunzoda … Her debut" after Rahimova is Rahimova's).
                let sure = |e: usize| names.gender(&entities[e].label) == Some(want);
                let latest = || {
                    let any = salient_where(&named, entities, m.ty, m.span.start, fits)?;
                    if sure(any) {
                        return Some(any);
                    }
                    let near = named
                        .iter()
                        .filter(|n| n.span.end <= m.span.start && n.sentence + 1 >= m.sentence)
                        .filter(|n| !n.demonym)
                        .filter_map(|n| {
                            n.entity
                                .filter(|&e| entities[e].ty == EntityType::Person && sure(e))
                                .map(|e| (n.span.start, e))
                        })
                        .max()
                        .map(|(_, e)| e);
                    Some(near.unwrap_or(any))
                };
                speaker
                    .or_else(latest)
                    .or_else(|| salient(&named, entities, m.ty, m.span.start))
            }
            _ => salient(&named, entities, m.ty, m.span.start),
        };
    }
    mentions.retain(|m| m.entity.is_some());
}

/// "Sidarovich (credited as Olga Sidorovich on her earlier shorts)", "Arakelyan (the name is also
/// spelled Arakelian)", "Nurmaganbetova, whose name is also spelled Nurmagambetova", "Könül
/// Məmmədova (Konul Mammadova in most festival catalogues)", "Bălți (Beltsy, as the Soviet maps
/// had it)": the name after the cue, or in a bracket right after a name it resembles (as many
/// words, each with the same initial, the folded spellings close), is another spelling of that
/// name. It becomes an alias of the name's entity, and a mention over it joins that entity, so
/// the variant is no second person. "Gio (Saba Gogoladze)" (a character and the actor) and
/// "Przewoźnik (The Ferryman)" (a title and its gloss, a different shape) are left alone.
/// Runs before anaphora are resolved and [`finish`] fills the entities' mention lists.
pub fn merge_spelling_variants(text: &str, mentions: &mut [Mention], entities: &mut [Entity]) {
    static ALIAS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = ALIAS.get_or_init(|| {
        regex::Regex::new(
            r"^(?:(?P<br> \()|, whose name is )(?:the name is )?(?P<cue>(?:(?:also|often|sometimes|usually|formerly) )?(?:credited as|spelled|spelt|written|transliterated|known as|aka|a\.k\.a\.|née) )?(?P<x>\p{Lu}[\p{L}\p{M}'’-]*(?: \p{Lu}[\p{L}\p{M}'’-]*){0,3})(?:[,;)]| in | on | as )",
        )
        .expect("alias pattern")
    });
    let mut merges: Vec<(usize, Span, String)> = Vec::new();
    for m in mentions.iter() {
        let Some(target) = m.entity else { continue };
        if m.anaphor || m.demonym {
            continue;
        }
        let Some(c) = re.captures(&text[m.span.end..]) else {
            continue;
        };
        let x = c.name("x").expect("x group");
        let variant = x.as_str();
        if c.name("cue").is_none() && (c.name("br").is_none() || !same_name_shape(&m.text, variant))
        {
            continue;
        }
        let start = m.span.end + x.start();
        merges.push((
            target,
            Span::new(start, start + variant.len()),
            variant.to_string(),
        ));
    }
    for (target, span, variant) in merges {
        for m in mentions.iter_mut() {
            if m.anaphor || m.span.start < span.start || m.span.end > span.end {
                continue;
            }
            m.entity = Some(target);
            m.ty = entities[target].ty;
        }
        let e = &mut entities[target];
        if e.label != variant && !e.aliases.contains(&variant) {
            e.aliases.push(variant);
            e.aliases.sort();
        }
    }
}

/// Two spellings of one name: as many words, each with the same initial once folded, and the
/// folded strings at most half their length apart in edits, one edit up to four letters
/// ("Könül Məmmədova" / "Konul Mammadova", "Bălți" / "Beltsy"; not "Gio" / "Saba Gogoladze").
fn same_name_shape(a: &str, b: &str) -> bool {
    // deunicode spells the Azerbaijani schwa "@"; it is "e" in the Latin spellings.
    let schwa = |s: &str| s.replace(['ə', 'Ə'], "e");
    let (fa, fb) = (fold(&schwa(a)), fold(&schwa(b)));
    let (wa, wb): (Vec<&str>, Vec<&str>) = (fa.split(' ').collect(), fb.split(' ').collect());
    if fa.is_empty() || wa.len() != wb.len() {
        return false;
    }
    if wa
        .iter()
        .zip(&wb)
        .any(|(x, y)| x.chars().next() != y.chars().next())
    {
        return false;
    }
    let longest = fa.chars().count().max(fb.chars().count());
    let allowed = if longest <= 4 { 1 } else { longest / 2 };
    edit_distance(&fa, &fb) <= allowed
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Fills labels, aliases and the `implicit` flag from the final mentions.
pub fn finish(mentions: &[Mention], entities: &mut [Entity]) {
    for (i, m) in mentions.iter().enumerate() {
        let Some(e) = m.entity else { continue };
        let ent = &mut entities[e];
        ent.mentions.push(i);
        if m.anaphor || m.demonym {
            continue;
        }
        ent.implicit = false;
        if ent.gazetteer.is_none() && m.text.chars().count() > ent.label.chars().count() {
            let old = std::mem::replace(&mut ent.label, m.text.clone());
            if !ent.aliases.contains(&old) {
                ent.aliases.push(old);
            }
        }
        if m.text != ent.label && !ent.aliases.contains(&m.text) {
            ent.aliases.push(m.text.clone());
        }
    }
    for ent in entities.iter_mut() {
        let label = ent.label.clone();
        ent.aliases.retain(|a| *a != label);
        ent.aliases.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_have_its_shape() {
        assert!(same_name_shape("Könül Məmmədova", "Konul Mammadova"));
        assert!(same_name_shape("Bălți", "Beltsy"));
        assert!(same_name_shape("Sidarovich", "Sidorovich"));
        assert!(!same_name_shape("Gio", "Saba Gogoladze"));
        assert!(!same_name_shape("Marat", "Murat Asanov"));
        assert!(!same_name_shape("Przewoźnik", "The Ferryman"));
        assert!(!same_name_shape("Anna", "Alma"));
        assert_eq!(edit_distance("balti", "beltsy"), 3);
    }

    #[test]
    fn a_language_is_no_mention_of_its_country() {
        let text = "He learnt Uzbek, for the part, in Uzbek cinemas, a film in Kazakh and Russian.";
        let at = |word: &str, nth: usize| {
            let start = text.match_indices(word).nth(nth).unwrap().0;
            Mention {
                span: Span::new(start, start + word.len()),
                sentence: 0,
                ty: EntityType::Country,
                text: word.into(),
                gazetteer: None,
                demonym: true,
                anaphor: false,
                origin: crate::model::Origin {
                    rule: "test".into(),
                    confidence: 1.0,
                },
                entity: Some(0),
            }
        };
        assert!(is_language(text, &at("Uzbek", 0)));
        assert!(!is_language(text, &at("Uzbek", 1)));
        assert!(is_language(text, &at("Kazakh", 0)));
    }

    #[test]
    fn the_main_country_counts_demonyms_and_breaks_ties_by_names() {
        let country = |label: &str| Entity::new(EntityType::Country, label.into());
        let entities = [country("Poland"), country("Ukraine")];
        let m = |e: usize, demonym: bool| Mention {
            span: Span::default(),
            sentence: 0,
            ty: EntityType::Country,
            text: String::new(),
            gazetteer: None,
            demonym,
            anaphor: false,
            origin: crate::model::Origin {
                rule: "test".into(),
                confidence: 1.0,
            },
            entity: Some(e),
        };
        // Poland only by demonyms, three times; Ukraine twice by name.
        let ms = vec![m(0, true), m(0, true), m(0, true), m(1, false), m(1, false)];
        let none = |_: usize, _: usize| false;
        let no_inner = |_: &Mention| Vec::new();
        assert_eq!(main_country("", &ms, &entities, no_inner, none), Some(0));
        // Two each: the one named by name wins.
        let ms = vec![m(0, true), m(0, true), m(1, false), m(1, true)];
        assert_eq!(main_country("", &ms, &entities, no_inner, none), Some(1));
        // A tie on both counts: no main country, unless the places named fall in one of them.
        let ms = vec![m(0, false), m(0, true), m(1, false), m(1, true)];
        assert_eq!(main_country("", &ms, &entities, no_inner, none), None);
        let mut with_city = entities.to_vec();
        with_city.push(Entity::new(EntityType::City, "Lviv".to_string()));
        let mut ms_city = ms.clone();
        ms_city.push(Mention {
            ty: EntityType::City,
            ..m(2, false)
        });
        let in_ukraine = |c: usize, p: usize| c == 1 && p == 2;
        assert_eq!(
            main_country("", &ms_city, &with_city, no_inner, in_ukraine),
            Some(1)
        );
        // A place in neither leaves the tie.
        assert_eq!(main_country("", &ms_city, &with_city, no_inner, none), None);
        // A demonym inside another name counts: "the Ukrainian Film Academy" breaks the tie.
        with_city.push(Entity::new(
            EntityType::Organization,
            "Ukrainian Film Academy".to_string(),
        ));
        with_city.push(Entity::new(
            EntityType::Film,
            "Welcome to Ukraine".to_string(),
        ));
        let named = |e: usize, ty: EntityType| Mention { ty, ..m(e, false) };
        let ukrainian = |m: &Mention| {
            if m.entity.is_some_and(|e| e >= 3) {
                vec![(1, true)]
            } else {
                Vec::new()
            }
        };
        let mut academy = ms.clone();
        academy.push(named(3, EntityType::Organization));
        assert_eq!(
            main_country("", &academy, &with_city, ukrainian, none),
            Some(1)
        );
        // ... but not inside the title of a work.
        let mut film = ms.clone();
        film.push(named(4, EntityType::Film));
        assert_eq!(main_country("", &film, &with_city, ukrainian, none), None);
        // A demonym alone names it.
        assert_eq!(
            main_country("", &[m(0, true)], &entities, no_inner, none),
            Some(0)
        );
    }
}
