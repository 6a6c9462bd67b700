#!/usr/bin/env bash
# Builds the real test images once and caches them (see ../shared/LAB.md for the recipes and their gotchas).
#
#   $KUBEWARD_TEST_IMAGES (default: .cache/test-images in the repo)
#     rootfs/debian/                 debootstrap bookworm minbase root
#     debian.dpkg-query.txt          `dpkg-query -W` of that root: the reference package list
#     oci/                           OCI layout with two images:
#                                      debian   one layer, the root above
#                                      app      debian + a layer with a real node_modules tree and Python
#                                               site-packages + a layer that deletes one npm package (whiteouts)
#     app/                           the files of the app layer, as added, and their reference lists:
#       npm-lock.txt                 name@version of every package in npm's own package-lock.json
#       python.txt                   name==version of every distribution importlib.metadata finds
#     .done                          stamp; delete the folder to rebuild
#
# Needs root, network access to the Debian mirror and the npm registry, and the Debian packages
# debootstrap, umoci, skopeo. The first build takes about a minute; later calls return at once.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${KUBEWARD_TEST_IMAGES:-$REPO/.cache/test-images}
STAMP=$OUT/.done
LOCK=$OUT.lock
# npm packages installed into the app image; express brings a real nested tree.
NPM_PACKAGES=(express@4.19.2 lodash@4.17.20 left-pad@1.3.0 minimist@1.2.5)
# Python distributions copied from Debian's /usr/lib/python3/dist-packages (dist-info and egg-info kinds).
PY_PATTERN='^(PyYAML|certifi|idna|chardet|urllib3|requests|six|PyJWT|Pygments|setuptools|wheel|pip)[-_]'
REMOVED_NPM_PACKAGE=left-pad

if [[ -f $STAMP ]]; then
  echo "$OUT"
  exit 0
fi

mkdir -p "$(dirname "$OUT")"
# Test files may call this in parallel: one builds, the others wait on the lock.
exec 9>"$LOCK"
flock 9
if [[ -f $STAMP ]]; then
  echo "$OUT"
  exit 0
fi

rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

echo "debootstrap bookworm minbase from $MIRROR" >&2
ROOT=$OUT/rootfs/debian
mkdir -p "$ROOT"
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Package}\t${Version}\n' | LC_ALL=C sort >"$OUT/debian.dpkg-query.txt"

echo "packing the debian image with umoci" >&2
LAYOUT=$OUT/oci
umoci init --layout "$LAYOUT"
umoci new --image "$LAYOUT:debian"
umoci unpack --image "$LAYOUT:debian" "$WORK/b1" >/dev/null
cp -a "$ROOT/." "$WORK/b1/rootfs/"
umoci repack --image "$LAYOUT:debian" "$WORK/b1"
umoci config --image "$LAYOUT:debian" --os linux --architecture amd64 --config.cmd /bin/bash

echo "app layer: npm install ${NPM_PACKAGES[*]}" >&2
APP=$OUT/app
mkdir -p "$APP/srv/app"
(
  cd "$APP/srv/app"
  printf '{"name":"kubeward-test-app","version":"1.0.0","private":true}\n' >package.json
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error "${NPM_PACKAGES[@]}" >/dev/null
)
node -e '
  const lock = require(process.argv[1]);
  const out = [];
  for (const [path, p] of Object.entries(lock.packages)) if (path) out.push(`${p.name ?? path.split("node_modules/").pop()}@${p.version}`);
  console.log(out.sort().join("\n"));
' "$APP/srv/app/package-lock.json" >"$APP/npm-lock.txt"

echo "app layer: Python distributions from /usr/lib/python3/dist-packages" >&2
SITE=$APP/usr/lib/python3/dist-packages
mkdir -p "$SITE"
for entry in /usr/lib/python3/dist-packages/*; do
  name=$(basename "$entry")
  if [[ $name =~ \.(dist-info|egg-info)$ && $name =~ $PY_PATTERN ]]; then cp -a "$entry" "$SITE/"; fi
done
python3 -c '
import importlib.metadata as m, sys
names = sorted({"%s==%s" % (d.metadata["Name"], d.version) for d in m.distributions(path=[sys.argv[1]])})
print("\n".join(names))
' "$SITE" >"$APP/python.txt"

# umoci repack diffs against the image the bundle was unpacked from: tag first, then unpack a fresh bundle.
umoci tag --image "$LAYOUT:debian" app
umoci unpack --image "$LAYOUT:app" "$WORK/b2" >/dev/null
cp -a "$APP/srv" "$WORK/b2/rootfs/"
cp -a "$APP/usr/." "$WORK/b2/rootfs/usr/"
umoci repack --image "$LAYOUT:app" "$WORK/b2"

echo "app layer 3: delete $REMOVED_NPM_PACKAGE and /etc/motd (whiteouts)" >&2
rm -rf "$WORK/b3"
umoci unpack --image "$LAYOUT:app" "$WORK/b3" >/dev/null
rm -rf "$WORK/b3/rootfs/srv/app/node_modules/$REMOVED_NPM_PACKAGE" "$WORK/b3/rootfs/etc/motd"
umoci repack --image "$LAYOUT:app" "$WORK/b3"
umoci config --image "$LAYOUT:app" --config.workingdir /srv/app --config.cmd node
umoci gc --layout "$LAYOUT"
chmod -R a+rX "$LAYOUT"
printf '%s\n' "$REMOVED_NPM_PACKAGE" >"$APP/removed-npm.txt"

touch "$STAMP"
echo "$OUT"
