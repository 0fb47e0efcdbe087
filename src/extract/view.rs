//! The typed view of a sentence: its text with every mention replaced by a marker
//! `\u{E000}Type#index\u{E001}`, and curly quotes folded to straight ones, so that rules can match
//! "{Person}'s debut feature, {Film}" with one regex. The view keeps a map back to byte offsets
//! of the article text.

use crate::model::{Mention, Span};
use crate::resources::rules::{DEMONYM, MARK_CLOSE, MARK_OPEN};
use regex::Regex;
use std::sync::LazyLock;

/// A bracket right after a name: an original-script title, a translation, a year
/// ("Przewoźnik (The Ferryman)", "Iron Ropes (რკინის თოკები)").
static GLOSS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("\u{E001}( \\([^()\\x{E000}]*\\))").unwrap());

/// An apposition or a non-restrictive relative clause between commas right after a name, when a
/// lower-case word (the verb of the clause) follows: "The Ferryman, which premiered on Wednesday,
/// was produced by …", "X, Wilk's austere drama about a ferryman, was named best film".
static APPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        "\u{E001}((?:, (?:which|who|whose|a|an|the|his|her|its|their|",
        "\u{E000}[^\u{E001}]*\u{E001}'s?) [^,;:()\"]*?)+,) [a-z]"
    ))
    .unwrap()
});

/// Words describing a work between its maker's possessive and its title: "Fedorenko's war epic
/// 'The Azov Sea'", "Zaremba's much-discussed "Lighthouse 44"" read "Fedorenko's 'The Azov Sea'".
static POSSESSIVE_DESCRIPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        "\u{E000}Person#[0-9]+\u{E001}'s? ((?:[a-z][a-z-]* ){1,3})[\"']?",
        "\u{E000}(?:Film|CreativeWork)#"
    ))
    .unwrap()
});

#[derive(Debug, Clone)]
pub struct View {
    pub text: String,
    /// `starts[i]`: article offset where view byte `i` begins.
    starts: Vec<usize>,
    /// `ends[i]`: article offset where a span ending at view byte `i` ends.
    ends: Vec<usize>,
}

fn fold_char(c: char) -> char {
    match c {
        '’' | '‘' | '`' | 'ʼ' => '\'',
        '“' | '”' | '„' | '«' | '»' => '"',
        '\u{a0}' => ' ',
        c => c,
    }
}

fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

/// The double quote marks around `span` in `text`, if both are there: (the opening mark's byte
/// length, (bytes of `,`/`.` before the closing mark, the closing mark's byte length)). The
/// opening mark must lie at or after `from`, the closing one before `to`.
fn enclosing_quotes(
    text: &str,
    span: Span,
    from: usize,
    to: usize,
) -> (usize, Option<(usize, usize)>) {
    let Some(open) = text[from..span.start]
        .chars()
        .next_back()
        .filter(|&c| is_double_quote(c) || matches!(c, '\'' | '‘'))
    else {
        return (0, None);
    };
    // A single mark opens only after a space, a bracket or the start ("Melnychuk's 'The
    // Chaplain'"), never as an apostrophe inside a word ("rock'n'roll").
    let single = !is_double_quote(open);
    let before_open = text[..span.start - open.len_utf8()].chars().next_back();
    if single && before_open.is_some_and(|c| !matches!(c, ' ' | '(' | '\n' | '—' | '–')) {
        return (0, None);
    }
    let rest = &text[span.end..to];
    let punct = usize::from(rest.starts_with([',', '.']));
    match rest[punct..].chars().next() {
        Some(c) if !single && is_double_quote(c) => (open.len_utf8(), Some((punct, c.len_utf8()))),
        Some(c @ ('\'' | '’'))
            if single
                && rest[punct + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| !n.is_alphanumeric()) =>
        {
            (open.len_utf8(), Some((punct, c.len_utf8())))
        }
        _ => (0, None),
    }
}

/// The type name written in a mention's marker.
pub fn marker_type(m: &Mention) -> &'static str {
    if m.demonym {
        DEMONYM
    } else {
        m.ty.as_str()
    }
}

impl View {
    /// Builds the view of `span` of `text`. `mentions` are (index, mention) pairs inside the
    /// span, sorted by start and not overlapping.
    pub fn build(text: &str, span: Span, mentions: &[(usize, &Mention)]) -> View {
        let mut v = View {
            text: String::with_capacity(span.len() + 16 * mentions.len()),
            starts: Vec::with_capacity(span.len() + 1),
            ends: vec![span.start],
        };
        let mut pos = span.start;
        for (idx, m) in mentions {
            if m.span.start < pos || m.span.end > span.end {
                continue;
            }
            // A name in double quotes ("Lis's "Coal Dust Waltz", set in …") or in single ones, as
            // the British press sets titles ("Melnychuk's 'The Chaplain'"), reads as a bare
            // name: the marks go, so that a rule written for `{Person}'s {Film}` finds it. A
            // comma or full stop the press sets inside the closing mark stays.
            let (open, close) = enclosing_quotes(text, m.span, pos, span.end);
            v.copy(text, pos, m.span.start - open);
            let marker = format!("{MARK_OPEN}{}#{idx}{MARK_CLOSE}", marker_type(m));
            v.push(&marker, m.span.start, m.span.end);
            pos = m.span.end;
            if let Some((punct, mark)) = close {
                v.copy(text, pos, pos + punct);
                pos += punct + mark;
            }
        }
        v.copy(text, pos, span.end);
        v
    }

