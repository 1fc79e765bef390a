"""Thin ``python -m`` entry points; each runs the matching ``pysfn`` subcommand."""
