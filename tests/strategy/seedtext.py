"""Reading the seed documents as plain words, so register text can be checked against them.

The seeds are markdown-ish text extracted from slide decks: bold and italic markers, HTML tags,
links, bullets, footnote markers and line breaks inside sentences. ``normalise`` removes exactly
those and nothing else, so a register text passes only if its words are the seed's words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pophealth.config import shared_dir

SEED_FILES = {
    "000": "000_892465347c08e4b1.txt",
    "001": "001_c24473d1a8bd4b2c.txt",
    "002": "002_a7134591359dbb40.txt",
    "003": "003_7913fd5d109d4d29.txt",
    "004": "004_f36d06bd548971c1.txt",
}

_MARKUP = [
    (re.compile(r"\[\\\[\d+\\\]\]\([^)]*\)"), ""),  # footnote links like [\[1\]](#)
    (re.compile(r"\^\{[ivx]+\}|\^[ivx]+\b|ⁱ+"), ""),  # footnote markers
    (re.compile(r"</?[A-Za-z][^<>]*>"), " "),  # HTML tags (not "<75%" comparisons)
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # markdown links keep their words
    (re.compile(r"\\([\[\]()])"), r"\1"),  # escaped brackets
    (re.compile(r"\*+|`"), ""),  # bold, italic and code markers
    (re.compile(r"(?m)^\s*(?:#+|[-•])\s+"), ""),  # headings and bullets at line starts
    (re.compile(r"\s+"), " "),
]


def normalise(text: str) -> str:
    """Plain words with single spaces: markup and layout removed, wording untouched."""
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return text.strip()


def seed_path(doc: str) -> Path:
    return shared_dir() / "seeds" / SEED_FILES[doc]


@lru_cache(maxsize=None)
def seed_text(doc: str) -> str:
    """The normalised text of one seed; a missing seed file fails loudly."""
    path = seed_path(doc)
    assert path.is_file(), f"seed {doc} not found at {path.resolve()} (set POPHEALTH_SHARED)"
    return normalise(path.read_text("utf-8"))


def in_seed(doc: str, text: str) -> bool:
    return normalise(text) in seed_text(doc)
