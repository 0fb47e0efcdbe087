//! Article → extraction → quads: the one path through the stages.
//!
//! ```text
//! text ─► sentences ─► gazetteer + entity-pattern + italic/quoted-title mentions ─► entities
//!      ─► repeated names ─► anaphora ─► quotes ─► pattern facts ─► inference
//!      ─► type/mention/metadata facts ─► RDF
//! ```

use crate::extract::{entity, mention, quote, relation, text};
use crate::model::{Article, Entity, EntityType, Evidence, Extraction, Span, Subject, Value};
use crate::resources::rules::{Rule, RuleKind};
use crate::resources::Resources;

/// Rule id recorded for facts read from article metadata.
pub const META_RULE: &str = "meta.article";

/// Runs every extraction stage over one article.
pub fn extract(article: &Article, res: &Resources) -> Extraction {
    let text = article.text();
    let sentences = text::sentences(&text, !article.title.is_empty());

    // Mentions: gazetteer names and entity patterns, one conflict policy.
    let mut gaz = mention::gazetteer_mentions(&text, &sentences, res);
    if let Some(p) = &article.publication {
        let own = mention::publication_mentions(&text, &sentences, p);
        gaz = mention::resolve(Vec::new(), gaz.into_iter().chain(own).collect());
    }
    let capitals = mention::capital_mentions(&text, &gaz, res);
    gaz = mention::resolve(Vec::new(), gaz.into_iter().chain(capitals).collect());
    // Titles set in italics, and titles set in double quotes, read alike.
    let mut emphasis = article.emphasis_in_text();
    emphasis.extend(mention::quoted_titles(
        &text,
        &sentences,
        &text::quotations(&text),
    ));
    emphasis.sort();
    emphasis.dedup();
    // Italic titles win over a place of the same words ("*Aral*", "*Grey Steppe*" are films);
    // any other known name over the same words (a publication, a festival) keeps its type.
    let mut titles = mention::emphasis_mentions(&text, &sentences, &emphasis);
    let title_spans: Vec<Span> = titles.iter().map(|m| m.span).collect();
    titles.retain(|t| {
        !gaz.iter()
            .any(|g| g.span == t.span && !EntityType::Place.accepts(g.ty) && !g.demonym)
    });
    gaz.retain(|g| !(EntityType::Place.accepts(g.ty) && title_spans.contains(&g.span)));
    if !titles.is_empty() {
        gaz = mention::resolve(Vec::new(), gaz.into_iter().chain(titles).collect());
    }
    let not_italic_place = |m: &crate::model::Mention| {
        !(EntityType::Place.accepts(m.ty) && title_spans.contains(&m.span))
    };
    let name_rules: Vec<&Rule> = res.rules.rules.iter().filter(|r| r.finds_names()).collect();
    // Patterns run over the plain text (so they can absorb a shorter gazetteer name: "Furmanov
    // Street") and over the typed view, in rounds, so that a rule can build on what another found.
    // Rules with `{PNAME}` ("a name that is no known mention") or `{TITLE}` (which would swallow
    // a known name over plain text) wait for the typed view.
    let plain_rules: Vec<&Rule> = name_rules
        .iter()
        .copied()
        .filter(|r| {
            !matches!(
                &r.kind,
                RuleKind::Pattern {
                    typed_only: true,
                    ..
                }
            )
        })
        .collect();
    let mut plain = mention::rule_mentions(
        &text,
        &sentences,
        &[],
        &plain_rules,
        &res.rules.prefilter,
        false,
    );
    plain.retain(not_italic_place);
    let shapes = mention::name_shape_mentions(&text, &sentences, &gaz, res);
    let mut mentions = gaz.clone();
    let mut cache = mention::ViewCache::default();
    // The entity patterns over the typed view of the mentions known so far.
    let find_names = |known: &[crate::model::Mention], cache: &mut mention::ViewCache| {
        let mut found = mention::rule_mentions_cached(
            &text,
            &sentences,
            known,
            &name_rules,
            &res.rules.prefilter,
            false,
            cache,
        );
        found.retain(not_italic_place);
        found
    };
    for _round in 0..3 {
        let typed = find_names(&mentions, &mut cache);
        let mut pool: Vec<_> = mentions
            .iter()
            .chain(plain.iter())
            .chain(shapes.iter())
            .chain(typed.iter())
            .cloned()
            .collect();
        mention::split_possessives(&text, &mut pool);
        let next = mention::resolve(Vec::new(), pool);
        if next == mentions {
            break;
        }
        mentions = next;
    }

    // Entities, then coreference: repeated names and surnames, then anaphora.
    let mut entities = entity::cluster(&mut mentions, res);
    let repeats = entity::repeat_names(&text, &mentions, &entities, &sentences);
    mentions = mention::resolve(Vec::new(), mentions.into_iter().chain(repeats).collect());
    // The entity patterns once more, now that repeated names and surnames are markers ("Ursu is
    // Vera": a character beside a known actor). Only sentences whose view changed run again;
    // what they find is added where nothing was, and the entities are clustered anew.
    let late: Vec<_> = find_names(&mentions, &mut cache)
        .into_iter()
        .filter(|m| !mentions.iter().any(|k| k.span.overlaps(&m.span)))
        .collect();
    if !late.is_empty() {
        mentions = mention::resolve(mentions, late);
        for m in mentions.iter_mut() {
            m.entity = None;
        }
        mentions.retain(|m| {
            m.origin.rule != entity::REPEAT_RULE
                && m.origin.rule != entity::SURNAME_RULE
                && m.origin.rule != entity::FIRST_NAME_RULE
        });
        entities = entity::cluster(&mut mentions, res);
        let repeats = entity::repeat_names(&text, &mentions, &entities, &sentences);
        mentions = mention::resolve(Vec::new(), mentions.into_iter().chain(repeats).collect());
    }
    entity::merge_spelling_variants(&text, &mut mentions, &mut entities);
    let anaphora_rules: Vec<&Rule> = res
        .rules
        .rules
        .iter()
        .filter(|r| r.finds_anaphora())
        .collect();
    let anaphora = mention::rule_mentions(
        &text,
        &sentences,
        &mentions,
        &anaphora_rules,
        &res.rules.prefilter,
        true,
    );
    mentions = mention::resolve(mentions, anaphora);
    let unresolved = mentions;

    // Anaphora, then relations: patterns, then inference over what the patterns found. A
    // possessive film anaphor ("Lungu's tragicomedy") goes to the latest film on the first
    // reading; when the `directed` facts of that reading give the possessor another film, the
    // article is read once more with them.
    let title: Vec<bool> = sentences.iter().map(|s| s.is_title).collect();
    let mut owners: Vec<(usize, usize)> = Vec::new();
    let (mut x, mut facts) = loop {
        let mut mentions = unresolved.clone();
        entity::resolve_anaphora(&text, &mut mentions, &entities, &res.names, &title, &owners);
        let mut entities = entities.clone();
        entity::finish(&mentions, &mut entities);
        // An italic original title in brackets after an italic title is that work's alias.
        for (title, gloss) in mention::emphasis_glosses(&text, &emphasis) {
            let found = mentions
                .iter()
                .find(|m| m.span == title)
                .and_then(|m| m.entity);
            if let Some(e) = found.map(|e| &mut entities[e]) {
                if e.label != gloss && !e.aliases.contains(&gloss) {
                    e.aliases.push(gloss);
                    e.aliases.sort();
                }
            }
        }

        let mut x = Extraction {
            article: article.clone(),
            text: text.clone(),
            sentences: sentences.clone(),
            mentions,
            entities,
            facts: Vec::new(),
            rejected: Vec::new(),
            quotes: Vec::new(),
        };
        x.quotes = quote::quotes(&x.text, &x.sentences, &x.mentions, |e| {
            quote::speaks(x.entities[e].ty)
        });
        // First person inside a quotation is its speaker ("I wrote the script with …"). Appended:
        // entities point into `mentions` by index.
        let first = quote::first_person_mentions(&x.text, &x.sentences, &x.quotes, &x.mentions);
        x.mentions.extend(first);

        let mut facts = relation::Facts::default();
        relation::pattern_facts(&mut x, res, &mut facts);
        relation::infer(&mut x, res, &mut facts);
        if !owners.is_empty() {
            break (x, facts);
        }
        // Who directed what, not counting what was read through a possessive anaphor itself.
        let through = entity::possessive_film_spans(&text, &unresolved, &x.entities);
        let inside = |ev: &Evidence| {
            through
                .iter()
                .any(|s| ev.span.start <= s.start && s.end <= ev.span.end)
        };
        let directed: Vec<(usize, usize)> = facts
            .facts
            .iter()
            .filter(|f| f.property == "directed" && !f.evidence.iter().all(inside))
            .filter_map(|f| match (&f.subject, &f.object) {
                (Subject::Entity(p), Value::Entity(film)) => Some((*p, *film)),
                _ => None,
            })
            .collect();
        if !entity::owners_change(&text, &unresolved, &x.mentions, &x.entities, &directed) {
            break (x, facts);
        }
        owners = directed;
    };

    // Metadata: the date and the publication.
    let meta = |confidence| Evidence {
        sentence: None,
        span: Span::default(),
        rule: META_RULE.to_string(),
        confidence,
    };
    if let Some(d) = &article.date {
        facts.push(
            Subject::Article,
            "datePublished",
            Value::Date(d.clone()),
            meta(1.0),
        );
    }
    if let Some(p) = &article.publication {
        let label = res
            .gazetteer
            .by_label(EntityType::Publication, p)
            .map_or(p.clone(), |g| res.gazetteer.entry(g).label.clone());
        let e = match x
            .entities
            .iter()
            .position(|e| e.ty == EntityType::Publication && e.label == label)
        {
            Some(e) => e,
            None => {
                x.entities.push(Entity::new(EntityType::Publication, label));
                x.entities.len() - 1
            }
        };
        x.entities[e].implicit = false;
        facts.push(Subject::Article, "publishedIn", Value::Entity(e), meta(1.0));
    }
    x.facts = facts.facts;
    x.rejected = facts.rejected;

    // Films found in text are linked to Wikidata when the title (and year) is unambiguous.
    for e in 0..x.entities.len() {
        if x.entities[e].ty != EntityType::Film || x.entities[e].wikidata.is_some() {
            continue;
        }
        let year =
            x.facts
                .iter()
                .find_map(|f| match (&f.subject, f.property.as_str(), &f.object) {
                    (Subject::Entity(s), "year", Value::Year(y)) if *s == e => Some(*y),
                    _ => None,
                });
        if let Some(entry) = res.gazetteer.link_film(&x.entities[e].label, year) {
            x.entities[e].wikidata = entry.wikidata.clone();
        }
    }

    // Types and mentions of every emitted entity, with the evidence of its first mention.
    let mut extra = Vec::new();
    for e in 0..x.entities.len() {
        if !x.is_emitted(e) {
            continue;
        }
        let ev = x.entities[e]
            .mentions
            .iter()
            .map(|&m| &x.mentions[m])
            .find(|m| !m.anaphor && !m.demonym)
            .or_else(|| x.entities[e].mentions.first().map(|&m| &x.mentions[m]))
            .map(|m| Evidence {
                sentence: Some(m.sentence),
                span: m.span,
                rule: m.origin.rule.clone(),
                confidence: m.origin.confidence,
            });
        let ev = ev.unwrap_or_else(|| {
            // Entities made by a fact (a position) or by metadata: the fact's evidence.
            x.facts
                .iter()
                .find(|f| f.subject == Subject::Entity(e) || f.object == Value::Entity(e))
                .and_then(|f| f.evidence.first().cloned())
                .unwrap_or_else(|| meta(1.0))
        });
        extra.push((e, ev));
    }
    for (e, ev) in extra {
        let ty = x.entities[e].ty.as_str().to_string();
        x.facts.push(crate::model::Fact {
            subject: Subject::Entity(e),
            property: "type".into(),
            object: Value::Text(ty),
            evidence: vec![ev.clone()],
        });
        x.facts.push(crate::model::Fact {
            subject: Subject::Article,
            property: "mentions".into(),
            object: Value::Entity(e),
            evidence: vec![ev],
        });
    }
    x
}
