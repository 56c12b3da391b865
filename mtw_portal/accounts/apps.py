from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mtw_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from mtw_portal.accounts.sessions import record_totp_activation

        authenticator_added.connect(record_totp_activation, dispatch_uid="mtw_record_totp_activation")
