"""Spelling variants of a text that must normalize to the same tokens (shared by tests and fixture builders)."""

from __future__ import annotations

import random

_MARKS = "\u064e\u064f\u0650\u0651\u0652\u064b"
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def orthographic_variant(text: str, seed: int = 7) -> str:
    """Add diacritics and tatweel, swap alef/ya/ta-marbuta/hamza spellings, use Arabic-Indic digits.

    Every change is one the normalizer folds, so the variant's tokens equal the original's.
    """
    rng = random.Random(seed)
    out = []
    for word in text.split(" "):
        chars = list(word)
        new = []
        for i, c in enumerate(chars):
            if c == "ا" and i == 0 and rng.random() < 0.5:
                c = rng.choice("أإآ")
            elif c == "ي" and i == len(chars) - 1 and rng.random() < 0.5:
                c = "ى"
            elif c == "ه" and i == len(chars) - 1 and rng.random() < 0.5:
                c = "ة"
            elif c == "ء" and rng.random() < 0.5:
                c = rng.choice("ؤئ")
            new.append(c)
            if "\u0621" <= c <= "\u064a" and rng.random() < 0.3:
                new.append(rng.choice(_MARKS))
            if c in "بتثجحخسشصضطظعغفقكلمنهي" and i < len(chars) - 1 and rng.random() < 0.05:
                new.append("\u0640")
        out.append("".join(new))
    return " ".join(out).translate(_INDIC)
