from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants and navigators")

    def ready(self) -> None:
        from mtw_portal.accounts.signals import role_granted
        from participants.services import memberships_for_role

        role_granted.connect(memberships_for_role, dispatch_uid="participants.memberships_for_role")
