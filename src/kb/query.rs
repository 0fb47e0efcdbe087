//! SPARQL from the command line: find the query (text, `.rq` file or a name in `queries/`), run
//! it, and write the results as a table, CSV, TSV, JSON, XML, Turtle or N-Triples.

use crate::error::{Error, Result};
use crate::kb::store::Kb;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::Term;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::QueryResults;
use std::io::Write;
use std::path::Path;

/// Output formats of `kgx query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
    Ttl,
    Nt,
}

/// A query's text and where it came from.
#[derive(Debug, Clone)]
pub struct QueryText {
    pub text: String,
    pub origin: String,
}

/// `QUERY` is SPARQL text, a path to a `.rq` file, or the name of a query in `queries_dir`.
pub fn resolve(arg: &str, queries_dir: &Path) -> Result<QueryText> {
    let looks_like_sparql = arg.contains(char::is_whitespace) || arg.contains('{');
    if !looks_like_sparql {
        let p = Path::new(arg);
        if p.is_file() {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            return Ok(QueryText {
                text,
                origin: arg.to_string(),
            });
        }
        let named = queries_dir.join(format!("{}.rq", arg.trim_end_matches(".rq")));
        if named.is_file() {
            let text = std::fs::read_to_string(&named).map_err(|e| Error::io(&named, e))?;
            return Ok(QueryText {
                text,
                origin: named.display().to_string(),
            });
        }
        let known = list(queries_dir).unwrap_or_default();
        return Err(Error::Other(format!(
            "`{arg}` is neither SPARQL, a .rq file, nor a query in {} (known: {})",
            queries_dir.display(),
            known
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(QueryText {
        text: arg.to_string(),
        origin: "command line".into(),
    })
}

/// The bundled queries: (name, the question from the header comment).
pub fn list(queries_dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let rd = std::fs::read_dir(queries_dir).map_err(|e| Error::io(queries_dir, e))?;
    for e in rd.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "rq") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let question = text
                .lines()
                .find_map(|l| l.strip_prefix('#').map(str::trim).filter(|l| !l.is_empty()))
                .unwrap_or("")
                .to_string();
            out.push((
                p.file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                question,
            ));
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the query computes `?name` with `BIND(… AS ?name)`.
fn assigned_by_bind(text: &str, name: &str) -> bool {
    let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = compact.to_lowercase();
    [format!(" as ?{name})"), format!(" as ${name})")]
        .iter()
        .any(|needle| lower.contains(&needle.to_lowercase()))
}

/// Substitutes `--param name=value` into the query: every `?name` / `$name` is bound with
/// `VALUES`, the value taken as an IRI when written `<…>`, a number when numeric, else a literal;
/// a variable the query computes with `BIND(… AS ?name)` gets a `FILTER` instead.
pub fn bind_params(text: &str, params: &[(String, String)]) -> Result<String> {
    if params.is_empty() {
        return Ok(text.to_string());
    }
    let mut values = String::new();
    for (k, v) in params {
        if !k.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(Error::Other(format!(
                "--param {k}: a name is letters, digits and _"
            )));
        }
        let needle = format!("?{k}");
        if !text.contains(&needle) && !text.contains(&format!("${k}")) {
            return Err(Error::Other(format!(
                "--param {k}: the query has no variable ?{k}"
            )));
        }
        let is_iri = v.starts_with('<') && v.ends_with('>');
        let quoted = format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
        let term = if is_iri || v.parse::<f64>().is_ok() {
            v.clone()
        } else {
            quoted.clone()
        };
        if assigned_by_bind(text, k) {
            // `BIND(… AS ?k)` may not rebind a variable VALUES already bound; a FILTER applies
            // to its whole group, after the BIND, wherever it stands.
            if is_iri {
                values.push_str(&format!(" FILTER(?{k} = {term})"));
            } else {
                values.push_str(&format!(" FILTER(STR(?{k}) = {quoted})"));
            }
        } else {
            values.push_str(&format!(" VALUES ?{k} {{ {term} }}"));
        }
    }
    // Insert the VALUES blocks at the start of the outermost WHERE group.
    let mut at = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            let lower = line.to_lowercase();
            if let Some(w) = lower.find("where") {
                if let Some(b) = text[offset + w..].find('{') {
                    at = Some(offset + w + b + 1);
                    break;
                }
            }
        }
        offset += line.len();
    }
    let at = at.ok_or_else(|| Error::Other("--param needs a query with a WHERE clause".into()))?;
    Ok(format!("{}{values}{}", &text[..at], &text[at..]))
}

/// An RDF term as plain text: an IRI bare, a literal's value, a blank node as `_:id`.
pub fn plain(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => n.as_str().to_string(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().to_string(),
        #[allow(unreachable_patterns)]
        _ => t.to_string(),
    }
}

/// A term for the table view: IRIs shortened with the kgx prefixes.
pub fn short(t: &Term) -> String {
    let s = plain(t);
    if let Term::NamedNode(_) = t {
        for (p, ns) in [
            ("kgxid:", crate::vocab::ID),
            ("kgxa:", crate::vocab::ARTICLE),
            ("kgx:", crate::vocab::KGX),
            ("rdf:", crate::vocab::RDF),
            ("rdfs:", crate::vocab::RDFS),
            ("wd:", crate::vocab::WD),
        ] {
            if let Some(rest) = s.strip_prefix(ns) {
                return format!("{p}{rest}");
            }
        }
    }
    s
}

/// Runs a query and writes its results.
pub fn run(kb: &Kb, sparql: &str, format: OutputFormat, out: &mut dyn Write) -> Result<usize> {
    let results = kb.query(sparql)?;
    let io = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        Error::Other(format!("writing results: {e}"))
    };
    let qe = |e: oxigraph::sparql::QueryEvaluationError| Error::Query(e.to_string());
    match results {
        QueryResults::Solutions(solutions) => {
            let vars = solutions.variables().to_vec();
            let rf = match format {
                OutputFormat::Csv => Some(QueryResultsFormat::Csv),
                OutputFormat::Tsv => Some(QueryResultsFormat::Tsv),
                OutputFormat::Json => Some(QueryResultsFormat::Json),
                OutputFormat::Xml => Some(QueryResultsFormat::Xml),
                OutputFormat::Table => None,
                OutputFormat::Ttl | OutputFormat::Nt => {
                    return Err(Error::Other("ttl and nt are for CONSTRUCT/DESCRIBE queries; use table, csv, tsv, json or xml".into()))
                }
            };
            let mut n = 0;
            if let Some(rf) = rf {
                let mut ser = QueryResultsSerializer::from_format(rf)
                    .serialize_solutions_to_writer(&mut *out, vars)
                    .map_err(io)?;
                for s in solutions {
                    ser.serialize(&s.map_err(qe)?).map_err(io)?;
                    n += 1;
                }
                ser.finish().map_err(io)?;
            } else {
                let mut rows: Vec<Vec<String>> = Vec::new();
                for s in solutions {
                    let s = s.map_err(qe)?;
                    rows.push(
                        vars.iter()
                            .map(|v| s.get(v).map(short).unwrap_or_default())
                            .collect(),
                    );
                }
                n = rows.len();
                let header: Vec<String> = vars.iter().map(|v| v.as_str().to_string()).collect();
                write_table(out, &header, &rows).map_err(io)?;
                writeln!(out, "({n} row{})", if n == 1 { "" } else { "s" }).map_err(io)?;
            }
            Ok(n)
        }
        QueryResults::Boolean(b) => {
            match format {
                OutputFormat::Json | OutputFormat::Xml | OutputFormat::Csv | OutputFormat::Tsv => {
                    let rf = match format {
                        OutputFormat::Json => QueryResultsFormat::Json,
                        OutputFormat::Xml => QueryResultsFormat::Xml,
                        OutputFormat::Csv => QueryResultsFormat::Csv,
                        _ => QueryResultsFormat::Tsv,
                    };
                    QueryResultsSerializer::from_format(rf)
                        .serialize_boolean_to_writer(&mut *out, b)
                        .map_err(io)?;
                }
                _ => writeln!(out, "{b}").map_err(io)?,
            }
            Ok(usize::from(b))
        }
        QueryResults::Graph(triples) => {
            let rdf = match format {
                OutputFormat::Nt => RdfFormat::NTriples,
                _ => RdfFormat::Turtle,
            };
            let mut ser = RdfSerializer::from_format(rdf);
            if rdf == RdfFormat::Turtle {
                ser = crate::vocab::with_prefixes(ser).map_err(|e| Error::Other(e.to_string()))?;
            }
            let mut w = ser.for_writer(&mut *out);
            let mut n = 0;
            for t in triples {
                w.serialize_triple(&t.map_err(qe)?).map_err(io)?;
                n += 1;
            }
            w.finish().map_err(io)?;
            Ok(n)
        }
    }
}

