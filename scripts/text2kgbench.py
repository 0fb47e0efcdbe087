#!/usr/bin/env python3
"""Runs kgx over the Text2KGBench movie sentences and scores it the way the benchmark does.

Text2KGBench (Mihindukulasooriya et al., ISWC 2023; data CC BY 4.0) gives sentences with the
Wikidata triples they state, in a 15-relation movie ontology. This harness:

1. writes every distinct sentence as one article (JSON Lines, no title) and runs
   `kgx extract --format jsonl` over them;
2. maps kgx properties to the benchmark's relations (`directed` inverted to `director`,
   `actedIn` to `cast member`, `year` to `publication date`, ...); kgx facts with no counterpart
   are not output, so every output triple is in the ontology;
3. scores per sentence and averages over sentences (the benchmark's macro P/R/F1; a sentence
   with no output has precision 0), and reports micro scores too, ontology conformance (share of
   output triples whose relation is in the ontology) and subject / relation / object
   hallucination (share of output triples whose subject / object does not occur in the sentence,
   after case and punctuation folding, or whose relation is not in the ontology).

Names match after folding case, diacritics and punctuation; a `publication date` matches on its
year (kgx extracts years). Usage:

    python3 scripts/text2kgbench.py [--split validation|train] [--bench DIR] [--kgx BIN] [--json]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# kgx property -> (benchmark relation, inverted?)
MAPPING = {
    "directed": ("director", True),
    "wrote": ("screenwriter", True),
    "actedIn": ("cast member", True),
    "characterIn": ("characters", True),
    "produced": ("production company", True),
    "genre": ("genre", False),
    "basedOn": ("based on", False),
    "won": ("award received", False),
    "nominatedFor": ("nominated for", False),
    "countryOfOrigin": ("country of origin", False),
    "setIn": ("narrative location", False),
    "year": ("publication date", False),
}
# Subject types the benchmark's relations take (its domain is film); kgx triples about other
# subjects (a person's award) are not movie-ontology triples.
FILM_TYPES = {"Film", "CreativeWork"}


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^0-9a-z]+", " ", s).strip()
    return re.sub(r"^the ", "", s)


def year_of(s):
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", s)
    return m.group(1) if m else None


def norm_object(rel, o):
    if rel == "publication date":
        return year_of(o) or fold(o)
    return fold(o)


def load(path):
    by_sentence = defaultdict(set)
    ontology = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rel = r["rel_label"]
            ontology.add(rel)
            by_sentence[r["sent"]].add((fold(r["sub_label"]), rel, norm_object(rel, r["obj_label"])))
    return by_sentence, ontology


def run_kgx(kgx, sentences):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t2k.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i, s in enumerate(sentences):
                f.write(json.dumps({"id": f"s{i}", "title": "", "text": s}) + "\n")
        out = subprocess.run([kgx, "--resources", ROOT, "extract", "--format", "jsonl", path],
                             capture_output=True, text=True, check=True).stdout
    facts = defaultdict(list)
    for line in out.splitlines():
        facts[json.loads(line)["article"]].append(json.loads(line))
    return facts


def predictions(facts):
    out = set()
    for f in facts:
        m = MAPPING.get(f["property"])
        if not m:
            continue
        rel, inverted = m
        s, o = (f["object"], f["subject"]) if inverted else (f["subject"], f["object"])
        subject_type = "Film" if inverted else f["subject_type"]
        if subject_type not in FILM_TYPES:
            continue
        out.add((fold(s), rel, norm_object(rel, o)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="validation", choices=["validation", "train"])
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "text2kgbench"))
    ap.add_argument("--kgx", default=os.environ.get("KGX_BIN", os.path.join(ROOT, "target", "debug", "kgx")))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    gold, ontology = load(os.path.join(a.bench, f"ont_1_movie_{a.split}.jsonl"))
    sentences = list(gold)
    facts = run_kgx(a.kgx, sentences)
    P = R = F = 0.0
    tp = npred = ngold = 0
    sh = oh = rh = 0
    per_rel = defaultdict(lambda: [0, 0, 0])
    for i, s in enumerate(sentences):
        g = gold[s]
        p = predictions(facts.get(f"s{i}", []))
        hit = p & g
        tp += len(hit)
        npred += len(p)
        ngold += len(g)
        prec = len(hit) / len(p) if p else 0.0
        rec = len(hit) / len(g) if g else 0.0
        P += prec
        R += rec
        F += 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        fs = fold(s)
        for (subj, rel, obj) in p:
            sh += subj not in fs
            oh += obj not in fs
            rh += rel not in ontology
            per_rel[rel][1] += 1
        for t in hit:
            per_rel[t[1]][0] += 1
        for t in g:
            per_rel[t[1]][2] += 1
    n = len(sentences)
    report = {
        "split": a.split,
        "sentences": n,
        "gold_triples": ngold,
        "output_triples": npred,
        "macro": {"precision": P / n, "recall": R / n, "f1": F / n},
        "micro": {
            "precision": tp / npred if npred else 0.0,
            "recall": tp / ngold if ngold else 0.0,
        },
        "ontology_conformance": 1 - rh / npred if npred else 1.0,
        "subject_hallucination": sh / npred if npred else 0.0,
        "relation_hallucination": rh / npred if npred else 0.0,
        "object_hallucination": oh / npred if npred else 0.0,
        "per_relation": {r: {"correct": v[0], "output": v[1], "gold": v[2]} for r, v in sorted(per_rel.items())},
    }
    mi = report["micro"]
    mi["f1"] = 2 * mi["precision"] * mi["recall"] / (mi["precision"] + mi["recall"]) if mi["precision"] + mi["recall"] else 0.0
    if a.json:
        print(json.dumps(report, indent=2))
        return
    print(f"Text2KGBench movie, {a.split}: {n} sentences, {ngold} gold triples, {npred} output triples")
    print("macro (per sentence)  P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}".format(**report["macro"]))
    print("micro                 P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}".format(**mi))
    print(f"ontology conformance  {report['ontology_conformance']:.3f}")
    print(f"hallucination         subject {report['subject_hallucination']:.3f}  relation {report['relation_hallucination']:.3f}  object {report['object_hallucination']:.3f}")
    print("per relation (correct / output / gold)")
    for r, v in report["per_relation"].items():
        print(f"  {r:<20} {v['correct']:>4} / {v['output']:>4} / {v['gold']:>4}")


if __name__ == "__main__":
    sys.exit(main())
