"""User service end to end, over HTTP through the local API Gateway: sign-up, sign-in, refresh, /me."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_users_support import PASSWORD, assert_error, bus_events, eventually, sign_up_and_in, unique_email

HOME = {"label": "Home", "line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"}


@pytest.fixture(scope="module")
def http(local_cloud: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_cloud.api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def ada(http: httpx.Client, local_cloud: Any):
    return sign_up_and_in(http, local_cloud)


@pytest.fixture(scope="module")
def bob(http: httpx.Client, local_cloud: Any):
    return sign_up_and_in(http, local_cloud)


# ------------------------------------------------------------------ sign-up


def test_sign_up_then_sign_in_gives_a_token_for_my_profile(http: httpx.Client, local_cloud: Any):
    email = unique_email()
    with bus_events(local_cloud, "UserRegistered") as registered:
        signed_up = http.post("/auth/signup", json={"email": email, "password": PASSWORD})
        assert signed_up.status_code == 201, signed_up.text
        user_id = signed_up.json()["userId"]
        tokens = http.post("/auth/login", json={"email": email, "password": PASSWORD}).json()
        assert {"idToken", "accessToken", "refreshToken", "expiresIn"} <= set(tokens)
        me = http.get("/me", headers={"Authorization": f"Bearer {tokens['idToken']}"})
        assert me.status_code == 200 and me.json()["userId"] == user_id and me.json()["email"] == email
        # published from the committed profile row (UsersTable stream), once
        matching = eventually(lambda: [e for e in registered() if e["data"]["userId"] == user_id])
        assert len(matching) == 1 and matching[0]["data"]["email"] == email


def test_duplicate_email_is_409(http: httpx.Client, ada):
    assert_error(
        http.post("/auth/signup", json={"email": ada.email, "password": PASSWORD}), 409, "EMAIL_TAKEN"
    )


@pytest.mark.parametrize("password", ["short1a", "nodigitshere", "12345678", " leading1a", "trailing1a ", "x1" * 33])
def test_a_password_the_pool_would_refuse_is_refused_by_the_schema_first(http: httpx.Client, password: str):
    body = assert_error(
        http.post("/auth/signup", json={"email": unique_email(), "password": password}), 422, "VALIDATION_FAILED"
    )
    assert [detail["field"] for detail in body["error"]["details"]] == ["body.password"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": unique_email()},
        {"password": PASSWORD},
        {"email": 42, "password": PASSWORD},
        {"email": unique_email(), "password": PASSWORD, "admin": True},
        [],
    ],
)
def test_invalid_sign_up_body_is_422(http: httpx.Client, body: Any):
    assert_error(http.post("/auth/signup", json=body), 422, "VALIDATION_FAILED")


def test_malformed_json_is_400(http: httpx.Client):
    response = http.post("/auth/signup", content=b'{"email": ', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "MALFORMED_JSON")


def test_oversized_body_is_413(http: httpx.Client):
    body = {"email": unique_email(), "password": "x" * 70_000}
    assert_error(http.post("/auth/signup", json=body), 413)


# ------------------------------------------------------------------ sign-in and refresh


def test_wrong_password_and_unknown_user_get_the_same_401(http: httpx.Client, ada):
    wrong = assert_error(http.post("/auth/login", json={"email": ada.email, "password": "wrong-pass-1"}), 401)
    unknown = assert_error(
        http.post("/auth/login", json={"email": unique_email(), "password": PASSWORD}), 401
    )
    assert wrong["error"] == unknown["error"]


def test_refresh_gives_a_working_id_token(http: httpx.Client, ada):
    refreshed = http.post("/auth/refresh", json={"refreshToken": ada.tokens["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.text
    me = http.get("/me", headers={"Authorization": f"Bearer {refreshed.json()['idToken']}"})
    assert me.status_code == 200 and me.json()["userId"] == ada.user_id


@pytest.mark.parametrize("body", [{"refreshToken": "garbage"}, {"refreshToken": ""}, {}])
def test_bad_refresh_token_is_refused(http: httpx.Client, body: dict):
    assert http.post("/auth/refresh", json=body).status_code in (401, 422)


# ------------------------------------------------------------------ /me


def test_me_needs_a_valid_token(http: httpx.Client):
    assert http.get("/me").status_code == 401
    assert http.get("/me", headers={"Authorization": "Bearer not.a.jwt"}).status_code == 401
    assert http.patch("/me", json={"name": "x"}).status_code == 401


def test_patch_me_updates_my_profile_and_addresses(http: httpx.Client, ada):
    response = http.patch(
        "/me", headers=ada.auth, json={"name": "Ada", "phone": "+15551234567", "addresses": [HOME]}
    )
    assert response.status_code == 200, response.text
    profile = http.get("/me", headers=ada.auth).json()
    assert (profile["name"], profile["phone"]) == ("Ada", "+15551234567")
    assert profile["addresses"][0]["default"] is True and profile["addresses"][0]["id"]
    # a PATCH without addresses keeps them
    http.patch("/me", headers=ada.auth, json={"name": "Ada L."})
    assert http.get("/me", headers=ada.auth).json()["addresses"] == profile["addresses"]


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "555-1234"},
        {"name": ""},
        {"name": "x" * 101},
        {"name": 7},
        {"addresses": [{**HOME, "country": "ZZ"}]},
        {"addresses": [{**HOME, "country": "fr"}]},
        {"name": " Ada"},
        {"addresses": [HOME] * 21},
        {"addresses": [{**HOME, "postalCode": None}]},
        {"userId": "someone-else"},
    ],
)
def test_invalid_profile_update_is_422(http: httpx.Client, bob, body: dict):
    assert_error(http.patch("/me", headers=bob.auth, json=body), 422, "VALIDATION_FAILED")


def test_an_empty_update_changes_nothing_and_one_address_is_the_default(http: httpx.Client, bob):
    before = http.get("/me", headers=bob.auth).json()
    assert http.patch("/me", headers=bob.auth, json={}).json() == before
    both = [{**HOME, "id": "a1", "default": True}, {**HOME, "id": "a1", "label": "Work", "default": True}]
    addresses = http.patch("/me", headers=bob.auth, json={"addresses": both}).json()["addresses"]
    assert [a["default"] for a in addresses] == [True, False]
    assert addresses[0]["id"] == "a1" and addresses[1]["id"] != "a1"


def test_malformed_profile_update_is_400(http: httpx.Client, bob):
    response = http.patch("/me", headers={**bob.auth, "Content-Type": "application/json"}, content=b"{name")
    assert_error(response, 400, "MALFORMED_JSON")


def test_a_user_never_sees_or_changes_another_users_profile(http: httpx.Client, ada, bob):
    http.patch("/me", headers=ada.auth, json={"name": "Ada"})
    assert http.patch("/me", headers=bob.auth, json={"name": "Bob"}).json()["userId"] == bob.user_id
    assert http.get("/me", headers=ada.auth).json()["name"] == "Ada"
    assert http.get("/me", headers=bob.auth).json()["userId"] == bob.user_id
    # the id is the token's sub: no parameter names another user
    assert_error(http.patch("/me", headers=bob.auth, json={"userId": ada.user_id, "name": "x"}), 422)
    assert http.get("/me", headers=ada.auth).json()["name"] == "Ada"
