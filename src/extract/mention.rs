//! Mentions: gazetteer names (one automaton pass) and entity-pattern matches over the typed view,
//! then one conflict policy for overlaps: **longest span wins, then higher confidence, then
//! leftmost** (spaCy's span filter, with confidence as the tie-break).

use crate::extract::view::View;
use crate::model::{EntityType, Mention, Origin, Sentence, Span};
use crate::resources::gazetteer::Target;
use crate::resources::names::NOT_NAMES;
use crate::resources::prefilter::Prefilter;
use crate::resources::rules::{Rule, RuleKind};
use crate::resources::Resources;

/// Rule id recorded for gazetteer mentions.
pub const GAZETTEER_RULE: &str = "gazetteer";

/// Index of the sentence holding `span`, if one holds it whole.
pub fn sentence_of(sentences: &[Sentence], span: Span) -> Option<usize> {
    let i = sentences.partition_point(|s| s.span.end < span.end);
    sentences
        .get(i)
        .filter(|s| s.span.contains(&span))
        .map(|s| s.index)
}

/// Gazetteer mentions of the whole text.
pub fn gazetteer_mentions(text: &str, sentences: &[Sentence], res: &Resources) -> Vec<Mention> {
    let mut out = Vec::new();
    for m in res.gazetteer.find(text) {
        let span = Span::new(m.start, m.end);
        let Some(sentence) = sentence_of(sentences, span) else {
            continue;
        };
        let (entry, demonym) = match m.target {
            Target::Entry(e) => (e, false),
            Target::Demonym(e) => (e, true),
        };
        out.push(Mention {
            span,
            sentence,
            ty: res.gazetteer.entry(entry).ty,
            text: text[m.start..m.end].to_string(),
            gazetteer: Some(entry),
            demonym,
            anaphor: false,
            origin: Origin {
                rule: GAZETTEER_RULE.into(),
                confidence: 1.0,
            },
            entity: None,
        });
    }
    out
}

/// Rule id recorded for capitals named by their country ("the Tajik capital").
pub const CAPITAL_RULE: &str = "coref.demonym-capital";

/// "the Tajik capital": the word "capital" after "the" and a country's demonym names that
/// country's capital (the `capital` column of countries.tsv); the demonym stays a mention of the
/// country. "the former Kazakh capital", "then the Ukrainian capital" and "the Georgian capital of
/// wine" are not the capital of today and give nothing.
pub fn capital_mentions(text: &str, gazetteer: &[Mention], res: &Resources) -> Vec<Mention> {
    let mut out = Vec::new();
    for m in gazetteer.iter().filter(|m| m.demonym) {
        let Some(country) = m.gazetteer else { continue };
        let Some(city) = res.gazetteer.capital_of(country) else {
            continue;
        };
        let before = &text[..m.span.start];
        let Some(lead) = before
            .strip_suffix("the ")
            .or_else(|| before.strip_suffix("The "))
        else {
            continue;
        };
        if lead.trim_end().ends_with("then") {
            continue;
        }
        let after = &text[m.span.end..];
        let Some(rest) = after.strip_prefix(" capital") else {
            continue;
        };
        if rest.chars().next().is_some_and(char::is_alphanumeric) || rest.starts_with(" of ") {
            continue;
        }
        let start = m.span.end + 1;
        out.push(Mention {
            span: Span::new(start, start + "capital".len()),
            sentence: m.sentence,
            ty: EntityType::City,
            text: res.gazetteer.entry(city).label.clone(),
            gazetteer: Some(city),
            demonym: false,
            anaphor: false,
            origin: Origin {
                rule: CAPITAL_RULE.into(),
                confidence: 0.9,
            },
            entity: None,
        });
    }
    out
}

/// Rule id recorded for titles found by the source's italics.
pub const EMPHASIS_RULE: &str = "markup.emphasis";

/// Words that say what kind of work an italic title names when they stand just before it ("the
/// 1926 novel *O'tkan kunlar*", "told *Cultura Azi*") or open an apposition after it ("*Black
/// Wool*, an exhibition of …").
const WORK_KINDS: [&str; 33] = [
    "novel",
    "novella",
    "novels",
    "book",
    "books",
    "story",
    "stories",
    "poem",
    "poems",
    "play",
    "album",
    "albums",
    "lp",
    "ep",
    "song",
    "songs",
    "single",
    "record",
    "collection",
    "memoir",
    "opera",
    "ballet",
    "painting",
    "paintings",
    "exhibition",
    "show",
    "installation",
    "essay",
    "symphony",
    "suite",
    "cycle",
    "libretto",
    "series",
];
const PUBLICATION_KINDS: [&str; 12] = [
    "magazine",
    "newspaper",
    "weekly",
    "daily",
    "journal",
    "monthly",
    "quarterly",
    "paper",
    "told",
    "tells",
    "telling",
    "column",
];
const FILM_KINDS: [&str; 16] = [
    "film",
    "films",
    "feature",
    "features",
    "documentary",
    "documentaries",
    "short",
    "shorts",
    "drama",
    "comedy",
    "thriller",
    "movie",
    "debut",
    "picture",
    "melodrama",
    "animation",
];

