#!/usr/bin/env bash
# Front-end packages of the review screen (GOV.UK Frontend, axe-core for the
# accessibility tests, Swagger UI for the service's /docs page), installed into
# review_ui/node_modules from the exact versions in review_ui/package.json. Does nothing when they are already there,
# so `make test` / `make run` do no network work on a machine that has them.
set -euo pipefail
cd "$(dirname "$0")/../review_ui"

installed_matches() {
  # Every dependency in package.json is installed at exactly the pinned version.
  node -e '
    const want = require("./package.json").dependencies;
    for (const [name, version] of Object.entries(want)) {
      let got;
      try { got = require(`./node_modules/${name}/package.json`).version; } catch { process.exit(1); }
      if (got !== version) process.exit(1);
    }' 2>/dev/null
}

if ! command -v npm >/dev/null 2>&1; then
  echo "installing Debian packages: nodejs npm"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

installed_matches && exit 0
echo "installing review screen packages into review_ui/node_modules"
# No lock file (review_ui/.npmrc has package-lock=false): package.json pins exact versions.
# --ignore-scripts: no package runs code at install time (swagger-ui-dist pulls in
# @scarf/scarf, whose install script would report the install to its vendor; the
# files served are all prebuilt, nothing needs building).
npm install --no-package-lock --no-audit --no-fund --ignore-scripts --loglevel=error
installed_matches || { echo "install-ui-deps: node_modules does not match review_ui/package.json" >&2; exit 1; }
