"""Small-number suppression with complementary suppression (pure functions, no database).

A table of counts is published with its margins (a column's total is everyone counted in it). A
count hidden on its own is not hidden: if it is the only hidden cell of a line (a column that
adds up to a shown total), the total minus the shown cells gives it back. So:

1. **Primary suppression**: every count under ``SUPPRESS_BELOW`` (5) is hidden, **zero included**.
   Showing zeros would let a table taken before and after one person joins tell their group (a
   "0" that turns into "hidden"), and would make a hidden cell's sum easier to pin down.
2. **Complementary suppression**: in every line (a set of cells whose sum is known: a column and
   its total), if exactly one cell is hidden, or the hidden cells together count fewer than
   ``SUPPRESS_BELOW`` people, the next shown cell of that line in a fixed order of preference is
   hidden too. This repeats over all lines until nothing changes (hiding a cell for one line can
   break another line it belongs to).

   The order is fixed by the table's rows, never by the counts: "the smallest shown cell" would
   switch from one group to another when one person joins a large group (two groups of 12, the
   first hidden; one more in the first, now 13, and the second is hidden instead), and the two
   releases together would give the small count back (the differencing test found exactly this).
   The price: a complement may be a large group. The demographic tables take complements from
   the bottom up ("Not answered", then "Prefer not to say", ...), the ZIP table "Not answered",
   then "Other ZIP codes", then the ZIP codes from the highest code down.

What it guarantees, for each line, whatever the totals: no hidden cell is the only hidden cell of
the line, and the hidden cells of a line together count at least ``SUPPRESS_BELOW`` people, so
neither a single hidden count nor "these few groups have nobody" can be worked out from the
total and the shown cells. The exceptions are lines whose total itself is under the threshold
(then every cell of it is hidden, and the total is the only thing one could learn). Figures
computed from counts (rates, shares, gaps) are shown only when every count they use is shown
(``rate``, ``gap``).

What it cannot guarantee: tables are exact, so when one person joins a group whose count is
shown, that count moves by one (see the README, "Who is being left behind").
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

# A count under this is never shown (nor a figure computed from one).
SUPPRESS_BELOW = 5


def primary(value: int | None, threshold: int = SUPPRESS_BELOW) -> bool:
    """Whether ``value`` is hidden on its own: a count under ``threshold``, zero included."""
    return value is None or value < threshold


def complementary(
    values: dict[Hashable, int], lines: Iterable[Sequence[Hashable]], threshold: int = SUPPRESS_BELOW
) -> set:
    """The keys of ``values`` to hide: primary suppression, then complementary suppression over
    ``lines`` (each a sequence of keys of cells whose sum is known, in the order complements are
    taken), repeated until stable. A key in no line is hidden only when it is small itself."""
    lines = [list(line) for line in lines]
    hidden = {key for key, value in values.items() if primary(value, threshold)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            in_line = [key for key in line if key in hidden]
            if not in_line:
                continue
            if len(in_line) > 1 and sum(values[key] for key in in_line) >= threshold:
                continue
            shown = [key for key in line if key not in hidden]
            if not shown:
                continue  # the whole line is hidden: nothing more to do
            hidden.add(shown[0])
            changed = True
    return hidden


def suppress_columns(
    rows: Sequence[Sequence[int]], *, prefer: Sequence[int] | None = None, threshold: int = SUPPRESS_BELOW
) -> list[list[int | None]]:
    """A table of counts (``rows`` of equal length; each column adds up to a total published
    beside it) with the hidden counts replaced by ``None``: each column is a line. ``prefer``: the
    row indices in the order complements are taken (by default the last row first)."""
    width = len(rows[0]) if rows else 0
    values = {(i, j): count for i, row in enumerate(rows) for j, count in enumerate(row)}
    order = list(prefer) if prefer is not None else list(reversed(range(len(rows))))
    if sorted(order) != list(range(len(rows))):
        raise ValueError("prefer must name every row once")
    lines = [[(i, j) for i in order] for j in range(width)]
    hidden = complementary(values, lines, threshold)
    return [
        [None if (i, j) in hidden else count for j, count in enumerate(row)] for i, row in enumerate(rows)
    ]


def shown(value: int | None, threshold: int = SUPPRESS_BELOW) -> int | None:
    """A margin (a total) as published: itself, or ``None`` when it is under ``threshold``."""
    return None if primary(value, threshold) else value


def rate(part: int | None, whole: int | None) -> float | None:
    """``part / whole`` in percent (one decimal), given the counts as published: ``None`` unless
    both are shown (a rate would give a hidden count back)."""
    if part is None or whole is None or whole == 0:
        return None
    return round(100 * part / whole, 1)


def gap(
    part: int | None, whole: int | None, overall_part: int | None, overall_whole: int | None
) -> float | None:
    """The group's rate minus everyone's, in percentage points (one decimal), given the counts as
    published: ``None`` unless all four are shown."""
    if rate(part, whole) is None or rate(overall_part, overall_whole) is None:
        return None
    return round(100 * part / whole - 100 * overall_part / overall_whole, 1)
