#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3, the newest on Node 20)
# for the end-to-end tests, offline except for the npm registry and Debian packages.
# Cached in $DLNET_E2E_HOME (default ~/.cache/dlnet-e2e): a second run does nothing.
# Its postinstall would download ripgrep from a host we cannot reach, so it installs
# with --ignore-scripts and does the postinstall's work by hand.
set -euo pipefail
HOME_DIR=${DLNET_E2E_HOME:-$HOME/.cache/dlnet-e2e}
CS_VERSION=4.100.3
CS=$HOME_DIR/cs
VSC=$CS/node_modules/code-server/lib/vscode
if [ -f "$HOME_DIR/.installed-$CS_VERSION" ]; then echo "code-server $CS_VERSION already installed in $HOME_DIR"; exit 0; fi
export npm_config_audit=false npm_config_fund=false npm_config_yes=true
[ -d /usr/include/node ] && export npm_config_nodedir=/usr
need=()
for p in chromium rg make g++ python3; do command -v "$p" >/dev/null 2>&1 || need+=("$p"); done
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends build-essential python3 libkrb5-dev ripgrep chromium fonts-dejavu-core >/dev/null
fi
mkdir -p "$CS"
cd "$CS"
[ -f package.json ] || echo '{"name":"dlnet-e2e-code-server","private":true}' > package.json
npm install --ignore-scripts --no-save code-server@$CS_VERSION
npm rebuild argon2
cd "$VSC"
npm install --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev)
touch "$HOME_DIR/.installed-$CS_VERSION"
echo "code-server $CS_VERSION installed in $HOME_DIR"
