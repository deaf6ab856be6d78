"""Argument types the commands share: argparse turns a refused value into a usage error, not a traceback."""

from argparse import ArgumentTypeError


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as error:
        raise ArgumentTypeError(f"expected a whole number, got {value!r}") from error
    if number < 1:
        raise ArgumentTypeError(f"must be at least 1, got {number}")
    return number
