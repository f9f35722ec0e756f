"""Operations planning and OKR tracker.

Importing ``okr`` imports no Flask: ``okr.create_app`` is loaded on first use, so the pure rule
modules (periods, rollup, smart, raci, eisenhower) stay importable on their own.
"""

__version__ = "0.1.0"


def __getattr__(name):
    if name == "create_app":
        from okr.app import create_app

        return create_app
    raise AttributeError(f"module 'okr' has no attribute {name!r}")
