# Two commands for a new machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
TESTDEPS := $(VENV)/.test-installed
PORT ?= 8501

.PHONY: run test data bench chromium clean

$(RUNTIME): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(TESTDEPS): $(RUNTIME) requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

## Start the dashboard on http://localhost:8501 on the extracts shipped in data/, served as in
## production: the options live in .streamlit/config.toml, which the systemd unit reads too
## (docs/deploy.md); no file watcher.
run: $(RUNTIME) fonts
	$(PY) -m app.serve --server.port $(PORT)

## The same with hot reload for development: the file watcher on, a saved file reruns the page.
.PHONY: dev
dev: $(RUNTIME) fonts
	$(PY) -m app.serve --server.port $(PORT) --server.fileWatcherType auto --server.runOnSave true

## Rebuild the Parquet extracts and data/manifest.json from data/sources/.
data: $(RUNTIME)
	$(PY) -m pipeline.build

## Import a new laureate list (CSV or XLSX): checks, preview, confirmation (docs/donnees.md).
.PHONY: import
import: $(RUNTIME)
	$(PY) -m pipeline.importer "$(FILE)" $(if $(SOURCE),--source "$(SOURCE)") \
		$(if $(LICENCE),--licence "$(LICENCE)") $(if $(DATE_LISTE),--date-liste "$(DATE_LISTE)")

## The press-kit PDF embeds DejaVu Sans (Debian package fonts-dejavu-core). Installed when
## missing and root (as in CI); otherwise a notice, and the page names the package if asked for a PDF.
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
.PHONY: fonts
fonts:
	@if [ ! -f $(DEJAVU) ] && [ -z "$$FABRIQUES_PDF_FONT_DIR" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installation de la police DejaVu (paquet Debian fonts-dejavu-core)…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
		else \
			echo "Police DejaVu absente : le dossier de presse PDF ne pourra pas être produit (apt-get install fonts-dejavu-core)."; \
		fi; \
	fi

## Browser tests drive the Debian Chromium (no browser download works here).
chromium: fonts
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installation de Chromium (paquet Debian)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

## The spell check (tests/test_spelling.py) reads Debian's French Hunspell dictionary.
FRENCH_DICTIONARY := /usr/share/hunspell/fr_FR.dic
.PHONY: dictionary
dictionary:
	@if [ ! -f $(FRENCH_DICTIONARY) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installation du dictionnaire français (paquet Debian hunspell-fr-classical)…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell-fr-classical >/dev/null; \
		else \
			echo "Dictionnaire français absent : la vérification orthographique échouera (apt-get install hunspell-fr-classical)."; \
		fi; \
	fi

## The nginx tests (tests/test_client_identity.py) run deploy/scale_out.py's nginx: Debian package.
.PHONY: nginx
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		echo "Installation de nginx (paquet Debian)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	fi

## The sign-in tests (tests/test_browser_sign_in.py) start a real OpenID Connect provider:
## LemonLDAP::NG from Debian's packages, its portal served by plackup (libplack-perl, a dependency).
## The portal's captcha, OpenID Connect issuer and JWKS need the few Perl modules listed after it;
## the portal's package requires a web server package (nginx, as the nginx target installs); the
## sign-in tests do not start it.
LEMONLDAP_PACKAGES := liblemonldap-ng-portal-perl lemonldap-ng-fastcgi-server nginx \
	libgd-securityimage-perl libimage-magick-perl libstring-random-perl libio-string-perl \
	libcrypt-openssl-bignum-perl
LEMONLDAP_CHECK := perl -MLemonldap::NG::Portal::Main -MLemonldap::NG::Portal::Issuer::OpenIDConnect \
	-MLemonldap::NG::Portal::Captcha::SecurityImage -e1
.PHONY: lemonldap
lemonldap:
	@if ! $(LEMONLDAP_CHECK) >/dev/null 2>&1 || ! command -v plackup >/dev/null 2>&1; then \
		echo "Installation de LemonLDAP::NG (paquets Debian, pour les tests de connexion)…"; \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			-o DPkg::Lock::Timeout=300 --no-install-recommends \
			$(LEMONLDAP_PACKAGES) >/dev/null; \
	fi

## The whole suite: unit, query, AppTest and real-browser tests.
test: $(TESTDEPS) chromium fonts dictionary nginx lemonldap
	$(PY) -m pytest -n 2 --dist loadgroup

## Rewrite the accessibility declaration's results (docs/accessibilite/audit.json) from a real browser
## run of tests/test_browser_accessibility.py; commit the file with the change that moved them.
.PHONY: audit
audit: $(TESTDEPS) chromium fonts
	FABRIQUES_ECRIRE_AUDIT=1 $(PY) -m pytest -q -p no:cacheprovider tests/test_browser_accessibility.py

## Every figure of issues 8 and 15 (server time, 100 000 fabriques, map bytes, browser) against its budget.
BENCHDEPS := $(VENV)/.bench-installed
$(BENCHDEPS): $(TESTDEPS) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(BENCHDEPS) chromium
	$(PY) -m bench.run

## A crowd on loopback: 1, 10, 25, 50 sessions arriving within 10 s, bounded; NGINX=2 runs it through nginx.
.PHONY: load load-nginx
load: $(BENCHDEPS)
	$(PY) -m bench.load $(if $(NGINX),--nginx $(NGINX))

load-nginx: $(BENCHDEPS)
	$(PY) -m bench.load --nginx 2

## The same crowd (25 sessions) without, then with an attacker sending files and guessing the
## import password (issue 12): the others' p95 with it ≤ 1.5× without; what the attacker got back.
.PHONY: load-attack
load-attack: $(BENCHDEPS)
	$(PY) -m bench.load_attack

## A steady crowd for a long time (issue 25): 25 sessions for MINUTES (30) on loopback, bounded;
## memory growth ≤ 10 %, p95 of the last 5 minutes ≤ 1.2× the first 5, 0 errors.
MINUTES ?= 30
.PHONY: soak
soak: $(BENCHDEPS)
	$(PY) -m bench.soak --minutes $(MINUTES)

clean:
	rm -rf $(VENV) tests/artifacts bench/results.json
