"""The dependency audit (scripts/audit-deps.py) fails on a known vulnerability.

Two tests read the real PyPI through the registry (as `make install` does): a pin of the
newest ecdsa release, whose timing side channel (GHSA-wj6h-64fc-37mp) its maintainers
leave unfixed, must fail the audit, and an allow-list entry must let it pass. The others
run the script against a registry served here on 127.0.0.1 with generated advisories, to
pin down each rule: the per-version endpoint (as on a machine with internet access), the
project endpoint's newest release (as on homeward's build network), pins left uncovered,
yanked pins, npm audit's findings and refusals, the allow-list's rules, and that an
unreachable registry is an error rather than a pass.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit-deps.py"
REAL_ADVISORY = "GHSA-wj6h-64fc-37mp"  # ecdsa: Minerva timing attack, no fixed release


def run_audit(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- a registry on 127.0.0.1 -------------------------------------------------------------


@dataclass
class FakeRegistry:
    url: str
    documents: dict[str, object] = field(default_factory=dict)
    npm_advisories: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    npm_refuses: bool = False
    posted: list[dict[str, object]] = field(default_factory=list)

    @property
    def pypi(self) -> str:
        return self.url + "/pypi"

    def project(
        self,
        name: str,
        newest: str,
        releases: dict[str, bool],
        vulnerabilities: list[dict[str, object]] | None = None,
        per_version: dict[str, list[dict[str, object]]] | None = None,
    ) -> None:
        """PyPI's JSON for a project; releases maps each version to whether it is yanked."""
        files = {
            version: [
                {
                    "filename": f"{name}-{version}.tar.gz",
                    "yanked": yanked,
                    "yanked_reason": "generated: broken build" if yanked else None,
                }
            ]
            for version, yanked in releases.items()
        }
        self.documents[f"/pypi/{name}/json"] = {
            "info": {"name": name, "version": newest},
            "releases": files,
            "vulnerabilities": vulnerabilities or [],
            "last_serial": 1,
        }
        for version, vulns in (per_version or {}).items():
            self.documents[f"/pypi/{name}/{version}/json"] = {
                "info": {"name": name, "version": version},
                "urls": files[version],
                "vulnerabilities": vulns,
            }


