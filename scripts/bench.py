#!/usr/bin/env python3
"""kgx benchmark: throughput, memory and latency against a peer and a ceiling, in one run.

Measures, on this machine, and writes a Markdown report (default docs/performance.md) plus the
raw figures as JSON beside it:

* extraction alone (entities + relations + provenance quads): articles/s and MB/s, on one thread
  and on all cores, on a generated corpus and on the development corpus (`kgx bench extract`);
* the text-pass ceiling: one plain regex over the same texts (`kgx bench scan`);
* the peer, on the same texts in the same run: spaCy 3.8, blank English pipeline with an
  EntityRuler built from kgx's own gazetteers (labels, aliases, demonyms; kgx's stoplist of
  gazetteer names that are ordinary words applied), one process, entity recognition only; and
  its entity F1 on the test split, scored the way `kgx eval` scores kgx. spaCy's statistical
  small English model is tried too (it is distributed outside PyPI; when it cannot be installed
  the report says so);
* ingest of generated corpora (default 1k, 10k and 100k articles): wall time, peak RSS, store
  size on disk, and the writer's share of the time (`kgx ingest --json`);
* the store-side ceiling: oxigraph's own bulk loader (pyoxigraph, the same RocksDB engine)
  loading the N-Quads kgx produced for the largest store of at most 10k articles;
* query latency p50/p95 of every query in queries/ on the 10k store (`kgx bench queries`).

Every child process is measured with wait4(2): wall time and its own peak RSS.

    python3 scripts/bench.py                      # full run: builds release, 1k/10k/100k
    python3 scripts/bench.py --sizes 1000,10000   # a shorter run
    python3 scripts/bench.py --quick              # CI: tiny sizes, debug build, proves it works

This is a benchmark, not a test: it asserts nothing about speed. With --quick it checks that
every stage ran and produced sane output.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, env=None, capture=True):
    """Runs cmd; returns (stdout, wall seconds). Fails loudly."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else None,
                         stderr=subprocess.PIPE if capture else None, env=env, text=True)
    out, err = p.communicate()
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err}")
    return out, wall


def run_measured(cmd, env=None):
    """Runs cmd with its own wait4: (stdout text, wall seconds, peak RSS MB)."""
    import tempfile
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err.read()}")
        return out.read(), wall, usage.ru_maxrss / 1024.0


def du(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(d, f))
            except OSError:
                pass
    return total


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "os": f"{platform.system()} {platform.release()}", "commit": commit,
            "date": datetime.date.today().isoformat(), "python": platform.python_version()}


# ---------------------------------------------------------------- the peer: spaCy EntityRuler

GAZ_TYPES = {"Country": "Place", "City": "Place", "Region": "Place", "Festival": "Festival",
             "Award": "Award", "Organization": "Organization", "Publication": "Publication",
             "Film": "Film"}


