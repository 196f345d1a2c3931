"""Fetch Mermaid's browser bundle from the npm registry into the extension's static folder.

    python tools/vendor_mermaid.py          # no-op when the pinned version is already there
    python tools/vendor_mermaid.py --force  # fetch again

The site serves Mermaid itself (never from a CDN), so it works offline and behind a strict
content-security policy. The bundle (~2.8 MB of ES modules) is build output: it is fetched with
``npm pack`` (the tarball only, no dependencies, no install scripts), checked against the pinned
integrity hash, and only the ES-module entry point and its chunks are kept (no source maps).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# The version sphinxcontrib-mermaid 2.x renders with (its ``mermaid_version`` default).
VERSION = "11.12.1"
INTEGRITY = "sha512-UlIZrRariB11TY1RtTgUWp65tphtBv4CSq7vyS2ZZ2TgoMjs2nloq+wFqxiwcxlhHUvs7DPGgMjs2aeQxz5h9g=="
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "ext" / "postarchive" / "static" / "mermaid"
ENTRY = "mermaid.esm.min.mjs"
CHUNKS = "chunks/mermaid.esm.min/"
STAMP = ".version"


def is_vendored(target: Path = TARGET) -> bool:
    stamp = target / STAMP
    return stamp.is_file() and stamp.read_text().strip() == VERSION and (target / ENTRY).is_file()


def check_integrity(tarball: Path) -> None:
    algorithm, _, expected = INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        raise SystemExit(f"vendor_mermaid: {tarball.name} does not match the pinned integrity {INTEGRITY}")


def extract(tarball: Path, target: Path) -> int:
    """Copy ``dist/mermaid.esm.min.mjs`` and its ``.mjs`` chunks; returns the number of files."""
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    count = 0
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("package/dist/")
            if name == member.name or not member.isfile():
                continue
            if name != ENTRY and not (
                name.startswith(CHUNKS) and name.endswith(".mjs") and "/" not in name[len(CHUNKS) :]
            ):
                continue
            source = archive.extractfile(member)
            assert source is not None
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(source.read())
            count += 1
    if not (staging / ENTRY).is_file():
        raise SystemExit(f"vendor_mermaid: {ENTRY} is missing from {tarball.name}")
    (staging / STAMP).write_text(VERSION + "\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return count


def vendor(target: Path = TARGET, *, force: bool = False) -> Path:
    if is_vendored(target) and not force:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "vendor_mermaid: `npm` is needed once to fetch Mermaid's JavaScript from the npm registry "
            "(Debian: apt-get install npm)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", f"mermaid@{VERSION}", "--json", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        if result.returncode != 0:
            raise SystemExit(f"vendor_mermaid: npm pack mermaid@{VERSION} failed:\n{result.stderr}")
        filename = json.loads(result.stdout)[0]["filename"]
        tarball = Path(tmp) / filename
        check_integrity(tarball)
        count = extract(tarball, target)
    print(f"vendor_mermaid: mermaid {VERSION} ({count} files) → {target.relative_to(ROOT)}", flush=True)
    return target


def main() -> int:
    vendor(force="--force" in sys.argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
