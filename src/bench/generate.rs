//! `kgx generate`: a deterministic, seeded corpus for benchmarks.
//!
//! Each generated article is built on a skeleton: an article of the development corpus whose gold
//! file says which spans are entities, and of what type. Every entity is swapped for another of
//! the same kind: people for people made from the name lists of `data/bench/names.toml`, films,
//! festivals, awards, organizations, publications, countries and cities for entries of the
//! gazetteers. Some articles borrow paragraphs from a second skeleton; years shift. People and
//! films are drawn with a skew, so that a few recur across many articles and most are rare, as
//! in a real archive, and some articles spell a surname differently (Aliyev/Aliev).
//!
//! The same seed and size always give the same bytes.

use crate::error::{Error, Result};
use crate::extract::read;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    /// In [0, n), skewed to the start: index i is drawn about as often as 1/sqrt(i).
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u) * n as f64) as usize % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// The kinds of entity a skeleton's span can be swapped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Person,
    Film,
    Festival,
    Award,
    Organization,
    Publication,
    Country,
    City,
}

/// A development article with its entity spans.
#[derive(Debug, Clone)]
struct Skeleton {
    publication: Option<String>,
    title: String,
    paras: Vec<String>,
    /// (name as written, its entity's canonical name, kind)
    names: Vec<(String, String, Kind)>,
}

#[derive(Debug, serde::Deserialize)]
struct NameLists {
    given: Vec<String>,
    surnames: Vec<String>,
    variants: Vec<(String, String)>,
}

/// Everything the generator draws from.
pub struct Material {
    skeletons: Vec<Skeleton>,
    given: Vec<String>,
    surnames: Vec<String>,
    variants: Vec<(String, String)>,
    pools: HashMap<Kind, Vec<String>>,
}

/// Output layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// One JSON Lines file, an article a line.
    Jsonl,
    /// A directory of plain-text articles (publication, title, date, body), 1,000 a folder.
    Txt,
}

fn gazetteer_labels(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().count() <= 48)
        .map(String::from)
        .collect())
}

impl Material {
    /// Loads the name lists (`ROOT/data/bench/names.toml`), the gazetteers, and the skeletons:
    /// every `NAME.txt` of `skeleton_dir` that has a `NAME.gold.tsv` beside it.
    pub fn load(root: &Path, skeleton_dir: &Path) -> Result<Material> {
        let names_path = root.join("data/bench/names.toml");
        let text = std::fs::read_to_string(&names_path).map_err(|e| Error::io(&names_path, e))?;
        let lists: NameLists = toml::from_str(&text)
            .map_err(|e| Error::Other(format!("{}: {}", names_path.display(), e.message())))?;
        let gaz = root.join("data/gazetteers");
        let mut pools = HashMap::new();
        for (kind, file) in [
            (Kind::Film, "films.tsv"),
            (Kind::Festival, "festivals.tsv"),
            (Kind::Award, "awards.tsv"),
            (Kind::Organization, "organizations.tsv"),
            (Kind::Publication, "publications.tsv"),
            (Kind::Country, "countries.tsv"),
            (Kind::City, "cities.tsv"),
        ] {
            pools.insert(kind, gazetteer_labels(&gaz.join(file))?);
        }
        let countries: HashSet<String> = pools[&Kind::Country].iter().cloned().collect();
        let cities: HashSet<String> = pools[&Kind::City].iter().cloned().collect();
        let mut skeletons = Vec::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(skeleton_dir)
            .map_err(|e| Error::io(skeleton_dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for file in files {
            let gold = file.with_extension("gold.tsv");
            if !gold.is_file() {
                continue;
            }
            let article = read::read_file(&file)?.remove(0);
            let gold_text = std::fs::read_to_string(&gold).map_err(|e| Error::io(&gold, e))?;
            let mut names = Vec::new();
            for line in gold_text.lines() {
                let cols: Vec<&str> = line.split('\t').collect();
                if cols.len() < 3 || cols[0] != "E" {
                    continue;
                }
                let spellings: Vec<&str> = cols[1].split('|').map(str::trim).collect();
                let canonical = spellings[0];
                let kind = match cols[2].trim() {
                    "Person" => Kind::Person,
                    "Film" | "Work" => Kind::Film,
                    "Festival" | "Event" => Kind::Festival,
                    "Award" => Kind::Award,
                    "Organization" => Kind::Organization,
                    "Publication" => Kind::Publication,
                    "Place" if countries.contains(canonical) => Kind::Country,
                    "Place" if cities.contains(canonical) => Kind::City,
                    _ => continue,
                };
                for s in &spellings {
                    // "58th Venice Biennale" keeps its edition: the canonical name inside it is
                    // what gets swapped.
                    if s.is_empty() || (*s != canonical && s.contains(canonical)) {
                        continue;
                    }
                    names.push((s.to_string(), canonical.to_string(), kind));
                }
            }
            if names.is_empty() {
                continue;
            }
            skeletons.push(Skeleton {
                publication: article.publication,
                title: article.title,
                paras: article.body.split("\n\n").map(String::from).collect(),
                names,
            });
        }
        if skeletons.is_empty() {
            return Err(Error::Other(format!(
                "{}: no skeleton articles (NAME.txt with NAME.gold.tsv) here",
                skeleton_dir.display()
            )));
        }
        Ok(Material {
            skeletons,
            given: lists.given,
            surnames: lists.surnames,
            variants: lists.variants,
            pools,
        })
    }

    /// A different spelling of a surname, if one of the variant rules applies.
    fn variant(&self, surname: &str) -> Option<String> {
        self.variants
            .iter()
            .find(|(from, _)| surname.contains(from.as_str()))
            .map(|(from, to)| surname.replacen(from.as_str(), to, 1))
    }
}

/// One generated article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Generated {
    pub id: String,
    pub title: String,
    pub date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publication: Option<String>,
    pub text: String,
}

/// The article generator: `article(i)` depends only on the seed, the size and `i`.
pub struct Generator<'a> {
    material: &'a Material,
    seed: u64,
    /// How many distinct people the corpus draws from (grows with the corpus).
    people: usize,
}

