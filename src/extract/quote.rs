//! Direct quotations and who said them: a run in double quotes (`text::quotations`) becomes a
//! [`Quote`] when the words around it name a speaker with a speech verb —
//!
//! * after it: `"…," Wieczorek told Oliwa Screen Notes`, `"…," she says`, `"…," the director,
//!   who …, said`, `"…," said Rahimova`;
//! * before it: `Wieczorek told us: "…"`, `"…," she said, "…"` (the second part), `Ursu recalls,
//!   "…"`;
//! * in a headline: `"The bell rings at 8.30": Yuliia Hrytsenko on Lessons Underground`;
//! * nowhere, right after an attributed one in the same paragraph with nobody else named between:
//!   the same voice goes on (`"…," she recalls. "One actor even asked me …"`);
//! * as a Q&A label: a paragraph that opens with a person's name and a colon is that person's
//!   answer, quote marks or not (`Abdyrakhmanova: On purpose. Every village …`).
//!
//! Inside a quotation, "I", "me" and "my" before a work ("my previous film") stand for the
//! speaker: `first_person_mentions` makes them anaphor mentions of the speaker, so that the
//! relation rules read "I wrote the script with …" as `{Person} wrote the script with …`.
//!
//! The speaker is a person mention of the article (a name, a surname, a pronoun or "the
//! director" resolved to its person by coreference). Titles in quotes are mentions already and
//! are skipped; a quotation with no speaker gives nothing.

use crate::model::{EntityType, Evidence, Mention, Quote, Sentence, Span};

/// Rule id recorded for a quotation whose speaker follows it.
pub const AFTER_RULE: &str = "quote.speaker-after";
/// Rule id recorded for a quotation whose speaker comes before it.
pub const BEFORE_RULE: &str = "quote.speaker-before";

/// Rule id recorded for an unattributed quotation that goes on from an attributed one in the
/// same paragraph ("…," she recalls. "One actor even asked …").
pub const CONTINUED_RULE: &str = "quote.continued";
/// Rule id recorded for an answer after a speaker label ("Abdyrakhmanova: On purpose. …").
pub const LABEL_RULE: &str = "quote.speaker-label";

/// The verbs that attribute a quotation (also what tells a quoted title from speech in
/// `mention::quoted_titles`).
pub(crate) const SPEECH: &str = "said|says|told|tells|adds|added|asks|asked|recalls|recalled|\
    explains|explained|jokes|joked|notes|noted|laughs|laughed|admits|admitted|insists|insisted|\
    continues|continued|argues|argued|remembers|remembered|declared|declares|announced|announces|\
    quipped|observes|observed|reflects|reflected|concedes|conceded|sighs|sighed|confesses|\
    confessed|stresses|stressed|agrees|agreed|replies|replied|smiles|smiled|shrugs|shrugged|wrote|\
    writes|warns|warned|says simply|said simply|puts it|put it";

fn after_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        // What may stand between the speaker's mention and the verb: an apposition or a
        // relative clause in commas ("the director, who grew up in Khujand, says"), the body the
        // speaker speaks for ("Ilze Dārziņa of the National Film Centre told"), or the comma
        // that closes an apposition before the name ("the festival director, Michał Borowiec,
        // told").
        regex::Regex::new(&format!(
            r"^(?:,[^,.!?\x22“”]{{1,90}},| of (?:the )?\p{{Lu}}[^,.!?\x22“”]{{1,60}}?|,)?\s+(?:also |then |later |once |simply )?(?:{SPEECH})\b"
        ))
        .expect("valid speech pattern")
    })
}

/// A role set before the speaker's name: "the festival director, ", "its founder, ".
fn role_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^(?:the|a|an|its|her|his|their) [^,.!?\x22“”]{1,50}, $")
            .expect("valid role pattern")
    })
}

fn inverted_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(&format!(r"^\s*(?:{SPEECH})\s+$")).expect("valid speech pattern")
    })
}

fn before_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(&format!(
            r"^(?:,[^,.!?\x22“”]{{1,90}},)?\s+(?:also |then |later |once |simply )?(?:{SPEECH})(?:\s[^\x22“”.!?]{{0,60}})?[,:]\s*$"
        ))
        .expect("valid speech pattern")
    })
}

/// Rule id recorded for "I", "me", "my" inside a quotation, read as its speaker.
pub const FIRST_PERSON_RULE: &str = "coref.quote-first-person";

