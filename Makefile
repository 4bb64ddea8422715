# The two commands: `make run` (registry with a map at http://127.0.0.1:5080) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
API_PROJECT := src/Accessibility.Api/Accessibility.Api.csproj
API_DLL := src/Accessibility.Api/bin/Debug/net10.0/Accessibility.Api.dll
URL ?= http://127.0.0.1:5080

.PHONY: help install db build run stop test lint user token api-key import-boundaries format

help:
	@echo "make run    install what is missing, start PostGIS and the registry at $(URL)"
	@echo "make stop   stop the registry and its database"
	@echo "make test   install what is missing and run every test against a throw-away database"
	@echo "make lint   ESLint, the type check and the Node unit tests of the script pages (no server needed)"

install:
	@scripts/install.sh

# The database and the personal-data key (var/personal-data.key, made once) that every target below relies on.
db:
	@if [ -z "$$ACCESSIBILITY_DB" ]; then scripts/pg.sh start; fi
	@scripts/personal-data-key.sh >/dev/null

build:
	@dotnet build Accessibility.sln --no-restore --nologo -v quiet -clp:NoSummary

run: install db build
	@scripts/run.sh start "$(URL)"

stop:
	@scripts/run.sh stop
	@scripts/pg.sh stop

test:
	@WITH_BROWSER=1 WITH_GDAL=1 WITH_SCALE=1 scripts/install.sh
	@$(MAKE) --no-print-directory db
	@dotnet build Accessibility.sln --no-restore --nologo -v quiet -clp:NoSummary
	@scripts/test.sh

lint:
	@scripts/install.sh
	@scripts/lint.sh

# make user ARGS="create --name li --role inspector --district 140881"
user: db build
	@scripts/run.sh cli user $(ARGS)

# make token ARGS="create --user li --name phone"
token: db build
	@scripts/run.sh cli token $(ARGS)

# make api-key ARGS="create --department 永济市民政局 --district 140881 --layer facilities --layer defects"
api-key: db build
	@scripts/run.sh cli api-key $(ARGS)

# make import-boundaries ARGS="--file townships.geojson --code-property code --name-property name"
import-boundaries: db build
	@scripts/run.sh cli import-boundaries $(ARGS)

format:
	@dotnet format Accessibility.sln
