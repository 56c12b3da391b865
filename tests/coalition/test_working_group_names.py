"""Working groups, reference data made by a migration, read in the reader's language."""

from django.urls import reverse
from django.utils import translation

from coalition.models import WorkingGroup


def test_a_reference_working_group_reads_in_the_readers_language(db):
    group = WorkingGroup.objects.get(slug="tech-skills-gap")
    with translation.override("en"):
        assert (group.label, str(group)) == ("Tech Skills Gap", "Tech Skills Gap")
    with translation.override("es"):
        assert group.label == "Brecha de habilidades tecnológicas"
        assert group.description_label.startswith("Ajustar la formación")
    with translation.override("ht"):
        assert group.label == "Mank konpetans nan teknoloji"


def test_the_group_page_shows_the_translated_name(client, grant_staff):
    group = WorkingGroup.objects.get(slug="tech-skills-gap")
    client.force_login(grant_staff)
    client.post(reverse("set_language"), {"language": "ht", "next": "/"})
    page = client.get(reverse("coalition:group_detail", args=[group.pk])).content.decode()
    assert "Mank konpetans nan teknoloji" in page and "Tech Skills Gap" not in page


def test_a_renamed_working_group_shows_the_name_it_was_given(db):
    WorkingGroup.objects.filter(slug="tech-skills-gap").update(name="Skills Gap (2027)")
    group = WorkingGroup.objects.get(slug="tech-skills-gap")
    with translation.override("es"):
        assert group.label == "Skills Gap (2027)"
        assert group.description_label.startswith("Ajustar")  # the description was not changed
