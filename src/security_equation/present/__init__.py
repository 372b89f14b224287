"""Presenting results: tables and numbers (``tables``), figures (``plots``,
``history_plot``, ``sensitivity_plots``, ``sweep_plots``; kinds, formats and files in
``figures``) and the self-contained HTML report (``html``, Jinja2 templates in
``templates/``). Presenters take results; they never run the model (``analysis.figures``
and ``analysis.report`` do, then call them).

Submodules are imported on use, so importing the package does not load matplotlib.
"""
