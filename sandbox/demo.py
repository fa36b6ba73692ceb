"""``creditdesk gui --demo``: the reference platform in-process, a throw-away desk.

Starts the sandbox on a free loopback port with synthetic data (cached in the temp
directory, so the second start is instant), a data directory that is deleted on exit,
secrets in memory, and two accounts whose passwords the demo banner shows. Nothing here
touches the user's real data directory or keyring. No Qt: tests and the screenshot
script use it too.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from desktop.bootstrap import Services, bootstrap
from desktop.staff import accounts as staff
from desktop.staff.credentials import API_KEY, SecretStore
from local_cache.db import FILE_NAME
from sandbox import schemas as control
from sandbox.server import DEFAULT_COUNTER, DEFAULT_DEPARTMENT, SandboxServer

DEMO_SUBJECTS, DEMO_SEED = 3000, 7
CLERK, CLERK_PASSWORD = "demo-clerk", "demo-clerk-pass"
SUPERVISOR, SUPERVISOR_PASSWORD = "demo-sup", "demo-sup-pass"


@dataclass
class Demo:
    """The running demo: platform, desk services and its samples."""

    server: SandboxServer
    services: Services
    data_dir: Path
    samples: control.SamplesOut

    def stop(self) -> None:
        """Stop the platform and delete the throw-away desk."""
        self.services.close()
        self.server.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def make_desk(server: SandboxServer, root: Path, counter: str = DEFAULT_COUNTER) -> Services:
    """A fresh desk in ``root`` talking to ``server``, with the two demo accounts.

    Another ``counter`` gets a key of its own at the platform (tests of several desks:
    the platform keeps anchors and signing keys per counter).
    """
    key = server.api_key
    if counter != DEFAULT_COUNTER:
        key = f"{server.api_key}-{counter}"
        server.platform.add_key(key, counter, DEFAULT_DEPARTMENT)
    secrets = SecretStore(memory=True)
    secrets.set(API_KEY, key)
    # The demo desk is the hall's one window (一窗受理): no department, so every item.
    services = bootstrap(root, {"platform_url": server.url, "counter_id": counter,
                                "department": "", "clerk_id": CLERK,
                                "default_items": "GOV_PROCUREMENT,FOOD_LICENCE"},
                         secrets=secrets)
    boss = staff.add(services.engine, SUPERVISOR, "演示科长", "supervisor",
                     SUPERVISOR_PASSWORD, None)
    staff.add(services.engine, CLERK, "演示受理员", "clerk", CLERK_PASSWORD, boss)
    return services


def fetch_samples(server: SandboxServer) -> control.SamplesOut:
    """Sample subjects for every verdict (the sandbox's own route)."""
    answer = httpx.get(f"{server.url}/sandbox/samples",
                       headers={"Authorization": f"Bearer {server.api_key}"}, timeout=30)
    answer.raise_for_status()
    return control.SamplesOut.model_validate_json(answer.content)


def start_demo(subjects: int = DEMO_SUBJECTS, seed: int = DEMO_SEED,
               data_dir: Path | None = None, db_url: str | None = None) -> Demo:
    """Start platform and desk; the services act as ``CLERK``."""
    server = SandboxServer(seed=seed, subjects=subjects, db_url=db_url).start()
    root = Path(data_dir or tempfile.mkdtemp(prefix="creditdesk-demo-"))
    fresh = not (root / FILE_NAME).exists()
    if fresh:  # a new desk log: heads anchored by an earlier demo desk are not its own
        server.platform.forget_counter(DEFAULT_COUNTER)
    return Demo(server, make_desk(server, root), root, fetch_samples(server))
