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
    let default = default_title_type(text);
    let mut out = Vec::new();
    let mut prev_end: Option<usize> = None;
    for &span in spans {
        let gloss = prev_end.is_some_and(|e| is_gloss(text, e, span));
        prev_end = Some(span.end);
        let Some(words) = text.get(span.start..span.end) else {
            continue;
        };
        // A stage direction of a transcript, "(*Laughs.*)", "(*Pause.*)", is no title.
        let stage_direction = text[..span.start].ends_with('(')
            && text[span.end..].starts_with(')')
            && words.trim_end().ends_with(['.', '!', '?']);
        if gloss
            || stage_direction
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
            ty: emphasis_type(text, sentence, span).unwrap_or(default),
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

/// Words that put a quoted phrase in the world of films and works: a title in double quotes is
/// read only in a sentence that has one (or beside a possessive, "Lis's "Coal Dust Waltz""), so
/// a capitalised slogan in quotes in a sentence about something else stays a phrase.
const TITLE_CONTEXT: [&str; 40] = [
    "directed",
    "director",
    "directors",
    "directorial",
    "premiere",
    "premiered",
    "premieres",
    "festival",
    "prize",
    "prizes",
    "award",
    "awards",
    "awarded",
    "jury",
    "screened",
    "screening",
    "screenings",
    "screens",
    "stars",
    "starring",
    "cast",
    "competition",
    "cinema",
    "cinemas",
    "won",
    "wins",
    "win",
    "nominated",
    "nomination",
    "title",
    "statuette",
    "lions",
    "crowns",
    "crowned",
    "role",
    "released",
    "filmed",
    "shot",
    "turn",
    "plays",
];

/// Words that may stay lower-case inside a title ("The Girl and the Sea", "Flowers of the Field").
const TITLE_MINOR: [&str; 27] = [
    "a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "at", "to", "for", "from",
    "with", "by", "as", "into", "over", "under", "is", "de", "la", "le", "du", "des", "von",
];

/// Speech verbs that follow a quotation ("…," she said / "…," Wieczorek told …).
fn followed_by_speech(after: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(&format!(
            r"^[,.!?]?\s*(?:(?:he|she|they|we|I|it|\p{{Lu}}[\p{{L}}'’-]+(?:\s\p{{Lu}}[\p{{L}}'’-]+){{0,3}}),?\s+)?(?:{})\b",
            crate::extract::quote::SPEECH
        ))
        .expect("valid speech pattern")
    })
    .is_match(after)
}

/// A speech verb right before a quotation ("she said, "…"", "he told us: "…"").
fn preceded_by_speech(before: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(&format!(
            r"\b(?:{})(?: \p{{L}}+){{0,3}}[,:]\s*$",
            crate::extract::quote::SPEECH
        ))
        .expect("valid speech pattern")
    })
    .is_match(before)
}

/// Is `words` written like an English title: a capital first, every other word capitalised
/// (or a number, or a minor word), at most eight words, no sentence inside?
fn title_cased(words: &str) -> bool {
    let inner = words.trim_end_matches([',', '.', '!', '?']);
    let ws: Vec<&str> = inner.split_whitespace().collect();
    if ws.is_empty()
        || ws.len() > 8
        || inner.contains(['.', ';', ':', '"', '“', '”'])
        || !inner
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    ws.iter().all(|w| {
        let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        match w.chars().next() {
            Some(c) if c.is_lowercase() => TITLE_MINOR.contains(&w.to_lowercase().as_str()),
            _ => true,
        }
    })
}

