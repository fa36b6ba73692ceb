"""Unique synthetic identifiers without remembering what was issued.

Organisation codes are drawn from a scrambled counter (a bijection, so none repeats) and
carry their GB 11714 check character; the credit code's own check character comes from
python-stdnum, like everywhere else in CreditDesk.
"""

from __future__ import annotations

import math
import random

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code check


def org_code_check(body: str) -> str:
    """GB 11714 check character: letters count A=10 .. Z=35; 10 -> X, 11 -> 0.

    The result is always 0-9 or X, all in the USCC alphabet, so no code is ever redrawn.
    """
    total = sum(w * int(c, 36) for w, c in zip(ORG_WEIGHTS, body, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


class Scramble:
    """Distinct numbers below ``size`` in a scrambled order: k -> (a*k + b) mod size.

    With ``a`` coprime to ``size`` the map is a bijection, so codes never repeat and
    nothing issued has to be remembered.
    """

    def __init__(self, rng: random.Random, size: int) -> None:
        self.size = size
        self.a = rng.randrange(1, size)
        while math.gcd(self.a, size) != 1:
            self.a = rng.randrange(1, size)
        self.b = rng.randrange(size)
        self.k = 0

    def next(self) -> int:
        if self.k >= self.size:
            raise ValueError("organisation code space exhausted")
        value = (self.a * self.k + self.b) % self.size
        self.k += 1
        return value
