//! Evaluation against gold files (`gold-format.md`): precision, recall and F1 for entities and
//! relations, per relation and per rule, with the misses and the extras listed.
//!
//! Names are compared folded (case, diacritics, punctuation and a leading "the" ignored) and any
//! alias counts. Entities match by name and type; a relation matches when subject, relation and
//! object all match (the inverse direction does not count).

use crate::error::{Error, Result};
use crate::model::{Extraction, Subject, Value};
use crate::resources::gazetteer::fold;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The relations gold files use; other properties (types, mentions, metadata) are not scored.
pub const GOLD_RELATIONS: [&str; 28] = [
    "directed",
    "wrote",
    "produced",
    "actedIn",
    "playedCharacter",
    "characterIn",
    "premieredAt",
    "screenedAt",
    "won",
    "nominatedFor",
    "presentedBy",
    "locatedIn",
    "countryOfOrigin",
    "setIn",
    "nationality",
    "bornIn",
    "basedIn",
    "affiliatedWith",
    "founded",
    "genre",
    "year",
    "namedAfter",
    "holdsPosition",
    "capitalOf",
    "basedOn",
    "spokeTo",
    "datePublished",
    "about",
];

#[derive(Debug, Clone)]
pub struct GoldEntity {
    pub names: Vec<String>,
    pub ty: String,
}

#[derive(Debug, Clone)]
pub struct Gold {
    pub path: PathBuf,
    pub entities: Vec<GoldEntity>,
    pub relations: Vec<(String, String, String)>,
}

impl Gold {
    pub fn load(path: &Path) -> Result<Gold> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut g = Gold {
            path: path.to_path_buf(),
            entities: Vec::new(),
            relations: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let err = |m: &str| Error::Input {
                path: path.to_path_buf(),
                line: i + 1,
                message: m.to_string(),
            };
            match cols.first() {
                Some(&"E") if cols.len() == 3 => g.entities.push(GoldEntity {
                    names: cols[1]
                        .split('|')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                    ty: cols[2].trim().to_string(),
                }),
                Some(&"R") if cols.len() == 4 => g.relations.push((
                    cols[1].trim().to_string(),
                    cols[2].trim().to_string(),
                    cols[3].trim().to_string(),
                )),
                Some(&"E") => return Err(err("an E line is `E<TAB>Name|Alias<TAB>Type`")),
                Some(&"R") => {
                    return Err(err("an R line is `R<TAB>Subject<TAB>relation<TAB>Object`"))
                }
                _ => return Err(err("a line starts with E, R or #")),
            }
        }
        Ok(g)
    }

    /// All folded names of the gold entity written `name`.
    fn names_of(&self, name: &str) -> HashSet<String> {
        let f = fold(name);
        for e in &self.entities {
            if e.names.iter().any(|n| fold(n) == f) {
                return e.names.iter().map(|n| fold(n)).collect();
            }
        }
        HashSet::from([f])
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: &Score) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub articles: usize,
    pub entities: Score,
    pub relations: Score,
    pub per_relation: BTreeMap<String, Score>,
    /// Per rule: (correct, total) over the relation facts it supported.
    pub per_rule: BTreeMap<String, (usize, usize)>,
    pub missed_entities: Vec<String>,
    pub extra_entities: Vec<String>,
    pub missed_relations: Vec<String>,
    pub extra_relations: Vec<String>,
}

/// Folded names of a predicted entity.
fn predicted_names(x: &Extraction, s: Subject) -> HashSet<String> {
    match s {
        Subject::Article => HashSet::from([fold("ARTICLE")]),
        Subject::Entity(e) => {
            let ent = &x.entities[e];
            std::iter::once(&ent.label)
                .chain(ent.aliases.iter())
                .map(|n| fold(n))
                .collect()
        }
    }
}

fn value_names(x: &Extraction, v: &Value) -> HashSet<String> {
    match v {
        Value::Entity(e) => predicted_names(x, Subject::Entity(*e)),
        other => HashSet::from([fold(&x.value_label(other))]),
    }
}

