"""UsersTable adapter: one item per user, keyed by the Cognito `sub`; writes are conditional on version."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shop.aws import client
from shop.config import require_env
from shop.errors import Conflict
from shop.users.models import UserProfile

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ProfileChanged(Conflict):
    code = "CONCURRENT_UPDATE"


def _to_item(profile: UserProfile) -> dict[str, Any]:
    values = profile.model_dump(exclude_none=True)
    values["addresses"] = [{k: v for k, v in a.items() if v is not None} for a in values.get("addresses", [])]
    return {k: _serializer.serialize(v) for k, v in values.items()}


def _from_item(item: dict[str, Any]) -> UserProfile:
    values = {k: _deserializer.deserialize(v) for k, v in item.items()}
    values["version"] = int(values.get("version", 1))
    return UserProfile.model_validate(values)


class UserRepository:
    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or require_env("USERS_TABLE")

    @property
    def _ddb(self) -> Any:
        return client("dynamodb")

    def get(self, user_id: str) -> UserProfile | None:
        item = self._ddb.get_item(
            TableName=self.table_name, Key={"userId": {"S": user_id}}, ConsistentRead=True
        ).get("Item")
        return _from_item(item) if item else None

    def add(self, profile: UserProfile) -> bool:
        """Store a new user's profile; False (and nothing written) when the user already has one."""
        try:
            self._ddb.put_item(
                TableName=self.table_name,
                Item=_to_item(profile),
                ConditionExpression="attribute_not_exists(userId)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def save(self, profile: UserProfile, *, previous_version: int) -> None:
        """Write `profile` if the stored one is still at `previous_version` (ProfileChanged otherwise)."""
        try:
            self._ddb.put_item(
                TableName=self.table_name,
                Item=_to_item(profile),
                ConditionExpression="version = :previous",
                ExpressionAttributeValues={":previous": {"N": str(previous_version)}},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ProfileChanged("the profile changed meanwhile; read it again and retry") from exc
            raise
