"""Bundled public data (CSV with a source id per row), scenarios and frameworks.

``DATA_DIR`` is the one place the package looks for its bundled files.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
