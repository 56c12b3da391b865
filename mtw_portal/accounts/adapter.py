from allauth.account.adapter import DefaultAccountAdapter

from mtw_portal import access
from mtw_portal.accounts.models import Role
from mtw_portal.clientip import client_ip
from participants.services import participant_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Anyone may sign up, and always as a participant; other roles are granted by grant staff."""

    def get_client_ip(self, request):
        # Rate limits key on the client right behind our proxies (MTW_TRUSTED_PROXY_COUNT); a
        # short or garbled X-Forwarded-For falls back to the connecting address, never a 500.
        return client_ip(request)

    def get_login_redirect_url(self, request):
        return access.home_url(request.user)

    def save_user(self, request, user, form, commit=True):
        user.role = Role.PARTICIPANT
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            participant_ensure(user=user)
        return user
