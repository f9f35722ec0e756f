"""What every table shares: the metadata's naming convention, the Decimal quantity type, the
common fields (timestamps, version, archive flag) and the field helpers.

Feature tables live beside this module (``okr/core/models/<feature>.py``) and import from it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# A naming convention on the metadata: SQLite batch migrations and PostgreSQL both get
# predictable constraint names, so Alembic can drop and compare them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


TITLE_MAX = 200
NAME_MAX = 120


def utcnow() -> datetime:
    """Timestamps are aware and in UTC (SQLModel stores them as UTC and reads them back aware)."""
    return datetime.now(UTC)


#: What a quantity column holds on either database: a finite number of magnitude below 10^14
#: (NUMERIC(20, 6) keeps 14 digits before the point). Forms accept less (okr.core.numbers).
STORED_MAGNITUDE = Decimal(10) ** 14


class Quantity(sa.types.TypeDecorator):
    """A Decimal quantity: NUMERIC(20, 6) on PostgreSQL, a REAL on SQLite read back as Decimal.

    SQLite has no decimal type; going through ``repr(float)`` gives back the shortest decimal
    that round-trips, so 6.2 stays 6.2. Arithmetic always happens on Decimal in Python.

    Both databases refuse the same values with ``sqlalchemy.exc.DataError``: magnitudes of
    :data:`STORED_MAGNITUDE` or more (PostgreSQL's numeric overflow; SQLite would store them as
    floats) and NaN or infinity (which SQLite would store as NULL or inf, PostgreSQL as NaN).
    """

    impl = sa.Numeric(20, 6)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Float())
        return dialect.type_descriptor(sa.Numeric(20, 6, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite() or abs(number) >= STORED_MAGNITUDE:
            raise sa.exc.DataError(
                None, None, ValueError(f"quantity out of range: {str(value)[:40]} (finite, below 10^14 in magnitude)")
            )
        if dialect.name == "sqlite":
            return float(value)
        return Decimal(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            return _plain(Decimal(repr(value))) if value == value else None
        return _plain(Decimal(value))


def _plain(d: Decimal) -> Decimal:
    """Without trailing zeros, and a whole number as itself: 1000, not 1E+3 (normalize alone
    writes exponents, which would reach audit history and JSON as text)."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def qty(**kw):
    nullable = kw.pop("nullable", False)
    return Field(sa_column=sa.Column(Quantity(), nullable=nullable, **kw))


def title_field(**kw):
    return Field(sa_column=sa.Column(sa.String(TITLE_MAX), nullable=False, **kw))


def text_field():
    return Field(default="", sa_column=sa.Column(sa.Text(), nullable=False, server_default=""))


class Editable(SQLModel):
    """Fields every editable row carries: who and when, a version for optimistic locking, and
    an archive flag (rows are archived, never deleted)."""

    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    version: int = Field(default=1, nullable=False)
    is_archived: bool = Field(default=False, nullable=False)
    archived_at: datetime | None = None

    @declared_attr.directive
    def __mapper_args__(cls):
        # SQLAlchemy checks the version in the UPDATE's WHERE clause and raises StaleDataError
        # when another writer got there first: the last line of defence behind the forms' check.
        return {"version_id_col": cls.__table__.c.version}
