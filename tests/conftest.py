from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEEDS = FIXTURES / "seeds"
EXAMPLE = FIXTURES / "example"
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SNN = CORPORA / "saudinewsnet.jsonl.gz"
ANT = CORPORA / "ant-multisource.jsonl.gz"

SEED_000 = SEEDS / "000_1d40cc6677096fc7.txt"
SEED_003 = SEEDS / "003_9fd6ca38c3f9c008.txt"


def needs_corpus(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not path.exists(), reason=f"{path} is absent: the shared corpora sit beside the repository only in CI and dev machines"
    )
