//! Benchmarks: the corpus generator, and the in-process measurements `scripts/bench.py` drives
//! (extraction alone, the plain regex scan that bounds a text pass, query latency).
//! Timings exclude process start and resource loading; input is read before the clock starts.

pub mod generate;

use crate::error::{Error, Result};
use crate::extract::{rdf, read};
use crate::kb::query;
use crate::kb::store::Kb;
use crate::model::Article;
use crate::pipeline;
use crate::resources::Resources;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What extraction alone did, and how fast.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExtractBench {
    pub articles: usize,
    pub text_bytes: u64,
    pub threads: usize,
    pub seconds: f64,
    pub articles_per_s: f64,
    pub mb_per_s: f64,
    pub articles_per_s_per_thread: f64,
    pub mb_per_s_per_thread: f64,
    pub entities: usize,
    pub facts: usize,
    pub quads: usize,
}

fn load_articles(paths: &[PathBuf]) -> Result<Vec<Article>> {
    let outcome = read::read_paths(paths)?;
    if outcome.articles.is_empty() {
        return Err(Error::Other("no articles found in the given paths".into()));
    }
    Ok(outcome.articles)
}

fn text_bytes(articles: &[Article]) -> u64 {
    articles
        .iter()
        .map(|a| (a.title.len() + a.body.len()) as u64)
        .sum()
}

/// Extraction alone (entities, relations, provenance, and the RDF quads), `repeat` times over
/// the articles, on `threads` threads (0 = one per core); the best run counts.
pub fn extract(
    res: &Resources,
    paths: &[PathBuf],
    threads: usize,
    repeat: usize,
) -> Result<ExtractBench> {
    let articles = load_articles(paths)?;
    let threads = crate::ingest::thread_count(threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Other(e.to_string()))?;
    let mut best = f64::INFINITY;
    let mut counts = (0, 0, 0);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        counts = pool.install(|| {
            articles
                .par_iter()
                .map(|a| {
                    let x = pipeline::extract(a, res);
                    (x.entities.len(), x.facts.len(), rdf::quads(&x).len())
                })
                .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
        });
        best = best.min(t.elapsed().as_secs_f64());
    }
    let bytes = text_bytes(&articles);
    let n = articles.len() as f64;
    let mb = bytes as f64 / 1e6;
    Ok(ExtractBench {
        articles: articles.len(),
        text_bytes: bytes,
        threads,
        seconds: best,
        articles_per_s: n / best,
        mb_per_s: mb / best,
        articles_per_s_per_thread: n / best / threads as f64,
        mb_per_s_per_thread: mb / best / threads as f64,
        entities: counts.0,
        facts: counts.1,
        quads: counts.2,
    })
}

/// The text-pass ceiling: one regex over every article on one thread.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanBench {
    pub articles: usize,
    pub text_bytes: u64,
    pub pattern: String,
    pub matches: usize,
    pub seconds: f64,
    pub mb_per_s: f64,
    pub articles_per_s: f64,
}

/// Capitalised word sequences: the cheapest pass that finds name candidates.
pub const SCAN_PATTERN: &str = r"\p{Lu}\p{Ll}+(?:[ \-]\p{Lu}\p{Ll}+)*";

pub fn scan(paths: &[PathBuf], repeat: usize) -> Result<ScanBench> {
    let articles = load_articles(paths)?;
    let re = regex::Regex::new(SCAN_PATTERN).map_err(|e| Error::Other(e.to_string()))?;
    let mut best = f64::INFINITY;
    let mut matches = 0;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        matches = articles
            .iter()
            .map(|a| re.find_iter(&a.title).count() + re.find_iter(&a.body).count())
            .sum();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let bytes = text_bytes(&articles);
    Ok(ScanBench {
        articles: articles.len(),
        text_bytes: bytes,
        pattern: SCAN_PATTERN.into(),
        matches,
        seconds: best,
        mb_per_s: bytes as f64 / 1e6 / best,
        articles_per_s: articles.len() as f64 / best,
    })
}

/// Latency of one bundled query.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueryBench {
    pub query: String,
    pub rows: usize,
    pub runs: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    /// The warm-up run was cancelled at the timeout: no timings.
    pub timed_out: bool,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// How `queries` bounds its work.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// Timed runs per query (after one warm-up run).
    pub runs: usize,
    /// A run still evaluating after this long is cancelled (oxigraph's cancellation token).
    pub timeout: std::time::Duration,
    /// No new timed run starts once a query's runs have taken this long (at least one runs).
    pub budget: std::time::Duration,
}

/// One evaluation to the last row, as `kgx query` does it (union graph as default graph);
/// `None` when cancelled at `timeout`.
fn run_once(kb: &Kb, sparql: &str, timeout: std::time::Duration) -> Result<Option<(usize, f64)>> {
    use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
    let token = CancellationToken::new();
    let mut q = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .parse_query(sparql)
        .map_err(|e| Error::Query(e.to_string()))?;
    crate::kb::store::use_union_default(&mut q);
    let watchdog = crate::kb::serve::Watchdog::start(token, timeout);
    let t = Instant::now();
    let outcome = q
        .on_store(&kb.store)
        .execute()
        .and_then(|results| match results {
            QueryResults::Solutions(mut s) => s.try_fold(0, |n, r| r.map(|_| n + 1)),
            QueryResults::Graph(mut g) => g.try_fold(0, |n, r| r.map(|_| n + 1)),
            QueryResults::Boolean(_) => Ok(1),
        });
    let ms = t.elapsed().as_secs_f64() * 1e3;
    drop(watchdog);
    match outcome {
        Ok(rows) => Ok(Some((rows, ms))),
        Err(e) if e.to_string().contains("cancel") => Ok(None),
        Err(e) => Err(Error::Query(e.to_string())),
    }
}

