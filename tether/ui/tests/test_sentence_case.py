"""Sentence case everywhere a person reads Tether: headings, labels, buttons, table headers, link text and page
titles in every template, and every error and notice message in the code (services' and API errors, form labels,
choice labels). Only the first word of a sentence and proper nouns or acronyms (``core.wording``: PNC, MAPPA,
National Insurance, force names, statutes) are capitalised. A new "Enter The Date Of Birth" fails here."""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tether.core.wording import enter, mid_sentence, title_case_words

ROOT = Path(__file__).resolve().parents[2]  # the tether package
FORCES = tuple(row["name"] for row in csv.DictReader((ROOT / "access" / "data" / "forces.csv").open()))

# --- templates -------------------------------------------------------------------------------------------------

ELEMENTS = re.compile(r"<(h[1-6]|label|button|legend|th|caption|summary|dt|a)\b[^>]*>(.*?)</\1>", re.S)
PARAMS = re.compile(r"\b(label|legend|hint|heading|button_text|title)=\"([^\"{}]*)\"")
TITLE = re.compile(r"\{% block title %\}(.*?)\{% endblock %\}", re.S)


def _fragments(markup: str) -> list[str]:
    """The text of a piece of template, cut at template tags (each branch of an ``{% if %}`` is its own sentence);
    a variable stands as a lower-case word."""
    markup = re.sub(r"\{\{.*?\}\}", " x ", markup, flags=re.S)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return [part.strip() for part in re.split(r"\{%.*?%\}|\{#.*?#\}", markup, flags=re.S) if part.strip()]


def template_texts() -> Iterator[tuple[str, str]]:
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        markup = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for m in ELEMENTS.finditer(markup):
            yield from ((where, text) for text in _fragments(m.group(2)))
        for m in PARAMS.finditer(markup):
            yield where, m.group(2)
        for m in TITLE.finditer(markup):
            yield from ((where, text) for text in _fragments(m.group(1)))


# --- messages in the code --------------------------------------------------------------------------------------

MESSAGE_CALLS = {"ValidationFailed", "Forbidden", "NotFound", "Conflict", "fail", "success", "info", "warning",
                 "error_page", "LineError", "DateParts", "CodeCheck", "DateRead"}
MESSAGE_KEYWORDS = {"label", "empty_label", "message"}


def _strings(node: ast.AST) -> Iterator[str]:
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            yield n.value
        elif isinstance(n, ast.JoinedStr):  # an f-string: each value stands as a lower-case word
            yield "".join(v.value if isinstance(v, ast.Constant) else "x" for v in n.values)


def _is_choices(node: ast.ClassDef) -> bool:
    return any(getattr(b, "attr", getattr(b, "id", "")) in ("TextChoices", "IntegerChoices") for b in node.bases)


def message_texts() -> Iterator[tuple[str, str]]:
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in MESSAGE_CALLS:
                    for arg in node.args:
                        yield from ((where, s) for s in _strings(arg))
                for kw in node.keywords:
                    if kw.arg in MESSAGE_KEYWORDS:
                        yield from ((where, s) for s in _strings(kw.value))
            elif isinstance(node, ast.ClassDef) and _is_choices(node):
                for item in node.body:
                    if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple) and len(item.value.elts) == 2:
                        yield from ((where, s) for s in _strings(item.value.elts[1]))


def _offences(texts: Iterator[tuple[str, str]]) -> list[str]:
    out = []
    for where, text in texts:
        if re.search(r"[a-z]", text) and (bad := title_case_words(text, FORCES)):
            out.append(f"{where}: {text!r} ({', '.join(bad)})")
    return out


def test_templates_are_in_sentence_case():
    texts = list(template_texts())
    assert len(texts) > 500  # the scan finds the pages' headings, labels and buttons
    assert _offences(iter(texts)) == []


def test_messages_are_in_sentence_case():
    texts = list(message_texts())
    assert len(texts) > 300  # the scan finds the services' messages and the forms' labels
    assert _offences(iter(texts)) == []


@pytest.mark.parametrize(("text", "bad"), [
    ("Enter The PNC Circulation Reference", ["The", "Circulation", "Reference"]),
    ("Enter the PNC circulation reference", []),
    ("Draft a Freedom of Information response", []),
    ("Owned by Avon and Somerset Constabulary since 2020. Reviewed in March", []),
    ("Record a National Insurance number under the Sexual Offences Act", []),
    ("Reset Two-Factor Sign-In", ["Two", "Factor", "Sign", "In"]),
])
def test_the_check_itself(text, bad):
    assert title_case_words(text, FORCES) == bad


@pytest.mark.parametrize(("label", "message"), [
    ("PNC circulation reference", "Enter the PNC circulation reference"),
    ("Family name", "Enter the family name"),
    ("National Insurance number", "Enter the National Insurance number"),
    ("Who was told", "Enter who was told"),
])
def test_a_blank_required_field_names_the_field_without_lowering_a_name(label, message):
    assert enter(label) == message
    assert mid_sentence("MAPPA category") == "MAPPA category" and mid_sentence("Risk level") == "risk level"
