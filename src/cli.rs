//! Command-line interface: argument definitions (their doc comments are the help text) and the
//! dispatch to the library. No extraction or store logic lives here.

use crate::error::{Error, Result};
use crate::extract::read;
use crate::kb::query::OutputFormat;
use crate::kb::{lookup, query, store::Kb};
use crate::model::{char_offset, Extraction, Subject};
use crate::resources::Resources;
use crate::{check, eval, extract::rdf, pipeline};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// kgx — a rule-based knowledge-graph extractor for cultural journalism.
///
/// Reads articles, extracts entities and relations with declarative rules, stores them as RDF
/// (one named graph per article, with the provenance of every fact) in an embedded oxigraph
/// store, and answers SPARQL.
#[derive(Debug, Parser)]
#[command(name = "kgx", version, about, long_about)]
pub struct Cli {
    /// The store directory (oxigraph on RocksDB).
    #[arg(long, global = true, env = "KGX_STORE", default_value = "kgx-store")]
    pub store: PathBuf,
    /// The directory holding ontologies/ and data/ (default: found from the current directory).
    #[arg(long, global = true, env = "KGX_RESOURCES")]
    pub resources: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract articles and store them: each article's graph is replaced (idempotent).
    ///
    /// Every input is read and checked first, so bad input changes nothing. Then articles are
    /// streamed through extraction on all cores and written in batches: new articles through
    /// oxigraph's bulk loader (added in one step at the end), articles already in the store
    /// replaced one graph at a time. A progress bar shows on a terminal.
    Ingest {
        /// Files or directories (read recursively): .txt, .md, .html, .jsonl.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
        /// Memory target of the bulk loader's buffer, in MB.
        #[arg(long, default_value_t = 256)]
        loader_memory: usize,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Print the summary (counts and timings) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Extract articles and print the facts, without touching the store.
    Extract {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
        #[arg(long, value_enum, default_value = "tsv")]
        format: ExtractFormat,
        /// Show every piece of evidence: the rule, the matched span, and rejected candidates.
        #[arg(long)]
        explain: bool,
    },
    /// Run a SPARQL query: SPARQL text, a .rq file, or the name of a query in queries/.
    Query {
        query: String,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        /// Bind a query variable: --param country=Kazakhstan (repeatable).
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
    },
    /// List the bundled queries of queries/ with the question each answers.
    Queries,
    /// Show an entity: types, aliases, relations in and out with their supporting sentences.
    Lookup {
        name: String,
        #[arg(long, value_enum, default_value = "text")]
        format: LookupFormat,
        /// Show every candidate, not only the best.
        #[arg(long)]
        all: bool,
    },
    /// Count what the store holds.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Delete one article's graph: exactly the facts it supported.
    Remove {
        /// The article id (as `kgx stats` or the article IRI shows it).
        article: String,
    },
    /// Validate the ontology, rules and gazetteers, and run every rule's examples.
    Check,
    /// Export the graph (or a part of it) for Gephi, Cytoscape, Graphviz, networkx, or as RDF.
    Export(crate::kb::export::ExportArgs),
    /// Serve the store as a SPARQL 1.1 endpoint (read-only unless --writable), with a query page.
    Serve(crate::kb::serve::ServeArgs),
    /// Cross-article identity: the merges and separations ingest decided, and undoing a merge.
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Write a deterministic benchmark corpus built on the development corpus and gazetteers.
    Generate {
        /// How many articles.
        #[arg(long, short = 'n', default_value_t = 1000)]
        articles: usize,
        /// The seed: the same seed and size give the same corpus.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// A .jsonl file, or a directory for --layout txt.
        #[arg(long, short)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "jsonl")]
        layout: crate::bench::generate::Layout,
        /// Skeleton articles: NAME.txt with NAME.gold.tsv (default: tests/corpus/dev).
        #[arg(long)]
        skeletons: Option<PathBuf>,
    },
    /// Measurements for scripts/bench.py: extraction alone, a plain regex scan, query latency.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Score extraction against gold files: P/R/F1 with misses and extras.
    Eval {
        /// A gold file, or a directory of NAME.gold.tsv files.
        #[arg(long)]
        gold: PathBuf,
        /// The articles the gold files annotate.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// Every decision: spelling variants merged into a known node, same-title films kept apart.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Undo a merge: the entity gets its own node back in every article that merged it, and
    /// later ingests keep the two apart.
    Split {
        /// The label as the article wrote it ("Ruslan Aliev"), or the IRI it was extracted as.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Extraction alone (entities, relations, provenance, quads), input read before timing.
    Extract {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Threads (0 = one per core).
        #[arg(long, short = 'j', default_value_t = 0)]
        threads: usize,
        /// Runs; the fastest counts.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// The text-pass ceiling: one regex (capitalised word runs) over the articles, one thread.
    Scan {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// What each pattern rule's regex costs to build (time, heap), largest first.
    Rules {
        /// How many of the costliest rules to list.
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// p50/p95 latency of every query in queries/ on the store.
    Queries {
        /// Timed runs per query (after one warm-up run).
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Seconds after which a run is cancelled (the query is then reported as timed out).
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
        /// Seconds of timed runs per query after which no new run starts (at least one runs).
        #[arg(long, default_value_t = 10.0)]
        budget: f64,
    },
}

/// How extraction is spread over threads.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Extraction threads (0 = one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Articles handed to the threads at a time: bounds memory.
    #[arg(long, default_value_t = 256)]
    pub chunk: usize,
}

impl RunArgs {
    fn options(&self) -> crate::ingest::Options {
        crate::ingest::Options {
            threads: self.threads,
            chunk: self.chunk,
            ..crate::ingest::Options::default()
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExtractFormat {
    Tsv,
    Nq,
    Ttl,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LookupFormat {
    Text,
    Json,
}

fn parse_param(s: &str) -> std::result::Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| format!("`{s}` is not name=value"))
}

fn resources(cli: &Cli) -> Result<Resources> {
    Resources::load(&Resources::locate(cli.resources.as_deref())?)
}

fn io_err(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // The reader went away (`kgx … | head`): stop quietly, as Unix tools do.
        std::process::exit(0);
    }
    Error::Other(format!("writing output: {e}"))
}

/// Reads the paths; in a directory, unreadable files are skipped with a warning.
fn read_articles(paths: &[PathBuf]) -> Result<Vec<crate::model::Article>> {
    let outcome = read::read_paths(paths)?;
    for w in &outcome.warnings {
        eprintln!("warning: skipped {w}");
    }
    if outcome.articles.is_empty() {
        return Err(Error::Other("no articles found in the given paths".into()));
    }
    Ok(outcome.articles)
}

pub fn run(cli: Cli) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &cli.command {
        Command::Ingest {
            paths,
            run,
            loader_memory,
            quiet,
            json,
        } => {
            let res = resources(&cli)?;
            let files = read::input_files(paths)?;
            let kb = Kb::open(&cli.store)?;
            let opts = crate::ingest::Options {
                progress: !quiet && !json,
                loader_memory_mb: *loader_memory,
                ..run.options()
            };
            let s = crate::ingest::ingest(&kb, &res, &files, &opts, &mut |w| {
                eprintln!("warning: skipped {w}")
            })?;
            if *json {
                let text =
                    serde_json::to_string_pretty(&s).map_err(|e| Error::Other(e.to_string()))?;
                writeln!(out, "{text}").map_err(io_err)?;
            } else {
                writeln!(
                    out,
                    "ingested {} article{} ({} replaced, {} quads) into {} in {:.2}s: {:.0} articles/s, {:.2} MB/s on {} thread{}",
                    s.articles,
                    if s.articles == 1 { "" } else { "s" },
                    s.replaced,
                    s.quads,
                    cli.store.display(),
                    s.seconds,
                    s.articles as f64 / s.seconds.max(1e-9),
                    s.text_bytes as f64 / 1e6 / s.seconds.max(1e-9),
                    s.threads,
                    if s.threads == 1 { "" } else { "s" },
                )
                .map_err(io_err)?;
            }
        }
        Command::Extract {
            paths,
            run,
            format,
            explain,
        } => {
            let res = resources(&cli)?;
            let files = read::input_files(paths)?;
            crate::ingest::check_inputs(&files, &mut |w| eprintln!("warning: skipped {w}"))?;
            let extract = |a: crate::model::Article| pipeline::extract(&a, &res);
            crate::ingest::par_map_articles(&files, &run.options(), &extract, &mut |chunk| {
                for x in chunk {
                    write_extraction(&mut out, &x, *format, *explain)?;
                }
                Ok(())
            })?;
        }
        Command::Identity(IdentityCommand::List { json }) => {
            let kb = Kb::open_existing(&cli.store)?;
            let ds = crate::identity::decisions(&kb)?;
            if *json {
                let text =
                    serde_json::to_string_pretty(&ds).map_err(|e| Error::Other(e.to_string()))?;
                writeln!(out, "{text}").map_err(io_err)?;
            } else if ds.is_empty() {
                writeln!(
                    out,
                    "no identity decisions: every entity is its own spelling's node"
                )
                .map_err(io_err)?;
            }
            for d in ds.iter().filter(|_| !*json) {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{} → {}\t{}",
                    d.article,
                    d.decision,
                    d.label,
                    crate::kb::query::short(
                        &oxigraph::model::NamedNode::new_unchecked(d.extracted.as_str()).into()
                    ),
                    crate::kb::query::short(
                        &oxigraph::model::NamedNode::new_unchecked(d.resolved.as_str()).into()
                    ),
                    d.reason
                )
                .map_err(io_err)?;
            }
        }
        Command::Identity(IdentityCommand::Split { name }) => {
            let kb = Kb::open_existing(&cli.store)?;
            for d in crate::identity::split(&kb, name)? {
                writeln!(
                    out,
                    "split: in {}, “{}” is {} again (kept apart from {})",
                    d.article, d.label, d.extracted, d.resolved
                )
                .map_err(io_err)?;
            }
        }
        Command::Generate {
            articles,
            seed,
            out: path,
            layout,
            skeletons,
        } => {
            let root = Resources::locate(cli.resources.as_deref())?;
            let skeletons = skeletons
                .clone()
                .unwrap_or_else(|| root.join("tests/corpus/dev"));
            let material = crate::bench::generate::Material::load(&root, &skeletons)?;
            let gen = crate::bench::generate::Generator::new(&material, *seed, *articles);
            let started = Instant::now();
            let bytes = crate::bench::generate::write_corpus(&gen, *articles, *layout, path)?;
            writeln!(
                out,
                "generated {articles} articles ({:.1} MB of text, seed {seed}) into {} in {:.1}s",
                bytes as f64 / 1e6,
                path.display(),
                started.elapsed().as_secs_f64()
            )
            .map_err(io_err)?;
        }
        Command::Bench(b) => {
            let json = match b {
                BenchCommand::Extract {
                    paths,
                    threads,
                    repeat,
                } => serde_json::to_value(crate::bench::extract(
                    &resources(&cli)?,
                    paths,
                    *threads,
                    *repeat,
                )?),
                BenchCommand::Scan { paths, repeat } => {
                    serde_json::to_value(crate::bench::scan(paths, *repeat)?)
                }
                BenchCommand::Rules { top } => {
                    serde_json::to_value(crate::bench::rules(&resources(&cli)?, *top)?)
                }
                BenchCommand::Queries {
                    runs,
                    timeout,
                    budget,
                } => {
                    let root = Resources::locate(cli.resources.as_deref())?;
                    let kb = Kb::open_existing(&cli.store)?;
                    let secs = |s: f64| std::time::Duration::from_secs_f64(s.max(0.001));
                    let limits = crate::bench::QueryLimits {
                        runs: *runs,
                        timeout: secs(*timeout),
                        budget: secs(*budget),
                    };
                    serde_json::to_value(crate::bench::queries(&kb, &root.join("queries"), limits)?)
                }
            }
            .map_err(|e| Error::Other(e.to_string()))?;
            let text =
                serde_json::to_string_pretty(&json).map_err(|e| Error::Other(e.to_string()))?;
            writeln!(out, "{text}").map_err(io_err)?;
        }
        Command::Query {
            query: q,
            format,
            params,
        } => {
            let root = Resources::locate(cli.resources.as_deref())?;
            let text = query::resolve(q, &root.join("queries"))?;
            let sparql = query::bind_params(&text.text, params)?;
            let kb = Kb::open_existing(&cli.store)?;
            query::run(&kb, &sparql, *format, &mut out)?;
        }
        Command::Queries => {
            let root = Resources::locate(cli.resources.as_deref())?;
            for (name, question) in query::list(&root.join("queries"))? {
                writeln!(out, "{name:<32} {question}").map_err(io_err)?;
            }
        }
        Command::Lookup { name, format, all } => {
            let res = resources(&cli)?;
            let kb = Kb::open_existing(&cli.store)?;
            let cands = lookup::candidates(&kb, name)?;
            if cands.is_empty() {
                return Err(Error::Other(format!("no entity matches `{name}`")));
            }
            let chosen: Vec<&lookup::Candidate> = if *all {
                cands.iter().collect()
            } else {
                vec![&cands[0]]
            };
            let cards: Vec<lookup::Card> = chosen
                .iter()
                .map(|c| lookup::card(&kb, &c.iri))
                .collect::<Result<_>>()?;
            match format {
                LookupFormat::Json => {
                    let v = serde_json::json!({ "candidates": cands, "cards": cards });
                    writeln!(
                        out,
                        "{}",
                        serde_json::to_string_pretty(&v).unwrap_or_default()
                    )
                    .map_err(io_err)?;
                }
                LookupFormat::Text => {
                    let inv = |p: &str| {
                        res.ontology
                            .property(p)
                            .and_then(|p| p.inverse_label.clone())
                    };
                    for c in &cards {
                        write!(out, "{}", lookup::render(c, &inv)).map_err(io_err)?;
                    }
                    if !*all && cands.len() > 1 {
                        writeln!(out, "\nother matches:").map_err(io_err)?;
                        for c in cands.iter().skip(1).take(9) {
                            writeln!(out, "  {}  ({})", c.label, c.iri).map_err(io_err)?;
                        }
                    }
                }
            }
        }
        Command::Stats { json } => {
            let kb = Kb::open_existing(&cli.store)?;
            let st = kb.stats()?;
            if *json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&st).unwrap_or_default()
                )
                .map_err(io_err)?;
            } else {
                writeln!(out, "store:      {}", cli.store.display()).map_err(io_err)?;
                writeln!(out, "quads:      {}", st.quads).map_err(io_err)?;
                writeln!(
                    out,
                    "union:      {} triples (the default graph, each triple once)",
                    st.union_triples
                )
                .map_err(io_err)?;
                writeln!(out, "articles:   {}", st.articles).map_err(io_err)?;
                writeln!(out, "entities:   {}", st.entities).map_err(io_err)?;
                writeln!(
                    out,
                    "facts:      {} (relations and literals, distinct)",
                    st.facts
                )
                .map_err(io_err)?;
                writeln!(out, "provenance: {} statements", st.statements).map_err(io_err)?;
                writeln!(out, "\nentities by type").map_err(io_err)?;
                for (t, n) in &st.by_type {
                    writeln!(out, "  {t:<18} {n}").map_err(io_err)?;
                }
                writeln!(out, "\nfacts by property").map_err(io_err)?;
                for (p, n) in &st.by_property {
                    writeln!(out, "  {p:<18} {n}").map_err(io_err)?;
                }
            }
        }
        Command::Remove { article } => {
            let kb = Kb::open_existing(&cli.store)?;
            let id = article
                .strip_prefix(crate::vocab::ARTICLE)
                .unwrap_or(article);
            let before = kb.source_len()?;
            let n = kb.remove_article(id)?;
            writeln!(
                out,
                "removed article {id}: {n} quads ({before} → {})",
                kb.source_len()?
            )
            .map_err(io_err)?;
        }
        Command::Check => {
            let root = Resources::locate(cli.resources.as_deref())?;
            let res = Resources::load(&root)?;
            let mut problems = res.gazetteer.check();
            problems.extend(res.rules.build_all());
            let mut examples = 0;
            for rule in &res.rules.rules {
                examples += rule.examples.len();
                problems.extend(check::run_examples(rule, &res));
            }
            let queries = query::list(&root.join("queries")).unwrap_or_default();
            for (name, _) in &queries {
                let p = root.join("queries").join(format!("{name}.rq"));
                let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
                if let Err(e) = oxigraph::sparql::SparqlEvaluator::new().parse_query(&text) {
                    problems.push(format!("{}: {e}", p.display()));
                }
            }
            writeln!(
                out,
                "ontology: {} classes, {} properties\ngazetteers: {} entries\nrules: {} ({} examples)\nqueries: {}",
                res.ontology.classes.len(),
                res.ontology.properties.len(),
                res.gazetteer.len(),
                res.rules.rules.len(),
                examples,
                queries.len()
            )
            .map_err(io_err)?;
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("{p}");
                }
                return Err(Error::Other(format!(
                    "check failed: {} problem(s)",
                    problems.len()
                )));
            }
            writeln!(out, "all checks passed").map_err(io_err)?;
        }
        Command::Export(args) => {
            let kb = Kb::open_existing(&cli.store)?;
            let started = Instant::now();
            let report = crate::kb::export::run(&kb, args, &mut out)?;
            eprintln!("{report} in {:.2}s", started.elapsed().as_secs_f64());
        }
        Command::Serve(args) => {
            let kb = Kb::open_existing(&cli.store)?;
            crate::kb::serve::run(kb, args)?;
        }
        Command::Eval { gold, paths, json } => {
            let res = resources(&cli)?;
            let golds = eval::gold_files(gold)?;
            let articles = read_articles(paths)?;
            let mut report = eval::Report::default();
            for g in &golds {
                let gd = eval::Gold::load(g)?;
                let id = eval::gold_article_id(g);
                let article = articles.iter().find(|a| a.id == id).or(
                    if golds.len() == 1 && articles.len() == 1 {
                        articles.first()
                    } else {
                        None
                    },
                );
                let Some(article) = article else {
                    return Err(Error::Other(format!(
                        "{}: no article with id `{id}` among the given paths",
                        g.display()
                    )));
                };
                eval::score(&pipeline::extract(article, &res), &gd, &mut report);
            }
            if *json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                )
                .map_err(io_err)?;
            } else {
                write!(out, "{}", report.render()).map_err(io_err)?;
            }
        }
    }
    out.flush().map_err(io_err)
}

