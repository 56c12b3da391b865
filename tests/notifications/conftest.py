"""Notification fixtures: the hiring fixtures of tests/employers, and helpers to read what each person got."""

import pytest
from django.core import mail

from mtw_portal.notifications.models import Notification
from tests.employers.conftest import (  # noqa: F401 - fixtures shared with the employers' tests
    _media_in_tmp,
    applicant,
    application,
    make_opportunity,
    opportunity,
    other_applicant,
)


def items(user, kind=None):
    notifications = Notification.objects.filter(recipient=user)
    if kind:
        notifications = notifications.filter(kind=kind)
    return list(notifications)


def mails_to(user):
    return [message for message in mail.outbox if user.email in message.to]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block queued after its commit (the emails, inline)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
