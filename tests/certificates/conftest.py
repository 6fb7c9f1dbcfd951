"""Certificate tests: the signing-key fixtures live in ``tests/conftest.py``."""