/// Writes rows as an aligned text table.
pub fn write_table(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let width = |s: &str| s.chars().count();
    let mut w: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c)).min(80);
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c: String = if width(c) > 80 {
                    c.chars().take(79).chain(['…']).collect()
                } else {
                    c.clone()
                };
                format!("{c}{}", " ".repeat(w[i].saturating_sub(width(&c))))
            })
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_string()
    };
    writeln!(out, "{}", line(header))?;
    writeln!(
        out,
        "{}",
        w.iter()
            .map(|n| "-".repeat(*n))
            .collect::<Vec<_>>()
            .join("-+-")
    )?;
    for r in rows {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_become_values() {
        let q = "SELECT ?f WHERE { ?f kgx:countryOfOrigin ?c . ?c rdfs:label ?country }";
        let b = bind_params(q, &[("country".into(), "Kazakhstan".into())]).unwrap();
        assert_eq!(b, "SELECT ?f WHERE { VALUES ?country { \"Kazakhstan\" } ?f kgx:countryOfOrigin ?c . ?c rdfs:label ?country }");
        assert!(bind_params(q, &[("nope".into(), "x".into())]).is_err());
        // A variable the query computes is filtered, not bound before its BIND.
        let q = "SELECT ?y WHERE { ?f kgx:year ?v BIND(STR(?v) AS ?y) }";
        let b = bind_params(q, &[("y".into(), "2019".into())]).unwrap();
        assert_eq!(
            b,
            "SELECT ?y WHERE { FILTER(STR(?y) = \"2019\") ?f kgx:year ?v BIND(STR(?v) AS ?y) }"
        );
    }
}