/// Titles the source set in italics (`Article::emphasis_in_text`): an italic run that starts
/// with a capital, holds at most ten words and is not its whole sentence (an italic standfirst)
/// names a work. It is a film unless the nearest kind word before it, or an apposition after it,
/// says novel, album, exhibition … (a work) or magazine, "told" … (a publication). An italic run
/// in brackets right after another ("*The Merchant's Son* (*Savdogar o'g'li*)") is the first
/// one's original title, no new name. The usual conflict policy applies: a longer or surer
/// mention over the same words wins.
pub fn emphasis_mentions(text: &str, sentences: &[Sentence], spans: &[Span]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut prev_end: Option<usize> = None;
    for &span in spans {
        let gloss = prev_end.is_some_and(|e| is_gloss(text, e, span));
        prev_end = Some(span.end);
        let Some(words) = text.get(span.start..span.end) else {
            continue;
        };
        if gloss
            || !words.chars().next().is_some_and(char::is_uppercase)
            || words.split_whitespace().count() > 10
        {
            continue;
        }
        let Some(si) = sentence_of(sentences, span) else {
            continue;
        };
        let sentence = sentences[si].span;
        if span.len() * 10 >= sentence.len() * 8 {
            continue;
        }
        out.push(Mention {
            span,
            sentence: si,
            ty: emphasis_type(text, sentence, span),
            text: words.to_string(),
            gazetteer: None,
            demonym: false,
            anaphor: false,
            origin: Origin {
                rule: EMPHASIS_RULE.into(),
                confidence: 0.75,
            },
            entity: None,
        });
    }
    out
}

/// The original titles of [`emphasis_mentions`]: each italic run in brackets right after another
/// ("*The Merchant's Son* (*Savdogar o'g'li*)"), as (the title's range, the original title).
pub fn emphasis_glosses(text: &str, spans: &[Span]) -> Vec<(Span, String)> {
    spans
        .windows(2)
        .filter(|w| is_gloss(text, w[0].end, w[1]))
        .filter_map(|w| Some((w[0], text.get(w[1].start..w[1].end)?.to_string())))
        .collect()
}

/// An italic run that opens a bracket right after the italic run ending at `prev_end`.
fn is_gloss(text: &str, prev_end: usize, span: Span) -> bool {
    text.get(prev_end..span.start) == Some(" (")
}

fn kind_of(word: &str) -> Option<EntityType> {
    let w: String = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if WORK_KINDS.contains(&w.as_str()) {
        Some(EntityType::CreativeWork)
    } else if PUBLICATION_KINDS.contains(&w.as_str()) {
        Some(EntityType::Publication)
    } else if FILM_KINDS.contains(&w.as_str()) {
        Some(EntityType::Film)
    } else {
        None
    }
}

fn emphasis_type(text: &str, sentence: Span, span: Span) -> EntityType {
    let before = &text[sentence.start..span.start];
    // The kind word stands close, with no other name between: "Qodiriy's 1926 novel *X*".
    if let Some(t) = before
        .split_whitespace()
        .rev()
        .take(4)
        .take_while(|w| !w.chars().next().is_some_and(char::is_uppercase))
        .find_map(kind_of)
    {
        return t;
    }
    let after = &text[span.end..sentence.end];
    if let Some(rest) = after.strip_prefix(", ") {
        if let Some(t) = rest.split_whitespace().take(5).find_map(kind_of) {
            return t;
        }
    }
    if before.trim_end().ends_with("writing in") || before.trim_end().ends_with("Writing in") {
        return EntityType::Publication;
    }
    EntityType::Film
}