/// "I", "me", "my", "myself" inside a quotation stand for its speaker ("I wrote the script with
/// Volha Lazarenka", "my previous film, Snowmelt"): anaphor mentions of the speaker, so that the
/// relation rules read them as `{Person}`. Not a numeral ("World War I", "Part I"); not inside
/// a title or any other mention.
pub fn first_person_mentions(
    text: &str,
    sentences: &[Sentence],
    quotes: &[Quote],
    mentions: &[Mention],
) -> Vec<Mention> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"\b(?:I|[Mm]e|[Mm]y|[Mm]yself)\b").expect("valid pronoun pattern")
    });
    let mut out = Vec::new();
    for q in quotes {
        let words = &text[q.span.start..q.span.end];
        for m in re.find_iter(words) {
            let span = Span::new(q.span.start + m.start(), q.span.start + m.end());
            let before = text[..span.start].trim_end();
            let numeral = m.as_str() == "I"
                && (before.ends_with(" War")
                    || before.ends_with(" Part")
                    || before.ends_with(" Act")
                    || before.ends_with(" Chapter")
                    || text[span.end..].starts_with('.') && before.ends_with(char::is_uppercase));
            // "my" only where it owns a work ("my previous film, Snowmelt"): before other nouns
            // it would split appositions the rules read whole ("Karakum Film, my company in
            // Berlin, produced it").
            let work =
                m.as_str().eq_ignore_ascii_case("my") && !my_work_re().is_match(&text[span.end..]);
            if numeral || work || mentions.iter().any(|k| k.span.overlaps(&span)) {
                continue;
            }
            let Some(sentence) = crate::extract::mention::sentence_of(sentences, span) else {
                continue;
            };
            out.push(Mention {
                span,
                sentence,
                ty: EntityType::Person,
                text: m.as_str().to_string(),
                gazetteer: None,
                demonym: false,
                anaphor: true,
                origin: crate::model::Origin {
                    rule: FIRST_PERSON_RULE.to_string(),
                    confidence: q.evidence.confidence.min(0.8),
                },
                entity: Some(q.speaker),
            });
        }
    }
    out
}

/// What follows a "my" that owns a work: up to two describing words, then the work's kind.
fn my_work_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:\s+[\p{Ll}-]+){0,2}?\s+(?:film|films|feature|features|debut|documentary|documentaries|movie|movies|short|shorts|script|screenplay|album|novel|book|play|series|installation|exhibition)\b",
        )
        .expect("valid work pattern")
    })
}

