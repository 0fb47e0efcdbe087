//! Sentences and tokens with byte offsets into the article text.

use crate::model::{Sentence, Span, Token};

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 28] = [
    "Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Jr", "Sr", "vs", "etc", "No", "Mt", "Gen", "Col", "Lt",
    "Sgt", "Rev", "Fr", "Jan", "Feb", "Aug", "Sept", "Bros", "Co",
    // filmography credits: "dir. X", "prod. Y"
    "dir", "Dir", "prod", "scr",
];

/// Splits the article text into sentences. When `has_title`, the first paragraph is the title and
/// becomes sentence 0 whole.
pub fn sentences(text: &str, has_title: bool) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut para_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut paras = Vec::new();
    while i <= bytes.len() {
        if i == bytes.len() || (bytes[i] == b'\n') {
            if i > para_start {
                paras.push(Span::new(para_start, i));
            }
            para_start = i + 1;
        }
        i += 1;
    }
    for (pi, para) in paras.into_iter().enumerate() {
        let spans = if pi == 0 && has_title {
            vec![para]
        } else {
            split_paragraph(text, para)
        };
        for span in spans {
            let span = trim(text, span);
            if span.is_empty() {
                continue;
            }
            out.push(Sentence {
                index: out.len(),
                span,
                tokens: tokens(text, span),
                is_title: pi == 0 && has_title,
            });
        }
    }
    out
}

fn trim(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let start = span.start + (s.len() - s.trim_start().len());
    let end = span.end - (s.len() - s.trim_end().len());
    Span::new(start, end.max(start))
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

fn is_opener_or_upper(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '«' | '[')
}

fn split_paragraph(text: &str, para: Span) -> Vec<Span> {
    let p = &text[para.start..para.end];
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (_, c) = chars[k];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Swallow repeated terminators and closing quotes/brackets.
            let mut j = k + 1;
            while j < chars.len()
                && (matches!(chars[j].1, '.' | '!' | '?') || is_closer(chars[j].1))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(p.len(), |x| x.0);
            let followed_by_space = j < chars.len() && chars[j].1.is_whitespace();
            let mut n = j;
            while n < chars.len() && chars[n].1.is_whitespace() {
                n += 1;
            }
            let next_ok = n < chars.len() && is_opener_or_upper(chars[n].1);
            if followed_by_space && next_ok && !(c == '.' && is_abbreviation(&p[start..chars[k].0]))
            {
                out.push(Span::new(para.start + start, para.start + end));
                start = chars[n].0;
                k = n;
                continue;
            }
            k = j.max(k + 1);
            continue;
        }
        k += 1;
    }
    if start < p.len() {
        out.push(Span::new(para.start + start, para.end));
    }
    out
}

/// Is the last word of `before` an abbreviation or an initial?
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let mut cs = word.chars();
    let single_initial = cs.next().is_some_and(char::is_uppercase) && cs.next().is_none();
    single_initial || word.contains('.') || ABBREVIATIONS.contains(&word)
}

/// The double-quoted runs of a text: the byte ranges *inside* the quote marks. Curly quotes pair
/// “ with ”; straight quotes pair in order. A run never crosses a paragraph (a line break): a
/// quotation the press continues into the next paragraph, with no closing mark, gives nothing.
pub fn quotations(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        match (c, open) {
            ('\n', _) => open = None,
            ('“', _) => open = Some((i + c.len_utf8(), '”')),
            ('"', None) => open = Some((i + 1, '"')),
            (c, Some((start, close))) if c == close => {
                if i > start {
                    out.push(Span::new(start, i));
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// Tokens of a span: words (letters and digits, with inner apostrophes and hyphens) and single
/// punctuation marks.
pub fn tokens(text: &str, span: Span) -> Vec<Token> {
    let s = &text[span.start..span.end];
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (b, c) = chars[k];
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        if c.is_alphanumeric() {
            while j < chars.len() {
                let cj = chars[j].1;
                let inner = matches!(cj, '\'' | '’' | '-' | '.')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric())
                    && !(matches!(cj, '\'' | '’')
                        && chars.get(j + 1).is_some_and(|n| n.1 == 's')
                        && chars.get(j + 2).is_none_or(|n| !n.1.is_alphanumeric()));
                if cj.is_alphanumeric() || inner {
                    j += 1;
                } else {
                    break;
                }
            }
        }
        let e = chars.get(j).map_or(s.len(), |x| x.0);
        out.push(Token {
            span: Span::new(span.start + b, span.start + e),
            text: s[b..e].to_string(),
        });
        k = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, has_title: bool) -> Vec<&str> {
        sentences(text, has_title)
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect::<Vec<_>>()
    }

    #[test]
    fn splits_sentences_and_keeps_quotes() {
        let t = "Title: no split. Here\n\nIt premiered in 2019. “It was hard. Really,” she says. Mr. Smith met J. R. Ewing! Next?";
        assert_eq!(
            texts(t, true),
            vec![
                "Title: no split. Here",
                "It premiered in 2019.",
                "“It was hard.",
                "Really,” she says.",
                "Mr. Smith met J. R. Ewing!",
                "Next?"
            ]
        );
    }

    #[test]
    fn company_abbreviations_end_no_sentence() {
        let t = "X\n\nIt is a 1959 Warner Bros. cartoon directed by Chuck Jones. It was short.";
        assert_eq!(
            texts(t, true),
            vec![
                "X",
                "It is a 1959 Warner Bros. cartoon directed by Chuck Jones.",
                "It was short."
            ]
        );
    }

    #[test]
    fn credit_abbreviations_end_no_sentence() {
        let t = "X\n\nAral (2023; dir. Olim Toshev) — as Kamol. It was short.";
        assert_eq!(
            texts(t, true),
            vec![
                "X",
                "Aral (2023; dir. Olim Toshev) — as Kamol.",
                "It was short."
            ]
        );
    }

    #[test]
    fn quotations_pair_marks_within_a_paragraph() {
        let t = "She called it “Winter Apiary” and \"Rój\" (\"The Swarm\").\n\n\"Open,\n\n“Closed” here";
        let runs: Vec<&str> = quotations(t).iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(runs, ["Winter Apiary", "Rój", "The Swarm", "Closed"]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let t = "Aushakimova’s film, Welcome to the USA.";
        let toks = tokens(t, Span::new(0, t.len()));
        let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "Aushakimova",
                "’",
                "s",
                "film",
                ",",
                "Welcome",
                "to",
                "the",
                "USA",
                "."
            ]
        );
        for tok in &toks {
            assert_eq!(&t[tok.span.start..tok.span.end], tok.text);
        }
        let toks = tokens("rock'n'roll 36-year Nur-Sultan", Span::new(0, 30));
        assert_eq!(toks.len(), 3);
    }
}
