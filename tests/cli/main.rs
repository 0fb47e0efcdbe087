//! The integration tests: the real `kgx` binary against temporary stores. One binary; the
//! modules below group the tests of the export and serve commands.

mod export;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> PathBuf {
    root().join("data/articles/welcome-to-the-usa.txt")
}

/// Runs kgx with a store in `dir`.
fn kgx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kgx"))
        .args(args)
        .env("KGX_STORE", dir.join("store"))
        .env("KGX_RESOURCES", root())
        .current_dir(dir)
        .output()
        .expect("kgx runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "kgx failed: {}\n{}",
        stderr(&o),
        stdout(&o)
    );
    stdout(&o)
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Quad count of the store, read with `kgx stats --json`.
fn quads(dir: &Path) -> u64 {
    let s = ok(kgx(dir, &["stats", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    v["quads"].as_u64().unwrap()
}

fn query_json(
    dir: &Path,
    q: &str,
    params: &[&str],
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let mut args = vec!["query", q, "--format", "json"];
    for p in params {
        args.push("--param");
        args.push(p);
    }
    let s = ok(kgx(dir, &args));
    let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
    v["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            b.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v["value"].clone()))
                .collect()
        })
        .collect()
}

fn ingest_sample(dir: &Path) {
    ok(kgx(
        dir,
        &["ingest", root().join("data/articles").to_str().unwrap()],
    ));
}

#[test]
fn chain_query_answers_the_design_card() {
    let d = tmp();
    ingest_sample(d.path());
    let rows = query_json(d.path(), "premiere-chain", &[]);
    let row = rows
        .iter()
        .find(|r| r["director"] == "Assel Aushakimova")
        .unwrap_or_else(|| panic!("no Aushakimova row in {rows:?}"));
    assert_eq!(row["film"], "Welcome to the USA");
    assert_eq!(row["festival"], "AFI Fest");
    assert_eq!(row["year"], "2019");
    assert_eq!(row["place"], "California");
    // The parameter narrows the answer to one director.
    let one = query_json(d.path(), "premiere-chain", &["director=Assel Aushakimova"]);
    assert!(!one.is_empty() && one.iter().all(|r| r["director"] == "Assel Aushakimova"));
}

#[test]
fn provenance_of_a_fact_is_plain_sparql() {
    let d = tmp();
    ingest_sample(d.path());
    let q = r#"PREFIX kgx: <https://w3id.org/kgx/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?sentence ?start ?end ?mstart ?mend ?rule ?confidence ?article WHERE {
  ?st rdf:subject <https://w3id.org/kgx/id/person/assel-aushakimova> ;
      rdf:predicate kgx:directed ;
      rdf:object <https://w3id.org/kgx/id/film/welcome-to-the-usa> ;
      kgx:sentence ?sentence ; kgx:sentenceStart ?start ; kgx:sentenceEnd ?end ;
      kgx:matchStart ?mstart ; kgx:matchEnd ?mend ;
      kgx:rule ?rule ; kgx:confidence ?confidence ; kgx:article ?article .
}"#;
    let rows = query_json(d.path(), q, &[]);
    let r = rows
        .iter()
        .find(|r| r["rule"] == "rel.directed.possessive-feature")
        .unwrap_or_else(|| panic!("{rows:?}"));
    let sentence = r["sentence"].as_str().unwrap();
    assert_eq!(
        sentence,
        "Assel Aushakimova’s debut feature, Welcome to the USA, treads uncertain grounds."
    );
    assert_eq!(
        r["article"],
        "https://w3id.org/kgx/article/welcome-to-the-usa"
    );
    // Offsets are character offsets into the article text (title, blank line, body).
    let text = format!(
        "{}\n\n{}",
        "Welcome to the USA: Assel Aushakimova on making Kazakhstan’s first lesbian film",
        std::fs::read_to_string(seed())
            .unwrap()
            .split("24 February 2021\n\n")
            .nth(1)
            .unwrap()
    );
    let chars: Vec<char> = text.chars().collect();
    let start: usize = r["start"].as_str().unwrap().parse().unwrap();
    let end: usize = r["end"].as_str().unwrap().parse().unwrap();
    assert_eq!(chars[start..end].iter().collect::<String>(), sentence);
    let ms: usize = r["mstart"].as_str().unwrap().parse().unwrap();
    let me: usize = r["mend"].as_str().unwrap().parse().unwrap();
    assert!(chars[ms..me]
        .iter()
        .collect::<String>()
        .starts_with("Assel Aushakimova’s debut feature"));
    let conf: f64 = r["confidence"].as_str().unwrap().parse().unwrap();
    assert!(conf > 0.0 && conf <= 1.0);
}

#[test]
fn ingest_is_idempotent_and_remove_is_exact() {
    let d = tmp();
    ingest_sample(d.path());
    let once = quads(d.path());
    ingest_sample(d.path());
    assert_eq!(quads(d.path()), once, "re-ingesting changed the store");
    // The article's own graph size, then removal brings the count down by exactly that much.
    let q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kgx/article/yellow-cat> { ?s ?p ?o } }";
    let n: u64 = query_json(d.path(), q, &[])[0]["n"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n > 0);
    let out = ok(kgx(d.path(), &["remove", "yellow-cat"]));
    assert!(out.contains(&format!("{n} quads")), "{out}");
    assert_eq!(quads(d.path()), once - n);
    // What another article supports survives: the seed's facts are all still there.
    let rows = query_json(d.path(), "premiere-chain", &["director=Assel Aushakimova"]);
    assert!(!rows.is_empty());
    // Removing an unknown article fails and changes nothing.
    let o = kgx(d.path(), &["remove", "no-such-article"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no article `no-such-article`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(quads(d.path()), once - n);
}

/// Precision, recall and F1 of one part of `kgx eval --json`.
struct Prf {
    p: f64,
    r: f64,
    f1: f64,
}

/// Runs `kgx eval --json --gold GOLD PATH`: the entity and relation scores, and the raw output.
fn eval_scores(gold: &std::path::Path, path: &std::path::Path) -> (Prf, Prf, String) {
    let d = tmp();
    let o = ok(kgx(
        d.path(),
        &[
            "eval",
            "--json",
            "--gold",
            gold.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&o).unwrap();
    let score = |k: &str| {
        let s = &v[k];
        let (tp, fp, fn_) = (
            s["tp"].as_f64().unwrap(),
            s["fp"].as_f64().unwrap(),
            s["fn_"].as_f64().unwrap(),
        );
        Prf {
            p: tp / (tp + fp),
            r: tp / (tp + fn_),
            f1: 2.0 * tp / (2.0 * tp + fp + fn_),
        }
    };
    (score("entities"), score("relations"), o)
}

#[test]
fn eval_on_the_seed_meets_the_bar() {
    let gold = root().join("tests/gold/welcome-to-the-usa.gold.tsv");
    let (ent, rel, o) = eval_scores(&gold, &seed());
    let (rp, rr, ef1) = (rel.p, rel.r, ent.f1);
    assert!(rp >= 0.9 && rr >= 0.9, "relations P {rp:.3} R {rr:.3}\n{o}");
    assert!(ef1 >= 0.9, "entity F1 {ef1:.3}\n{o}");
}

/// F1 of `kgx eval --json` over a gold directory: (entities, relations, a summary line).
fn eval_f1(dir: &std::path::Path) -> (f64, f64, String) {
    let (ent, rel, _) = eval_scores(dir, dir);
    let summary = format!("entities F1 {:.3}, relations F1 {:.3}", ent.f1, rel.f1);
    (ent.f1, rel.f1, summary)
}

/// Quality floors on the tuning splits (dev, val, val2, val3, val4): a rule or engine change that
/// costs more than a point or two of F1 fails here before anyone reads the README's figures. The
/// held-out splits (test, val5, val6) are never scored by the tests.
#[test]
fn eval_on_the_tuning_corpus_holds_its_floor() {
    let corpus = root().join("tests/corpus");
    // Floors a little under the end of session 11 (dev 0.972 / 0.887, val 0.979 / 0.861, val2
    // 0.982 / 0.903, val3 0.981 / 0.921, val4 0.933 / 0.849): a change that loses what the rules
    // and the engine found fails here.
    let (ent, rel, s) = eval_f1(&corpus.join("dev"));
    assert!(ent >= 0.96 && rel >= 0.87, "dev: {s}");
    let (ent, rel, s) = eval_f1(&corpus.join("val"));
    assert!(ent >= 0.96 && rel >= 0.84, "val: {s}");
    let (ent, rel, s) = eval_f1(&corpus.join("val2"));
    assert!(ent >= 0.96 && rel >= 0.88, "val2: {s}");
    let (ent, rel, s) = eval_f1(&corpus.join("val3"));
    assert!(ent >= 0.96 && rel >= 0.90, "val3: {s}");
    let (ent, rel, s) = eval_f1(&corpus.join("val4"));
    assert!(ent >= 0.92 && rel >= 0.83, "val4: {s}");
}

#[test]
fn every_rule_example_passes() {
    let res = kgx::resources::Resources::load(&root()).expect("resources load");
    let mut failures = Vec::new();
    let mut n = 0;
    for rule in &res.rules.rules {
        n += rule.examples.len();
        failures.extend(kgx::check::run_examples(rule, &res));
    }
    assert!(n >= res.rules.rules.len(), "every rule has examples");
    assert!(
        failures.is_empty(),
        "{} failing example(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn check_validates_everything() {
    let d = tmp();
    let out = ok(kgx(d.path(), &["check"]));
    assert!(out.contains("all checks passed"), "{out}");
}

/// Golden files: the whole extraction of each sample article. Set KGX_UPDATE_GOLDEN=1 to rewrite.
#[test]
fn golden_extractions() {
    let d = tmp();
    let articles = root().join("data/articles");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for a in names {
        let out = ok(kgx(
            d.path(),
            &["extract", "--format", "tsv", a.to_str().unwrap()],
        ));
        let stem = a.file_stem().unwrap().to_string_lossy().into_owned();
        let golden = root().join("tests/golden").join(format!("{stem}.tsv"));
        if std::env::var("KGX_UPDATE_GOLDEN").is_ok() {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &out).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!("{} missing: run with KGX_UPDATE_GOLDEN=1", golden.display())
        });
        assert_eq!(
            out,
            want,
            "extraction of {} differs from {}",
            a.display(),
            golden.display()
        );
    }
}

#[test]
fn every_bundled_query_runs_and_answers() {
    let d = tmp();
    ingest_sample(d.path());
    let list = ok(kgx(d.path(), &["queries"]));
    let names: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(names.len() >= 8, "{list}");
    for name in names {
        let rows = query_json(d.path(), name, &[]);
        assert!(
            !rows.is_empty(),
            "query {name} answered nothing on the sample corpus"
        );
    }
    let spoke = query_json(d.path(), "who-spoke-to", &[]);
    assert!(
        spoke.iter().any(
            |r| r["person"] == "Assel Aushakimova" && r["publication"] == "The Calvert Journal"
        ),
        "{spoke:?}"
    );
    // Direct quotations: each with its words, its speaker and its article.
    let quotes = query_json(d.path(), "quotes", &["person=Assel Aushakimova"]);
    assert!(quotes.len() >= 6, "{quotes:?}");
    assert!(quotes.iter().all(|r| r["person"] == "Assel Aushakimova"));
    assert!(
        quotes.iter().any(|r| r["quote"]
            .as_str()
            .is_some_and(|q| q.starts_with("Gathering a crew was a challenge."))
            && r["article"]
                .as_str()
                .is_some_and(|a| a.contains("Welcome to the USA"))
            && r["rule"] == "quote.speaker-after"),
        "{quotes:?}"
    );
    let films = query_json(d.path(), "films-by-country", &["country=Kazakhstan"]);
    assert!(
        films.iter().any(|r| r["film"] == "Welcome to the USA"),
        "{films:?}"
    );
    assert!(films.iter().all(|r| r["country"] == "Kazakhstan"));
    let events = query_json(d.path(), "events", &[]);
    assert!(
        events.iter().any(|r| r["kind"] == "Premiere"
            && r["who"] == "Welcome to the USA"
            && r["festival"] == "AFI Fest"
            && r["year"] == "2019"),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|r| r["kind"] == "AwardEvent" && r["outcome"] == "nominated"),
        "{events:?}"
    );
}

#[test]
fn query_output_formats() {
    let d = tmp();
    ingest_sample(d.path());
    let q = "premiere-chain";
    let csv = ok(kgx(d.path(), &["query", q, "--format", "csv"]));
    assert!(
        csv.starts_with("director,film,festival,year,place"),
        "{csv}"
    );
    let tsv = ok(kgx(d.path(), &["query", q, "--format", "tsv"]));
    assert!(tsv.starts_with("?director\t?film"), "{tsv}");
    let xml = ok(kgx(d.path(), &["query", q, "--format", "xml"]));
    assert!(
        xml.contains("<sparql") && xml.contains("Assel Aushakimova"),
        "{xml}"
    );
    let table = ok(kgx(d.path(), &["query", q]));
    assert!(
        table.contains("Assel Aushakimova") && table.contains("row"),
        "{table}"
    );
    let construct = "PREFIX kgx: <https://w3id.org/kgx/ontology#> CONSTRUCT { ?d kgx:directed ?f } WHERE { ?d kgx:directed ?f }";
    let ttl = ok(kgx(d.path(), &["query", construct, "--format", "ttl"]));
    assert!(ttl.contains("kgx:directed"), "{ttl}");
    let nt = ok(kgx(d.path(), &["query", construct, "--format", "nt"]));
    assert!(
        nt.contains("<https://w3id.org/kgx/ontology#directed>"),
        "{nt}"
    );
    // A .rq file path works too.
    let file = root().join("queries/premiere-chain.rq");
    assert!(ok(kgx(d.path(), &["query", file.to_str().unwrap()])).contains("Assel Aushakimova"));
}

#[test]
fn extract_formats_and_explain() {
    let d = tmp();
    let s = seed();
    let tsv = ok(kgx(d.path(), &["extract", s.to_str().unwrap()]));
    let line = tsv
        .lines()
        .find(|l| l.contains("\tdirected\t"))
        .expect("a directed line");
    let cols: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        &cols[..4],
        [
            "welcome-to-the-usa",
            "Assel Aushakimova",
            "directed",
            "Welcome to the USA"
        ]
    );
    assert!(
        tsv.lines()
            .any(|l| l.contains("\tAssel Aushakimova\ttype\tPerson\t")),
        "{tsv}"
    );
    let explain = ok(kgx(
        d.path(),
        &["extract", "--explain", s.to_str().unwrap()],
    ));
    assert!(
        explain
            .lines()
            .all(|l| l.starts_with('#') || l.split('\t').count() == 10),
        "{explain}"
    );
    let jsonl = ok(kgx(
        d.path(),
        &["extract", "--format", "jsonl", s.to_str().unwrap()],
    ));
    for l in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["evidence"][0]["rule"].is_string());
    }
    let nq = ok(kgx(
        d.path(),
        &["extract", "--format", "nq", s.to_str().unwrap()],
    ));
    assert!(nq
        .lines()
        .all(|l| l.ends_with(" <https://w3id.org/kgx/article/welcome-to-the-usa> .")));
    let ttl = ok(kgx(
        d.path(),
        &["extract", "--format", "ttl", s.to_str().unwrap()],
    ));
    assert!(ttl.contains("kgx:directed"));
}

