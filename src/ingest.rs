//! Ingest: input files → articles, streamed → extraction on every core → the store, in batches.
//!
//! ```text
//! pass 1  read every article once: bad input fails here, before the store is touched
//! pass 2  reader ─► chunk of articles ─► rayon: extract + quads ─► channel (2 chunks) ─► writer
//! ```
//!
//! Memory is bounded by the chunk size whatever the corpus size: at most three chunks of
//! articles and their quads are alive at once, plus the bulk loader's buffer. Articles new to
//! the store go through oxigraph's bulk loader, which writes sorted SST files to disk and adds
//! them to RocksDB in one step at the end (atomic: all or none of them). Articles already in the
//! store are replaced graph by graph in transactions, so the store never holds two versions of an
//! article.

use crate::error::{Error, Result};
use crate::extract::rdf;
use crate::extract::read::{self, InputFile};
use crate::kb::store::Kb;
use crate::model::Article;
use crate::pipeline;
use crate::resources::Resources;
use oxigraph::model::Quad;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::mpsc::{sync_channel, Receiver};
use std::time::{Duration, Instant};

/// How to run an ingest or a streamed extraction.
#[derive(Debug, Clone)]
pub struct Options {
    /// Extraction threads; 0 = one per core.
    pub threads: usize,
    /// Articles per chunk handed to the extraction threads.
    pub chunk: usize,
    /// Show a progress bar (drawn only when stderr is a terminal).
    pub progress: bool,
    /// Memory target of the bulk loader's buffer, in MB.
    pub loader_memory_mb: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 0,
            chunk: 256,
            progress: true,
            loader_memory_mb: 256,
        }
    }
}

/// What an ingest did, with where the time went.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub articles: usize,
    /// Articles whose graph existed before and was replaced.
    pub replaced: usize,
    /// Files skipped with a warning (not text, empty).
    pub skipped: usize,
    /// Bytes of article text (title and body).
    pub text_bytes: u64,
    /// Quads written for the articles (the ontology graph not included).
    pub quads: u64,
    /// Entities resolved to another node than their own spelling's (variants, same titles).
    pub merged: usize,
    pub threads: usize,
    /// Wall time of the whole ingest.
    pub seconds: f64,
    /// Wall time of pass 1 (reading and checking every input).
    pub check_seconds: f64,
    /// Thread time spent extracting (summed over threads).
    pub extract_cpu_seconds: f64,
    /// Writer time not spent waiting for extraction: transactions, bulk loading, commit.
    pub store_seconds: f64,
}

/// One extracted article.
struct Done {
    id: String,
    quads: Vec<Quad>,
    notes: Vec<crate::identity::Note>,
    cpu: Duration,
    bytes: u64,
}

fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("kgx-extract-{i}"))
        .build()
        .map_err(|e| Error::Other(format!("cannot start extraction threads: {e}")))
}

/// The number of threads `threads` (0 = all cores) stands for.
pub fn thread_count(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// Streams the articles of `files` through `map` on `threads` threads, in chunks, and hands each
/// chunk's results to `sink` in input order. `map` runs in parallel; `sink` runs on the calling
/// thread while the next chunk is being mapped.
pub fn par_map_articles<T: Send>(
    files: &[InputFile],
    opts: &Options,
    map: &(dyn Fn(Article) -> T + Sync),
    sink: &mut dyn FnMut(Vec<T>) -> Result<()>,
) -> Result<()> {
    let pool = pool(thread_count(opts.threads))?;
    let chunk_size = opts.chunk.max(1);
    let (tx, rx) = sync_channel::<Vec<T>>(1);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || -> Result<()> {
            let mut chunk = Vec::with_capacity(chunk_size);
            let send = |chunk: Vec<Article>| -> Result<()> {
                let out: Vec<T> = pool.install(|| chunk.into_par_iter().map(map).collect());
                // A closed channel means the sink failed: stop reading, its error is reported.
                tx.send(out).map_err(|_| Error::Other("stopped".into()))
            };
            read::for_each_article(files, &mut |_| {}, &mut |a| {
                chunk.push(a);
                if chunk.len() >= chunk_size {
                    send(std::mem::replace(
                        &mut chunk,
                        Vec::with_capacity(chunk_size),
                    ))?;
                }
                Ok(())
            })?;
            if !chunk.is_empty() {
                send(chunk)?;
            }
            Ok(())
        });
        let mut sink_result = Ok(());
        for out in rx.iter() {
            if let Err(e) = sink(out) {
                sink_result = Err(e);
                break;
            }
        }
        drop(rx);
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(Error::Other("an extraction thread panicked".into())));
        sink_result.and(produced)
    })
}

/// Pass 1: reads every article once, so that bad input fails before the store is touched.
/// Returns the number of articles and of skipped files; warnings go to `warn`.
pub fn check_inputs(files: &[InputFile], warn: &mut dyn FnMut(Error)) -> Result<(usize, usize)> {
    let mut ids = read::IdCheck::default();
    let mut skipped = 0;
    read::for_each_article(
        files,
        &mut |e| {
            skipped += 1;
            warn(e)
        },
        &mut |a| ids.check(&a),
    )?;
    if ids.is_empty() {
        return Err(Error::Other("no articles found in the given paths".into()));
    }
    Ok((ids.len(), skipped))
}

