"""The security headers and CSP every response and the static build carry, written out here
literally (not imported from buyerkit.web), so a weakened policy fails a test."""

from __future__ import annotations

import pytest

from buyerkit.freeze.build import freeze_site

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "interest-cohort=(), browsing-topics=()",
}
HSTS = "max-age=31536000; includeSubDomains"
ENDPOINT = "https://score.harborline.example"


@pytest.mark.parametrize("path", ["/", "/diagnostics/renewal-risk-check/",
                                  "/calculators/renewal-roi/", "/api/v1/health",
                                  "/no-such-page/"])
def test_every_response_carries_the_headers_and_https_adds_hsts(client, path):
    secure = client.get(path, base_url="https://harborline.example").headers
    assert {k: secure.get(k) for k in HEADERS} == HEADERS
    assert secure["Strict-Transport-Security"] == HSTS
    plain = client.get(path, base_url="http://harborline.example").headers
    assert {k: plain.get(k) for k in HEADERS} == HEADERS
    assert "Strict-Transport-Security" not in plain


def test_the_static_build_ships_the_same_policy_with_the_endpoint_allowed(app, tmp_path):
    dest = tmp_path / "build"
    freeze_site(app, dest, ENDPOINT)
    want = {**HEADERS, "Strict-Transport-Security": HSTS,
            "Content-Security-Policy": CSP.replace(
                "connect-src 'self'", "connect-src 'self' https://score.harborline.example")}
    headers_file = (dest / "_headers").read_text().splitlines()
    assert headers_file[headers_file.index("/*") + 1:] == [f"  {k}: {v}" for k, v in want.items()]
    nginx = (dest / "nginx.conf").read_text().splitlines()
    assert [line for line in nginx if line.startswith("add_header")] == \
        [f'add_header {k} "{v}" always;' for k, v in want.items()]
