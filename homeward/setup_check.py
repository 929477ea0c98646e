"""Set-up check: WeasyPrint needs the Pango text library from the operating system."""

from __future__ import annotations

import sys

HOW_TO_INSTALL = """\
homeward writes PDF reports with WeasyPrint, which needs the Pango library (1.44 or newer).
It was not found on this machine. Install it with your system's package manager, then re-run:
  Debian/Ubuntu:  sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
  Fedora/RHEL:    sudo dnf install pango
  macOS:          brew install pango
See https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation"""


def pango_problem() -> str | None:
    """Return why WeasyPrint cannot run here, or None when it can."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # the shared library could not be loaded
        return f"{HOW_TO_INSTALL}\n(loader said: {error})"
    return None


def main() -> int:
    problem = pango_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print("set-up check: Pango found, PDF reports available")
    return 0


if __name__ == "__main__":
    sys.exit(main())