#[test]
fn italic_titles_in_markdown_and_html_are_works() {
    let d = tmp();
    let md = d.path().join("harbour.md");
    std::fs::write(
        &md,
        "---\ntitle: A prize in Tallinn\ndate: 2024-11-30\n---\n\n*A standfirst set in italics.*\n\n\
         The jury gave its prize to *Quiet Harbour of Gulls* (*Kajakate vaikne sadam*), \
         an adaptation of the 1968 novel *Salt and Wind*.\n",
    )
    .unwrap();
    let html = d.path().join("harbour.html");
    std::fs::write(
        &html,
        "<html><head><title>A prize</title></head><body><article><h1>A prize</h1>\
         <p>The jury gave its prize to <em>Quiet Harbour of Gulls</em> on Sunday.</p>\
         </article></body></html>",
    )
    .unwrap();
    let tsv = ok(kgx(d.path(), &["extract", md.to_str().unwrap()]));
    assert!(
        tsv.contains("\tQuiet Harbour of Gulls\ttype\tFilm\tmarkup.emphasis\t"),
        "{tsv}"
    );
    assert!(
        tsv.contains("\tSalt and Wind\ttype\tCreativeWork\t"),
        "{tsv}"
    );
    assert!(!tsv.contains("Kajakate vaikne sadam\ttype"), "{tsv}");
    assert!(!tsv.contains("standfirst set in italics\ttype"), "{tsv}");
    let nq = ok(kgx(
        d.path(),
        &["extract", "--format", "nq", md.to_str().unwrap()],
    ));
    assert!(
        nq.lines()
            .any(|l| l.contains("#alias> \"Kajakate vaikne sadam\"")),
        "{nq}"
    );
    let tsv = ok(kgx(d.path(), &["extract", html.to_str().unwrap()]));
    assert!(
        tsv.contains("\tQuiet Harbour of Gulls\ttype\tFilm\t"),
        "{tsv}"
    );
}

