//! `kgx serve`: the knowledge base as a SPARQL 1.1 endpoint over HTTP.
//!
//! - `/sparql` — the [SPARQL 1.1 Protocol]: `GET ?query=`, `POST` form-encoded (`query=` or
//!   `update=`), `POST` `application/sparql-query` and `application/sparql-update`, the
//!   `default-graph-uri` / `named-graph-uri` parameters, content negotiation on `Accept` (a
//!   `format=` or `output=` parameter overrides it), and a service description (Turtle by
//!   default) when `GET` carries no query.
//! - `/store` — Graph Store Protocol reads: `GET /store?graph=IRI` (404 when the store has no such
//!   graph) and `GET /store?default` (the default graph, i.e. the union of all graphs).
//! - `/` — a small HTML page with a query box and a result table.
//!
//! Every response carries `Access-Control-Allow-Origin: *`, and `OPTIONS` answers CORS preflights.
//!
//! **Defaults.** As on the command line, the default graph is the union of all named graphs
//! (`sd:UnionDefaultGraph`; kgx keeps it materialized, each triple once, in the graph
//! `https://w3id.org/kgx/graph/union`) unless the query names its own dataset (`FROM` / `FROM NAMED`) or the
//! request carries `default-graph-uri` / `named-graph-uri`, which then define the dataset exactly
//! as the protocol says (the graphs not named are not visible).
//!
//! **Read-only by default.** SPARQL UPDATE gets `403 Forbidden` unless the server was started with
//! `--writable --token TOKEN`; then an update needs `Authorization: Bearer TOKEN` (`401` when the
//! token is missing or wrong). An update's `WHERE` sees the store's own default graph (empty
//! unless an update wrote to it), not the union: match article data with `GRAPH ?g { … }`.
//!
//! **Limits.** A query is cancelled after `--timeout` seconds (oxigraph's `CancellationToken`,
//! cancelled by a watchdog thread) and answered `503 Service Unavailable` with "query exceeded the
//! 10 s timeout". Results are produced in full before the first byte is sent, so every failure
//! gets a proper status code: a result over `--max-results` rows (SELECT) or triples
//! (CONSTRUCT/DESCRIBE, graph reads) is an **error**, `500` with a message naming the limit —
//! never a silently truncated answer (SPARQL 1.1 Protocol §2.1.4: a refused query is a 500 or
//! 503). A malformed query is `400` with the parser's message and position.
//!
//! **Concurrency.** The server holds the RocksDB store open read-write for its whole life, the
//! same lock `kgx ingest` takes. So a `kgx ingest` (or `remove`, `query`, …) in another process
//! fails at once with "store … is in use by another kgx process" (exit code 3) and touches
//! nothing; stop the server to ingest, or, with `--writable`, write through the endpoint (SPARQL
//! UPDATE, or `PUT /store` with N-Quads, which replaces each graph the data names). Inside the
//! server, each query reads a consistent snapshot, and each update is one transaction.
//!
//! [SPARQL 1.1 Protocol]: https://www.w3.org/TR/sparql11-protocol/

use crate::error::{Error, Result};
use crate::kb::store::Kb;
use oxhttp::model::header::{
    HeaderName, ACCEPT, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, ALLOW, AUTHORIZATION, CONTENT_TYPE, HOST,
    VARY, WWW_AUTHENTICATE,
};
use oxhttp::model::{Body, Method, Request, Response, StatusCode};
use oxhttp::Server;
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{
    BlankNode, GraphName, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple,
};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Read;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Serve the store as a SPARQL 1.1 endpoint (read-only unless --writable).
///
/// `/sparql` speaks the SPARQL 1.1 Protocol (GET and POST; JSON, XML, CSV, TSV results; Turtle,
/// N-Triples, N-Quads, JSON-LD, RDF/XML graphs; a service description without a query),
/// `/store?graph=IRI` returns one graph, `/` is a query page. The server holds the store: stop it
/// before `kgx ingest` (which otherwise fails with "store in use", exit 3).
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address (host:port) to listen on. Anything but a loopback address exposes the store to
    /// the network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    pub bind: String,
    /// Allow SPARQL UPDATE and Graph Store writes (PUT /store), for clients that send
    /// `Authorization: Bearer TOKEN`. Needs --token.
    #[arg(long)]
    pub writable: bool,
    /// The bearer token that writes must carry (required with --writable).
    #[arg(long, value_name = "TOKEN", env = "KGX_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Cancel a query (or update) after this many seconds: the client gets 503 and a message.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Refuse a result of more than N rows (SELECT) or triples (CONSTRUCT, DESCRIBE, graph reads)
    /// with a clear error (500) instead of truncating it.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_results: usize,
    /// Serve at most N connections at once (one thread each; more wait for a free one), and
    /// evaluate at most N queries at once (more get 503 until one ends).
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub threads: usize,
}

/// Requests larger than this are refused (413).
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// What a request handler needs: the store and the options.
struct State {
    store: Store,
    path: PathBuf,
    writable: bool,
    token: Option<String>,
    timeout: Duration,
    max_results: usize,
    /// The address we listen on, for the service description when a client sends no Host.
    bind: String,
    /// At most this many queries evaluate at once (`--threads`).
    threads: usize,
    /// Queries evaluating now, cancelled ones that are still stopping included.
    running: AtomicUsize,
}

/// Runs the server until the process is stopped.
pub fn run(kb: Kb, args: &ServeArgs) -> Result<()> {
    let token = args.token.clone().filter(|t| !t.is_empty());
    if args.writable && token.is_none() {
        return Err(Error::Other(
            "--writable needs a token: --token TOKEN (or KGX_TOKEN=TOKEN); clients then send `Authorization: Bearer TOKEN`".into(),
        ));
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(Error::Other(format!(
            "--timeout {}: give a number of seconds above 0",
            args.timeout
        )));
    }
    if args.threads == 0 || args.max_results == 0 {
        return Err(Error::Other(
            "--threads and --max-results must be at least 1".into(),
        ));
    }
    let addrs: Vec<SocketAddr> = args
        .bind
        .to_socket_addrs()
        .map_err(|e| Error::Other(format!("--bind {}: {e}", args.bind)))?
        .collect();
    if addrs.is_empty() {
        return Err(Error::Other(format!(
            "--bind {}: resolves to no address",
            args.bind
        )));
    }
    let state = Arc::new(State {
        store: kb.store.clone(),
        path: kb.path.clone(),
        writable: args.writable,
        token,
        timeout: Duration::from_secs_f64(args.timeout),
        max_results: args.max_results,
        bind: args.bind.clone(),
        threads: args.threads,
        running: AtomicUsize::new(0),
    });
    let handler_state = Arc::clone(&state);
    let mut server = Server::new(move |req| respond(&handler_state, req, true))
        .with_global_timeout(Duration::from_secs(60).max(state.timeout))
        .with_max_concurrent_connections(args.threads)
        .with_server_name(format!("kgx/{}", env!("CARGO_PKG_VERSION")))
        .map_err(|e| Error::Other(e.to_string()))?;
    for a in &addrs {
        server = server.bind(*a);
    }
    let listening = server
        .spawn()
        .map_err(|e| Error::Other(format!("cannot listen on {}: {e}", args.bind)))?;
    let mode = if args.writable {
        "writable with the bearer token"
    } else {
        "read-only"
    };
    eprintln!(
        "kgx: serving {} at http://{}/sparql ({mode})",
        state.path.display(),
        args.bind
    );
    if args.writable && addrs.iter().any(|a| !a.ip().is_loopback()) {
        eprintln!("kgx: warning: the token travels in clear text over plain HTTP; prefer a loopback --bind behind a TLS proxy");
    }
    listening
        .join()
        .map_err(|e| Error::Other(format!("server stopped: {e}")))
}

