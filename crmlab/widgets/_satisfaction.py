"""Explorers for the satisfaction chapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import interactive

    from crmlab.satisfaction import ChurnModel

__all__ = ["improvement_explorer"]


def improvement_explorer(survey: pd.DataFrame, *,
                         drivers: ChurnModel | pd.DataFrame | None = None,
                         scale: tuple[float, float] = (1, 7),
                         **columns: str) -> interactive:
    """Improve one service dimension and watch the predicted churn rate move.

    Parameters
    ----------
    survey : DataFrame
        The survey (e.g. ``crmlab.load_data("survey")``).
    drivers : ChurnModel, optional
        A fitted :class:`crmlab.satisfaction.ChurnModel`; fitted on ``survey`` (gaps
        of every dimension) when not given. The table of
        :func:`crmlab.satisfaction.churn_drivers` still works for one release, with a
        ``FutureWarning``.
    scale : (float, float), default (1, 7)
        Lowest and highest possible answer.
    **columns
        ``expect=`` / ``perceive=`` prefixes and ``target=``, passed on.

    Returns
    -------
    ipywidgets.interactive
        A dimension dropdown and a slider ``delta`` (points added to every
        customer's perception of that dimension, -2 to +2). After each change
        ``w.result`` is a DataFrame, one row per dimension, of
        :func:`crmlab.satisfaction.simulate_improvement` at that ``delta``;
        ``w.result.attrs["chosen"]`` names the selected dimension.

    Examples
    --------
    >>> import contextlib, io
    >>> from crmlab import load_data
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     w = improvement_explorer(load_data("survey"))
    >>> w.result.attrs["chosen"], round(float(w.result.loc["reliability", "churn_after"]), 3)
    ('reliability', 0.138)
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     w.children[1].value = 0.0
    >>> bool((w.result["change"].abs() < 1e-12).all())
    True
    """
    import ipywidgets as widgets
    import pandas as pd

    from crmlab import satisfaction
    from crmlab.widgets._figure import new_figure, show_figure

    prefixes = {k: columns[k] for k in ("expect", "perceive") if k in columns}
    fit_kwargs = {**prefixes, **({"target": columns["target"]} if "target" in columns else {})}
    if drivers is None:
        drivers = satisfaction.ChurnModel(**fit_kwargs).fit(survey)
    n = drivers.attrs["n"] if isinstance(drivers, pd.DataFrame) else drivers.n_customers_
    dims = satisfaction.gap_scores(survey, **prefixes).attrs["dimensions"]
    start = "reliability" if "reliability" in dims else dims[0]

    def explore(dimension, delta):
        rows = [satisfaction.simulate_improvement(survey, drivers, dimension=d, delta=delta,
                                                  scale=scale, **prefixes) for d in dims]
        table = pd.DataFrame(rows)
        table.index.name = "dimension"
        table.attrs["chosen"] = dimension
        r = table.loc[dimension]
        print(f"improve {dimension} by {delta:+.1f} points: predicted churn "
              f"{r['churn_before']:.1%} -> {r['churn_after']:.1%} "
              f"({-r['customers_kept']:+.0f} customers lost of {n})")
        fig, ax = new_figure((7, 3))
        colors = ["tab:orange" if d == dimension else "tab:blue" for d in table.index]
        ax.barh([str(d) for d in table.index][::-1], table["churn_after"].to_numpy()[::-1],
                color=colors[::-1])
        ax.axvline(r["churn_before"], color="black", ls="--", lw=1, label="today (现状)")
        ax.set(xlabel="predicted churn rate (预测流失率)",
               title=f"Every dimension improved by {delta:+.1f} points, one at a time")
        ax.legend(loc="lower right", fontsize="small")
        show_figure(fig)
        return table

    return widgets.interactive(
        explore,
        dimension=widgets.Dropdown(options=list(dims), value=start, description="dimension"),
        delta=widgets.FloatSlider(value=1.0, min=-2.0, max=2.0, step=0.25, description="delta",
                                  continuous_update=False),
    )
