"""`kgx export` read back by the tools that consume each format.

networkx reads GraphML and GEXF with the store's node and edge counts; Graphviz renders the DOT
without a warning; rdflib parses JSON-LD, Turtle, N-Triples and N-Quads to exactly the store's
triple (quad) count; the Cytoscape.js JSON has the elements.nodes/edges shape; the focus export
is one connected neighbourhood; Cyrillic, Georgian, accented and quoted labels survive.

Run: python3 -m pytest tests/python/test_exports.py
(KGX_BIN: the kgx binary, default target/debug/kgx; KGX_RESOURCES: the repository root.)
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
import rdflib

ROOT = Path(os.environ.get("KGX_RESOURCES", Path(__file__).resolve().parents[2]))
KGX = os.environ.get("KGX_BIN", str(ROOT / "target" / "debug" / "kgx"))

UNICODE_ARTICLE = """---
title: Тбилиси & Beyond: the <New> "Wave" of L'Été
date: 2022-03-01
---

Director Ნინო Კირტაძე directed Ნისლი, which premiered at the Berlin International Film Festival. \
Director Анна Иванова's debut feature, L'Été Ёлки, premiered at the Berlin International Film \
Festival. Director Zoë O'Brien-Łukasz directed Café Müller.
"""
LABELS = ["Ნინო Კირტაძე", "Ნისლი", "Анна Иванова", "L'Été Ёлки", "Zoë O'Brien-Łukasz"]
TITLE = 'Тбилиси & Beyond: the <New> "Wave" of L\'Été'

ENTITIES = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
  GRAPH ?g { ?e a ?c } FILTER(STRSTARTS(STR(?e), "https://w3id.org/kgx/id/")) }"""
RELATIONS = """PREFIX kgx: <https://w3id.org/kgx/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/kgx/article/"))
  GRAPH <https://w3id.org/kgx/graph/ontology> { ?p a owl:ObjectProperty }
  FILTER(?p != kgx:mentions && ?p != kgx:about && isIRI(?o)
    && STRSTARTS(STR(?s), "https://w3id.org/kgx/id/") && STRSTARTS(STR(?o), "https://w3id.org/kgx/id/"))
} }"""
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
# The union graph is derived (each triple of the others once) and not exported.
QUADS = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
         "FILTER(?g != <https://w3id.org/kgx/graph/union>) }")


def kgx(store, *args, cwd=None):
    env = dict(os.environ, KGX_STORE=str(store), KGX_RESOURCES=str(ROOT))
    p = subprocess.run([KGX, *args], env=env, cwd=cwd, capture_output=True, text=True)
    assert p.returncode == 0, f"kgx {' '.join(args)} failed: {p.stderr}"
    return p.stdout