/// Titles the source set in double quotes (`quotes`: [`crate::extract::text::quotations`]):
/// a quoted run written like a title ([`title_cased`]), not followed by a speech verb ("…,"
/// she said), in a sentence about films or works ([`TITLE_CONTEXT`], a kind word, a possessive
/// right before it) or with the same words accepted elsewhere in the article. A quoted run in
/// brackets right after an accepted one ("Winter Apiary" ("Zimowa pasieka")) is its original
/// title, whatever its case. What comes back is read like italics ([`emphasis_mentions`]).
pub fn quoted_titles(text: &str, sentences: &[Sentence], quotes: &[Span]) -> Vec<Span> {
    let context = |span: Span| {
        let Some(si) = sentence_of(sentences, span) else {
            return false;
        };
        let sentence = &text[sentences[si].span.start..sentences[si].span.end];
        let before = text[..span.start].trim_end_matches(['"', '“']).trim_end();
        let possessive = before.ends_with("'s") || before.ends_with("’s");
        possessive
            || sentence.split(|c: char| !c.is_alphanumeric()).any(|w| {
                let w = w.to_lowercase();
                TITLE_CONTEXT.contains(&w.as_str()) || kind_of(&w).is_some_and(|_| w != "told")
            })
    };
    let mut candidates: Vec<(Span, bool)> = Vec::new();
    for &q in quotes {
        let words = &text[q.start..q.end];
        let after = text[q.end..].trim_start_matches(['"', '”']);
        let before = text[..q.start].trim_end_matches(['"', '“']);
        if !title_cased(words) || followed_by_speech(after) || preceded_by_speech(before) {
            continue;
        }
        let so_called = before.trim_end().ends_with("so-called");
        // "Cannes 2020": an edition's label, no title.
        let edition = words
            .rsplit(' ')
            .next()
            .is_some_and(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20")));
        // "Kara-Sug (Кара-Суг, "Black Water")": a translation in brackets glosses the name
        // before it; a gloss of a quoted title is taken below.
        let sentence_start = sentence_of(sentences, q).map_or(0, |i| sentences[i].span.start);
        let bracketed = text[sentence_start..q.start]
            .rfind('(')
            .is_some_and(|o| !text[sentence_start + o..q.start].contains(')'));
        if so_called || edition || bracketed {
            continue;
        }
        candidates.push((q, context(q)));
    }
    let trim = |s: &str| s.trim_end_matches([',', '.']).to_lowercase();
    let accepted: Vec<String> = candidates
        .iter()
        .filter(|c| c.1)
        .map(|c| trim(&text[c.0.start..c.0.end]))
        .collect();
    let mut out: Vec<Span> = Vec::new();
    for &q in quotes {
        let gloss = out.last().is_some_and(|p| is_gloss(text, p.end, q));
        let title = candidates
            .iter()
            .any(|c| c.0 == q && accepted.contains(&trim(&text[q.start..q.end])));
        if gloss || title {
            let w = &text[q.start..q.end];
            let cut = w.len() - w.trim_end_matches([',', '.']).len();
            out.push(Span::new(q.start, q.end - cut));
        }
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
    text.get(prev_end..span.start)
        .map(|between| between.trim_matches(['"', '“', '”']))
        == Some(" (")
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

/// What a title with no kind word beside it names: a film, unless the article speaks of albums,
/// songs, bands and exhibitions more than of films, directors and screenings (a music or art
/// piece: "the set opened with *Zhel*" is a song).
pub fn default_title_type(text: &str) -> EntityType {
    const FILM: [&str; 12] = [
        "film",
        "films",
        "director",
        "directed",
        "cinema",
        "screened",
        "screening",
        "premiere",
        "premiered",
        "feature",
        "documentary",
        "actress",
    ];
    const OTHER: [&str; 18] = [
        "album",
        "albums",
        "song",
        "songs",
        "band",
        "concert",
        "singer",
        "track",
        "tracks",
        "record",
        "records",
        "exhibition",
        "gallery",
        "painting",
        "paintings",
        "artist",
        "installation",
        "biennale",
    ];
    let (mut film, mut other) = (0, 0);
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let w = w.to_lowercase();
        if FILM.contains(&w.as_str()) {
            film += 1;
        } else if OTHER.contains(&w.as_str()) {
            other += 1;
        }
    }
    if other > film {
        EntityType::CreativeWork
    } else {
        EntityType::Film
    }
}

fn emphasis_type(text: &str, sentence: Span, span: Span) -> Option<EntityType> {
    let before = &text[sentence.start..span.start];
    // The kind word stands close, with no other name between: "Qodiriy's 1926 novel *X*".
    if let Some(t) = before
        .split_whitespace()
        .rev()
        .take(4)
        .take_while(|w| !w.chars().next().is_some_and(char::is_uppercase))
        .find_map(kind_of)
    {
        return Some(t);
    }
    let after = &text[span.end..sentence.end];
    if let Some(rest) = after.strip_prefix(", ") {
        if let Some(t) = rest.split_whitespace().take(5).find_map(kind_of) {
            return Some(t);
        }
    }
    if before.trim_end().ends_with("writing in") || before.trim_end().ends_with("Writing in") {
        return Some(EntityType::Publication);
    }
    None
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
            for caps in regex.get().captures_iter(&view.text) {
                let m0 = caps.get(0).expect("group 0");
                if rule.guard.rejects_match(&view.text, &m0) {
                    continue;
                }
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
    fn a_stage_direction_in_italics_is_no_title() {
        let text = "We shot it in winter. (Laughs.) Then came Salt Roads (Tuz), her second film.";
        let sentences = crate::extract::text::sentences(text, false);
        let spans: Vec<Span> = ["Laughs.", "Salt Roads"]
            .iter()
            .map(|w| {
                let i = text.find(w).unwrap();
                Span::new(i, i + w.len())
            })
            .collect();
        let found: Vec<String> = emphasis_mentions(text, &sentences, &spans)
            .into_iter()
            .map(|m| m.text)
            .collect();
        assert_eq!(found, ["Salt Roads"]);
    }

    fn quoted(text: &str) -> Vec<&str> {
        let sentences = crate::extract::text::sentences(text, false);
        quoted_titles(text, &sentences, &crate::extract::text::quotations(text))
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn double_quoted_titles_are_read_in_a_film_sentence() {
        // A title, its original in brackets, a title with a trailing comma inside the quotes,
        // a title after a possessive.
        assert_eq!(
            quoted(
                "Her third feature, \"Winter Apiary\" (\"Zimowa pasieka\"), won. \
                 Best director went to Mroczek for “Winter Tenants,” and Lis's \"Coal Dust Waltz\" lost."
            ),
            ["Winter Apiary", "Zimowa pasieka", "Winter Tenants", "Coal Dust Waltz"]
        );
        // Speech, a lower-case phrase, a slogan with no film in its sentence, an edition label,
        // a translation in brackets after a name.
        assert!(quoted("\"Tonight,\" she said, \"We Won.\" The \"new wave\" won.").is_empty());
        assert!(quoted("The crowd chanted \"Free Kyrgyzstan\" all night.").is_empty());
        assert!(quoted("It carried the \"Cannes 2020\" label to the festival.").is_empty());
        assert!(
            quoted("The band's record Kara-Sug (Кара-Суг, \"Black Water\") won a prize.")
                .is_empty()
        );
        // The same words elsewhere in a film sentence make a title of a bare mention too.
        assert_eq!(
            quoted("\"Saturday People\" opens today. The jury loved \"Saturday People\"."),
            ["Saturday People", "Saturday People"]
        );
    }

    #[test]
    fn a_title_with_no_kind_word_is_a_work_in_a_music_or_art_piece() {
        assert_eq!(
            default_title_type("The band's new album and its songs; the concert."),
            EntityType::CreativeWork
        );
        assert_eq!(
            default_title_type("The director's film premiered; the band played."),
            EntityType::Film
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
