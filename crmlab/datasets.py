"""Bundled datasets: one registry feeds ``load_data``, ``list_datasets``, the docs and the tests.

The files live in the repository's ``datasets/`` folder, which is installed as the
package ``crmlab._data``; they are opened through :mod:`importlib.resources`, so the
same code works from an editable checkout and from an installed wheel. The registry
is the dtype contract (ISLP's ``_unordered``/``_ordered``/``_index`` dicts, kept in one
place): dates become datetime64, flags bool, levels categorical, and no column stays
``object``. The synthetic files are made by the seeded generators in
:mod:`crmlab._synth`; :func:`regenerate` rebuilds one in memory so a test can compare
it with the committed file.
"""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from crmlab._errors import CRMDataError

if TYPE_CHECKING:
    from crmlab._typing import PathLike

__all__ = ["load_data", "list_datasets", "list_samples", "describe", "regenerate",
           "sample_path", "write_datasets", "set_variant", "current_variant", "variant_of",
           "variant_seed", "VARIANT_SHARE", "simulate", "parameters"]

#: Share of the customers a variant of a real dataset (CDNOW, donations) keeps.
VARIANT_SHARE = 0.8
#: Datasets made together by one generator share one variant seed.
_SEED_GROUP = {"retail_customers": "retail", "retail_transactions": "retail"}
_ACTIVE_VARIANT: str | None = None


@dataclass(frozen=True)
class Spec:
    """How one bundled file is read and typed."""

    file: str
    title: str
    source: str = "synthetic"  # "synthetic" (made by crmlab._synth) or a citation
    dates: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    ordered: dict[str, list[str]] = field(default_factory=dict)
    bools: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    reader: str = "csv"  # "csv", or "cdnow_master"/"cdnow_sample" for the raw text files


_REGISTRY: dict[str, Spec] = {
    "retail_customers": Spec(
        "retail_customers.csv",
        "Members of a membership retailer: sign-up, channel, demographics",
        dates=["signup_date"],
        ids=["customer_id"],
        categories=["acquisition_channel", "region", "gender", "lifestyle"],
        ordered={
            "city_tier": ["tier 1", "tier 2", "tier 3", "tier 4"],
            "income_band": ["low", "lower-middle", "upper-middle", "high"],
            "membership": ["basic", "plus"],
        },
    ),
    "retail_transactions": Spec(
        "retail_transactions.csv.gz",
        "Two years of orders of the membership retailer (returns negative)",
        dates=["order_date"],
        ids=["customer_id", "order_id"],
        categories=["category", "channel"],
    ),
    "leads": Spec(
        "leads.csv",
        "B2B sales leads with MAN evidence, channel, cost and outcome",
        dates=["created_date"],
        ids=["lead_id"],
        categories=["industry", "source_channel"],
        ordered={"funnel_stage": ["new", "contacted", "meeting", "proposal", "won"]},
        bools=["money", "authority", "need", "converted"],
    ),
    "accounts": Spec(
        "accounts.csv",
        "B2B accounts: revenue, margin, cost to serve, potential, manager priority",
        ids=["account_id"],
        categories=["industry", "region", "account_manager"],
    ),
    "survey": Spec(
        "survey.csv",
        "Customer survey: expectations vs. perceptions, satisfaction, NPS, churn",
        ids=["customer_id"],
        categories=["segment"],
        ordered={"marketing_promise": ["modest", "accurate", "inflated"]},
        bools=["churned"],
    ),
    "airline_members": Spec(
        "airline_members.csv",
        "Members of an airline's frequent-flyer programme: joining, last flight, flights, "
        "kilometres, discount (LRFMC)",
        dates=["join_date", "last_flight_date"],
        ids=["member_id"],
        categories=["gender"],
        ordered={
            "card_tier": ["normal", "silver", "gold", "platinum"],
            "city_tier": ["tier 1", "tier 2", "tier 3", "tier 4"],
        },
    ),
    "retail_baskets": Spec(
        "retail_baskets.csv.gz",
        "One year of baskets of a neighbourhood supermarket, one row per product "
        "(anonymous baskets have no customer id)",
        dates=["order_date"],
        ids=["order_id", "customer_id"],
        categories=["channel", "product", "category"],
    ),
    "store_visits": Spec(
        "store_visits.csv",
        "An observed entrance log of the supermarket: groups, bumps, dwell time, bought",
        dates=["visit_date"],
        ids=["visit_id"],
        categories=["first_zone"],
        bools=["weekend", "children", "bought"],
    ),
    "cdnow": Spec(
        "cdnow/CDNOW_master.txt",
        "CDNOW purchases 1997-01 to 1998-06, all 23,570 customers of the 1997 Q1 cohort",
        source="Fader & Hardie (CDNOW), as shipped in the lifetimes wheel (MIT)",
        dates=["order_date"],
        ids=["customer_id"],
        reader="cdnow_master",
    ),
    "cdnow_sample": Spec(
        "cdnow/CDNOW_sample.txt",
        "The 1/10 systematic sample of CDNOW (2,357 customers) used by Fader, Hardie & Lee (2005)",
        source="Fader & Hardie (CDNOW), as shipped in the lifetimes wheel (MIT)",
        dates=["order_date"],
        ids=["customer_id", "sample_id"],
        reader="cdnow_sample",
    ),
    "donations": Spec(
        "donations/donations.csv",
        "Repeat donations 1996-2001 of the 11,104 first-time donors of 1995 to a "
        "nonprofit, as counts per (frequency, recency) used by Fader, Hardie & Shang (2010)",
        source="Fader, Hardie & Shang (2010), as shipped in the lifetimes wheel (MIT)",
    ),
}