def advisory(identifier: str, *aliases: str, fixed_in: str = "9.9.9") -> dict[str, object]:
    return {
        "id": identifier,
        "aliases": list(aliases),
        "summary": f"Generated advisory {identifier} for the audit's tests",
        "details": "",
        "fixed_in": [fixed_in],
        "link": f"https://example.invalid/{identifier}",
        "source": "generated",
        "withdrawn": None,
    }


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    state: FakeRegistry

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def answer(self, status: int, document: object = None) -> None:
            body = b"" if document is None else json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            document = state.documents.get(self.path.split("?")[0])
            self.answer(404) if document is None else self.answer(200, document)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if state.npm_refuses:
                self.answer(405)
                return
            asked = json.loads(body)
            state.posted.append(asked)
            self.answer(200, {k: v for k, v in state.npm_advisories.items() if k in asked})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = FakeRegistry(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_allowlist(tmp_path: Path) -> Path:
    return write(tmp_path / "allow.toml", "# nothing allowed\n")


# --- against the real PyPI, through the registry -------------------------------------------


def newest_ecdsa() -> str:
    with urllib.request.urlopen("https://pypi.org/pypi/ecdsa/json", timeout=60) as response:
        return str(json.load(response)["info"]["version"])


def test_the_real_pypi_data_fails_a_pin_with_a_known_vulnerability(
    tmp_path: Path, no_allowlist: Path
) -> None:
    pins = write(tmp_path / "constraints.txt", f"ecdsa=={newest_ecdsa()}\n")
    result = run_audit("--requirements", pins, "--no-npm", "--allowlist", no_allowlist)
    assert result.returncode == 1, result.stdout + result.stderr
    assert REAL_ADVISORY in result.stdout, "has ecdsa fixed it? pin another unfixed advisory"
    assert "FAILED: 1 known vulnerability not in the allow-list" in result.stdout
    assert "1 of 1 pins covered" in result.stdout


def test_the_allow_list_lets_a_justified_vulnerability_pass(tmp_path: Path) -> None:
    version = newest_ecdsa()
    pins = write(tmp_path / "constraints.txt", f"ecdsa=={version}\n")
    allow = write(
        tmp_path / "allow.toml",
        f"""
[[allow]]
id = "{REAL_ADVISORY.upper()}"
package = "ECDSA"
version = "{version}"
reason = "Test entry: homeward never signs with ecdsa, so the timing channel is out of reach."
""",
    )
    result = run_audit("--requirements", pins, "--no-npm", "--allowlist", allow)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Allowed by the allow-list (1)" in result.stdout
    assert "homeward never signs with ecdsa" in result.stdout


def test_the_projects_own_allow_list_is_valid(tmp_path: Path) -> None:
    empty = write(tmp_path / "none.txt", "# no pins\n")
    result = run_audit("--requirements", empty, "--no-npm")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 of 0 pins covered" in result.stdout


# --- against a registry served here --------------------------------------------------------


def test_an_old_django_pin_fails_where_pypi_answers_per_version(
    registry: FakeRegistry, tmp_path: Path, no_allowlist: Path
) -> None:
    registry.project(
        "django",
        newest="6.1.3",
        releases={"3.2.0": False, "6.1.3": False},
        per_version={"3.2.0": [advisory("PYSEC-0000-T1", "CVE-0000-0001", fixed_in="3.2.2")]},
    )
    pins = write(tmp_path / "constraints.txt", "Django==3.2.0\n")
    result = run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        no_allowlist,
        "--pypi-url",
        registry.pypi,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "django==3.2.0" in result.stdout
    assert "PYSEC-0000-T1 (CVE-0000-0001)" in result.stdout
    assert "fixed in 3.2.2" in result.stdout
    assert "1 of 1 pins covered (1 by the per-version endpoint" in result.stdout
    assert "Last full audit" not in result.stdout  # everything covered: no manual step due


def test_the_newest_release_is_audited_from_the_project_endpoint(
    registry: FakeRegistry, tmp_path: Path, no_allowlist: Path
) -> None:
    registry.project(
        "leftpad-py",
        newest="2.0",
        releases={"1.0": False, "2.0": False},
        vulnerabilities=[advisory("GHSA-test-0000-0001", "PYSEC-0000-T2")],
    )
    pins = write(tmp_path / "constraints.txt", "leftpad_py==2.0\n")
    result = run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        no_allowlist,
        "--pypi-url",
        registry.pypi,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-test-0000-0001 (PYSEC-0000-T2)" in result.stdout
    assert "as their project's newest release" in result.stdout


def test_a_pin_behind_the_newest_release_is_listed_as_not_covered(
    registry: FakeRegistry, tmp_path: Path, no_allowlist: Path
) -> None:
    registry.project(
        "django",
        newest="6.1.3",
        releases={"5.2.19": False, "5.2.20": False, "6.1.3": False},
        vulnerabilities=[advisory("PYSEC-0000-T3")],  # the newest release's, not the pin's
    )
    pins = write(tmp_path / "constraints.txt", "Django==5.2.19\n")
    result = run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        no_allowlist,
        "--pypi-url",
        registry.pypi,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PYSEC-0000-T3" not in result.stdout
    assert "Not covered here (1)" in result.stdout
    assert "django==5.2.19 [constraints.txt] (newest 6.1.3, newest in its series 5.2.20)" in (
        result.stdout
    )
    assert "a newer release of the pinned series exists" in result.stdout
    assert "never recorded" in result.stdout
    assert "WARNING" in result.stdout


def test_a_yanked_pin_fails(registry: FakeRegistry, tmp_path: Path, no_allowlist: Path) -> None:
    registry.project("wheelie", newest="1.1", releases={"1.0": True, "1.1": False})
    pins = write(tmp_path / "constraints.txt", "wheelie==1.0\n")
    result = run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        no_allowlist,
        "--pypi-url",
        registry.pypi,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "YANKED" in result.stdout
    assert "generated: broken build" in result.stdout


def test_an_unreachable_pypi_is_an_error_not_a_pass(tmp_path: Path, no_allowlist: Path) -> None:
    """pip-audit here prints "No known vulnerabilities found" and exits 0; this must not."""
    pins = write(tmp_path / "constraints.txt", "Django==3.2.0\n")
    result = run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        no_allowlist,
        "--pypi-url",
        "http://127.0.0.1:9/pypi",
    )
    assert result.returncode == 2
    assert "the audit could not be done" in result.stderr
    assert "OK" not in result.stdout