// ---------------------------------------------------------------------------------------------
// Errors as HTTP answers.

/// A failed request: its status and a plain-text message for the client.
#[derive(Debug)]
struct HttpError {
    status: StatusCode,
    message: String,
    headers: Vec<(HeaderName, String)>,
}

impl HttpError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            message: message.into(),
            headers: Vec::new(),
        }
    }
    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    fn into_response(self) -> Response<Body> {
        let mut b = Response::builder()
            .status(self.status)
            .header(CONTENT_TYPE, "text/plain; charset=utf-8");
        for (k, v) in self.headers {
            b = b.header(k, v);
        }
        let mut msg = self.message;
        msg.push('\n');
        b.body(Body::from(msg))
            .unwrap_or_else(|_| Response::new(Body::empty()))
    }
}

type HttpResult = std::result::Result<Response<Body>, HttpError>;

fn ok(content_type: &str, body: impl Into<Body>) -> HttpResult {
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, content_type)
        .body(body.into())
        .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

fn method_not_allowed(allow: &str) -> HttpError {
    HttpError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed here (allowed: {allow})"),
    )
    .with_header(ALLOW, allow)
}

// ---------------------------------------------------------------------------------------------
// Dispatch.

/// Answers one request: routes it, turns errors and panics into plain-text answers, adds the
/// CORS headers, and (when `log`) writes one line to stderr.
fn respond(state: &Arc<State>, req: &mut Request<Body>, log: bool) -> Response<Body> {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| route(state, req)));
    let mut resp = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(_) => HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while answering this request (see the server's log)",
        )
        .into_response(),
    };
    let h = resp.headers_mut();
    h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, "*".parse().unwrap());
    h.append(VARY, "Accept".parse().unwrap());
    if method == Method::HEAD {
        *resp.body_mut() = Body::empty();
    }
    if log {
        eprintln!(
            "kgx: {method} {path} {} {:.1} ms",
            resp.status().as_u16(),
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
    resp
}

fn route(state: &Arc<State>, req: &mut Request<Body>) -> HttpResult {
    let path = req.uri().path().to_string();
    if req.method() == Method::OPTIONS {
        return preflight();
    }
    match path.as_str() {
        "/" | "/index.html" => match *req.method() {
            Method::GET | Method::HEAD => ok("text/html; charset=utf-8", PAGE),
            _ => Err(method_not_allowed("GET, HEAD, OPTIONS")),
        },
        "/sparql" | "/query" => sparql(state, req),
        "/store" => graph_store(state, req),
        _ => Err(HttpError::new(
            StatusCode::NOT_FOUND,
            format!("no such resource: {path} (the SPARQL endpoint is /sparql, graphs are at /store?graph=IRI, a query page at /)"),
        )),
    }
}

/// The answer to a CORS preflight. (oxhttp 0.3 never writes `Access-Control-Allow-Methods`, which it
/// lists as a forbidden name by mistake; browsers then allow the safelisted GET, HEAD and POST,
/// which is all a SPARQL client needs.)
fn preflight() -> HttpResult {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(
            ACCESS_CONTROL_ALLOW_METHODS,
            "GET, HEAD, POST, PUT, OPTIONS",
        )
        .header(
            ACCESS_CONTROL_ALLOW_HEADERS,
            "Accept, Authorization, Content-Type",
        )
        .header(ACCESS_CONTROL_MAX_AGE, "86400")
        .body(Body::empty())
        .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

fn header(req: &Request<Body>, name: HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The media type of the request body, lower-cased, without parameters.
fn content_type(req: &Request<Body>) -> String {
    header(req, CONTENT_TYPE)
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn read_body(req: &mut Request<Body>) -> std::result::Result<Vec<u8>, HttpError> {
    let mut buf = Vec::new();
    req.body_mut()
        .take(MAX_BODY + 1)
        .read_to_end(&mut buf)
        .map_err(|e| HttpError::bad(format!("cannot read the request body: {e}")))?;
    if buf.len() as u64 > MAX_BODY {
        return Err(HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body over {} MiB", MAX_BODY / 1024 / 1024),
        ));
    }
    Ok(buf)
}

fn body_text(req: &mut Request<Body>) -> std::result::Result<String, HttpError> {
    String::from_utf8(read_body(req)?)
        .map_err(|e| HttpError::bad(format!("the request body is not UTF-8: {e}")))
}

// ---------------------------------------------------------------------------------------------
// Parameters.

/// Decodes `application/x-www-form-urlencoded` text (a URL's query string or a form body) into
/// its (name, value) pairs, in order: `+` is a space, `%XX` a byte (invalid UTF-8 is replaced).
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request's parameters: the URL's query string, then a form body's fields.
struct Params(Vec<(String, String)>);

impl Params {
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
    /// At most one value of `name`.
    fn one<'a>(&'a self, name: &'a str) -> std::result::Result<Option<&'a str>, HttpError> {
        let mut it = self.all(name);
        let first = it.next();
        if it.next().is_some() {
            return Err(HttpError::bad(format!(
                "the parameter `{name}` is given more than once"
            )));
        }
        Ok(first)
    }
    /// The values of the `format` and `output` parameters (the result-format overrides).
    fn formats(&self) -> Vec<&str> {
        self.all("format").chain(self.all("output")).collect()
    }
    fn iris(&self, name: &str) -> std::result::Result<Vec<NamedNode>, HttpError> {
        self.all(name)
            .map(|v| {
                NamedNode::new(v)
                    .map_err(|e| HttpError::bad(format!("{name}={v}: not an IRI: {e}")))
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Content negotiation.

/// What a response holds: solutions or a boolean (SELECT, ASK), or triples (CONSTRUCT, DESCRIBE,
/// graphs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Results,
    Graph,
}

/// The formats the endpoint writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    NTriples,
    NQuads,
    JsonLd,
    RdfXml,
}

impl Format {
    /// In order of preference: the first is the default.
    const RESULTS: [Format; 4] = [Format::Json, Format::Xml, Format::Csv, Format::Tsv];
    const GRAPHS: [Format; 5] = [
        Format::Turtle,
        Format::NTriples,
        Format::NQuads,
        Format::JsonLd,
        Format::RdfXml,
    ];

    fn offers(kind: Kind) -> &'static [Format] {
        match kind {
            Kind::Results => &Self::RESULTS,
            Kind::Graph => &Self::GRAPHS,
        }
    }

    /// The media types that select this format (the first is the one sent).
    fn media_types(self) -> &'static [&'static str] {
        match self {
            Format::Json => &["application/sparql-results+json", "application/json"],
            Format::Xml => &[
                "application/sparql-results+xml",
                "application/xml",
                "text/xml",
            ],
            Format::Csv => &["text/csv"],
            Format::Tsv => &["text/tab-separated-values"],
            Format::Turtle => &[
                "text/turtle",
                "application/x-turtle",
                "text/n3",
                "text/rdf+n3",
            ],
            Format::NTriples => &["application/n-triples"],
            Format::NQuads => &["application/n-quads"],
            Format::JsonLd => &["application/ld+json", "application/json"],
            Format::RdfXml => &["application/rdf+xml", "application/xml", "text/xml"],
        }
    }

    /// The short names accepted by `format=` / `output=` (SPARQLWrapper sends these).
    fn names(self) -> &'static [&'static str] {
        match self {
            Format::Json => &["json", "srj"],
            Format::Xml => &["xml", "srx"],
            Format::Csv => &["csv"],
            Format::Tsv => &["tsv"],
            Format::Turtle => &["turtle", "ttl", "n3"],
            Format::NTriples => &["nt", "ntriples", "n-triples"],
            Format::NQuads => &["nq", "nquads", "n-quads"],
            Format::JsonLd => &["jsonld", "json-ld", "json"],
            Format::RdfXml => &["rdfxml", "rdf+xml", "rdf", "xml", "owl"],
        }
    }

    /// The Content-Type of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/sparql-results+json; charset=utf-8",
            Format::Xml => "application/sparql-results+xml; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Tsv => "text/tab-separated-values; charset=utf-8",
            Format::Turtle => "text/turtle; charset=utf-8",
            Format::NTriples => "application/n-triples; charset=utf-8",
            Format::NQuads => "application/n-quads; charset=utf-8",
            Format::JsonLd => "application/ld+json; charset=utf-8",
            Format::RdfXml => "application/rdf+xml; charset=utf-8",
        }
    }

    fn results_format(self) -> Option<QueryResultsFormat> {
        match self {
            Format::Json => Some(QueryResultsFormat::Json),
            Format::Xml => Some(QueryResultsFormat::Xml),
            Format::Csv => Some(QueryResultsFormat::Csv),
            Format::Tsv => Some(QueryResultsFormat::Tsv),
            _ => None,
        }
    }

    fn rdf_format(self) -> Option<RdfFormat> {
        match self {
            Format::Turtle => Some(RdfFormat::Turtle),
            Format::NTriples => Some(RdfFormat::NTriples),
            Format::NQuads => Some(RdfFormat::NQuads),
            Format::JsonLd => RdfFormat::from_extension("jsonld"),
            Format::RdfXml => Some(RdfFormat::RdfXml),
            _ => None,
        }
    }

    /// The W3C format IRI (for the service description).
    fn iri(self) -> &'static str {
        if self == Format::JsonLd {
            return "http://www.w3.org/ns/formats/JSON-LD";
        }
        match (self.results_format(), self.rdf_format()) {
            (Some(f), _) => f.iri(),
            (_, Some(f)) => f.iri(),
            _ => "",
        }
    }
}

