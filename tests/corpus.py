"""Where the shared evaluation corpus lives: ../shared/corpus beside the project, or $BRIEFBOT_CORPUS."""

from __future__ import annotations

import os
from pathlib import Path


def corpus_dir() -> Path:
    override = os.environ.get("BRIEFBOT_CORPUS")
    path = Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    if not (path / "seeds").is_dir():
        raise FileNotFoundError(f"the evaluation corpus is not at {path}; put ../shared beside the project "
                                "or set BRIEFBOT_CORPUS")
    return path