    fn push(&mut self, s: &str, a: usize, b: usize) {
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.starts.push(a);
            self.ends.push(b);
        }
    }

    fn copy(&mut self, text: &str, from: usize, to: usize) {
        for (i, c) in text[from..to].char_indices() {
            let a = from + i;
            let mut buf = [0u8; 4];
            self.push(fold_char(c).encode_utf8(&mut buf), a, a + c.len_utf8());
        }
    }

    /// The sentence without the brackets and the comma-enclosed appositions and relative clauses
    /// that follow names ("X (original title), Y's drama about Z, which premiered in W, won …"
    /// reads "X won …"), and without the words between a maker's possessive and a title ("Y's war
    /// epic X" reads "Y's X"), so that a rule written for the plain clause also finds the fact in the
    /// decorated one. `None` when there is nothing to leave out. Offsets still map to the article:
    /// a match that spans a gap covers it.
    pub fn simplified(&self) -> Option<View> {
        let mut cur: Option<View> = None;
        for _ in 0..4 {
            let v = cur.as_ref().unwrap_or(self);
            let mut cut: Vec<(usize, usize)> = GLOSS
                .captures_iter(&v.text)
                .chain(APPOSITION.captures_iter(&v.text))
                .chain(POSSESSIVE_DESCRIPTION.captures_iter(&v.text))
                .filter_map(|c| c.get(1).map(|g| (g.start(), g.end())))
                .collect();
            if cut.is_empty() {
                break;
            }
            cut.sort_unstable();
            let next = v.without(&cut);
            cur = Some(next);
        }
        cur
    }

    /// The view with the byte ranges `cut` (sorted; overlaps allowed) left out.
    fn without(&self, cut: &[(usize, usize)]) -> View {
        let mut v = View {
            text: String::with_capacity(self.text.len()),
            starts: Vec::with_capacity(self.starts.len()),
            ends: vec![self.ends[0]],
        };
        let mut pos = 0;
        for &(a, b) in cut {
            if a > pos {
                v.keep(self, pos, a);
            }
            pos = pos.max(b);
        }
        v.keep(self, pos, self.text.len());
        v
    }

    fn keep(&mut self, from: &View, a: usize, b: usize) {
        self.text.push_str(&from.text[a..b]);
        self.starts.extend_from_slice(&from.starts[a..b]);
        self.ends.extend_from_slice(&from.ends[a + 1..b + 1]);
    }

    /// The article span of view bytes `[start, end)`.
    pub fn orig(&self, start: usize, end: usize) -> Span {
        let s = self
            .starts
            .get(start)
            .copied()
            .unwrap_or_else(|| *self.ends.last().unwrap_or(&0));
        Span::new(s, self.ends[end].max(s))
    }

    /// The mention index of the first marker in `captured`, when `captured` begins with one.
    pub fn leading_marker(captured: &str) -> Option<usize> {
        let rest = captured.strip_prefix(MARK_OPEN)?;
        let end = rest.find(MARK_CLOSE)?;
        let (_, idx) = rest[..end].split_once('#')?;
        idx.parse().ok()
    }

    /// The mention index of the first marker anywhere in `captured` ("Director ⟨Person⟩").
    pub fn first_marker(captured: &str) -> Option<usize> {
        let at = captured.find(MARK_OPEN)?;
        Self::leading_marker(&captured[at..])
    }

    /// The mention index when `captured` is exactly one marker.
    pub fn only_marker(captured: &str) -> Option<usize> {
        let idx = Self::leading_marker(captured)?;
        (captured.ends_with(MARK_CLOSE) && captured.matches(MARK_OPEN).count() == 1).then_some(idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityType, Origin};

    #[test]
    fn view_maps_back_to_the_text() {
        let text = "Aushakimova’s film ran in Almaty.";
        let m = mention(text, "Almaty", EntityType::City);
        let v = View::build(text, Span::new(0, text.len()), &[(7, &m)]);
        assert_eq!(v.text, "Aushakimova's film ran in \u{E000}City#7\u{E001}.");
        let at = v.text.find('\u{E000}').unwrap();
        let end = v.text.find('\u{E001}').unwrap() + 3;
        assert_eq!(v.orig(at, end), m.span);
        assert_eq!(v.orig(0, 13), Span::new(0, 15)); // "Aushakimova's" ↔ "Aushakimova’s"
        assert_eq!(View::only_marker(&v.text[at..end]), Some(7));
    }

    #[test]
    fn quote_marks_around_a_name_leave_the_view() {
        let text = "Lis's “Coal Dust Waltz,” set in Katowice, and \"Rój\". A \"half quote.";
        let v = view_of(
            text,
            &[
                ("Lis", EntityType::Person),
                ("Coal Dust Waltz", EntityType::Film),
                ("Katowice", EntityType::City),
                ("Rój", EntityType::CreativeWork),
            ],
        );
        assert_eq!(
            v.text,
            "\u{E000}Person#0\u{E001}'s \u{E000}Film#1\u{E001}, set in \u{E000}City#2\u{E001}, \
             and \u{E000}CreativeWork#3\u{E001}. A \"half quote."
        );
        let at = v.text.find("\u{E000}Film").unwrap();
        let end = at + v.text[at..].find('\u{E001}').unwrap() + 3;
        assert_eq!(
            &text[v.orig(at, end).start..v.orig(at, end).end],
            "Coal Dust Waltz"
        );
    }

    #[test]
    fn single_quote_marks_around_a_name_leave_the_view_but_apostrophes_stay() {
        let text = "Melnychuk's 'The Chaplain', and rock'Ayka' here.";
        let v = view_of(
            text,
            &[
                ("Melnychuk", EntityType::Person),
                ("The Chaplain", EntityType::Film),
                ("Ayka", EntityType::Film),
            ],
        );
        assert_eq!(
            v.text,
            "\u{E000}Person#0\u{E001}'s \u{E000}Film#1\u{E001}, and rock'\u{E000}Film#2\u{E001}' here."
        );
    }

    fn mention(text: &str, name: &str, ty: EntityType) -> Mention {
        let at = text.find(name).unwrap();
        Mention {
            span: Span::new(at, at + name.len()),
            sentence: 0,
            ty,
            text: name.into(),
            gazetteer: None,
            demonym: false,
            anaphor: false,
            origin: Origin {
                rule: "test".into(),
                confidence: 1.0,
            },
            entity: None,
        }
    }

    /// The view of the whole of `text` with `names` as its mentions, numbered in order.
    fn view_of(text: &str, names: &[(&str, EntityType)]) -> View {
        let ms: Vec<Mention> = names.iter().map(|&(n, ty)| mention(text, n, ty)).collect();
        let pairs: Vec<(usize, &Mention)> = ms.iter().enumerate().collect();
        View::build(text, Span::new(0, text.len()), &pairs)
    }

    #[test]
    fn simplified_view_leaves_out_descriptions_between_a_possessive_and_a_title() {
        let text = "Oleksandr Fedorenko's much-discussed war epic 'The Azov Sea' opened.";
        let v = view_of(
            text,
            &[
                ("Oleksandr Fedorenko", EntityType::Person),
                ("The Azov Sea", EntityType::Film),
            ],
        );
        let s = v.simplified().unwrap();
        assert!(
            s.text
                .starts_with("\u{E000}Person#0\u{E001}'s \u{E000}Film#1\u{E001}"),
            "{}",
            s.text
        );
        // Not before a person: "Lungu's brother Farhod" keeps its words.
        let text = "Victoria Lungu's younger brother Farhod Rahimov wrote it.";
        let v = view_of(
            text,
            &[
                ("Victoria Lungu", EntityType::Person),
                ("Farhod Rahimov", EntityType::Person),
            ],
        );
        assert!(v.simplified().is_none());
    }

    #[test]
    fn simplified_view_leaves_out_glosses_and_appositions() {
        let text = "Przewoźnik (The Ferryman), Jarosław Wilk’s austere drama, which opened on Friday, was named best film.";
        let v = view_of(
            text,
            &[
                ("Przewoźnik", EntityType::Film),
                ("Jarosław Wilk", EntityType::Person),
            ],
        );
        let s = v.simplified().unwrap();
        assert_eq!(s.text, "\u{E000}Film#0\u{E001} was named best film.");
        // A match across the gap maps back to the whole stretch of the article.
        let span = s.orig(0, s.text.len());
        assert_eq!(span, Span::new(0, text.len()));
        let was = s.text.find("was").unwrap();
        assert_eq!(
            &text[s.orig(was, was + 3).start..s.orig(was, was + 3).end],
            "was"
        );
    }

    #[test]
    fn simplified_view_keeps_lists_and_plain_sentences() {
        let text = "Films by Ana Rusu, Ion Popa and Vera Lis were shown.";
        let persons = ["Ana Rusu", "Ion Popa", "Vera Lis"].map(|n| (n, EntityType::Person));
        assert!(view_of(text, &persons).simplified().is_none());
        // An apposition followed by another name is a list, not a clause: kept.
        let text = "Merab, a dancer who falls for a rival, Irakli, played by Bachi.";
        let characters = ["Merab", "Irakli"].map(|n| (n, EntityType::Character));
        assert!(view_of(text, &characters).simplified().is_none());
    }
}
