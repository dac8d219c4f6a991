"""``python -m app.cli``: the ``warta`` command."""

from app.cli import main

main()
