"""The command line: a thin Typer client of the library API (api.py), and the only place that prints and exits.

app.py is its frame (options generated from the settings, help, exit codes, ``main``); commands.py the commands;
run.py reads the inputs and runs the check with a progress bar; outputs.py says where reports go.
"""
from . import commands  # noqa: F401  (registers the commands on the app)
from .app import app, main, program

__all__ = ["app", "main", "program"]
