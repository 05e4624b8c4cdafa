"""The Cognito authorizer against a real user pool in a moto server: users sign in with
USER_PASSWORD_AUTH and call the gateway with the tokens moto issued."""

from __future__ import annotations

import base64
import functools
import json
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway_support import REGION, GatewayRunner, free_port, gateway_error
from localcloud.gateway import auth as gateway_auth
from moto.server import ThreadedMotoServer
from moto.utilities.utils import load_resource

PASSWORD = "Passw0rd!x"


@pytest.fixture(scope="module")
def cognito():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    idp = boto3.client(
        "cognito-idp", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="t", aws_secret_access_key="t"
    )
    pool_id = idp.create_user_pool(PoolName="gwtest-users", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    idp.create_group(GroupName="admin", UserPoolId=pool_id)
    tokens = {}
    for email, groups in (("alice@example.com", ["admin"]), ("bob@example.com", [])):
        idp.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
        for group in groups:
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)
        result = idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
        )["AuthenticationResult"]
        tokens[email] = result
    yield {"endpoint": endpoint, "pool_id": pool_id, "client_id": client_id, "tokens": tokens, "idp": idp}
    server.stop()


@pytest.fixture(scope="module")
def authed(cognito, make_stack):
    runner = GatewayRunner()
    stack = make_stack({"UserPool": cognito["pool_id"], "UserPoolClient": cognito["client_id"]})
    yield runner(stack, aws_endpoint=cognito["endpoint"])
    runner.stop_all()


@pytest.fixture
def gw(authed):
    authed.invoker.calls.clear()
    return authed


def _id_token(cognito, email="alice@example.com"):
    return cognito["tokens"][email]["IdToken"]


@functools.cache
def _moto_signing_key() -> jwt.PyJWK:
    return jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"))  # slow: recovers the primes


def _sign_like_moto(cognito, **overrides):
    """A token signed with moto's own key (so only the claim under test is wrong)."""
    key = _moto_signing_key()
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{cognito['pool_id']}",
        "sub": "0b1c7e0e-0000-4000-8000-000000000000",
        "aud": cognito["client_id"],
        "token_use": "id",
        "iat": now,
        "exp": now + 600,
        "email": "mallory@example.com",
    }
    claims.update(overrides)
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": "dummy"})


def _unauthorized(gw, headers):
    response = gw.client.get("/items/42", headers=headers)
    return response.status_code == 401 and response.json() == gateway_error("UNAUTHORIZED", "Unauthorized")


def test_valid_id_token_reaches_the_function_with_string_claims(gw, cognito):
    response = gw.client.get("/items/42", headers={"Authorization": _id_token(cognito)})

    assert response.status_code == 200
    event = gw.invoker.last_event
    assert event["pathParameters"] == {"itemId": "42"}
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["email"] == "alice@example.com"
    assert claims["token_use"] == "id"
    assert claims["aud"] == cognito["client_id"]
    assert claims["cognito:groups"] == "admin"
    assert all(isinstance(value, str) for value in claims.values())
    assert claims["exp"].endswith(f"UTC {time.gmtime().tm_year}")


def test_bearer_prefix_and_access_token_are_accepted(gw, cognito):
    access = cognito["tokens"]["bob@example.com"]["AccessToken"]

    response = gw.client.get("/items/7", headers={"Authorization": f"Bearer {access}"})

    assert response.status_code == 200
    claims = gw.invoker.last_event["requestContext"]["authorizer"]["claims"]
    assert claims["token_use"] == "access"
    assert claims["client_id"] == cognito["client_id"]
    assert "cognito:groups" not in claims


def test_user_outside_admin_group_has_no_groups_claim(gw, cognito):
    gw.client.get("/items/1", headers={"Authorization": _id_token(cognito, "bob@example.com")})

    claims = gw.invoker.last_event["requestContext"]["authorizer"]["claims"]
    assert claims["email"] == "bob@example.com"
    assert "cognito:groups" not in claims


def test_missing_token_answers_401(gw):
    assert _unauthorized(gw, {})
    assert gw.invoker.calls == []


def test_garbage_token_answers_401(gw):
    assert _unauthorized(gw, {"Authorization": "Bearer not.a.jwt"})


def test_token_signed_by_another_key_answers_401(gw, cognito):
    own_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(_id_token(cognito), options={"verify_signature": False})
    forged = jwt.encode(claims, own_key, algorithm="RS256", headers={"kid": "dummy"})

    assert _unauthorized(gw, {"Authorization": forged})


