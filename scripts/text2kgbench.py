#!/usr/bin/env python3
"""Runs kgx over the Text2KGBench movie sentences and scores it the way the benchmark does.

Text2KGBench (Mihindukulasooriya et al., ISWC 2023; data CC BY 4.0) gives sentences with the
Wikidata triples they state, in a 15-relation movie ontology. This harness (docs/text2kgbench.md):

1. groups the gold triples by sentence (as the benchmark's test files do), writes every distinct
   sentence as one article (JSON Lines, no title) and runs `kgx extract --format jsonl`;
2. maps kgx properties to the benchmark's relations (`directed` inverted to `director`, `actedIn`
   to `cast member`, `year` to `publication date`, `filmedIn` to `filming location`, `mainSubject`
   to `main subject`, ...; see MAPPING; a `won` also counts as `nominated for`, see ALSO). Only
   facts whose film side is a Film/CreativeWork map;
   `production company` needs an Organization; a `country of origin` is output only when the
   sentence spells the country (a country read from a demonym alone is not, unless
   --demonym-countries). Every output triple is therefore in the ontology;
3. scores each sentence and averages (macro; an empty output scores 0, as in the benchmark), and
   pools (micro). Following the benchmark's protocol, precision counts only the output triples
   whose relation is among the sentence's gold relations (the gold lists one or two of the facts a
   sentence states); the unfiltered figures are printed too;
4. reports ontology conformance (share of output triples whose relation is one of the ontology's
   15) and subject / relation / object hallucination (share of output triples whose subject /
   object, stemmed and without spaces, is not in the stemmed sentence nor an ontology concept
   label; needs NLTK for the stemmer), plus a word-folded variant of the check.

Names match after folding case, diacritics, punctuation and a leading "the"; a publication date
matches on its year (kgx extracts years); a genre without a trailing "film". The benchmark itself
compares case- and space-normalised strings: that stricter figure is printed as "exact labels".
Usage:

    python3 scripts/text2kgbench.py [--split validation|train] [--bench DIR] [--kgx BIN] [--json]
                                    [--dump FILE] [--limit N] [--demonym-countries]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# kgx property -> (benchmark relation, inverted?). The benchmark's relations all have a film as
# subject (domain Q11424), so a kgx fact maps only when the film side is a Film or CreativeWork.
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
    "filmedIn": ("filming location", False),
    "mainSubject": ("main subject", False),
    "year": ("publication date", False),
}
# A kgx property that also states a second benchmark relation. A film that won a competitive award
# was a nominee for it: Wikidata records an Academy Award or festival win both as award received
# (P166) and as nominated for (P1411), and the benchmark's gold lists wins as nominations.
ALSO = {"won": ("nominated for", False)}
# Benchmark relations kgx has no property for (yet): cost (P2130). It is never output, so it costs
# recall only (and it is absent from the train and validation gold).
UNMAPPED = ["cost"]
FILM_TYPES = {"Film", "CreativeWork"}
# The other side's type, for relations whose range is narrower than kgx's property:
# production company (Q1762059) is an organisation, not a person who produced the film.
RANGE_TYPES = {"production company": {"Organization"}}


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
    if rel == "genre":  # Wikidata labels some genres "drama film", others "comedy horror"
        return re.sub(r" (?:film|movie)$", "", fold(o))
    return fold(o)


def exact(s):
    """The benchmark's own normalisation: case and white space (and `_`) only."""
    return re.sub(r"[\s_]+", "", s).lower()


try:  # the benchmark's hallucination check stems with NLTK's Porter stemmer
    from nltk.stem import PorterStemmer
    _STEM = PorterStemmer().stem
except ImportError:  # pragma: no cover
    _STEM = None


def clean_entity(s):
    """The benchmark's `clean_entity_string`: stem each space-separated word, drop spaces and `_`,
    lower-case. Without NLTK, words are only lower-cased (reported in the output)."""
    words = s.split(" ")
    stem = _STEM or (lambda w: w.lower())
    return "".join(stem(w) for w in words).replace(" ", "").replace("_", "").lower()