/// Mentions of the article's own publication (its site line, "Oxus Film Quarterly") in the text:
/// "she told Oxus Film Quarterly" names the site even when no gazetteer lists it, and a company
/// pattern must not take "Oxus Film" out of it. Whole words only; a gazetteer mention over the
/// same words wins the overlap as usual.
pub fn publication_mentions(text: &str, sentences: &[Sentence], name: &str) -> Vec<Mention> {
    let name = name.trim();
    if name.chars().count() < 3 {
        return Vec::new();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut out = Vec::new();
    for (start, _) in text.match_indices(name) {
        let end = start + name.len();
        if word(text[..start].chars().next_back()) || word(text[end..].chars().next()) {
            continue;
        }
        let span = Span::new(start, end);
        let Some(sentence) = sentence_of(sentences, span) else {
            continue;
        };
        out.push(Mention {
            span,
            sentence,
            ty: EntityType::Publication,
            text: name.to_string(),
            gazetteer: None,
            demonym: false,
            anaphor: false,
            origin: Origin {
                rule: PUBLICATION_RULE.into(),
                confidence: 0.95,
            },
            entity: None,
        });
    }
    out
}

/// Rule id recorded for mentions of the article's own publication.
pub const PUBLICATION_RULE: &str = "meta.publication";

/// The mentions of one sentence as (index, mention) pairs, sorted by start.
pub fn in_sentence(mentions: &[Mention], sentence: usize) -> Vec<(usize, &Mention)> {
    let mut v: Vec<(usize, &Mention)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.sentence == sentence)
        .collect();
    v.sort_by_key(|(_, m)| m.span.start);
    v
}

/// Runs the rules that emit mentions (`anaphora` selects the coreference rules) over every
/// sentence's typed view, returning candidates (not yet resolved against each other).
pub fn rule_mentions(
    text: &str,
    sentences: &[Sentence],
    known: &[Mention],
    rules: &[&Rule],
    prefilter: &Prefilter,
    anaphora: bool,
) -> Vec<Mention> {
    rule_mentions_cached(
        text,
        sentences,
        known,
        rules,
        prefilter,
        anaphora,
        &mut ViewCache::default(),
    )
}

/// The mentions each sentence's view gave last time: a sentence whose view has not changed since
/// (the same text and the same known names) gives the same mentions, so rounds skip it.
#[derive(Debug, Default)]
pub struct ViewCache(std::collections::HashMap<usize, (String, Vec<Mention>)>);

/// [`rule_mentions`], reusing `cache` for sentences whose typed view is unchanged.
pub fn rule_mentions_cached(
    text: &str,
    sentences: &[Sentence],
    known: &[Mention],
    rules: &[&Rule],
    prefilter: &Prefilter,
    anaphora: bool,
    cache: &mut ViewCache,
) -> Vec<Mention> {
    let mut out = Vec::new();
    for s in sentences {
        let view = View::build(text, s.span, &in_sentence(known, s.index));
        if let Some((seen, found)) = cache.0.get(&s.index) {
            if *seen == view.text {
                out.extend(found.iter().cloned());
                continue;
            }
        }
        let from = out.len();
        let present = prefilter.present(&view.text);
        for rule in rules.iter().filter(|r| r.may_match(&present)) {
            let RuleKind::Pattern {
                regex, mentions, ..
            } = &rule.kind
            else {
                continue;
            };
            for caps in regex.captures_iter(&view.text) {
                for spec in mentions.iter().filter(|m| m.refers.is_some() == anaphora) {
                    let Some(g) = caps.name(&spec.slot) else {
                        continue;
                    };
                    if g.as_str().trim().is_empty() || View::only_marker(g.as_str()).is_some() {
                        continue;
                    }
                    let Some(ty) = EntityType::parse(&spec.ty) else {
                        continue;
                    };
                    let mut span = view.orig(g.start(), g.end());
                    // Anaphora ("His", "She") are kept whole: trimming is for names.
                    if !anaphora && matches!(ty, EntityType::Person | EntityType::Character) {
                        span = trim_name(text, span);
                        if span.is_empty() {
                            continue;
                        }
                    }
                    // "Paris-based Les Films du Caucase", "Kraków-based Lunapark Film".
                    if ty == EntityType::Organization {
                        span = trim_describing_compound(text, span);
                    }
                    // A name is never a bare pronoun or determiner ("It had its premiere at …"),
                    // nor a bare number ("X's 2022 drama": the year is no film).
                    let name = &text[span.start..span.end];
                    if !anaphora
                        && (is_function_word(name) || !name.chars().any(char::is_alphabetic))
                    {
                        continue;
                    }
                    out.push(Mention {
                        span,
                        sentence: s.index,
                        ty,
                        text: text[span.start..span.end].to_string(),
                        gazetteer: None,
                        demonym: false,
                        anaphor: anaphora,
                        origin: Origin {
                            rule: rule.id.clone(),
                            confidence: rule.confidence,
                        },
                        entity: None,
                    });
                }
            }
        }
        cache
            .0
            .insert(s.index, (view.text.clone(), out[from..].to_vec()));
    }
    out
}

