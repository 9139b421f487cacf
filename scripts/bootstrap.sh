#!/usr/bin/env bash
# Make this checkout ready to run and test: system packages (Debian/Ubuntu), .venv, and an
# editable install of tamis. Idempotent: a re-run with an unchanged pyproject.toml only
# checks and returns.
#
# usage: scripts/bootstrap.sh [--extras test[,bench]] [--with-postgres]
#   --with-postgres  also make sure PostgreSQL binaries exist (for the test suite), unless
#                    a server already answers on 127.0.0.1:5432. The Debian service is not
#                    started; the tests start a private server of their own.
# env: PYTHON=/path/to/python3.11 to choose the interpreter; TAMIS_VENV (default .venv).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

extras="test"
with_postgres=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --extras) extras="$2"; shift 2 ;;
    --extras=*) extras="${1#*=}"; shift ;;
    --with-postgres) with_postgres=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bootstrap: unknown argument: $1" >&2; exit 2 ;;
  esac
done

venv="${TAMIS_VENV:-.venv}"

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

# --- interpreter -------------------------------------------------------------------------
py_ok() {  # a Python >= 3.11 that runs
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}
py_is_311() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
  local c cands=()
  if [[ -n "${PYTHON:-}" ]]; then
    py_ok "$PYTHON" || die "PYTHON=$PYTHON is not a working Python >= 3.11"
    echo "$PYTHON"; return
  fi
  for c in python3.11 python3 /usr/bin/python3.11 /usr/local/bin/python3.11 /usr/bin/python3; do
    if command -v "$c" >/dev/null 2>&1; then cands+=("$(command -v "$c")"); fi
  done
  for c in "${cands[@]}"; do py_is_311 "$c" && { echo "$c"; return; }; done
  for c in "${cands[@]}"; do py_ok "$c" && { echo "$c"; return; }; done
  return 1
}

# --- system packages (Debian) ------------------------------------------------------------
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else SUDO=(__no_sudo__); fi
fi

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_updated=0
apt_install() {
  [[ $# -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 \
    || die "missing: $* — and this is not a Debian/Ubuntu system (no apt-get); install them by hand"
  [[ "${SUDO[0]:-}" == "__no_sudo__" ]] \
    && die "missing: $* — run as root or install sudo, or: apt-get install $*"
  say "installing with apt-get: $*"
  local policy_created=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    # Don't let package scripts start services (PostgreSQL's would take port 5432).
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  local rc=0
  {
    if [[ $apt_updated -eq 0 ]]; then
      "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q && apt_updated=1
    fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "$@"
  } || rc=$?
  [[ $policy_created -eq 1 ]] && "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d
  [[ $rc -eq 0 ]] || die "apt-get install $* failed (exit $rc)"
}

stamp="$venv/.tamis-install-${extras//,/-}"
stamp_value() {
  { sha256sum pyproject.toml | cut -d' ' -f1; "$venv/bin/python" -V; } 2>&1 | tr '\n' ' '
}

pg_answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) >/dev/null 2>&1; }
have_initdb() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1
}

# Fast path: installed before from this very pyproject.toml, nothing else asked for.
if [[ -f "$stamp" && -x "$venv/bin/tamis" && "$(cat "$stamp")" == "$(stamp_value)" ]] \
  && { [[ $with_postgres -eq 0 ]] || have_initdb || pg_answers; }; then
  exit 0
fi

have_debian=0
command -v dpkg-query >/dev/null 2>&1 && have_debian=1

missing=()
# A compiler toolchain for packages that build from source.
if ! { command -v gcc >/dev/null && command -v g++ >/dev/null && command -v make >/dev/null; }; then
  if [[ $have_debian -eq 1 ]]; then
    pkg_installed build-essential || missing+=(build-essential)
  else
    die "gcc, g++ and make are needed; install your system's compiler toolchain"
  fi
fi

PY="$(find_python || true)"
if [[ -z "$PY" ]]; then
  # A Debian without python3 at all: bring the distribution's (3.11 on Debian 12).
  if [[ $have_debian -eq 1 ]]; then
    apt_install python3 python3-dev python3-venv
    PY="$(find_python || true)"
  fi
  [[ -n "$PY" ]] || die "Python >= 3.11 (3.11 preferred) not found; install python3.11 or set PYTHON=/path/to/python3.11"
fi
py_is_311 "$PY" || say "warning: using $("$PY" -V 2>&1) at $PY; tamis is developed on 3.11"

py_is_system=0
case "$(readlink -f "$PY")" in /usr/bin/*) py_is_system=1 ;; esac
if ! "$PY" -c 'import sysconfig, os, sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)'; then
  [[ $py_is_system -eq 1 && $have_debian -eq 1 ]] \
    || die "the Python headers (Python.h) for $PY are missing; install its -dev package"
  missing+=(python3-dev)
fi
if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  [[ $py_is_system -eq 1 && $have_debian -eq 1 ]] \
    || die "$PY cannot create virtual environments (no ensurepip/venv module)"
  missing+=(python3-venv)
fi

if [[ $with_postgres -eq 1 ]] && ! have_initdb && ! pg_answers; then
  [[ $have_debian -eq 1 ]] \
    || die "the tests need PostgreSQL: start a server on 127.0.0.1:5432 (trust auth) or install its binaries (initdb, pg_ctl)"
  missing+=(postgresql)
fi

# Arabic text in images is read by tesseract's Arabic model, which ships in a Debian package
# (the tesserocr wheel brings tesseract itself).
if [[ $have_debian -eq 1 ]] && [[ -z "${TESSDATA_PREFIX:-}" ]] \
  && ! compgen -G '/usr/share/tesseract-ocr/*/tessdata/ara.traineddata' >/dev/null; then
  missing+=(tesseract-ocr-ara)
fi

# The tests draw memes with a real font, for OCR to read.
if [[ $with_postgres -eq 1 && $have_debian -eq 1 ]] \
  && [[ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]]; then
  missing+=(fonts-dejavu-core)
fi

apt_install "${missing[@]}"

# --- virtual environment -----------------------------------------------------------------
if [[ -x "$venv/bin/python" ]] && ! py_ok "$venv/bin/python"; then
  say "$venv is broken or too old; recreating it"
  rm -rf "$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
  say "creating $venv with $("$PY" -V 2>&1) ($PY)"
  "$PY" -m venv "$venv" || die "'$PY -m venv $venv' failed"
fi

# --- project install, skipped while pyproject.toml is unchanged --------------------------
if [[ -f "$stamp" && -x "$venv/bin/tamis" && "$(cat "$stamp")" == "$(stamp_value)" ]]; then
  exit 0
fi
say "installing tamis (editable) with extras [$extras] into $venv"
# (The grep only hides this machine's notes about absent local mirror folders.)
"$venv/bin/python" -m pip install --disable-pip-version-check -q -e ".[$extras]" 2>&1 \
  | { grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory" || true; } \
  || die "pip install -e '.[$extras]' failed (see above)"
stamp_value > "$stamp"
say "ready: $venv"