def load(path):
    """Gold triples grouped by sentence (as the benchmark's test files group them), three ways:
    folded (kgx's lenient match), exact (the benchmark's normalisation) and raw labels."""
    by_sentence = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            by_sentence[r["sent"]].append((r["sub_label"], r["rel_label"], r["obj_label"]))
    return by_sentence


def load_ontology(bench):
    with open(os.path.join(bench, "1_movie_ontology.json"), encoding="utf-8") as f:
        o = json.load(f)
    return {r["label"] for r in o["relations"]}, [c["label"] for c in o["concepts"]]


def run_kgx(kgx, sentences, resources=ROOT):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t2k.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i, s in enumerate(sentences):
                f.write(json.dumps({"id": f"s{i}", "title": "", "text": s}) + "\n")
        out = subprocess.run([kgx, "--resources", resources, "extract", "--format", "jsonl", path],
                             capture_output=True, text=True, check=True).stdout
    facts = defaultdict(list)
    for line in out.splitlines():
        facts[json.loads(line)["article"]].append(json.loads(line))
    return facts


def load_aliases(resources):
    """Gazetteer label -> its aliases (data/gazetteers/*.tsv with `label` and `aliases` columns)."""
    aliases = defaultdict(list)
    for path in sorted(glob.glob(os.path.join(resources, "data", "gazetteers", "*.tsv"))):
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            if "label" not in header or "aliases" not in header:
                continue
            li, ai = header.index("label"), header.index("aliases")
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) > ai and cols[ai]:
                    aliases[cols[li]].extend(a for a in cols[ai].split("|") if a)
    return aliases


def as_written(label, sentence, aliases):
    """The name as the sentence writes it: kgx labels a gazetteer entity by its canonical name
    ("Academy Award for Best International Feature Film", "Golden St. George"), which the sentence
    may not spell; then the longest alias of the same entry that the sentence spells is output
    ("Academy Award for Best Foreign Language Film", "Golden George"), as the benchmark's gold does."""
    if named_in(label, sentence):
        return label
    written = [a for a in aliases.get(label, []) if len(fold(a)) > 3 and named_in(a, sentence)]
    return max(written, key=len) if written else label


def named_in(label, text):
    """True when the text spells the label (folded, on word boundaries), not, e.g., a demonym of it."""
    return f" {fold(label)} " in f" {fold(text)} "


def predictions(facts, sentence, demonym_countries=False, aliases=None):
    """The benchmark triples (raw labels) and, for each, the kgx facts (property, rules) behind it."""
    types = {f["subject"]: f["object"] for f in facts if f["property"] == "type"}
    out = {}
    for f in facts:
        for rel, inverted in [m for m in (MAPPING.get(f["property"]), ALSO.get(f["property"])) if m]:
            add_prediction(out, types, f, rel, inverted, sentence, demonym_countries)
    if aliases:
        written = {}
        for (s, rel, o), rules in out.items():
            t = (as_written(s, sentence, aliases), rel, as_written(o, sentence, aliases))
            written.setdefault(t, []).extend(rules)
        out = written
    return most_specific_genres(out)


def add_prediction(out, types, f, rel, inverted, sentence, demonym_countries):
    """Adds the benchmark triple of kgx fact `f` read as `rel`, when its sides have the right types."""
    s, o = (f["object"], f["subject"]) if inverted else (f["subject"], f["object"])
    film_type = types.get(s, "Film") if inverted else f["subject_type"]
    if film_type not in FILM_TYPES:
        return
    if rel in RANGE_TYPES and types.get(o) not in RANGE_TYPES[rel]:
        return
    # Text2KGBench states a country of origin only where the sentence names the country, and
    # counts any other label as hallucinated: a country kgx derived from a demonym ("a Japanese
    # film") is output only when the sentence also spells the country ("known in Japan as …"),
    # unless --demonym-countries.
    if rel == "country of origin" and not demonym_countries and not named_in(o, sentence):
        return
    rules = sorted({e["rule"] for e in f.get("evidence", [])})
    out.setdefault((s, rel, o), []).extend(rules)


