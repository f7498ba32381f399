"""Running the installed ``briefbot`` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def briefbot_executable() -> str:
    candidate = Path(sys.executable).parent / "briefbot"
    return str(candidate) if candidate.exists() else "briefbot"


def run_briefbot(args: list[str], database_url: str, stdin: str | None = None, timeout: float = 120,
                 extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BRIEFBOT_")}
    env["BRIEFBOT_DATABASE_URL"] = database_url
    env.update(extra_env or {})
    return subprocess.run(
        [briefbot_executable(), *args], input=stdin, capture_output=True, text=True, timeout=timeout, env=env,
    )
