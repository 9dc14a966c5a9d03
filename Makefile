# Two entry points (see README): `make run` and `make test`.
# Each installs what it needs: Debian packages (with apt-get when root,
# otherwise it prints the exact command), a virtual environment in .venv,
# and the Python packages from pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

# Libraries Qt's xcb platform plugin and VTK's OpenGL need, plus Xvfb for tests.
APP_DEBS  = libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri libxkbcommon-x11-0 \
            libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
            libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 \
            libfontconfig1 libdbus-1-3
TEST_DEBS = $(APP_DEBS) xvfb xauth

.PHONY: run test app-deps test-deps bench atlas gallery clean

run: app-deps $(VENV)/.app
	$(VENV)/bin/anatomy-viewer $(ARGS)

test: test-deps $(VENV)/.test
	$(PY) -m pytest $(PYTEST_ARGS)
	$(VENV)/bin/lint-imports

app-deps:
	@DEBS="$(APP_DEBS)" sh scripts/system-deps.sh

test-deps:
	@DEBS="$(TEST_DEBS)" sh scripts/system-deps.sh

$(VENV)/bin/python:
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || DEBS="python3-venv" sh scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e ".[test]"
	touch $@ $(VENV)/.app

atlas: test-deps $(VENV)/.test
	$(PY) -m anatomy_viewer.atlas build

gallery: test-deps $(VENV)/.test
	xvfb-run -a -s "-screen 0 1600x1200x24" $(PY) -m anatomy_viewer.atlas gallery

bench: test-deps $(VENV)/.test
	$(PY) -m anatomy_viewer.bench --json bench.json

clean:
	rm -rf $(VENV) build *.egg-info
