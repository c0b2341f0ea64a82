"""
bin/ensure-debian-packages, which the Makefile targets call to install what the
suite needs outside .venv (Chromium, CJK fonts, PostgreSQL). Run for real with
bash, with a PATH of stub dpkg-query, id and apt-get that record what the
script would have installed.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bin" / "ensure-debian-packages"
BASH = shutil.which("bash")


@pytest.fixture
def stubs(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt-get.log"

    def write(name, body):
        path = bin_dir / name
        path.write_text(f"#!{BASH}\n{body}\n")
        path.chmod(0o755)

    class Stubs:
        path = str(bin_dir)
        apt_log = log

        def user_id(self, uid):
            write("id", f'[ "$1" = -u ] && echo {uid}')

        def installed(self, *packages):
            lines = "".join(f"echo '{package} installed'; " for package in packages)
            write("dpkg-query", f"{lines}exit 1" if not packages else lines)

        def apt_calls(self):
            return log.read_text().splitlines() if log.exists() else []

    write("apt-get", f'echo "$*" >> {log}')
    stubs = Stubs()
    stubs.user_id(0)
    stubs.installed()
    return stubs


def run(stubs, *specs):
    return subprocess.run(
        [BASH, str(SCRIPT), *specs], env={"PATH": stubs.path}, capture_output=True, text=True, timeout=30
    )


def test_as_root_installs_the_missing_packages_after_an_update(stubs):
    result = run(stubs, "chromium=/nonexistent/chromium", "fonts-noto-cjk")

    assert result.returncode == 0, result.stderr
    assert stubs.apt_calls() == [
        "-o DPkg::Lock::Timeout=600 update -qq",
        "-o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-noto-cjk",
    ]
    assert "Installing system packages: chromium fonts-noto-cjk" in result.stdout


def test_only_what_is_missing_is_installed(stubs):
    stubs.installed("fonts-noto-cjk")

    result = run(stubs, "chromium=/nonexistent/chromium", "fonts-noto-cjk")

    assert result.returncode == 0, result.stderr
    assert stubs.apt_calls()[-1] == "-o DPkg::Lock::Timeout=600 install -y -qq chromium"


def test_a_present_binary_counts_without_asking_dpkg(stubs, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    stubs.installed("fonts-noto-cjk")

    result = run(stubs, f"chromium={browser}", "fonts-noto-cjk")

    assert result.returncode == 0, result.stderr
    assert stubs.apt_calls() == []
    assert result.stdout == ""


def test_without_root_it_stops_with_the_exact_command(stubs):
    stubs.user_id(1000)

    result = run(stubs, "chromium=/nonexistent/chromium", "fonts-noto-cjk")

    assert result.returncode == 1
    assert stubs.apt_calls() == []
    assert result.stderr.strip() == (
        "Missing system packages: chromium fonts-noto-cjk. "
        "Install them with: sudo apt-get install -y chromium fonts-noto-cjk"
    )


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs a Debian system's dpkg-query")
def test_with_the_real_dpkg_an_installed_package_needs_no_apt_get(stubs):
    # bash itself is always installed on Debian; the apt-get stub would record any call.
    (Path(stubs.path) / "dpkg-query").unlink()
    result = subprocess.run(
        [BASH, str(SCRIPT), "bash"],
        env={"PATH": f"{stubs.path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert stubs.apt_calls() == []


def test_make_test_installs_the_browser_and_fonts_first():
    plan = subprocess.run(
        ["make", "-n", "test"], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    ).stdout

    ensure = "bin/ensure-debian-packages chromium=/usr/bin/chromium fonts-noto-cjk"
    assert ensure in plan
    assert plan.index(ensure) < plan.index("-m pytest")