fn tsv_clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// One TSV row of `extract`: article, subject, property, object, rule, confidence, the sentence's
/// character offsets, (with `explain`) the matched text, and the sentence.
fn tsv_row(
    out: &mut dyn Write,
    x: &Extraction,
    [subject, property, object]: [&str; 3],
    ev: &crate::model::Evidence,
    explain: bool,
) -> Result<()> {
    let (start, end, sentence) = match ev.sentence {
        Some(si) => {
            let sp = x.sentences[si].span;
            (
                char_offset(&x.text, sp.start).to_string(),
                char_offset(&x.text, sp.end).to_string(),
                x.sentence_text(si),
            )
        }
        None => (String::new(), String::new(), ""),
    };
    let confidence = format!("{:.2}", ev.confidence);
    let mut cols = [
        x.article.id.as_str(),
        subject,
        property,
        object,
        ev.rule.as_str(),
        confidence.as_str(),
        start.as_str(),
        end.as_str(),
    ]
    .into_iter()
    .map(tsv_clean)
    .collect::<Vec<_>>();
    if explain {
        cols.push(tsv_clean(&x.text[ev.span.start..ev.span.end]));
    }
    cols.push(tsv_clean(sentence));
    writeln!(out, "{}", cols.join("\t")).map_err(io_err)
}

