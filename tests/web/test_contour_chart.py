"""The CvT contour chart: thinned to what a page can show, the product marked without copying."""

from reviewsec.web.charts import CONTOUR_MAX_COLUMNS, contour_base_figure, contour_figure


def _contours(products: int, thresholds: int = 5) -> dict:
    c_axis = list(range(1, products + 1))
    return {
        "c_index": c_axis,
        "thresholds": [float(h) for h in range(1, thresholds + 1)],
        "pci": [[c / products / h for c in c_axis] for h in range(1, thresholds + 1)],
        "levels": [0.1],
        "line": {"c_index": [1, products], "threshold": [3.0, 9.0]},
    }


def test_a_large_reference_set_is_thinned_keeping_both_ends() -> None:
    base = contour_base_figure(_contours(1000))
    contour = base["data"][0]
    assert len(contour["x"]) == CONTOUR_MAX_COLUMNS
    assert (contour["x"][0], contour["x"][-1]) == (1, 1000)
    assert all(len(row) == CONTOUR_MAX_COLUMNS for row in contour["z"])
    assert contour["z"][0][-1] == 1.0  # PCI of the last product at the first threshold


def test_a_small_reference_set_is_kept_whole() -> None:
    assert len(contour_base_figure(_contours(40))["data"][0]["x"]) == 40


def test_the_products_marker_is_added_without_changing_the_shared_base() -> None:
    base = contour_base_figure(_contours(100))
    before = repr(base["layout"])

    marked = contour_figure(base, 42)

    assert repr(base["layout"]) == before
    assert marked["data"] is base["data"]
    assert [shape["x0"] for shape in marked["layout"]["shapes"]] == [42]
    assert marked["layout"]["annotations"][-1]["text"] == "this product"
    assert contour_figure(base, None) is base
    assert contour_figure(None, 3) is None
