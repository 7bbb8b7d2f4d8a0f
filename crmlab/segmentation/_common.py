"""Private helpers shared by the modules of :mod:`crmlab.segmentation`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from crmlab._errors import CRMDataError
from crmlab.validation import require, show_rows

__all__ = ["numeric_columns", "optional_column"]


def optional_column(data: pd.DataFrame, name: str | None, default: str) -> str | None:
    """The optional column to use: None when not wanted or absent under its default name."""
    if name is None:
        return None
    if name not in data.columns and name == default:
        return None
    return name  # an explicitly named column that is missing fails in require()


def numeric_columns(data: pd.DataFrame, columns: str | Iterable[str], caller: str, *,
                    allow_nan: bool = False, param: str = "columns") -> list[str]:
    """Check that ``columns`` exist and are numeric (NaN only if allowed)."""
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if not columns:
        raise CRMDataError(f"{caller}: {param} is empty; name at least one numeric column.")
    if len(set(columns)) != len(columns):
        raise CRMDataError(f"{caller}: {param} names a column twice: {columns}. "
                           f"List each column once.")
    require(data, {c: "any" for c in columns}, caller=caller,
            params={c: param for c in columns}, allow_empty=True)
    for c in columns:
        col = data[c]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            numeric = [str(n) for n in data.columns
                       if pd.api.types.is_numeric_dtype(data[n])
                       and not pd.api.types.is_bool_dtype(data[n])]
            raise CRMDataError(
                f"{caller}: column {c!r} in {param} is not numeric (dtype {col.dtype}, first "
                f"value {col.iloc[0]!r}). Use numeric features only, for example "
                f"{', '.join(numeric[:8]) or 'none present'}; turn a category into numbers "
                f"first (e.g. its .cat.codes) if you really mean it."
            )
        if not allow_nan:
            bad = col.isna()
            if bad.any():
                raise CRMDataError(
                    f"{caller}: column {c!r} has {int(bad.sum())} missing values in "
                    f"{show_rows(data.index[bad])}. Customers without a purchase have NaN "
                    f"recency, basket and shares: cluster the buyers "
                    f"(features[features['orders'] > 0]) or fill the gaps (fillna)."
                )
            bad = ~np.isfinite(col.to_numpy(dtype=float))
            if bad.any():
                raise CRMDataError(
                    f"{caller}: column {c!r} has {int(bad.sum())} infinite values in "
                    f"{show_rows(data.index[bad], col[bad])}. Replace them first."
                )
    return columns