def list_datasets() -> list[str]:
    """Return the names of the bundled datasets, sorted.

    Returns
    -------
    list of str

    Examples
    --------
    >>> list_datasets()  # doctest: +NORMALIZE_WHITESPACE
    ['accounts', 'airline_members', 'cdnow', 'cdnow_sample', 'donations', 'leads',
     'retail_baskets', 'retail_customers', 'retail_transactions', 'store_visits', 'survey']
    """
    return sorted(_REGISTRY)


def _spec(name: str) -> Spec:
    if name not in _REGISTRY:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise CRMDataError(
            f"load_data: no dataset {name!r}. Choose one of {', '.join(list_datasets())}.{hint}"
        )
    return _REGISTRY[name]


def _read_cdnow(handle, spec: Spec) -> pd.DataFrame:
    if spec.reader == "cdnow_master":
        names = ["customer_id", "order_date", "quantity", "amount"]
        raw = pd.read_csv(handle, sep=r"\s+", header=0, names=names,
                          dtype={"customer_id": str, "order_date": str})
    else:
        names = ["customer_id", "sample_id", "order_date", "quantity", "amount"]
        raw = pd.read_csv(handle, sep=r"\s+", header=None, names=names,
                          dtype={"customer_id": str, "sample_id": str, "order_date": str})
    raw["order_date"] = pd.to_datetime(raw["order_date"], format="%Y%m%d")
    return raw


