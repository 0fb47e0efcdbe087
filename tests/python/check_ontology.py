#!/usr/bin/env python3
"""Check ontologies/kgx.ttl against the vocabulary kgx requires.

Usage: python3 tests/python/check_ontology.py [path/to/kgx.ttl]

Needs rdflib (`pip install rdflib`). Prints every problem found and exits 1 if there is any,
0 (with a one-line summary) if the ontology is complete.
"""

import re
import sys
from pathlib import Path

try:
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD, DCTERMS
except ImportError:
    sys.exit("check_ontology: rdflib is not installed (pip install rdflib)")

ONTOLOGY_IRI = URIRef("https://w3id.org/kgx/ontology")
KGX = Namespace("https://w3id.org/kgx/ontology#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
PROV = Namespace("http://www.w3.org/ns/prov#")

CLASSES = [
    "Person", "Film", "CreativeWork", "Festival", "FestivalEdition", "Award", "Organization",
    "Publication", "Place", "Country", "City", "Region", "Character", "Event", "Premiere",
    "AwardEvent", "Position", "Article", "Quote",
]
SUBCLASSES = {
    "Film": ["CreativeWork"],
    "FestivalEdition": ["Festival", "Event"],
    "Publication": ["Organization"],
    "Country": ["Place"],
    "City": ["Place"],
    "Region": ["Place"],
    "Premiere": ["Event"],
    "AwardEvent": ["Event"],
}

# The 26 gold relations (gold-format.md), in order.
RELATIONS = [
    "directed", "wrote", "produced", "actedIn", "playedCharacter", "characterIn", "premieredAt",
    "screenedAt", "won", "nominatedFor", "presentedBy", "locatedIn", "countryOfOrigin", "setIn",
    "nationality", "bornIn", "basedIn", "affiliatedWith", "founded", "genre", "year", "namedAfter",
    "holdsPosition", "capitalOf", "basedOn", "spokeTo",
]
ARTICLE_RELATIONS = ["datePublished", "about", "mentions"]
# Relations of works beyond the gold relations (filming location, main subject: Text2KGBench).
WORK_RELATIONS = ["filmedIn", "mainSubject"]
OTHER_PROPERTIES = [
    "title", "url", "author", "publishedIn", "sourceFile",
    "alias",
    "editionOf", "editionNumber",
    "film", "festival", "award", "eventYear", "outcome",
    "quotedText", "speaker", "quotedIn",
    "sentence", "sentenceStart", "sentenceEnd", "matchStart", "matchEnd", "rule", "confidence",
    "article",
]
PROPERTIES = RELATIONS + ARTICLE_RELATIONS + WORK_RELATIONS + OTHER_PROPERTIES

# Literal-valued properties and their expected xsd range; every other property is an object property.
DATATYPE_RANGES = {
    "genre": XSD.string, "year": XSD.gYear, "datePublished": XSD.date,
    "title": XSD.string, "url": XSD.anyURI, "author": XSD.string, "sourceFile": XSD.string,
    "alias": XSD.string, "editionNumber": XSD.integer, "eventYear": XSD.gYear,
    "outcome": XSD.string, "quotedText": XSD.string,
    "sentence": XSD.string, "sentenceStart": XSD.integer, "sentenceEnd": XSD.integer,
    "matchStart": XSD.integer, "matchEnd": XSD.integer, "rule": XSD.string,
    "confidence": XSD.decimal,
}
PROVENANCE = ["sentence", "sentenceStart", "sentenceEnd", "matchStart", "matchEnd", "rule",
              "confidence", "article"]

# Simple domains/ranges that must hold exactly (kgx local names unless an IRI is given).
EXPECTED_DOMAIN = {
    "title": "Article", "url": "Article", "author": "Article", "publishedIn": "Article",
    "sourceFile": "Article", "datePublished": "Article", "about": "Article", "mentions": "Article",
    "editionOf": "FestivalEdition", "editionNumber": "FestivalEdition",
    "film": "Event", "festival": "Event", "award": "AwardEvent", "eventYear": "Event",
    "outcome": "AwardEvent", "quotedText": "Quote", "speaker": "Quote", "quotedIn": "Quote",
    "directed": "Person", "actedIn": "Person", "nationality": "Person", "spokeTo": "Person",
    "characterIn": "Character", "presentedBy": "Award",
    "filmedIn": "CreativeWork", "mainSubject": "CreativeWork",
}
EXPECTED_RANGE = {
    "publishedIn": "Publication", "editionOf": "Festival", "film": "CreativeWork",
    "festival": "Festival", "award": "Award", "speaker": "Person", "quotedIn": "Article",
    "article": "Article", "actedIn": "Film", "playedCharacter": "Character", "won": "Award",
    "nominatedFor": "Award", "holdsPosition": "Position", "spokeTo": "Publication",
    "countryOfOrigin": "Country", "nationality": "Country", "filmedIn": "Place",
}
# Union domains/ranges (gold-format "Person/Organization" etc.).
EXPECTED_UNION_DOMAIN = {
    "produced": {"Person", "Organization"},
    "won": {"Person", "CreativeWork"},
    "nominatedFor": {"Person", "CreativeWork"},
    "founded": {"Person", "Organization"},
    "basedIn": {"Person", "Organization"},
    "namedAfter": {"Place", "Award", "Organization"},
    "locatedIn": {"Place", "Organization", "Festival", "Event"},
}
EXPECTED_UNION_RANGE = {
    "premieredAt": {"Festival", "Event"},
    "screenedAt": {"Festival", "Event", "Place"},
    "presentedBy": {"Festival", "Organization"},
    "founded": {"Organization", "Festival"},
    "mainSubject": {"Person", "CreativeWork", "Festival", "Award", "Organization", "Place",
                    "Character", "Event", "Position"},
}

# Alignments the brief asks for: (kgx local name, predicate, target IRI).
EQ_C, EQ_P, INV, SUBP, CLOSE = (OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
                                RDFS.subPropertyOf, SKOS.closeMatch)
REQUIRED_ALIGNMENTS = [
    ("Person", EQ_C, SCHEMA.Person), ("Person", EQ_C, WD.Q5),
    ("Film", EQ_C, SCHEMA.Movie), ("Film", EQ_C, WD.Q11424),
    ("CreativeWork", EQ_C, SCHEMA.CreativeWork), ("Festival", EQ_C, SCHEMA.Festival),
    ("Place", EQ_C, SCHEMA.Place),
    ("Country", EQ_C, SCHEMA.Country), ("Country", EQ_C, WD.Q6256),
    ("City", EQ_C, SCHEMA.City), ("City", EQ_C, WD.Q515),
    ("Organization", EQ_C, SCHEMA.Organization), ("Organization", EQ_C, WD.Q43229),
    ("Article", EQ_C, SCHEMA.Article), ("Award", CLOSE, WD.Q618779),
    ("Event", EQ_C, SCHEMA.Event), ("Character", CLOSE, WD.Q95074),
    ("directed", INV, WDT.P57), ("directed", INV, SCHEMA.director),
    ("produced", INV, WDT.P162),
    ("actedIn", INV, WDT.P161), ("actedIn", INV, SCHEMA.actor),
    ("characterIn", EQ_P, WDT.P1441),
    ("won", EQ_P, WDT.P166), ("won", EQ_P, SCHEMA.award),
    ("nominatedFor", EQ_P, WDT.P1411), ("presentedBy", EQ_P, WDT.P1027),
    ("locatedIn", EQ_P, WDT.P131), ("locatedIn", EQ_P, SCHEMA.containedInPlace),
    ("countryOfOrigin", EQ_P, WDT.P495), ("countryOfOrigin", EQ_P, SCHEMA.countryOfOrigin),
    ("setIn", EQ_P, WDT.P840), ("filmedIn", EQ_P, WDT.P915), ("mainSubject", EQ_P, WDT.P921),
    ("nationality", EQ_P, WDT.P27), ("nationality", EQ_P, SCHEMA.nationality),
    ("bornIn", EQ_P, WDT.P19), ("bornIn", EQ_P, SCHEMA.birthPlace),
    ("founded", INV, WDT.P112), ("founded", INV, SCHEMA.founder),
    ("genre", EQ_P, SCHEMA.genre), ("year", CLOSE, WDT.P577),
    ("namedAfter", EQ_P, WDT.P138), ("holdsPosition", EQ_P, WDT.P39),
    ("capitalOf", EQ_P, WDT.P1376),
    ("basedOn", EQ_P, WDT.P144), ("basedOn", EQ_P, SCHEMA.isBasedOn),
    ("datePublished", EQ_P, SCHEMA.datePublished), ("about", EQ_P, SCHEMA.about),
    ("mentions", EQ_P, SCHEMA.mentions), ("affiliatedWith", CLOSE, SCHEMA.affiliation),
    ("basedIn", CLOSE, WDT.P159), ("title", EQ_P, SCHEMA.headline), ("url", EQ_P, SCHEMA.url),
    ("publishedIn", CLOSE, SCHEMA.publisher), ("alias", SUBP, SKOS.altLabel),
    ("article", SUBP, PROV.wasDerivedFrom),
]
ALIGNMENT_PREDICATES = [OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
                        OWL.sameAs, RDFS.subPropertyOf, RDFS.subClassOf, SKOS.closeMatch,
                        SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch]


class Checker:
    def __init__(self, path):
        self.path = path
        self.problems = []
        text = path.read_text(encoding="utf-8")
        self.prefixes = dict(re.findall(r"^\s*@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.", text, re.M))
        self.g = Graph()
        try:
            self.g.parse(data=text, format="turtle", publicID=str(path))
        except Exception as e:  # rdflib raises several parser error types
            self.fail(f"{path}: does not parse as Turtle: {e}")
            self.g = None

    def fail(self, msg):
        self.problems.append(msg)

    def name(self, node):
        if isinstance(node, URIRef):
            for p, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
                if str(node).startswith(ns):
                    return f"{p}:{node[len(ns):]}"
            return f"<{node}>"
        return str(node)

    def declared_prefix(self, iri):
        return any(str(iri).startswith(ns) and len(str(iri)) > len(ns)
                   for ns in self.prefixes.values())

    def english_literal(self, s, p):
        vals = list(self.g.objects(s, p))
        return [v for v in vals if isinstance(v, Literal) and v.language in (None, "en") and str(v).strip()]

    def union_members(self, node):
        """Local names of an owl:unionOf class expression, or None if node is not one."""
        if not isinstance(node, BNode):
            return None
        lst = self.g.value(node, OWL.unionOf)
        if lst is None:
            return None
        members = list(Collection(self.g, lst))
        return {str(m)[len(KGX):] if str(m).startswith(str(KGX)) else self.name(m) for m in members}

    # ---- checks ----

    def check_header(self):
        o = ONTOLOGY_IRI
        if (o, RDF.type, OWL.Ontology) not in self.g:
            self.fail(f"{self.name(o)} is not declared a owl:Ontology")
        if str(self.g.value(o, OWL.versionInfo)) != "0.1.0":
            self.fail("ontology owl:versionInfo is not \"0.1.0\"")
        for p in (DCTERMS.title, DCTERMS.description, RDFS.comment):
            if not self.english_literal(o, p):
                self.fail(f"ontology has no English {self.name(p)}")
        if self.prefixes.get("kgx") != str(KGX):
            self.fail(f"prefix kgx: is not <{KGX}>")

    def check_documented(self, term):
        for p in (RDFS.label, RDFS.comment):
            vals = self.english_literal(term, p)
            if not vals:
                self.fail(f"{self.name(term)}: no English {self.name(p)}")
            elif len(vals) > 1:
                self.fail(f"{self.name(term)}: more than one English {self.name(p)}")

    def check_class_expr(self, term, pred, node):
        """A domain/range must be a declared kgx class, an xsd datatype, owl:Thing,
        rdf:Statement, or a union of declared kgx classes."""
        members = self.union_members(node)
        if members is not None:
            for m in members:
                if m not in CLASSES:
                    self.fail(f"{self.name(term)}: {self.name(pred)} union member {m} is not a kgx class")
            return
        if isinstance(node, BNode):
            self.fail(f"{self.name(term)}: {self.name(pred)} is a blank node that is not an owl:unionOf")
            return
        if node in (OWL.Thing, RDF.Statement, RDFS.Literal) or str(node).startswith(str(XSD)):
            return
        if (node, RDF.type, OWL.Class) not in self.g:
            self.fail(f"{self.name(term)}: {self.name(pred)} {self.name(node)} is not a declared class")

    def check_classes(self):
        for local in CLASSES:
            c = KGX[local]
            if (c, RDF.type, OWL.Class) not in self.g:
                self.fail(f"class kgx:{local} missing or not a owl:Class")
                continue
            self.check_documented(c)
        for local, supers in SUBCLASSES.items():
            for sup in supers:
                if (KGX[local], RDFS.subClassOf, KGX[sup]) not in self.g:
                    self.fail(f"kgx:{local} is not rdfs:subClassOf kgx:{sup}")

    def check_properties(self):
        for local in PROPERTIES:
            p = KGX[local]
            want = OWL.DatatypeProperty if local in DATATYPE_RANGES else OWL.ObjectProperty
            types = set(self.g.objects(p, RDF.type))
            if not types:
                self.fail(f"property kgx:{local} is not declared")
                continue
            if want not in types:
                self.fail(f"kgx:{local} should be a {self.name(want)}, is {sorted(map(self.name, types))}")
            other = {OWL.DatatypeProperty, OWL.ObjectProperty, OWL.AnnotationProperty} - {want}
            if types & other:
                self.fail(f"kgx:{local} is also typed {sorted(map(self.name, types & other))}")
            self.check_documented(p)
            for pred in (RDFS.domain, RDFS.range):
                vals = list(self.g.objects(p, pred))
                if not vals:
                    self.fail(f"kgx:{local}: no {self.name(pred)}")
                elif len(vals) > 1:
                    self.fail(f"kgx:{local}: more than one {self.name(pred)} (they intersect; use owl:unionOf)")
                for v in vals:
                    if pred == RDFS.range and local in DATATYPE_RANGES:
                        if v != DATATYPE_RANGES[local]:
                            self.fail(f"kgx:{local}: range {self.name(v)}, expected {self.name(DATATYPE_RANGES[local])}")
                    else:
                        self.check_class_expr(p, pred, v)
            if local in PROVENANCE and self.g.value(p, RDFS.domain) != RDF.Statement:
                self.fail(f"kgx:{local}: provenance property must have rdfs:domain rdf:Statement")
            if local in EXPECTED_DOMAIN and self.g.value(p, RDFS.domain) != KGX[EXPECTED_DOMAIN[local]]:
                self.fail(f"kgx:{local}: domain should be kgx:{EXPECTED_DOMAIN[local]}")
            if local in EXPECTED_RANGE and self.g.value(p, RDFS.range) != KGX[EXPECTED_RANGE[local]]:
                self.fail(f"kgx:{local}: range should be kgx:{EXPECTED_RANGE[local]}")
            for table, pred in ((EXPECTED_UNION_DOMAIN, RDFS.domain), (EXPECTED_UNION_RANGE, RDFS.range)):
                if local in table:
                    got = self.union_members(self.g.value(p, pred))
                    if got != table[local]:
                        self.fail(f"kgx:{local}: {self.name(pred)} should be owl:unionOf {sorted(table[local])}, got {sorted(got) if got else self.name(self.g.value(p, pred))}")

        # Relation properties: an inverse label each, and no rdfs:subPropertyOf.
        il = KGX.inverseLabel
        if (il, RDF.type, OWL.AnnotationProperty) not in self.g:
            self.fail("kgx:inverseLabel is not declared a owl:AnnotationProperty")
        else:
            self.check_documented(il)
        for local in RELATIONS + ARTICLE_RELATIONS + WORK_RELATIONS:
            if not self.english_literal(KGX[local], il):
                self.fail(f"kgx:{local}: no kgx:inverseLabel")
        for local in RELATIONS + WORK_RELATIONS:
            for sup in self.g.objects(KGX[local], RDFS.subPropertyOf):
                self.fail(f"kgx:{local}: relation properties carry no rdfs:subPropertyOf (has {self.name(sup)})")

    def check_alignments(self):
        for local, pred, target in REQUIRED_ALIGNMENTS:
            if (KGX[local], pred, target) not in self.g:
                self.fail(f"missing alignment: kgx:{local} {self.name(pred)} {self.name(target)}")
        # Every alignment target (of a kgx term, or pointing at one through a blank node) uses a
        # declared prefix.
        for pred in ALIGNMENT_PREDICATES:
            for s, o in self.g.subject_objects(pred):
                for node in (s, o):
                    if isinstance(node, URIRef) and not self.declared_prefix(node):
                        self.fail(f"alignment {self.name(s)} {self.name(pred)} {self.name(o)}: <{node}> uses no declared prefix")
                if isinstance(o, BNode) and self.union_members(o) is None:
                    inv = self.g.value(o, OWL.inverseOf)
                    if inv is None or not str(inv).startswith(str(KGX)):
                        self.fail(f"alignment {self.name(s)} {self.name(pred)} [blank node] is not [ owl:inverseOf kgx:… ]")

    def check_all_iris(self):
        """Every IRI uses a declared prefix, and every kgx: IRI used is defined (catches typos)."""
        defined = set(self.g.subjects(RDF.type, None))
        for triple in self.g:
            for node in triple:
                if not isinstance(node, URIRef) or node == ONTOLOGY_IRI:
                    continue
                if not self.declared_prefix(node):
                    self.fail(f"<{node}> uses no declared prefix")
                elif str(node).startswith(str(KGX)) and node not in defined:
                    self.fail(f"{self.name(node)} is used but not defined")

    def run(self):
        if self.g is not None:
            self.check_header()
            self.check_classes()
            self.check_properties()
            self.check_alignments()
            self.check_all_iris()
        # Report each problem once, in order.
        seen = set()
        problems = [p for p in self.problems if not (p in seen or seen.add(p))]
        if problems:
            print(f"check_ontology: {self.path}: {len(problems)} problem(s):", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
            return 1
        print(f"check_ontology: {self.path}: OK ({len(CLASSES)} classes, {len(PROPERTIES)} properties, "
              f"{len(self.g)} triples)")
        return 0


def main():
    root = Path(__file__).resolve().parents[2]
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "ontologies" / "kgx.ttl"
    if not path.is_file():
        sys.exit(f"check_ontology: {path}: no such file")
    return Checker(path).run()


if __name__ == "__main__":
    sys.exit(main())
