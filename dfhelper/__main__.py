"""``python -m dfhelper``."""

from dfhelper.cli import run

run()
