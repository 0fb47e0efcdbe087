//! IRIs: the namespaces of `docs/data-model.md` and the deterministic IRIs of entities, articles
//! and provenance records. Both the extraction side and the knowledge-base side use these.

use crate::extract::read::slug;
use crate::model::EntityType;

pub const KGX: &str = "https://w3id.org/kgx/ontology#";
pub const ID: &str = "https://w3id.org/kgx/id/";
pub const ARTICLE: &str = "https://w3id.org/kgx/article/";
pub const ONTOLOGY_GRAPH: &str = "https://w3id.org/kgx/graph/ontology";
/// The materialized default graph: each triple of every other graph, once (`docs/data-model.md`).
pub const UNION_GRAPH: &str = "https://w3id.org/kgx/graph/union";
pub const WD: &str = "http://www.wikidata.org/entity/";
pub const GEONAMES: &str = "https://sws.geonames.org/";
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// The SPARQL prologue every bundled query may rely on.
pub const PREFIXES: &str = "PREFIX kgx: <https://w3id.org/kgx/ontology#>
PREFIX kgxid: <https://w3id.org/kgx/id/>
PREFIX kgxa: <https://w3id.org/kgx/article/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX wd: <http://www.wikidata.org/entity/>
";

/// A Turtle/TriG serializer that writes kgx's usual prefixes.
pub fn with_prefixes(
    mut ser: oxigraph::io::RdfSerializer,
) -> Result<oxigraph::io::RdfSerializer, oxigraph::model::IriParseError> {
    for (p, ns) in [
        ("kgx", KGX),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("owl", OWL),
        ("xsd", XSD),
        ("wd", WD),
    ] {
        ser = ser.with_prefix(p, ns)?;
    }
    Ok(ser)
}

/// The IRI segment of an identity class.
pub fn class_segment(ty: EntityType) -> &'static str {
    match ty.identity() {
        EntityType::Person => "person",
        EntityType::Film => "film",
        EntityType::CreativeWork => "work",
        EntityType::Festival => "festival",
        EntityType::Award => "award",
        EntityType::Organization => "organization",
        EntityType::Publication => "publication",
        EntityType::Character => "character",
        EntityType::Event => "event",
        EntityType::Position => "position",
        _ => "place",
    }
}

pub fn entity_iri(ty: EntityType, label: &str) -> String {
    format!("{ID}{}/{}", class_segment(ty), slug(label))
}

pub fn article_iri(id: &str) -> String {
    format!("{ARTICLE}{id}")
}

pub fn term(local: &str) -> String {
    format!("{KGX}{local}")
}

/// 64-bit FNV-1a: a hash that is the same on every machine and every run.
pub fn stable_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_are_readable_and_stable() {
        assert_eq!(
            entity_iri(EntityType::Person, "Assel Aushakimova"),
            "https://w3id.org/kgx/id/person/assel-aushakimova"
        );
        assert_eq!(
            entity_iri(EntityType::City, "Almaty"),
            "https://w3id.org/kgx/id/place/almaty"
        );
        assert_eq!(stable_hash("kgx"), stable_hash("kgx"));
        assert_ne!(stable_hash("a"), stable_hash("b"));
    }
}
