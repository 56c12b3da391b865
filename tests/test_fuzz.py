"""Hostile input never answers 500: every query parameter and every form of every URL pattern.

For each role (and an anonymous visitor) on the demo data, the pages the role may use are
crawled from the URL walk (tests/urlwalk.py): each page's links give real object ids, and its
<form> elements give the field names, method and action. Hypothesis then sends each page's query
parameters and each of its forms again with generated values: digits of other scripts and
superscripts, huge and negative numbers, 10,000 characters, NUL and line breaks, malformed and
extreme dates, and missing fields, mixed with the values the page itself offered (so that one bad
field meets otherwise valid ones and reaches the services). No answer may be a 500, and no
exception may escape the view (the test client raises it, so the traceback shows).

Each page first gets three values in every parameter and field at once (EVERYWHERE), then
generated examples. The run is derandomized (the same examples every time). MTW_FUZZ_EXAMPLES
sets the generated examples per page and role (default 4: about a minute and a half on SQLite on
an idle machine); a nightly run can set more.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from demo import seed as demo
from mtw_portal.accounts.models import Role, User
from tests import factories
from tests.urlwalk import portal_routes

EXAMPLES = int(os.environ.get("MTW_FUZZ_EXAMPLES", "4"))

# Sent in every parameter and every field at once, on every page, before the generated examples:
# a superscript digit (str.isdigit() says yes, int() says no), a number past any id, a date past
# any timedelta.
EVERYWHERE = ["²", str(10**30), "9999-12-31"]

HOSTILE = [
    "١٢",  # Arabic-Indic digits: str.isdigit() is True
    "²",  # superscript two: str.isdigit() is True, int() refuses it
    "߁",  # NKo digit one
    "१२३",  # Devanagari digits
    "１２",  # fullwidth digits
    str(10**30),
    "9223372036854775808",  # one past PostgreSQL's bigint
    "-1",
    "0",
    "1.5",
    "1e400",
    "NaN",
    "x" * 10_000,
    "9" * 10_000,
    "a\x00b",
    "first\nsecond",
    "first\r\nsecond",
    "\t\x0b\x1f",
    "0000-00-00",
    "9999-12-31",
    "2026-02-30",
    "1800-01-01",
    "10000-01-01",
    "-0001-01-01",
    "2026-13-01",
    "2026-Q5",
    "0000-Q1",
    "9999-Q4",
    "",
    " ",
    "%",
    "<script>alert(1)</script>",
    "\ud83d\ude00".encode("utf-16", "surrogatepass").decode("utf-16"),
    "/admin/",
    "//evil.example/",
]

# Query parameters the views read (grep request.GET), plus generic ones a view might grow.
GENERIC_PARAMS = [
    "page",
    "sort",
    "q",
    "id",
    "pk",
    "status",
    "state",
    "provider",
    "program",
    "cohort",
    "employer",
    "participant",
    "group",
    "start",
    "end",
    "period",
    "format",
    "fmt",
    "quarter",
    "tab",
    "next",
    "mine",
    "upcoming_page",
    "measure",
    "reason",
    "support",
    "field",
    "value",
    "within",
    "action",
    "decision",
    "membership",
    "outcome",
    "search",
]

SKIP_FORM_FIELDS = {"csrfmiddlewaretoken"}


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values the page offers
    files: set[str] = field(default_factory=set)


class PageParser(HTMLParser):
    """The links and forms of one page."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name, value):
        if self._form is not None and name and name not in SKIP_FORM_FIELDS:
            self._form.fields.setdefault(name, [])
            if value is not None and value not in self._form.fields[name]:
                self._form.fields[name].append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.url, attrs["href"]))
        elif tag == "form":
            self._form = Form(
                method=(attrs.get("method") or "get").lower(),
                action=urljoin(self.url, attrs.get("action") or self.url),
            )
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None:
            if attrs.get("type") == "file":
                self._form.files.add(attrs.get("name") or "")
            elif attrs.get("type") not in ("submit", "image", "reset"):
                self._add(
                    attrs.get("name"), attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
                )
            else:
                self._add(attrs.get("name"), attrs.get("value"))
        elif tag == "button" and self._form is not None and attrs.get("name"):
            self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self._select = attrs.get("name")
            self._add(self._select, None)
        elif tag == "option" and self._select:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._add(self._textarea, None)

    def handle_data(self, data):
        if self._textarea and data.strip():
            self._add(self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Target:
    """A page as one role sees it: its URL (real ids where a link gave them) and what it takes."""

    name: str
    url: str
    query: dict[str, list[str]] = field(default_factory=dict)
    forms: list[Form] = field(default_factory=list)


def _route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(client, routes) -> dict[str, Target]:
    """Each route's first URL found by following links from the routes without arguments."""
    by_name = {route.name: route for route in routes}
    targets: dict[str, Target] = {}
    queue = [route.url for route in routes if "sample" not in route.url and "999999" not in route.url]
    seen_paths = set()
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = _route_name(path)
        if name not in by_name or name in targets or path in seen_paths:
            continue
        seen_paths.add(path)
        response = client.get(url)
        assert response.status_code != 500, url
        target = targets[name] = Target(name=name, url=path)
        for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            target.query.setdefault(key, []).append(value)
        if "html" not in response.get("Content-Type", ""):
            continue
        page = PageParser(path)
        page.feed(response.content.decode("utf-8", "replace"))
        for link in page.links:
            local = _local(link)
            if local is None:
                continue
            link_name = _route_name(urlsplit(local).path)
            if link_name == name:  # the page's own query parameters (filters, paging, drills)
                for key, value in parse_qsl(urlsplit(local).query, keep_blank_values=True):
                    if value not in target.query.setdefault(key, []):
                        target.query[key].append(value)
            elif link_name in by_name and link_name not in targets:
                queue.append(local)
        for form in page.forms:
            action_path = urlsplit(form.action).path
            if form.method == "get" and _route_name(action_path) == name:
                for key, values in form.fields.items():
                    target.query.setdefault(key, []).extend(v for v in values if v not in target.query[key])
            elif form.method == "post" and _route_name(action_path) in by_name:
                form.action = _local(form.action)
                target.forms.append(form)
    for route in routes:  # never reached by a link: the walk's sample arguments (mostly a 404)
        targets.setdefault(route.name, Target(name=route.name, url=route.url))
    for target in targets.values():
        for key in GENERIC_PARAMS:
            target.query.setdefault(key, [])
    return targets


def _value(offered: list[str]):
    choices = [st.sampled_from(HOSTILE), st.text(max_size=40)]
    if offered:
        choices.insert(0, st.sampled_from(offered))
    return st.one_of(*choices)


def _fields(fields: dict[str, list[str]], *, keep: float):
    """Some of ``fields`` (a field left out is a missing field), each a page value or a hostile one."""

    @st.composite
    def draw_fields(draw):
        out = {}
        for name, offered in fields.items():
            if draw(st.integers(0, 99)) >= keep * 100:
                continue
            out[name] = draw(_value(offered))
        return out

    return draw_fields()


def _fuzz(client, target: Target, who: str):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing example is shown
        suppress_health_check=list(HealthCheck),
    )
    @given(
        query=_fields(target.query, keep=0.3),
        posts=st.tuples(*[_fields(form.fields, keep=0.85) for form in target.forms]),
    )
    def check(query, posts):
        response = client.get(target.url, query)
        assert response.status_code != 500, (who, target.url, query)
        for form, data in zip(target.forms, posts, strict=True):
            response = client.post(form.action, data)
            assert response.status_code != 500, (who, form.action, data)

    for value in EVERYWHERE:
        check = example(
            query=dict.fromkeys(target.query, value),
            posts=tuple(dict.fromkeys(form.fields, value) for form in target.forms),
        )(check)
    check()


