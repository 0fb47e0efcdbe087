//! Rule examples: each rule's `[[rule.example]]` run through the whole pipeline. Used by
//! `kgx check` and by the test suite, so a rule that stops doing what its examples say fails CI.

use crate::extract::read;
use crate::model::{Article, Extraction};
use crate::pipeline;
use crate::resources::gazetteer::fold;
use crate::resources::rules::Rule;
use crate::resources::Resources;

/// Extracts from a bare text, as an article with no title.
pub fn extract_text(
    title: Option<&str>,
    date: Option<&str>,
    text: &str,
    res: &Resources,
) -> Extraction {
    // An example may set titles in Markdown italics ("She made *Kupala Night* in 2019").
    let (body, emphasis) = read::take_emphasis(&read::markdown_emphasis(text));
    let article = Article {
        id: "example".into(),
        title: title.unwrap_or_default().to_string(),
        body,
        emphasis,
        date: date.map(str::to_string),
        source: "example".into(),
        ..Article::default()
    };
    pipeline::extract(&article, res)
}

fn names(x: &Extraction, label: &str) -> Vec<String> {
    let mut v = vec![fold(label)];
    if let Some(e) = x.entities.iter().find(|e| e.label == label) {
        v.extend(e.aliases.iter().map(|a| fold(a)));
    }
    v
}

/// Does `x` hold the fact `S | p | O`? With `rule`, the fact must be supported by that rule.
pub fn has_fact(x: &Extraction, spec: &str, rule: Option<&str>) -> bool {
    let parts: Vec<&str> = spec.split('|').map(str::trim).collect();
    let (s, p, o) = (fold(parts[0]), parts[1], fold(parts[2]));
    x.facts.iter().any(|f| {
        f.property == p
            && names(x, &x.subject_label(f.subject)).contains(&s)
            && (names(x, &x.value_label(&f.object)).contains(&o)
                || fold(&x.value_label(&f.object)) == o)
            && rule.is_none_or(|r| f.evidence.iter().any(|e| e.rule == r))
    })
}

/// Runs one rule's examples; returns the failures, each saying what was expected.
pub fn run_examples(rule: &Rule, res: &Resources) -> Vec<String> {
    let mut failures = Vec::new();
    for (i, ex) in rule.examples.iter().enumerate() {
        let x = extract_text(ex.title.as_deref(), ex.date.as_deref(), &ex.text, res);
        let where_ = format!(
            "{}:{}: rule `{}` example {}",
            rule.file.display(),
            rule.line,
            rule.id,
            i + 1
        );
        let own = if rule.emits_facts()
            || matches!(
                rule.kind,
                crate::resources::rules::RuleKind::Inference { .. }
            ) {
            Some(rule.id.as_str())
        } else {
            None
        };
        for f in &ex.facts {
            if !has_fact(&x, f, own) {
                failures.push(format!(
                    "{where_}: expected `{f}`{}; got: {}",
                    own.map(|r| format!(" from `{r}`")).unwrap_or_default(),
                    summary(&x)
                ));
            }
        }
        for f in &ex.absent {
            if has_fact(&x, f, None) {
                failures.push(format!("{where_}: `{f}` must not be extracted"));
            }
        }
        for e in &ex.entities {
            let (ty, name) = e.split_once(':').unwrap_or(("", e));
            let (ty, name) = (ty.trim(), fold(name.trim()));
            let found = x.entities.iter().enumerate().any(|(k, ent)| {
                x.is_emitted(k)
                    && (ent.ty.as_str() == ty || ent.ty.gold_name() == ty)
                    && (fold(&ent.label) == name || ent.aliases.iter().any(|a| fold(a) == name))
            });
            let by_rule = rule.finds_names()
                && !x.mentions.iter().any(|m| m.origin.rule == rule.id)
                || rule.finds_anaphora() && !x.mentions.iter().any(|m| m.origin.rule == rule.id);
            if !found || by_rule {
                failures.push(format!(
                    "{where_}: expected entity `{e}` found by this rule; got: {}",
                    summary(&x)
                ));
            }
        }
    }
    failures
}

/// A one-line summary of what was extracted, for failure messages.
pub fn summary(x: &Extraction) -> String {
    let mut v: Vec<String> = x
        .facts
        .iter()
        .filter(|f| f.property != "mentions")
        .map(|f| {
            format!(
                "{} | {} | {} [{}]",
                x.subject_label(f.subject),
                f.property,
                x.value_label(&f.object),
                f.evidence
                    .iter()
                    .map(|e| e.rule.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    v.sort();
    if v.is_empty() {
        "nothing".into()
    } else {
        v.join("; ")
    }
}
