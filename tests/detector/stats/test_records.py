"""``quick_init``: the same records as a frozen dataclass's own ``__init__``, still frozen."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from detector.ero.results import FeatureResult
from detector.stats.records import quick_init, replaced
from detector.stats.tukey import PairResult


@dataclasses.dataclass(frozen=True)
class _Generated:
    a: int
    b: float = 0.5
    c: tuple[int, ...] = ()


@quick_init
@dataclasses.dataclass(frozen=True)
class _Quick:
    a: int
    b: float = 0.5
    c: tuple[int, ...] = ()


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1,), {}), ((1, 2.0), {}), ((), {"a": 3, "c": (1, 2)}), ((4,), {"b": 1.5})],
)
def test_same_fields_defaults_and_behaviour(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    generated, quick = _Generated(*args, **kwargs), _Quick(*args, **kwargs)  # type: ignore[arg-type]
    assert dataclasses.astuple(generated) == dataclasses.astuple(quick)
    assert vars(generated) == vars(quick)
    assert quick == _Quick(*args, **kwargs) and hash(quick) == hash(_Quick(*args, **kwargs))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(quick)) == quick
    assert dataclasses.replace(quick, a=9) == _Quick(9, quick.b, quick.c)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.a = 2  # type: ignore[misc]


def test_argument_errors_as_before() -> None:
    with pytest.raises(TypeError):
        _Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Quick(1, 2.0, (), 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Quick(1, d=3)  # type: ignore[call-arg]


def test_refuses_what_it_would_not_do() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True)
    class WithPostInit:
        a: int

        def __post_init__(self) -> None:
            pass

    for cls in (WithFactory, WithPostInit):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_detector_records_use_it() -> None:
    pair = PairResult(1, 2, 0.1, 0.2, False, 3.0, 3.1, 1.5)
    assert pair.to_dict()["q"] == 1.5 and FeatureResult("x", "numeric", None).reviews == 0


def test_replaced_is_dataclasses_replace() -> None:
    quick = _Quick(1, 2.0, (3,))
    for changes in ({}, {"a": 5}, {"b": 0.25, "c": ()}):
        ours, theirs = replaced(quick, **changes), dataclasses.replace(quick, **changes)
        assert vars(ours) == vars(theirs) and ours == theirs and ours is not quick
    assert vars(quick) == {"a": 1, "b": 2.0, "c": (3,)}  # the original is untouched
    with pytest.raises(TypeError):
        replaced(quick, d=1)
    with pytest.raises(TypeError):
        replaced(_Generated(1), a=2)
    feature = FeatureResult("x", "numeric", 0.5, notes=("n",))
    assert replaced(feature, calibrated_p=0.1, in_verdict=True) == dataclasses.replace(
        feature, calibrated_p=0.1, in_verdict=True
    )