/// A pronoun or determiner standing alone, which a capitalised-word slot can catch at the start
/// of a sentence but which names nothing.
fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "It" | "Its"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "Which"
            | "There"
            | "Here"
            | "Both"
            | "Each"
            | "All"
            | "Some"
            | "None"
            | "One"
    )
}

/// Rule id recorded for person names found by their shape (given name or surname ending).
pub const NAME_SHAPE_RULE: &str = "name-shape";

/// Person-name candidates found by shape ([`crate::resources::PersonNames`]): a known given name
/// opening the name is surer (0.74) than a surname ending alone (0.7). Both yield to any longer
/// mention and to cue-word patterns (0.75 and up) over the same words.
/// `gazetteer` holds the gazetteer mentions of the text, whose demonyms begin no name.
pub fn name_shape_mentions(
    text: &str,
    sentences: &[Sentence],
    gazetteer: &[Mention],
    res: &Resources,
) -> Vec<Mention> {
    let demonyms: std::collections::HashSet<Span> = gazetteer
        .iter()
        .filter(|m| m.demonym)
        .map(|m| m.span)
        .collect();
    let mut out = Vec::new();
    for s in sentences {
        for shape in res
            .names
            .find(text, &s.tokens, |span| demonyms.contains(&span))
        {
            // "Kharkiv-born Hrynchuk" is a person named Hrynchuk.
            let span = trim_name(text, shape.span);
            if span.is_empty() {
                continue;
            }
            out.push(Mention {
                span,
                sentence: s.index,
                ty: EntityType::Person,
                text: text[span.start..span.end].to_string(),
                gazetteer: None,
                demonym: false,
                anaphor: false,
                origin: Origin {
                    rule: NAME_SHAPE_RULE.into(),
                    confidence: if shape.given { 0.74 } else { 0.7 },
                },
                entity: None,
            });
        }
    }
    out
}

/// A title found by a broad pattern may have swallowed its possessor: "Farrukh Nazarov’s Pamir
/// Lullaby", "Poland’s Corpus Christi". When another candidate (a person, place or organisation)
/// starts where the title starts and ends right before "’s ", the title keeps only what follows.
/// The owner must be a gazetteer name or a name of two words or more: a one-word "owner" found
/// only by the possessive itself ("Grandmother’s Radio") splits nothing.
pub fn split_possessives(text: &str, pool: &mut [Mention]) {
    let owners: Vec<Span> = pool
        .iter()
        .filter(|m| !m.anaphor && !matches!(m.ty, EntityType::Film | EntityType::CreativeWork))
        .filter(|m| m.gazetteer.is_some() || m.text.trim().contains(char::is_whitespace))
        .map(|m| m.span)
        .collect();
    for m in pool.iter_mut() {
        if m.gazetteer.is_some()
            || m.anaphor
            || !matches!(m.ty, EntityType::Film | EntityType::CreativeWork)
        {
            continue;
        }
        let Some(owner) = owners
            .iter()
            .filter(|o| o.start == m.span.start && o.end < m.span.end)
            .max_by_key(|o| o.end)
        else {
            continue;
        };
        let after = &text[owner.end..m.span.end];
        let Some(rest) = ["’s ", "'s "].iter().find_map(|p| after.strip_prefix(p)) else {
            continue;
        };
        if rest.trim().is_empty() {
            continue;
        }
        m.span = Span::new(m.span.end - rest.len(), m.span.end);
        m.text = rest.to_string();
    }
}

/// Drops a leading compound that describes the name ("Paris-based", "Kharkiv-born").
pub fn trim_describing_compound(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let Some(word_end) = s.find(char::is_whitespace) else {
        return span;
    };
    let word = s[..word_end].trim_end_matches('.');
    if DESCRIBING_SUFFIXES
        .iter()
        .any(|suffix| word.ends_with(suffix))
    {
        let rest = &s[word_end..];
        Span::new(
            span.start + word_end + (rest.len() - rest.trim_start().len()),
            span.end,
        )
    } else {
        span
    }
}

/// Suffixes of compounds that describe a name rather than belong to it.
const DESCRIBING_SUFFIXES: [&str; 8] = [
    "-born",
    "-based",
    "-raised",
    "-bred",
    "-trained",
    "-educated",
    "-schooled",
    "-reared",
];

