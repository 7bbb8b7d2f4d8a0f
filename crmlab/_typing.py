"""Type aliases of crmlab's public signatures, for annotations only.

Modules import these under ``if TYPE_CHECKING:`` (their annotations are strings, by
``from __future__ import annotations``), so nothing here is imported when crmlab runs
and ``import crmlab`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyspark.sql

__all__ = ["ArrayLike", "DateLike", "PathLike", "Source"]

#: A day: ``"2024-01-31"``, a date or datetime, a Timestamp or a numpy datetime64.
DateLike: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64
#: A file name: text or a :class:`pathlib.Path`.
PathLike: TypeAlias = str | os.PathLike[str]
#: A transaction log: in memory, a CSV/Parquet file (or a folder of Parquet files), or a
#: PySpark DataFrame.
Source: TypeAlias = "pd.DataFrame | str | os.PathLike[str] | pyspark.sql.DataFrame"
#: One number per customer (or per period): a Series, an array or a list.
ArrayLike: TypeAlias = pd.Series | np.ndarray | Sequence[float]
