"""Every scenario by name, and ``simulate`` to make one product of it."""

from collections.abc import Callable

from .campaigns import badmouth2, camouflage, incentivised, launch_boost, slow_drip
from .honest_kinds import huge_seasonal, revision, small, viral
from .records import SimulatedProduct
from .scenarios import Seed, badmouth, boost, genuine_change, honest, tiny

SCENARIOS: dict[str, Callable[..., SimulatedProduct]] = {
    "honest": honest,
    "genuine_change": genuine_change,
    "boost": boost,
    "badmouth": badmouth,
    "tiny": tiny,
    # issue 13: honest products of other shapes, and campaigns beyond the short burst
    "huge_seasonal": huge_seasonal,
    "viral": viral,
    "small": small,
    "revision": revision,
    "launch_boost": launch_boost,
    "slow_drip": slow_drip,
    "camouflage": camouflage,
    "badmouth2": badmouth2,
    "incentivised": incentivised,
}
HONEST_SCENARIOS = ("honest", "tiny", "huge_seasonal", "viral", "small")
GENUINE_CHANGES = ("genuine_change", "revision")
ATTACK_SCENARIOS = (
    "boost",
    "badmouth",
    "launch_boost",
    "slow_drip",
    "camouflage",
    "badmouth2",
    "incentivised",
)


def simulate(scenario: str, seed: Seed = None, **params: object) -> SimulatedProduct:
    """One product of the named scenario; ``params`` are that scenario's keyword arguments."""
    try:
        make = SCENARIOS[scenario]
    except KeyError:
        known = ", ".join(SCENARIOS)
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {known}") from None
    return make(seed, **params)
