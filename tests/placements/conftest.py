"""Placements come from hires too: the hiring fixtures (uploads in a temporary folder, an
opportunity, an applicant and an application)."""

from tests.employers.conftest import (  # noqa: F401
    _media_in_tmp,
    applicant,
    application,
    employer_owner,
    make_opportunity,
    opportunity,
    other_applicant,
)
