"""User models at the edges: auth requests and tokens, the profile and its addresses."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, TypeAdapter, ValidationError

from shop.fields import NOT_LINE_BREAK, NOT_SPACE, TrimmedText
from shop.users.countries import ISO_3166_ALPHA2

MAX_ADDRESSES = 20
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 64  # NIST SP 800-63B asks to allow at least 64; moto's pool refuses 99 and more

# What Cognito takes as a username (an ASCII address; moto's check is the same): the rest is refused here.
Email = Annotated[
    str,
    StringConstraints(
        to_lower=True,
        max_length=254,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
    ),
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]  # signing in: whatever was set
# The user pool's policy (template.yaml) and Cognito's own rule (no space at either end), as one pattern:
# a lowercase letter and a digit somewhere, visible characters at both ends, one line.
NEW_PASSWORD_PATTERN = (
    rf"^({NOT_SPACE}{NOT_LINE_BREAK}*)?([a-z]{NOT_LINE_BREAK}*[0-9]|[0-9]{NOT_LINE_BREAK}*[a-z])({NOT_LINE_BREAK}*{NOT_SPACE})?$"
)
NewPassword = Annotated[
    str,
    StringConstraints(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH, pattern=NEW_PASSWORD_PATTERN),
]
ShortText = TrimmedText(100)
Line = TrimmedText(200)
Phone = Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]  # E.164
PostalCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,10}[A-Za-z0-9]$")]
AddressId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
Country = Literal[tuple(sorted(ISO_3166_ALPHA2))]  # type: ignore[valid-type]
_new_password = TypeAdapter(NewPassword)


def password_problems(password: str) -> list[str]:
    """What the user pool's password policy (template.yaml) would refuse, in words a user reads
    (decided by the same validation as the request body, so the two never disagree)."""
    try:
        _new_password.validate_python(password)
    except ValidationError:
        return [f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
                "a lowercase letter (a-z) and a digit (0-9)", "no space at either end, on one line"]
    return []


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: NewPassword


class SignupResponse(BaseModel):
    userId: str


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refreshToken: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class AuthTokens(BaseModel):
    idToken: str
    accessToken: str
    refreshToken: str
    expiresIn: int = Field(description="Seconds until the id and access tokens expire")


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: AddressId | None = Field(default=None, description="Given by the server when absent")
    label: ShortText
    line1: Line
    line2: Line | None = None
    city: ShortText
    postalCode: PostalCode
    country: Annotated[Country, Field(description="ISO 3166-1 alpha-2, upper case, e.g. FR")]
    default: StrictBool = Field(False, description="At most one: the first address marked default is it")


class ProfileUpdate(BaseModel):
    """Body of PATCH /me: the fields given replace the stored ones (addresses as a whole list; null
    clears a field; {} changes nothing). One address ends up the default and ids stay unique: see
    `UserService.update_profile`."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    phone: Phone | None = None
    addresses: Annotated[list[Address], Field(max_length=MAX_ADDRESSES)] | None = None


class UserProfile(BaseModel):
    userId: str
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    addresses: list[Address] = Field(default_factory=list)
    version: int = 1
    createdAt: str
    updatedAt: str