def test_a_pin_that_is_not_on_pypi_is_an_error(
    registry: FakeRegistry, tmp_path: Path, no_allowlist: Path
) -> None:
    pins = write(tmp_path / "constraints.txt", "no-such-package==1.0\n")
    result = run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        no_allowlist,
        "--pypi-url",
        registry.pypi,
    )
    assert result.returncode == 2
    assert "no-such-package is not on PyPI" in result.stderr


def test_an_unpinned_requirement_is_an_error(tmp_path: Path, no_allowlist: Path) -> None:
    pins = write(tmp_path / "constraints.txt", "django>=5.2\n")
    result = run_audit("--requirements", pins, "--no-npm", "--allowlist", no_allowlist)
    assert result.returncode == 2
    assert "not pinned with ==" in result.stderr


# --- the allow-list's rules ----------------------------------------------------------------


@pytest.fixture
def vulnerable_pin(registry: FakeRegistry, tmp_path: Path) -> Path:
    registry.project(
        "leftpad-py",
        newest="2.0",
        releases={"1.0": False, "2.0": False},
        vulnerabilities=[advisory("GHSA-test-0000-0004", "CVE-0000-0004")],
    )
    return write(tmp_path / "constraints.txt", "leftpad-py==2.0\n")


def audit_with_allowlist(
    registry: FakeRegistry, pins: Path, tmp_path: Path, allowlist: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    allow = write(tmp_path / "allow.toml", allowlist)
    return run_audit(
        "--requirements",
        pins,
        "--no-npm",
        "--allowlist",
        allow,
        "--pypi-url",
        registry.pypi,
        *extra,
    )


REASON = 'reason = "Generated: the vulnerable function is never called by homeward."'


def test_an_allow_list_entry_matches_an_alias(
    registry: FakeRegistry, vulnerable_pin: Path, tmp_path: Path
) -> None:
    allowlist = f'[[allow]]\nid = "CVE-0000-0004"\npackage = "leftpad_py"\n{REASON}\n'
    result = audit_with_allowlist(registry, vulnerable_pin, tmp_path, allowlist)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reason: Generated: the vulnerable function is never called" in result.stdout


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('id = "CVE-0000-0004"\npackage = "leftpad-py"\n', "`reason` is required"),
        ('id = "CVE-0000-0004"\npackage = "leftpad-py"\nreason = "ok"\n', "at least 20"),
        (f'package = "leftpad-py"\n{REASON}\n', "`id` is required"),
        (f'id = "CVE-0000-0004"\npackage = "leftpad-py"\n{REASON}\nreasons = "x"\n', "unknown"),
    ],
)
def test_a_malformed_allow_list_entry_is_an_error(
    registry: FakeRegistry, vulnerable_pin: Path, tmp_path: Path, entry: str, message: str
) -> None:
    result = audit_with_allowlist(registry, vulnerable_pin, tmp_path, f"[[allow]]\n{entry}")
    assert result.returncode == 2
    assert message in result.stderr