/// Chooses the response format: a `format=`/`output=` value naming a format of this kind wins
/// (the first that does); else the best `Accept` match (q-values, `type/*`, `*/*`; ties go to the
/// server's preference: JSON for results, Turtle for graphs); no `Accept` means the default.
/// The error is the message of a 406.
pub fn negotiate(
    kind: Kind,
    accept: Option<&str>,
    format_params: &[&str],
) -> std::result::Result<Format, String> {
    let offers = Format::offers(kind);
    let available = || {
        offers
            .iter()
            .map(|f| f.media_types()[0])
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !format_params.is_empty() {
        for p in format_params {
            let p = p.trim().to_ascii_lowercase();
            let p = p.split(';').next().unwrap_or("").trim();
            if let Some(f) = offers
                .iter()
                .find(|f| f.names().contains(&p) || f.media_types().contains(&p))
            {
                return Ok(*f);
            }
        }
        return Err(format!(
            "format={}: not a format for this result; available: {} (short names: {})",
            format_params.join(","),
            available(),
            offers
                .iter()
                .map(|f| f.names()[0])
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let accept = match accept.map(str::trim) {
        None | Some("") => return Ok(offers[0]),
        Some(a) => a,
    };
    // (type, subtype, q)
    let ranges: Vec<(String, String, f32)> = accept
        .split(',')
        .filter_map(|r| {
            let mut parts = r.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let (t, s) = media.split_once('/')?;
            let mut q = 1.0f32;
            for p in parts {
                if let Some((k, v)) = p.split_once('=') {
                    if k.trim().eq_ignore_ascii_case("q") {
                        q = v.trim().parse().unwrap_or(0.0);
                    }
                }
            }
            Some((t.trim().to_string(), s.trim().to_string(), q))
        })
        .collect();
    // The q of a media type: from the most specific range that matches it.
    let q_of = |media: &str| -> f32 {
        let (t, s) = media.split_once('/').unwrap_or((media, ""));
        let mut best: Option<(u8, f32)> = None;
        for (rt, rs, q) in &ranges {
            let spec = if rt == t && rs == s {
                3
            } else if rt == t && rs == "*" {
                2
            } else if rt == "*" && rs == "*" {
                1
            } else {
                continue;
            };
            if best.is_none_or(|(b, _)| spec > b) {
                best = Some((spec, *q));
            }
        }
        best.map_or(0.0, |(_, q)| q)
    };
    let mut chosen: Option<(Format, f32)> = None;
    for f in offers {
        let q = f
            .media_types()
            .iter()
            .map(|m| q_of(m))
            .fold(0.0f32, f32::max);
        if q > 0.0 && chosen.is_none_or(|(_, b)| q > b) {
            chosen = Some((*f, q));
        }
    }
    chosen.map(|(f, _)| f).ok_or_else(|| {
        format!(
            "none of the accepted media types ({accept}) is available for this result; available: {}",
            available()
        )
    })
}

fn not_acceptable(message: String) -> HttpError {
    HttpError::new(StatusCode::NOT_ACCEPTABLE, message)
}

// ---------------------------------------------------------------------------------------------
// /sparql

/// One SPARQL request, as the protocol's parameters say.
struct Operation {
    query: Option<String>,
    update: Option<String>,
    params: Params,
}

fn read_operation(req: &mut Request<Body>) -> std::result::Result<Operation, HttpError> {
    let mut params = parse_form(req.uri().query().unwrap_or(""));
    let mut query = None;
    let mut update = None;
    match *req.method() {
        Method::GET | Method::HEAD => {}
        Method::POST => match content_type(req).as_str() {
            "application/x-www-form-urlencoded" => {
                let body = body_text(req)?;
                params.extend(parse_form(&body));
            }
            "application/sparql-query" => query = Some(body_text(req)?),
            "application/sparql-update" => update = Some(body_text(req)?),
            "" => {
                return Err(HttpError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "a POST needs a Content-Type: application/x-www-form-urlencoded, application/sparql-query or application/sparql-update",
                ))
            }
            other => {
                return Err(HttpError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("Content-Type {other} is not supported: use application/x-www-form-urlencoded, application/sparql-query or application/sparql-update"),
                ))
            }
        },
        _ => return Err(method_not_allowed("GET, HEAD, POST, OPTIONS")),
    }
    let params = Params(params);
    if query.is_none() {
        query = params.one("query")?.map(str::to_string);
    } else if params.has("query") {
        return Err(HttpError::bad(
            "the query is both in the body and in a `query` parameter",
        ));
    }
    if update.is_none() {
        update = params.one("update")?.map(str::to_string);
    } else if params.has("update") {
        return Err(HttpError::bad(
            "the update is both in the body and in an `update` parameter",
        ));
    }
    if query.is_some() && update.is_some() {
        return Err(HttpError::bad(
            "a request carries a query or an update, not both",
        ));
    }
    Ok(Operation {
        query,
        update,
        params,
    })
}

fn sparql(state: &Arc<State>, req: &mut Request<Body>) -> HttpResult {
    let op = read_operation(req)?;
    let accept = header(req, ACCEPT).map(str::to_string);
    if let Some(update) = &op.update {
        return run_update(state, req, update, &op.params);
    }
    match &op.query {
        Some(q) => run_query(state, q, &op.params, accept.as_deref()),
        None if matches!(*req.method(), Method::GET | Method::HEAD) => {
            let host = header(req, HOST).unwrap_or(&state.bind).to_string();
            service_description(state, &host, accept.as_deref(), &op.params.formats())
        }
        None => Err(HttpError::bad(
            "no query: send `query=` (or `update=`) or a SPARQL body",
        )),
    }
}

/// Cancels a query when its time is up, unless dropped first.
/// Cancels a query's token when `timeout` passes before the watchdog is dropped.
pub(crate) struct Watchdog {
    _done: mpsc::Sender<()>,
}

impl Watchdog {
    pub(crate) fn start(token: CancellationToken, timeout: Duration) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(timeout) {
                token.cancel();
            }
        });
        Watchdog { _done: tx }
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

fn timed_out(state: &State) -> HttpError {
    HttpError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "query exceeded the {} s timeout and was cancelled (the server's --timeout); narrow it, add a LIMIT, or ask for a longer --timeout",
            seconds(state.timeout)
        ),
    )
}

