# Puts the project's Node.js (the major in .nvmrc, the one Lambda runs) first on PATH. When the
# machine's `node` is another major, the official Node binary is installed from the npm registry
# (the package node-linux-<arch>, the same build nodejs.org ships, integrity-checked by npm) into a
# cache outside the clone, keyed by version and reused. npm itself stays the machine's: it runs on
# whichever `node` is first on PATH, and so does every child process.
#
#   source scripts/node24.sh             # in bash/zsh: this shell (and what it starts) uses Node 24
#   bash scripts/node24.sh npm ci        # one command under Node 24
#   bash scripts/node24.sh               # installs if needed, prints the bin folder to put on PATH
#
# SHOPWAVE_NODE_VERSION overrides the exact version; SHOPWAVE_NODE_CACHE the cache folder.

SHOPWAVE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"

shopwave_node24() {
  local want_major version cache os arch dir have_major tmp
  want_major="$(tr -dc '0-9' <"$SHOPWAVE_ROOT/.nvmrc")"
  version="${SHOPWAVE_NODE_VERSION:-24.22.3}"
  if [ "${version%%.*}" != "$want_major" ]; then
    echo "scripts/node24.sh: version $version is not the major $want_major of .nvmrc" >&2
    return 1
  fi
  have_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)"
  if [ "$have_major" = "$want_major" ]; then
    SHOPWAVE_NODE_BIN="$(dirname "$(command -v node)")"
    return 0
  fi

  # The registry's node-linux-* packages follow Node's releases; its macOS ones do not.
  case "$(uname -s)" in Linux) os=linux ;; *) echo "scripts/node24.sh: on $(uname -s), install Node $want_major with nvm or fnm (they read .nvmrc)" >&2; return 1 ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "scripts/node24.sh: no Node package for $(uname -m)" >&2; return 1 ;; esac
  cache="${SHOPWAVE_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/shopwave}"
  dir="$cache/node-$version-$os-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "Installing Node $version (npm package node-$os-$arch@$version) into $dir" >&2
    mkdir -p "$cache"
    tmp="$(mktemp -d "$cache/.node-$version.XXXXXX")"
    # `npm pack` fetches the package tarball from the registry and checks its integrity; unpacked
    # it is bin/node plus include/node (the headers native addons build against).
    if ! (cd "$tmp" && npm pack --silent "node-$os-$arch@$version" >/dev/null && tar -xzf "node-$os-$arch-$version.tgz") ||
      ! "$tmp/package/bin/node" --version >/dev/null; then
      rm -rf "$tmp"
      echo "scripts/node24.sh: could not install node-$os-$arch@$version" >&2
      return 1
    fi
    # Another run may have finished the same install meanwhile: keep the first complete one.
    if [ ! -x "$dir/bin/node" ]; then
      rm -rf "$dir"
      mv "$tmp/package" "$dir"
    fi
    rm -rf "$tmp"
  fi
  SHOPWAVE_NODE_BIN="$dir/bin"
  export PATH="$dir/bin:$PATH"
  # node-gyp builds native addons against this Node's headers, not a system Node's (npm's nodedir).
  export npm_config_nodedir="$dir"
}

if (return 0 2>/dev/null); then
  # Sourced: change this shell.
  shopwave_node24
else
  set -euo pipefail
  shopwave_node24
  if [ "$#" -gt 0 ]; then
    exec "$@"
  fi
  echo "$SHOPWAVE_NODE_BIN"
fi
