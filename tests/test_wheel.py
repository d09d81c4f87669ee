"""The built wheel is the product: installed into a fresh environment (no editable install,
not run from the repository), it has no top-level module but ccrules, carries its rules,
examples, templates and static files, evaluates the examples as expected and serves pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("source") / "ccrules"  # a clean copy: no stale build/
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "*.egg-info", "test-output", "var", "__pycache__",
        ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(out), str(source)], check=True, timeout=300,
                   capture_output=True)
    (built,) = out.glob("ccrules-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, wheel) -> Path:
    """A new venv holding only the wheel; the dependencies come from this test run's
    environment through a .pth path (whose own .pth files, the editable finder among them,
    are not processed). Returns its python."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig."
                                "get_paths()['purelib'])"], capture_output=True, text=True,
                               check=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                    "--quiet", "--target", str(site), str(wheel)], check=True, timeout=300)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def run(python: Path, code: str, cwd: Path) -> str:
    result = subprocess.run([str(python), "-c", textwrap.dedent(code)], cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_wheel_has_one_top_level_package_and_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"ccrules"}
    top_level = next(n for n in names if n.endswith("top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top_level).decode().split() == ["ccrules"]
    for expected in ("ccrules/web/templates/result.html", "ccrules/web/static/ccrules.css",
                     "ccrules/web/static/round.js", "ccrules/rules/policy.yaml",
                     "ccrules/rules/problem_fit.yaml", "ccrules/examples/ilcop.json",
                     "ccrules/examples/expected.yaml", "ccrules/report/model.py",
                     "ccrules/py.typed", "ccrules/proposal/kinds/base.py",
                     "ccrules/web/templates/_widgets.html"):
        assert expected in names, expected
    assert (ROOT / "api").is_dir() and (ROOT / "rules").is_dir()  # the repository's layout


def test_the_installed_wheel_evaluates_the_examples(fresh, tmp_path):
    out = run(fresh, """
        import importlib.util, json, yaml
        import ccrules
        from ccrules.resources import builtin_examples
        assert importlib.util.find_spec("api") is None, "no top-level api module"
        rb = ccrules.load_rulebook()
        want = yaml.safe_load((builtin_examples() / "expected.yaml").read_text())
        got = {name: ccrules.evaluate(json.loads((builtin_examples() / f"{name}.json")
               .read_text()), rb).verdict.value for name in want}
        print(json.dumps({"file": ccrules.__file__, "rules": len(rb.rules),
                          "ok": all(got[n] == w["verdict"] for n, w in want.items())}))
    """, tmp_path)
    report = json.loads(out)
    assert "site-packages" in report["file"] and str(ROOT) not in report["file"]
    assert report["ok"] and report["rules"] > 0


def test_the_installed_wheel_serves_the_pages(fresh, tmp_path):
    port = free_port()
    db = tmp_path / "wheel.db"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(fresh), "-m", "ccrules", "serve", "--port", str(port),
                                 "--db", str(db), "--workers", "1"], cwd=tmp_path,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                page = urllib.request.urlopen(base + "/signin", timeout=2).read().decode()
                break
            except OSError:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.2)
        assert "<h1>Sign in</h1>" in page
        css = urllib.request.urlopen(base + "/static/ccrules.css", timeout=5)
        assert css.status == 200 and css.read()
        docs = urllib.request.urlopen(base + "/docs/", timeout=5).read().decode()
        assert "swagger-ui" in docs
    finally:
        proc.terminate()
        proc.wait(timeout=20)