/// Scores one extraction against its gold file, adding to `report`.
pub fn score(x: &Extraction, gold: &Gold, report: &mut Report) {
    report.articles += 1;
    let tag = &x.article.id;
    // Entities.
    let mut predicted: Vec<(HashSet<String>, String, String)> = vec![(
        HashSet::from([fold("ARTICLE")]),
        "Article".into(),
        "ARTICLE".into(),
    )];
    for (e, ent) in x.entities.iter().enumerate() {
        if x.is_emitted(e) {
            predicted.push((
                predicted_names(x, Subject::Entity(e)),
                ent.ty.gold_name().to_string(),
                ent.label.clone(),
            ));
        }
    }
    let mut used = vec![false; predicted.len()];
    let mut es = Score::default();
    for g in &gold.entities {
        let names: HashSet<String> = g.names.iter().map(|n| fold(n)).collect();
        let hit = predicted
            .iter()
            .enumerate()
            .position(|(i, (pn, ty, _))| !used[i] && *ty == g.ty && !pn.is_disjoint(&names));
        match hit {
            Some(i) => {
                used[i] = true;
                es.tp += 1;
            }
            None => {
                es.fn_ += 1;
                report
                    .missed_entities
                    .push(format!("{tag}\t{}\t{}", g.names[0], g.ty));
            }
        }
    }
    for (i, (_, ty, label)) in predicted.iter().enumerate() {
        if !used[i] {
            es.fp += 1;
            report.extra_entities.push(format!("{tag}\t{label}\t{ty}"));
        }
    }
    report.entities.add(&es);

    // Relations.
    let gold_rel: Vec<(HashSet<String>, &str, HashSet<String>, String)> = gold
        .relations
        .iter()
        .map(|(s, r, o)| {
            (
                gold.names_of(s),
                r.as_str(),
                gold.names_of(o),
                format!("{s} | {r} | {o}"),
            )
        })
        .collect();
    let mut gold_used = vec![false; gold_rel.len()];
    let mut per: HashMap<String, Score> = HashMap::new();
    for f in x
        .facts
        .iter()
        .filter(|f| GOLD_RELATIONS.contains(&f.property.as_str()))
    {
        let sn = predicted_names(x, f.subject);
        let on = value_names(x, &f.object);
        let hit = gold_rel.iter().enumerate().position(|(i, (gs, r, go, _))| {
            !gold_used[i] && *r == f.property && !gs.is_disjoint(&sn) && !go.is_disjoint(&on)
        });
        let entry = per.entry(f.property.clone()).or_default();
        let correct = hit.is_some();
        match hit {
            Some(i) => {
                gold_used[i] = true;
                entry.tp += 1;
            }
            None => {
                entry.fp += 1;
                let rules: Vec<&str> = f.evidence.iter().map(|e| e.rule.as_str()).collect();
                report.extra_relations.push(format!(
                    "{tag}\t{} | {} | {}\t[{}]",
                    x.subject_label(f.subject),
                    f.property,
                    x.value_label(&f.object),
                    rules.join(", ")
                ));
            }
        }
        let mut seen = HashSet::new();
        for ev in &f.evidence {
            if seen.insert(ev.rule.clone()) {
                let r = report.per_rule.entry(ev.rule.clone()).or_default();
                r.0 += usize::from(correct);
                r.1 += 1;
            }
        }
    }
    for (i, (_, r, _, text)) in gold_rel.iter().enumerate() {
        if !gold_used[i] {
            per.entry(r.to_string()).or_default().fn_ += 1;
            report.missed_relations.push(format!("{tag}\t{text}"));
        }
    }
    for (k, v) in per {
        report.relations.add(&v);
        report.per_relation.entry(k).or_default().add(&v);
    }
}

/// Gold files of `path` (a file, or the `*.gold.tsv` files of a directory).
pub fn gold_files(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::io(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".gold.tsv"))
            .collect();
        v.sort();
        Ok(v)
    } else if path.is_file() {
        Ok(vec![path.to_path_buf()])
    } else {
        Err(Error::Missing {
            path: path.to_path_buf(),
        })
    }
}

/// The article id a gold file annotates: `NAME.gold.tsv` → slug of NAME.
pub fn gold_article_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::extract::read::slug(name.trim_end_matches(".tsv").trim_end_matches(".gold"))
}

impl Report {
    pub fn render(&self) -> String {
        let mut s = String::new();
        let line = |name: &str, sc: &Score| {
            format!(
                "{name:<16} P {:.3}  R {:.3}  F1 {:.3}   (tp {}, fp {}, fn {})\n",
                sc.precision(),
                sc.recall(),
                sc.f1(),
                sc.tp,
                sc.fp,
                sc.fn_
            )
        };
        s.push_str(&format!("articles scored: {}\n\n", self.articles));
        s.push_str(&line("entities", &self.entities));
        s.push_str(&line("relations", &self.relations));
        s.push_str("\nper relation\n");
        for (k, v) in &self.per_relation {
            s.push_str(&format!("  {}", line(k, v)));
        }
        s.push_str("\nper rule (precision on the relations it supported)\n");
        let mut rules: Vec<(&String, &(usize, usize))> = self.per_rule.iter().collect();
        rules.sort_by(|a, b| {
            let pa = a.1 .0 as f64 / a.1 .1 as f64;
            let pb = b.1 .0 as f64 / b.1 .1 as f64;
            pa.total_cmp(&pb).then(a.0.cmp(b.0))
        });
        for (r, (ok, n)) in rules {
            s.push_str(&format!(
                "  {r:<44} {:.3}  ({ok}/{n})\n",
                *ok as f64 / *n as f64
            ));
        }
        for (title, list) in [
            ("missed entities", &self.missed_entities),
            ("extra entities", &self.extra_entities),
            ("missed relations", &self.missed_relations),
            ("extra relations", &self.extra_relations),
        ] {
            s.push_str(&format!("\n{title} ({})\n", list.len()));
            for l in list {
                s.push_str(&format!("  {l}\n"));
            }
        }
        s
    }
}
