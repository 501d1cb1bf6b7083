#!/usr/bin/env bash
# Checks the package a user installs: packs the tarball (`npm pack`), installs
# it globally into a temporary prefix as `npm install -g` would (production
# dependencies only, so nothing of tsx or the dev tools; better-sqlite3 built
# by its own install script), writes a config with `switchboard init`, starts
# the gateway from it and asks /healthz, the dashboard and one of its assets.
#
# Uses the build that is there (dist/, web/dist), rebuilt first only when a
# source is newer: CI runs this beside its tests, which read web/dist. Run it
# after `npm install` (or `npm run build`): bash scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-package.XXXXXX")
gateway=""
cleanup() {
  if [ -n "$gateway" ]; then kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "[check-package $(date +%T)] $*"; }

npx tsx scripts/build.ts --if-stale

step "npm pack"
tarball="$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)"
contents=$(tar tzf "$tarball")
for file in package/bin/switchboard.js package/dist/cli/main.js package/web/dist/index.html; do
  grep -qx "$file" <<<"$contents" || { echo "the tarball has no $file"; exit 1; }
done
if grep -E '^package/(src|test|bench|scripts)/|\.tsbuildinfo$' <<<"$contents"; then
  echo "the tarball holds files a user does not run (above)"
  exit 1
fi
step "$(wc -l <<<"$contents") files, $(du -h "$tarball" | cut -f1)"

# better-sqlite3's install script takes a prebuilt binary when one matches (prebuild-install), else
# compiles for minutes. Nothing is downloaded here: the binary `npm ci` compiled in this clone is
# handed to prebuild-install as a local prebuild, as it would find one on a networked machine.
# CHECK_PACKAGE_FROM_SOURCE=1 compiles it again instead, as on a machine with no prebuilt binary.
if [ "${CHECK_PACKAGE_FROM_SOURCE:-}" != 1 ]; then
  sqlite=$(node -p "require('path').dirname(require.resolve('better-sqlite3/package.json'))")
  prebuild="better-sqlite3-v$(node -p "require('$sqlite/package.json').version")-node-v$(node -p process.versions.modules)-$(node -p process.platform)-$(node -p process.arch).tar.gz"
  mkdir "$work/prebuilds"
  tar czf "$work/prebuilds/$prebuild" -C "$sqlite" build/Release/better_sqlite3.node
  export npm_config_better_sqlite3_local_prebuilds="$work/prebuilds"
fi
step "npm install -g (a temporary prefix)"
started=$(date +%s)
npm install -g --prefix "$work/prefix" --allow-scripts=better-sqlite3 --prefer-offline --no-audit --no-fund "$tarball"
step "installed in $(($(date +%s) - started)) s"
installed="$work/prefix/lib/node_modules/switchboard"
if [ -e "$installed/node_modules/tsx" ]; then echo "tsx was installed with the package: it must be a dev dependency"; exit 1; fi
bin="$work/prefix/bin/switchboard"
"$bin" version

step "switchboard init and start, from a folder of its own"
mkdir "$work/run"
cd "$work/run"
"$bin" init --providers mock
"$bin" start --port 0 >"$work/start.log" 2>&1 &
gateway=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -oE 'listening on http://[^ ]+' "$work/start.log" | head -n 1 | cut -d' ' -f3 || true)
  [ -n "$url" ] && break
  kill -0 "$gateway" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the installed gateway did not start:"
  cat "$work/start.log"
  exit 1
fi
step "listening on $url"

# Node asks (as the image's healthcheck does): /healthz, the dashboard's page, and the script it names.
node --input-type=module - "$url" <<'EOF'
const url = process.argv[2];
const fail = (message) => { console.error(message); process.exit(1); };
const health = await fetch(`${url}/healthz`);
if (health.status !== 200) fail(`/healthz answered ${health.status}`);
const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
const html = await page.text();
if (page.status !== 200 || html.includes('not built')) fail(`the dashboard is not served (${page.status}): ${html.slice(0, 300)}`);
const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
if (!script) fail(`the dashboard's page names no script: ${html.slice(0, 300)}`);
const asset = await fetch(new URL(script, url));
if (asset.status !== 200 || !(await asset.text()).length) fail(`${script} answered ${asset.status}`);
console.log(`/healthz 200, dashboard 200, ${script} 200`);
EOF
cd "$root"
step "OK"
