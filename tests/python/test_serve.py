"""`kgx serve` with real SPARQL clients: SPARQLWrapper and rdflib's SPARQLStore.

Each answer must equal `kgx query`'s on the same store. The binary is $KGX_BIN (default
target/debug/kgx), the resources (ontologies/, data/, queries/) $KGX_RESOURCES (default the
repository root).  Run: python3 -m pytest tests/python/test_serve.py
"""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

# SPARQLWrapper and rdflib's JSON-LD parser still build ConjunctiveGraphs internally.
pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)

ROOT = Path(os.environ.get("KGX_RESOURCES") or Path(__file__).resolve().parents[2])
BIN = Path(os.environ.get("KGX_BIN") or ROOT / "target" / "debug" / "kgx")
if not BIN.is_absolute():
    BIN = ROOT / BIN

CHAIN = (ROOT / "queries" / "premiere-chain.rq").read_text(encoding="utf-8")
CONSTRUCT = """PREFIX kgx: <https://w3id.org/kgx/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?d kgx:directed ?f . ?f rdfs:label ?l }
WHERE { ?d kgx:directed ?f . ?f rdfs:label ?l }"""


def kgx(store, *args):
    env = dict(os.environ, KGX_STORE=str(store), KGX_RESOURCES=str(ROOT))
    env.pop("KGX_TOKEN", None)
    done = subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"kgx {args}: {done.stderr}"
    return done.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    """Ingests the sample corpus, records `kgx query`'s answers, then serves the store."""
    if not BIN.is_file():
        pytest.fail(f"no kgx binary at {BIN}: run `cargo build` or set KGX_BIN")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        kgx(store, "ingest", str(ROOT / "data" / "articles"))
        expected = {
            "chain": json.loads(kgx(store, "query", CHAIN, "--format", "json")),
            "construct": kgx(store, "query", CONSTRUCT, "--format", "nt"),
        }
        port = free_port()
        log = open(Path(tmp) / "serve.log", "w+", encoding="utf-8")
        env = dict(os.environ, KGX_STORE=str(store), KGX_RESOURCES=str(ROOT))
        env.pop("KGX_TOKEN", None)
        server = subprocess.Popen(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            deadline = time.time() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.time() > deadline:
                        log.seek(0)
                        pytest.fail(f"kgx serve did not start: {log.read()}")
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/sparql", expected
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def rows_of_json(results):
    """The bindings of SPARQL JSON results as {var: value} dicts (values only)."""
    return [
        {k: v["value"] for k, v in b.items()} for b in results["results"]["bindings"]
    ]


def triples(nt_or_graph):
    g = nt_or_graph
    if isinstance(g, str):
        g = rdflib.Graph().parse(data=g, format="nt")
    return set(g)


def test_sparqlwrapper_select_json(served):
    endpoint, expected = served
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(CHAIN)
    sw.setReturnFormat(JSON)
    got = sw.query().convert()
    assert got["head"]["vars"] == expected["chain"]["head"]["vars"]
    assert got["results"]["bindings"] == expected["chain"]["results"]["bindings"]
    assert any(r["director"] == "Assel Aushakimova" for r in rows_of_json(got))


def test_sparqlwrapper_select_xml_by_post(served):
    endpoint, expected = served
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(CHAIN)
    sw.setMethod(POST)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # an xml.dom.minidom document
    rows = []
    for result in doc.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            value = binding.firstChild
            while value is not None and value.nodeType != value.ELEMENT_NODE:
                value = value.nextSibling
            row[binding.getAttribute("name")] = "".join(
                n.data for n in value.childNodes if n.nodeType == n.TEXT_NODE
            )
        rows.append(row)
    assert rows == rows_of_json(expected["chain"])


@pytest.mark.parametrize("fmt", [TURTLE, XML, JSONLD])
def test_sparqlwrapper_construct(served, fmt):
    endpoint, expected = served
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(fmt)
    got = sw.query().convert()
    if fmt == TURTLE:  # SPARQLWrapper hands Turtle back as bytes
        got = rdflib.Graph().parse(data=got, format="turtle")
    want = triples(expected["construct"])
    assert want and triples(got) == want


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(served, method):
    endpoint, expected = served
    store = SPARQLStore(query_endpoint=endpoint, method=method)
    g = rdflib.Graph(store=store)
    result = g.query(CHAIN)
    names = [str(v) for v in result.vars]
    assert names == expected["chain"]["head"]["vars"]
    got = [
        {n: str(row[i]) for i, n in enumerate(names) if row[i] is not None}
        for row in result
    ]
    assert got == rows_of_json(expected["chain"])
    constructed = g.query(CONSTRUCT).graph
    assert triples(constructed) == triples(expected["construct"])


def test_updates_are_refused_and_errors_are_clear(served):
    endpoint, expected = served
    sw = SPARQLWrapper(endpoint)
    sw.setMethod(POST)
    sw.setQuery("INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        sw.query()
    assert refused.value.code == 403
    assert b"read-only" in refused.value.read()
    sw = SPARQLWrapper(endpoint)
    sw.setQuery("SELECT ?s WHERE { ?s ?p")
    with pytest.raises(QueryBadFormed) as bad:
        sw.query()
    assert "error at 1:" in str(bad.value)
    # ... and the server answers as before.
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(CHAIN)
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["results"] == expected["chain"]["results"]
