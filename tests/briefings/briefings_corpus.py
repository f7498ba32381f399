"""Reading the shared evaluation corpus (never copied into the repository)."""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((CORPUS / "seeds").glob("*.txt"))}


def bbc_rows() -> list[dict]:
    with (CORPUS / "bbc_dev.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]