fn too_large(state: &State, what: &str) -> HttpError {
    HttpError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            "result too large: more than {} {what} (the server's --max-results); add a LIMIT or ask for a larger --max-results",
            state.max_results
        ),
    )
}

fn eval_error(state: &State, e: QueryEvaluationError) -> HttpError {
    match e {
        QueryEvaluationError::Cancelled => timed_out(state),
        e => HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("query evaluation failed: {e}"),
        ),
    }
}

fn write_error(e: impl std::fmt::Display) -> HttpError {
    HttpError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("cannot serialise the results: {e}"),
    )
}

/// Runs a query on a worker thread and waits for it at most `--timeout`. On time-out the query's
/// token is cancelled and the client gets its 503 at once. oxigraph checks the token whenever the
/// evaluation reads the store or yields a row, which stops nearly every query at once; a few plans
/// (an aggregate over a huge in-memory cross product) only look at it rarely, so the worker may
/// finish later: such queries still count against `--threads` until they do.
fn run_query(state: &Arc<State>, text: &str, params: &Params, accept: Option<&str>) -> HttpResult {
    let running = state.running.load(Ordering::SeqCst);
    if running >= state.threads {
        return Err(HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the server is busy: {running} queries are running (the server's --threads), some perhaps cancelled and still stopping; try again shortly"),
        ));
    }
    let token = CancellationToken::new();
    let job = QueryJob {
        text: text.to_string(),
        default_graphs: params.iris("default-graph-uri")?,
        named_graphs: params.iris("named-graph-uri")?,
        accept: accept.map(str::to_string),
        formats: params.formats().into_iter().map(str::to_string).collect(),
    };
    let (tx, rx) = mpsc::sync_channel(1);
    let worker_state = Arc::clone(state);
    let worker_token = token.clone();
    state.running.fetch_add(1, Ordering::SeqCst);
    let spawned = std::thread::Builder::new()
        .name("kgx query".into())
        .spawn(move || {
            let started = Instant::now();
            let result = evaluate(&worker_state, &job, worker_token.clone());
            worker_state.running.fetch_sub(1, Ordering::SeqCst);
            if worker_token.is_cancelled() {
                eprintln!(
                    "kgx: a cancelled query stopped after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        state.running.fetch_sub(1, Ordering::SeqCst);
        return Err(HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot start a query thread: {e}"),
        ));
    }
    match rx.recv_timeout(state.timeout) {
        Ok(Ok((format, buf))) => ok(format.content_type(), buf),
        Ok(Err(e)) => Err(e),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            token.cancel();
            Err(timed_out(state))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while evaluating the query (see the server's log)",
        )),
    }
}

/// What a query worker needs, owned.
struct QueryJob {
    text: String,
    default_graphs: Vec<NamedNode>,
    named_graphs: Vec<NamedNode>,
    accept: Option<String>,
    formats: Vec<String>,
}

/// Parses, evaluates and serialises a query (on the worker thread).
fn evaluate(
    state: &State,
    job: &QueryJob,
    token: CancellationToken,
) -> std::result::Result<(Format, Vec<u8>), HttpError> {
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .parse_query(&job.text)
        .map_err(|e| HttpError::bad(format!("invalid SPARQL query: {e}")))?;
    if !job.default_graphs.is_empty() || !job.named_graphs.is_empty() {
        let ds = prepared.dataset_mut();
        ds.set_default_graph(
            job.default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
        ds.set_available_named_graphs(job.named_graphs.iter().cloned().map(Into::into).collect());
    } else {
        crate::kb::store::use_union_default(&mut prepared);
    }
    let results = prepared
        .on_store(&state.store)
        .execute()
        .map_err(|e| eval_error(state, e))?;
    let formats: Vec<&str> = job.formats.iter().map(String::as_str).collect();
    let kind = match results {
        QueryResults::Graph(_) => Kind::Graph,
        _ => Kind::Results,
    };
    let format = negotiate(kind, job.accept.as_deref(), &formats).map_err(not_acceptable)?;
    let mut buf = Vec::new();
    match results {
        QueryResults::Solutions(solutions) => {
            let rf = format.results_format().expect("a results format");
            let vars = solutions.variables().to_vec();
            let mut ser = QueryResultsSerializer::from_format(rf)
                .serialize_solutions_to_writer(&mut buf, vars)
                .map_err(write_error)?;
            for (i, s) in solutions.enumerate() {
                let s = s.map_err(|e| eval_error(state, e))?;
                if i >= state.max_results {
                    return Err(too_large(state, "rows"));
                }
                if token.is_cancelled() {
                    return Err(timed_out(state));
                }
                ser.serialize(&s).map_err(write_error)?;
            }
            ser.finish().map_err(write_error)?;
        }
        QueryResults::Boolean(b) => {
            let rf = format.results_format().expect("a results format");
            QueryResultsSerializer::from_format(rf)
                .serialize_boolean_to_writer(&mut buf, b)
                .map_err(write_error)?;
        }
        QueryResults::Graph(triples) => {
            let triples = triples.map(|t| {
                if token.is_cancelled() {
                    return Err(timed_out(state));
                }
                t.map_err(|e| eval_error(state, e))
            });
            write_graph(state, format, triples, &mut buf)?;
        }
    }
    Ok((format, buf))
}

/// Serialises triples in an RDF format, refusing more than `--max-results` of them.
fn write_graph(
    state: &State,
    format: Format,
    triples: impl Iterator<Item = std::result::Result<Triple, HttpError>>,
    buf: &mut Vec<u8>,
) -> std::result::Result<(), HttpError> {
    let rdf = format.rdf_format().expect("an RDF format");
    let mut ser = RdfSerializer::from_format(rdf);
    if matches!(rdf, RdfFormat::Turtle | RdfFormat::RdfXml) {
        for (p, ns) in PREFIXES {
            ser = ser.with_prefix(p, ns).map_err(write_error)?;
        }
    }
    let mut w = ser.for_writer(buf);
    for (i, t) in triples.enumerate() {
        let t = t?;
        if i >= state.max_results {
            return Err(too_large(state, "triples"));
        }
        w.serialize_triple(&t).map_err(write_error)?;
    }
    w.finish().map_err(write_error)?;
    Ok(())
}

/// The prefixes of Turtle output (those of `kgx query --format ttl`).
const PREFIXES: [(&str, &str); 5] = [
    ("kgx", crate::vocab::KGX),
    ("rdf", crate::vocab::RDF),
    ("rdfs", crate::vocab::RDFS),
    ("owl", crate::vocab::OWL),
    ("xsd", crate::vocab::XSD),
];

/// Whether the request carries `Authorization: Bearer <the token>`.
fn authorized(expected: &str, authorization: Option<&str>) -> bool {
    let Some(a) = authorization else {
        return false;
    };
    let Some((scheme, given)) = a.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return false;
    }
    // Compare without stopping at the first difference.
    let (g, e) = (given.trim().as_bytes(), expected.as_bytes());
    let mut diff = g.len() ^ e.len();
    for (i, b) in e.iter().enumerate() {
        diff |= usize::from(g.get(i).copied().unwrap_or(0) ^ b);
    }
    diff == 0
}

/// Refuses a write unless the server is writable and the request has the token.
fn check_write(
    state: &State,
    req: &Request<Body>,
    what: &str,
) -> std::result::Result<(), HttpError> {
    if !state.writable {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            format!("{what} refused: this endpoint is read-only (start it with `kgx serve --writable --token TOKEN` to allow writes)"),
        ));
    }
    let expected = state.token.as_deref().unwrap_or_default();
    if !authorized(expected, header(req, AUTHORIZATION)) {
        return Err(HttpError::new(
            StatusCode::UNAUTHORIZED,
            format!("{what} needs the server's token: send `Authorization: Bearer TOKEN`"),
        )
        .with_header(WWW_AUTHENTICATE, "Bearer realm=\"kgx\""));
    }
    Ok(())
}