/// Ingests the articles of `files` into `kb` (see the module documentation).
pub fn ingest(
    kb: &Kb,
    res: &Resources,
    files: &[InputFile],
    opts: &Options,
    warn: &mut dyn FnMut(Error),
) -> Result<Summary> {
    let started = Instant::now();
    let (total, skipped) = check_inputs(files, warn)?;
    let mut summary = Summary {
        skipped,
        threads: thread_count(opts.threads),
        check_seconds: started.elapsed().as_secs_f64(),
        ..Summary::default()
    };
    kb.set_ontology(&res.ontology.quads)?;
    let existing: HashSet<String> = kb.articles()?.into_iter().collect();
    let identity = crate::identity::Index::load(kb)?;

    let bar = progress_bar(total, opts.progress);
    let extract = |a: Article| {
        let t = Instant::now();
        let bytes = (a.title.len() + a.body.len()) as u64;
        let x = pipeline::extract(&a, res);
        Done {
            id: a.id,
            quads: rdf::quads(&x),
            notes: crate::identity::notes(&x),
            cpu: t.elapsed(),
            bytes,
        }
    };

    // The writer: chunks arrive over a channel; replaced articles are written at once in a
    // transaction, new ones are fed to the bulk loader, which pulls them through `Feed`.
    let (tx, rx) = sync_channel::<Vec<Done>>(1);
    let writer_started = Instant::now();
    let mut feed = Feed {
        kb,
        rx: Some(rx),
        existing: &existing,
        identity,
        pending: Vec::new().into_iter(),
        copy: None,
        summary: &mut summary,
        waited: Duration::ZERO,
        error: None,
        bar: &bar,
    };
    let extract = &extract;
    let produced = std::thread::scope(|scope| {
        // `tx` moves into the producer: when it is done, the channel closes and the feed ends.
        let producer = scope.spawn(move || {
            par_map_articles(files, opts, extract, &mut |chunk| {
                tx.send(chunk)
                    .map_err(|_| Error::Other("the store writer stopped".into()))
            })
        });
        let loader = kb
            .store
            .bulk_loader()
            .with_max_memory_size_in_megabytes(opts.loader_memory_mb.max(16));
        let loaded = load(loader, &mut feed, kb);
        // Closing the channel unblocks a producer still sending after a failed write.
        feed.rx = None;
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(Error::Other("an extraction thread panicked".into())));
        match (loaded, feed.error.take()) {
            (Err(e), _) | (Ok(()), Some(e)) => Err(e),
            (Ok(()), None) => produced,
        }
    });
    let waited = feed.waited;
    bar.finish_and_clear();
    produced?;
    summary.store_seconds = (writer_started.elapsed() - waited).as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn load(mut loader: oxigraph::store::BulkLoader<'_>, feed: &mut Feed<'_>, kb: &Kb) -> Result<()> {
    let store_err = |e: oxigraph::store::StorageError| Error::Store {
        path: kb.path.clone(),
        message: e.to_string(),
    };
    loader.load_quads(&mut *feed).map_err(store_err)?;
    if feed.error.is_some() {
        // Dropping the loader without commit deletes its files: nothing new is added.
        return Ok(());
    }
    loader.commit().map_err(store_err)
}

/// The bulk loader's source of quads: the new articles' quads, chunk by chunk.
struct Feed<'a> {
    kb: &'a Kb,
    rx: Option<Receiver<Vec<Done>>>,
    existing: &'a HashSet<String>,
    identity: crate::identity::Index,
    pending: std::vec::IntoIter<Quad>,
    /// The union-graph copy of the quad just handed out.
    copy: Option<Quad>,
    summary: &'a mut Summary,
    waited: Duration,
    error: Option<Error>,
    bar: &'a indicatif::ProgressBar,
}

impl Feed<'_> {
    /// Takes one chunk: identities are resolved against the store and the articles before (in
    /// input order); replaced articles go to a transaction, the rest become pending quads.
    fn take(&mut self, chunk: Vec<Done>) -> Result<()> {
        let mut fresh = Vec::new();
        let mut replaced = Vec::new();
        for mut d in chunk {
            let resolution = self.identity.resolve(&d.id, &d.notes);
            self.summary.merged += resolution.map.len();
            d.quads = crate::identity::apply(std::mem::take(&mut d.quads), &resolution);
            let s = &mut *self.summary;
            s.articles += 1;
            s.text_bytes += d.bytes;
            s.quads += d.quads.len() as u64;
            s.extract_cpu_seconds += d.cpu.as_secs_f64();
            if self.existing.contains(&d.id) {
                s.replaced += 1;
                replaced.push((d.id, d.quads));
            } else {
                fresh.extend(d.quads);
            }
            self.bar.inc(1);
        }
        if !replaced.is_empty() {
            self.kb.replace_articles(&replaced)?;
        }
        self.pending = fresh.into_iter();
        Ok(())
    }
}

impl Iterator for Feed<'_> {
    type Item = Quad;

    fn next(&mut self) -> Option<Quad> {
        loop {
            if let Some(c) = self.copy.take() {
                return Some(c);
            }
            if let Some(q) = self.pending.next() {
                // Every quad also goes to the union graph; the loader keeps one copy of each.
                self.copy = Some(crate::kb::store::union_copy(q.as_ref()));
                return Some(q);
            }
            if self.error.is_some() {
                return None;
            }
            let t = Instant::now();
            let chunk = self.rx.as_ref()?.recv().ok()?;
            self.waited += t.elapsed();
            if let Err(e) = self.take(chunk) {
                self.error = Some(e);
                return None;
            }
        }
    }
}

fn progress_bar(total: usize, enabled: bool) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    // indicatif draws nothing when stderr is not a terminal (a pipe, a log file, CI).
    let target = if enabled {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {pos}/{len} articles  {per_sec:.0}  ETA {eta}  {elapsed} elapsed",
    ) {
        bar.set_style(style);
    }
    bar
}
