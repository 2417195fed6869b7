"""Every answer carries the Content-Security-Policy and the Permissions-Policy (pages, errors, the API)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/no-such-page/", "/api/v1/no-such-thing", "/api/docs"])
def test_the_policies_are_sent(client, path):
    response = client.get(path)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert not any("unsafe" in value for value in policy.values())
    features = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in features


def test_the_api_docs_start_from_a_file_not_an_inline_script(client):
    page = client.get("/api/docs").content.decode()
    assert "<script>" not in page and "<style>" not in page
    assert client.get("/api/docs?script=").status_code == 200