fn run_update(state: &State, req: &Request<Body>, text: &str, params: &Params) -> HttpResult {
    check_write(state, req, "SPARQL UPDATE")?;
    if *req.method() != Method::POST {
        return Err(method_not_allowed("POST"));
    }
    let token = CancellationToken::new();
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .parse_update(text)
        .map_err(|e| HttpError::bad(format!("invalid SPARQL update: {e}")))?;
    let using = params.iris("using-graph-uri")?;
    let using_named = params.iris("using-named-graph-uri")?;
    if !using.is_empty() || !using_named.is_empty() {
        for ds in prepared.using_datasets_mut() {
            ds.set_default_graph(using.iter().cloned().map(GraphName::from).collect());
            ds.set_available_named_graphs(using_named.iter().cloned().map(Into::into).collect());
        }
    }
    let _watchdog = Watchdog::start(token, state.timeout);
    prepared.on_store(&state.store).execute().map_err(|e| {
        let msg = e.to_string();
        if msg.contains("cancel") {
            timed_out(state)
        } else {
            HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("update failed: {msg}"),
            )
        }
    })?;
    // An update writes graphs directly: the union graph is rebuilt from them (O(store); updates
    // are administrative, ingest is the bulk path).
    crate::kb::store::rebuild_union(&state.store).map_err(|e| {
        HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("update applied, but rebuilding the union graph failed: {e}"),
        )
    })?;
    no_content()
}

fn no_content() -> HttpResult {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::empty())
        .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// The SPARQL 1.1 Service Description of this endpoint.
fn service_description(
    state: &State,
    host: &str,
    accept: Option<&str>,
    formats: &[&str],
) -> HttpResult {
    const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
    let format = negotiate(Kind::Graph, accept, formats).map_err(not_acceptable)?;
    let sd = |local: &str| NamedNode::new_unchecked(format!("{SD}{local}"));
    let rdf_type = NamedNode::new_unchecked(format!("{}type", crate::vocab::RDF));
    let service = BlankNode::default();
    let dataset = BlankNode::default();
    let default_graph = BlankNode::default();
    let endpoint = NamedNode::new(format!("http://{host}/sparql"))
        .unwrap_or_else(|_| NamedNode::new_unchecked("http://localhost/sparql"));
    let title = format!(
        "kgx knowledge graph ({})",
        if state.writable {
            "writable with a bearer token"
        } else {
            "read-only"
        }
    );
    // Grouped by subject, so that Turtle writes each node once.
    let mut triples = vec![
        Triple::new(service.clone(), rdf_type.clone(), sd("Service")),
        Triple::new(service.clone(), sd("endpoint"), endpoint),
        Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Query"),
        ),
    ];
    if state.writable {
        triples.push(Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Update"),
        ));
    }
    triples.push(Triple::new(
        service.clone(),
        sd("feature"),
        sd("UnionDefaultGraph"),
    ));
    for f in Format::RESULTS.iter().chain(Format::GRAPHS.iter()) {
        triples.push(Triple::new(
            service.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(f.iri()),
        ));
    }
    triples.push(Triple::new(
        service.clone(),
        NamedNode::new_unchecked("http://purl.org/dc/terms/title"),
        Literal::new_simple_literal(title),
    ));
    triples.push(Triple::new(service, sd("defaultDataset"), dataset.clone()));
    triples.push(Triple::new(
        dataset.clone(),
        rdf_type.clone(),
        sd("Dataset"),
    ));
    triples.push(Triple::new(
        dataset.clone(),
        sd("defaultGraph"),
        default_graph.clone(),
    ));
    let mut names: Vec<Term> = Vec::new();
    for g in state.store.named_graphs() {
        names.push(
            match g.map_err(|e| {
                HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
            })? {
                NamedOrBlankNode::NamedNode(n) => n.into(),
                NamedOrBlankNode::BlankNode(b) => b.into(),
            },
        );
    }
    names.sort_by_key(|t| t.to_string());
    let nodes: Vec<BlankNode> = names.iter().map(|_| BlankNode::default()).collect();
    for node in &nodes {
        triples.push(Triple::new(dataset.clone(), sd("namedGraph"), node.clone()));
    }
    triples.push(Triple::new(default_graph, rdf_type.clone(), sd("Graph")));
    for (node, name) in nodes.into_iter().zip(names) {
        triples.push(Triple::new(
            node.clone(),
            rdf_type.clone(),
            sd("NamedGraph"),
        ));
        triples.push(Triple::new(node, sd("name"), name));
    }
    let mut buf = Vec::new();
    let rdf = format.rdf_format().expect("an RDF format");
    let mut ser = RdfSerializer::from_format(rdf);
    if rdf == RdfFormat::Turtle {
        ser = ser
            .with_prefix("sd", SD)
            .and_then(|s| s.with_prefix("dcterms", "http://purl.org/dc/terms/"))
            .map_err(write_error)?;
    }
    let mut w = ser.for_writer(&mut buf);
    for t in &triples {
        w.serialize_triple(t).map_err(write_error)?;
    }
    w.finish().map_err(write_error)?;
    ok(format.content_type(), buf)
}

