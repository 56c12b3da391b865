"""Reference rows (budget lines, working groups) in the reader's language.

A migration creates them with English text; each model keeps that text by the row's stable code,
marked with gettext_noop so ``makemessages`` extracts it. Shown, a row's text is translated while
it is still that reference text; once someone renames it, it is shown as they wrote it.
"""

from django.utils.translation import gettext


def reference_text(stored: str, reference: str | None) -> str:
    if reference is not None and stored == reference:
        return gettext(reference)
    return stored