def fold(s):
    """The same folding as kgx's gazetteer::fold (case, diacritics, punctuation, leading 'the')."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    words = [w for w in re.split(r"[^0-9a-z]+", s) if w]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def gazetteer_patterns():
    gdir = os.path.join(ROOT, "data", "gazetteers")
    stop = set()
    with open(os.path.join(gdir, "not-names.txt"), encoding="utf-8") as f:
        stop = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    patterns, countries = [], set()
    for name in sorted(os.listdir(gdir)):
        if not name.endswith(".tsv") or name == "demonyms.tsv":
            continue
        with open(os.path.join(gdir, name), encoding="utf-8") as f:
            header = f.readline()
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 3 or cols[1] not in GAZ_TYPES:
                    continue
                label, ty = cols[0], GAZ_TYPES[cols[1]]
                if cols[1] == "Country":
                    countries.add(label)
                for n in [label] + [a for a in cols[2].split("|") if a]:
                    if n not in stop:
                        patterns.append({"label": ty, "pattern": n, "id": label})
    with open(os.path.join(gdir, "demonyms.tsv"), encoding="utf-8") as f:
        f.readline()
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 2 and cols[1] in countries and cols[0] not in stop:
                patterns.append({"label": "Place", "pattern": cols[0], "id": cols[1]})
    return patterns


def read_texts(path):
    """The article texts of a JSONL file or a directory of .txt files (title + body)."""
    texts = []
    if path.endswith(".jsonl"):
        with open(path, encoding="utf-8") as f:
            for line in f:
                a = json.loads(line)
                texts.append((a.get("id", ""), (a.get("title", "") + "\n\n" + a["text"])))
    else:
        for name in sorted(os.listdir(path)):
            if name.endswith(".txt"):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    texts.append((name[:-4], f.read()))
    return texts


def read_gold(path):
    ents = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[0] == "E":
                ents.append(({fold(n) for n in cols[1].split("|")}, cols[2]))
    return ents


def spacy_peer(args):
    """Runs in its own process (`bench.py --spacy-peer ...`): prints JSON figures."""
    import spacy
    t = time.perf_counter()
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    patterns = gazetteer_patterns()
    ruler.add_patterns(patterns)
    build = time.perf_counter() - t
    out = {"spacy": spacy.__version__, "patterns": len(patterns), "build_seconds": build}
    for label, path in args.spacy_peer:
        texts = [t for _, t in read_texts(path)]
        best = None
        for _ in range(args.repeat):
            t = time.perf_counter()
            n_ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
            best = min(best or 1e9, time.perf_counter() - t)
        size = sum(len(x.encode("utf-8")) for x in texts)
        out[label] = {"articles": len(texts), "text_bytes": size, "seconds": best,
                      "entities": n_ents, "articles_per_s": len(texts) / best,
                      "mb_per_s": size / 1e6 / best}
    if args.gold_dir:
        tp = fp = fn = 0
        for doc_id, text in read_texts(args.gold_dir):
            gold_path = os.path.join(args.gold_dir, doc_id + ".gold.tsv")
            if not os.path.exists(gold_path):
                continue
            gold = read_gold(gold_path)
            doc = nlp(text)
            # Predicted entities, deduplicated as kgx's are (one per canonical entity); the
            # article entity counts for both systems, as `kgx eval` does.
            pred = {("article", "Article"): {"article"}}
            for e in doc.ents:
                key = (e.ent_id_ or e.text, e.label_)
                pred.setdefault(key, set()).update({fold(e.text), fold(e.ent_id_ or e.text)})
            preds = [(names, ty) for (_, ty), names in pred.items()]
            used = [False] * len(preds)
            for names, ty in gold:
                hit = next((i for i, (pn, pty) in enumerate(preds)
                            if not used[i] and pty == ty and pn & names), None)
                if hit is None:
                    fn += 1
                else:
                    used[hit] = True
                    tp += 1
            fp += used.count(False)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out["test_entities"] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r,
                                "f1": 2 * p * r / (p + r) if p + r else 0.0}
    print(json.dumps(out))


def spacy_small_model():
    """The statistical small English model, if it can be installed from PyPI."""
    try:
        import spacy  # noqa: F401
        import en_core_web_sm  # noqa: F401
        return "installed"
    except ImportError:
        pass
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "en_core_web_sm"],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return "installed"
    last = (r.stderr.strip().splitlines() or ["pip failed"])[-1]
    return f"not installable from PyPI ({last})"


def spacy_small_peer(path, repeat):
    code = ("import json,sys,time,spacy\n"
            "sys.path.insert(0, %r)\n"
            "from bench import read_texts\n"
            "nlp = spacy.load('en_core_web_sm', exclude=['lemmatizer'])\n"
            "texts = [t for _, t in read_texts(%r)]\n"
            "best = None\n"
            "for _ in range(%d):\n"
            "    t = time.perf_counter()\n"
            "    n = sum(len(d.ents) for d in nlp.pipe(texts, batch_size=64))\n"
            "    best = min(best or 1e9, time.perf_counter() - t)\n"
            "size = sum(len(x.encode()) for x in texts)\n"
            "print(json.dumps({'articles': len(texts), 'seconds': best, 'entities': n,\n"
            "  'articles_per_s': len(texts)/best, 'mb_per_s': size/1e6/best}))\n"
            % (os.path.join(ROOT, "scripts"), path, repeat))
    out, _, rss = run_measured([sys.executable, "-c", code])
    d = json.loads(out)
    d["peak_rss_mb"] = rss
    return d


# ---------------------------------------------------------------- the run

def prf(score):
    """P/R/F1 from `kgx eval --json` counts."""
    tp, fp, fn = score["tp"], score["fp"], score["fn_"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return dict(score, precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000",
                    help="generated corpus sizes to ingest (comma-separated)")
    ap.add_argument("--quick", action="store_true",
                    help="CI mode: sizes 20,60, debug build, few repeats")
    ap.add_argument("--kgx", help="kgx binary (default: build and use target/release/kgx)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"),
                    help="scratch directory for corpora and stores")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"),
                    help="the Markdown report (JSON written beside it)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spacy-peer", nargs=2, action="append", metavar=("LABEL", "PATH"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--gold-dir", help=argparse.SUPPRESS)
    ap.add_argument("--report-from", metavar="JSON",
                    help="only write the report from a run's JSON (e.g. the .partial.json of a run "
                         "that stopped)")
    args = ap.parse_args()
    if args.spacy_peer:
        return spacy_peer(args)
    if args.report_from:
        with open(args.report_from) as f:
            write_report(json.load(f), args.out)
        return log(f"report: {args.out}")

    if args.quick:
        args.sizes = "20,60"
        args.repeat = 1
        if args.out == os.path.join(ROOT, "docs", "performance.md"):
            args.out = os.path.join(args.work, "performance.md")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    kgx = args.kgx
    if not kgx:
        profile = "debug" if args.quick else "release"
        log(f"building kgx ({profile})")
        run(["cargo", "build"] + ([] if args.quick else ["--release"]), capture=False)
        target = json.loads(run(["cargo", "metadata", "--format-version", "1", "--no-deps"])[0])
        kgx = os.path.join(target["target_directory"], profile, "kgx")
    env = dict(os.environ, KGX_RESOURCES=ROOT)
    os.makedirs(args.work, exist_ok=True)
    res = {"machine": machine(), "kgx": kgx, "sizes": sizes, "seed": args.seed}

    partial = os.path.splitext(args.out)[0] + ".partial.json"

    def checkpoint():
        """Keeps what is measured so far: a later stage that fails loses nothing."""
        os.makedirs(os.path.dirname(partial) or ".", exist_ok=True)
        with open(partial, "w") as f:
            json.dump(res, f, indent=1)

    def kgx_json(*a, store=None):
        cmd = [kgx] + (["--store", store] if store else []) + list(a)
        out, wall, rss = run_measured(cmd, env)
        return json.loads(out), wall, rss

    # Corpora.
    corpora = {}
    for n in sorted(set(sizes + [min(sizes)])):
        path = os.path.join(args.work, f"gen-{n}-s{args.seed}.jsonl")
        if not os.path.exists(path):
            log(f"generating {n} articles")
            run([kgx, "generate", "-n", str(n), "--seed", str(args.seed), "--out", path], env)
        corpora[n] = path
    small = corpora[min(sizes)]
    dev = os.path.join(ROOT, "tests", "corpus", "dev")
    test = os.path.join(ROOT, "tests", "corpus", "test")
    res["corpus_mb"] = {n: os.path.getsize(p) / 1e6 for n, p in corpora.items()}

    # Extraction alone, the scan ceiling.
    log("extraction alone")
    res["extract"] = {}
    for label, path in [("generated", small), ("dev", dev)]:
        for threads in (1, 0):
            d, _, rss = kgx_json("bench", "extract", path, "--threads", str(threads),
                                 "--repeat", str(args.repeat))
            d["peak_rss_mb"] = rss
            res["extract"][f"{label}-{'1' if threads == 1 else 'all'}"] = d
        res["extract"][f"{label}-scan"] = kgx_json("bench", "scan", path, "--repeat",
                                                   str(args.repeat))[0]

    checkpoint()
    # Entity F1 of kgx on the test split.
    ev, _, _ = kgx_json("eval", "--gold", test, test, "--json")
    res["kgx_test_entities"] = prf(ev["entities"])
    res["kgx_test_relations"] = prf(ev["relations"])

    # The peers.
    log("spaCy EntityRuler peer")
    try:
        import spacy  # noqa: F401
        out, _, rss = run_measured([sys.executable, os.path.abspath(__file__), "--repeat",
                                    str(args.repeat), "--spacy-peer", "generated", small,
                                    "--spacy-peer", "dev", dev, "--gold-dir", test])
        res["spacy_ruler"] = json.loads(out)
        res["spacy_ruler"]["peak_rss_mb"] = rss
    except ImportError:
        res["spacy_ruler"] = {"error": "spaCy is not installed (pip install 'spacy>=3.8,<3.9')"}
    status = spacy_small_model()
    res["spacy_small"] = {"status": status}
    if status == "installed":
        res["spacy_small"].update(spacy_small_peer(small, args.repeat))

    checkpoint()
    # Ingest, up to the 10k store first: the ceiling and the query latencies are measured on it
    # before the long 100k ingest, so they survive whatever happens later.
    res["ingest"] = {}
    ceiling_n = max([n for n in sizes if n <= 10000] or [min(sizes)])

    def ingest(n):
        store = os.path.join(args.work, f"store-{n}")
        shutil.rmtree(store, ignore_errors=True)
        log(f"ingesting {n} articles")
        d, wall, rss = kgx_json("ingest", "--json", corpora[n], store=store)
        d.update({"wall_seconds": wall, "peak_rss_mb": rss, "store_mb": du(store) / 1e6})
        res["ingest"][n] = d
        checkpoint()

    for n in sizes:
        if n <= ceiling_n:
            ingest(n)

    # The store-side ceiling: oxigraph's bulk loader on the quads kgx wrote.
    store = os.path.join(args.work, f"store-{ceiling_n}")
    nq = os.path.join(args.work, f"store-{ceiling_n}.nq")
    run([kgx, "--store", store, "export", "--format", "nq", "-o", nq], env)
    # kgx's loader writes each quad and its copy in the union graph (the deduplicated default
    # graph): the ceiling loads the same, the export (which leaves the derived graph out) plus
    # the copies.
    with open(nq, encoding="utf-8") as src, open(nq + ".union", "w", encoding="utf-8") as dst:
        for line in src:
            head, sep, _ = line.rstrip().rpartition(" <")
            if sep:
                dst.write(f"{head} <https://w3id.org/kgx/graph/union> .\n")
    raw = os.path.join(args.work, f"raw-{ceiling_n}")
    shutil.rmtree(raw, ignore_errors=True)
    code = ("import time,pyoxigraph as ox\n"
            "s = ox.Store(%r)\n"
            "t = time.perf_counter()\n"
            "s.bulk_load(path=%r, format=ox.RdfFormat.N_QUADS)\n"
            "s.bulk_load(path=%r, format=ox.RdfFormat.N_QUADS)\n"
            "s.flush()\n"
            "print(time.perf_counter() - t, len(s))\n" % (raw, nq, nq + ".union"))
    try:
        out, wall, rss = run_measured([sys.executable, "-c", code])
        secs, quads = out.split()
        res["ceiling"] = {"articles": ceiling_n, "seconds": float(secs), "quads": int(quads),
                          "wall_seconds": wall, "peak_rss_mb": rss, "store_mb": du(raw) / 1e6,
                          "nquads_mb": os.path.getsize(nq) / 1e6}
    except SystemExit as e:
        res["ceiling"] = {"error": str(e).splitlines()[0]}
    shutil.rmtree(raw, ignore_errors=True)

    checkpoint()
    # Query latency on the 10k store (or the largest ≤ 10k).
    log(f"query latency on the {ceiling_n}-article store")
    q, _, _ = kgx_json("bench", "queries", "--runs", "1" if args.quick else "30",
                       "--timeout", "20" if args.quick else "30", store=store)
    res["queries"] = {"articles": ceiling_n, "results": q}
    checkpoint()

    for n in sizes:
        if n > ceiling_n:
            ingest(n)

    write_report(res, args.out)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(res, f, indent=1)
    log(f"report: {args.out}")
    if args.quick:
        sanity(res)


def sanity(res):
    """--quick: every stage ran and gave sane figures (not a speed check)."""
    for k, d in res["extract"].items():
        assert d["articles"] > 0 and d["seconds"] > 0, k
        assert k.endswith("scan") or d["quads"] > 0, k
    for n, d in res["ingest"].items():
        assert d["articles"] == n and d["quads"] > 0 and d["store_mb"] > 0, (n, d)
    assert "seconds" in res["ceiling"], res["ceiling"]
    assert res["queries"]["results"] and all(q["runs"] > 0 for q in res["queries"]["results"])
    assert "generated" in res["spacy_ruler"], res["spacy_ruler"]
    assert 0 < res["spacy_ruler"]["test_entities"]["f1"] <= 1
    log("bench --quick: every stage ran")


def fmt(x, digits=1):
    return f"{x:,.{digits}f}"


def write_report(r, path):
    m = r["machine"]
    ex = r["extract"]
    sr = r.get("spacy_ruler", {})
    lines = [
        "# kgx performance report",
        "",
        f"Written by `scripts/bench.py` on {m['date']} (commit {m['commit']}). "
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}. "
        f"kgx binary: `{os.path.relpath(r['kgx'], ROOT) if r['kgx'].startswith(ROOT) else r['kgx']}`.",
        "",
        "Reproduce: `python3 scripts/bench.py` (builds the release binary, generates the corpora "
        f"with seed {r['seed']}, runs everything below; about 50 minutes with the 100k ingest).",
        "",
        "## Extraction alone",
        "",
        "Entities, relations, provenance and the RDF quads, input read before the clock starts; "
        "best of the repeats. *Per core* is the one-thread run.",
        "",
        "| corpus | articles | MB | 1 thread: articles/s | MB/s | all cores: articles/s | MB/s | quads |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label in ("generated", "dev"):
        one, all_ = ex[f"{label}-1"], ex[f"{label}-all"]
        lines.append(f"| {label} | {one['articles']:,} | {one['text_bytes'] / 1e6:.2f} | "
                     f"{fmt(one['articles_per_s'])} | {fmt(one['mb_per_s'], 2)} | "
                     f"{fmt(all_['articles_per_s'])} | {fmt(all_['mb_per_s'], 2)} | {one['quads']:,} |")
    lines += ["", "## Peers and ceilings on the same texts (one core each)", "",
              "| system | generated: articles/s | MB/s | dev: articles/s | MB/s | test-split entity F1 |",
              "|---|---:|---:|---:|---:|---:|"]
    kt = r["kgx_test_entities"]
    lines.append(f"| kgx, full extraction | {fmt(ex['generated-1']['articles_per_s'])} | "
                 f"{fmt(ex['generated-1']['mb_per_s'], 2)} | {fmt(ex['dev-1']['articles_per_s'])} | "
                 f"{fmt(ex['dev-1']['mb_per_s'], 2)} | {kt['f1']:.3f} (P {kt['precision']:.3f}, R {kt['recall']:.3f}) |")
    if "generated" in sr:
        st = sr["test_entities"]
        lines.append(f"| spaCy {sr['spacy']} EntityRuler ({sr['patterns']:,} gazetteer patterns), entities only | "
                     f"{fmt(sr['generated']['articles_per_s'])} | {fmt(sr['generated']['mb_per_s'], 2)} | "
                     f"{fmt(sr['dev']['articles_per_s'])} | {fmt(sr['dev']['mb_per_s'], 2)} | "
                     f"{st['f1']:.3f} (P {st['precision']:.3f}, R {st['recall']:.3f}) |")
    else:
        lines.append(f"| spaCy EntityRuler | {sr.get('error', 'not run')} | | | | |")
    small = r.get("spacy_small", {})
    if "articles_per_s" in small:
        lines.append(f"| spaCy en_core_web_sm, entities only | {fmt(small['articles_per_s'])} | "
                     f"{fmt(small['mb_per_s'], 2)} | | | |")
    else:
        lines.append(f"| spaCy en_core_web_sm | {small.get('status', 'not run')} | | | | |")
    lines.append(f"| ceiling: one regex scan (`{ex['generated-scan']['pattern']}`) | "
                 f"{fmt(ex['generated-scan']['articles_per_s'])} | {fmt(ex['generated-scan']['mb_per_s'], 2)} | "
                 f"{fmt(ex['dev-scan']['articles_per_s'])} | {fmt(ex['dev-scan']['mb_per_s'], 2)} | |")
    if "generated" in sr:
        ratio = ex["generated-1"]["articles_per_s"] / sr["generated"]["articles_per_s"]
        ratio_dev = ex["dev-1"]["articles_per_s"] / sr["dev"]["articles_per_s"]
        lines += ["", f"kgx / spaCy EntityRuler, per core: **{ratio:.2f}×** on the generated corpus, "
                  f"**{ratio_dev:.2f}×** on the dev corpus (kgx doing entities, relations and provenance; "
                  "spaCy entities alone)."]
    lines += ["", "## Ingest", "",
              "`kgx ingest --json` into a fresh store, all cores. *Store time* is the writer's busy "
              "time (bulk loading, commit), outside the wait for extraction.", "",
              "| articles | MB of text | wall s | articles/s | peak RSS MB | store on disk MB | quads | store time s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, d in sorted(r["ingest"].items(), key=lambda kv: int(kv[0])):
        lines.append(f"| {int(n):,} | {d['text_bytes'] / 1e6:.1f} | {d['wall_seconds']:.1f} | "
                     f"{d['articles'] / d['wall_seconds']:.0f} | {d['peak_rss_mb']:.0f} | "
                     f"{d['store_mb']:.0f} | {d['quads']:,} | {d['store_seconds']:.1f} |")
    c = r.get("ceiling", {})
    if "seconds" in c:
        kd = r["ingest"][c["articles"]] if c["articles"] in r["ingest"] else r["ingest"][str(c["articles"])]
        lines += ["", f"Store-side ceiling: pyoxigraph's bulk loader (oxigraph's own, same RocksDB) loads the "
                  f"{c['quads']:,} quads kgx wrote for {c['articles']:,} articles ({c['nquads_mb']:.0f} MB of "
                  f"N-Quads) in **{c['seconds']:.1f} s** (peak RSS {c['peak_rss_mb']:.0f} MB, "
                  f"{c['store_mb']:.0f} MB on disk); kgx's store time for the same articles is "
                  f"{kd['store_seconds']:.1f} s: **{kd['store_seconds'] / c['seconds']:.2f}×** the ceiling."]
    else:
        lines += ["", f"Store-side ceiling: {c.get('error', 'not run')}"]
    q = r.get("queries", {"articles": 0, "results": []})
    lines += ["", f"## Query latency ({q['articles']:,}-article store)", "",
              "In process (`kgx bench queries`), after one warm-up run, each run evaluated to the "
              "last row; a run is cancelled at the timeout.", "",
              "| query | rows | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for x in q["results"]:
        if x.get("timed_out"):
            lines.append(f"| {x['query']} | – | timed out | timed out |")
        else:
            lines.append(f"| {x['query']} | {x['rows']:,} | {x['p50_ms']:.1f} | {x['p95_ms']:.1f} |")
    if r.get("note"):
        lines[6:6] = [f"Note: {r['note']}.", ""]
    head, body = lines[:6 + (2 if r.get("note") else 0)], lines[6 + (2 if r.get("note") else 0):]
    lines = head + targets(r) + body
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def targets(r):
    """The issue's targets, each against what this run measured."""
    def row(what, target, measured, met):
        mark = "n/a" if met is None else ("met" if met else "**not met**")
        return f"| {what} | {target} | {measured} | {mark} |"
    out = ["## Targets", "", "| target | wanted | measured | |", "|---|---|---|---|"]
    ex, sr = r["extract"], r.get("spacy_ruler", {})
    if "generated" in sr:
        ratio = ex["generated-1"]["articles_per_s"] / sr["generated"]["articles_per_s"]
        kf, sf = r["kgx_test_entities"]["f1"], sr["test_entities"]["f1"]
        out.append(row("extraction per core vs spaCy EntityRuler (entities only)", "≥ 10×, entity F1 ≥ spaCy's",
                       f"{ratio:.2f}× on the generated corpus; F1 {kf:.3f} vs {sf:.3f}",
                       ratio >= 10 and kf >= sf))
    ing = {int(k): v for k, v in r.get("ingest", {}).items()}
    gib = 1024 ** 3 / 1e6
    if 10000 in ing:
        d = ing[10000]
        out.append(row("ingest 10k articles, 2 cores", "≤ 60 s, peak RSS ≤ 1 GiB",
                       f"{d['wall_seconds']:.0f} s, {d['peak_rss_mb']:.0f} MB",
                       d["wall_seconds"] <= 60 and d["peak_rss_mb"] <= gib))
    if 100000 in ing:
        d = ing[100000]
        base = ing.get(10000, {}).get("peak_rss_mb")
        out.append(row("ingest 100k articles", "≤ 10 min, peak RSS ≤ the 10k run's",
                       f"{d['wall_seconds'] / 60:.1f} min, {d['peak_rss_mb']:.0f} MB"
                       + (f" (10k: {base:.0f} MB)" if base else ""),
                       d["wall_seconds"] <= 600 and (base is None or d["peak_rss_mb"] <= base * 1.02)))
    c = r.get("ceiling", {})
    if "seconds" in c and c["articles"] in ing:
        ratio = ing[c["articles"]]["store_seconds"] / c["seconds"]
        out.append(row(f"store-side cost vs oxigraph's raw bulk load ({c['articles']:,} articles)", "≤ 1.5×",
                       f"{ratio:.2f}×", ratio <= 1.5))
    q = r.get("queries", {}).get("results", [])
    if q:
        ok = [x for x in q if not x.get("timed_out") and x["p50_ms"] <= 20]
        worst = max(q, key=lambda x: float("inf") if x.get("timed_out") else x["p50_ms"])
        w = "timed out" if worst.get("timed_out") else f"{worst['p50_ms']:.0f} ms"
        out.append(row(f"query p50 on the {r['queries']['articles']:,}-article store", "every query ≤ 20 ms",
                       f"{len(ok)} of {len(q)} queries; slowest {worst['query']} {w}", len(ok) == len(q)))
    return out + [""]


if __name__ == "__main__":
    main()
