"""The checked-in gazetteers are what scripts/build_gazetteers.py builds from the raw sources and
the curated files: a row edited in a generated file only (not in data/gazetteers/curated/) would
be lost at the next rebuild, so this test fails until both agree."""

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "gazetteers"
GENERATED = [
    "countries.tsv", "cities.tsv", "regions.tsv", "festivals.tsv", "awards.tsv", "events.tsv",
    "publications.tsv", "organizations.tsv", "venues.tsv", "demonyms.tsv", "films.tsv",
]


@pytest.mark.skipif(not RAW.is_dir(), reason="raw gazetteer sources (../shared) not present")
def test_generated_gazetteers_rebuild_identically(tmp_path):
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copytree(ROOT / "data" / "gazetteers", tmp_path / "data" / "gazetteers")
    subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "build_gazetteers.py"), str(RAW)],
        check=True, capture_output=True, text=True,
    )
    differ = [
        name for name in GENERATED
        if not filecmp.cmp(ROOT / "data" / "gazetteers" / name,
                           tmp_path / "data" / "gazetteers" / name, shallow=False)
    ]
    assert differ == [], f"rebuilt gazetteers differ from the checked-in ones: {differ}"


@pytest.mark.skipif(not RAW.is_dir(), reason="raw sources (../shared) not present")
def test_not_names_rebuild_identically(tmp_path):
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copytree(ROOT / "data" / "gazetteers", tmp_path / "data" / "gazetteers")
    shutil.copytree(ROOT / "data" / "articles", tmp_path / "data" / "articles")
    subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "build_not_names.py"), str(RAW.parent)],
        check=True, capture_output=True, text=True,
    )
    name = "not-names.txt"
    assert filecmp.cmp(ROOT / "data" / "gazetteers" / name,
                       tmp_path / "data" / "gazetteers" / name, shallow=False), (
        "not-names.txt differs from what scripts/build_not_names.py builds: edit HAND there")
