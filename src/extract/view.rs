//! The typed view of a sentence: its text with every mention replaced by a marker
//! `\u{E000}Type#index\u{E001}`, and curly quotes folded to straight ones, so that rules can match
//! "{Person}'s debut feature, {Film}" with one regex. The view keeps a map back to byte offsets
//! of the article text.

use crate::model::{Mention, Span};
use crate::resources::rules::{DEMONYM, MARK_CLOSE, MARK_OPEN};

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
            v.copy(text, pos, m.span.start);
            let marker = format!("{MARK_OPEN}{}#{idx}{MARK_CLOSE}", marker_type(m));
            v.push(&marker, m.span.start, m.span.end);
            pos = m.span.end;
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
        let at = text.find("Almaty").unwrap();
        let m = Mention {
            span: Span::new(at, at + 6),
            sentence: 0,
            ty: EntityType::City,
            text: "Almaty".into(),
            gazetteer: None,
            demonym: false,
            anaphor: false,
            origin: Origin {
                rule: "gaz".into(),
                confidence: 1.0,
            },
            entity: None,
        };
        let v = View::build(text, Span::new(0, text.len()), &[(7, &m)]);
        assert_eq!(v.text, "Aushakimova's film ran in \u{E000}City#7\u{E001}.");
        let at = v.text.find('\u{E000}').unwrap();
        let end = v.text.find('\u{E001}').unwrap() + 3;
        assert_eq!(v.orig(at, end), m.span);
        assert_eq!(v.orig(0, 13), Span::new(0, 15)); // "Aushakimova's" ↔ "Aushakimova’s"
        assert_eq!(View::only_marker(&v.text[at..end]), Some(7));
    }
}