/// The quotations of an article with their speakers. `mentions` are the article's mentions with
/// their entities resolved; `person(e)` says whether entity `e` is a person.
pub fn quotes(
    text: &str,
    sentences: &[Sentence],
    mentions: &[Mention],
    person: impl Fn(usize) -> bool,
) -> Vec<Quote> {
    let speaker_at = |m: &Mention| m.entity.filter(|&e| person(e));
    let mut out = Vec::new();
    // Q&A: a paragraph that opens with a person's name and a colon is that person's answer: the
    // whole of it when it stands bare, each quotation in it when it is in quote marks. In a
    // headline ("Kantemir Balagov: the Sokurov pupil who …") only the quoted form is speech.
    let title_end = sentences
        .iter()
        .filter(|s| s.is_title)
        .map(|s| s.span.end)
        .max()
        .unwrap_or(0);
    let mut answers: Vec<(Span, usize, Span)> = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let span = Span::new(line_start, line_start + line.len());
        line_start = span.end + 1;
        let named = mentions
            .iter()
            .filter(|m| m.span.start == span.start)
            .find_map(|m| Some((m.span, speaker_at(m)?)));
        let Some((m, speaker)) =
            named.or_else(|| initials_label(text, span, mentions, &speaker_at))
        else {
            continue;
        };
        let rest = &text[m.end..span.end];
        let Some(answer) = rest.strip_prefix(": ") else {
            continue;
        };
        let label = Span::new(span.start, m.end + 1);
        let quoted = answer.starts_with(['"', '“']);
        if quoted {
            answers.push((span, speaker, label));
            continue;
        }
        let words = answer.trim();
        if span.start < title_end || words.split_whitespace().count() < 2 {
            continue;
        }
        answers.push((span, speaker, label));
        out.push(Quote {
            text: words.to_string(),
            span: Span::new(span.end - answer.len(), span.end),
            speaker,
            evidence: Evidence {
                sentence: crate::extract::mention::sentence_of(sentences, m),
                span,
                rule: LABEL_RULE.to_string(),
                confidence: 0.85,
            },
        });
    }
    // The last attributed quotation: (its paragraph's start, its speaker, where it closed).
    let mut last: Option<(usize, usize, usize)> = None;
    for q in crate::extract::text::quotations(text) {
        // The comma before the attribution ("…," she says) is the sentence's, not the speaker's.
        let words = text[q.start..q.end].trim().trim_end_matches(',');
        // A title or a name in quotes is a mention, no speech; an answer is taken whole.
        if words.split_whitespace().count() < 2
            || mentions.iter().any(|m| {
                m.span.contains(&q) || (q.contains(&m.span) && m.span.len() * 10 >= q.len() * 8)
            })
        {
            continue;
        }
        // Inside an answer: a bare one was taken whole; in a quoted one each quotation is the
        // labelled speaker's.
        if let Some(&(para, speaker, label)) = answers.iter().find(|a| a.0.contains(&q)) {
            if out.iter().any(|o| o.evidence.span == para) {
                continue;
            }
            out.push(Quote {
                text: words.to_string(),
                span: q,
                speaker,
                evidence: Evidence {
                    sentence: crate::extract::mention::sentence_of(sentences, label),
                    span: Span::new(label.start, q.end),
                    rule: LABEL_RULE.to_string(),
                    confidence: 0.85,
                },
            });
            continue;
        }
        let close = q.end + text[q.end..].chars().next().map_or(0, char::len_utf8);
        let open = q.start
            - text[..q.start]
                .chars()
                .next_back()
                .map_or(0, char::len_utf8);
        let line_end = text[close..].find('\n').map_or(text.len(), |i| close + i);
        let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
        let after = &text[close..line_end];
        let lead = after.len()
            - after
                .trim_start_matches([',', '.', '!', '?', ':', ' '])
                .len();
        let at = close + lead;
        let colon = after.starts_with(':');
        // "…," Wieczorek told …  /  "…," she says  /  "…": Hrytsenko on Lessons Underground
        let found_after = mentions
            .iter()
            .find(|m| m.span.start == at && speaker_at(m).is_some())
            .filter(|m| {
                let rest = &text[m.span.end..line_end];
                if colon {
                    rest.starts_with(" on ")
                } else {
                    after_re().is_match(rest)
                }
            })
            .map(|m| (m, AFTER_RULE, Span::new(open, m.span.end)))
            // "…," the festival director, Michał Borowiec, told …
            .or_else(|| {
                mentions
                    .iter()
                    .filter(|m| m.span.start > at && m.span.start <= at + 60)
                    .filter(|m| m.span.end <= line_end && speaker_at(m).is_some())
                    .filter(|m| role_re().is_match(&text[at..m.span.start]))
                    .find(|m| after_re().is_match(&text[m.span.end..line_end]))
                    .map(|m| (m, AFTER_RULE, Span::new(open, m.span.end)))
            })
            // "…," said Rahimova
            .or_else(|| {
                mentions
                    .iter()
                    .filter(|m| {
                        m.span.start > at && m.span.start <= at + 24 && m.span.end <= line_end
                    })
                    .filter(|m| speaker_at(m).is_some())
                    .find(|m| inverted_re().is_match(&text[at..m.span.start]))
                    .map(|m| (m, AFTER_RULE, Span::new(open, m.span.end)))
            });
        // Wieczorek told us: "…"  /  "…," she said, "…"
        let found = found_after.or_else(|| {
            mentions
                .iter()
                .filter(|m| m.span.end <= open && m.span.start >= line_start)
                .filter(|m| speaker_at(m).is_some())
                .filter(|m| before_re().is_match(&text[m.span.end..open]))
                .max_by_key(|m| m.span.end)
                .map(|m| (m, BEFORE_RULE, Span::new(m.span.start, close)))
        });
        let (speaker, evidence) = match found {
            Some((m, rule, span)) => {
                let Some(speaker) = speaker_at(m) else {
                    continue;
                };
                let evidence = Evidence {
                    sentence: crate::extract::mention::sentence_of(sentences, m.span),
                    span,
                    rule: rule.to_string(),
                    confidence: if m.anaphor { 0.75 } else { 0.9 },
                };
                (speaker, evidence)
            }
            // "…," she recalls. "One actor even asked me …": the same voice goes on, when
            // nobody else is named between the two.
            None => {
                let Some((para, speaker, prev)) = last.filter(|l| l.0 == line_start) else {
                    continue;
                };
                let other = mentions.iter().any(|m| {
                    m.span.start >= prev
                        && m.span.end <= open
                        && m.entity.is_some_and(|e| person(e) && e != speaker)
                });
                if other || text[prev..open].contains(['"', '“', '”']) {
                    continue;
                }
                let evidence = Evidence {
                    sentence: sentences
                        .iter()
                        .find(|s| s.span.start <= q.start && q.start < s.span.end)
                        .map(|s| s.index),
                    span: Span::new(para.max(prev), close),
                    rule: CONTINUED_RULE.to_string(),
                    confidence: 0.8,
                };
                (speaker, evidence)
            }
        };
        last = Some((line_start, speaker, close));
        out.push(Quote {
            text: words.to_string(),
            span: q,
            speaker,
            evidence,
        });
    }
    out.sort_by_key(|q| q.span.start);
    out
}

