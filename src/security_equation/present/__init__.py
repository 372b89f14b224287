"""Presenting results: figures (``plots``, ``sensitivity_plots``, ``sweep_plots``) and the
self-contained HTML report (``html``, Jinja2 templates in ``templates/``).

Submodules are imported on use, so importing the package does not load matplotlib.
"""
