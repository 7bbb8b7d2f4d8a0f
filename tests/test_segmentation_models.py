"""The fitted k-means objects of crmlab.segmentation (KMeansSegments, KMeansChoice), the
package layout, and what stays in ``DataFrame.attrs`` (provenance only)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmlab
from crmlab import CRMDataError
from crmlab import segmentation as sg
from crmlab._fitted import NotFittedError

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOUR = ["orders", "mean_basket", "recency_days", "online_share", "categories"]
LOGGED = ["orders", "mean_basket", "recency_days"]

# What kmeans_segments(buyers, columns=BEHAVIOUR, k=5, log=LOGGED) put in attrs before the
# fitted objects (recorded from the previous release, crmlab 0.1.0 at commit 9c8e933).
OLD_ATTRS = {
    "centers": {
        "orders": [28.250798289619645, 50.601369494917655, 18.54051816122069,
                   3.006951518843927, 3.4355196665729486],
        "mean_basket": [459.2055615691229, 135.1549263435062, 322.1148902183498,
                        528.8356162576634, 320.23862807844733],
        "recency_days": [8.102172362949108, 9.301141579805059, 201.78434894664696,
                         112.18811524917568, 113.97747565612515],
        "online_share": [0.2671827027027025, 0.7543880724174659, 0.3616295632698769,
                         0.09484758974359236, 0.8507172185430458],
        "categories": [6.06486486486486, 6.497337593184234, 5.6506159014557715,
                       2.290256410256436, 2.569536423841073],
    },
    "centers_scaled": {
        "orders": [0.5407203853671978, 1.00811791058812, 0.2085459084228699,
                   -1.0961025646242524, -1.0124332619943468],
        "mean_basket": [0.3494195439112654, -0.9476995544296455, -0.027256380166542533,
                        0.4994800749691754, -0.03345901107532457],
        "recency_days": [-0.822559939832123, -0.7544660164925344, 0.8853403571460396,
                         0.5644699983169891, 0.5731013566604214],
        "online_share": [-0.46889833167255746, 0.8936056401392343, -0.2047710649241052,
                         -0.9508455565705307, 1.1629968504089023],
        "categories": [0.6285487325122182, 0.8386822653716399, 0.4272699177698891,
                       -1.205490173964597, -1.0697912221725931],
    },
    "inertia": 10461.676566667798,
    "silhouette": 0.2298975387046709,
}
OLD_CHOOSE_K = {
    "inertia": [16103.657419380228, 13713.35543766395, 11764.89243076444, 10461.676566667798,
                9627.83178763658, 8882.729173775311, 8289.285760895767],
    "silhouette": [0.29501941432410284, 0.22184097028206437, 0.22561100604587472,
                   0.2298975387046709, 0.22156708198258362, 0.22178288115311676,
                   0.22381533732315206],
    "best_k": 2,
}


@pytest.fixture(scope="module")
def buyers():
    tx = crmlab.load_data("retail_transactions")
    customers = crmlab.load_data("retail_customers")
    features = sg.customer_features(tx, customers, order="order_id")
    return features[features["orders"] > 0]


@pytest.fixture(scope="module")
def model(buyers):
    return sg.KMeansSegments(5, columns=BEHAVIOUR, log=LOGGED).fit(buyers)


def _blobs() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    parts = [pd.DataFrame({"orders": rng.normal(o, 1.0, 10), "spend": rng.normal(s, 50.0, 10)})
             for o, s in [(50.0, 5000.0), (20.0, 2000.0), (2.0, 100.0)]]
    out = pd.concat(parts, ignore_index=True)
    out.index = [f"c{i}" for i in range(len(out))]
    return out


# ---------------------------------------------------------------- not fitted


def test_kmeans_segments_before_fit():
    model = sg.KMeansSegments(3, columns=["orders", "spend"])
    assert repr(model) == "KMeansSegments(k=3, columns=['orders', 'spend'])"
    assert not model.fitted
    assert not hasattr(model, "labels_")          # an AttributeError, so hasattr works
    with pytest.raises(NotFittedError, match=r"labels_ is learned by fit; call "
                                             r"KMeansSegments\(\.\.\.\)\.fit\(data\) first"):
        _ = model.labels_
    with pytest.raises(CRMDataError, match="KMeansSegments.predict: this KMeansSegments is "
                                           "not fitted yet"):
        model.predict(_blobs())
    with pytest.raises(CRMDataError, match="not fitted yet"):
        model.assign(_blobs())
    with pytest.raises(AttributeError, match="no attribute 'lables_'"):
        _ = model.lables_                             # a typo is not a fitting problem
    assert model.get_params() == {"k": 3, "columns": ["orders", "spend"], "log": (),
                                  "scale": "standard", "random_state": 0, "n_init": 10,
                                  "order_by": None, "sample_size": 2000, "threads": 1}


def test_kmeans_choice_before_fit():
    choice = sg.KMeansChoice([2, 3], columns=["x"])
    assert repr(choice) == "KMeansChoice(k_range=[2, 3], columns=['x'])"
    assert not choice.fitted
    for name in ("scores_", "best_k_"):
        with pytest.raises(NotFittedError):
            getattr(choice, name)


# ---------------------------------------------------------------- fitted


def test_kmeans_segments_fitted_attributes():
    f = _blobs()
    f0 = f.copy()
    model = sg.KMeansSegments(3, columns=["orders", "spend"], log=["spend"])
    assert model.fit(f) is model and model.fitted
    pd.testing.assert_frame_equal(f, f0)                      # input untouched
    assert model.labels_.index.equals(f.index) and model.labels_.name == "segment"
    assert model.labels_.dtype == "int64"
    assert model.labels_.tolist() == [0] * 10 + [1] * 10 + [2] * 10
    for table in (model.centers_, model.centers_scaled_):
        assert table.index.tolist() == [0, 1, 2] and table.index.name == "segment"
        assert table.columns.tolist() == ["orders", "spend"]
    assert model.columns_ == ["orders", "spend"] and model.log_ == ["spend"]
    assert model.order_by_ == "spend" and model.n_customers_ == 30
    assert model.inertia_ > 0 and 0.9 < model.silhouette_ <= 1
    # the centres in clustering units are the scaled (logged) centres of the customers
    X = np.column_stack([f["orders"], np.log1p(f["spend"])])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    labels = model.labels_.to_numpy()
    np.testing.assert_allclose(model.centers_scaled_.to_numpy(),
                               [X[labels == j].mean(axis=0) for j in range(3)], atol=1e-9)
    assert model.kmeans_.n_clusters == 3          # the scikit-learn model, kept
    assert repr(model) == "KMeansSegments(k=3, columns=['orders', 'spend'], log=['spend'])"


def test_kmeans_segments_attributes_equal_the_old_attrs(buyers, model):
    old = OLD_ATTRS
    pd.testing.assert_frame_equal(model.centers_, pd.DataFrame(old["centers"]).rename_axis(
        "segment"), check_exact=False, rtol=1e-9, check_index_type=False)
    pd.testing.assert_frame_equal(model.centers_scaled_, pd.DataFrame(
        old["centers_scaled"]).rename_axis("segment"), check_exact=False, rtol=1e-7,
        atol=1e-9, check_index_type=False)
    assert model.inertia_ == pytest.approx(old["inertia"], rel=1e-9)
    assert model.silhouette_ == pytest.approx(old["silhouette"], rel=1e-9)
    assert model.labels_.value_counts().sort_index().tolist() == [1295, 939, 893, 975, 755]


def test_kmeans_segments_function_is_the_model(buyers, model):
    s = sg.kmeans_segments(buyers, columns=BEHAVIOUR, k=5, log=LOGGED)
    pd.testing.assert_frame_equal(s, model.assign(buyers))
    assert s["segment"].tolist() == model.labels_.tolist()
    # attrs: provenance only (the features' analysis date is carried along)
    assert s.attrs == {"analysis_date": buyers.attrs["analysis_date"], "k": 5,
                       "columns": BEHAVIOUR, "log": LOGGED, "scale": "standard",
                       "random_state": 0, "order_by": "spend"}


def test_predict_puts_customers_in_the_nearest_segment(buyers, model):
    # k-means runs to a fixed point, so the fitted customers keep their segments
    pd.testing.assert_series_equal(model.predict(buyers), model.labels_)
    new = pd.DataFrame({"orders": [40, 1], "mean_basket": [150.0, 500.0],
                        "recency_days": [5.0, 100.0], "online_share": [0.9, 0.0],
                        "categories": [7, 2]}, index=["fan", "stranger"])
    assert model.predict(new).to_dict() == {"fan": 1, "stranger": 3}
    assert model.predict(new.iloc[:0]).tolist() == []
    with pytest.raises(CRMDataError, match="no column 'categories'"):
        model.predict(new.drop(columns="categories"))
    with pytest.raises(CRMDataError, match="log1p is not defined"):
        model.predict(new.assign(orders=[-1, 1]))
    with pytest.raises(CRMDataError, match="cluster the buyers"):
        model.predict(new.assign(recency_days=[np.nan, 1.0]))


def test_assign_needs_the_fitted_table(buyers, model):
    with pytest.raises(CRMDataError, match="the table the model was fitted on.*use predict"):
        model.assign(buyers.iloc[:10])
    with pytest.raises(CRMDataError, match="already has a column 'segment'"):
        model.assign(buyers.assign(segment=0))
    assert model.assign(buyers, segment="cluster")["cluster"].tolist() == \
        model.labels_.tolist()


def test_fit_errors_name_the_class():
    f = _blobs()
    with pytest.raises(CRMDataError, match=r"KMeansSegments.fit: k=99 is larger"):
        sg.KMeansSegments(99, columns=["orders"]).fit(f)
    with pytest.raises(CRMDataError, match=r"KMeansChoice.fit: k_range is empty"):
        sg.KMeansChoice([], columns=["orders"]).fit(f)


def test_kmeans_choice_attributes_equal_the_old_attrs(buyers):
    choice = sg.KMeansChoice(columns=BEHAVIOUR, log=LOGGED).fit(buyers)
    assert choice.best_k_ == OLD_CHOOSE_K["best_k"]
    assert choice.scores_["k"].tolist() == list(range(2, 9))
    np.testing.assert_allclose(choice.scores_["inertia"], OLD_CHOOSE_K["inertia"], rtol=1e-9)
    np.testing.assert_allclose(choice.scores_["silhouette"], OLD_CHOOSE_K["silhouette"],
                               rtol=1e-9)
    assert choice.columns_ == BEHAVIOUR and choice.log_ == LOGGED
    table = sg.choose_k(buyers, columns=BEHAVIOUR, log=LOGGED)
    pd.testing.assert_frame_equal(table, choice.scores_)
    assert table.attrs == {"columns": BEHAVIOUR, "log": LOGGED, "scale": "standard"}


def test_kmeans_choice_without_any_silhouette():
    f = pd.DataFrame({"x": [1.0, 2.0, 4.0]})
    choice = sg.KMeansChoice([3], columns=["x"]).fit(f)   # one customer per segment
    assert choice.best_k_ is None and np.isnan(choice.scores_["silhouette"].iloc[0])


def test_structured_results_survive_a_merge(buyers, model):
    """The reason for fitted objects: pandas drops attrs in merges, the model keeps them."""
    s = model.assign(buyers)
    merged = s.reset_index().merge(buyers[["spend"]].reset_index(), on="customer_id")
    assert merged.attrs == {}
    assert model.silhouette_ == pytest.approx(OLD_ATTRS["silhouette"], rel=1e-9)


# ---------------------------------------------------------------- package layout


def test_old_modules_are_gone_and_the_public_names_remain():
    assert not (ROOT / "crmlab" / "segmentation.py").exists()
    assert not (ROOT / "crmlab" / "satisfaction.py").exists()
    from crmlab import satisfaction

    for module in (sg, satisfaction):
        for name in module.__all__:
            assert getattr(module, name) is not None, name
    assert sg.kmeans_segments.__module__ == "crmlab.segmentation.kmeans"
    assert sg.customer_features.__module__ == "crmlab.segmentation.features"


def test_importing_the_packages_does_not_import_sklearn_or_scipy():
    code = ("import sys, crmlab.segmentation, crmlab.satisfaction\n"
            "print(sorted(m for m in ('sklearn', 'scipy', 'threadpoolctl', 'matplotlib')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crmlab"):
            found += [f"{path.name}: from {node.module} import {a.name}" for a in node.names
                      if a.name.startswith("_")]
    return found


@pytest.mark.parametrize("package", ["segmentation", "satisfaction"])
def test_no_module_imports_a_private_name(package):
    files = sorted((ROOT / "crmlab" / package).glob("*.py"))
    assert len(files) >= 8
    problems = [p for f in files for p in _private_imports(f)]
    assert not problems, problems