impl<'a> Generator<'a> {
    pub fn new(material: &'a Material, seed: u64, articles: usize) -> Generator<'a> {
        Generator {
            material,
            seed,
            people: (articles / 3).max(120),
        }
    }

    /// Person number `k` of the corpus: always the same given name and surname.
    fn person(&self, k: usize) -> (String, String) {
        let mut r = Rng::new(self.seed.wrapping_mul(31).wrapping_add(k as u64));
        let m = self.material;
        (
            m.given[r.below(m.given.len())].clone(),
            m.surnames[r.below(m.surnames.len())].clone(),
        )
    }

    pub fn article(&self, i: usize) -> Generated {
        let m = self.material;
        let mut r = Rng::new(self.seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
        let main = &m.skeletons[r.below(m.skeletons.len())];
        let mut paras = main.paras.clone();
        let mut names = main.names.clone();
        // Most articles run longer than one skeleton: paragraphs borrowed from one or two others.
        for p in [0.7, 0.4] {
            if !r.chance(p) {
                continue;
            }
            let other = &m.skeletons[r.below(m.skeletons.len())];
            let take = 1 + r.below(other.paras.len().min(4));
            let from = r.below(other.paras.len() + 1 - take);
            let at = 1 + r.below(paras.len());
            for (k, p) in other.paras[from..from + take].iter().enumerate() {
                paras.insert((at + k).min(paras.len()), p.clone());
            }
            names.extend(other.names.iter().cloned());
        }

        // One replacement per entity, distinct within the article.
        let mut chosen: HashMap<&str, (String, String)> = HashMap::new();
        let mut used: HashSet<String> = HashSet::new();
        for (_, canonical, kind) in &names {
            if chosen.contains_key(canonical.as_str()) {
                continue;
            }
            let mut pick = (String::new(), String::new());
            for _ in 0..8 {
                pick = match kind {
                    Kind::Person => {
                        let (g, mut s) = self.person(r.skewed(self.people));
                        if r.chance(0.08) {
                            s = m.variant(&s).unwrap_or(s);
                        }
                        (format!("{g} {s}"), s)
                    }
                    k => {
                        let pool = &m.pools[k];
                        let label = match k {
                            Kind::Film => pool[r.skewed(pool.len())].clone(),
                            _ => pool[r.below(pool.len())].clone(),
                        };
                        (label.clone(), label)
                    }
                };
                if !used.contains(&pick.0) {
                    break;
                }
            }
            used.insert(pick.0.clone());
            chosen.insert(canonical.as_str(), pick);
        }
        let mut patterns = Vec::new();
        let mut replacements = Vec::new();
        for (written, canonical, kind) in &names {
            if patterns.contains(written) {
                continue;
            }
            let (full, short) = &chosen[canonical.as_str()];
            let replacement = if *kind == Kind::Person && written != canonical {
                // An alias of a person is a surname or a given name.
                if canonical.split_whitespace().next() == Some(written.as_str()) {
                    full.split_whitespace().next().unwrap_or(full).to_string()
                } else {
                    short.clone()
                }
            } else {
                full.clone()
            };
            patterns.push(written.clone());
            replacements.push(replacement);
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("literal patterns always build");
        let shift = r.below(10) as i32 - 6;
        let swap = |text: &str| shift_years(&replace_words(&ac, &replacements, text), shift);

        let year = 2012 + r.below(15);
        let date = format!("{year}-{:02}-{:02}", 1 + r.below(12), 1 + r.below(28));
        Generated {
            id: format!("gen-{}-{i:07}", self.seed),
            title: swap(&main.title),
            date,
            publication: main.publication.clone(),
            text: paras
                .iter()
                .map(|p| swap(p))
                .collect::<Vec<_>>()
                .join("\n\n"),
        }
    }
}

/// Replaces whole-word matches of the automaton's patterns.
fn replace_words(ac: &AhoCorasick, replacements: &[String], text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    for m in ac.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if word(before) || word(after) {
            continue;
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(&replacements[m.pattern().as_usize()]);
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Moves every year from 1930 to 2029 by `shift`, keeping it at most 2026.
fn shift_years(text: &str, shift: i32) -> String {
    static YEAR: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = YEAR.get_or_init(|| regex::Regex::new(r"\b(19[3-9]\d|20[0-2]\d)\b").expect("valid"));
    re.replace_all(text, |c: &regex::Captures| {
        let y: i32 = c[1].parse().unwrap_or(2000);
        (y + shift).min(2026).to_string()
    })
    .into_owned()
}

/// Writes `n` articles to `out` (a `.jsonl` file or a directory). Returns the bytes of text.
pub fn write_corpus(gen: &Generator<'_>, n: usize, layout: Layout, out: &Path) -> Result<u64> {
    let mut bytes = 0u64;
    match layout {
        Layout::Jsonl => {
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let file = std::fs::File::create(out).map_err(|e| Error::io(out, e))?;
            let mut w = std::io::BufWriter::new(file);
            for i in 0..n {
                let a = gen.article(i);
                bytes += (a.title.len() + a.text.len()) as u64;
                let line = serde_json::to_string(&a).map_err(|e| Error::Other(e.to_string()))?;
                writeln!(w, "{line}").map_err(|e| Error::io(out, e))?;
            }
            w.flush().map_err(|e| Error::io(out, e))?;
        }
        Layout::Txt => {
            for i in 0..n {
                let a = gen.article(i);
                bytes += (a.title.len() + a.text.len()) as u64;
                let dir = out.join(format!("{:04}", i / 1000));
                if i % 1000 == 0 {
                    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                }
                let path = dir.join(format!("{}.txt", a.id));
                let head = a
                    .publication
                    .as_deref()
                    .map(|p| format!("{p}\n\n"))
                    .unwrap_or_default();
                let body = format!("{head}{}\n\n{}\n\n{}\n", a.title, a.date, a.text);
                std::fs::write(&path, body).map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn same_seed_same_corpus_and_entities_recur() {
        let m = Material::load(&root(), &root().join("tests/corpus/dev")).unwrap();
        let g = Generator::new(&m, 7, 500);
        let a: Vec<Generated> = (0..200).map(|i| g.article(i)).collect();
        let b: Vec<Generated> = (0..200).map(|i| g.article(i)).collect();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        let other = Generator::new(&m, 8, 500).article(0);
        assert_ne!(other.text, a[0].text);
        // Skeleton names are gone (every dev corpus person is replaced)...
        assert!(a.iter().all(|x| !x.text.contains("Aigerim Tolegenova")));
        // ...and people recur across articles, as in an archive.
        let mut counts: HashMap<String, usize> = HashMap::new();
        for x in &a {
            for p in g.material.surnames.iter() {
                if x.text.contains(p.as_str()) {
                    *counts.entry(p.clone()).or_default() += 1;
                }
            }
        }
        assert!(counts.values().any(|&c| c >= 10), "{counts:?}");
    }

    #[test]
    fn words_are_replaced_whole() {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(["Ayka", "Ayka Dvortsevoy"])
            .unwrap();
        let reps = vec!["X".to_string(), "Y".to_string()];
        assert_eq!(
            replace_words(&ac, &reps, "Ayka, Aykas and Ayka Dvortsevoy"),
            "X, Aykas and Y"
        );
        assert_eq!(
            shift_years("in 2019 and 1998, not 12019", -3),
            "in 2016 and 1995, not 12019"
        );
        assert_eq!(shift_years("in 2025", 4), "in 2026");
    }
}
