//! Person-name shapes: `data/gazetteers/given-names.txt` and `surname-endings.txt`.
//!
//! Most people in the region's press are named once, without a cue word ("Farrukh Nazarov shot it
//! himself"). Two shapes catch them: a known **given name** followed by one or two capitalised
//! words, and two or three capitalised words whose last one ends like a **surname** of the region
//! ("-ov", "-yan", "-shvili", "-enko", "-wicz"). [`PersonNames::find`] returns the candidate spans
//! of one sentence; the mention stage weighs them against every other mention.

use crate::error::{Error, Result};
use crate::model::{Span, Token};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Words that end a name run: a given name followed by one of these is a place or an institution
/// ("Heydar Aliyev Center", "Sofia Film Festival"), which a longer mention will cover.
const HEADS: [&str; 34] = [
    "Center",
    "Centre",
    "Street",
    "Avenue",
    "Square",
    "Prize",
    "Award",
    "Awards",
    "Festival",
    "Film",
    "Films",
    "Studio",
    "Studios",
    "University",
    "Institute",
    "Museum",
    "Cinema",
    "Gallery",
    "Palace",
    "Theatre",
    "Theater",
    "Foundation",
    "Fund",
    "School",
    "Academy",
    "Library",
    "Hall",
    "Park",
    "Bridge",
    "Prospect",
    "Lane",
    "Road",
    "Stadium",
    "Airport",
];

/// Capitalised words that start sentences or precede names but are never part of a person's
/// name: "Director Sergey Dvortsevoy" → "Sergey Dvortsevoy".
pub const NOT_NAMES: [&str; 52] = [
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "His",
    "Her",
    "They",
    "Their",
    "We",
    "Our",
    "I",
    "In",
    "On",
    "At",
    "But",
    "And",
    "Yet",
    "Then",
    "For",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Director",
    "Filmmaker",
    "Actress",
    "Actor",
    "Producer",
    "President",
    "Former",
    "Writer",
    "Artist",
    "Star",
    "Screenwriter",
    "Minister",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Both",
    "Even",
    "Only",
];

/// Further capitalised words that never begin a name found by its shape: prepositions and
/// calendar words ("Like Nazarov, …", "Monday Balagov …").
/// Ordinary words that open sentences before a surname ("Later Nazarov went home"): a two-word
/// run opening a sentence is a name only when its first word is none of these.
const SENTENCE_OPENERS: [&str; 40] = [
    "Later",
    "Then",
    "Now",
    "Today",
    "Tonight",
    "Yesterday",
    "Tomorrow",
    "Meanwhile",
    "Still",
    "Also",
    "Here",
    "There",
    "Even",
    "Only",
    "Soon",
    "Once",
    "Since",
    "After",
    "Before",
    "When",
    "While",
    "Last",
    "Next",
    "As",
    "In",
    "At",
    "On",
    "For",
    "And",
    "But",
    "So",
    "Yet",
    "Both",
    "Neither",
    "Director",
    "Actor",
    "Actress",
    "Producer",
    "Young",
    "Old",
];

const NOT_FIRST: [&str; 21] = [
    "Like",
    "Unlike",
    "With",
    "From",
    "By",
    "To",
    "Of",
    "Saint",
    "St",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The two name lists, loaded once.
#[derive(Debug, Default)]
pub struct PersonNames {
    given: HashSet<String>,
    endings: Vec<String>,
    genders: Genders,
}

/// A person's gender as a name tells it, for resolving "she" and "he".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
}

/// `name-genders.txt`: given names whose ending does not tell the gender, and surname endings
/// that do.
#[derive(Debug, Default)]
struct Genders {
    given: HashMap<String, Gender>,
    /// Longest first.
    endings: Vec<(String, Gender)>,
}

fn read_genders(path: &Path) -> Result<Genders> {
    let mut g = Genders::default();
    for (line_no, line) in data_lines(path)? {
        let err = |m: String| resource_error(path, line_no, m);
        let (kind, value) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| err(format!("`{line}`: expected KIND VALUE")))?;
        let value = value.trim();
        if value.is_empty() || value.contains(char::is_whitespace) {
            return Err(err(format!("`{line}`: the value is one word")));
        }
        match kind {
            "female-given" => g.given.insert(value.to_string(), Gender::Female),
            "male-given" => g.given.insert(value.to_string(), Gender::Male),
            "female-ending" => {
                g.endings.push((value.to_lowercase(), Gender::Female));
                None
            }
            "male-ending" => {
                g.endings.push((value.to_lowercase(), Gender::Male));
                None
            }
            _ => {
                return Err(err(format!(
                    "unknown kind `{kind}` (female-given, male-given, female-ending, male-ending)"
                )))
            }
        };
    }
    g.endings
        .sort_by_key(|(e, _)| std::cmp::Reverse(e.chars().count()));
    Ok(g)
}

