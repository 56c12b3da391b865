"""The Spanish and Haitian Creole catalogs are complete, compiled, and every template marks its text."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LANGUAGES = ["es", "ht"]
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')
# %(name)s style (and bare %s / %d) placeholders; "%%" is a literal percent sign.
_PLACEHOLDER = re.compile(r"%%|%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifr]")


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text``, in order; a "%%" (a literal percent sign) is skipped over."""
    return sorted({match for match in _PLACEHOLDER.findall(text) if match != "%%"})


def _unescape(text):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def parse_po(path):
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (list of forms), flags, line.

    Obsolete (#~) entries are skipped; the header (empty msgid) is included.
    """
    entries = []
    entry = None
    field = None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            # A comment starts a new entry unless we are still in the comment block of one.
            if entry is None or "msgid" in entry:
                finish()
                entry = {"flags": set(), "msgstr": {}, "line": number}
                field = None
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        keyword = _KEYWORD.match(line)
        if keyword:
            name, value = keyword.group(1), _unescape(keyword.group(2))
            if name in ("msgctxt", "msgid") and (entry is None or "msgid" in entry):
                finish()
                entry = {"flags": set(), "msgstr": {}, "line": number}
            if name.startswith("msgstr"):
                index = int(name[7:-1]) if "[" in name else 0
                entry["msgstr"][index] = value
                field = ("msgstr", index)
            else:
                entry[name] = value
                field = (name, None)
            continue
        continuation = _CONTINUATION.match(line)
        assert continuation and entry is not None and field, f"{path}:{number}: cannot parse {raw!r}"
        value = _unescape(continuation.group(1))
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += value
        else:
            entry[field[0]] += value
    finish()
    for item in entries:
        item["msgstr"] = [item["msgstr"][i] for i in sorted(item["msgstr"])]
    return entries


def catalog(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages`"
    return parse_po(path)


def messages(language):
    return [entry for entry in catalog(language) if entry["msgid"]]


def where(entry):
    return f"line {entry['line']}: {entry['msgid'][:60]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_entries_and_a_proper_header(language):
    entries = catalog(language)
    header = entries[0]
    assert header["msgid"] == "", "the header entry comes first"
    assert "fuzzy" not in header["flags"]
    assert f"Language: {language}\n" in header["msgstr"][0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"][0]
    plural = {"es": "nplurals=2; plural=(n != 1);", "ht": "nplurals=2; plural=(n > 1);"}[language]
    assert f"Plural-Forms: {plural}\n" in header["msgstr"][0]
    assert len(entries) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    untranslated = [
        where(entry)
        for entry in messages(language)
        if not entry["msgstr"]
        or not all(form.strip() for form in entry["msgstr"])
        or (entry.get("msgid_plural") is not None and len(entry["msgstr"]) != 2)
    ]
    assert not untranslated, f"{language}: untranslated entries: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_fuzzy(language):
    fuzzy = [where(entry) for entry in catalog(language) if "fuzzy" in entry["flags"]]
    assert not fuzzy, f"{language}: fuzzy entries: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in messages(language):
        source = entry["msgid"] + entry.get("msgid_plural", "")
        if "python-format" not in entry["flags"] and not placeholders(source):
            continue
        expected = placeholders(source)
        for form in entry["msgstr"]:
            if placeholders(form) != expected:
                wrong.append(f"{where(entry)} -> {form!r}")
    assert not wrong, f"{language}: placeholders differ: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("msgid", ["Log in", "Language", "Page not found"])
def test_compiled_catalog_is_loaded(language, msgid):
    expected = {entry["msgid"]: entry["msgstr"][0] for entry in messages(language)}[msgid]
    assert expected != msgid
    with translation.override(language):
        assert translation.gettext(msgid) == expected


# A bare English phrase of three or more words directly between two tags, e.g. ">Save your changes<".
BARE_PHRASE = re.compile(r">\s*[A-Z][a-z]+( [a-z]+){2,}\s*<")


def test_templates_mark_their_text_for_translation():
    templates = sorted(path for path in TEMPLATES_DIR.rglob("*") if path.is_file())
    assert templates
    bare = [
        f"{path.relative_to(TEMPLATES_DIR)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BARE_PHRASE.search(line)
    ]
    assert not bare, "wrap these in {% translate %} or {% blocktranslate %}:\n" + "\n".join(bare)


@pytest.mark.parametrize("language", ["es", "ht"])
def test_money_is_written_with_a_decimal_point_in_every_language(language):
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        rendered = Template("{% load humanize %}${{ amount|floatformat:2|intcomma }}").render(
            Context({"amount": Decimal("1234.5")})
        )
    assert rendered == "$1,234.50"


def test_creole_dates_are_numeric_not_english_month_names():
    from datetime import date

    from django.utils import formats, translation

    with translation.override("ht"):
        assert formats.date_format(date(2026, 12, 25)) == "25/12/2026"
