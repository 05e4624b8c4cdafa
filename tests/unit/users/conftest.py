"""Users fixtures: a moto user pool shaped like template.yaml's, and UsersTable."""

from __future__ import annotations

import boto3
import pytest
from shop.users.identity import CognitoIdentity
from shop.users.repository import UserRepository
from shop.users.service import UserService

TABLE = "test-users"


@pytest.fixture
def identity(aws: None) -> CognitoIdentity:
    idp = boto3.client("cognito-idp")
    pool = idp.create_user_pool(
        PoolName="users",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireUppercase": False,
                "RequireSymbols": False,
            }
        },
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName="web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return CognitoIdentity(pool, client_id)


@pytest.fixture
def repository(aws: None) -> UserRepository:
    boto3.client("dynamodb").create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
    )
    return UserRepository(TABLE)


@pytest.fixture
def users(identity: CognitoIdentity, repository: UserRepository) -> UserService:
    return UserService(identity, repository)
