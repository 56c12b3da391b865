from mtw_portal.accounts.selectors import user_language
from participants.models import Participant


def test_the_language_a_person_chose_comes_first(participant):
    Participant.objects.filter(user=participant).update(preferred_language="es")
    participant.language = "ht"
    assert user_language(participant) == "ht"


def test_a_participant_without_a_choice_is_written_to_in_their_preferred_language(participant):
    Participant.objects.filter(user=participant).update(preferred_language="es")
    participant.refresh_from_db()
    assert user_language(participant) == "es"


def test_anyone_else_without_a_choice_gets_the_portals_language(navigator):
    assert user_language(navigator) == "en"