def test_tampered_payload_answers_401(gw, cognito):
    header, payload, signature = _id_token(cognito, "bob@example.com").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["cognito:groups"] = ["admin"]
    tampered_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    assert _unauthorized(gw, {"Authorization": f"{header}.{tampered_payload}.{signature}"})


def test_alg_none_token_answers_401(gw, cognito):
    claims = jwt.decode(_id_token(cognito), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "dummy"})

    assert _unauthorized(gw, {"Authorization": unsigned})


def test_expired_token_answers_401(gw, cognito):
    expired = _sign_like_moto(cognito, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)

    assert _unauthorized(gw, {"Authorization": expired})


def test_a_well_signed_token_is_accepted_so_the_refusals_above_are_meaningful(gw, cognito):
    assert gw.client.get("/items/42", headers={"Authorization": _sign_like_moto(cognito)}).status_code == 200


def test_token_of_another_issuer_answers_401(gw, cognito):
    other_pool = _sign_like_moto(cognito, iss=f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_other")

    assert _unauthorized(gw, {"Authorization": other_pool})


def test_token_for_a_client_of_no_pool_answers_401(gw, cognito):
    assert _unauthorized(gw, {"Authorization": _sign_like_moto(cognito, aud="someone-elses-client")})


def test_token_of_a_client_created_after_startup_is_accepted(cognito, make_stack):
    runner = GatewayRunner()  # its own gateway: another test's unknown client must not delay the refetch
    try:
        gw = runner(
            make_stack({"UserPool": cognito["pool_id"], "UserPoolClient": cognito["client_id"]}),
            aws_endpoint=cognito["endpoint"],
        )
        late_client = cognito["idp"].create_user_pool_client(UserPoolId=cognito["pool_id"], ClientName="late")
        token = _sign_like_moto(cognito, aud=late_client["UserPoolClient"]["ClientId"])
        status = gw.client.get("/items/42", headers={"Authorization": token}).status_code
    finally:
        runner.stop_all()

    assert status == 200


def test_route_with_auth_none_skips_the_authorizer(gw):
    response = gw.client.get("/health", headers={"Authorization": "Bearer garbage"})

    assert response.status_code == 200
    assert "authorizer" not in gw.invoker.last_event["requestContext"]


def test_jwks_is_fetched_once_not_per_request(cognito, make_stack, monkeypatch):
    fetched = []
    real_fetch = gateway_auth.fetch_json
    monkeypatch.setattr(gateway_auth, "fetch_json", lambda url: fetched.append(url) or real_fetch(url))
    runner = GatewayRunner()
    try:
        gw = runner(
            make_stack({"UserPool": cognito["pool_id"], "UserPoolClient": cognito["client_id"]}),
            aws_endpoint=cognito["endpoint"],
        )
        tokens = [_sign_like_moto(cognito, jti=str(n)) for n in range(8)]

        def call(token: str) -> int:  # concurrent first requests all wait for the one fetch
            with httpx.Client(base_url=gw.server.url) as client:
                return client.get("/items/1", headers={"Authorization": token}).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(call, tokens))
    finally:
        runner.stop_all()

    assert statuses == [200] * 8
    assert fetched == [f"{cognito['endpoint']}/{cognito['pool_id']}/.well-known/jwks.json"]


def test_method_with_scopes_wants_an_access_token_carrying_one(cognito, make_stack):
    stack = make_stack({"UserPool": cognito["pool_id"], "UserPoolClient": cognito["client_id"]})
    (api,) = stack.of_type("AWS::ApiGateway::RestApi")
    operation = api.properties["Body"]["paths"]["/items/{itemId}"]["get"]
    operation["security"] = [{"CognitoAuthorizer": ["aws.cognito.signin.user.admin"]}]
    runner = GatewayRunner()
    try:
        gw = runner(stack, aws_endpoint=cognito["endpoint"])
        tokens = cognito["tokens"]["alice@example.com"]
        with_id_token = gw.client.get("/items/1", headers={"Authorization": tokens["IdToken"]}).status_code
        with_access_token = gw.client.get("/items/1", headers={"Authorization": tokens["AccessToken"]}).status_code
    finally:
        runner.stop_all()

    assert with_id_token == 401
    assert with_access_token == 200