def _typed(df: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    for col in spec.dates:
        df[col] = pd.to_datetime(df[col], format="%Y-%m-%d" if spec.reader == "csv" else None)
    for col in spec.categories:
        df[col] = df[col].astype("category")
    for col, levels in spec.ordered.items():
        df[col] = pd.Categorical(df[col], categories=levels, ordered=True)
    for col in spec.bools:
        df[col] = df[col].astype(bool)
    for col in spec.ids:
        df[col] = df[col].astype("str")
    return df


def load_data(name: str, variant: str | None = None) -> pd.DataFrame:
    """Load a bundled dataset with its documented column types.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`; ``datasets/README.md`` has a data card for each.
    variant : str, optional
        A student's own variant of the data (``crmlab exercises build --roster`` writes
        it into each student's notebook, see :func:`set_variant`): a synthetic dataset is
        made by the same generator with a seed derived from the variant
        (:func:`variant_seed`); a real one (CDNOW, donations) keeps a seeded
        ``VARIANT_SHARE`` of its customers. ``None`` (the default) is the active variant
        of :func:`set_variant`, or the bundled file when none is set.

    Returns
    -------
    DataFrame
        Dates are datetime64, flags bool, levels categorical (ordered where the
        levels have an order), ids are strings.

    Raises
    ------
    CRMDataError
        If ``name`` is not a bundled dataset; the message lists the names.

    Examples
    --------
    >>> leads = load_data("leads")
    >>> leads["funnel_stage"].cat.categories.tolist()
    ['new', 'contacted', 'meeting', 'proposal', 'won']
    >>> cdnow = load_data("cdnow_sample")
    >>> cdnow.shape, cdnow["customer_id"].nunique()
    ((6919, 5), 2357)
    >>> load_data("retail")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: load_data: no dataset 'retail'. Choose one of accounts, ...
    Did you mean 'retail_baskets'?

    A variant has the same columns and types, other values:

    >>> mine = load_data("leads", variant="k7q2")
    >>> mine.dtypes.equals(leads.dtypes), mine["money_score"].equals(leads["money_score"])
    (True, False)
    """
    _spec(name)  # an unknown name fails here, before any variant is made
    variant = _ACTIVE_VARIANT if variant is None else _check_variant(variant)
    if variant is not None:
        return _load_variant(name, variant).copy()
    return _load_bundled(name)


def _load_bundled(name: str) -> pd.DataFrame:
    spec = _spec(name)
    resource = files("crmlab._data").joinpath(spec.file)
    with resource.open("rb") as handle:
        if spec.reader == "csv":
            compression = "gzip" if spec.file.endswith(".gz") else None
            df = pd.read_csv(handle, compression=compression,
                             dtype={c: str for c in spec.ids})
        else:
            df = _read_cdnow(handle, spec)
    return _typed(df, spec)


def _check_variant(variant: object) -> str:
    if not isinstance(variant, str) or not variant.strip():
        raise CRMDataError(f"load_data: variant must be a non-empty string such as 'k7q2', "
                           f"got {variant!r}. Fix: pass the variant your notebook was built "
                           "with, or leave it out for the bundled data.")
    return variant.strip()


def variant_of(student: str, *, course: str = "crmlab") -> str:
    """The data variant of a student: 8 characters derived from the student id.

    Deterministic (the same student always gets the same data), different between
    students, and not the student id itself. ``course`` salts it, so two courses (or
    two terms) give a student different data.

    Examples
    --------
    >>> variant_of("s001"), variant_of("s002")
    ('rj2evtx3', '7igdpw2x')
    >>> variant_of("s001") == variant_of("s001", course="2027 spring")
    False
    """
    import hashlib

    digest = hashlib.sha256(f"{course}\x00{str(student).strip()}".encode()).digest()
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud without doubt
    number = int.from_bytes(digest[:8], "big")
    return "".join(alphabet[(number >> (5 * k)) & 31] for k in range(8))


def variant_seed(name: str, variant: str) -> int:
    """The generator seed of ``variant`` of dataset ``name`` (a 32-bit integer).

    Datasets made together (``retail_customers`` and ``retail_transactions``) share a
    seed, so a variant's customers and transactions belong together.

    Examples
    --------
    >>> variant_seed("retail_customers", "k7q2") == variant_seed("retail_transactions", "k7q2")
    True
    >>> variant_seed("leads", "k7q2") == variant_seed("accounts", "k7q2")
    False
    """
    import hashlib

    group = _SEED_GROUP.get(name, name)
    digest = hashlib.sha256(f"crmlab-variant\x00{group}\x00{variant}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def set_variant(variant: str | None) -> None:
    """Make every later :func:`load_data` call (and every exercise check) use ``variant``.

    The first cell of a student's own notebook calls this (``crmlab exercises build
    --roster``); ``None`` goes back to the bundled data.

    Examples
    --------
    >>> set_variant("k7q2"); current_variant()
    'k7q2'
    >>> set_variant(None); current_variant() is None
    True
    """
    global _ACTIVE_VARIANT
    _ACTIVE_VARIANT = None if variant is None else _check_variant(variant)


def current_variant() -> str | None:
    """The active variant of :func:`set_variant` (``None``: the bundled data).

    Examples
    --------
    >>> current_variant() is None
    True
    """
    return _ACTIVE_VARIANT


_VARIANT_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def _load_variant(name: str, variant: str) -> pd.DataFrame:
    """One variant, made once per session (the checks ask for it again and again)."""
    key = (name, variant)
    if key not in _VARIANT_CACHE:
        spec = _spec(name)
        if spec.source == "synthetic":
            from crmlab import _synth

            df = _typed_generated(_synth.generate(name, seed=variant_seed(name, variant)), spec)
        else:
            df = _real_variant(_load_bundled(name), name, variant)
        if len(_VARIANT_CACHE) > 32:
            _VARIANT_CACHE.clear()
        _VARIANT_CACHE[key] = df
    return _VARIANT_CACHE[key]


def _typed_generated(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Type a generated frame as :func:`_typed` types its CSV file, without the CSV text.

    The generators round every amount before it leaves them and make dates without a
    time, so the frame typed directly equals the frame written to CSV and read back
    (``tests/test_variants.py`` compares the two on several seeds, every dataset); the
    round trip cost twice the generation of the retail data.
    """
    for col in spec.dates:
        frame[col] = frame[col].astype("datetime64[us]")
    return _typed(frame, spec)


def _real_variant(df: pd.DataFrame, name: str, variant: str) -> pd.DataFrame:
    """A real dataset's variant: a seeded share of its customers, all their rows kept."""
    import numpy as np

    rng = np.random.default_rng(variant_seed(name, variant))
    if "customer_id" in df.columns:
        ids = df["customer_id"].drop_duplicates().sort_values().to_numpy()
        keep = rng.random(len(ids)) < VARIANT_SHARE
        return df[df["customer_id"].isin(ids[keep])].reset_index(drop=True)
    # donations: counts of donors per (frequency, recency); thin each donor
    out = df.copy()
    out["weights"] = rng.binomial(df["weights"].to_numpy(), VARIANT_SHARE)
    return out


def parameters(name: str) -> dict[str, object]:
    """The generator settings of a synthetic dataset that :func:`simulate` can change.

    Keys are the keyword names, values the settings that made the bundled file.

    Examples
    --------
    >>> parameters("survey")["gap_weights"]
    [0.1, 0.35, 0.22, 0.18, 0.15]
    """
    spec = _spec(name)
    if spec.source != "synthetic":
        raise CRMDataError(f"parameters: {name!r} is real data ({spec.source}); only the "
                           "synthetic datasets have a generator whose settings can change.")
    import copy

    from crmlab import _synth

    return {key.lower(): copy.deepcopy(getattr(_synth, key))
            for key in _synth.PARAMETERS[name]}


def _same_shape(old: object, new: object) -> bool:
    import numpy as np

    if isinstance(old, dict):
        return (isinstance(new, dict) and set(new) == set(old)
                and all(_same_shape(old[k], new[k]) for k in old))
    if isinstance(old, (list, tuple, np.ndarray)):
        return np.shape(new) == np.shape(old) and bool(
            np.all(np.isfinite(np.asarray(new, dtype=float))))
    if isinstance(old, (int, float)):
        return isinstance(new, (int, float)) and not isinstance(new, bool) and bool(
            np.isfinite(new))
    return False


def _shape_fix(old: object) -> str:
    if isinstance(old, dict):
        return "a dict with the same keys"
    if isinstance(old, (int, float)):
        return "one finite number"
    return "the same number of values"


def simulate(name: str, *, seed: int | None = None, **changes: object) -> pd.DataFrame:
    """Make a synthetic dataset again with some generator settings changed.

    The "about these data" boxes name the settings that plant a chapter's findings;
    change one and watch the finding move (or stay). Every other setting, and the seed,
    stay those of the bundled file unless given, so the difference is the change.

    Parameters
    ----------
    name : str
        A synthetic dataset (``list_datasets``; not CDNOW or donations).
    seed : int, optional
        Another random seed. Default: the seed of the data the student works on — the
        active variant's (:func:`set_variant`), else the bundled file's — so the change
        is the only difference from the data of the other exercises.
    **changes
        Settings from :func:`parameters` with new values of the same shape (a dict with
        the same keys, a list of the same length, a number).

    Returns
    -------
    DataFrame
        Typed as :func:`load_data` types the file.

    Examples
    --------
    >>> survey = simulate("survey")  # nothing changed: the bundled data
    >>> survey.equals(load_data("survey"))
    True
    >>> flat = simulate("survey", gap_weights=[0.2, 0.2, 0.2, 0.2, 0.2])
    >>> flat["satisfaction"].equals(survey["satisfaction"])
    False
    >>> simulate("survey", gap_weight=[0.2] * 5)
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: simulate: 'survey' has no setting 'gap_weight'. ...
    """
    spec = _spec(name)
    allowed = parameters(name)
    from crmlab import _synth

    for key, value in changes.items():
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise CRMDataError(f"simulate: {name!r} has no setting {key!r}. Settings: "
                               f"{', '.join(allowed)}.{hint}")
        if not _same_shape(allowed[key], value):
            raise CRMDataError(
                f"simulate: {key}={value!r} does not have the shape of the setting it "
                f"replaces ({allowed[key]!r}). Fix: give "
                f"{_shape_fix(allowed[key])}.")
    import inspect

    keywords = inspect.signature(_synth.GENERATORS[name]).parameters
    passed = {key: value for key, value in changes.items() if key in keywords}
    changes = {key: value for key, value in changes.items() if key not in keywords}
    saved = {key.upper(): getattr(_synth, key.upper()) for key in changes}
    try:
        for key, value in changes.items():
            old = saved[key.upper()]
            if isinstance(old, int) and not isinstance(old, bool):
                value = int(value)
            elif isinstance(old, tuple):
                value = tuple(value)
            elif type(old).__name__ == "ndarray":
                import numpy as np

                value = np.asarray(value, dtype=float)
            setattr(_synth, key.upper(), value)
        if seed is None and _ACTIVE_VARIANT is not None:
            seed = variant_seed(name, _ACTIVE_VARIANT)
        frame = _synth.GENERATORS[name](**passed, **({} if seed is None else {"seed": seed}))
    finally:
        for key, value in saved.items():
            setattr(_synth, key, value)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    buffer.seek(0)
    return _typed(pd.read_csv(buffer, dtype={c: str for c in spec.ids}), spec)


def describe(name: str) -> str:
    """Return a one-line description of a dataset and where it comes from.

    Examples
    --------
    >>> print(describe("cdnow_sample"))  # doctest: +ELLIPSIS
    cdnow_sample: The 1/10 systematic sample of CDNOW ... (source: Fader & Hardie ...)
    """
    spec = _spec(name)
    return f"{name}: {spec.title} (source: {spec.source})"


def regenerate(name: str) -> bytes:
    """Rebuild a synthetic dataset's file content from its seeded generator.

    The bytes are those of the uncompressed CSV, so a test can compare them with the
    committed file.

    Examples
    --------
    >>> regenerate("cdnow")
    Traceback (most recent call last):
    ...
    crmlab._errors.CRMDataError: regenerate: 'cdnow' is real data, not generated.
    """
    spec = _spec(name)
    if spec.source != "synthetic":
        raise CRMDataError(f"regenerate: {name!r} is real data, not generated.")
    from crmlab import _synth

    frame = _synth.generate(name)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return buffer.getvalue().encode("utf-8")


def list_samples() -> dict[str, str]:
    """The sample CRM exports: preset name -> file name in ``datasets/samples/``.

    Each is a small synthetic export of one system (a data card in
    ``datasets/README.md``), read with ``read_transactions(path, preset=...)``.

    Examples
    --------
    >>> list_samples()["fxiaoke-orders"]
    'fxiaoke_orders.csv'
    """
    from crmlab._exports import SAMPLES

    return {preset: file for file, (preset, *_) in SAMPLES.items()}


def sample_path(preset: str) -> Path:
    """The path of the sample export of a preset (see :func:`list_samples`).

    Examples
    --------
    >>> import crmlab
    >>> tx = crmlab.read_transactions(sample_path("zoho-deals"), preset="zoho-deals",
    ...                               warn=False)
    >>> tx.attrs["report"]["rules"][0]
    'only rows with Stage = Closed Won or 赢单关闭: 20 other rows left out'
    """
    samples = list_samples()
    if preset not in samples:
        close = difflib.get_close_matches(str(preset), list(samples), n=1, cutoff=0.4)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise CRMDataError(f"sample_path: no sample export for {preset!r}. Samples: "
                           f"{', '.join(samples)}.{hint}")
    return Path(str(files("crmlab._data.samples").joinpath(samples[preset])))


def write_datasets(folder: PathLike) -> list[str]:
    """Write every synthetic dataset into ``folder`` (the repository's ``datasets/``).

    Returns the file names written. Run ``python -m crmlab.datasets`` to refresh them.
    """
    import gzip
    from pathlib import Path

    folder = Path(folder)
    written = []
    for name, spec in _REGISTRY.items():
        if spec.source != "synthetic":
            continue
        data = regenerate(name)
        path = folder / spec.file
        if spec.file.endswith(".gz"):
            with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                       filename="") as gz:
                gz.write(data)
        else:
            path.write_bytes(data)
        written.append(spec.file)
    from crmlab._exports import SAMPLES, sample_bytes

    (folder / "samples").mkdir(exist_ok=True)
    for file in SAMPLES:
        (folder / "samples" / file).write_bytes(sample_bytes(file))
        written.append(f"samples/{file}")
    return written


def read_bytes(name: str) -> bytes:
    """Return the committed file's uncompressed bytes (for the regeneration test)."""
    import gzip

    spec = _spec(name)
    data = files("crmlab._data").joinpath(spec.file).read_bytes()
    return gzip.decompress(data) if spec.file.endswith(".gz") else data


if __name__ == "__main__":  # pragma: no cover
    import sys
    from pathlib import Path

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "datasets"
    for f in write_datasets(target):
        print("wrote", target / f)
