"""``python -m security_equation.cli`` runs the ``seceq`` command line."""

from security_equation.cli import main

main()
