#!/usr/bin/env bash
# Installs what the GitLab component's end-to-end tests need, from the project's own files so CI
# and every developer get the same: gitlab-ci-local pinned to 4.73.0 (4.74+ uses
# Set.prototype.union and crashes on Node 20) into .tmp/tools, and rsync, which it needs to copy
# the repository into its build folder. Prints the path of the gitlab-ci-local executable.
# Idempotent and quiet when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.73.0
PREFIX=.tmp/tools
BIN="$PWD/$PREFIX/node_modules/.bin/gitlab-ci-local"

# Test files run in parallel and each may call this: one install at a time.
mkdir -p "$PREFIX"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PREFIX/.install.lock"
  flock 9
fi

if ! command -v rsync >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq rsync || { apt-get update -qq && apt-get install -y -qq rsync; }; } >&2
  else
    echo "ensure-gitlab-ci-local: rsync is missing and cannot be installed here (needs root and apt-get)" >&2
    exit 1
  fi
fi

installed=""
if [ -f "$PREFIX/node_modules/gitlab-ci-local/package.json" ]; then
  installed=$(node -p "require('./$PREFIX/node_modules/gitlab-ci-local/package.json').version" 2>/dev/null || true)
fi
if [ "$installed" != "$VERSION" ] || [ ! -x "$BIN" ]; then
  npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "gitlab-ci-local@$VERSION" >&2
fi
echo "$BIN"