/// Runs every query of `queries_dir` after one warm-up run, to the last row, and reports p50/p95
/// wall time; a query whose warm-up run hits the timeout is reported as timed out.
pub fn queries(kb: &Kb, queries_dir: &Path, limits: QueryLimits) -> Result<Vec<QueryBench>> {
    let mut out = Vec::new();
    for (name, _) in query::list(queries_dir)? {
        let text = query::resolve(&name, queries_dir)?;
        // Parameters of a bundled query take their defaults (COALESCE in the query), as on the CLI.
        let Some((rows, _)) = run_once(kb, &text.text, limits.timeout)? else {
            out.push(QueryBench {
                query: name,
                rows: 0,
                runs: 0,
                p50_ms: 0.0,
                p95_ms: 0.0,
                max_ms: 0.0,
                timed_out: true,
            });
            continue;
        };
        let started = Instant::now();
        let mut times = Vec::with_capacity(limits.runs);
        while times.len() < limits.runs.max(1)
            && (times.is_empty() || started.elapsed() < limits.budget)
        {
            match run_once(kb, &text.text, limits.timeout)? {
                Some((_, ms)) => times.push(ms),
                None => break,
            }
        }
        times.sort_by(f64::total_cmp);
        out.push(QueryBench {
            query: name,
            rows,
            runs: times.len(),
            p50_ms: percentile(&times, 0.5),
            p95_ms: percentile(&times, 0.95),
            max_ms: times.last().copied().unwrap_or(0.0),
            timed_out: times.is_empty(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 51.0);
        assert_eq!(percentile(&v, 0.95), 95.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn scan_counts_capitalised_sequences() {
        let re = regex::Regex::new(SCAN_PATTERN).unwrap();
        let found: Vec<&str> = re
            .find_iter("Assel Aushakimova took Welcome to the USA to AFI Fest in Los Angeles.")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(
            found,
            ["Assel Aushakimova", "Welcome", "Fest", "Los Angeles"]
        );
    }
}

/// What one pattern rule's automata cost: time to build, heap held once built.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleCost {
    pub rule: String,
    pub file: String,
    pub build_ms: f64,
    /// Heap bytes of the built regexes (pattern and guards: NFAs, prefilters, one-pass DFA),
    /// before any search.
    pub bytes: usize,
    /// Heap bytes of the search cache each thread that runs the rule holds (after one search for
    /// captures; its lazy DFA may grow further, up to the rule's limit).
    pub cache_bytes: usize,
}

/// The cost of building every pattern rule (with its guards), largest first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RulesBench {
    pub rules: usize,
    pub build_ms: f64,
    pub bytes: usize,
    pub cache_bytes: usize,
    pub top: Vec<RuleCost>,
}

/// Builds every pattern rule's regexes as the `regex` crate builds them (its meta engine, with
/// the same size limits) and measures each: which rules make start-up slow and memory large.
pub fn rules(res: &Resources, top: usize) -> Result<RulesBench> {
    use crate::resources::rules::RuleKind;
    use regex_automata::meta;
    let mut costs = Vec::new();
    for rule in &res.rules.rules {
        let RuleKind::Pattern { regex, .. } = &rule.kind else {
            continue;
        };
        let mut cost = RuleCost {
            rule: rule.id.clone(),
            file: rule.file.display().to_string(),
            build_ms: 0.0,
            bytes: 0,
            cache_bytes: 0,
        };
        let guards = [&rule.guard.after, &rule.guard.before];
        for r in std::iter::once(regex).chain(guards.into_iter().flatten()) {
            let config = meta::Config::new()
                .nfa_size_limit(Some(10 << 20))
                .hybrid_cache_capacity(r.dfa_size_limit().unwrap_or(2 << 20));
            let started = Instant::now();
            let re = meta::Regex::builder()
                .configure(config)
                .build(r.as_str())
                .map_err(|e| Error::Other(format!("rule {}: {e}", rule.id)))?;
            cost.build_ms += started.elapsed().as_secs_f64() * 1e3;
            cost.bytes += re.memory_usage();
            let mut cache = re.create_cache();
            let mut caps = re.create_captures();
            let probe = "\u{E000}Film#0\u{E001} by \u{E000}Person#1\u{E001}, a Kazakh drama.";
            re.search_captures_with(&mut cache, &regex_automata::Input::new(probe), &mut caps);
            cost.cache_bytes += cache.memory_usage();
        }
        costs.push(cost);
    }
    costs.sort_by_key(|c| std::cmp::Reverse(c.bytes + c.cache_bytes));
    Ok(RulesBench {
        rules: costs.len(),
        build_ms: costs.iter().map(|c| c.build_ms).sum(),
        bytes: costs.iter().map(|c| c.bytes).sum(),
        cache_bytes: costs.iter().map(|c| c.cache_bytes).sum(),
        top: costs.into_iter().take(top).collect(),
    })
}
