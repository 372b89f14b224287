"""Sweeps: grids over dotted paths (``grid``), executors (``executors``: local processes
or a Dask cluster), the resumable runner (``runner``) and NetCDF storage (``store``).

Submodules are imported on use; this package imports nothing so that
``security_equation.uncertainty.sampling`` and the sweep modules can build on each other.
"""
