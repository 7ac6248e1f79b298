# Shared by ./run and ./test: make .venv on first use and (re)install only when the declared
# dependencies changed. Usage: bootstrap "<extras>" (for example "" or "test,hosted").
bootstrap() {
  local extras="$1"
  local python=""
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && \
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      python="$candidate"; break
    fi
  done
  if [ -z "$python" ]; then
    echo "Second Opinion Navigator needs Python 3.11 or newer. Please install it from python.org." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "Creating a private Python environment in .venv (first run only)..."
    "$python" -m venv .venv
  fi
  local spec=".[${extras}]"
  [ -n "$extras" ] || spec="."
  local stamp=".venv/.installed-$(echo "$extras" | tr ',' '-')"
  local want
  want="$(cat pyproject.toml constraints.txt | .venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing what the app needs (this takes a minute the first time)..."
    # pip and the build backend print notes even with --quiet (setuptools' "Editable
    # installation ... be careful with folders ..." banner is one): they go to a log, shown only
    # when the install fails.
    local log=".venv/install.log"
    if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
           .venv/bin/python -m pip install --quiet --disable-pip-version-check \
             -c constraints.txt -e "$spec"; } >"$log" 2>&1; then
      cat "$log" >&2
      echo "The installation failed; the messages above (also in $log) say why." >&2
      exit 1
    fi
    echo "$want" > "$stamp"
  fi
}