def _seed_world() -> None:
    """The demo's people, training, hiring and coalition, without its years of outcome history."""
    from demo import coalition as coalition_demo
    from demo import employers as demo_employers
    from demo import training as demo_training

    demo._employers()
    accounts = {spec.email: demo._account(spec, "fuzz-pass")[0] for spec in demo.DEMO_ACCOUNTS}
    demo_training.seed(accounts=accounts)
    demo_employers.seed(accounts=accounts)
    coalition_demo.seed(accounts=accounts)


def _demo_user(role: Role) -> User:
    email = next(spec.email for spec in demo.DEMO_ACCOUNTS if spec.role == role)
    user = User.objects.get(email=email)
    if role != Role.PARTICIPANT:
        factories.with_totp(user)
    return user


ROUTES = portal_routes()
PUBLIC_NAMES = {route.name for route in ROUTES if not route.allowed_roles} - {"core:dispatch"}


@pytest.mark.parametrize("role", [*Role.values, "anonymous"])
def test_hostile_input_never_answers_500(client, db, role):
    _seed_world()
    client.raise_request_exception = True
    if role == "anonymous":
        routes = [route for route in ROUTES if route.name in PUBLIC_NAMES]
    else:
        client.force_login(_demo_user(Role(role)))
        routes = [route for route in ROUTES if route.allowed_roles and role in route.allowed_roles]
    started = time.monotonic()
    targets = _crawl(client, routes)
    crawled = time.monotonic() - started
    for target in targets.values():
        begun = time.monotonic()
        _fuzz(client, target, role)
        if os.environ.get("MTW_FUZZ_TIMES"):
            print(f"{time.monotonic() - begun:6.2f} s {target.url} ({len(target.forms)} forms)")
    print(
        f"{role}: {len(targets)} pages, crawled in {crawled:.1f} s, all in {time.monotonic() - started:.1f} s"
    )


def test_the_crawl_reaches_pages_with_real_ids_and_their_forms(client, db):
    _seed_world()
    client.force_login(_demo_user(Role.STAFF))
    routes = [route for route in ROUTES if route.allowed_roles and Role.STAFF in route.allowed_roles]
    targets = _crawl(client, routes)
    assert "999999" not in targets["participants:detail"].url
    assert targets["participants:support_item_new"].forms
    assert targets["participants:caseload"].query["q"]  # from its search form, not only the generic list
