"""Every URL pattern of the portal, with sample arguments, for access tests that must cover them all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

_SAMPLE = {
    "int": "999999",
    "str": "sample",
    "slug": "sample",
    "path": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    callback: object

    @property
    def allowed_roles(self):
        return getattr(self.callback, "allowed_roles", None)


def _walk(patterns, prefix: str, namespace: str, module: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            mod = (
                getattr(entry.urlconf_module, "__name__", module)
                if not isinstance(entry.urlconf_module, list)
                else module
            )
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns, mod)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield (
                prefix + str(entry.pattern),
                name,
                entry.callback,
                isinstance(entry.pattern, RoutePattern),
                module,
            )


def _sample_url(route: str) -> str:
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE.get(m.group(1) or "str", "sample"), route)
    return "/" + url.lstrip("^").rstrip("$")


def portal_routes() -> list[Route]:
    """Our own routes: not Django's admin, not allauth's (which guard themselves)."""
    routes = []
    for route, name, callback, is_route_pattern, module in _walk(get_resolver().url_patterns, "", "", ""):
        if route.startswith("admin/") or module.startswith("allauth") or not is_route_pattern:
            continue
        routes.append(Route(name=name, url=_sample_url(route), callback=callback))
    return routes


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def pages_reached(client, routes: list[Route], *, tabs: str = "tab") -> dict[str, str]:
    """The HTML pages (route name -> path with real ids) that ``client`` reaches by following links
    from the routes that take no argument. A page's tabs (links to itself with only ``?tab=``)
    count as pages of their own, named "route?tab=value". Downloads, redirects, errors and
    POST-only routes (405 to a GET) are left out."""
    wanted = {route.name for route in routes}
    queue = [route.url for route in routes if "sample" not in route.url and "999999" not in route.url]
    pages: dict[str, str] = {}
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        try:
            name = resolve(parts.path).view_name
        except Resolver404:
            continue
        query = parse_qs(parts.query)
        tab = query[tabs][0] if list(query) == [tabs] else None
        key = f"{name}?{tabs}={tab}" if tab else name
        url = f"{parts.path}?{tabs}={tab}" if tab else parts.path
        if name not in wanted or key in pages or url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages[key] = url
        links = _Links()
        links.feed(response.content.decode("utf-8", "replace"))
        for href in links.hrefs:
            link = urlsplit(urljoin(parts.path, href))
            if link.netloc in ("", "testserver"):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return pages
