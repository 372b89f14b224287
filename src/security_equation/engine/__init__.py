"""The pure, vectorized engine: arrays with a leading batch axis in, arrays out.

No I/O, printing or pydantic in here: ``compile`` turns a validated scenario into
arrays once, and every function below works on those arrays.
"""
