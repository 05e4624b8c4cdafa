"""User models at the edges: auth requests and tokens, the profile and its addresses."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from shop.users.countries import ISO_3166_ALPHA2

MAX_ADDRESSES = 20

# Cognito checks the address too; this only refuses what is obviously not one.
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]  # E.164
PostalCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$")]
AddressId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")]


def password_problems(password: str) -> list[str]:
    """What the user pool's password policy (template.yaml) would refuse, in words a user reads."""
    problems = []
    if len(password) < 8:
        problems.append("at least 8 characters")
    if not any(c.islower() for c in password):
        problems.append("a lowercase letter")
    if not any(c.isdigit() for c in password):
        problems.append("a number")
    return problems


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


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
    country: Annotated[str, Field(description="ISO 3166-1 alpha-2, e.g. FR")]
    default: StrictBool = False

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in ISO_3166_ALPHA2:
            raise ValueError("country must be an ISO 3166-1 alpha-2 code, e.g. US or FR")
        return code


class ProfileUpdate(BaseModel):
    """Body of PATCH /me: the fields given replace the stored ones (addresses as a whole list)."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    phone: Phone | None = None
    addresses: Annotated[list[Address], Field(max_length=MAX_ADDRESSES)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProfileUpdate:
        if not self.model_fields_set:
            raise ValueError("give at least one of name, phone, addresses")
        if self.addresses is not None:
            ids = [a.id for a in self.addresses if a.id]
            if len(ids) != len(set(ids)):
                raise ValueError("address ids must be unique")
            if sum(a.default for a in self.addresses) > 1:
                raise ValueError("at most one address can be the default")
        return self


class UserProfile(BaseModel):
    userId: str
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    addresses: list[Address] = Field(default_factory=list)
    version: int = 1
    createdAt: str
    updatedAt: str
