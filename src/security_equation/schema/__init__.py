"""Strict, frozen pydantic models for every file a user writes: scenarios, treaty
frameworks and the distributions on uncertain figures."""