def most_specific_genres(out):
    """Wikidata gives a film one genre item per label ("comedy horror"), where kgx may state both
    the compound and its parts ("comedy", "horror"): a genre whose words are a run of the words of
    another genre of the same film is dropped."""
    genres = defaultdict(set)
    for (s, rel, o) in out:
        if rel == "genre":
            genres[s].add(norm_object(rel, o))

    def subsumed(s, g):
        return any(h != g and f" {g} " in f" {h} " for h in genres[s])

    return {t: r for t, r in out.items() if t[1] != "genre" or not subsumed(t[0], norm_object("genre", t[2]))}


def prf(gold, pred):
    """The benchmark's calculate_precision_recall_f1: an empty output scores 0, 0, 0."""
    if not pred:
        return 0.0, 0.0, 0.0
    hit = len(gold & pred)
    p, r = hit / len(pred), hit / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fold_triple(t):
    return (fold(t[0]), t[1], norm_object(t[1], t[2]))


def exact_triple(t):
    return (exact(t[0]), t[1], exact(t[2]))


class Score:
    """Per-sentence (macro) and pooled (micro) precision, recall and F1."""

    def __init__(self):
        self.P = self.R = self.F = 0.0
        self.n = self.tp = self.npred = self.ngold = 0

    def add(self, gold, pred):
        p, r, f = prf(gold, pred)
        self.P, self.R, self.F, self.n = self.P + p, self.R + r, self.F + f, self.n + 1
        self.tp += len(gold & pred)
        self.npred += len(pred)
        self.ngold += len(gold)

    def report(self):
        mp = self.tp / self.npred if self.npred else 0.0
        mr = self.tp / self.ngold if self.ngold else 0.0
        n = self.n or 1
        return {
            "macro": {"precision": self.P / n, "recall": self.R / n, "f1": self.F / n},
            "micro": {"precision": mp, "recall": mr, "f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
                      "correct": self.tp, "output": self.npred, "gold": self.ngold},
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="validation", choices=["validation", "train"])
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "text2kgbench"))
    ap.add_argument("--kgx", default=os.environ.get("KGX_BIN", os.path.join(ROOT, "target", "debug", "kgx")))
    ap.add_argument("--resources", default=ROOT,
                    help="the directory with data/ and ontologies/ (default: this repository)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--dump", metavar="FILE", help="write every sentence with gold, output and rules (JSON Lines)")
    ap.add_argument("--limit", type=int, help="score only the first N sentences (quick runs)")
    ap.add_argument("--demonym-countries", action="store_true",
                    help="also output countries of origin kgx derived from demonyms ('American')")
    a = ap.parse_args()
    gold = load(os.path.join(a.bench, f"ont_1_movie_{a.split}.jsonl"))
    relations, concepts = load_ontology(a.bench)
    concept_tokens = " ".join(clean_entity(c) for c in concepts)
    sentences = list(gold)[: a.limit] if a.limit else list(gold)
    facts = run_kgx(a.kgx, sentences, a.resources)
    aliases = load_aliases(a.resources)
    protocol, unfiltered, strict = Score(), Score(), Score()
    nout = rh = sh = oh = sh_fold = oh_fold = 0
    per_rel = defaultdict(lambda: [0, 0, 0, 0])  # correct (protocol), output, gold, correct (any)
    dump = open(a.dump, "w", encoding="utf-8") if a.dump else None
    for i, s in enumerate(sentences):
        graw = gold[s]
        praw = predictions(facts.get(f"s{i}", []), s, a.demonym_countries, aliases)
        g = {fold_triple(t) for t in graw}
        p = {fold_triple(t) for t in praw}
        # The benchmark's protocol: the ground truth lists only some of a sentence's facts, so
        # precision is taken over the output triples whose relation is among the sentence's gold
        # relations; conformance and hallucination are taken over all output triples.
        grels = {t[1] for t in g}
        pf = {t for t in p if t[1] in grels}
        protocol.add(g, pf)
        unfiltered.add(g, p)
        strict.add({exact_triple(t) for t in graw},
                   {exact_triple(t) for t in praw if t[1] in grels})
        cs, fs = clean_entity(s), fold(s)
        for (subj, rel, obj) in praw:
            nout += 1
            rh += rel not in relations
            sh += clean_entity(subj) not in cs and clean_entity(subj) not in concept_tokens
            oh += clean_entity(obj) not in cs and clean_entity(obj) not in concept_tokens
            sh_fold += fold(subj) not in fs
            oh_fold += norm_object(rel, obj) not in fs
        for t in p:
            per_rel[t[1]][1] += 1
            per_rel[t[1]][3] += t in g
        for t in pf & g:
            per_rel[t[1]][0] += 1
        for t in g:
            per_rel[t[1]][2] += 1
        if dump:
            dump.write(json.dumps({
                "i": i, "sent": s, "gold": sorted(graw),
                "output": [{"triple": t, "rules": r, "correct": fold_triple(t) in g}
                           for t, r in sorted(praw.items())],
                "missed": sorted(t for t in graw if fold_triple(t) not in p),
            }, ensure_ascii=False) + "\n")
    n = len(sentences)
    report = {
        "split": a.split,
        "sentences": n,
        "gold_triples": protocol.ngold,
        "output_triples": nout,
        **protocol.report(),
        "all_output": unfiltered.report(),
        "exact_match": strict.report(),
        "ontology_conformance": 1 - rh / nout if nout else 1.0,
        "subject_hallucination": sh / nout if nout else 0.0,
        "relation_hallucination": rh / nout if nout else 0.0,
        "object_hallucination": oh / nout if nout else 0.0,
        "hallucination_folded": {"subject": sh_fold / nout if nout else 0.0,
                                 "object": oh_fold / nout if nout else 0.0},
        "stemmer": "nltk-porter" if _STEM else "none (nltk missing)",
        "unmapped_relations": UNMAPPED,
        "per_relation": {r: {"correct": v[0], "output": v[1], "gold": v[2], "correct_any": v[3]}
                         for r, v in sorted(per_rel.items())},
    }
    if a.json:
        print(json.dumps(report, indent=2))
        return
    line = "  P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
    print(f"Text2KGBench movie, {a.split}: {n} sentences, {protocol.ngold} gold triples, {nout} output triples")
    print("benchmark protocol (output triples with a gold relation of the sentence, folded names):")
    print("  macro (per sentence)" + line.format(**report["macro"]))
    print("  micro               " + line.format(**report["micro"]))
    print("all output triples (no relation filter):")
    print("  macro (per sentence)" + line.format(**report["all_output"]["macro"]))
    print("  micro               " + line.format(**report["all_output"]["micro"]))
    print("benchmark protocol, exact labels (case and spaces only; dates must match in full):")
    print("  macro (per sentence)" + line.format(**report["exact_match"]["macro"]))
    print(f"ontology conformance  {report['ontology_conformance']:.3f}")
    print(f"hallucination         subject {report['subject_hallucination']:.3f}  relation {report['relation_hallucination']:.3f}  object {report['object_hallucination']:.3f}  (stemmer: {report['stemmer']})")
    hf = report["hallucination_folded"]
    print(f"  folded-word check   subject {hf['subject']:.3f}  object {hf['object']:.3f}")
    print("per relation (correct under the protocol / output / gold / output correct)")
    for r in sorted(relations):
        v = report["per_relation"].get(r, {"correct": 0, "output": 0, "gold": 0, "correct_any": 0})
        note = "  (no kgx property)" if r in UNMAPPED else ""
        print(f"  {r:<20} {v['correct']:>4} / {v['output']:>4} / {v['gold']:>4} / {v['correct_any']:>4}{note}")


if __name__ == "__main__":
    sys.exit(main())
