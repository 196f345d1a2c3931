"""The real Jekyll as the oracle: Markdown snippets → the HTML kramdown (input: GFM) makes of them.

One ``jekyll build`` renders many snippets at once (one page each, bare layout) and the result is
cached in a temporary folder keyed by the snippets, so a test session pays for Jekyll once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

JEKYLL = shutil.which("jekyll")
CACHE = Path(tempfile.gettempdir()) / "postarchive-kramdown-oracle"
CONFIG = """\
markdown: kramdown
kramdown:
  input: GFM
safe: true
incremental: false
"""
LAYOUT = "<!DOCTYPE html><html><body>{{ content }}</body></html>\n"


def available() -> bool:
    return JEKYLL is not None


def render_many(snippets: Sequence[str]) -> list[str]:
    """The body HTML Jekyll writes for each snippet (as a page's whole Markdown content)."""
    if JEKYLL is None:
        raise RuntimeError("jekyll is not installed")
    key = hashlib.sha256(json.dumps(list(snippets)).encode()).hexdigest()[:16]
    folder = CACHE / key
    done = folder / "result.json"
    if done.exists():
        return list(json.loads(done.read_text(encoding="utf-8")))
    site = folder / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "_layouts").mkdir(parents=True)
    (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (site / "_layouts" / "bare.html").write_text(LAYOUT, encoding="utf-8")
    for number, snippet in enumerate(snippets):
        page = f"---\nlayout: bare\npermalink: /s{number}.html\n---\n{snippet}\n"
        (site / f"s{number}.md").write_text(page, encoding="utf-8")
    subprocess.run(
        [JEKYLL, "build", "--quiet", "--safe", "-s", str(site), "-d", str(folder / "out")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    results = []
    for number in range(len(snippets)):
        html = (folder / "out" / f"s{number}.html").read_text(encoding="utf-8")
        results.append(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    done.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return results


def render(snippet: str) -> str:
    return render_many([snippet])[0]


if __name__ == "__main__":
    import sys

    for html in render_many([part for part in sys.stdin.read().split("\n=====\n")]):
        print(html)
        print("=====")
