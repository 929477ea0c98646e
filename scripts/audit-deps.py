#!/usr/bin/env python3
"""Audit homeward's pinned dependencies for known vulnerabilities.

    .venv/bin/python scripts/audit-deps.py            # what `make audit` runs

Python pins (constraints.txt, requirements-903.txt) are checked against the advisories
that PyPI's JSON API serves (the PyPA advisory database and OSV, live). Where the
per-version endpoint answers (`/pypi/NAME/VERSION/json`, on a machine with internet access)
every pin is covered; where only the project endpoint answers (`/pypi/NAME/json`, as on
homeward's build network), PyPI gives the advisories of a project's newest release only, so
a pin is covered when it is that release, and the others are listed as not covered. The
npm lock file goes through `npm audit`, which needs the registry's advisory endpoint; where
that is refused the lock file is listed as not covered.

A known vulnerability fails the audit (exit 1) unless docs/security/audit-allowlist.toml
allows it with a written reason. When some pins are not covered, the report says when the
last full audit on a machine with internet access was recorded (`last_online_audit` in
the allow-list) and warns when that is older than --max-age-days (or never);
--fail-on-stale makes that a failure. Exit 2: the audit could not be done (PyPI not
reachable, a pin not on PyPI, a malformed allow-list). See docs/operations.md,
"Dependency audit".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REQUIREMENTS = ("constraints.txt", "requirements-903.txt")
DEFAULT_ALLOWLIST = "docs/security/audit-allowlist.toml"
DEFAULT_PYPI = "https://pypi.org/pypi"
DEFAULT_MAX_AGE_DAYS = 90
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")
ALLOW_KEYS = {"id", "package", "version", "reason", "expires"}
MIN_REASON = 20


class AuditError(Exception):
    """The audit could not be done (exit 2)."""


@dataclass(frozen=True)
class Pin:
    ecosystem: str  # "PyPI" or "npm"
    name: str
    version: str
    source: str  # the file that pins it


@dataclass
class Finding:
    pin: Pin
    id: str
    aliases: tuple[str, ...]
    summary: str
    fixed_in: tuple[str, ...] = ()
    allowed_by: AllowEntry | None = None

    def ids(self) -> set[str]:
        return {self.id.upper(), *(a.upper() for a in self.aliases)}


@dataclass
class AllowEntry:
    id: str
    package: str
    reason: str
    version: str | None = None
    expires: dt.date | None = None
    used: bool = False


@dataclass
class Allowlist:
    entries: list[AllowEntry] = field(default_factory=list)
    last_online_audit: dt.date | None = None


@dataclass
class PinResult:
    pin: Pin
    covered_by: str | None  # "version endpoint", "newest release" or None
    newest: str = ""
    newest_in_series: str = ""
    findings: list[Finding] = field(default_factory=list)


# --- reading the pins -------------------------------------------------------------------


def read_requirements(path: Path) -> list[Pin]:
    pins = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r", "-c", "--requirement", "--constraint")):
            raise AuditError(f"{path.name}:{number}: name the included file with --requirements")
        if line.startswith("-"):
            continue  # an index or hash option: no pin
        match = PIN.match(line)
        if not match:
            raise AuditError(f"{path.name}:{number}: not pinned with ==, cannot audit: {line}")
        pins.append(Pin("PyPI", canonicalize_name(match[1]), match[2], path.name))
    return pins


def read_npm_lock(path: Path) -> list[Pin]:
    lock = json.loads(path.read_text(encoding="utf-8"))
    pins = []
    for where, entry in lock.get("packages", {}).items():
        if not where or "version" not in entry or entry.get("link"):
            continue
        name = entry.get("name") or where.rsplit("node_modules/", 1)[-1]
        pins.append(Pin("npm", name, entry["version"], path.name))
    return pins


# --- the allow-list ---------------------------------------------------------------------


def load_allowlist(path: Path | None) -> Allowlist:
    if path is None or not path.exists():
        if path is not None and path != ROOT / DEFAULT_ALLOWLIST:
            raise AuditError(f"allow-list {path} does not exist")
        return Allowlist()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise AuditError(f"{path}: not valid TOML: {error}") from error
    unknown = set(data) - {"allow", "last_online_audit"}
    if unknown:
        raise AuditError(f"{path}: unknown keys {sorted(unknown)}")
    last = data.get("last_online_audit")
    if last is not None and not isinstance(last, dt.date):
        raise AuditError(f"{path}: last_online_audit must be a date (YYYY-MM-DD), got {last!r}")
    allowlist = Allowlist(last_online_audit=last)
    for number, raw in enumerate(data.get("allow", []), 1):
        where = f"{path}: [[allow]] entry {number}"
        if set(raw) - ALLOW_KEYS:
            raise AuditError(f"{where}: unknown keys {sorted(set(raw) - ALLOW_KEYS)}")
        for key in ("id", "package", "reason"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise AuditError(f"{where}: `{key}` is required")
        if len(raw["reason"].strip()) < MIN_REASON:
            raise AuditError(
                f"{where}: the reason must say why the vulnerability does not matter here "
                f"(at least {MIN_REASON} characters)"
            )
        expires = raw.get("expires")
        if expires is not None and not isinstance(expires, dt.date):
            raise AuditError(f"{where}: expires must be a date (YYYY-MM-DD)")
        allowlist.entries.append(
            AllowEntry(
                id=raw["id"].strip(),
                package=raw["package"].strip(),
                reason=" ".join(raw["reason"].split()),
                version=raw.get("version"),
                expires=expires,
            )
        )
    return allowlist


def same_package(pin: Pin, name: str) -> bool:
    if pin.ecosystem == "PyPI":
        return canonicalize_name(name) == pin.name
    return name == pin.name


def apply_allowlist(findings: Iterable[Finding], allowlist: Allowlist, today: dt.date) -> None:
    for finding in findings:
        for entry in allowlist.entries:
            if entry.expires is not None and entry.expires < today:
                continue
            if entry.id.upper() not in finding.ids() or not same_package(
                finding.pin, entry.package
            ):
                continue
            if entry.version is not None and entry.version != finding.pin.version:
                continue
            finding.allowed_by = entry
            entry.used = True
            break


# --- PyPI -------------------------------------------------------------------------------


def fetch_json(url: str) -> dict[str, object] | None:
    """GET a JSON document; None on 404. Retries network errors and 5xx a few times."""
    if not url.startswith(("https://", "http://")):
        raise AuditError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"Accept": "application/json", "User-Agent": "homeward-audit-deps"}
    )
    last_error: Exception | None = None
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                body = response.read()
            document = json.loads(body)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            last_error = error
            if error.code < 500:
                break
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            last_error = error
        else:
            if not isinstance(document, dict):
                raise AuditError(f"{url}: answered JSON that is not an object")
            return document
        if attempt < 2:
            time.sleep(0.5 * (attempt + 1))
    raise AuditError(f"could not read {url}: {last_error}")


def version_key(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def newest_in_series(releases: dict[str, list[dict[str, object]]], pinned: str) -> str:
    pinned_version = version_key(pinned)
    if pinned_version is None:
        return ""
    series = pinned_version.release[:2]
    candidates = []
    for text, files in releases.items():
        version = version_key(text)
        if version is None or version.is_prerelease or version.release[:2] != series:
            continue
        if files and all(f.get("yanked") for f in files):
            continue
        candidates.append(version)
    return str(max(candidates)) if candidates else ""


def merge_aliases(findings: list[Finding]) -> list[Finding]:
    """One finding per vulnerability: PyPI lists the same one under each of its ids."""
    merged: list[Finding] = []
    for finding in findings:
        same = next((m for m in merged if m.ids() & finding.ids()), None)
        if same is None:
            merged.append(finding)
            continue
        names = {n.upper(): n for n in (*finding.aliases, finding.id, *same.aliases)}
        names.pop(same.id.upper(), None)
        same.aliases = tuple(sorted(names.values()))
        same.fixed_in = tuple(sorted({*same.fixed_in, *finding.fixed_in}))
    return merged


def findings_from(pin: Pin, vulnerabilities: object) -> list[Finding]:
    found = []
    for vuln in vulnerabilities if isinstance(vulnerabilities, list) else []:
        if not isinstance(vuln, dict) or vuln.get("withdrawn"):
            continue
        text = str(vuln.get("summary") or vuln.get("details") or "").strip()
        found.append(
            Finding(
                pin=pin,
                id=str(vuln.get("id")),
                aliases=tuple(str(a) for a in vuln.get("aliases") or ()),
                summary=" ".join(text.split())[:160],
                fixed_in=tuple(str(v) for v in vuln.get("fixed_in") or ()),
            )
        )
    return merge_aliases(found)


def yanked_finding(pin: Pin, files: object) -> Finding | None:
    if not isinstance(files, list) or not files or not all(f.get("yanked") for f in files):
        return None
    reason = next((str(f.get("yanked_reason")) for f in files if f.get("yanked_reason")), "")
    return Finding(pin, "YANKED", (), f"the pinned release was yanked from PyPI: {reason}")


def audit_pypi_pin(pin: Pin, base: str, per_version: bool) -> PinResult:
    exact = fetch_json(f"{base}/{pin.name}/{pin.version}/json") if per_version else None
    if exact is not None:
        result = PinResult(pin, covered_by="version endpoint")
        result.findings = findings_from(pin, exact.get("vulnerabilities"))
        yanked = yanked_finding(pin, exact.get("urls"))
        if yanked:
            result.findings.append(yanked)
        return result
    project = fetch_json(f"{base}/{pin.name}/json")
    if project is None:
        raise AuditError(f"{pin.source}: {pin.name} is not on PyPI ({base}/{pin.name}/json: 404)")
    info = project.get("info")
    releases = project.get("releases")
    if not isinstance(info, dict) or not isinstance(releases, dict):
        raise AuditError(f"{base}/{pin.name}/json: not PyPI's project JSON")
    pinned = version_key(pin.version)
    files = next((f for v, f in releases.items() if version_key(v) == pinned), None)
    if files is None:
        raise AuditError(f"{pin.source}: {pin.name}=={pin.version} is not a release on PyPI")
    newest = str(info.get("version", ""))
    result = PinResult(
        pin,
        covered_by=None,
        newest=newest,
        newest_in_series=newest_in_series(releases, pin.version),
    )
    if version_key(newest) == pinned:
        result.covered_by = "newest release"
        result.findings = findings_from(pin, project.get("vulnerabilities"))
    yanked = yanked_finding(pin, files)
    if yanked:
        result.findings.append(yanked)
    return result


# --- npm --------------------------------------------------------------------------------


def advisory_id(via: dict[str, object]) -> str:
    url = str(via.get("url") or "")
    match = re.search(r"(GHSA(?:-[0-9a-z]{4}){3})", url, re.IGNORECASE)
    if match:
        return match[1]
    return url.rstrip("/").rsplit("/", 1)[-1] or f"npm-{via.get('source')}"


def audit_npm(lock: Path, registry: str | None) -> tuple[list[Finding] | None, str]:
    """Findings from `npm audit`, or None and why it could not run."""
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is not installed"
    package_json = lock.with_name("package.json")
    pins = {p.name: p for p in read_npm_lock(lock)}
    with tempfile.TemporaryDirectory(prefix="homeward-npm-audit-") as work:
        shutil.copy(package_json, Path(work) / "package.json")
        shutil.copy(lock, Path(work) / "package-lock.json")
        # A cache of its own: npm keeps advisories it has seen, and an audit must not
        # answer from an old copy.
        command = [npm, "audit", "--json", "--no-fund", "--no-update-notifier"]
        command += ["--cache", str(Path(work) / "npm-cache")]
        if registry:
            command += ["--registry", registry]
        completed = subprocess.run(  # noqa: S603 (fixed arguments, npm from PATH)
            command, cwd=work, capture_output=True, text=True, timeout=120, check=False
        )
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        report = {}
    if not isinstance(report, dict) or "auditReportVersion" not in report:
        message = report.get("message") if isinstance(report, dict) else None
        detail = message or completed.stderr.strip().splitlines()[-1:] or ["no report"]
        return None, f"npm audit gave no report: {detail if isinstance(detail, str) else detail[0]}"
    findings = []
    for name, vuln in (report.get("vulnerabilities") or {}).items():
        for via in vuln.get("via", []):
            if not isinstance(via, dict):
                continue  # a dependency that is vulnerable through another one
            pin = pins.get(name) or Pin("npm", name, "?", lock.name)
            findings.append(
                Finding(
                    pin=pin,
                    id=advisory_id(via),
                    aliases=(f"npm-{via.get('source')}",),
                    summary=f"{via.get('severity', '?')}: {via.get('title', '')}"[:160],
                    fixed_in=(),
                )
            )
    return findings, "npm audit (the registry's advisory endpoint, live)"


# --- the report -------------------------------------------------------------------------


def describe(finding: Finding) -> str:
    aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
    fixed = f"; fixed in {', '.join(finding.fixed_in)}" if finding.fixed_in else ""
    pin = finding.pin
    return (
        f"{pin.ecosystem} {pin.name}=={pin.version} [{pin.source}]: "
        f"{finding.id}{aliases}: {finding.summary}{fixed}"
    )


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requirements",
        action="append",
        type=Path,
        help="a pinned requirements or constraints file (repeatable; default: "
        + ", ".join(DEFAULT_REQUIREMENTS)
        + ")",
    )
    parser.add_argument("--npm-lock", type=Path, default=ROOT / "package-lock.json")
    parser.add_argument("--no-npm", action="store_true", help="skip the npm lock file")
    parser.add_argument("--allowlist", type=Path, default=ROOT / DEFAULT_ALLOWLIST)
    parser.add_argument(
        "--pypi-url",
        default=os.environ.get("HOMEWARD_AUDIT_PYPI_URL", DEFAULT_PYPI),
        help="base of PyPI's JSON API",
    )
    parser.add_argument("--npm-registry", default=None, help="npm registry for npm audit")
    parser.add_argument(
        "--max-age-days",
        type=int,
        default=DEFAULT_MAX_AGE_DAYS,
        help="warn when the last full online audit is older than this",
    )
    parser.add_argument(
        "--fail-on-stale",
        action="store_true",
        help="fail, rather than warn, when that audit is too old or was never recorded",
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    today = args.today or dt.date.today()
    started = time.monotonic()
    allowlist = load_allowlist(args.allowlist)
    requirement_files = args.requirements or [ROOT / name for name in DEFAULT_REQUIREMENTS]
    pins = [pin for path in requirement_files for pin in read_requirements(path)]
    base = args.pypi_url.rstrip("/")

    # One probe tells whether this network serves PyPI's per-version endpoint; where it
    # does not, asking it for every pin would only add a round trip each.
    per_version = (
        bool(pins) and fetch_json(f"{base}/{pins[0].name}/{pins[0].version}/json") is not None
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda pin: audit_pypi_pin(pin, base, per_version), pins))
    fetched = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    findings = [f for r in results for f in r.findings]
    covered = [r for r in results if r.covered_by]
    uncovered = [r for r in results if not r.covered_by]

    npm_pins: list[Pin] = []
    npm_note = "skipped (--no-npm)"
    npm_covered = False
    if not args.no_npm:
        npm_pins = read_npm_lock(args.npm_lock)
        npm_findings, npm_note = audit_npm(args.npm_lock, args.npm_registry)
        if npm_findings is not None:
            npm_covered = True
            findings += npm_findings

    apply_allowlist(findings, allowlist, today)
    failing = [f for f in findings if f.allowed_by is None]
    allowed = [f for f in findings if f.allowed_by is not None]

    print("Dependency audit (scripts/audit-deps.py)")
    print(
        f"  PyPI: advisories from PyPI's JSON API ({base}), fetched live at {fetched}; "
        "PyPI takes them from the PyPA advisory database and OSV."
    )
    print(
        f"        {len(covered)} of {len(pins)} pins covered "
        f"({sum(r.covered_by == 'version endpoint' for r in covered)} by the per-version "
        f"endpoint, {sum(r.covered_by == 'newest release' for r in covered)} as their "
        "project's newest release)."
    )
    if not args.no_npm:
        state = "covered" if npm_covered else "NOT covered"
        print(f"  npm:  {len(npm_pins)} packages in {args.npm_lock.name}, {state}: {npm_note}.")

    if uncovered:
        print(
            f"\n  Not covered here ({len(uncovered)}): PyPI answers no per-version data on "
            "this network, and these pins are not their project's newest release:"
        )
        for r in sorted(uncovered, key=lambda r: (r.pin.source, r.pin.name)):
            series = f", newest in its series {r.newest_in_series}" if r.newest_in_series else ""
            behind = (
                "  <- a newer release of the pinned series exists"
                if r.newest_in_series
                and version_key(r.newest_in_series) != version_key(r.pin.version)
                else ""
            )
            print(
                f"    {r.pin.name}=={r.pin.version} [{r.pin.source}] "
                f"(newest {r.newest}{series}){behind}"
            )

    stale = False
    if uncovered or (npm_pins and not npm_covered):
        last = allowlist.last_online_audit
        if last is None:
            age_text, stale = "never recorded", True
        else:
            age = (today - last).days
            age_text, stale = f"{last.isoformat()}, {age} days ago", age > args.max_age_days
        print(f"\n  Last full audit on a machine with internet access: {age_text}.")
        if stale:
            print(
                f"  WARNING: what is not covered here has had no full audit in the last "
                f"{args.max_age_days} days. Run the manual step (docs/operations.md, "
                '"Dependency audit") and record its date as last_online_audit in '
                f"{DEFAULT_ALLOWLIST}."
            )

    if allowed:
        print(f"\n  Allowed by the allow-list ({len(allowed)}):")
        for f in allowed:
            assert f.allowed_by is not None
            print(f"    {describe(f)}\n      reason: {f.allowed_by.reason}")
    for entry in allowlist.entries:
        if entry.expires is not None and entry.expires < today:
            print(f"  NOTE: allow-list entry {entry.id} ({entry.package}) expired {entry.expires}.")
        elif not entry.used:
            print(f"  NOTE: allow-list entry {entry.id} ({entry.package}) matched nothing.")

    elapsed = time.monotonic() - started
    if failing:
        noun = "vulnerability" if len(failing) == 1 else "vulnerabilities"
        print(f"\nFAILED: {len(failing)} known {noun} not in the allow-list:")
        for f in failing:
            print(f"  {describe(f)}")
        print(f"({elapsed:.1f} s)")
        return 1
    if stale and args.fail_on_stale:
        print(f"\nFAILED: the last full audit is too old (--fail-on-stale). ({elapsed:.1f} s)")
        return 1
    print(
        f"\nOK: no known vulnerability outside the allow-list in what was covered ({elapsed:.1f} s)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(parse_arguments(argv))
    except AuditError as error:
        print(f"audit-deps: the audit could not be done: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
