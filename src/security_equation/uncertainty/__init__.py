"""Uncertainty: metrics per batch member, Monte Carlo sampling and global sensitivity.

Submodules are imported on use (``from security_equation.uncertainty.sampling import
monte_carlo``) so that importing the package stays cheap.
"""
