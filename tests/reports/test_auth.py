"""Behind a login: every report route redirects (pages) or answers 401 (CSV, JSON) without a
session; CSRF on the forms; 429 after too many failures without locking the real user out;
logout revokes copies of the cookie; no-store everywhere; prospect pages set no cookie."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from buyerkit.reports import accounts
from tests.reports.conftest import PASSWORD


def report_rules(app) -> list[Rule]:
    # The login form and the language switch are open (the login page can be read in
    # German); the switch stores only a language, CSRF-protected (test_report_language.py).
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/reports")
            and r.endpoint not in ("reports.login", "reports.switch_language")]


def csrf(client, path: str = "/reports/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def login(client, name: str = "alice", password: str = PASSWORD, **kw):
    return client.post("/reports/login", data={"csrf_token": csrf(client), "username": name,
                                               "password": password}, **kw)


@pytest.fixture
def user(app):
    accounts.add(app.extensions["buyerkit.store"].engine, "alice", PASSWORD)
    return "alice"


def test_no_default_account(app):
    assert accounts.all_users(app.extensions["buyerkit.store"].engine) == []


def test_every_report_route_needs_a_session(app, client):
    rules = report_rules(app)
    assert len(rules) >= 23
    for rule in rules:
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        resp = client.open(rule.rule, method=method)
        if rule.rule.endswith((".csv", ".json")):
            assert resp.status_code == 401, rule.rule
            assert resp.get_json()["error"].startswith("Log in")
        else:
            assert resp.status_code == 302, rule.rule
            assert resp.headers["Location"].startswith("/reports/login?next=")
        assert resp.headers["Cache-Control"] == "no-store", rule.rule


def test_logged_in_every_report_route_answers_with_no_store(app, client, user):
    assert login(client).status_code == 302
    for rule in report_rules(app):
        if "GET" not in rule.methods:
            continue
        resp = client.get(rule.rule)
        if rule.rule.startswith("/reports/pipeline."):  # data needs a plan: a 400 says so
            assert resp.status_code == 400
            assert resp.get_json()["error"] == "The plan is not complete."
        else:
            assert resp.status_code == 200, rule.rule
        assert resp.headers["Cache-Control"] == "no-store", rule.rule


def test_login_sets_a_strict_cookie_and_follows_next(client, user):
    resp = login(client, query_string={"next": "/reports/weekly?since=2026-01-01"})
    assert resp.headers["Location"] == "/reports/weekly?since=2026-01-01"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/reports" in cookie
    assert "Secure" not in cookie


def test_cookie_is_secure_over_https(app, user):
    client = app.test_client()
    token_page = client.get("/reports/login", base_url="https://reports.example")
    token = re.search(r'value="([^"]+)"', token_page.get_data(as_text=True).split(
        'name="csrf_token"')[1]).group(1)
    resp = client.post("/reports/login", base_url="https://reports.example",
                       data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/reports/",
                                    "/elsewhere", "/reports/\\evil"],
                         ids=["absolute", "scheme-relative", "outside", "backslash"])
def test_next_never_leaves_the_reports(client, user, target):
    resp = login(client, query_string={"next": target})
    assert resp.headers["Location"] == "/reports/"


def test_login_without_csrf_token_is_refused(client, user):
    resp = client.post("/reports/login", data={"username": "alice", "password": PASSWORD})
    assert resp.status_code == 400
    assert "The form expired or was sent from elsewhere" in resp.get_data(as_text=True)
    assert client.get("/reports/").status_code == 302


def test_wrong_password_then_429_but_the_real_user_elsewhere_gets_in(app, user):
    attacker = app.test_client()
    for _ in range(app.extensions["buyerkit.login_throttle"].limit):
        assert login(attacker, password="wrong password guess").status_code == 401
    resp = login(attacker)  # even the right password waits now, from this address
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in resp.get_data(as_text=True)
    owner = app.test_client()
    resp = login(owner, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert resp.status_code == 302


def test_unknown_user_and_wrong_password_say_the_same(client, user):
    a = login(client, name="mallory").get_data(as_text=True)
    b = login(client, password="not the password").get_data(as_text=True)
    assert "do not match a report user" in a and "do not match a report user" in b


def test_logout_revokes_a_copied_cookie(app, client, user):
    login(client)
    copied = client.get_cookie("session", path="/reports").value
    assert client.get("/reports/").status_code == 200
    token = csrf(client, "/reports/")
    assert client.post("/reports/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied, path="/reports")
    assert thief.get("/reports/").status_code == 302
    assert thief.get("/reports/overview.csv").status_code == 401


def test_logout_needs_csrf(client, user):
    login(client)
    assert client.post("/reports/logout").status_code == 400
    assert client.get("/reports/").status_code == 200


def test_removed_user_loses_access(app, client, user):
    login(client)
    accounts.remove(app.extensions["buyerkit.store"].engine, "alice")
    assert client.get("/reports/").status_code == 302


def test_prospect_pages_set_no_cookie(app, client):
    """Every page outside /reports (found in the URL map), and a diagnostic run, set none."""
    paths = [r.rule for r in app.url_map.iter_rules() if "GET" in r.methods
             and not r.arguments and not r.rule.startswith(("/reports", "/static"))]
    assert {"/", "/diagnostics/", "/pricing/"} <= set(paths)
    for path in [*paths, "/diagnostics/renewal-risk-check/"]:
        resp = client.get(path)
        assert resp.status_code in (200, 404), path  # /404.html is the static 404 page
        assert "Set-Cookie" not in resp.headers, path


def test_passwords_are_hashed_with_scrypt(app, user):
    import sqlalchemy as sa

    from buyerkit.reports.schema import report_users

    with app.extensions["buyerkit.store"].engine.connect() as conn:
        stored = conn.execute(sa.select(report_users.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored
