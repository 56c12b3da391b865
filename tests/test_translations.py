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


# --- Dates: the month by name, in the reader's language ------------------------------------

ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("en", "Dec. 1, 2026", "Dec 1, 2026"),
        ("es", "1 de diciembre de 2026", "1 dic 2026"),
        ("ht", "1 desanm 2026", "1 des 2026"),
    ],
)
def test_dates_name_the_month_in_the_readers_language(language, long, short):
    # 12/01/2026 is December 1 to some readers and January 12 to others: dates name the month.
    from datetime import date, datetime

    from django.utils import formats

    day = date(2026, 12, 1)
    with translation.override(language):
        assert formats.date_format(day) == long
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == short
        moment = datetime(2026, 12, 1, 14, 5)
        assert short in formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        assert "/" not in formats.date_format(moment, "SHORT_DATETIME_FORMAT")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_month_names_outside_english(language):
    from datetime import date

    from django.utils import formats

    with translation.override(language):
        for month in range(1, 13):
            for fmt in ("DATE_FORMAT", "SHORT_DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT"):
                shown = formats.date_format(date(2026, month, 3), fmt)
                if language == "es" and month in (2, 3, 9, 10, 11):
                    continue  # "feb", "mar", "sep", "oct", "nov" are Spanish too
                assert not ENGLISH_MONTHS.search(shown), f"{language} {fmt}: {shown}"


# --- Django's and allauth's own messages, in Creole (mtw_portal/core/django_strings.py) ---


def test_relative_times_read_in_creole():
    from datetime import timedelta

    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone
    from django.utils.timesince import timesince

    now = timezone.now()
    with translation.override("ht"):
        assert naturaltime(now - timedelta(minutes=20)) == "sa gen 20\u00a0minit"
        assert naturaltime(now - timedelta(hours=3)) == "sa gen 3\u00a0èdtan"
        assert naturaltime(now - timedelta(days=2, minutes=1)) == "sa gen 2\u00a0jou"
        assert timesince(now - timedelta(days=8), now) == "1\u00a0semèn, 1\u00a0jou"


def test_password_rules_read_in_creole_and_spanish():
    from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
    from django.core.exceptions import ValidationError

    for language in LANGUAGES:
        with translation.override(language):
            english = [
                text
                for text in password_validators_help_texts()
                if text.startswith(("Your password", "The "))
            ]
            assert not english, f"{language}: {english}"
            with pytest.raises(ValidationError) as refused:
                validate_password("12345")
            assert not [m for m in refused.value.messages if m.startswith("This password")], refused.value


def _django_msgids():
    """Every (msgctxt, msgid) of the Spanish catalogs of Django and allauth (they have every msgid)."""
    import allauth
    import django

    roots = [Path(django.__file__).parent, Path(allauth.__file__).parent]
    found = set()
    for root in roots:
        for po in root.glob("**/locale/es/LC_MESSAGES/django.po"):
            found |= {(entry.get("msgctxt"), entry["msgid"]) for entry in parse_po(po)}
    return found


def _marked_strings(path):
    """(msgctxt, msgid) of every gettext_noop / ngettext_lazy / npgettext_lazy call in ``path``."""
    import ast

    marked = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if node.func.id in ("gettext_noop", "ngettext_lazy"):
                marked.append((None, args[0]))
            elif node.func.id == "npgettext_lazy":
                marked.append((args[0], args[1]))
    return marked


def test_the_django_strings_we_translate_are_still_djangos_own():
    # A Django or allauth upgrade that rewords one of them would leave our translation unused.
    marked = _marked_strings(Path(settings.BASE_DIR) / "mtw_portal" / "core" / "django_strings.py")
    assert len(marked) > 50
    missing = [msgid for msgid in marked if msgid not in _django_msgids()]
    assert not missing, f"no longer a msgid of Django or allauth: {missing}"


# --- The compiled catalogs say what the .po files say ----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_the_po_file(language):
    # A .po translated but not compiled (`make messages` skipped) would show English.
    stale = []
    with translation.override(language):
        for entry in messages(language):
            if "fuzzy" in entry["flags"] or not all(entry["msgstr"]):
                continue  # reported by the tests above
            context, msgid = entry.get("msgctxt"), entry["msgid"]
            if entry.get("msgid_plural") is None:
                shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                expected = entry["msgstr"][0]
            else:
                # ht: plural=(n > 1), es: plural=(n != 1): 1 is the first form in both, 5 the second.
                shown = (
                    translation.npgettext(context, msgid, entry["msgid_plural"], 5)
                    if context
                    else translation.ngettext(msgid, entry["msgid_plural"], 5)
                )
                expected = entry["msgstr"][1]
            if shown != expected:
                stale.append(where(entry))
    assert not stale, f"{language}: not compiled as in the .po (run `make messages`): {stale[:20]}"


# --- Text outside translation tags: templates and Python -------------------------------------

_TEMPLATE_SKIPS = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"<(script|style|code|pre)\b.*?</\1>", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
]
_TEXT_NODE = re.compile(r">([^<>]*[A-Za-z]{2,}[^<>]*)<")
_TEXT_ATTRIBUTE = re.compile(
    r'\b(?:placeholder|title|aria-label|alt|aria-roledescription)="([^"]*[A-Za-z]{2,}[^"]*)"'
)
# Names that read the same in every language: file formats and the program's name.
_SAME_IN_EVERY_LANGUAGE = re.compile(r"^(?:CSV|XLSX|PDF|ZIP|MTW(?: Portal)?|Miami Tech Works)$")


