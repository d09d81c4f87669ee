"""Shared fixtures: the project's rulebook (loaded, checked and compiled once), a CLI runner,
the examples, an app on a fresh database with API and page sign-in helpers, and the real
server. Helpers that are not fixtures live in tests/helpers.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import jinja2.bccache
import pytest
from click.testing import CliRunner
from hypothesis import settings

from ccrules.resources import builtin_rules

# A developer's shell may export CCRULES_* (a real database, other rules, another rate
# limit): the suite never reads them. They are removed before anything else is imported,
# and kept here so a test can prove an exported database is left alone.
EXPORTED = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("CCRULES_")}

# The suite run against another folder of rules, as the built-in ones (tests/test_figures.py
# runs it so, with one funder figure changed, to show which tests the figure breaks):
# CC_TEST_RULES names the folder; the CLI run in a subprocess reads it as CCRULES_RULES.
OTHER_RULES = os.environ.get("CC_TEST_RULES")
if OTHER_RULES:
    import ccrules.resources as _resources

    _builtin_folder = _resources._folder
    _resources._folder = lambda package: (Path(OTHER_RULES) if package == "ccrules.rules"
                                          else _builtin_folder(package))
    os.environ["CCRULES_RULES"] = OTHER_RULES

# Passwords made in the suite are hashed with argon2id at a low cost: hundreds of tests make
# and sign in a local user, and argon2-cffi's default costs about 0.13 s to hash and as much
# to verify here. Same algorithm and code path; the real server the server and browser tests
# start (a subprocess) keeps the library's own costs.
from argon2 import PasswordHasher  # noqa: E402

import ccrules.store.users as _users  # noqa: E402

_users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# `make quick` (PYTEST_QUICK=1): the fast loop. Property tests draw a tenth of their
# examples, and the contract fuzzer (slow, and costly even to collect) is not collected.
QUICK = os.environ.get("PYTEST_QUICK") == "1"
collect_ignore = ["test_contract_fuzz.py", "test_wheel.py"] if QUICK else []

# Property tests explore new examples on every local run; in CI they replay a fixed set, so
# a run is reproducible and a landing cannot hinge on a lucky draw.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


# The tests that take longest on their own go first: with two workers, a long test that
# started last would leave one worker idle until it ends (longest first is the usual cure).
LONG_FIRST = ("tests/test_readme.py::test_readme_example_output_is_current",)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.nodeid not in LONG_FIRST)  # a stable sort: else as found


# The rules the mechanism tests run on (tests/fixtures/rules/README.md): a module marked
# `pytestmark = pytest.mark.mechanism` gets them as its rulebook, its CLI runner's default
# rules and its rules_copy, so a change to the live rules never moves it.
FIXED_RULES = Path(__file__).resolve().parent / "fixtures" / "rules"


def _checked(path: Path):
    from ccrules.authoring.checks import all_problems
    from ccrules.rulebook import load_rulebook
    rb = load_rulebook(path)
    assert all_problems(rb) == [], path
    return rb


@pytest.fixture(scope="session")
def live_rulebook():
    """The built-in rules, loaded and checked once for the whole run."""
    return _checked(builtin_rules())


@pytest.fixture(scope="session")
def fixed_rulebook():
    """The mechanism tests' small fixed rules, loaded and checked once for the whole run."""
    return _checked(FIXED_RULES)


def _mechanism(request) -> bool:
    return request.node.get_closest_marker("mechanism") is not None


@pytest.fixture
def rules_path(request) -> Path:
    """The folder of the rules this test runs on."""
    return FIXED_RULES if _mechanism(request) else builtin_rules()


@pytest.fixture
def rulebook(request, live_rulebook):
    """The built-in rules; the small fixed ones for a mechanism test."""
    return request.getfixturevalue("fixed_rulebook") if _mechanism(request) else live_rulebook


@pytest.fixture
def runner(request):
    """A CLI runner; a mechanism test's commands use the small fixed rules by default."""
    return CliRunner(env={"CCRULES_RULES": str(FIXED_RULES)} if _mechanism(request) else None)


@pytest.fixture
def rules_copy(tmp_path, rules_path):
    """A writable copy of the rules folder, for tests that break or change rules."""
    dest = tmp_path / "rules"
    shutil.copytree(rules_path, dest, ignore=shutil.ignore_patterns("__*", "*.md"))
    return dest


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory):
    """An empty audit database with a rulebook's snapshot, made once per rulebook by the
    store's own code; `empty_store(rulebook, dest)` copies it to `dest` (a copy costs a
    fraction of a millisecond, making the tables about 20 ms, which most app tests paid)."""
    from ccrules.store.database import Store
    made: dict[str, Path] = {}

    def copy(rulebook, dest: Path) -> Path:
        if rulebook.version not in made:
            path = tmp_path_factory.mktemp("empty-store") / "audit.db"
            with Store(path) as store:
                store.save_ruleset(rulebook)
            made[rulebook.version] = path
        shutil.copyfile(made[rulebook.version], dest)
        os.chmod(dest, 0o600)
        return dest
    return copy


class SharedTemplates(jinja2.BytecodeCache):
    """Compiled templates shared by the suite's apps (most tests make one): Jinja's own
    bytecode cache, kept in memory. A template is looked up by its name and the checksum of
    its source, so an edited template is compiled again. Compiling the pages' templates
    anew for each test was about a sixth of the page tests' time."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplates()


@pytest.fixture
def app(tmp_path, rulebook, empty_store):
    from ccrules.web import create_app
    database = empty_store(rulebook, tmp_path / "audit.db")
    made = create_app({"TESTING": True, "DATABASE": str(database), "RULEBOOK": rulebook})
    made.jinja_env.bytecode_cache = TEMPLATES  # read when a template is first loaded
    return made


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(app):
    """Headers with a fresh token for the app's database."""
    from helpers import make_token
    return {"Authorization": f"Bearer {make_token(app)}"}


@pytest.fixture
def signed_in(app, client):
    """A page client signed in as a fresh programme officer (a local account)."""
    from helpers import PageClient, make_user
    pages = PageClient(client)
    pages.sign_in(make_user(app, "officer"))
    return pages


@pytest.fixture
def server_rules():
    """The rules the real server is started with (override to serve a copy)."""
    return None


@pytest.fixture
def server(tmp_path, server_rules):
    """The real service (`ccrules serve`, gunicorn) on a free loopback port, with a token."""
    from helpers import Served
    served = Served.start(tmp_path, rules=server_rules)
    yield served
    served.stop()


# --- a real browser: Playwright driving Debian's chromium ----------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Chromium, headless, once per run. With CI=true a missing chromium fails the run
    instead of skipping (.ci/run installs it with apt-get)."""
    from pathlib import Path
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed here (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A browser tab signed in to the real server, on the form; no page may break the
    Content-Security-Policy."""
    context = browser.new_context(base_url=server.base, accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.goto("/")
    assert "/signin" in pg.url
    pg.get_by_label("E-mail").fill(server.user[0])
    pg.get_by_label("Password").fill(server.user[1])
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(server.base + "/")
    yield pg
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
