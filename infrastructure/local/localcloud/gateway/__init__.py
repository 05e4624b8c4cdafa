"""The local API Gateway: REST API (v1) semantics with Lambda proxy integrations, served from the
stack's translated template (routes, Cognito authorizer, CORS mocks, throttling, usage plans)."""

from localcloud.gateway.app import LocalApiGateway
from localcloud.gateway.model import Route
from localcloud.gateway.server import GatewayServer, start_gateway

__all__ = ["GatewayServer", "LocalApiGateway", "Route", "start_gateway"]