// ---------------------------------------------------------------------------------------------
// /store (Graph Store Protocol)

fn graph_store(state: &State, req: &mut Request<Body>) -> HttpResult {
    let params = Params(parse_form(req.uri().query().unwrap_or("")));
    match *req.method() {
        Method::GET | Method::HEAD => read_graph(state, req, &params),
        Method::PUT => {
            check_write(state, req, "a Graph Store write")?;
            put_quads(state, req, &params)
        }
        Method::POST | Method::DELETE => {
            check_write(state, req, "a Graph Store write")?;
            Err(method_not_allowed("GET, HEAD, PUT, OPTIONS"))
        }
        _ => Err(method_not_allowed("GET, HEAD, PUT, OPTIONS")),
    }
}

fn read_graph(state: &State, req: &Request<Body>, params: &Params) -> HttpResult {
    let format =
        negotiate(Kind::Graph, header(req, ACCEPT), &params.formats()).map_err(not_acceptable)?;
    let store_err = |e: oxigraph::store::StorageError| {
        HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
    };
    let mut buf = Vec::new();
    if let Some(iri) = params.one("graph")? {
        let g = NamedNode::new(iri)
            .map_err(|e| HttpError::bad(format!("graph={iri}: not an IRI: {e}")))?;
        if !state
            .store
            .contains_named_graph(g.as_ref())
            .map_err(store_err)?
        {
            return Err(HttpError::new(
                StatusCode::NOT_FOUND,
                format!("no graph <{iri}> in the store (GET /sparql lists the named graphs)"),
            ));
        }
        let triples = state
            .store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
            .map(|q| q.map(Triple::from).map_err(store_err));
        write_graph(state, format, triples, &mut buf)?;
    } else if params.has("default") {
        // The default graph is the union of all graphs: each triple once (the union graph).
        let triples = state
            .store
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(crate::kb::store::union_graph())),
            )
            .map(|q| q.map(Triple::from).map_err(store_err));
        write_graph(state, format, triples, &mut buf)?;
    } else {
        return Err(HttpError::bad(
            "say which graph: /store?graph=IRI, or /store?default for the default graph (the union of all graphs)",
        ));
    }
    ok(format.content_type(), buf)
}

/// `PUT /store` with N-Quads (or TriG): each named graph in the data replaces the store's graph of
/// that name, all in one transaction — the same idempotent replacement as `kgx ingest`, so
/// `kgx extract --format nq FILES | curl -X PUT --data-binary @- …` ingests through the server.
fn put_quads(state: &State, req: &mut Request<Body>, params: &Params) -> HttpResult {
    if params.has("graph") || params.has("default") {
        return Err(HttpError::bad(
            "PUT /store takes a whole dataset (N-Quads or TriG) without ?graph or ?default",
        ));
    }
    let rdf = match content_type(req).as_str() {
        "application/n-quads" => RdfFormat::NQuads,
        "application/trig" => RdfFormat::TriG,
        other => {
            return Err(HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("PUT /store takes application/n-quads or application/trig, not `{other}`"),
            ))
        }
    };
    let body = read_body(req)?;
    let mut quads: Vec<Quad> = Vec::new();
    for q in RdfParser::from_format(rdf).for_slice(&body) {
        quads.push(q.map_err(|e| HttpError::bad(format!("invalid {}: {e}", rdf.name())))?);
    }
    let mut graphs: Vec<NamedNode> = Vec::new();
    for q in &quads {
        match &q.graph_name {
            GraphName::NamedNode(n) => {
                if !graphs.contains(n) {
                    graphs.push(n.clone());
                }
            }
            _ => {
                return Err(HttpError::bad(
                    "every quad must be in a named graph (the graph it replaces)",
                ))
            }
        }
    }
    let store_err = |e: oxigraph::store::StorageError| {
        HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
    };
    if graphs
        .iter()
        .any(|g| g.as_str() == crate::vocab::UNION_GRAPH)
    {
        return Err(HttpError::bad(
            "the union graph is derived from the others and cannot be written",
        ));
    }
    let mut tx = state.store.start_transaction().map_err(store_err)?;
    let mut old: Vec<Triple> = Vec::new();
    for g in &graphs {
        old.extend(crate::kb::store::graph_triples(&tx, g.as_ref()).map_err(store_err)?);
        tx.remove_named_graph(g.as_ref()).map_err(store_err)?;
        tx.insert_named_graph(g.as_ref());
    }
    for q in &quads {
        crate::kb::store::insert_with_union(&mut tx, q.as_ref());
    }
    crate::kb::store::release_from_union(&mut tx, old).map_err(store_err)?;
    tx.commit().map_err(store_err)?;
    let msg = format!(
        "replaced {} graph{} with {} quads\n",
        graphs.len(),
        if graphs.len() == 1 { "" } else { "s" },
        quads.len()
    );
    ok("text/plain; charset=utf-8", msg)
}

// ---------------------------------------------------------------------------------------------
// The query page.

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kgx — SPARQL</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 75em; padding: 0 1em; color: #222; }
h1 { font-size: 1.3em; }
textarea { width: 100%; height: 14em; font: 13px/1.4 ui-monospace, monospace; box-sizing: border-box; }
button { font-size: 1em; padding: .3em 1.2em; margin: .5em 0; }
#status { margin-left: 1em; color: #555; }
#error { color: #a00; white-space: pre-wrap; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; margin-top: .5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
pre { background: #f7f7f7; padding: .5em; overflow: auto; }
</style>
</head>
<body>
<h1>kgx — SPARQL endpoint</h1>
<p>The default graph is the union of all article graphs; <code>GRAPH ?g { … }</code> tells which article said it. Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol). Ctrl+Enter runs.</p>
<textarea id="q" spellcheck="false">PREFIX kgx: &lt;https://w3id.org/kgx/ontology#&gt;
PREFIX rdfs: &lt;http://www.w3.org/2000/01/rdf-schema#&gt;
SELECT DISTINCT ?director ?film ?festival WHERE {
  ?d kgx:directed ?f ; rdfs:label ?director .
  ?f rdfs:label ?film .
  OPTIONAL { ?f kgx:premieredAt ?p . ?p rdfs:label ?festival }
}
ORDER BY ?director
LIMIT 100</textarea>
<div><button id="run">Run</button><span id="status"></span></div>
<div id="error"></div>
<div id="out"></div>
<script>
"use strict";
const q = document.getElementById("q"), out = document.getElementById("out"),
      err = document.getElementById("error"), status = document.getElementById("status");