/// A Q&A label in initials ("JN: …") at the start of `line`: the person of the article whose
/// full name has those initials (Jemal Nurmuradova), when exactly one has. Returns the label's
/// range and the person.
fn initials_label(
    text: &str,
    line: Span,
    mentions: &[Mention],
    speaker_at: &impl Fn(&Mention) -> Option<usize>,
) -> Option<(Span, usize)> {
    let l = &text[line.start..line.end];
    let label = l.split(": ").next().filter(|w| l.len() > w.len())?;
    let letters: String = label.chars().filter(|c| *c != '.').collect();
    if !(2..=3).contains(&letters.chars().count()) || !letters.chars().all(char::is_uppercase) {
        return None;
    }
    let mut people: Vec<usize> = mentions
        .iter()
        .filter_map(|m| {
            let e = speaker_at(m)?;
            let initials: String = m
                .text
                .split([' ', '-'])
                .filter_map(|w| w.chars().next())
                .collect();
            (initials == letters).then_some(e)
        })
        .collect();
    people.dedup();
    match people[..] {
        [e] => Some((Span::new(line.start, line.start + label.len()), e)),
        _ => None,
    }
}

/// Is `ty` a type a speaker may have?
pub fn speaks(ty: EntityType) -> bool {
    ty == EntityType::Person
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn mention(text: &str, word: &str, nth: usize, entity: usize, anaphor: bool) -> Mention {
        let whole = |i: usize| {
            !text[..i].ends_with(char::is_alphanumeric)
                && !text[i + word.len()..].starts_with(char::is_alphanumeric)
        };
        let start = text
            .match_indices(word)
            .map(|(i, _)| i)
            .filter(|&i| whole(i))
            .nth(nth)
            .expect("word in text");
        Mention {
            span: Span::new(start, start + word.len()),
            sentence: 0,
            ty: EntityType::Person,
            text: word.to_string(),
            gazetteer: None,
            demonym: false,
            anaphor,
            origin: Origin {
                rule: "test".into(),
                confidence: 1.0,
            },
            entity: Some(entity),
        }
    }

    fn said(text: &str, mentions: &[Mention]) -> Vec<(String, usize, String)> {
        let sentences = crate::extract::text::sentences(text, false);
        quotes(text, &sentences, mentions, |e| e < 10)
            .into_iter()
            .map(|q| (q.text, q.speaker, q.evidence.rule))
            .collect()
    }

    #[test]
    fn a_speaker_after_the_quote_is_found_by_name_pronoun_or_inversion() {
        let t = "“I made a film about bees,” Wieczorek told Oliwa Screen Notes. \
                 \"It was cold there,\" she says. \"We shot it twice,\" said Hrytsenko.";
        let m = [
            mention(t, "Wieczorek", 0, 0, false),
            mention(t, "she", 0, 0, true),
            mention(t, "Hrytsenko", 0, 1, false),
        ];
        assert_eq!(
            said(t, &m),
            vec![
                (
                    "I made a film about bees".to_string(),
                    0,
                    AFTER_RULE.to_string()
                ),
                ("It was cold there".to_string(), 0, AFTER_RULE.to_string()),
                ("We shot it twice".to_string(), 1, AFTER_RULE.to_string()),
            ]
        );
    }

    #[test]
    fn a_speaker_before_the_quote_and_a_second_part_are_found() {
        let t = "Ursu told us: “The village is the film.” \
                 \"First,\" he said, \"we listened to the bees.\"";
        let m = [
            mention(t, "Ursu", 0, 2, false),
            mention(t, "he", 0, 3, true),
        ];
        assert_eq!(
            said(t, &m),
            vec![
                (
                    "The village is the film.".to_string(),
                    2,
                    BEFORE_RULE.to_string()
                ),
                (
                    "we listened to the bees.".to_string(),
                    3,
                    BEFORE_RULE.to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_quote_goes_on_until_someone_else_is_named_and_labels_give_answers() {
        let t = "Intro.\n\n\"We shot it in winter,\" she recalls. \"Nobody came to help.\" \
                 Then Lis spoke. \"Not true at all,\" he laughs.\n\n\"Another paragraph here.\"\n\n\
                 Ursu: On purpose. Every village is one village.\n\n\
                 Ursu: \"Too warm.\" (She laughs.) \"Seriously now.\"\n\n\
                 \"The bell rings early\": Hrytsenko on Lessons Underground";
        let m = [
            mention(t, "she", 0, 0, true),
            mention(t, "Lis", 0, 1, false),
            mention(t, "he", 0, 1, true),
            mention(t, "Ursu", 0, 2, false),
            mention(t, "Ursu", 1, 2, false),
            mention(t, "Hrytsenko", 0, 3, false),
        ];
        assert_eq!(
            said(t, &m),
            vec![
                (
                    "We shot it in winter".to_string(),
                    0,
                    AFTER_RULE.to_string()
                ),
                (
                    "Nobody came to help.".to_string(),
                    0,
                    CONTINUED_RULE.to_string()
                ),
                ("Not true at all".to_string(), 1, AFTER_RULE.to_string()),
                (
                    "On purpose. Every village is one village.".to_string(),
                    2,
                    LABEL_RULE.to_string()
                ),
                ("Too warm.".to_string(), 2, LABEL_RULE.to_string()),
                ("Seriously now.".to_string(), 2, LABEL_RULE.to_string()),
                (
                    "The bell rings early".to_string(),
                    3,
                    AFTER_RULE.to_string()
                ),
            ]
        );
    }

    #[test]
    fn roles_bodies_and_initials_lead_to_the_speaker() {
        let t = "“We grew,” the festival director, Michał Borowiec, told us. \
                 \"We are small,\" Ilze Dārziņa of the National Film Centre told the paper.\n\n\
                 JN: Every knot is a decision.";
        let m = [
            mention(t, "Michał Borowiec", 0, 4, false),
            mention(t, "Ilze Dārziņa", 0, 5, false),
            Mention {
                text: "Jemal Nurmuradova".into(),
                ..mention(t, "National Film Centre", 0, 6, false)
            },
        ];
        assert_eq!(
            said(t, &m),
            vec![
                ("We grew".to_string(), 4, AFTER_RULE.to_string()),
                ("We are small".to_string(), 5, AFTER_RULE.to_string()),
                (
                    "Every knot is a decision.".to_string(),
                    6,
                    LABEL_RULE.to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_bare_label_in_a_headline_is_no_answer() {
        let t = "Kantemir Balagov: the pupil who conquered Cannes\n\nBody text here.";
        let m = [mention(t, "Kantemir Balagov", 0, 0, false)];
        let sentences = crate::extract::text::sentences(t, true);
        assert!(quotes(t, &sentences, &m, |_| true).is_empty());
    }

    #[test]
    fn quotes_without_a_speaker_and_titles_give_nothing() {
        let t = "The poster read \"Bees Are Coming Soon\". Her film \"Winter Apiary\" won, \
                 and a \"quiet revolution,\" the critics said.";
        let title = mention(t, "Winter Apiary", 0, 11, false);
        // "Winter Apiary" is a mention (a title); the critics are no person mention.
        assert!(said(t, &[title]).is_empty());
    }

    #[test]
    fn first_person_in_a_quotation_is_its_speaker() {
        let text = "\u{201c}I wrote the script with Ida, and my previous film, Snowmelt, too. My company paid. In World War I nobody did,\u{201d} Karpovich says.";
        let sentences = crate::extract::text::sentences(text, false);
        let ms = [mention(text, "Karpovich", 0, 3, false)];
        let qs = quotes(text, &sentences, &ms, |_| true);
        assert_eq!(qs.len(), 1);
        let found: Vec<(String, Option<usize>)> = first_person_mentions(text, &sentences, &qs, &ms)
            .into_iter()
            .map(|m| (m.text, m.entity))
            .collect();
        // "My company" owns no work; "War I" is a numeral.
        assert_eq!(
            found,
            [("I".to_string(), Some(3)), ("my".to_string(), Some(3))]
        );
    }
}