def untranslated_template_text(source: str, *, html: bool = True) -> list[tuple[int, str]]:
    """(line, text) of the words in ``source`` left outside {% translate %} / {% blocktranslate %}."""
    for pattern in _TEMPLATE_SKIPS:
        source = pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), source)
    if html:
        found = [(m.start(), m.group(1)) for m in _TEXT_NODE.finditer(source)]
        found += [(m.start(), m.group(1)) for m in _TEXT_ATTRIBUTE.finditer(source)]
    else:  # a plain-text email: every word left is outside the tags
        found = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]*[A-Za-z]{2,}[^\n]*", source)]
    return sorted(
        (source.count("\n", 0, start) + 1, text.strip())
        for start, text in found
        if not _SAME_IN_EVERY_LANGUAGE.match(text.strip())
    )


def test_the_template_check_finds_text_outside_the_tags():
    page = (
        '<p>{% translate "Saved" %}</p>\n'
        '<button title="Remove it">{% translate "Remove" %}</button>\n'
        "<p>Done</p>"
    )
    assert untranslated_template_text(page) == [(2, "Remove it"), (3, "Done")]
    assert untranslated_template_text("{% translate 'Hello' %}\nSee you {{ name }}", html=False) == [
        (2, "See you")
    ]


def test_templates_have_no_text_outside_translation_tags():
    found = []
    for path in sorted(path for path in TEMPLATES_DIR.rglob("*") if path.suffix in (".html", ".txt")):
        for line, text in untranslated_template_text(
            path.read_text(encoding="utf-8"), html=path.suffix == ".html"
        ):
            found.append(f"{path.relative_to(TEMPLATES_DIR)}:{line}: {text}")
    assert not found, "wrap these in {% translate %} or {% blocktranslate %}:\n" + "\n".join(found)


# The Python that people read: our apps, without migrations, tests and the command line.
PYTHON_PACKAGES = [
    "mtw_portal",
    "participants",
    "programs",
    "employers",
    "placements",
    "coalition",
    "outcomes",
    "reports",
]
_NOT_SHOWN = {"migrations", "management", "__pycache__"}
# Keyword arguments whose text people read (forms, models, tables, messages).
_TEXT_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "title",
    "message",
}
_MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error"}
# A language's own name, written in it so that its readers find it in any language.
_ENDONYMS = {"English", "Español", "Kreyòl ayisyen"}
_WORD = re.compile(r"[A-Za-z]{2,}")


def _literal_text(node):
    """The text of a string written in the code (a literal, an f-string, "..." % x, "...".format(x));
    None for anything else, e.g. a gettext call."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _literal_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_text(node.func.value)
    return None


def untranslated_python_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of user-facing strings in ``source`` not passed through gettext: messages,
    form and model labels and help texts, validation errors, choices."""
    import ast

    found = []

    def check(node, text_node):
        text = _literal_text(text_node)
        if text and _WORD.search(text) and text not in _ENDONYMS:
            found.append((node.lineno, text))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            if owner == "messages" and name in _MESSAGE_FUNCTIONS and len(node.args) > 1:
                check(node, node.args[1])
            if owner == "messages" and name == "add_message" and len(node.args) > 2:
                check(node, node.args[2])
            if name == "add_error" and len(node.args) > 1:
                check(node, node.args[1])
            if name == "ValidationError" and node.args:
                errors = node.args[0]
                for item in errors.values if isinstance(errors, ast.Dict) else [errors]:
                    check(node, item)
            for keyword in node.keywords:
                if keyword.arg in _TEXT_KEYWORDS:
                    check(keyword.value, keyword.value)
                if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                            check(choice, choice.elts[1])
        elif isinstance(node, ast.ClassDef):
            is_choices = any(
                getattr(base, "attr", getattr(base, "id", "")).endswith("Choices") for base in node.bases
            )
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                if is_choices and isinstance(statement.value, ast.Tuple) and len(statement.value.elts) >= 2:
                    check(statement, statement.value.elts[-1])
                targets = {getattr(target, "id", "") for target in statement.targets}
                if node.name == "Meta" and targets & {
                    "labels",
                    "help_texts",
                    "verbose_name",
                    "verbose_name_plural",
                }:
                    values = (
                        statement.value.values if isinstance(statement.value, ast.Dict) else [statement.value]
                    )
                    for value in values:
                        check(value, value)
    return sorted(found)


def test_the_python_check_finds_text_outside_gettext():
    source = """
messages.success(request, "Your profile is saved.")
messages.error(request, _("Not saved."))
form.add_error("email", f"{email} is taken")
raise ValidationError({"amount": "Too much", "note": _("Too long")})
name = forms.CharField(label="Your name", help_text=_("As on your ID"))
class Color(models.TextChoices):
    RED = "red", "Red"
    BLUE = "blue", _("Blue")
status = models.CharField(choices=[("a", "Active one"), ("b", _("Other"))])
"""
    assert [text for _line, text in untranslated_python_text(source)] == [  # in the order of the lines
        "Your profile is saved.",
        " is taken",
        "Too much",
        "Your name",
        "Red",
        "Active one",
    ]


def test_python_user_facing_text_is_marked_for_translation():
    root = Path(settings.BASE_DIR)
    found = []
    for package in PYTHON_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if _NOT_SHOWN & set(path.relative_to(root).parts):
                continue
            for line, text in untranslated_python_text(path.read_text(encoding="utf-8")):
                found.append(f"{path.relative_to(root)}:{line}: {text[:80]!r}")
    assert not found, "wrap these in gettext (_(...)):\n" + "\n".join(found)
