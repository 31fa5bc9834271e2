#!/usr/bin/env bash
# A local FerretDB (MongoDB wire protocol, SQLite storage) for the MongoDB read-store tests.
#
#   scripts/ferretdb.sh install          build and install ferretdb unless a working one is present
#   scripts/ferretdb.sh start DIR PORT   run it in the background on 127.0.0.1:PORT, data in DIR
#   scripts/ferretdb.sh stop DIR         stop the instance started with DIR
#   scripts/ferretdb.sh path             print the binary's path (exit 1 when not installed)
#
# FERRETDB_START_TIMEOUT (seconds, default 30) bounds how long `start` waits for a ping answer.
set -euo pipefail

FERRETDB_MODULE="github.com/FerretDB/FerretDB"
FERRETDB_VERSION="v1.24.2"
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
  echo "ferretdb.sh: $*" >&2
  exit 1
}

works() {
  "$1" --version >/dev/null 2>&1
}

find_binary() {
  local candidate
  if candidate="$(command -v ferretdb 2>/dev/null)" && works "$candidate"; then
    echo "$candidate"
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    candidate="$(go env GOPATH)/bin/ferretdb"
    if [ -x "$candidate" ] && works "$candidate"; then
      echo "$candidate"
      return 0
    fi
  fi
  return 1
}

cmd_install() {
  local bin
  if bin="$(find_binary)"; then
    echo "ferretdb already installed: $bin"
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "go is needed to install ferretdb"
  # FerretDB needs Go 1.24; Go 1.21+ fetches that toolchain by itself (GOTOOLCHAIN=auto), older ones cannot.
  local go_version
  go_version="$(go env GOVERSION)"
  if [[ "$go_version" =~ ^go1\.([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -lt 21 ]; then
    die "found ${go_version}; building FerretDB ${FERRETDB_VERSION} needs Go 1.21 or newer"
  fi
  local target
  target="$(go env GOPATH)/bin/ferretdb"
  echo "installing ferretdb ${FERRETDB_VERSION} into ${target} (slow the first time)..."
  # A plain `go install ${FERRETDB_MODULE}/cmd/ferretdb@${FERRETDB_VERSION}` builds a binary
  # that panics at start-up: the module lacks the generated build/version/version.txt, which
  # FerretDB requires when it is the main module. So build a copy of the module with that file.
  local src work
  src="$(go mod download -json "${FERRETDB_MODULE}@${FERRETDB_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$src" ] && [ -d "$src" ] || die "could not download ${FERRETDB_MODULE}@${FERRETDB_VERSION}"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  cp -R "$src" "$work/ferretdb"
  chmod -R u+w "$work/ferretdb"
  echo "${FERRETDB_VERSION}" >"$work/ferretdb/build/version/version.txt"
  mkdir -p "$(dirname "$target")"
  (cd "$work/ferretdb" && go build -o "$target" ./cmd/ferretdb)
  works "$target" || die "the built ferretdb does not start"
  echo "$target"
}

cmd_path() {
  find_binary || die "ferretdb is not installed (run: scripts/ferretdb.sh install)"
}

pid_file() {
  echo "$1/ferretdb.pid"
}

running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  # Only a live ferretdb counts: the pid may have been reused by something else.
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q ferretdb; then
    echo "$pid"
    return 0
  fi
  return 1
}

ping_once() {
  # A real `ping` command through the project's MongoDB driver.
  (cd "$REPO_DIR" && node --input-type=module -e "
    import { MongoClient } from 'mongodb';
    const client = new MongoClient('mongodb://127.0.0.1:$1/', { serverSelectionTimeoutMS: 1000 });
    try { await client.db('admin').command({ ping: 1 }); } catch { process.exitCode = 1; } finally { await client.close(); }
  ") >/dev/null 2>&1
}

cmd_start() {
  local dir="${1:-}" port="${2:-}"
  [ -n "$dir" ] && [ -n "$port" ] || die "usage: start DIR PORT"
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number"
  local bin pid deadline
  bin="$(cmd_path)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if pid="$(running_pid "$dir")"; then
    die "already running for $dir (pid $pid)"
  fi
  # --debug-addr=- turns off the metrics/pprof HTTP listener (fixed port 8088 otherwise, so a
  # second instance would fail); --state-dir keeps state.json out of the working directory.
  nohup "$bin" \
    --handler=sqlite \
    --sqlite-url="file:${dir}/" \
    --listen-addr="127.0.0.1:${port}" \
    --telemetry=disable \
    --debug-addr=- \
    --state-dir="${dir}" \
    --log-level=error \
    >>"${dir}/ferretdb.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$(pid_file "$dir")"
  deadline=$((SECONDS + ${FERRETDB_START_TIMEOUT:-30}))
  until ping_once "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$(pid_file "$dir")"
      tail -n 20 "${dir}/ferretdb.log" >&2 || true
      die "ferretdb exited during start-up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill "$pid" 2>/dev/null || true
      rm -f "$(pid_file "$dir")"
      die "ferretdb did not answer a ping within ${FERRETDB_START_TIMEOUT:-30}s"
    fi
    sleep 0.2
  done
  echo "ferretdb running: pid ${pid}, mongodb://127.0.0.1:${port}/"
}

cmd_stop() {
  local dir="${1:-}"
  [ -n "$dir" ] || die "usage: stop DIR"
  [ -d "$dir" ] || die "no such directory: $dir"
  dir="$(cd "$dir" && pwd)"
  local pid i
  if ! pid="$(running_pid "$dir")"; then
    rm -f "$(pid_file "$dir")"
    echo "ferretdb not running for $dir"
    return 0
  fi
  kill "$pid"
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$dir")"
  echo "ferretdb stopped (pid $pid)"
}

case "${1:-}" in
  install) cmd_install ;;
  path) cmd_path ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) die "usage: $0 install | path | start DIR PORT | stop DIR" ;;
esac
