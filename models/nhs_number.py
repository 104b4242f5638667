"""NHS numbers: nine digits and a modulus-11 check digit [S49]."""

from __future__ import annotations

__all__ = ["is_valid_nhs_number", "with_check_digit"]


def _check_digit(first_nine: str) -> int | None:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check  # 10 means no valid number has these nine digits


def is_valid_nhs_number(value: str) -> bool:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return _check_digit(digits[:9]) == int(digits[9])


def with_check_digit(first_nine: str) -> str:
    """The valid NHS number starting with `first_nine`; if those digits cannot take a check
    digit, the nearest following nine digits that can (used only for synthetic test numbers)."""
    value = int(first_nine)
    while (check := _check_digit(f"{value:09d}")) is None:
        value += 1
    return f"{value:09d}{check}"