def count(store, sparql):
    out = json.loads(kgx(store, "query", sparql, "--format", "json"))
    return int(out["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    if not Path(KGX).exists():
        pytest.fail(f"no kgx binary at {KGX} (cargo build first, or set KGX_BIN)")
    d = tmp_path_factory.mktemp("kgx")
    article = d / "unicode-test.md"
    article.write_text(UNICODE_ARTICLE, encoding="utf-8")
    kgx(d / "store", "ingest", str(ROOT / "data" / "articles"), str(article))
    return d / "store"


@pytest.fixture(scope="module")
def exports(store, tmp_path_factory):
    """Every format of the whole graph, written with -o."""
    d = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in ["graphml", "gexf", "dot", "cytoscape", "csv", "jsonld", "ttl", "nt", "nq"]:
        out = d / f"graph.{fmt}"
        kgx(store, "export", "--format", fmt, "-o", str(out))
        files[fmt] = out
    files["csv"] = (d / "graph.nodes.csv", d / "graph.edges.csv")
    return files


@pytest.fixture(scope="module")
def expected(store):
    return {
        "nodes": count(store, ENTITIES),
        "edges": count(store, RELATIONS),
        "triples": count(store, TRIPLES),
        "quads": count(store, QUADS),
    }


def test_networkx_reads_graphml_with_the_store_counts(exports, expected):
    g = nx.read_graphml(exports["graphml"])
    assert g.is_directed()
    assert (g.number_of_nodes(), g.number_of_edges()) == (expected["nodes"], expected["edges"])
    aushakimova = g.nodes["https://w3id.org/kgx/id/person/assel-aushakimova"]
    assert aushakimova["label"] == "Assel Aushakimova"
    assert aushakimova["type"] == "Person"
    assert aushakimova["degree"] == g.degree("https://w3id.org/kgx/id/person/assel-aushakimova")
    assert g.nodes["https://w3id.org/kgx/id/place/kazakhstan"]["wikidata"] == "Q232"
    assert g.nodes["https://w3id.org/kgx/id/film/welcome-to-the-usa"]["year"] == "2019"
    for _, _, data in g.edges(data=True):
        assert data["label"] and data["weight"] >= 1
        assert data["first"] <= data["last"]
    for label in LABELS:
        assert label in {d["label"] for _, d in g.nodes(data=True)}


def test_networkx_reads_dynamic_gexf_with_the_store_counts(exports, expected):
    g = nx.read_gexf(exports["gexf"])
    assert g.graph["mode"] == "dynamic"
    assert (g.number_of_nodes(), g.number_of_edges()) == (expected["nodes"], expected["edges"])
    for _, _, data in g.edges(data=True):
        assert data["start"] <= data["end"]
        assert data["weight"] >= 1
    labels = {d["label"] for _, d in g.nodes(data=True)}
    for label in LABELS:
        assert label in labels
    node = g.nodes["https://w3id.org/kgx/id/person/assel-aushakimova"]
    assert node["type"] == "Person" and node["articles"] == 1


def test_graphviz_renders_the_dot_without_warnings(exports, tmp_path):
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz is not installed (apt-get install graphviz)")
    p = subprocess.run(
        [dot, "-Tsvg", str(exports["dot"]), "-o", str(tmp_path / "graph.svg")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0 and p.stderr == "", p.stderr
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    for label in ["Assel Aushakimova", "Анна Иванова", "Ნინო Კირტაძე", "L&#39;Été Ёлки"]:
        assert label in svg or label.replace("&#39;", "'") in svg, label


def test_cytoscape_json_has_the_elements_shape(exports, expected):
    doc = json.loads(exports["cytoscape"].read_text(encoding="utf-8"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert (len(nodes), len(edges)) == (expected["nodes"], expected["edges"])
    ids = {n["data"]["id"] for n in nodes}
    assert len(ids) == len(nodes)
    for e in edges:
        assert e["data"]["id"] and e["data"]["source"] in ids and e["data"]["target"] in ids
    labels = {n["data"]["label"] for n in nodes}
    for label in LABELS:
        assert label in labels


def test_csv_tables_are_gephi_s(exports, expected):
    import csv

    nodes_file, edges_file = exports["csv"]
    with open(nodes_file, encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(edges_file, encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert (len(nodes), len(edges)) == (expected["nodes"], expected["edges"])
    assert list(nodes[0])[:3] == ["Id", "Label", "Type"]
    assert list(edges[0])[:5] == ["Source", "Target", "Type", "Label", "Weight"]
    assert all(e["Type"] == "Directed" for e in edges)
    for label in LABELS:
        assert label in {n["Label"] for n in nodes}


@pytest.mark.parametrize("fmt,rdflib_format", [("jsonld", "json-ld"), ("ttl", "turtle"), ("nt", "nt")])
def test_rdflib_parses_the_triples(exports, expected, fmt, rdflib_format):
    g = rdflib.Graph()
    g.parse(exports[fmt], format=rdflib_format)
    assert len(g) == expected["triples"]
    titles = {str(o) for o in g.objects(None, rdflib.URIRef("https://w3id.org/kgx/ontology#title"))}
    assert TITLE in titles
    labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
    for label in LABELS:
        assert label in labels


def test_rdflib_parses_the_quads(exports, expected):
    ds = rdflib.Dataset()
    ds.parse(exports["nq"], format="nquads")
    quads = list(ds.quads((None, None, None, None)))
    assert len(quads) == expected["quads"]
    graphs = {str(q[3]) for q in quads}
    assert "https://w3id.org/kgx/graph/ontology" in graphs
    assert "https://w3id.org/kgx/article/welcome-to-the-usa" in graphs


def test_focus_is_her_neighbourhood_and_connected(store, tmp_path):
    out = tmp_path / "focus.gexf"
    kgx(store, "export", "--format", "gexf", "--focus", "Assel Aushakimova", "--depth", "2",
        "-o", str(out))
    g = nx.read_gexf(out)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    for label in ["Assel Aushakimova", "Welcome to the USA", "AFI Fest", "California"]:
        assert label in labels
    # Every node is reachable from her.
    her = "https://w3id.org/kgx/id/person/assel-aushakimova"
    reachable = nx.node_connected_component(g.to_undirected(as_view=True), her)
    assert reachable == set(g.nodes)


def test_unicode_labels_in_the_part_formats(store, tmp_path):
    """The same labels through a focused export of each format, read by its consumer."""
    wanted = {"Анна Иванова", "L'Été Ёлки"}
    rdf = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
    for fmt in ["graphml", "gexf", "dot", "cytoscape", "csv", "ttl", "nt", "nq", "jsonld"]:
        text = kgx(store, "export", "--format", fmt, "--focus", "Анна Иванова")
        path = tmp_path / f"part.{fmt}"
        path.write_text(text, encoding="utf-8")
        if fmt in ("graphml", "gexf"):
            g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
            labels = {d["label"] for _, d in g.nodes(data=True)}
        elif fmt == "cytoscape":
            labels = {n["data"]["label"] for n in json.loads(text)["elements"]["nodes"]}
        elif fmt == "dot":
            labels = {lab for lab in wanted if f'label="{lab}"' in text}
        elif fmt == "csv":
            import csv
            import io

            node_table = text.split("\n\n")[0]
            labels = {row["Label"] for row in csv.DictReader(io.StringIO(node_table))}
        elif fmt == "nq":
            ds = rdflib.Dataset()
            ds.parse(path, format="nquads")
            labels = {str(q[2]) for q in ds.quads((None, rdflib.RDFS.label, None, None))}
        else:
            g = rdflib.Graph()
            g.parse(path, format=rdf[fmt])
            labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
        assert wanted <= labels, (fmt, labels)
