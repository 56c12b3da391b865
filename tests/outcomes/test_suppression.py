"""Small-number suppression with complementary suppression, on tables worked out by hand."""

from __future__ import annotations

from outcomes.suppression import SUPPRESS_BELOW, complementary, gap, primary, rate, shown, suppress_columns


def column(*counts):
    """One column of counts (its total is published beside it): the column as published.
    Complements are taken from the bottom up."""
    return [row[0] for row in suppress_columns([[n] for n in counts])]


def test_the_threshold_is_five_and_zero_is_hidden():
    assert SUPPRESS_BELOW == 5
    assert primary(4) and primary(0) and primary(None)
    assert not primary(5)
    assert shown(4) is None
    assert shown(0) is None
    assert shown(5) == 5


def test_a_column_with_nothing_small_is_shown_whole():
    assert column(12, 7, 5) == [12, 7, 5]


def test_a_single_small_cell_with_a_total_takes_a_complement():
    # Total 30: hiding only the 3 would give it back (30 - 20 - 7).
    assert column(20, 3, 7) == [20, None, None]


def test_two_small_cells_that_together_reach_five_stay_the_only_ones_hidden():
    # 2 + 3 = 5: the total tells that these two groups have 5 people, not how they split.
    assert column(20, 2, 3, 9) == [20, None, None, 9]


def test_two_small_cells_still_under_five_together_take_a_complement():
    # 1 + 2 = 3 people: "these two groups have 3 people" is itself a small count.
    assert column(20, 1, 2, 9, 6) == [20, None, None, 9, None]


def test_zeros_are_hidden_and_cannot_be_worked_out():
    # 0 and 0: hidden together they would still say "nobody here" (total minus the shown ones).
    assert column(40, 0, 0, 8) == [40, None, None, None]


def test_a_column_whose_total_is_small_is_hidden_whole():
    assert column(1, 2, 0) == [None, None, None]


def test_the_complement_is_taken_in_the_fixed_order_not_by_size():
    # The last row, though the 8 above it is smaller: a size order would switch complements when
    # one person joins a large group, and two releases together would give the 3 back.
    assert column(3, 8, 20) == [None, 8, None]
    # One more person in a large group does not move the complement.
    assert column(3, 12, 12) == [None, 12, None]
    assert column(3, 13, 12) == [None, 13, None]
    assert column(3, 12, 13) == [None, 12, None]
    assert suppress_columns([[3], [8], [20]], prefer=[1, 0, 2]) == [[None], [None], [20]]


def test_an_all_small_row_is_hidden_and_each_column_protected():
    # Row 1 (3, 1, 0) is small everywhere; each column then takes its complement from the bottom.
    assert suppress_columns([[10, 8, 6], [3, 1, 0], [7, 9, 5]]) == [
        [10, 8, 6],
        [None, None, None],
        [None, None, None],
    ]


def test_a_complement_that_is_small_together_takes_another():
    # 1 + 0 + 2 (the complement, itself small) = 3: one more is needed.
    assert column(9, 1, 0, 2) == [None, None, None, None]
    assert column(9, 7, 1, 0, 2) == [9, None, None, None, None]


def test_complementary_suppression_cascades_across_lines():
    # Cells a..e, lines (b, c, a) and (c, d, e) in their order of complements, each with its sum
    # known. b = 2 is small: line 1 hides c too. c is then the only hidden cell of line 2, which
    # would give it back (its sum minus d and e): d, next there, goes too.
    values = {"a": 9, "b": 2, "c": 6, "d": 7, "e": 30}
    hidden = complementary(values, [("b", "c", "a"), ("c", "d", "e")])
    assert hidden == {"b", "c", "d"}


def test_a_cascade_that_needs_several_rounds():
    # b is small: line 1 takes c. Line 2 (c, d): c alone, takes d. Line 3 (d, f): d alone, takes f.
    values = {"a": 50, "b": 1, "c": 10, "d": 11, "e": 40, "f": 12, "g": 60}
    lines = [("b", "c", "a"), ("c", "d", "e"), ("d", "f", "g")]
    hidden = complementary(values, lines)
    assert hidden == {"b", "c", "d", "f"}
    # Every line then has no lone hidden cell and at least 5 people hidden.
    for line in lines:
        in_line = [k for k in line if k in hidden]
        assert len(in_line) != 1
        assert sum(values[k] for k in in_line) >= SUPPRESS_BELOW


def test_rates_and_gaps_need_every_count_shown():
    assert rate(5, 8) == 62.5
    assert rate(None, 10) is None  # a hidden part: 3 of 10 would give the 3 back
    assert rate(5, None) is None
    assert gap(5, 10, 20, 25) == -30.0
    assert gap(5, 10, None, 25) is None  # everyone's rate is itself hidden
    assert gap(None, 10, 20, 25) is None
