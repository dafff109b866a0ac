"""Word files written by LibreOffice, for the tests that import what reviewers really send.

The sources are Flat ODT files in tests/fixtures/word/ (tracked changes as <text:tracked-changes>, comments
as <office:annotation>). `libreoffice_docx` converts them all to .docx in one `soffice --headless
--convert-to docx` call (soffice is slow to start) once per test session, and keeps the result under
tests/artifacts/word/, keyed by the sources' contents, so later sessions and other xdist workers reuse it.

LibreOffice comes from Debian's libreoffice-writer-nogui (`make libreoffice`, which `make test` runs).
Without soffice these tests are skipped with a message, except with REQUIRE_BROWSERS=1 (set in CI), where
they fail, as the browser tests do.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tests" / "fixtures" / "word"
CACHE = ROOT / "tests" / "artifacts" / "word"


def _missing(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSERS") == "1":
        pytest.fail(f"{reason}; REQUIRE_BROWSERS=1 makes these tests mandatory", pytrace=False)
    pytest.skip(reason)


def _convert(sources: list[Path], target: Path, soffice: str) -> None:
    with tempfile.TemporaryDirectory(prefix="soffice-") as work:
        # A profile of its own: two sessions converting at once must not share LibreOffice's lock.
        profile = Path(work, "profile").as_uri()
        out = Path(work, "out")
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "docx", "--outdir", str(out), *map(str, sources)],
                       check=True, capture_output=True, timeout=300)
        produced = {path.stem for path in out.glob("*.docx")}
        if produced != {path.stem for path in sources}:
            raise RuntimeError(f"soffice converted {sorted(produced)} of {[p.name for p in sources]}")
        shutil.copytree(out, target)


@pytest.fixture(scope="session")
def libreoffice_docx() -> dict[str, bytes]:
    """{name: the .docx bytes} for each tests/fixtures/word/<name>.fodt, as LibreOffice writes it."""
    sources = sorted(SOURCES.glob("*.fodt"))
    digest = hashlib.sha256(b"".join(path.name.encode() + path.read_bytes() for path in sources)).hexdigest()[:16]
    target = CACHE / digest
    if not target.exists():
        soffice = shutil.which("soffice")
        if soffice is None:
            _missing("soffice is not installed (make libreoffice, or apt-get install libreoffice-writer-nogui)")
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / ".lock", "w") as lock:  # xdist workers: one converts, the others wait and reuse
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                _convert(sources, target, soffice)
    return {path.stem: path.read_bytes() for path in target.glob("*.docx")}


def libreoffice_resave(data: bytes, name: str = "resaved") -> bytes:
    """The .docx as LibreOffice saves it again (opened and written back by `soffice --convert-to docx`)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        _missing("soffice is not installed (make libreoffice, or apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="soffice-") as work:
        source = Path(work, "in", f"{name}.docx")
        source.parent.mkdir()
        source.write_bytes(data)
        out = Path(work, "out")
        subprocess.run([soffice, f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless",
                        "--norestore", "--convert-to", "docx", "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=300)
        return (out / f"{name}.docx").read_bytes()
