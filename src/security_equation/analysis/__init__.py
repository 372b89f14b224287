"""Running the model beyond one evaluation: drawing distributions (``sampling``), Monte
Carlo, sensitivity, sweeps (plans, executors, the resumable runner and NetCDF storage),
and what a figure or the HTML report shows (``figures``, ``report``: results computed
here, drawn by ``present``).

Submodules are imported on use so that importing the package stays cheap.
"""
