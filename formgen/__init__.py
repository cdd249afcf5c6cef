"""Wijzigingsloket: the change-request form for the klantenkaart, built and checked."""

from formgen.errors import ExitCode, FormgenError

__all__ = ["ExitCode", "FormgenError"]
