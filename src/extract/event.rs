//! Events: premieres and award wins or nominations as n-ary nodes, built from the simple edges
//! an article states (`premieredAt`, `won`, `nominatedFor`) and what surrounds them: the
//! festival edition's year, the festival that presents the award, the outcome.
//!
//! A `kgx:Premiere` has `kgx:film`, `kgx:festival` and, when the text gives one, `kgx:eventYear`.
//! A `kgx:AwardEvent` has `kgx:award`, `kgx:outcome` ("won" / "nominated"), `kgx:film` or
//! `kgx:recipient` (the winner), and `kgx:festival` and `kgx:eventYear` when known. Event IRIs are
//! built from their parts (`kgxid:premiere/{film}--{festival}`), so two articles reporting the
//! same premiere describe one node.

use crate::extract::read::slug;
use crate::model::{EntityType, Evidence, Extraction, Subject, Value};
use crate::vocab::ID;

/// A detail of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Entity(usize),
    Year(i32),
    Text(String),
}

/// One event, with the evidence of the edge it was built from.
#[derive(Debug, Clone)]
pub struct Event {
    pub iri: String,
    /// `Premiere` or `AwardEvent`.
    pub class: &'static str,
    pub details: Vec<(&'static str, Detail)>,
    pub evidence: Vec<Evidence>,
}

/// A year written right next to a mention ("AFI Fest 2019", "the 2019 Venice Film Festival").
fn year_near(x: &Extraction, entity: usize, sentence: usize) -> Option<i32> {
    let re = year_re();
    for &m in &x.entities[entity].mentions {
        let mention = &x.mentions[m];
        if mention.sentence != sentence {
            continue;
        }
        let sp = x.sentences[sentence].span;
        let before = floor(&x.text, mention.span.start.saturating_sub(6).max(sp.start));
        let after = ceil(&x.text, (mention.span.end + 6).min(sp.end));
        for (a, b) in [(mention.span.end, after), (before, mention.span.start)] {
            if let Some(c) = re.captures(&x.text[a..b]) {
                return c[1].parse().ok();
            }
        }
    }
    None
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn year_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\b((?:19|20)\d\d)\b").expect("valid"))
}

fn is_work(ty: EntityType) -> bool {
    matches!(ty, EntityType::Film | EntityType::CreativeWork)
}

/// The events of an extraction.
pub fn events(x: &Extraction) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    let film_year = |e: usize| {
        x.facts
            .iter()
            .find_map(|f| match (&f.subject, f.property.as_str(), &f.object) {
                (Subject::Entity(s), "year", Value::Year(y)) if *s == e => Some(*y),
                _ => None,
            })
    };
    let presented_by = |award: usize| {
        x.facts
            .iter()
            .find_map(|f| match (&f.subject, f.property.as_str(), &f.object) {
                (Subject::Entity(s), "presentedBy", Value::Entity(o))
                    if *s == award && x.entities[*o].ty == EntityType::Festival =>
                {
                    Some(*o)
                }
                _ => None,
            })
    };
    // A festival named in the sentence that supports the edge.
    let festival_in = |sentence: usize| {
        x.mentions.iter().find_map(|m| match m.entity {
            Some(e) if m.sentence == sentence && x.entities[e].ty == EntityType::Festival => {
                Some(e)
            }
            _ => None,
        })
    };
    let mut push = |ev: Event| match out.iter_mut().find(|o| o.iri == ev.iri) {
        Some(o) => o.evidence.extend(ev.evidence),
        None => out.push(ev),
    };
    for f in &x.facts {
        let (Subject::Entity(s), Value::Entity(o)) = (f.subject, &f.object) else {
            continue;
        };
        let o = *o;
        let sentence = f.evidence.iter().find_map(|e| e.sentence);
        match f.property.as_str() {
            "premieredAt" if x.entities[o].ty == EntityType::Festival => {
                let mut details =
                    vec![("film", Detail::Entity(s)), ("festival", Detail::Entity(o))];
                let year = sentence
                    .and_then(|si| year_near(x, o, si))
                    .or_else(|| film_year(s));
                if let Some(y) = year {
                    details.push(("eventYear", Detail::Year(y)));
                }
                push(Event {
                    iri: format!(
                        "{ID}premiere/{}--{}",
                        slug(&x.entities[s].label),
                        slug(&x.entities[o].label)
                    ),
                    class: "Premiere",
                    details,
                    evidence: f.evidence.clone(),
                });
            }
            p @ ("won" | "nominatedFor") if x.entities[o].ty == EntityType::Award => {
                let outcome = if p == "won" { "won" } else { "nominated" };
                let role = if is_work(x.entities[s].ty) {
                    "film"
                } else {
                    "recipient"
                };
                let mut details = vec![
                    ("award", Detail::Entity(o)),
                    (role, Detail::Entity(s)),
                    ("outcome", Detail::Text(outcome.into())),
                ];
                let festival = presented_by(o).or_else(|| sentence.and_then(festival_in));
                if let Some(fest) = festival {
                    details.push(("festival", Detail::Entity(fest)));
                }
                let year = sentence.and_then(|si| {
                    festival
                        .and_then(|fest| year_near(x, fest, si))
                        .or_else(|| year_near(x, o, si))
                });
                if let Some(y) = year {
                    details.push(("eventYear", Detail::Year(y)));
                }
                push(Event {
                    iri: format!(
                        "{ID}award-event/{}--{}--{outcome}",
                        slug(&x.entities[s].label),
                        slug(&x.entities[o].label)
                    ),
                    class: "AwardEvent",
                    details,
                    evidence: f.evidence.clone(),
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Resources;

    #[test]
    fn the_seed_premiere_and_nomination_become_events() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let res = Resources::load(&root).unwrap();
        let article =
            crate::extract::read::read_file(&root.join("data/articles/welcome-to-the-usa.txt"))
                .unwrap()
                .remove(0);
        let x = crate::pipeline::extract(&article, &res);
        let evs = events(&x);
        let label = |d: &Detail| match d {
            Detail::Entity(e) => x.entities[*e].label.clone(),
            Detail::Year(y) => y.to_string(),
            Detail::Text(t) => t.clone(),
        };
        let show = |e: &Event| {
            e.details
                .iter()
                .map(|(p, d)| format!("{p}={}", label(d)))
                .collect::<Vec<_>>()
        };
        let premiere = evs
            .iter()
            .find(|e| e.class == "Premiere")
            .expect("a premiere");
        assert!(premiere
            .iri
            .ends_with("/premiere/welcome-to-the-usa--afi-fest"));
        assert_eq!(
            show(premiere),
            [
                "film=Welcome to the USA",
                "festival=AFI Fest",
                "eventYear=2019"
            ]
        );
        assert!(!premiere.evidence.is_empty());
        let award = evs
            .iter()
            .find(|e| e.class == "AwardEvent")
            .expect("an award event");
        let details = show(award);
        for want in [
            "film=Welcome to the USA",
            "outcome=nominated",
            "festival=NewFest",
        ] {
            assert!(details.iter().any(|d| d == want), "{details:?}");
        }
    }
}
