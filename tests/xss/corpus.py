"""The cross-site-scripting payload corpus (payloads.txt), shared by the sanitizer and browser tests."""

from pathlib import Path

PAYLOADS_FILE = Path(__file__).with_name("payloads.txt")


def load_payloads(path: Path = PAYLOADS_FILE) -> list[str]:
    """One payload per line; blank lines and lines starting with '#' are skipped.

    Splits on "\\n" only: str.splitlines would also break lines at the U+2028, vertical tab and form
    feed characters some payloads carry on purpose.
    """
    text = path.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line.strip() and not line.startswith("#")]