/// Drops leading words of `NOT_NAMES`, and compounds like "Kharkiv-born", from a name span.
pub fn trim_name(text: &str, mut span: Span) -> Span {
    loop {
        // "Kharkiv-born Hrynchuk", "the Baku-based curator": the compound describes the name.
        let after = trim_describing_compound(text, span);
        if after != span {
            span = after;
            continue;
        }
        let s = &text[span.start..span.end];
        let word_end = s.find(char::is_whitespace).unwrap_or(s.len());
        let word = s[..word_end].trim_end_matches('.');
        if word_end < s.len() && NOT_NAMES.contains(&word) {
            let rest = &s[word_end..];
            span.start += word_end + (rest.len() - rest.trim_start().len());
        } else if word_end == s.len() && NOT_NAMES.contains(&word) {
            return Span::new(span.end, span.end);
        } else {
            return span;
        }
    }
}

/// Keeps a non-overlapping subset: longest first, then most confident, then leftmost. Mentions
/// in `fixed` are kept whatever overlaps them; candidates overlapping a fixed mention are dropped.
pub fn resolve(fixed: Vec<Mention>, mut candidates: Vec<Mention>) -> Vec<Mention> {
    candidates.sort_by(|a, b| {
        b.span
            .len()
            .cmp(&a.span.len())
            .then(b.origin.confidence.total_cmp(&a.origin.confidence))
            .then(a.span.start.cmp(&b.span.start))
    });
    let mut kept = fixed;
    for c in candidates {
        if !kept.iter().any(|k| k.span.overlaps(&c.span)) {
            kept.push(c);
        }
    }
    kept.sort_by_key(|m| (m.span.start, m.span.end));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(s: &str) -> &str {
        let span = trim_name(s, Span::new(0, s.len()));
        &s[span.start..span.end]
    }

    #[test]
    fn names_lose_leading_role_words_and_describing_compounds() {
        assert_eq!(trimmed("Director Sergey Dvortsevoy"), "Sergey Dvortsevoy");
        assert_eq!(trimmed("Kharkiv-born Hrynchuk"), "Hrynchuk");
        assert_eq!(trimmed("Baku-based Nigar Aliyeva"), "Nigar Aliyeva");
        assert_eq!(trimmed("Swiss-trained Manuchehr Aliev"), "Manuchehr Aliev");
        let t = "Paris-based Les Films du Caucase";
        let s = trim_describing_compound(t, Span::new(0, t.len()));
        assert_eq!(&t[s.start..s.end], "Les Films du Caucase");
        assert_eq!(trimmed("The"), "");
    }

    #[test]
    fn italic_titles_are_works_of_the_kind_their_context_says() {
        let text =
            "Her film The Merchant's Son (Savdogar o'g'li) adapts the 1926 novel Bygone Days. \
                    She told Cultura Azi that Black Wool, an exhibition of rugs, moved her. \
                    A whole sentence in italics.";
        let sentences = crate::extract::text::sentences(text, false);
        let spans: Vec<Span> = [
            "The Merchant's Son",
            "Savdogar o'g'li",
            "Bygone Days",
            "Cultura Azi",
            "Black Wool",
            "A whole sentence in italics.",
        ]
        .iter()
        .map(|w| {
            let i = text.find(w).unwrap();
            Span::new(i, i + w.len())
        })
        .collect();
        let found: Vec<(String, EntityType)> = emphasis_mentions(text, &sentences, &spans)
            .into_iter()
            .map(|m| (m.text, m.ty))
            .collect();
        assert_eq!(
            found,
            vec![
                ("The Merchant's Son".to_string(), EntityType::Film),
                ("Bygone Days".to_string(), EntityType::CreativeWork),
                ("Cultura Azi".to_string(), EntityType::Publication),
                ("Black Wool".to_string(), EntityType::CreativeWork),
            ]
        );
    }

    #[test]
    fn the_articles_own_publication_is_found_in_its_text() {
        let text = "\"Borders,\" she told Oxus Film Quarterly. Oxus Film Quarterlyish is no match.";
        let sentences = crate::extract::text::sentences(text, false);
        let found = publication_mentions(text, &sentences, "Oxus Film Quarterly");
        assert_eq!(found.len(), 1);
        assert_eq!(
            &text[found[0].span.start..found[0].span.end],
            "Oxus Film Quarterly"
        );
        assert_eq!(found[0].ty, EntityType::Publication);
        assert!(publication_mentions(text, &sentences, "Ox").is_empty());
    }
}
