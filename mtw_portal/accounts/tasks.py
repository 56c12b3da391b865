from smtplib import SMTPException

from celery import shared_task

from mtw_portal.accounts import services


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=30, max_retries=5)
def invitation_send(invitation_id: int) -> bool:
    return services.invitation_send(invitation_id=invitation_id)


@shared_task
def invitations_send(invitation_ids: list[int]) -> int:
    """The invitations of one import, in one task: each sent once, one failure never stops the rest."""
    return services.invitations_send(invitation_ids=invitation_ids)


@shared_task
def invitations_send_pending() -> int:
    return services.invitations_send_pending()
