"""The compiler's copy of the runtime's conventions: the same codes, reasons and algorithms as the runtime's own.

The compiler may not import the runtime (generator/ stands below no runtime), so it keeps these lists itself; this
test, which may import both, keeps them equal.
"""

from __future__ import annotations

from eventcat_runtime import errors as runtime_errors
from jwt.algorithms import get_default_algorithms

from generator import conventions


def test_runtime_codes_are_the_compilers() -> None:
    assert conventions.RUNTIME_CODE_NAMES == runtime_errors.RUNTIME_CODES


def test_close_and_throttle_reasons_are_the_compilers() -> None:
    assert conventions.CLOSE_REASONS == runtime_errors.CLOSE_REASONS
    assert conventions.THROTTLE_REASONS == runtime_errors.THROTTLE_REASONS


def test_algorithms_are_pyjwts_signature_algorithms() -> None:
    assert set(conventions.JWT_ALGORITHMS) == set(get_default_algorithms()) - {"none"}
    assert set(conventions.HMAC_ALGORITHMS) <= set(conventions.JWT_ALGORITHMS)


def test_every_runtime_code_is_described() -> None:
    assert all(text.endswith(".") for _, text in conventions.RUNTIME_CODES)
