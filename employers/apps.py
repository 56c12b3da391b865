from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Employers")

    def ready(self) -> None:
        from employers.services import memberships_for_role
        from mtw_portal.accounts.signals import role_granted

        role_granted.connect(memberships_for_role, dispatch_uid="employers.memberships_for_role")
