"""Analyses that run the model many times: Monte Carlo, sensitivity, sweeps (plans,
executors, the resumable runner and NetCDF storage).

Submodules are imported on use so that importing the package stays cheap.
"""
