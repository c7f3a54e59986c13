"""Fixtures: a private Prosody (with the accounts the tests use) and a way to run the bot."""
import os
import shutil

import pytest

import harness
from harness import devenv

ACCOUNTS = {
    "bot@localhost": "botpw",
    "student@localhost": "studentpw",
    "student2@localhost": "student2pw",
    "stranger@localhost": "strangerpw",
}


def pytest_sessionstart(session):
    if not os.access(harness.BINARY, os.X_OK):
        raise pytest.UsageError("otrbot is not built at %s (run scripts/test.sh)" % harness.BINARY)
    for tool in ("prosody", "prosodyctl", "openssl"):
        if not shutil.which(tool):
            raise pytest.UsageError("%s is missing: run scripts/install-deps.sh" % tool)


@pytest.fixture(scope="session")
def prosody(tmp_path_factory):
    """One Prosody for the tests that do not restart or reconfigure it."""
    server = devenv.Prosody(str(tmp_path_factory.mktemp("prosody")), ACCOUNTS)
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def prosody_pep(tmp_path_factory):
    """A Prosody with no optional module but PEP (what OMEMO needs of a server)."""
    server = devenv.Prosody(str(tmp_path_factory.mktemp("prosody-pep")), ACCOUNTS, minimal=True,
                            extra_modules=("pep",))
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def prosody_minimal(tmp_path_factory):
    """A Prosody with no optional module (no mod_carbons: carbons hints reach the bot)."""
    server = devenv.Prosody(str(tmp_path_factory.mktemp("prosody-minimal")), ACCOUNTS, minimal=True)
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def run_bot(tmp_path):
    """Starts bots for one test and stops them after it, showing their logs on failure."""
    bots = []

    def start(config_text, **kw):
        bot = harness.Bot(str(tmp_path), config_text, name="bot%d" % len(bots), **kw)
        bots.append(bot)
        return bot.start()

    yield start
    for bot in bots:
        bot.stop()
