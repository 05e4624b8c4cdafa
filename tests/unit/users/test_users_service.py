import jwt
import pytest
from shop.users.identity import EmailTaken, InvalidCredentials, WeakPassword
from shop.users.models import Address, ProfileUpdate
from shop.users.repository import ProfileChanged

PASSWORD = "correct-horse-9"


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_sign_up_confirms_the_user_and_stores_a_profile(users):
    user_id = users.sign_up("Ada@Example.com".lower(), PASSWORD)
    tokens = users.sign_in("ada@example.com", PASSWORD)
    assert _claims(tokens.idToken)["sub"] == user_id
    assert users.repository.get(user_id).email == "ada@example.com"


def test_duplicate_email_is_a_conflict(users):
    users.sign_up("ada@example.com", PASSWORD)
    with pytest.raises(EmailTaken) as caught:
        users.sign_up("ada@example.com", PASSWORD + "x")
    assert caught.value.status == 409


@pytest.mark.parametrize("password", ["short1", "nodigitshere", "12345678", " spaced-1", "x1" * 33])
def test_weak_password_is_refused_with_what_it_lacks(users, password):
    with pytest.raises(WeakPassword) as caught:
        users.sign_up("ada@example.com", password)
    assert caught.value.status == 422 and "needs" in caught.value.message


def test_wrong_password_and_unknown_user_look_the_same(users):
    users.sign_up("ada@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials) as wrong:
        users.sign_in("ada@example.com", "wrong-password-1")
    with pytest.raises(InvalidCredentials) as unknown:
        users.sign_in("nobody@example.com", PASSWORD)
    assert wrong.value.status == unknown.value.status == 401
    assert wrong.value.message == unknown.value.message


def test_refresh_gives_new_tokens_and_keeps_the_refresh_token(users):
    users.sign_up("ada@example.com", PASSWORD)
    tokens = users.sign_in("ada@example.com", PASSWORD)
    refreshed = users.refresh(tokens.refreshToken)
    assert _claims(refreshed.idToken)["sub"] == _claims(tokens.idToken)["sub"]
    assert refreshed.refreshToken == tokens.refreshToken
    with pytest.raises(InvalidCredentials):
        users.refresh("not-a-token")


def test_profile_update_assigns_address_ids_and_a_default(users):
    user_id = users.sign_up("ada@example.com", PASSWORD)
    update = ProfileUpdate(
        name="Ada",
        addresses=[
            Address(label="Home", line1="1 Rue X", city="Paris", postalCode="75001", country="FR"),
            Address(label="Work", line1="2 Rue Y", city="Lyon", postalCode="69001", country="FR"),
        ],
    )
    profile = users.update_profile(user_id, "ada@example.com", update)
    assert profile.name == "Ada" and profile.version == 2
    assert [a.default for a in profile.addresses] == [True, False]
    assert all(a.id for a in profile.addresses) and profile.addresses[0].country == "FR"
    assert users.profile(user_id, None) == profile


def test_patch_keeps_fields_it_does_not_name(users):
    user_id = users.sign_up("ada@example.com", PASSWORD)
    users.update_profile(user_id, None, ProfileUpdate(name="Ada"))
    profile = users.update_profile(user_id, None, ProfileUpdate(phone="+33612345678"))
    assert (profile.name, profile.phone) == ("Ada", "+33612345678")


def test_profile_is_created_on_first_read_when_missing(users):
    profile = users.profile("sub-without-row", "x@example.com")
    assert profile.userId == "sub-without-row" and users.repository.get("sub-without-row") is not None


def test_concurrent_profile_writes_do_not_overwrite_each_other(users):
    user_id = users.sign_up("ada@example.com", PASSWORD)
    stale = users.profile(user_id, None)
    users.update_profile(user_id, None, ProfileUpdate(name="First"))
    with pytest.raises(ProfileChanged):
        users.repository.save(stale.model_copy(update={"name": "Second", "version": 2}), previous_version=1)


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "0612345678"},
        {"name": ""},
        {"nickname": "x"},
        {"addresses": [{"label": "A", "line1": "l", "city": "c", "postalCode": "1234", "country": "XX"}]},
        {"addresses": [{"label": "A", "line1": "l", "city": "c", "postalCode": "1234", "country": "fr"}]},
        {"name": "Ada "},
        {"addresses": [{"label": "A", "line1": "l", "city": "c", "postalCode": "1234", "country": "FR"}] * 21},
    ],
)
def test_invalid_profile_update_is_refused(body):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate(body)
