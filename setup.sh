#!/usr/bin/env bash
# Set up the course on this machine:  bash setup.sh lab   (to open the notebooks)
#                                      bash setup.sh test  (to run the tests)
#                                      bash setup.sh site  (to build the course site: course-site build)
# Installs course_utils (editable) with the chosen extras and, on Debian or Ubuntu, the offline
# Fashion-MNIST package. Run it inside a virtual environment or conda env if you keep one.
set -euo pipefail
extra="${1:-lab}"
case "$extra" in lab|test|site) ;; *) echo "usage: bash setup.sh lab|test|site" >&2; exit 2 ;; esac
cd "$(dirname "$0")"

# Python 3.11 or newer: the site's Sphinx theme (sphinx-book-theme 1.4.0) needs it, and the series is tested on
# 3.11 and 3.12 (3.10 reached its end of life in October 2026). Say so now, not in a page of pip's messages.
if ! python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup.sh needs Python 3.11 or newer; this is $(python -V 2>&1). Make a virtual environment with a newer" \
       "Python (python3.12 -m venv .venv, say), activate it and run setup.sh again" >&2
  exit 2
fi

# Fashion-MNIST, all 70,000 images, from Debian's archive (no download at run time afterwards).
if [ ! -d /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then as_root=(); elif command -v sudo >/dev/null; then as_root=(sudo); else as_root=(false); fi
  if "${as_root[@]}" true 2>/dev/null; then
    echo "Installing Debian's dataset-fashion-mnist (31 MB) ..."
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends dataset-fashion-mnist
  else
    echo "note: cannot install dataset-fashion-mnist without root; run notebook 00 once with download = True (online)" >&2
  fi
fi

# The browser test (tests/test_browser.py) drives JupyterLab in Debian's headless Chromium through Debian's
# chromedriver (~440 MB with fonts); under CI it fails rather than skips without them.
if [ "$extra" = test ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; } && command -v apt-get >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then as_root=(); elif command -v sudo >/dev/null; then as_root=(sudo); else as_root=(false); fi
  if "${as_root[@]}" true 2>/dev/null; then
    echo "Installing Debian's chromium, chromium-driver and fonts-dejavu-core for the browser test ..."
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
      chromium chromium-driver fonts-dejavu-core
  else
    echo "note: cannot install chromium and chromium-driver without root; the browser test skips without them" >&2
  fi
fi

# The site bundles MathJax 3 from the npm registry (package.json pins it; package-lock.json its checksum), so
# that its pages fetch nothing at view time; the tests build a partial site.
if [ "$extra" != lab ] && [ ! -f node_modules/mathjax/es5/tex-mml-chtml.js ]; then
  if command -v npm >/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    echo "note: npm (Node.js) is missing: course-site build needs MathJax from it (or --mathjax DIR)" >&2
  fi
fi

python -m pip install --quiet --disable-pip-version-check -e ".[$extra]"
echo "course_utils installed with the [$extra] extra."
