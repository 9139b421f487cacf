"""`python -m tamis`: the same as the `tamis` command."""

from tamis.cli import app

app(prog_name="tamis")
