"""allauth's pages (log in, sign up, password, email, two-factor) in the portal's layout.

Every page renders inside templates/base.html, and every input on it has a visible
<label for=...>: allauth asks for placeholder-only inputs on the log-in page, our
templates/allauth/elements/ give them labels anyway. Errors and help text are tied to
their input with aria-describedby.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

PASSWORD = "correct-horse-battery-staple-42"

PUBLIC_PAGES = ["account_login", "account_signup", "account_reset_password"]
MANAGE_PAGES = ["account_email", "account_change_password", "mfa_index", "mfa_activate_totp"]

# Inputs that need no label of their own.
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    """The bits of a page the checks below look at: html lang, ids, form controls, labels."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.ids: set[str] = set()
        self.controls: list[tuple[str, dict]] = []
        self.labels: list[tuple[dict, str]] = []
        self._label: dict | None = None
        self._label_text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "") for name, value in attrs}
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("input", "select", "textarea"):
            self.controls.append((tag, attrs))
        if tag == "label":
            self._label, self._label_text = attrs, []

    def handle_data(self, data):
        if self._label is not None:
            self._label_text.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            self.labels.append((self._label, " ".join("".join(self._label_text).split())))
            self._label = None

    def labelled_controls(self):
        return [
            (tag, attrs)
            for tag, attrs in self.controls
            if not (tag == "input" and attrs.get("type", "text").lower() in UNLABELLED_TYPES)
        ]

    def visible_label_for(self, control_id: str) -> str | None:
        for attrs, text in self.labels:
            if attrs.get("for") == control_id and "visually-hidden" not in attrs.get("class", "").split():
                return text or None
        return None


def assert_portal_page(response) -> PageAudit:
    """Our layout, and every control with a visible label and working aria-describedby."""
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skip to main content" in html
    assert "<html lang=" in html
    page = PageAudit(html)
    assert page.html_lang
    for tag, attrs in page.labelled_controls():
        described = f"<{tag} name={attrs.get('name')!r} type={attrs.get('type')!r}>"
        assert attrs.get("id"), f"{described} has no id, so no <label for> can point at it"
        assert page.visible_label_for(attrs["id"]), f"{described} has no visible <label for={attrs['id']!r}>"
        for ref in attrs.get("aria-describedby", "").split():
            assert ref in page.ids, f"{described} is described by #{ref}, which is not on the page"
    return page


def form_controls(page: PageAudit) -> list[dict]:
    """The labelled controls of allauth's forms, leaving out the footer's language switcher."""
    return [attrs for _tag, attrs in page.labelled_controls() if attrs.get("id") != "language-select"]


@pytest.fixture
def member(django_user_model, settings):
    settings.MTW_REQUIRE_MFA = False
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(email="member@example.test", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_page_in_portal_layout_with_labelled_inputs(client, db, url_name):
    page = assert_portal_page(client.get(reverse(url_name)))
    controls = form_controls(page)
    assert controls, "the page should have a form"
    for attrs in controls:
        classes = attrs.get("class", "").split()
        assert "form-control" in classes or "form-check-input" in classes, attrs


@pytest.mark.parametrize("url_name", ["account_login", "account_signup"])
def test_entrance_pages_use_centred_column_and_primary_button(client, db, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert 'class="col-md-8 col-lg-5"' in html
    assert 'class="h3 mb-3"' in html
    assert 'class="btn btn-primary" type="submit"' in html


def test_login_inputs_labelled_although_allauth_asks_for_none(client, db):
    page = assert_portal_page(client.get(reverse("account_login")))
    assert page.visible_label_for("id_login")
    assert page.visible_label_for("id_password")
    # The help text ("Forgot your password?") is tied to the password input.
    password = next(attrs for tag, attrs in page.controls if attrs.get("id") == "id_password")
    assert "id_password_helptext" in password["aria-describedby"].split()


def test_failed_login_shows_the_error_as_an_alert(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "not-the-password"})
    html = response.content.decode()
    assert_portal_page(response)
    assert 'class="alert alert-danger" role="alert"' in html
    assert "<title>Error:" in html
    assert "not-the-password" not in html, "a password must never be sent back to the browser"


def test_signup_field_errors_are_marked_and_described(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD + "-typo"},
    )
    page = assert_portal_page(response)
    password2 = next(attrs for attrs in form_controls(page) if attrs.get("id") == "id_password2")
    assert "is-invalid" in password2["class"].split()
    assert password2.get("aria-invalid") == "true"
    assert "id_password2_error" in password2["aria-describedby"].split()
    html = response.content.decode()
    assert 'id="id_password2_error" class="invalid-feedback' in html
    assert PASSWORD not in html


@pytest.mark.parametrize("url_name", MANAGE_PAGES)
def test_account_page_in_portal_layout_with_labelled_inputs(client, member, url_name):
    client.force_login(member)
    if url_name == "mfa_activate_totp":
        # Setting up an authenticator asks for the password again first.
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302
    response = client.get(reverse(url_name))
    page = assert_portal_page(response)
    assert 'class="col-lg-8"' in response.content.decode()
    if url_name != "mfa_index":
        assert form_controls(page), "the page should have a form"


def test_mfa_index_shows_cards(client, member):
    client.force_login(member)
    html = client.get(reverse("mfa_index")).content.decode()
    assert '<section class="card mb-4">' in html
    assert '<h2 class="h5 mb-0">' in html


def test_email_page_lists_addresses_as_labelled_radios(client, member):
    client.force_login(member)
    page = assert_portal_page(client.get(reverse("account_email")))
    radios = [attrs for attrs in form_controls(page) if attrs.get("type") == "radio"]
    assert len(radios) == 1
    assert "form-check-input" in radios[0]["class"].split()
    assert member.email in page.visible_label_for(radios[0]["id"])
