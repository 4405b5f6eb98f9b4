"""The HQ console through HTTP as a browser sends it (forms, cookies, CSRF tokens), on both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from sync.server.hq import users
from tests.server.conftest import Api, api, pg_migrated, sqlite_template  # noqa: F401  (fixtures)

PASSWORD = "correct-horse-battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Browser:
    """A cookie-keeping client on ``https://testserver`` that signs in and posts forms like the pages do."""

    client: TestClient

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        form = self.client.get("/hq/login")
        token = _CSRF.search(form.text)
        assert token, form.text
        return self.client.post(
            "/hq/login",
            data={"username": username, "password": password, "csrf_token": token.group(1), "next": "/hq/"},
            follow_redirects=False,
        )

    def csrf(self, path: str = "/hq/") -> str:
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        token = _CSRF.search(page.text)
        assert token, page.text
        return token.group(1)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, token: bool = True, **kwargs: Any
    ) -> httpx.Response:
        body = dict(data or {})
        if token:
            body["csrf_token"] = self.csrf()
        return self.client.post(path, data=body, follow_redirects=False, **kwargs)


def add_user(
    api: Api,  # noqa: F811
    username: str,
    role: str = "admin",
    stores: tuple[str, ...] = (),
) -> None:
    """An HQ user with ``PASSWORD``."""
    with api.session() as session:
        users.create_user(session, username=username, password=PASSWORD, role=role, store_codes=stores)
        session.commit()


@pytest.fixture
def browser(api: Api) -> Iterator[Browser]:  # noqa: F811
    """A signed-out browser on the test app, over HTTPS (so the Secure cookie comes back)."""
    client = TestClient(api.client.app, base_url="https://testserver")  # the api fixture runs the lifespan
    yield Browser(client)
    client.close()


@pytest.fixture
def admin(api: Api, browser: Browser) -> Browser:  # noqa: F811
    """A browser signed in as an HQ admin."""
    add_user(api, "hanako")
    assert browser.login("hanako").status_code == 303
    return browser
