from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from mtw_portal import access
from mtw_portal.accounts.language import language_at_login, language_use
from mtw_portal.accounts.models import Role, User
from mtw_portal.accounts.selectors import user_language
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

    def post_login(self, request, user, **kwargs):
        # The saved language wins: the "signed in" message and every page after are in it.
        language = language_at_login(user, current=translation.get_language())
        translation.activate(language)
        response = super().post_login(request, user, **kwargs)
        language_use(request, response, language)
        return response

    def send_mail(self, template_prefix, email, context):
        # allauth's emails (confirm your address, reset your password) in the language of the
        # account they are about; to an address without one, in the page's language.
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        if not isinstance(user, User):
            return super().send_mail(template_prefix, email, context)
        with translation.override(user_language(user)):
            return super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user.role = Role.PARTICIPANT
        # Signed up on pages in this language: that is their language until they choose another.
        current = translation.get_language()
        user.language = current if current in dict(settings.LANGUAGES) else ""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            participant_ensure(user=user)
        return user
