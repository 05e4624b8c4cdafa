# The two commands a new user needs: `make local` and `make test`. Everything else is optional.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TOOLS_VENV := .venv-tools
TOOLS_STAMP := $(TOOLS_VENV)/.installed
export PYTHONPATH := $(CURDIR)/infrastructure/local:$(CURDIR)/layers/shared/python:$(CURDIR)
export AWS_DEFAULT_REGION ?= us-east-1
export SAM_CLI_TELEMETRY := 0

# The local cloud's ports (LocalStack's edge port for the AWS endpoint, SAM CLI's for the API).
LOCAL_API_PORT ?= 3000
LOCAL_AWS_PORT ?= 4566
ENV ?= default

.PHONY: help install install-tools local seed test iam-report iam-mutations lint bench build deploy schemas openapi clean

help:
	@echo "make local    bring the whole platform up on this machine (API on :$(LOCAL_API_PORT), AWS on :$(LOCAL_AWS_PORT))"
	@echo "make test     run the whole test suite (starts its own local cloud)"
	@echo "make iam-report  the grants of each role that the last \`make test\` never used (runs it if none)"
	@echo "make iam-mutations  slow: removing any statement the checkout uses makes it fail with AccessDenied"
	@echo "make lint     ruff, cfn-lint, sam validate --lint"
	@echo "make bench    run the benchmarks and write bench-results/"
	@echo "make schemas  regenerate events/schemas/ from the event models"
	@echo "make openapi  regenerate the OpenAPI document from the handlers"
	@echo "make build    sam build (functions and the shared layer, arm64, python3.12)"
	@echo "make deploy   sam build + sam deploy (ENV=$(ENV) from samconfig.toml)"

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

local: install
	@$(PY) -m localcloud --template template.yaml --api-port $(LOCAL_API_PORT) --aws-port $(LOCAL_AWS_PORT) --seed

seed: install
	@$(PY) -m scripts.seed --aws-endpoint http://127.0.0.1:$(LOCAL_AWS_PORT)

test: install
	@$(PY) -m pytest

# Least privilege: every local cloud of `make test` records what each role used (.localcloud/iam-usage).
IAM_USAGE := .localcloud/iam-usage

iam-report: install
	@ls $(IAM_USAGE)/*.json >/dev/null 2>&1 || $(MAKE) --no-print-directory test
	@$(PY) -m localcloud.iam.report --template template.yaml --usage $(IAM_USAGE)

# Slow (a local cloud per statement): every Policies entry the checkout uses is needed by it.
iam-mutations: install
	@IAM_MUTATIONS=1 $(PY) -m pytest tests/e2e/test_iam_mutations.py -rs -s -q

lint: install install-tools
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/cfn-lint template.yaml
	@$(TOOLS_VENV)/bin/sam validate --lint --template template.yaml

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

build: install-tools
	@PATH="$(PY312_DIR):$$PATH" $(TOOLS_VENV)/bin/sam build --template template.yaml

deploy: build
	@$(TOOLS_VENV)/bin/sam deploy --config-env $(ENV)

clean:
	rm -rf .aws-sam .localcloud bench-results .pytest_cache .ruff_cache
