from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def sessions_clear_expired() -> int:
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
