"""IAM enforced by the local cloud, from the template: per-role credentials, AWS's policy
evaluation on every request a role makes, AWS-shaped refusals, and a record of what was used."""

from localcloud.iam.enforcer import IamEnforcer, Session
from localcloud.iam.middleware import IamMiddleware
from localcloud.iam.policy import Caller, Decision, Policy, evaluate

__all__ = ["Caller", "Decision", "IamEnforcer", "IamMiddleware", "Policy", "Session", "evaluate"]