function cell(t) {
  if (!t) return "";
  if (t.type === "uri") return t.value;
  if (t.type === "bnode") return "_:" + t.value;
  return t.value + (t["xml:lang"] ? "@" + t["xml:lang"] : "");
}
async function run() {
  err.textContent = ""; out.textContent = ""; status.textContent = "running…";
  const t0 = performance.now();
  try {
    const r = await fetch("sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: q.value })
    });
    const text = await r.text();
    const ms = Math.round(performance.now() - t0);
    if (!r.ok) { status.textContent = "HTTP " + r.status + " (" + ms + " ms)"; err.textContent = text; return; }
    if ((r.headers.get("Content-Type") || "").includes("sparql-results+json")) {
      const j = JSON.parse(text);
      if ("boolean" in j) { status.textContent = ms + " ms"; out.textContent = String(j.boolean); return; }
      const vars = j.head.vars, rows = j.results.bindings;
      const table = document.createElement("table"), head = table.insertRow();
      for (const v of vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
      for (const b of rows) { const tr = table.insertRow(); for (const v of vars) tr.insertCell().textContent = cell(b[v]); }
      out.appendChild(table);
      status.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s") + " in " + ms + " ms";
    } else {
      const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre);
      status.textContent = ms + " ms";
    }
  } catch (e) { status.textContent = ""; err.textContent = String(e); }
}
document.getElementById("run").addEventListener("click", run);
q.addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
</script>
</body>
</html>
"#;

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(
            parse_form("query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D&format=json"),
            vec![
                ("query".to_string(), "SELECT * WHERE {?s ?p ?o}".to_string()),
                ("format".to_string(), "json".to_string())
            ]
        );
        assert_eq!(
            parse_form("a=%D0%90%D1%83&b&&c=100%&d=%zz"),
            vec![
                ("a".into(), "Ау".into()),
                ("b".into(), "".into()),
                ("c".into(), "100%".into()),
                ("d".into(), "%zz".into())
            ]
        );
        assert!(parse_form("").is_empty());
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%41"), "A");
    }

    #[test]
    fn negotiation_defaults_and_q_values() {
        use Format::*;
        assert_eq!(negotiate(Kind::Results, None, &[]), Ok(Json));
        assert_eq!(negotiate(Kind::Graph, Some("*/*"), &[]), Ok(Turtle));
        assert_eq!(
            negotiate(Kind::Results, Some("application/sparql-results+xml"), &[]),
            Ok(Xml)
        );
        assert_eq!(
            negotiate(
                Kind::Results,
                Some("text/csv;q=0.5, text/tab-separated-values"),
                &[]
            ),
            Ok(Tsv)
        );
        assert_eq!(
            negotiate(
                Kind::Results,
                Some("text/csv;q=0.9, application/json;q=0.1"),
                &[]
            ),
            Ok(Csv)
        );
        // text/* covers text/xml too, and XML comes before CSV.
        assert_eq!(
            negotiate(
                Kind::Results,
                Some("text/*;q=0.9, application/json;q=0.1"),
                &[]
            ),
            Ok(Xml)
        );
        // The most specific range decides: json refused, the rest welcome.
        assert_eq!(
            negotiate(
                Kind::Results,
                Some("*/*, application/sparql-results+json;q=0, application/json;q=0"),
                &[]
            ),
            Ok(Xml)
        );
        // A browser.
        assert_eq!(
            negotiate(
                Kind::Graph,
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                &[]
            ),
            Ok(RdfXml)
        );
        assert_eq!(
            negotiate(Kind::Graph, Some("application/ld+json"), &[]),
            Ok(JsonLd)
        );
        assert_eq!(
            negotiate(Kind::Graph, Some("application/n-quads"), &[]),
            Ok(NQuads)
        );
        assert_eq!(negotiate(Kind::Graph, Some("text/n3"), &[]), Ok(Turtle));
        let e = negotiate(Kind::Graph, Some("application/sparql-results+json"), &[]).unwrap_err();
        assert!(e.contains("text/turtle"), "{e}");
        assert!(negotiate(Kind::Results, Some("image/png"), &[]).is_err());
    }

    #[test]
    fn format_parameter_overrides_accept() {
        use Format::*;
        assert_eq!(
            negotiate(Kind::Results, Some("text/csv"), &["xml"]),
            Ok(Xml)
        );
        // The same short name means the kind's format.
        assert_eq!(negotiate(Kind::Graph, None, &["xml"]), Ok(RdfXml));
        assert_eq!(negotiate(Kind::Graph, None, &["json"]), Ok(JsonLd));
        assert_eq!(negotiate(Kind::Graph, None, &["n3"]), Ok(Turtle));
        // SPARQLWrapper sends `format=tsv&format=text/tab-separated-values`.
        assert_eq!(
            negotiate(Kind::Results, None, &["tsv", "text/tab-separated-values"]),
            Ok(Tsv)
        );
        assert_eq!(
            negotiate(Kind::Graph, None, &["application/n-triples"]),
            Ok(NTriples)
        );
        assert!(negotiate(Kind::Graph, None, &["csv"]).is_err());
        assert!(negotiate(Kind::Results, None, &["nope"]).is_err());
    }

    #[test]
    fn bearer_tokens() {
        assert!(authorized("s3cret", Some("Bearer s3cret")));
        assert!(authorized("s3cret", Some("bearer  s3cret ")));
        assert!(!authorized("s3cret", Some("Bearer s3cre")));
        assert!(!authorized("s3cret", Some("Bearer s3cret2")));
        assert!(!authorized("s3cret", Some("Basic s3cret")));
        assert!(!authorized("s3cret", None));
        assert_eq!(seconds(Duration::from_secs(10)), "10");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5");
    }

    fn state(writable: bool) -> Arc<State> {
        state_with(writable, 2)
    }

    fn state_with(writable: bool, max_results: usize) -> Arc<State> {
        let store = Store::new().unwrap();
        let g = NamedNode::new_unchecked("https://w3id.org/kgx/article/a");
        let ex = |s: &str| NamedNode::new_unchecked(format!("http://example.com/{s}"));
        for i in 0..3 {
            store
                .insert(&Quad::new(
                    ex(&format!("s{i}")),
                    ex("p"),
                    Literal::new_simple_literal(format!("o{i}")),
                    g.clone(),
                ))
                .unwrap();
        }
        crate::kb::store::rebuild_union(&store).unwrap();
        Arc::new(State {
            store,
            path: PathBuf::from("mem"),
            writable,
            token: writable.then(|| "tok".to_string()),
            timeout: Duration::from_secs(10),
            max_results,
            bind: "127.0.0.1:7878".into(),
            threads: 4,
            running: AtomicUsize::new(0),
        })
    }

    fn call(
        state: &Arc<State>,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, String) {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(Body::from(body.to_string())).unwrap();
        let resp = respond(state, &mut req, false);
        assert_eq!(
            resp.headers()
                .get(ACCESS_CONTROL_ALLOW_ORIGIN)
                .map(|v| v.to_str().unwrap()),
            Some("*")
        );
        let ct = resp
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let status = resp.status().as_u16();
        (status, ct, resp.into_body().to_string().unwrap())
    }

    #[test]
    fn queries_through_the_handler() {
        let st = state(false);
        // The default graph is the union: the triples of the named graph are seen.
        let (s, ct, body) = call(
            &st,
            "GET",
            "/sparql?query=ASK+%7B+%3Fs+%3Fp+%22o1%22+%7D",
            &[],
            "",
        );
        assert_eq!(
            (s, ct.as_str()),
            (200, Format::Json.content_type()),
            "{body}"
        );
        assert!(body.contains("true"), "{body}");
        // Direct POST, CSV.
        let (s, ct, body) = call(
            &st,
            "POST",
            "/sparql",
            &[
                ("Content-Type", "application/sparql-query"),
                ("Accept", "text/csv"),
            ],
            "SELECT ?o WHERE { <http://example.com/s0> ?p ?o }",
        );
        assert_eq!(
            (s, ct.as_str(), body.as_str()),
            (200, "text/csv; charset=utf-8", "o\r\no0\r\n")
        );
        // Form POST with a dataset that leaves the default graph empty.
        let (s, _, body) = call(
            &st,
            "POST",
            "/sparql",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "query=ASK+%7B%3Fs+%3Fp+%3Fo%7D&default-graph-uri=http%3A%2F%2Fexample.com%2Fnone",
        );
        assert_eq!(s, 200);
        assert!(body.contains("false"), "{body}");
        // CONSTRUCT over the cap of 2 triples is refused with a clear message.
        let (s, _, body) = call(
            &st,
            "GET",
            "/sparql?query=CONSTRUCT+WHERE+%7B%3Fs+%3Fp+%3Fo%7D",
            &[],
            "",
        );
        assert_eq!(s, 500);
        assert!(body.contains("more than 2 triples"), "{body}");
        // A malformed query: 400 with the position.
        let (s, _, body) = call(&st, "GET", "/sparql?query=SELECT+%3Fs+WHERE+%7B", &[], "");
        assert_eq!(s, 400);
        assert!(body.starts_with("invalid SPARQL query"), "{body}");
        // Nothing acceptable.
        let (s, _, _) = call(
            &st,
            "GET",
            "/sparql?query=ASK%7B%7D",
            &[("Accept", "image/png")],
            "",
        );
        assert_eq!(s, 406);
        // The service description.
        let (s, ct, body) = call(&st, "GET", "/sparql", &[("Host", "example.org:1")], "");
        assert_eq!((s, ct.as_str()), (200, "text/turtle; charset=utf-8"));
        assert!(
            body.contains("sd:UnionDefaultGraph") && body.contains("<http://example.org:1/sparql>"),
            "{body}"
        );
        // A graph as N-Quads (in the default graph), and HEAD.
        let (s, ct, body) = call(
            &st,
            "GET",
            "/sparql?query=CONSTRUCT+WHERE+%7B%3Fs+%3Fp+%22o1%22%7D",
            &[("Accept", "application/n-quads")],
            "",
        );
        assert_eq!(
            (s, ct.as_str(), body.as_str()),
            (
                200,
                "application/n-quads; charset=utf-8",
                "<http://example.com/s1> <http://example.com/p> \"o1\" .\n"
            )
        );
        let (s, ct, body) = call(&st, "HEAD", "/", &[], "");
        assert_eq!(
            (s, ct.as_str(), body.as_str()),
            (200, "text/html; charset=utf-8", "")
        );
        // CORS preflight, the page, unknown paths.
        assert_eq!(call(&st, "OPTIONS", "/sparql", &[], "").0, 204);
        assert_eq!(call(&st, "GET", "/", &[], "").0, 200);
        assert_eq!(call(&st, "GET", "/nope", &[], "").0, 404);
        assert_eq!(call(&st, "DELETE", "/sparql", &[], "").0, 405);
    }

    #[test]
    fn graph_store_reads() {
        let st = state_with(false, 10);
        let (s, ct, body) = call(
            &st,
            "GET",
            "/store?graph=https%3A%2F%2Fw3id.org%2Fkgx%2Farticle%2Fa",
            &[("Accept", "application/n-triples")],
            "",
        );
        assert_eq!(
            (s, ct.as_str()),
            (200, "application/n-triples; charset=utf-8")
        );
        assert_eq!(body.lines().count(), 3, "{body}");
        let (s, _, body) = call(&st, "GET", "/store?default", &[], "");
        assert_eq!(s, 200);
        assert!(body.contains("\"o2\""), "{body}");
        assert_eq!(
            call(&st, "GET", "/store?graph=http%3A%2F%2Fx%2Fnone", &[], "").0,
            404
        );
        assert_eq!(call(&st, "GET", "/store", &[], "").0, 400);
        assert_eq!(call(&st, "PUT", "/store", &[], "").0, 403);
    }

    #[test]
    fn updates_need_writable_and_the_token() {
        let update = "INSERT DATA { <http://example.com/x> <http://example.com/p> 1 }";
        let form = [("Content-Type", "application/sparql-update")];
        let (s, _, body) = call(&state(false), "POST", "/sparql", &form, update);
        assert_eq!(s, 403);
        assert!(body.contains("read-only"), "{body}");
        let st = state(true);
        assert_eq!(call(&st, "POST", "/sparql", &form, update).0, 401);
        let wrong = [form[0], ("Authorization", "Bearer nope")];
        assert_eq!(call(&st, "POST", "/sparql", &wrong, update).0, 401);
        let right = [form[0], ("Authorization", "Bearer tok")];
        assert_eq!(call(&st, "POST", "/sparql", &right, update).0, 204);
        // 3 article quads, the inserted one, and the union graph's copy of each.
        assert_eq!(st.store.len().unwrap(), 8);
        let (_, _, body) = call(
            &st,
            "GET",
            "/sparql?query=ASK%7B%3Chttp%3A%2F%2Fexample.com%2Fx%3E%3Fp%3Fo%7D",
            &[("Accept", "application/sparql-results+json")],
            "",
        );
        assert!(
            body.contains("true"),
            "the update is seen by queries: {body}"
        );
        assert_eq!(
            call(&st, "POST", "/sparql", &right, "INSERT nonsense").0,
            400
        );
        // Graph Store replacement: the graph's 3 quads become 1.
        let nq = "<http://example.com/s> <http://example.com/p> \"new\" <https://w3id.org/kgx/article/a> .\n";
        let put = [
            ("Content-Type", "application/n-quads"),
            ("Authorization", "Bearer tok"),
        ];
        let (s, _, body) = call(&st, "PUT", "/store", &put, nq);
        assert_eq!(s, 200, "{body}");
        // a's one quad and the inserted one, with their union copies; a's old triples left it.
        assert_eq!(st.store.len().unwrap(), 4);
    }
}
