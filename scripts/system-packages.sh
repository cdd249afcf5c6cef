#!/usr/bin/env bash
# Debian packages the tests and the site need. Installs only what is missing; needs root.
set -euo pipefail
packages=(
  qpdf poppler-utils          # qpdf --check, pdftoppm, pdffonts in tests
  hunspell hunspell-nl         # Dutch spell check; compound words for the site search
  chromium                     # browser and accessibility tests (driven by Playwright)
  fonts-ocr-b                  # OCR-B: test corpus IDs; the scan check's MRZ shapes
  fonts-dejavu-core            # the scan check's digit shapes (with OCR-B and Liberation Sans)
  fonts-dancingscript fonts-humor-sans   # handwriting in the test corpus
  fonts-breip fonts-kaushanscript        # more handwriting in the external corpus
  fonts-dkg-handwriting fonts-femkeklaver fonts-bwht fonts-ecolier-court fonts-rufscript
  fonts-kristi fonts-levien-typoscript fonts-liberation2  # other hands, script names, stamps: families corpus
  dovecot-imapd openssl        # a throw-away IMAP server (and its certificate) for `formgen inbox`
)
command -v npm >/dev/null || packages+=(npm)   # axe-core and pdfjs-dist for the accessibility tests
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
