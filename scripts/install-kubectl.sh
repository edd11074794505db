#!/usr/bin/env bash
# Installs Debian's kubectl 1.20 (package kubernetes-client, with kustomize v2 built in) under
# /opt/kubernetes-client, where the k8s/ tests also render with it when it is there (KUBECTL_1_20
# points elsewhere). Unpacked rather than installed, so that it never clashes with another
# kubectl that owns /usr/bin/kubectl; npm test runs it, as root, on a machine with no kubectl.
set -euo pipefail
dest=${1:-/opt/kubernetes-client}
if [ -x "$dest/usr/bin/kubectl" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download kubernetes-client >/dev/null 2>&1 || { apt-get update -qq && apt-get download kubernetes-client >/dev/null; }
mkdir -p "$dest"
dpkg-deb -x kubernetes-client_*.deb "$dest"
"$dest/usr/bin/kubectl" version --client --short 2>/dev/null || "$dest/usr/bin/kubectl" version --client
