import pytest

from tests import factories


@pytest.fixture
def maria(oic):
    """Maria's record, in OIC of South Florida's queue."""
    user = factories.participant_user(first_name="Maria", last_name="Pierre", email="maria@example.test")
    return factories.participant_record(user, organization=oic)


# Hiring fixtures, for the résumé and applicant lists.
from tests.employers.conftest import (  # noqa: E402, F401
    _media_in_tmp,
    applicant,
    application,
    make_opportunity,
    opportunity,
)