/// A name candidate: its span and whether a known given name starts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameShape {
    pub span: Span,
    pub given: bool,
}

/// The lines of a name list that carry data (trimmed; blank lines and `#` comments skipped), with
/// their 1-based line numbers. A missing file has none.
fn data_lines(path: &Path) -> Result<Vec<(usize, String)>> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n, l.to_string()))
        .collect())
}

fn resource_error(path: &Path, line: usize, message: String) -> Error {
    Error::Resource {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// One word per line.
fn read_list(path: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (line_no, w) in data_lines(path)? {
        if w.contains(char::is_whitespace) {
            return Err(resource_error(
                path,
                line_no,
                format!("`{w}`: one word per line"),
            ));
        }
        out.push(w);
    }
    Ok(out)
}

/// A word that can be part of a name: an uppercase letter, then letters (hyphens and inner
/// apostrophes allowed: "Kore-eda", "O'Brien"), not all capitals unless it is one letter long.
fn is_name_word(w: &str) -> bool {
    let mut cs = w.chars();
    let Some(first) = cs.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest: Vec<char> = cs.collect();
    if rest.is_empty() {
        return false;
    }
    rest.iter()
        .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
        && rest.iter().any(|c| c.is_lowercase())
}

impl PersonNames {
    /// Loads `dir/given-names.txt` and `dir/surname-endings.txt` (either may be absent).
    pub fn load(dir: &Path) -> Result<PersonNames> {
        let given = read_list(&dir.join("given-names.txt"))?
            .into_iter()
            .collect();
        let mut endings: Vec<String> = read_list(&dir.join("surname-endings.txt"))?
            .into_iter()
            .map(|e| e.to_lowercase())
            .collect();
        endings.sort_by_key(|e| std::cmp::Reverse(e.len()));
        endings.dedup();
        let genders = read_genders(&dir.join("name-genders.txt"))?;
        Ok(PersonNames {
            given,
            endings,
            genders,
        })
    }

    /// The gender a person's name tells: a listed given name; else the surname's ending (the
    /// longest listed ending, the surname at least two letters longer); else a known given name,
    /// a woman's when it ends in -a; else none.
    pub fn gender(&self, name: &str) -> Option<Gender> {
        let words: Vec<&str> = name.split_whitespace().collect();
        let first = *words.first()?;
        if let Some(&g) = self.genders.given.get(first) {
            return Some(g);
        }
        if words.len() >= 2 {
            let last = words[words.len() - 1].to_lowercase();
            let n = last.chars().count();
            if let Some((_, g)) = self
                .genders
                .endings
                .iter()
                .find(|(e, _)| last.ends_with(e.as_str()) && n >= e.chars().count() + 2)
            {
                return Some(*g);
            }
        }
        if self.given.contains(first) {
            return Some(if first.ends_with('a') {
                Gender::Female
            } else {
                Gender::Male
            });
        }
        None
    }

    pub fn is_given(&self, w: &str) -> bool {
        self.given.contains(w)
    }

    /// True when `w` ends like a surname and is at least three letters longer than the ending.
    pub fn has_surname_ending(&self, w: &str) -> bool {
        let lower = w.to_lowercase();
        let n = lower.chars().count();
        self.endings
            .iter()
            .any(|e| lower.ends_with(e.as_str()) && n >= e.chars().count() + 3)
    }

    /// Name candidates among a sentence's tokens. `text` is the article text the token spans
    /// point into; `is_demonym` tells, by its span, a word that is an adjective of a country
    /// ("Kazakh"), which begins no name.
    pub fn find(
        &self,
        text: &str,
        tokens: &[Token],
        is_demonym: impl Fn(Span) -> bool,
    ) -> Vec<NameShape> {
        let mut out = Vec::new();
        // The first word of the sentence (after an opening quote) is capitalised anyway.
        let first_word = tokens
            .iter()
            .position(|t| t.text.chars().next().is_some_and(char::is_alphanumeric));
        let mut i = 0;
        while i < tokens.len() {
            // A run of name words separated by single spaces.
            let mut j = i;
            while j < tokens.len()
                && is_name_word(&tokens[j].text)
                && (j == i || &text[tokens[j - 1].span.end..tokens[j].span.start] == " ")
            {
                j += 1;
            }
            if j == i {
                i += 1;
                continue;
            }
            let mut run: Vec<usize> = (i..j).collect();
            // Leading words that begin no name.
            while let Some(&k) = run.first() {
                let w = tokens[k].text.as_str();
                if NOT_NAMES.contains(&w)
                    || NOT_FIRST.contains(&w)
                    || is_demonym(tokens[k].span)
                    || HEADS.contains(&w)
                {
                    run.remove(0);
                } else {
                    break;
                }
            }
            if let Some(cut) = run
                .iter()
                .position(|&k| HEADS.contains(&tokens[k].text.as_str()))
            {
                run.truncate(cut);
            }
            if run.len() >= 2 {
                let w0 = tokens[run[0]].text.as_str();
                let given = self.is_given(w0);
                let take = if given {
                    run.len().min(3)
                } else if run.len() <= 3
                    && self.has_surname_ending(&tokens[run[run.len() - 1]].text)
                    && (Some(run[0]) != first_word
                        || (run.len() == 2 && !SENTENCE_OPENERS.contains(&w0)))
                {
                    run.len()
                } else {
                    0
                };
                if take >= 2 {
                    out.push(NameShape {
                        span: Span::new(tokens[run[0]].span.start, tokens[run[take - 1]].span.end),
                        given,
                    });
                }
            }
            i = j.max(i + 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::tokens;

    fn names() -> PersonNames {
        PersonNames {
            given: ["Farrukh", "Cate", "Heydar"]
                .into_iter()
                .map(String::from)
                .collect(),
            endings: vec!["ov".into(), "yan".into()],
            genders: Genders::default(),
        }
    }

    fn find(s: &str) -> Vec<String> {
        let toks = tokens(s, Span::new(0, s.len()));
        names()
            .find(s, &toks, |sp| &s[sp.start..sp.end] == "Tajik")
            .into_iter()
            .map(|n| s[n.span.start..n.span.end].to_string())
            .collect()
    }

    #[test]
    fn given_names_and_surname_endings() {
        assert_eq!(
            find("Tajik director Farrukh Nazarov shot it with Dilshod Rahimov."),
            ["Farrukh Nazarov", "Dilshod Rahimov"]
        );
        assert_eq!(
            find("The jury, led by Cate Blanchett, met."),
            ["Cate Blanchett"]
        );
        // A surname shape opening the sentence needs a given name, or a first word that is no
        // demonym and no ordinary opener: "Könül Məmmədova spent …" is a name.
        assert!(find("Tajik Nazarov went home.").is_empty());
        assert!(find("Later Nazarov went home.").is_empty());
        assert!(find("Then Sargsyan and Nazarov spoke.").is_empty());
        assert_eq!(find("Dilbar Nazarov went home."), ["Dilbar Nazarov"]);
        // Institutions end the run; one word is no name.
        assert!(find("We met at the Heydar Aliyev Center.")
            .iter()
            .all(|n| n == "Heydar Aliyev"));
        assert!(find("It opened in Tajik Nazarov.").is_empty());
        assert!(find("Then Anahit Sargsyan spoke.") == ["Anahit Sargsyan"]);
    }

    #[test]
    fn genders_from_given_names_and_surname_endings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("given-names.txt"),
            "Farrukh\nDilnoza\nLevan\nNino\nLuka\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("name-genders.txt"),
            "# test\nfemale-given Nino\nmale-given Luka\nfemale-ending ova\nmale-ending ov\n",
        )
        .unwrap();
        let n = PersonNames::load(dir.path()).unwrap();
        assert_eq!(n.gender("Nino Kapanadze"), Some(Gender::Female));
        assert_eq!(n.gender("Luka Beridze"), Some(Gender::Male));
        assert_eq!(n.gender("Samal Yeslyamova"), Some(Gender::Female));
        assert_eq!(n.gender("Marat Sarulu"), None);
        assert_eq!(n.gender("Aibek Toktogulov"), Some(Gender::Male));
        assert_eq!(n.gender("Dilnoza Rakhimova"), Some(Gender::Female));
        assert_eq!(n.gender("Levan Akin"), Some(Gender::Male));
        // A bad kind names the file and the line.
        std::fs::write(
            dir.path().join("name-genders.txt"),
            "female-given Nino\nneuter x\n",
        )
        .unwrap();
        let e = PersonNames::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("name-genders.txt") && e.contains('2'), "{e}");
    }
}