def test_an_expired_allow_list_entry_no_longer_applies(
    registry: FakeRegistry, vulnerable_pin: Path, tmp_path: Path
) -> None:
    allowlist = (
        f'[[allow]]\nid = "GHSA-test-0000-0004"\npackage = "leftpad-py"\n{REASON}\n'
        "expires = 2026-06-30\n"
    )
    result = audit_with_allowlist(
        registry, vulnerable_pin, tmp_path, allowlist, "--today", "2026-07-01"
    )
    assert result.returncode == 1
    assert "expired 2026-06-30" in result.stdout
    still = audit_with_allowlist(
        registry, vulnerable_pin, tmp_path, allowlist, "--today", "2026-06-30"
    )
    assert still.returncode == 0, still.stdout


def test_an_allow_list_entry_for_another_version_does_not_apply(
    registry: FakeRegistry, vulnerable_pin: Path, tmp_path: Path
) -> None:
    allowlist = (
        f'[[allow]]\nid = "GHSA-test-0000-0004"\npackage = "leftpad-py"\nversion = "1.0"\n'
        f"{REASON}\n"
    )
    result = audit_with_allowlist(registry, vulnerable_pin, tmp_path, allowlist)
    assert result.returncode == 1
    assert "matched nothing" in result.stdout


def test_an_old_online_audit_warns_and_can_fail(registry: FakeRegistry, tmp_path: Path) -> None:
    registry.project("django", newest="6.1.3", releases={"5.2.19": False, "6.1.3": False})
    pins = write(tmp_path / "constraints.txt", "django==5.2.19\n")
    allowlist = "last_online_audit = 2026-01-01\n"
    recent = audit_with_allowlist(registry, pins, tmp_path, allowlist, "--today", "2026-03-01")
    assert recent.returncode == 0
    assert "2026-01-01, 59 days ago" in recent.stdout
    assert "WARNING" not in recent.stdout
    old = audit_with_allowlist(registry, pins, tmp_path, allowlist, "--today", "2026-06-01")
    assert old.returncode == 0
    assert (
        "WARNING: what is not covered here has had no full audit in the last 90 days" in old.stdout
    )
    strict = audit_with_allowlist(
        registry, pins, tmp_path, allowlist, "--today", "2026-06-01", "--fail-on-stale"
    )
    assert strict.returncode == 1
    assert "the last full audit is too old" in strict.stdout


# --- npm -----------------------------------------------------------------------------------


def npm_audit(registry: FakeRegistry, tmp_path: Path, allowlist: str = "") -> str:
    empty = write(tmp_path / "none.txt", "")
    allow = write(tmp_path / "allow.toml", allowlist)
    result = run_audit(
        "--requirements",
        empty,
        "--allowlist",
        allow,
        "--pypi-url",
        registry.pypi,
        "--npm-lock",
        ROOT / "package-lock.json",
        "--npm-registry",
        registry.url + "/",
    )
    return f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_an_npm_advisory_fails_the_audit(registry: FakeRegistry, tmp_path: Path) -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    leaflet = lock["packages"]["node_modules/leaflet"]["version"]
    registry.npm_advisories["leaflet"] = [
        {
            "id": 1,
            "url": "https://example.invalid/advisories/GHSA-test-0000-0005",
            "title": "Generated advisory for the audit's tests",
            "severity": "high",
            "vulnerable_versions": f"<={leaflet}",
            "cwe": [],
            "cvss": {"score": 7.5, "vectorString": None},
        }
    ]
    output = npm_audit(registry, tmp_path)
    assert output.startswith("1\n"), output
    assert f"npm leaflet=={leaflet} [package-lock.json]: GHSA-test-0000-0005" in output
    assert registry.posted and "leaflet" in registry.posted[0]
    allowed = npm_audit(
        registry,
        tmp_path,
        f'[[allow]]\nid = "GHSA-test-0000-0005"\npackage = "leaflet"\n{REASON}\n',
    )
    assert allowed.startswith("0\n"), allowed


def test_a_refused_npm_audit_is_reported_as_not_covered(
    registry: FakeRegistry, tmp_path: Path
) -> None:
    registry.npm_refuses = True
    output = npm_audit(registry, tmp_path)
    assert output.startswith("0\n"), output
    assert "NOT covered" in output
    assert "405" in output
    assert "never recorded" in output  # the lock file is left to the manual step
