"""ASL: the schema and validator of Amazon States Language definitions."""

from pysfn.asl.validator import InvalidASL, check, validate

__all__ = ["InvalidASL", "check", "validate"]
