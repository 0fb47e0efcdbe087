//! `kgx export`: every format from the real binary, its counts against the store's, the filters,
//! and labels with Cyrillic, Georgian, diacritics and quotes surviving every format.

use crate::{ingest_sample, kgx, ok, root, tmp};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// An article whose entities have Cyrillic, Georgian (Mtavruli capitals) and accented names,
/// an apostrophe in a film title, and quotes, ampersand and angle brackets in its title.
pub const UNICODE_ARTICLE: &str = "---
title: Тбилиси & Beyond: the <New> \"Wave\" of L'Été
date: 2022-03-01
---

Director Ნინო Კირტაძე directed Ნისლი, which premiered at the Berlin International Film Festival. Director Анна Иванова's debut feature, L'Été Ёлки, premiered at the Berlin International Film Festival. Director Zoë O'Brien-Łukasz directed Café Müller.
";

fn export(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    ok(kgx(dir, &all))
}

/// One number from `kgx query … --format json`.
fn count(dir: &Path, sparql: &str) -> usize {
    let s = ok(kgx(dir, &["query", sparql, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
    v["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

const ENTITIES: &str = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?c } FILTER(STRSTARTS(STR(?e), \"https://w3id.org/kgx/id/\")) }";
const RELATIONS: &str = "PREFIX kgx: <https://w3id.org/kgx/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"https://w3id.org/kgx/article/\"))
  GRAPH <https://w3id.org/kgx/graph/ontology> { ?p a owl:ObjectProperty }
  FILTER(?p != kgx:mentions && ?p != kgx:about && isIRI(?o)
    && STRSTARTS(STR(?s), \"https://w3id.org/kgx/id/\") && STRSTARTS(STR(?o), \"https://w3id.org/kgx/id/\"))
} }";
const TRIPLES: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }";

/// (node ids, (source, target) of each edge) of a GraphML or GEXF file.
fn xml_graph(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    let node = regex::Regex::new(r#"<node id="([^"]*)""#).unwrap();
    let edge = regex::Regex::new(r#"<edge id="[^"]*" source="([^"]*)" target="([^"]*)""#).unwrap();
    (
        node.captures_iter(text).map(|c| c[1].to_string()).collect(),
        edge.captures_iter(text)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect(),
    )
}

#[test]
fn graph_formats_have_the_store_s_nodes_and_edges() {
    let d = tmp();
    ingest_sample(d.path());
    let nodes = count(d.path(), ENTITIES);
    let edges = count(d.path(), RELATIONS);
    assert!(nodes > 20 && edges > 20, "{nodes} nodes, {edges} edges");

    for format in ["graphml", "gexf"] {
        let text = export(d.path(), &["--format", format]);
        let (n, e) = xml_graph(&text);
        assert_eq!((n.len(), e.len()), (nodes, edges), "{format}");
        let ids: HashSet<&String> = n.iter().collect();
        assert!(e.iter().all(|(s, t)| ids.contains(s) && ids.contains(t)));
    }
    let gexf = export(d.path(), &["--format", "gexf"]);
    assert!(gexf.contains(r#"<gexf xmlns="http://gexf.net/1.3""#));
    assert!(gexf.contains(r#"mode="dynamic""#));
    assert!(gexf.contains(r#"<attributes class="node""#));
    // The seed's directed edge: weight 1, first and last date the article's.
    assert!(gexf.contains(r#"source="https://w3id.org/kgx/id/person/assel-aushakimova" target="https://w3id.org/kgx/id/film/welcome-to-the-usa" label="directed" weight="1" start="2021-02-24" end="2021-02-24""#), "{gexf}");
    let graphml = export(d.path(), &["--format", "graphml"]);
    for key in [
        "label", "type", "wikidata", "degree", "articles", "weight", "first", "last",
    ] {
        assert!(graphml.contains(&format!(r#"attr.name="{key}""#)), "{key}");
    }
    // Literal-valued properties are attributes, not nodes.
    assert!(graphml.contains(r#"attr.name="year""#));
    assert!(graphml.contains(">Q232</data>"), "Kazakhstan's Wikidata id");

    let cy: serde_json::Value =
        serde_json::from_str(&export(d.path(), &["--format", "cytoscape"])).unwrap();
    let cy_nodes = cy["elements"]["nodes"].as_array().unwrap();
    let cy_edges = cy["elements"]["edges"].as_array().unwrap();
    assert_eq!((cy_nodes.len(), cy_edges.len()), (nodes, edges));
    let ids: HashSet<&str> = cy_nodes
        .iter()
        .map(|n| n["data"]["id"].as_str().unwrap())
        .collect();
    for e in cy_edges {
        assert!(e["data"]["id"].is_string());
        assert!(ids.contains(e["data"]["source"].as_str().unwrap()));
        assert!(ids.contains(e["data"]["target"].as_str().unwrap()));
    }

    let dot = export(d.path(), &["--format", "dot"]);
    assert!(dot.starts_with("digraph kgx {"));
    assert_eq!(dot.matches(" -> ").count(), edges);

    // csv to stdout: node table, blank line, edge table; with -o, two files.
    let csv = export(d.path(), &["--format", "csv"]);
    let (node_table, edge_table) = csv.split_once("\n\n").unwrap();
    assert!(node_table.starts_with("Id,Label,Type,"));
    assert_eq!(node_table.lines().count(), nodes + 1);
    assert!(edge_table.starts_with("Source,Target,Type,Label,Weight,"));
    assert_eq!(edge_table.lines().count(), edges + 1);
    assert!(edge_table
        .lines()
        .skip(1)
        .all(|l| l.split(',').nth(2) == Some("Directed")));
    let out = d.path().join("graph.csv");
    let o = kgx(
        d.path(),
        &["export", "--format", "csv", "-o", out.to_str().unwrap()],
    );
    ok(o);
    let nodes_file = std::fs::read_to_string(d.path().join("graph.nodes.csv")).unwrap();
    let edges_file = std::fs::read_to_string(d.path().join("graph.edges.csv")).unwrap();
    assert_eq!(format!("{nodes_file}\n{edges_file}"), csv);
}

#[test]
fn rdf_formats_have_the_store_s_triples_and_quads() {
    let d = tmp();
    ingest_sample(d.path());
    let stats: serde_json::Value =
        serde_json::from_str(&ok(kgx(d.path(), &["stats", "--json"]))).unwrap();
    let quads = stats["quads"].as_u64().unwrap() as usize;
    let triples = count(d.path(), TRIPLES);
    let nq = export(d.path(), &["--format", "nq"]);
    assert_eq!(nq.lines().count(), quads);
    let nt = export(d.path(), &["--format", "nt"]);
    assert_eq!(nt.lines().count(), triples);
    let distinct: HashSet<&str> = nt.lines().collect();
    assert_eq!(distinct.len(), triples);
    // Provenance is there, and goes with --no-provenance.
    let statement = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement>";
    assert!(nt.contains(statement));
    let bare = export(d.path(), &["--format", "nt", "--no-provenance"]);
    assert!(bare
        .lines()
        .all(|l| !l.contains(statement) || l.starts_with("<https://w3id.org/kgx/ontology#")));
    assert!(!bare
        .lines()
        .any(|l| l.split(' ').next().unwrap().contains("/fact/")));
    assert!(bare.contains("<https://w3id.org/kgx/ontology#directed>"));
    let ttl = export(d.path(), &["--format", "ttl"]);
    assert!(ttl.contains("@prefix kgx: <https://w3id.org/kgx/ontology#>"));
    let jsonld: serde_json::Value =
        serde_json::from_str(&export(d.path(), &["--format", "jsonld"])).unwrap();
    // Expanded JSON-LD: an array of node objects, each with its @id.
    let objects = jsonld.as_array().or(jsonld["@graph"].as_array()).unwrap();
    assert!(!objects.is_empty() && objects.iter().all(|o| o.get("@id").is_some()));
    // -o writes the same bytes as stdout.
    let out = d.path().join("all.nq");
    ok(kgx(
        d.path(),
        &["export", "--format", "nq", "-o", out.to_str().unwrap()],
    ));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), nq);
}

#[test]
fn focus_gives_a_connected_neighbourhood() {
    let d = tmp();
    ingest_sample(d.path());
    let gexf = export(
        d.path(),
        &[
            "--format",
            "gexf",
            "--focus",
            "Assel Aushakimova",
            "--depth",
            "2",
        ],
    );
    for label in [
        "Assel Aushakimova",
        "Welcome to the USA",
        "AFI Fest",
        "California",
    ] {
        assert!(gexf.contains(&format!(r#"label="{label}""#)), "{label}");
    }
    // Three relations away: not within depth 2.
    assert!(!gexf.contains("NewFest"));
    let (nodes, edges) = xml_graph(&gexf);
    let start = "https://w3id.org/kgx/id/person/assel-aushakimova".to_string();
    let mut adj: HashMap<&String, Vec<&String>> = HashMap::new();
    for (s, t) in &edges {
        adj.entry(s).or_default().push(t);
        adj.entry(t).or_default().push(s);
    }
    let mut seen: HashSet<&String> = HashSet::from([&start]);
    let mut stack = vec![&start];
    while let Some(n) = stack.pop() {
        for m in adj.get(n).into_iter().flatten() {
            if seen.insert(m) {
                stack.push(m);
            }
        }
    }
    assert_eq!(seen.len(), nodes.len(), "every node reachable from her");
    // Depth 1: her film and what she is linked to, and the film's festival is not there.
    let near = export(d.path(), &["--format", "csv", "--focus", "aushakimova"]);
    assert!(near.contains("Welcome to the USA") && !near.contains("AFI Fest"));
    // RDF of a part: her facts with their provenance.
    let ttl = export(
        d.path(),
        &["--format", "nt", "--focus", "Assel Aushakimova"],
    );
    assert!(ttl.contains("<https://w3id.org/kgx/id/person/assel-aushakimova> <https://w3id.org/kgx/ontology#directed> <https://w3id.org/kgx/id/film/welcome-to-the-usa> ."));
    assert!(ttl.contains("rel.directed.possessive-feature"));
    assert!(!ttl.contains("yellow-cat> <http://www.w3.org/2000/01/rdf-schema#label>"));
}

#[test]
fn filters_choose_the_part() {
    let d = tmp();
    ingest_sample(d.path());
    let edge_rows = |csv: &str| -> Vec<Vec<String>> {
        csv.split_once("\n\n")
            .unwrap()
            .1
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let node_types = |csv: &str| -> HashSet<String> {
        csv.split_once("\n\n")
            .unwrap()
            .0
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(2).unwrap().to_string())
            .collect()
    };
    let typed = export(d.path(), &["--format", "csv", "--types", "Person,Film"]);
    assert_eq!(
        node_types(&typed),
        HashSet::from(["Person".to_string(), "Film".to_string()])
    );
    // A class includes its subclasses.
    let places = export(d.path(), &["--format", "csv", "--types", "Place"]);
    assert!(node_types(&places).contains("City") && node_types(&places).contains("Country"));
    let directed = export(
        d.path(),
        &["--format", "csv", "--predicates", "directed,premieredAt"],
    );
    let rows = edge_rows(&directed);
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| r[3] == "directed" || r[3] == "premieredAt"));
    let recent = export(d.path(), &["--format", "csv", "--since", "2021"]);
    let rows = edge_rows(&recent);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r[5].as_str() >= "2021-01-01"),
        "{recent}"
    );
    let older = export(
        d.path(),
        &[
            "--format",
            "csv",
            "--since",
            "2018",
            "--until",
            "2020-12-31",
        ],
    );
    assert!(edge_rows(&older)
        .iter()
        .all(|r| r[6].as_str() <= "2020-12-31"));
    assert!(!older.contains("Welcome to the USA"));

    let q = d.path().join("chain.rq");
    std::fs::write(
        &q,
        "PREFIX kgx: <https://w3id.org/kgx/ontology#>
CONSTRUCT { ?d kgx:directed ?film . ?film kgx:premieredAt ?f }
WHERE { ?d kgx:directed ?film . ?film kgx:premieredAt ?f }",
    )
    .unwrap();
    let chain = export(
        d.path(),
        &["--format", "csv", "--query", q.to_str().unwrap()],
    );
    let rows = edge_rows(&chain);
    assert_eq!(rows.len(), 6, "{chain}");
    assert!(node_types(&chain)
        .iter()
        .all(|t| ["Person", "Film", "Festival"].contains(&t.as_str())));

    for (args, needle) in [
        (
            vec!["--format", "csv", "--types", "Bogus"],
            "unknown class `Bogus`",
        ),
        (
            vec!["--format", "csv", "--predicates", "bogus"],
            "unknown property `bogus`",
        ),
        (
            vec!["--format", "graphml", "--no-provenance"],
            "--no-provenance",
        ),
        (
            vec!["--format", "dot", "--focus", "Nobody Atall Xyzzy"],
            "no entity matches",
        ),
        (
            vec!["--format", "dot", "--since", "2022", "--until", "2021"],
            "after --until",
        ),
        (
            vec!["--format", "dot", "--query", "nonexistent.rq"],
            "nonexistent.rq",
        ),
    ] {
        let mut all = vec!["export"];
        all.extend(args);
        let o = kgx(d.path(), &all);
        assert!(!o.status.success(), "{all:?} should fail");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{all:?}: {err}");
    }
    let select = d.path().join("select.rq");
    std::fs::write(&select, "SELECT * WHERE { ?s ?p ?o }").unwrap();
    let o = kgx(
        d.path(),
        &[
            "export",
            "--format",
            "dot",
            "--query",
            select.to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("CONSTRUCT"));
}

#[test]
fn unicode_and_quotes_survive_every_format() {
    let d = tmp();
    ingest_sample(d.path());
    let article = d.path().join("unicode-test.md");
    std::fs::write(&article, UNICODE_ARTICLE).unwrap();
    ok(kgx(d.path(), &["ingest", article.to_str().unwrap()]));
    let labels = [
        "Ნინო Კირტაძე",
        "Ნისლი",
        "Анна Иванова",
        "L'Été Ёлки",
        "Zoë O'Brien-Łukasz",
    ];
    let xml = |s: &str| s.replace('\'', "&apos;");

    let graphml = export(d.path(), &["--format", "graphml"]);
    let gexf = export(d.path(), &["--format", "gexf"]);
    let dot = export(d.path(), &["--format", "dot"]);
    let csv = export(d.path(), &["--format", "csv"]);
    let cy: serde_json::Value =
        serde_json::from_str(&export(d.path(), &["--format", "cytoscape"])).unwrap();
    let cy_labels: HashSet<&str> = cy["elements"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["data"]["label"].as_str().unwrap())
        .collect();
    for l in labels {
        assert!(
            graphml.contains(&format!(">{}</data>", xml(l))),
            "graphml {l}"
        );
        assert!(gexf.contains(&format!(r#"label="{}""#, xml(l))), "gexf {l}");
        assert!(dot.contains(&format!("label=\"{l}\"")), "dot {l}");
        assert!(csv.contains(&format!(",{l},")), "csv {l}");
        assert!(cy_labels.contains(l), "cytoscape {l}");
    }
    // The title's quotes, ampersand and angle brackets in the RDF formats.
    let title = r#"Тбилиси & Beyond: the <New> \"Wave\" of L'Été"#;
    assert!(export(d.path(), &["--format", "nt"]).contains(title));
    assert!(export(d.path(), &["--format", "nq"]).contains(title));
    assert!(export(d.path(), &["--format", "ttl"]).contains(title));
    let jsonld: serde_json::Value =
        serde_json::from_str(&export(d.path(), &["--format", "jsonld"])).unwrap();
    assert!(jsonld.to_string().contains(title));
    assert!(root().join("data/articles").is_dir());
}
