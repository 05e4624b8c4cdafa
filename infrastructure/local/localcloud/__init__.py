"""The local cloud: runs template.yaml on this machine with moto, local execution environments
and a local API Gateway. No Docker, no AWS account. Nothing under functions/ or layers/ imports it."""
