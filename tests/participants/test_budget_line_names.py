"""Budget lines, reference data made by a migration, read in the reader's language."""

from django.utils import translation

from participants.forms import BudgetLineChoiceField
from participants.models import BudgetLine


def test_a_reference_budget_line_is_named_in_the_readers_language(db):
    line = BudgetLine.objects.get(code="transportation")
    with translation.override("en"):
        assert line.label == "Supportive services: transportation"
    with translation.override("es"):
        assert line.label == "Servicios de apoyo: transporte"
        assert str(line) == line.label
    with translation.override("ht"):
        assert line.label == "Sèvis sipò: transpò"


def test_the_budget_line_list_of_the_support_form_is_translated(db):
    with translation.override("ht"):
        labels = [label for _value, label in BudgetLineChoiceField().choices]
    assert "Sèvis sipò: transpò" in labels
    assert not [label for label in labels if label.startswith("Supportive")]


def test_a_renamed_budget_line_shows_the_name_it_was_given(db):
    BudgetLine.objects.filter(code="childcare").update(name="Child care (county voucher)")
    line = BudgetLine.objects.get(code="childcare")
    with translation.override("es"):
        assert line.label == "Child care (county voucher)"


def test_a_new_budget_line_shows_its_name(db):
    line = BudgetLine.objects.create(code="laptops", name="Laptops for the evening cohort")
    with translation.override("ht"):
        assert line.label == "Laptops for the evening cohort"
