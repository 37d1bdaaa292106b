"""Kubernetes resource quantities ("250m", "1.5Gi", "1e3") read as the API server reads them.

The grammar is the one of `resource.ParseQuantity` in k8s.io/apimachinery: an optional sign, a
decimal number (`1`, `1.5`, `.5`, `1.`), then either a decimal suffix (`n u m k M G T P E`), a
binary suffix (`Ki Mi Gi Ti Pi Ei`) or a decimal exponent (`e3`, `E-2`, `e+6`). The result is an
exact `Decimal`, with the two adjustments the API server makes when it stores a quantity:

- a value with digits below one nano unit is rounded up (away from zero) to the next nano unit,
  so that a tiny non-zero request stays non-zero;
- a value written with a binary suffix is capped at 2^63 - 1.

Kubernetes also reads a quantity without any digit (".", "+", "m") as 0; such text is almost
certainly a typo, so it is returned as None here, like any other text Kubernetes rejects.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MIN_EMIN, ROUND_UP, Context, Decimal

_QUANTITY = re.compile(
    r"(?P<number>[+-]?[0-9]*(?:\.[0-9]*)?)"
    r"(?:(?P<suffix>[numkMGTPE]|[KMGTPE]i)|[eE](?P<exponent>[+-]?[0-9]+))?"
)
_DECIMAL_EXPONENTS = {"": 0, "n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_EXPONENTS = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
# Kubernetes keeps the exponent in an int32 that it negates, so it refuses anything beyond this.
_MAX_EXPONENT = 2**31 - 1
_NANO = Decimal("1e-9")
_MAX_BINARY = Decimal(2**63 - 1)


def parse_quantity(value: str | int | float) -> Decimal | None:
    """The exact value of a quantity (in cores, bytes, ...), or None when Kubernetes would refuse it.

    Plain YAML numbers (`cpu: 2`, `cpu: 0.5`) are quantities too; booleans and other types are not.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = value if isinstance(value, str) else repr(value)
    match = _QUANTITY.fullmatch(text)
    if match is None or not any(char.isdigit() for char in match["number"]):
        return None
    number = Decimal(match["number"])
    # Enough digits for every step to be exact: the number's own, plus 2**60 (19 digits) or rounding.
    context = Context(prec=len(text) + 40, Emax=MAX_EMAX, Emin=MIN_EMIN)
    suffix = match["suffix"]
    if suffix in _BINARY_EXPONENTS:
        amount = context.multiply(number, Decimal(2 ** _BINARY_EXPONENTS[suffix]))
    else:
        exponent = _exponent(match["exponent"], suffix)
        if exponent is None:
            return None
        amount = number.scaleb(exponent, context)
    return _as_stored(amount, binary=suffix in _BINARY_EXPONENTS, context=context)


def _exponent(written: str | None, suffix: str | None) -> int | None:
    if written is None:
        return _DECIMAL_EXPONENTS[suffix or ""]
    exponent = int(written)
    return exponent if abs(exponent) <= _MAX_EXPONENT else None


def _as_stored(amount: Decimal, binary: bool, context: Context) -> Decimal:
    if amount.is_zero():
        return Decimal(0)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -9:
        amount = amount.quantize(_NANO, rounding=ROUND_UP, context=context)
    if binary and abs(amount) > _MAX_BINARY:
        amount = _MAX_BINARY.copy_sign(amount)
    return amount
