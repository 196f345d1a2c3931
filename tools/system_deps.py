"""Check (and, as root with apt, install) the Debian packages the tests and the PDF need.

python tools/system_deps.py latex   # TeX for `make latexpdf`
python tools/system_deps.py all     # everything `make test` needs
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# command that proves the package is there → Debian package
BROWSER = {"chromium": "chromium"}
POPPLER = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils"}
LATEX = {
    "uplatex": "texlive-lang-japanese",
    "mendex": "texlive-lang-japanese",
    "latexmk": "latexmk",
    "dvipdfmx": "texlive-binaries",
}
LATEX_FILES = {
    "fncychap.sty": "texlive-latex-extra",
    "tgtermes.sty": "tex-gyre",
    "pxchfon.sty": "texlive-lang-japanese",
    "capt-of.sty": "texlive-latex-recommended",
    "helvet.sty": "texlive-fonts-recommended",
    # the PDF book (ext/postarchive/latex.py): ujbook, embedded Harano Aji fonts, breakable URLs, tables
    "ujbook.cls": "texlive-lang-japanese",
    "HaranoAjiMincho-Regular.otf": "texlive-lang-japanese",
    "xurl.sty": "texlive-latex-extra",
    "tabulary.sty": "texlive-latex-extra",
}
FONTS = {"fc-list": "fontconfig"}
JEKYLL = {"jekyll": "jekyll"}  # the production blog's renderer: the parity oracle (tests/jekyll_oracle.py)
GROUPS = {
    "latex": [LATEX, POPPLER],
    "browser": [BROWSER, FONTS],
    "all": [LATEX, POPPLER, BROWSER, FONTS, JEKYLL],
}


def missing_packages(group: str) -> list[str]:
    missing: set[str] = set()
    for table in GROUPS[group]:
        missing.update(pkg for command, pkg in table.items() if shutil.which(command) is None)
    if group in ("latex", "all"):
        kpsewhich = shutil.which("kpsewhich")
        for filename, pkg in LATEX_FILES.items():
            if kpsewhich is None or not subprocess.run([kpsewhich, filename], capture_output=True).stdout.strip():
                missing.add(pkg)
    if group in ("browser", "all") and not japanese_font_installed():
        missing.add("fonts-noto-cjk")  # without it Chromium draws Japanese as tofu in the screenshots
    return sorted(missing)


def japanese_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    return bool(subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True).stdout.strip())


def main() -> int:
    group = sys.argv[1] if len(sys.argv) > 1 else "all"
    missing = missing_packages(group)
    if not missing:
        return 0
    apt = shutil.which("apt-get")
    if os.geteuid() == 0 and apt:
        print(f"system_deps: installing Debian packages: {' '.join(missing)}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "update", "-qq"], check=True, env=env)
        subprocess.run([apt, "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env)
        still = missing_packages(group)
        if still:
            print(f"system_deps: still missing after install: {' '.join(still)}", file=sys.stderr)
            return 1
        return 0
    print(
        "system_deps: missing Debian packages: "
        f"{' '.join(missing)}\n  install them with: sudo apt-get install --no-install-recommends {' '.join(missing)}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
