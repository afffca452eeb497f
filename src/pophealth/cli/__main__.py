"""``python -m pophealth.cli``: the same entry point as the ``pophealth`` command."""

from pophealth.cli import main

main()
