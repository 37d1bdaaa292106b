"""parse_quantity reads Kubernetes quantities exactly as the API server does, and refuses what it refuses."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubelint.quantities import parse_quantity

DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
INT64_MAX = Decimal(2**63 - 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "0"),
        ("1", "1"),
        ("250m", "0.25"),
        ("1500m", "1.5"),
        ("0.5", "0.5"),
        ("2", "2"),
        ("5n", "0.000000005"),
        ("4u", "0.000004"),
        ("8k", "8000"),
        ("7M", "7000000"),
        ("6G", "6000000000"),
        ("5T", "5e12"),
        ("2P", "2e15"),
        ("1E", "1e18"),
        ("12E", "12e18"),
        ("1Ki", "1024"),
        ("128Mi", "134217728"),
        ("1.5Gi", "1610612736"),
        ("0.5Mi", "524288"),
        ("100.035Ki", "102435.84"),
        ("1Ti", "1099511627776"),
        ("4Pi", str(4 * 2**50)),
        ("3Ei", str(3 * 2**60)),
        ("1e3", "1000"),
        ("1E3", "1000"),
        ("1.2e3", "1200"),
        ("1.3E+6", "1300000"),
        ("1E-3", "0.001"),
        ("0.5e-2", "0.005"),
        ("1e0", "1"),
        ("+1k", "1000"),
        ("-1k", "-1000"),
        ("-0", "0"),
        ("00012", "12"),
        (".5", "0.5"),
        ("1.", "1"),
        ("1.G", "1e9"),
        (".0001k", "0.1"),
    ],
)
def test_valid_quantities(text: str, expected: str) -> None:
    assert parse_quantity(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.001n", "4e-9"),
        ("1.1E-9", "2e-9"),
        ("0.0000000001", "1e-9"),
        ("0.5e-9", "1e-9"),
        ("0.9n", "1e-9"),
        ("0.00000012345", "124e-9"),
        ("0.000000000001Ki", "2e-9"),
        ("-0.1n", "-1e-9"),
        ("1e-2147483647", "1e-9"),
    ],
)
def test_digits_below_a_nano_unit_round_up_like_the_api_server(text: str, expected: str) -> None:
    assert parse_quantity(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["8Ei", "9Ei", "9223372036854775807Ki", "1000000Ei"])
def test_binary_quantities_are_capped_at_the_largest_int64(text: str) -> None:
    assert parse_quantity(text) == INT64_MAX
    assert parse_quantity("-" + text) == -INT64_MAX


def test_decimal_quantities_are_not_capped() -> None:
    assert parse_quantity("12E") == Decimal("1.2e19")
    assert parse_quantity("1e30") == Decimal("1e30")
    assert parse_quantity("1e2147483647") == Decimal("1e2147483647")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 1",
        "1 ",
        "1K",  # decimal kilo is a lower-case k
        "1ki",
        "1mi",
        "0.1am",
        "1i",
        ".5i",
        "-3.01i",
        "1e",
        "-3.01e-",
        "1e1.5",
        "1e4294967297",
        "1E2147483648",
        "1.1.M",
        "1+1.0M",
        "1Mi3",
        "1Gi ",
        "aoeu",
        "0x10",
        "1_000",
        "١",  # an Arabic-Indic digit: Kubernetes reads ASCII digits only
        "inf",
        "NaN",
        # Kubernetes reads these as 0, but text without a digit is a typo, not a quantity.
        ".",
        "-.",
        "+",
        "m",
        "Gi",
    ],
)
def test_invalid_quantities_give_none(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2, Decimal(2)), (0, Decimal(0)), (0.5, Decimal("0.5")), (0.1, Decimal("0.1")), (1e20, Decimal("1e20"))],
)
def test_yaml_numbers_are_quantities(value: float, expected: Decimal) -> None:
    assert parse_quantity(value) == expected


@pytest.mark.parametrize("value", [True, False, None, [1], {"cpu": 1}, float("inf"), float("nan")])
def test_other_types_give_none(value: object) -> None:
    assert parse_quantity(value) is None  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(sorted(DECIMAL_SUFFIXES)))
def test_decimal_suffixes_scale_by_powers_of_ten(number: int, suffix: str) -> None:
    assert parse_quantity(f"{number}{suffix}") == Decimal(number).scaleb(DECIMAL_SUFFIXES[suffix])


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(sorted(BINARY_SUFFIXES)))
def test_binary_suffixes_scale_by_powers_of_two(number: int, suffix: str) -> None:
    expected = min(Decimal(number * 2 ** BINARY_SUFFIXES[suffix]), INT64_MAX)
    assert parse_quantity(f"{number}{suffix}") == expected


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=-9, max_value=30))
def test_exponent_form_equals_the_plain_number(mantissa: int, exponent: int) -> None:
    assert parse_quantity(f"{mantissa}e{exponent}") == Decimal(mantissa).scaleb(exponent)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_a_yaml_float_reads_like_its_text(value: float) -> None:
    assert parse_quantity(value) == parse_quantity(repr(value))


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_millicores_and_cores_compare_by_value(first: int, second: int) -> None:
    in_millicores, in_cores = parse_quantity(f"{first}m"), parse_quantity(str(Decimal(second) / 1000))
    assert in_millicores is not None and in_cores is not None
    assert (in_millicores > in_cores) == (first > second)