#[test]
fn a_repeated_surname_lets_entity_rules_find_a_character() {
    let d = tmp();
    let f = d.path().join("late-harvest.txt");
    std::fs::write(
        &f,
        "Late Harvest\n\nLate Harvest, a drama by Ion Rotaru, stars Ana Ursu and Mihai Rusu. \
         Ursu is Vera, a widow who runs the vineyard alone.\n",
    )
    .unwrap();
    let tsv = ok(kgx(d.path(), &["extract", f.to_str().unwrap()]));
    assert!(tsv.contains("\tAna Ursu\tplayedCharacter\tVera\t"), "{tsv}");
    assert!(tsv.contains("\tVera\ttype\tCharacter\t"), "{tsv}");
}

#[test]
fn lookup_shows_the_card() {
    let d = tmp();
    ingest_sample(d.path());
    for name in [
        "aushakimova",
        "Aushakimov",
        "Аушакимова",
        "Assel Aushakimova",
    ] {
        let out = ok(kgx(d.path(), &["lookup", name]));
        assert!(
            out.starts_with("Assel Aushakimova  [Person]"),
            "{name}: {out}"
        );
        assert!(
            out.contains("directed") && out.contains("Welcome to the USA"),
            "{out}"
        );
        assert!(
            out.contains("debut feature, Welcome to the USA, treads uncertain grounds"),
            "{out}"
        );
    }
    let json = ok(kgx(d.path(), &["lookup", "--format", "json", "AFI Fest"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["cards"][0]["label"], "AFI Fest");
    let o = kgx(d.path(), &["lookup", "Zzyzx Qwrt"]);
    assert!(!o.status.success() && stderr(&o).contains("no entity matches"));
}

// ---------------------------------------------------------------- bad input

/// Runs a failing command and checks: non-zero exit, one clear line naming `needle`, store untouched.
fn fails_cleanly(dir: &Path, args: &[&str], needle: &str) {
    let before = quads(dir);
    let o = kgx(dir, args);
    assert!(!o.status.success(), "{args:?} should fail");
    let err = stderr(&o);
    assert!(
        err.contains(needle),
        "{args:?}: expected `{needle}` in: {err}"
    );
    assert!(
        err.lines().filter(|l| l.starts_with("error:")).count() == 1,
        "{err}"
    );
    assert_eq!(quads(dir), before, "{args:?} changed the store");
}

#[test]
fn bad_inputs_fail_cleanly_and_leave_the_store() {
    let d = tmp();
    let p = d.path();
    ingest_sample(p);
    let w = |name: &str, bytes: &[u8]| {
        let f = p.join(name);
        std::fs::write(&f, bytes).unwrap();
        f.to_string_lossy().into_owned()
    };
    let missing = p.join("nope.txt").to_string_lossy().into_owned();
    fails_cleanly(
        p,
        &["ingest", &missing],
        "nope.txt: no such file or directory",
    );
    let empty = w("empty.txt", b"  \n");
    fails_cleanly(p, &["ingest", &empty], "empty.txt: empty file");
    let binary = w("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    fails_cleanly(p, &["ingest", &binary], "image.txt: not a text file");
    let latin1 = w("latin1.txt", b"Title\n\nCaf\xe9 society in Almaty.\n");
    fails_cleanly(
        p,
        &["ingest", &latin1],
        "latin1.txt: not a text file (binary or not UTF-8 at byte 10)",
    );
    let fm = w(
        "bad.md",
        b"---\ntitle: A film\ndate: sometime\n---\nBody.\n",
    );
    fails_cleanly(
        p,
        &["ingest", &fm],
        "bad.md:3: front matter: cannot read the date `sometime`",
    );
    let jl = w(
        "bad.jsonl",
        b"{\"id\":\"a\",\"title\":\"T\",\"text\":\"Fine.\"}\n{\"id\":\"b\",\"text\":\n",
    );
    fails_cleanly(p, &["ingest", &jl], "bad.jsonl:2: malformed JSON");
    // A bad line far into a long file, after many chunks' worth of good articles: input is
    // checked before anything is written, so nothing of the good lines lands either.
    let mut late = Vec::new();
    for i in 0..40 {
        late.extend(
            format!("{{\"id\":\"a{i}\",\"title\":\"Film {i}\",\"text\":\"Kazakh director Assel Aushakimova made Film {i}.\"}}\n")
                .as_bytes(),
        );
    }
    late.extend(b"{\"id\":\"z\",\"text\":\"a\x00b\"}\n");
    let late = w("late.jsonl", &late);
    fails_cleanly(
        p,
        &["ingest", "--chunk", "4", &late],
        "late.jsonl: not a text file",
    );
    fails_cleanly(
        p,
        &["query", "SELECT ?x WHERE { ?x ?y }"],
        "invalid SPARQL query",
    );
    let o = kgx(p, &["query", "SELECT ?x WHERE { ?x ?y }"]);
    assert!(
        stderr(&o).contains("1:"),
        "the position is given: {}",
        stderr(&o)
    );
}

#[test]
fn a_directory_skips_unreadable_files_with_a_warning() {
    let d = tmp();
    let corpus = d.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(seed(), corpus.join("seed.txt")).unwrap();
    std::fs::write(corpus.join("photo.jpg"), b"\xff\xd8\xff\xe0\x00\x10JFIF").unwrap();
    std::fs::write(corpus.join("empty.md"), b"").unwrap();
    // A gold file beside its article is not an article.
    std::fs::copy(
        root().join("tests/gold/welcome-to-the-usa.gold.tsv"),
        corpus.join("seed.gold.tsv"),
    )
    .unwrap();
    let o = kgx(d.path(), &["ingest", corpus.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: skipped") && err.contains("photo.jpg: not a text file"),
        "{err}"
    );
    assert!(err.contains("empty.md: empty file"), "{err}");
    assert!(stdout(&o).contains("ingested 1 article"), "{}", stdout(&o));
}

#[test]
fn malformed_rule_file_names_file_line_and_rule() {
    let d = tmp();
    // A copy of the resources with one broken rule.
    let res = d.path().join("res");
    for sub in ["ontologies", "data/gazetteers", "data/rules", "queries"] {
        std::fs::create_dir_all(res.join(sub)).unwrap();
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), res.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    std::fs::write(
        res.join("data/rules/zz-broken.toml"),
        "[[rule]]\nid = \"broken.one\"\npattern = \"{Person:p} loves {Film:f}\"\nconfidence = 0.5\nfacts = [{ s = \"p\", p = \"loves\", o = \"f\" }]\n[[rule.example]]\ntext = \"x\"\nfacts = [\"a | loves | b\"]\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kgx"))
        .args([
            "--resources",
            res.to_str().unwrap(),
            "extract",
            seed().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(
            "zz-broken.toml:2: rule `broken.one`: property `loves` is not in the ontology"
        ),
        "{err}"
    );
}

#[test]
fn a_locked_store_is_reported_and_untouched() {
    let d = tmp();
    ingest_sample(d.path());
    let before = quads(d.path());
    // Another process holds the store: this test process opens it read-write.
    let held = kgx::kb::store::Kb::open(&d.path().join("store")).unwrap();
    let o = kgx(d.path(), &["ingest", seed().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is in use by another kgx process"),
        "{}",
        stderr(&o)
    );
    assert_eq!(held.source_len().unwrap() as u64, before);
    drop(held);
    assert_eq!(quads(d.path()), before);
}

/// A generated corpus streams through parallel ingest: counts add up, the same seed gives the
/// same bytes, a second ingest replaces every article and leaves the store as it was, and a
/// one-thread ingest of the same corpus gives exactly the same quads as the all-cores one.
#[test]
fn generated_corpus_streams_through_parallel_ingest() {
    let d = tmp();
    let p = d.path();
    let corpus = p.join("gen.jsonl");
    let c = corpus.to_str().unwrap();
    ok(kgx(p, &["generate", "-n", "40", "--seed", "3", "--out", c]));
    let again = p.join("again.jsonl");
    ok(kgx(
        p,
        &[
            "generate",
            "-n",
            "40",
            "--seed",
            "3",
            "--out",
            again.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        std::fs::read(&corpus).unwrap(),
        std::fs::read(&again).unwrap()
    );

    let summary = |o: String| -> serde_json::Value { serde_json::from_str(&o).unwrap() };
    let s = summary(ok(kgx(p, &["ingest", "--json", "--chunk", "7", c])));
    assert_eq!(s["articles"], 40);
    assert_eq!(s["replaced"], 0);
    assert!(s["quads"].as_u64().unwrap() > 40 * 50, "{s}");
    let after_first = quads(p);
    let stats: serde_json::Value = serde_json::from_str(&ok(kgx(p, &["stats", "--json"]))).unwrap();
    assert_eq!(stats["articles"], 40);

    let s = summary(ok(kgx(p, &["ingest", "--json", c])));
    assert_eq!(s["replaced"], 40);
    assert_eq!(quads(p), after_first);

    // One thread, chunks of one: the same store contents.
    let one = p.join("one");
    std::fs::create_dir(&one).unwrap();
    ok(kgx(
        &one,
        &["ingest", "-q", "--threads", "1", "--chunk", "1", c],
    ));
    // The article graphs (the ontology graph's blank nodes are relabelled on every load).
    let dump = |dir: &Path| {
        let mut lines: Vec<String> = ok(kgx(dir, &["export", "--format", "nq"]))
            .lines()
            .filter(|l| !l.ends_with("<https://w3id.org/kgx/graph/ontology> ."))
            .map(String::from)
            .collect();
        lines.sort();
        lines
    };
    let (all_cores, one_thread) = (dump(p), dump(&one));
    assert!(all_cores.len() > 40 * 50);
    let one_set: std::collections::HashSet<&String> = one_thread.iter().collect();
    let differ: Vec<_> = all_cores
        .iter()
        .filter(|l| !one_set.contains(l))
        .take(3)
        .collect();
    assert!(
        all_cores.len() == one_thread.len() && differ.is_empty(),
        "{} vs {} quads; e.g. {differ:?}",
        all_cores.len(),
        one_thread.len()
    );
}

/// The benchmark's in-process measurements run and report sane figures.
#[test]
fn bench_measurements_run() {
    let d = tmp();
    let p = d.path();
    let corpus = p.join("gen.jsonl");
    let c = corpus.to_str().unwrap();
    ok(kgx(p, &["generate", "-n", "5", "--out", c]));
    let x: serde_json::Value =
        serde_json::from_str(&ok(kgx(p, &["bench", "extract", c, "--threads", "1"]))).unwrap();
    assert_eq!(x["articles"], 5);
    assert!(x["quads"].as_u64().unwrap() > 0 && x["seconds"].as_f64().unwrap() > 0.0);
    let s: serde_json::Value = serde_json::from_str(&ok(kgx(p, &["bench", "scan", c]))).unwrap();
    assert!(s["matches"].as_u64().unwrap() > 5);
    // Every pattern rule is built and measured; the costliest come first.
    let r: serde_json::Value =
        serde_json::from_str(&ok(kgx(p, &["bench", "rules", "--top", "3"]))).unwrap();
    assert!(r["rules"].as_u64().unwrap() > 100);
    let top = r["top"].as_array().unwrap();
    assert_eq!(top.len(), 3);
    let cost =
        |i: usize| top[i]["bytes"].as_u64().unwrap() + top[i]["cache_bytes"].as_u64().unwrap();
    assert!(cost(0) >= cost(1) && cost(1) >= cost(2) && cost(2) > 0);
    assert!(r["bytes"].as_u64().unwrap() >= cost(0));
    ok(kgx(p, &["ingest", "-q", seed().to_str().unwrap()]));
    let q: serde_json::Value =
        serde_json::from_str(&ok(kgx(p, &["bench", "queries", "--runs", "2"]))).unwrap();
    let q = q.as_array().unwrap();
    assert_eq!(
        q.len(),
        std::fs::read_dir(root().join("queries")).unwrap().count()
    );
    assert!(q
        .iter()
        .any(|r| r["query"] == "premiere-chain" && r["rows"] == 1));
}

/// Identity across articles: one director under two spellings is one node with both names;
/// two films with the same title and different years are two nodes; the decisions are listed
/// with their reasons, a merge can be split, and later ingests keep the split.
#[test]
fn identity_merges_variants_and_keeps_same_titles_apart() {
    let d = tmp();
    let p = d.path();
    let a = p.join("a.txt");
    std::fs::write(
        &a,
        "Ruslan Aliyev returns with a new drama\n\n12 March 2021\n\n\
         Azerbaijani director Ruslan Aliyev has finished shooting his second feature in Baku.\n\n\
         Beginning (2020), the debut feature by Georgian director Dea Kulumbegashvili, premiered \
         at the Toronto International Film Festival.\n",
    )
    .unwrap();
    let b = p.join("b.txt");
    std::fs::write(
        &b,
        "Baku retrospective honours Soviet classics\n\n3 May 2022\n\n\
         The festival opens with Beginning (1970), directed by Gleb Panfilov. Azerbaijani \
         director Ruslan Aliev will introduce the screening.\n",
    )
    .unwrap();
    ok(kgx(
        p,
        &["ingest", "-q", a.to_str().unwrap(), b.to_str().unwrap()],
    ));
    let people = |p: &Path| {
        let rows = query_json(
            p,
            "SELECT DISTINCT ?x WHERE { ?x a <https://w3id.org/kgx/ontology#Person> ; \
             <http://www.w3.org/2000/01/rdf-schema#label>|<https://w3id.org/kgx/ontology#alias> ?n \
             FILTER(CONTAINS(?n, 'Ali')) }",
            &[],
        );
        rows.len()
    };
    assert_eq!(people(p), 1, "Aliyev and Aliev are one node");
    let names = query_json(
        p,
        "SELECT ?n WHERE { <https://w3id.org/kgx/id/person/ruslan-aliyev> \
         <http://www.w3.org/2000/01/rdf-schema#label>|<https://w3id.org/kgx/ontology#alias> ?n }",
        &[],
    );
    let names: Vec<&str> = names.iter().filter_map(|r| r["n"].as_str()).collect();
    assert!(
        names.contains(&"Ruslan Aliyev") && names.contains(&"Ruslan Aliev"),
        "{names:?}"
    );
    let films = query_json(
        p,
        "SELECT DISTINCT ?f ?y WHERE { ?f a <https://w3id.org/kgx/ontology#Film> ; \
         <https://w3id.org/kgx/ontology#year> ?y }",
        &[],
    );
    assert_eq!(films.len(), 2, "two films called Beginning: {films:?}");

    let list = ok(kgx(p, &["identity", "list"]));
    assert!(
        list.contains("merged\tRuslan Aliev") && list.contains("spelling variant"),
        "{list}"
    );
    assert!(
        list.contains("kept apart\tBeginning") && list.contains("this article gives year 1970"),
        "{list}"
    );

    let split = ok(kgx(p, &["identity", "split", "Ruslan Aliev"]));
    assert!(split.contains("split: in b"), "{split}");
    assert_eq!(people(p), 2, "split gives Aliev his own node back");
    ok(kgx(
        p,
        &["ingest", "-q", a.to_str().unwrap(), b.to_str().unwrap()],
    ));
    assert_eq!(people(p), 2, "a later ingest keeps the split");
    assert!(ok(kgx(p, &["identity", "list"])).contains("a user split the two"));
    let o = kgx(p, &["identity", "split", "Nobody"]);
    assert!(!o.status.success() && stderr(&o).contains("no merge of `Nobody`"));
}
