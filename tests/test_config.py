"""The one configuration (dedupe.config): validated when made, LSH bands derived from the
threshold, and fingerprints that change exactly when stored signatures or keys would."""

from __future__ import annotations

import pytest

from dedupe import Config, ConfigError
from dedupe.config import lsh_bands_rows


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"shingle_size": 0}, id="shingle-size"),
        pytest.param({"min_shingle_size": 6}, id="min-above-size"),
        pytest.param({"num_perm": 4}, id="too-few-permutations"),
        pytest.param({"lsh_threshold": 1.0}, id="threshold-out-of-range"),
        pytest.param({"near_duplicate_jaccard": 0.9}, id="near-above-duplicate"),
        pytest.param({"anchor_max_docs": 1}, id="anchor-max-docs"),
        pytest.param({"max_chars": 10}, id="max-chars"),
        pytest.param({"headline_similarity": 0}, id="headline-similarity"),
        pytest.param({"max_passages": -1}, id="max-passages"),
    ],
)
def test_bad_values_are_config_errors(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Config(**changes)  # type: ignore[arg-type]


def test_bands_and_rows_fit_the_permutations_and_the_threshold() -> None:
    for threshold in (0.2, 0.3, 0.5, 0.8):
        bands, rows = lsh_bands_rows(threshold, 128, 0.3)
        assert bands * rows <= 128
        # The S-curve's steepest point, (1/b)^(1/r), sits near the threshold.
        assert abs((1 / bands) ** (1 / rows) - threshold) < 0.15
    config = Config()
    assert (config.lsh_bands, config.lsh_rows) == lsh_bands_rows(config.lsh_threshold, config.num_perm, config.lsh_fp_weight)


def test_fingerprints_follow_what_they_cover() -> None:
    base = Config()
    assert base.fingerprint() == Config(duplicate_jaccard=0.9, lsh_threshold=0.5).fingerprint()  # not signatures
    assert base.fingerprint() != Config(shingle_size=4).fingerprint()
    assert base.index_fingerprint() != Config(lsh_threshold=0.5).index_fingerprint()  # other bands: other stored keys
    assert base.index_fingerprint() == Config(duplicate_jaccard=0.9).index_fingerprint()


def test_round_trip_through_a_dict_and_unknown_keys() -> None:
    config = Config(shingle_size=4, min_tokens=5)
    assert Config.from_dict(config.to_stored()) == config
    with pytest.raises(ConfigError, match="unknown config keys: shingles"):
        Config.from_dict({"shingles": 5})


def test_config_hash_version_follows_the_shingles_module() -> None:
    from dedupe import config, shingles

    assert config._HASH_VERSION == shingles.HASH_VERSION