/// One piece of evidence as `extract --format jsonl` writes it.
fn evidence_json(x: &Extraction, ev: &crate::model::Evidence) -> serde_json::Value {
    serde_json::json!({
        "rule": ev.rule,
        "confidence": ev.confidence,
        "sentence": ev.sentence.map(|s| x.sentence_text(s)),
        "start": ev.sentence.map(|s| char_offset(&x.text, x.sentences[s].span.start)),
        "end": ev.sentence.map(|s| char_offset(&x.text, x.sentences[s].span.end)),
        "match": &x.text[ev.span.start..ev.span.end],
    })
}

/// Writes one article's extraction in the chosen format.
pub fn write_extraction(
    out: &mut dyn Write,
    x: &Extraction,
    format: ExtractFormat,
    explain: bool,
) -> Result<()> {
    match format {
        ExtractFormat::Nq | ExtractFormat::Ttl => {
            let quads = rdf::quads(x);
            let fmt = if matches!(format, ExtractFormat::Nq) {
                oxigraph::io::RdfFormat::NQuads
            } else {
                oxigraph::io::RdfFormat::TriG
            };
            let mut ser = oxigraph::io::RdfSerializer::from_format(fmt);
            if matches!(format, ExtractFormat::Ttl) {
                ser = crate::vocab::with_prefixes(ser).map_err(|e| Error::Other(e.to_string()))?;
            }
            let mut w = ser.for_writer(&mut *out);
            for q in &quads {
                w.serialize_quad(q).map_err(io_err)?;
            }
            w.finish().map_err(io_err)?;
        }
        ExtractFormat::Tsv => {
            if explain {
                writeln!(out, "# article\tsubject\tproperty\tobject\trule\tconfidence\tstart\tend\tmatch\tsentence").map_err(io_err)?;
            }
            for f in x.facts.iter().filter(|f| f.property != "mentions") {
                let evs = if explain {
                    &f.evidence[..]
                } else {
                    &f.evidence[..1]
                };
                let (subject, object) = (x.subject_label(f.subject), x.value_label(&f.object));
                for ev in evs {
                    tsv_row(out, x, [&subject, &f.property, &object], ev, explain)?;
                }
            }
            // One row per direct quotation: the speaker, `quote`, the words.
            for q in x.quotes.iter().filter(|q| x.is_emitted(q.speaker)) {
                let speaker = &x.entities[q.speaker].label;
                tsv_row(out, x, [speaker, "quote", &q.text], &q.evidence, explain)?;
            }
            if explain {
                for r in &x.rejected {
                    writeln!(out, "# rejected by the ontology: {r}").map_err(io_err)?;
                }
            }
        }
        ExtractFormat::Jsonl => {
            for f in x.facts.iter().filter(|f| f.property != "mentions") {
                let subject_type = match f.subject {
                    Subject::Article => "Article".to_string(),
                    Subject::Entity(e) => x.entities[e].ty.to_string(),
                };
                let v = serde_json::json!({
                    "article": x.article.id,
                    "subject": x.subject_label(f.subject),
                    "subject_type": subject_type,
                    "property": f.property,
                    "object": x.value_label(&f.object),
                    "evidence": f.evidence.iter().map(|ev| evidence_json(x, ev)).collect::<Vec<_>>(),
                });
                writeln!(out, "{v}").map_err(io_err)?;
            }
            for q in x.quotes.iter().filter(|q| x.is_emitted(q.speaker)) {
                let v = serde_json::json!({
                    "article": x.article.id,
                    "subject": x.entities[q.speaker].label,
                    "subject_type": x.entities[q.speaker].ty.to_string(),
                    "property": "quote",
                    "object": q.text,
                    "evidence": [evidence_json(x, &q.evidence)],
                });
                writeln!(out, "{v}").map_err(io_err)?;
            }
        }
    }
    Ok(())
}
