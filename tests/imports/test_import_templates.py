"""The import pages offer a template file (CSV and XLSX): the importer's header row and one
example row, which the importer itself reads back."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mtw_portal.imports.importers import read_table
from placements import imports as placement_imports
from programs import imports as roster_imports

ROSTER = ("programs:roster_template", "programs:roster_upload", roster_imports)
PLACEMENTS = ("placements:placement_import_template", "placements:placement_import", placement_imports)


@pytest.mark.parametrize(("kind", "who"), [(ROSTER, "provider_member"), (PLACEMENTS, "navigator")])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_file_has_the_importers_columns_and_one_example_row(client, request, kind, who, fmt):
    url_name, _upload, module = kind
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url_name, args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    content = response.content
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert rows[0] == module.COLUMNS
    else:
        header = content.decode("utf-8-sig").splitlines()[0]
        assert tuple(header.split(",")) == module.COLUMNS
    sheet = read_table(content, module.COLUMNS)  # the importer reads its own template
    assert sheet.columns == module.COLUMNS
    [row] = sheet.rows
    assert row.values == {c: module.EXAMPLE_ROW[c] for c in module.COLUMNS}


@pytest.mark.parametrize(("kind", "who"), [(ROSTER, "provider_member"), (PLACEMENTS, "grant_staff")])
def test_the_upload_page_links_to_both_template_files(client, request, kind, who):
    url_name, upload, _module = kind
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse(upload)).content.decode()
    for fmt in ("csv", "xlsx"):
        assert reverse(url_name, args=[fmt]) in page
    assert "Download the template (CSV)" in page


def test_an_unknown_format_is_404(client, grant_staff):
    client.force_login(grant_staff)
    assert client.get(reverse("programs:roster_template", args=["pdf"])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "who"),
    [
        (ROSTER, "read_only_provider_member"),
        (ROSTER, "navigator"),
        (ROSTER, "employer_member"),
        (PLACEMENTS, "provider_member"),
        (PLACEMENTS, "employer_member"),
        (PLACEMENTS, "participant"),
    ],
)
def test_only_those_who_may_upload_get_the_template(client, request, kind, who):
    url_name, _upload, _module = kind
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(url_name, args=["csv"])).status_code == 403
