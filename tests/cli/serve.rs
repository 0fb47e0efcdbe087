//! `kgx serve`: the real binary serving a temporary store, real HTTP requests over TCP (a minimal
//! HTTP/1.1 client below), answers compared with `kgx query`'s.

use crate::{ingest_sample, kgx, ok, root, seed, stderr, tmp};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `kgx serve`, stopped when dropped (also when a test panics).
struct Server {
    child: Child,
    addr: String,
    log: std::path::PathBuf,
}

impl Server {
    /// Starts `kgx serve` on a free loopback port with the store in `dir`, and waits until it
    /// accepts connections.
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let log = dir.join("serve.log");
        let child = Command::new(env!("CARGO_BIN_EXE_kgx"))
            .args(["serve", "--bind", &addr])
            .args(extra)
            .env("KGX_STORE", dir.join("store"))
            .env("KGX_RESOURCES", root())
            .env_remove("KGX_TOKEN")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("kgx serve starts");
        let mut server = Server { child, addr, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&server.addr).is_err() {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("kgx serve exited ({status}): {}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "kgx serve did not start: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        http(&self.addr, "GET", path, headers, "")
    }

    fn post(&self, path: &str, content_type: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut h = vec![("Content-Type", content_type)];
        h.extend_from_slice(headers);
        http(&self.addr, "POST", path, &h, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`, body read to the end).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Percent-encodes a query-string value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn bundled(name: &str) -> String {
    std::fs::read_to_string(root().join("queries").join(format!("{name}.rq"))).unwrap()
}

/// Triples of an RDF document, parsed with oxigraph.
fn parse_rdf(text: &str, format: oxigraph::io::RdfFormat) -> Vec<oxigraph::model::Quad> {
    oxigraph::io::RdfParser::from_format(format)
        .for_slice(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}: {text}"))
}

const CONSTRUCT: &str = "PREFIX kgx: <https://w3id.org/kgx/ontology#> \
    CONSTRUCT { ?d kgx:directed ?f } WHERE { ?d kgx:directed ?f }";

#[test]
fn serve_answers_like_kgx_query_and_refuses_updates() {
    let d = tmp();
    ingest_sample(d.path());
    let dir = d.path();
    // What `kgx query` says (before serving: the server holds the store).
    let chain = bundled("premiere-chain");
    let expected: serde_json::Value =
        serde_json::from_str(&ok(kgx(dir, &["query", &chain, "--format", "json"]))).unwrap();
    assert!(!expected["results"]["bindings"]
        .as_array()
        .unwrap()
        .is_empty());
    let expected_nt = ok(kgx(dir, &["query", CONSTRUCT, "--format", "nt"]));
    let graph = "https://w3id.org/kgx/article/welcome-to-the-usa";
    let count_q = format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let graph_len: usize = serde_json::from_str::<serde_json::Value>(&ok(kgx(
        dir,
        &["query", &count_q, "--format", "json"],
    )))
    .unwrap()["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let quads_before = crate::quads(dir);

    let server = Server::start(dir, &["--max-results", "1000"]);
    assert!(
        server.log().contains(&format!(
            "serving {} at http://{}/sparql (read-only)",
            dir.join("store").display(),
            server.addr
        )),
        "{}",
        server.log()
    );

    // SELECT, GET, JSON by default: the same answer as `kgx query --format json`.
    let r = server.get(&format!("/sparql?query={}", enc(&chain)), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("Content-Type"),
        Some("application/sparql-results+json; charset=utf-8")
    );
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(r.json(), expected);

    // POST, form-encoded, XML by Accept; POST application/sparql-query, CSV by `format=`.
    let r = server.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        &[("Accept", "application/sparql-results+xml")],
        &format!("query={}", enc(&chain)),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("application/sparql-results+xml"));
    assert!(
        r.body.contains("<sparql") && r.body.contains("Assel Aushakimova"),
        "{}",
        r.body
    );
    let r = server.post(
        "/sparql?format=csv",
        "application/sparql-query",
        &[],
        &chain,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("Content-Type").unwrap().starts_with("text/csv"));
    assert_eq!(
        r.body.lines().count(),
        1 + expected["results"]["bindings"].as_array().unwrap().len()
    );

    // CONSTRUCT: Turtle by default, the triples of `kgx query --format nt`; N-Triples on request.
    let r = server.get(&format!("/sparql?query={}", enc(CONSTRUCT)), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("Content-Type").unwrap().starts_with("text/turtle"));
    let mut got = parse_rdf(&r.body, oxigraph::io::RdfFormat::Turtle);
    let mut want = parse_rdf(&expected_nt, oxigraph::io::RdfFormat::NTriples);
    got.sort_by_key(|q| q.to_string());
    want.sort_by_key(|q| q.to_string());
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let r = server.get(
        &format!("/sparql?query={}", enc(CONSTRUCT)),
        &[("Accept", "application/ld+json")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.trim_start().starts_with(['[', '{']), "{}", r.body);
    let r = server.get(
        &format!("/sparql?query={}", enc(CONSTRUCT)),
        &[("Accept", "application/sparql-results+json")],
    );
    assert_eq!(r.status, 406, "{}", r.body);

    // Named graphs: `named-graph-uri` replaces the union default graph.
    let ask = "ASK { ?s ?p ?o }";
    let r = server.get(
        &format!("/sparql?query={}&named-graph-uri={}", enc(ask), enc(graph)),
        &[],
    );
    assert_eq!(
        r.json()["boolean"],
        false,
        "the default graph is empty then"
    );
    let r = server.get(
        &format!(
            "/sparql?query={}&default-graph-uri={}",
            enc(ask),
            enc(graph)
        ),
        &[],
    );
    assert_eq!(r.json()["boolean"], true);

    // The service description, CORS preflight, the page.
    let r = server.get("/sparql", &[]);
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("sd:Service") && r.body.contains("sd:UnionDefaultGraph"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&format!("<http://{}/sparql>", server.addr)),
        "{}",
        r.body
    );
    let r = http(&server.addr, "OPTIONS", "/sparql", &[], "");
    assert_eq!(r.status, 204);
    assert!(r
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .contains("Authorization"));
    let r = server.get("/", &[]);
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("<textarea") && r.body.contains("fetch("),
        "{}",
        r.body
    );

    // Graph Store Protocol reads.
    let r = server.get(
        &format!("/store?graph={}", enc(graph)),
        &[("Accept", "application/n-triples")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        parse_rdf(&r.body, oxigraph::io::RdfFormat::NTriples).len(),
        graph_len
    );
    let r = server.get(
        &format!("/store?graph={}", enc("https://example.org/none")),
        &[],
    );
    assert_eq!(r.status, 404, "{}", r.body);

    // Errors: a malformed query (400, with the position), the result cap (500, clear), and an
    // update on the read-only server (403) — and the server keeps answering.
    let r = server.get(
        &format!("/sparql?query={}", enc("SELECT ?s WHERE { ?s ?p")),
        &[],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.body.starts_with("invalid SPARQL query: error at 1:"),
        "{}",
        r.body
    );
    let r = server.get(
        &format!("/sparql?query={}", enc("SELECT * WHERE { ?s ?p ?o }")),
        &[],
    );
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains("result too large: more than 1000 rows"),
        "{}",
        r.body
    );
    let update = format!("DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let r = server.post("/sparql", "application/sparql-update", &[], &update);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("read-only"), "{}", r.body);
    let r = server.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        &[("Authorization", "Bearer guess")],
        &format!("update={}", enc(&update)),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = server.get(&format!("/sparql?query={}", enc(&chain)), &[]);
    assert_eq!(r.json(), expected, "still serving, nothing deleted");

    // Concurrency: an ingest while serving is refused cleanly (exit 3) and changes nothing.
    let o = kgx(dir, &["ingest", seed().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is in use by another kgx process"),
        "{}",
        stderr(&o)
    );
    let r = server.get(&format!("/sparql?query={}", enc(&chain)), &[]);
    assert_eq!(r.status, 200);
    drop(server);
    assert_eq!(crate::quads(dir), quads_before);
}

#[test]
fn an_overlong_query_times_out_and_the_server_keeps_serving() {
    let d = tmp();
    ingest_sample(d.path());
    let server = Server::start(d.path(), &["--timeout", "1"]);
    let cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
    let started = Instant::now();
    let r = server.get(&format!("/sparql?query={}", enc(cross)), &[]);
    let took = started.elapsed();
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.starts_with("query exceeded the 1 s timeout"),
        "{}",
        r.body
    );
    assert!(took < Duration::from_secs(10), "answered after {took:?}");
    // Rows are checked too: a cross join that streams rows stops as well.
    let rows = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let r = server.get(&format!("/sparql?query={}", enc(rows)), &[]);
    assert_eq!(r.status, 503, "{}", r.body);
    // Still serving.
    let r = server.get(&format!("/sparql?query={}", enc("ASK { ?s ?p ?o }")), &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["boolean"], true);
}

#[test]
fn a_writable_server_needs_the_token() {
    let d = tmp();
    ingest_sample(d.path());
    let dir = d.path();
    // --writable without a token is refused before anything starts.
    let o = kgx(dir, &["serve", "--writable", "--bind", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--writable needs a token"),
        "{}",
        stderr(&o)
    );

    let nq = ok(kgx(
        dir,
        &["extract", "--format", "nq", seed().to_str().unwrap()],
    ));
    let before = crate::quads(dir);
    let server = Server::start(dir, &["--writable", "--token", "s3cret"]);
    assert!(
        server.log().contains("(writable with the bearer token)"),
        "{}",
        server.log()
    );
    let insert = "INSERT DATA { GRAPH <https://example.org/notes> { <https://example.org/a> <https://example.org/b> \"c\" } }";
    let r = server.post("/sparql", "application/sparql-update", &[], insert);
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.header("WWW-Authenticate"), Some("Bearer realm=\"kgx\""));
    let r = server.post(
        "/sparql",
        "application/sparql-update",
        &[("Authorization", "Bearer wrong")],
        insert,
    );
    assert_eq!(r.status, 401, "{}", r.body);
    let auth = [("Authorization", "Bearer s3cret")];
    let r = server.post("/sparql", "application/sparql-update", &auth, insert);
    assert_eq!(r.status, 204, "{}", r.body);
    let ask = "ASK { <https://example.org/a> ?p \"c\" }";
    let r = server.get(&format!("/sparql?query={}", enc(ask)), &[]);
    assert_eq!(r.json()["boolean"], true);
    // Ingest through the server: PUT N-Quads replaces each graph they name (idempotent).
    let r = server.post("/store", "application/n-quads", &auth, &nq);
    assert_eq!(r.status, 405, "{}", r.body);
    let mut h = vec![("Content-Type", "application/n-quads")];
    h.extend_from_slice(&auth);
    let r = http(&server.addr, "PUT", "/store", &h, &nq);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with("replaced 1 graph with "), "{}", r.body);
    let r = http(&server.addr, "PUT", "/store", &h[..1], &nq);
    assert_eq!(r.status, 401, "{}", r.body);
    drop(server);
    assert_eq!(
        crate::quads(dir),
        before + 1,
        "the same article graph, plus the note"
    );
}
