#!/bin/sh
# Put authorbot's "Fixing paper assignments" panel into the Anthology's Hugo site:
#
#     site/install.sh path/to/acl-anthology/hugo
#
# copies the partials to layouts/partials/authorbot/ and the script, the style and
# the settings to assets/authorbot/ (Hugo fingerprints them; no CDN, no build step).
# Then add the one include to layouts/people/single.html (site/README.md). Run it
# again after authorbot changes: the files are replaced, nothing else is touched.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
if [ "$#" -ne 1 ]; then
  echo "usage: site/install.sh HUGO_DIR (the Anthology's hugo/ folder)" >&2
  exit 2
fi
hugo_dir=$1
if [ ! -d "$hugo_dir/layouts" ]; then
  echo "$hugo_dir has no layouts/ folder: give the Anthology's hugo/ folder" >&2
  exit 2
fi

mkdir -p "$hugo_dir/layouts/partials/authorbot" "$hugo_dir/assets/authorbot"
cp "$here"/layouts/partials/authorbot/*.html "$hugo_dir/layouts/partials/authorbot/"
cp "$here/assets/authorbot/settings.json" \
   "$repo/bot/page/static/fix-assignments.js" \
   "$repo/bot/page/static/fix-panel.css" \
   "$hugo_dir/assets/authorbot/"
echo "authorbot's panel is in $hugo_dir; include it in layouts/people/single.html with:"
echo '  {{ partial "authorbot/fix-panel.html" . }}'
