//! Gazetteers (`data/gazetteers/*.tsv`): known names → typed entries with aliases and ids, found in
//! text with one Aho-Corasick pass (leftmost-longest, case-sensitive, whole words only).
//!
//! Every file has the header `label type aliases wikidata geonames located_in` (awards add
//! `presented_by`, countries `capital`); `demonyms.tsv` maps adjectives and demonyms to
//! countries; `films.tsv` is used to link films found in text to Wikidata, never to find mentions.

use crate::error::{Error, Result};
use crate::model::EntityType;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Entry {
    pub label: String,
    pub ty: EntityType,
    pub aliases: Vec<String>,
    pub wikidata: Option<String>,
    pub geonames: Option<String>,
    /// Label of the containing place.
    pub located_in: Option<String>,
    /// Label of the festival or body that presents an award.
    pub presented_by: Option<String>,
    /// Label of a country's capital city.
    pub capital: Option<String>,
    pub year: Option<i32>,
    /// `file:line` it was read from.
    pub source: String,
}

/// What a matched name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Entry(usize),
    /// An adjective or demonym of the country entry.
    Demonym(usize),
}

/// A gazetteer name found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    pub start: usize,
    pub end: usize,
    pub target: Target,
}

#[derive(Debug)]
pub struct Gazetteer {
    pub entries: Vec<Entry>,
    names: Vec<(String, Target)>,
    automaton: AhoCorasick,
    by_label: HashMap<(EntityType, String), usize>,
    /// Film titles (folded) → entries of `films.tsv`.
    films: HashMap<String, Vec<usize>>,
}

/// Type preference when one name belongs to several entries.
fn preference(t: EntityType) -> usize {
    match t {
        EntityType::Country => 0,
        EntityType::Festival => 1,
        EntityType::Award => 2,
        EntityType::Publication => 3,
        EntityType::Organization => 4,
        EntityType::City => 5,
        EntityType::Region => 6,
        _ => 7,
    }
}

impl Gazetteer {
    /// Loads every `*.tsv` file of `dir` (not subdirectories).
    pub fn load(dir: &Path) -> Result<Gazetteer> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
            .collect();
        files.sort();
        let mut entries = Vec::new();
        let mut demonyms: Vec<(String, String, String)> = Vec::new();
        let mut film_rows = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let mut lines = text.lines().enumerate();
            let header: Vec<&str> = match lines.next() {
                Some((_, h)) => h.split('\t').collect(),
                None => continue,
            };
            let err = |line: usize, message: String| Error::Resource {
                path: file.clone(),
                line,
                message,
            };
            if name == "demonyms.tsv" {
                for (i, line) in lines {
                    if line.trim().is_empty() || line.starts_with('#') {
                        continue;
                    }
                    let cols: Vec<&str> = line.split('\t').collect();
                    if cols.len() != 2 || cols[0].is_empty() || cols[1].is_empty() {
                        return Err(err(i + 1, "expected `demonym<TAB>country`".into()));
                    }
                    demonyms.push((
                        cols[0].to_string(),
                        cols[1].to_string(),
                        format!("{}:{}", file.display(), i + 1),
                    ));
                }
                continue;
            }
            let col = |n: &str| header.iter().position(|h| *h == n);
            let (Some(c_label), Some(c_type)) = (col("label"), col("type")) else {
                return Err(err(
                    1,
                    "header must name the columns `label` and `type`".into(),
                ));
            };
            for (i, line) in lines {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = line.split('\t').collect();
                if cols.len() != header.len() {
                    return Err(err(
                        i + 1,
                        format!("expected {} columns, found {}", header.len(), cols.len()),
                    ));
                }
                let get = |n: &str| {
                    col(n)
                        .map(|c| cols[c].trim())
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                };
                let ty = EntityType::parse(cols[c_type])
                    .ok_or_else(|| err(i + 1, format!("unknown type `{}`", cols[c_type])))?;
                let label = cols[c_label].trim().to_string();
                if label.is_empty() {
                    return Err(err(i + 1, "empty label".into()));
                }
                let year = match get("year") {
                    Some(y) => Some(
                        y.parse()
                            .map_err(|_| err(i + 1, format!("year `{y}` is not a number")))?,
                    ),
                    None => None,
                };
                let entry = Entry {
                    label,
                    ty,
                    aliases: get("aliases")
                        .map(|a| a.split('|').map(str::to_string).collect())
                        .unwrap_or_default(),
                    wikidata: get("wikidata"),
                    geonames: get("geonames"),
                    located_in: get("located_in"),
                    presented_by: get("presented_by"),
                    capital: get("capital"),
                    year,
                    source: format!("{}:{}", file.display(), i + 1),
                };
                if name == "films.tsv" {
                    film_rows.push(entry);
                } else {
                    entries.push(entry);
                }
            }
        }
        let mut by_label = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_label
                .entry((e.ty.identity(), e.label.clone()))
                .or_insert(i);
        }
        // Name table: labels and aliases, then demonyms. A name shared by several entries goes
        // to the preferred type.
        let mut name_map: HashMap<String, Target> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            for n in std::iter::once(&e.label).chain(e.aliases.iter()) {
                if n.chars().count() < 2 {
                    continue;
                }
                match name_map.get(n) {
                    Some(Target::Entry(j)) if preference(entries[*j].ty) <= preference(e.ty) => {}
                    _ => {
                        name_map.insert(n.clone(), Target::Entry(i));
                    }
                }
            }
        }
        for (demonym, country, source) in demonyms {
            let Some(&c) = by_label.get(&(EntityType::Place, country.clone())) else {
                let (path, line) = source.rsplit_once(':').unwrap_or((&source, "0"));
                return Err(Error::Resource {
                    path: PathBuf::from(path),
                    line: line.parse().unwrap_or(0),
                    message: format!("demonym `{demonym}`: no country labelled `{country}`"),
                });
            };
            name_map.entry(demonym).or_insert(Target::Demonym(c));
        }
        // Names that are ordinary words ("Most", "Split") stay labels but are not looked for.
        let stop_path = dir.join("not-names.txt");
        if stop_path.is_file() {
            let stop = std::fs::read_to_string(&stop_path).map_err(|e| Error::io(&stop_path, e))?;
            for n in stop
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                name_map.remove(n);
            }
        }
        let mut names: Vec<(String, Target)> = name_map.into_iter().collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(names.iter().map(|(n, _)| n.as_str()))
            .map_err(|e| Error::Other(format!("gazetteer automaton: {e}")))?;
        let offset = entries.len();
        let mut films: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, f) in film_rows.iter().enumerate() {
            for n in std::iter::once(&f.label).chain(f.aliases.iter()) {
                let v = films.entry(fold(n)).or_default();
                if !v.contains(&(offset + k)) {
                    v.push(offset + k);
                }
            }
        }
        entries.extend(film_rows);
        Ok(Gazetteer {
            entries,
            names,
            automaton,
            by_label,
            films,
        })
    }

    /// Whole-word gazetteer names in `text`, leftmost-longest.
    pub fn find(&self, text: &str) -> Vec<NameMatch> {
        let mut out = Vec::new();
        for m in self.automaton.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            out.push(NameMatch {
                start: m.start(),
                end: m.end(),
                target: self.names[m.pattern().as_usize()].1,
            });
        }
        out
    }

    /// The one festival the gazetteer places in the city labelled `city`, if there is exactly one
    /// ("premiered at Karlovy Vary": the Karlovy Vary International Film Festival).
    pub fn festival_in(&self, city: &str) -> Option<usize> {
        let mut found = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.ty == EntityType::Festival && e.located_in.as_deref() == Some(city))
            .map(|(i, _)| i);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// The capital city of the country entry `country` ("the Tajik capital": Dushanbe).
    pub fn capital_of(&self, country: usize) -> Option<usize> {
        let label = self.entries.get(country)?.capital.as_deref()?;
        self.by_label(EntityType::Place, label)
            .filter(|&i| self.entries[i].ty == EntityType::City)
    }

    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    /// The entry with this label and identity class.
    pub fn by_label(&self, ty: EntityType, label: &str) -> Option<usize> {
        self.by_label
            .get(&(ty.identity(), label.to_string()))
            .copied()
    }

    /// The Wikidata film with exactly this title, when the title is unambiguous (and, when a year
    /// is known, released within a year of it).
    pub fn link_film(&self, title: &str, year: Option<i32>) -> Option<&Entry> {
        let cands: Vec<&Entry> = self
            .films
            .get(&fold(title))?
            .iter()
            .map(|&i| &self.entries[i])
            .filter(|e| match (year, e.year) {
                (Some(y), Some(fy)) => (y - fy).abs() <= 1,
                _ => true,
            })
            .collect();
        match cands.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks cross-references: every `located_in` and `presented_by` names an entry.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(l) = &e.located_in {
                if self.by_label(EntityType::Place, l).is_none() {
                    problems.push(format!(
                        "{}: located_in `{l}` is not a place label",
                        e.source
                    ));
                }
            }
            if let Some(c) = &e.capital {
                if self.capital_of(i).is_none() {
                    problems.push(format!("{}: capital `{c}` is not a city label", e.source));
                }
            }
            if let Some(p) = &e.presented_by {
                let known = [EntityType::Festival, EntityType::Organization]
                    .iter()
                    .any(|t| self.by_label(*t, p).is_some());
                if !known {
                    problems.push(format!(
                        "{}: presented_by `{p}` is not a festival or organization label",
                        e.source
                    ));
                }
            }
        }
        problems
    }
}

/// Folds a name for comparison: diacritics and case dropped, Cyrillic transliterated, punctuation
/// and a leading "the" removed.
pub fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let words = match words.first() {
        Some(&"the") if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_normalises() {
        assert_eq!(fold("The Calvert Journal"), "calvert journal");
        assert_eq!(fold("San Sebastián"), "san sebastian");
        assert_eq!(fold("Аушакимова"), "aushakimova");
        assert_eq!(fold("Palme d’Or"), "palme d or");
    }
}
