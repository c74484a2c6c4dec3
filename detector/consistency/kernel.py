"""Compiled inner loops of the two-sided CUSUM and of the consistency-side evidence (numba).

The reset rule of DESIGN §3.1 makes every alarm depend on the one before it, so the scan is
inherently sequential; with a threshold grid (CvT) it runs tens of millions of steps. The CUSUM
loops implement the recursions literally, so they are the reference the rest of the detector is
checked against.

Beside them (issue 18: a product's evidence was ~300 small numpy steps of 1–3 µs each), whole
per-product passes of the feature-in-time scan and the star window: a scanned sequence's
standardisation, Lundberg roots and excursions (``scan_statistics``), the joint sequence, the
clock's day order and hour blocks, the star window's calendar. Where a sum feeds a result they
keep numpy's pairwise summation (``pairwise_sum``), so their results are numpy's to the last bit
(tests/detector/test_scan_kernel.py, test_calendar_kernel.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def detection_functions(x: np.ndarray, mu0: float, half_nu: float) -> tuple[np.ndarray, np.ndarray]:
    """g⁺[n] = max(0, g⁺[n−1] + x[n] − μ0 − ν/2), g⁻[n] = max(0, g⁻[n−1] − (x[n] − μ0) − ν/2)."""
    n = x.shape[0]
    g_plus = np.empty(n)
    g_minus = np.empty(n)
    up = 0.0
    down = 0.0
    for i in range(n):
        deviation = x[i] - mu0
        up = max(0.0, up + deviation - half_nu)
        down = max(0.0, down - deviation - half_nu)
        g_plus[i] = up
        g_minus[i] = down
    return g_plus, g_minus


@njit(cache=True)
def alarm_intervals(
    x: np.ndarray, mu0: float, half_nu: float, h: float, sign: float
) -> tuple[np.ndarray, np.ndarray]:
    """Change intervals [t_a, t_b] of one statistic (sign +1: g⁺, −1: g⁻), with resets.

    Alarm at t_b when g first exceeds h; t_a is one after the last index before t_b where g was 0
    (0 if it never was); then g is reset to 0 at t_b and the scan goes on.
    """
    n = x.shape[0]
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    count = 0
    g = 0.0
    last_zero = -1
    for i in range(n):
        g = g + sign * (x[i] - mu0) - half_nu
        if g <= 0.0:
            g = 0.0
            last_zero = i
        elif g > h:
            starts[count] = last_zero + 1
            ends[count] = i
            count += 1
            g = 0.0
            last_zero = i
    return starts[:count], ends[:count]


@njit(cache=True)
def _covered(
    up_starts: np.ndarray, up_ends: np.ndarray, down_starts: np.ndarray, down_ends: np.ndarray
) -> int:
    """Indices covered by the union of two sorted lists of disjoint intervals."""
    i = 0
    j = 0
    total = 0
    current_start = -1
    current_end = -2
    while i < up_starts.shape[0] or j < down_starts.shape[0]:
        take_up = j >= down_starts.shape[0] or (
            i < up_starts.shape[0] and up_starts[i] <= down_starts[j]
        )
        if take_up:
            start, end = up_starts[i], up_ends[i]
            i += 1
        else:
            start, end = down_starts[j], down_ends[j]
            j += 1
        if start > current_end:
            if current_end >= current_start >= 0:
                total += current_end - current_start + 1
            current_start = start
            current_end = end
        elif end > current_end:
            current_end = end
    if current_end >= current_start >= 0:
        total += current_end - current_start + 1
    return total


@njit(cache=True)
def covered_counts(x: np.ndarray, mu0: float, half_nu: float, thresholds: np.ndarray) -> np.ndarray:
    """For each threshold h, how many rating indices lie inside merged change intervals."""
    counts = np.empty(thresholds.shape[0], dtype=np.int64)
    for k in range(thresholds.shape[0]):
        up_starts, up_ends = alarm_intervals(x, mu0, half_nu, thresholds[k], 1.0)
        down_starts, down_ends = alarm_intervals(x, mu0, half_nu, thresholds[k], -1.0)
        counts[k] = _covered(up_starts, up_ends, down_starts, down_ends)
    return counts


@njit(cache=True)
def max_excursions(x: np.ndarray, mu0: float, half_nu: float) -> tuple[float, float]:
    """max_n g⁺[n] and max_n g⁻[n] of the detection functions without resets."""
    up = 0.0
    down = 0.0
    top_up = 0.0
    top_down = 0.0
    for i in range(x.shape[0]):
        deviation = x[i] - mu0
        up = max(0.0, up + deviation - half_nu)
        down = max(0.0, down - deviation - half_nu)
        if up > top_up:
            top_up = up
        if down > top_down:
            top_down = down
    return top_up, top_down


@njit(cache=True)
def _excess(t: float, p: np.ndarray, step: np.ndarray) -> tuple[float, float]:
    """(f(t), f'(t)) of f(θ) = Σ p_v e^{θ·s_v} − 1, the exponent clipped at ±700."""
    value = 0.0
    slope = 0.0
    for i in range(p.shape[0]):
        e = p[i] * np.exp(min(max(t * step[i], -700.0), 700.0))
        value += e
        slope += e * step[i]
    return value - 1.0, slope


@njit(cache=True)
def lundberg_root(p: np.ndarray, step: np.ndarray) -> float:
    """The positive root θ ≥ 1e-9 of Σ p_v e^{θ·s_v} = 1 (``detector.consistency.threshold``'s
    ``lundberg``): f is convex with f(0) = 0, f'(0) < 0, so from a θ with f(θ) ≥ 0 (doubling from
    1, up to 1e4) Newton's steps fall monotonically onto the root; a bisection if they stall."""
    high = 1.0
    while _excess(high, p, step)[0] < 0.0 and high < 1e4:
        high *= 2.0
    t = high
    for _ in range(100):
        value, slope = _excess(t, p, step)
        if not slope > 0.0 or not np.isfinite(value):
            break
        following = t - value / slope
        if not following < t or following <= 1e-9:  # converged (or at the floor)
            return max(following if following < t else t, 1e-9)
        t = following
    low = 1e-9
    for _ in range(60):
        middle = 0.5 * (low + high)
        if _excess(middle, p, step)[0] < 0.0:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


@njit(cache=True)
def lundberg_roots(
    p: np.ndarray, support: np.ndarray, mu0: float, half_nu: float
) -> tuple[float, float]:
    """(θ⁺, θ⁻) of ``lundberg_root`` for the steps ±(v − μ0) − ν/2 of a distribution ``p`` on
    ``support``; inf on a side where no step is positive (g never grows)."""
    n = support.shape[0]
    up = np.empty(n)
    down = np.empty(n)
    grows_up = False
    grows_down = False
    for i in range(n):
        up[i] = (support[i] - mu0) - half_nu
        down[i] = (mu0 - support[i]) - half_nu
        grows_up = grows_up or up[i] > 0.0
        grows_down = grows_down or down[i] > 0.0
    theta_up = lundberg_root(p, up) if grows_up else np.inf
    theta_down = lundberg_root(p, down) if grows_down else np.inf
    return theta_up, theta_down


@njit(cache=True)
def top_excursion(x: np.ndarray, mu0: float, half_nu: float) -> tuple[float, int, int]:
    """(max_n g⁺[n], start, end) of the upward detection function without resets: the largest
    excursion and the stretch that built it (``start`` one after the last zero before its peak,
    ``end`` the peak; 0, 0 when g⁺ never leaves zero)."""
    g = 0.0
    top = 0.0
    last_zero = -1
    start = 0
    end = 0
    for i in range(x.shape[0]):
        g = max(0.0, g + x[i] - mu0 - half_nu)
        if g == 0.0:
            last_zero = i
        elif g > top:
            top = g
            start = last_zero + 1
            end = i
    return top, start, end


@njit(cache=True)
def stratified_contrasts(stars: np.ndarray, marks: np.ndarray, start: int, end: int) -> np.ndarray:
    """Per row of ``marks`` (m × n: 1 marked, 0 not, −1 unknown), the Cochran–Mantel–Haenszel z
    of the marked reviews among reviews ``start``..``end`` against the same star levels (``stars``
    0–4) outside: (Σ_s O_s − Σ_s W_s K_s / N_s) / √(Σ_s W_s (N_s − W_s) K_s (N_s − K_s) /
    (N_s² (N_s − 1))); 0 when the variance is 0 (``detector.consistency.star_window``)."""
    m, n = marks.shape
    out = np.zeros(m)
    for j in range(m):
        total = np.zeros(5)
        marked = np.zeros(5)
        inside = np.zeros(5)
        observed = np.zeros(5)
        for i in range(n):
            v = marks[j, i]
            if v < 0:
                continue
            s = stars[i]
            total[s] += 1.0
            marked[s] += v
            if start <= i <= end:
                inside[s] += 1.0
                observed[s] += v
        o = 0.0
        e = 0.0
        var = 0.0
        for s in range(5):
            t = total[s]
            if t > 1.0:
                a = inside[s]
                k = marked[s]
                o += observed[s]
                e += a * k / t
                var += a * (t - a) * k * (t - k) / (t * t * (t - 1.0))
        if var > 0.0:
            out[j] = (o - e) / np.sqrt(var)
    return out


@njit(cache=True)
def within_star_correlation_sum(stars: np.ndarray, marks: np.ndarray) -> float:
    """1ᵀR1 for R the pooled within-star-level correlations of the rows of ``marks`` (m × n:
    1, 0, −1 unknown; a pair counted over the reviews where both are known; 0 for a pair where
    either mark is constant within every star level)."""
    m, n = marks.shape
    total = float(m)
    for j in range(m):
        for k in range(j + 1, m):
            count = np.zeros(5)
            a = np.zeros(5)
            b = np.zeros(5)
            ab = np.zeros(5)
            for i in range(n):
                x = marks[j, i]
                y = marks[k, i]
                if x < 0 or y < 0:
                    continue
                s = stars[i]
                count[s] += 1.0
                a[s] += x
                b[s] += y
                ab[s] += x * y
            cov = 0.0
            var_a = 0.0
            var_b = 0.0
            for s in range(5):
                if count[s] > 0.0:
                    cov += ab[s] - a[s] * b[s] / count[s]
                    var_a += a[s] - a[s] * a[s] / count[s]
                    var_b += b[s] - b[s] * b[s] / count[s]
            if var_a > 0.0 and var_b > 0.0:
                total += 2.0 * cov / np.sqrt(var_a * var_b)
    return total


@njit(cache=True)
def generalized_cmh(
    codes: np.ndarray, start: int, end: int, levels: int, categories: int
) -> tuple[float, int]:
    """(Q, df) of the generalized Cochran–Mantel–Haenszel statistic of general association
    between "inside reviews ``start``..``end``" and a category, stratified by level; ``codes``
    = level · categories + category (any other value: unknown). Q = dᵀ V⁻¹ d over the
    categories in use but the last, d = Σ_s (n_s − W_s K_s / N_s), V = Σ_s W_s (N_s − W_s) /
    (N_s² (N_s − 1)) · (N_s diag(K_s) − K_s K_sᵀ) (``detector.consistency.star_window``);
    (0, 0) with fewer than two categories in use or a singular V."""
    size = levels * categories
    total = np.zeros((levels, categories))
    inside = np.zeros((levels, categories))
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0 or c >= size:
            continue
        total[c // categories, c % categories] += 1.0
        if start <= i <= end:
            inside[c // categories, c % categories] += 1.0
    used = np.zeros(categories, dtype=np.int64)
    count = 0
    for k in range(categories):
        column = 0.0
        for s in range(levels):
            column += total[s, k]
        if column > 0.0:
            used[count] = k
            count += 1
    m = count - 1
    if m < 1:
        return 0.0, 0
    d = np.zeros(m)
    v = np.zeros((m, m))
    for s in range(levels):
        n = 0.0
        a = 0.0
        for k in range(categories):
            n += total[s, k]
            a += inside[s, k]
        if n <= 1.0 or a == 0.0 or a == n:
            continue
        scale = a * (n - a) / (n * n * (n - 1.0))
        for i in range(m):
            ki = total[s, used[i]]
            d[i] += inside[s, used[i]] - a * ki / n
            for j in range(m):
                kj = total[s, used[j]]
                v[i, j] += scale * ((n * ki if i == j else 0.0) - ki * kj)
    if np.abs(np.linalg.det(v)) < 1e-12:
        return 0.0, 0
    return float(d @ np.linalg.solve(v, d)), m


@njit(cache=True)
def sorted_support(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, their counts) of an ascending array: ``np.unique(ordered,
    return_counts=True)`` in one pass, without its Python-level overhead (~15 µs a call on the
    few dozen values of a small product's sequences; lundberg runs six times a product)."""
    n = ordered.shape[0]
    support = np.empty(n)
    counts = np.empty(n, dtype=np.int64)
    size = 0
    for i in range(n):
        if size and ordered[i] == support[size - 1]:
            counts[size - 1] += 1
        else:
            support[size] = ordered[i]
            counts[size] = 1
            size += 1
    return support[:size], counts[:size]


@njit(cache=True)
def _block_sum(x: np.ndarray, start: int, n: int) -> float:
    """numpy's pairwise sum of at most 128 values (``pairwise_sum``)."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += x[i]
        return total
    r0, r1, r2, r3 = x[start], x[start + 1], x[start + 2], x[start + 3]
    r4, r5, r6, r7 = x[start + 4], x[start + 5], x[start + 6], x[start + 7]
    i = 8
    stop = n - n % 8
    while i < stop:
        j = start + i
        r0 += x[j]
        r1 += x[j + 1]
        r2 += x[j + 2]
        r3 += x[j + 3]
        r4 += x[j + 4]
        r5 += x[j + 5]
        r6 += x[j + 6]
        r7 += x[j + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for j in range(start + i, start + n):
        total += x[j]
    return float(total)


@njit(cache=True)
def pairwise_sum(x: np.ndarray, start: int, n: int) -> float:
    """Σ x[start : start + n] in numpy's order for a contiguous float64 array (``np.add.reduce``:
    ``pairwise_sum_DOUBLE`` of numpy's loops_utils, added to the reduction's start 0.0): fewer
    than 8 values one after another from 0.0; up to 128 in eight running sums combined as
    ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest one by one; more split in
    two at n/2 rounded down to a multiple of 8, each half summed so, the two added. So a mean or
    sd computed here is numpy's to the last bit (tests/detector/test_scan_kernel.py), −0.0 sums
    included (0.0 + −0.0 is 0.0). The halving is walked with an explicit stack: numba's cache
    does not reload a recursive function safely (a cached caller crashed)."""
    if n <= 128:
        return 0.0 + _block_sum(x, start, n)
    starts = np.empty(64, dtype=np.int64)  # pending stretches, depth ≤ log2(n / 64)
    sizes = np.empty(64, dtype=np.int64)
    stage = np.zeros(64, dtype=np.int64)  # 0: left half next, 1: right half next, 2: add
    partial = np.empty(64)  # sums of finished stretches, in order
    depth = 0
    done = 0
    starts[0], sizes[0], stage[0] = start, n, 0
    while depth >= 0:
        first, size = starts[depth], sizes[depth]
        if size <= 128:
            partial[done] = _block_sum(x, first, size)
            done += 1
            depth -= 1
            continue
        half = size // 2
        half -= half % 8
        if stage[depth] == 0:
            stage[depth] = 1
            depth += 1
            starts[depth], sizes[depth], stage[depth] = first, half, 0
        elif stage[depth] == 1:
            stage[depth] = 2
            depth += 1
            starts[depth], sizes[depth], stage[depth] = first + half, size - half, 0
        else:
            done -= 1
            partial[done - 1] = partial[done - 1] + partial[done]
            depth -= 1
    return 0.0 + float(partial[0])


@njit(cache=True)
def standardized(y: np.ndarray) -> tuple[np.ndarray, float]:
    """((y − ȳ)/sd(y), sd(y)) with ``detector.stats.moments``' arithmetic (numpy's pairwise
    sums, ddof 0); an empty array and 0 when sd is 0."""
    n = y.shape[0]
    average = pairwise_sum(y, 0, n) / n
    deviations = np.empty(n)
    for i in range(n):
        d = y[i] - average
        deviations[i] = d * d
    spread = np.sqrt(pairwise_sum(deviations, 0, n) / n)
    if spread == 0.0:
        return np.empty(0), 0.0
    z = np.empty(n)
    for i in range(n):
        z[i] = (y[i] - average) / spread
    return z, spread


@njit(cache=True)
def rounded_support(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(np.round(z, 3), return_counts=True)``: k = rint(1000·z) (half to even, as
    ``np.round``), the support k/1000. From 256 values with the k within a range of at most 4n
    the k are counted in a table (numba's sort of 10,000 values costs ~0.4 ms, numpy's ~0.1);
    otherwise sorted. A support value 0 may come out as +0.0 where numpy's would be −0.0 (the
    two are equal, and a Lundberg step (v − μ0) − ν/2 is the same for both)."""
    n = z.shape[0]
    keys = np.empty(n)
    low = np.inf
    high = -np.inf
    for i in range(n):
        keys[i] = np.rint(z[i] * 1000.0)
        low = min(low, keys[i])
        high = max(high, keys[i])
    if n < 256 or not high - low < 4.0 * n:
        ordered = np.sort(keys)
        for i in range(n):
            ordered[i] = ordered[i] / 1000.0
        return sorted_support(ordered)
    width = int(high - low) + 1
    bins = np.zeros(width, dtype=np.int64)
    for i in range(n):
        bins[int(keys[i] - low)] += 1
    size = 0
    for offset in range(width):
        size += bins[offset] > 0
    support = np.empty(size)
    counts = np.empty(size, dtype=np.int64)
    k = 0
    for offset in range(width):
        if bins[offset] > 0:
            support[k] = (low + offset) / 1000.0
            counts[k] = bins[offset]
            k += 1
    return support, counts


@njit(cache=True)
def scan_statistics(
    values: np.ndarray, half_nu: float, min_values: int
) -> tuple[int, float, float, float, float]:
    """(n, θ⁺, θ⁻, max g⁺, max g⁻) of one feature sequence for the feature-in-time scan
    (``detector.consistency.feature_scan.feature_scan_p``): its finite values standardised, the
    Lundberg roots of their empirical distribution rounded to 3 decimals (``threshold.lundberg``
    with μ0 = 0: x·1000 rounded half to even, /1000, as ``np.round``), the largest excursions of
    the detection functions; n = 0 with fewer than ``min_values`` finite values or sd 0."""
    finite = 0
    for value in values:
        finite += np.isfinite(value)
    y = np.empty(finite)
    k = 0
    for value in values:
        if np.isfinite(value):
            y[k] = value
            k += 1
    if finite < min_values:
        return 0, np.inf, np.inf, 0.0, 0.0
    z, spread = standardized(y)
    if spread == 0.0:
        return 0, np.inf, np.inf, 0.0, 0.0
    support, counts = rounded_support(z)
    p = counts / counts.sum()
    theta_up, theta_down = lundberg_roots(p, support, 0.0, half_nu)
    top_up, top_down = max_excursions(z, 0.0, half_nu)
    return finite, theta_up, theta_down, top_up, top_down


@njit(cache=True)
def calendar_arrays(
    day: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, int]:
    """One product's calendar for the star window's weekday contrast
    (``detector.consistency.star_window._Calendar``), from each review's epoch day: (origin =
    the first day, the daily counts c_d from it, the prefix sums of weekend reviews, of weekday
    reviews and of weekend days over those days, the within-week χ² and its degrees of
    freedom). The χ² of the model "each whole 7-day block w from the origin its own level,
    weekend days at one common ratio ρ to weekdays" (blocks with reviews only): μ_d = T_w ρ_d /
    Σ_{d'∈w} ρ_d', χ² = Σ_{μ_d > 0} (c_d − μ_d)² / μ_d over the cells in row order (numpy's
    pairwise sum), df = 6·(blocks used) − 1; df = −1 when there is no whole block. The counts
    are whole numbers, so their sums are exact in any order; a block's rates are summed one
    after another, as numpy sums a row of 7."""
    origin = day[0]
    last = day[0]
    for value in day:
        origin = min(origin, value)
        last = max(last, value)
    days = last - origin + 1
    counts = np.zeros(days)
    for value in day:
        counts[value - origin] += 1.0
    weekend = np.empty(days, dtype=np.bool_)
    weekend_reviews = np.zeros(days + 1)
    weekday_reviews = np.zeros(days + 1)
    weekend_days = np.zeros(days + 1)
    for d in range(days):
        weekend[d] = (d + origin + 3) % 7 >= 5  # 1970-01-01 was a Thursday
        on_weekend = counts[d] if weekend[d] else 0.0
        weekend_reviews[d + 1] = weekend_reviews[d] + on_weekend
        weekday_reviews[d + 1] = weekday_reviews[d] + (counts[d] - on_weekend)
        weekend_days[d + 1] = weekend_days[d] + (1.0 if weekend[d] else 0.0)
    blocks = days // 7
    if blocks == 0:
        return origin, counts, weekend_reviews, weekday_reviews, weekend_days, 0.0, -1
    end_total = 0.0
    end_count = 0
    day_total = 0.0
    day_count = 0
    for d in range(7 * blocks):
        if weekend[d]:
            end_total += counts[d]
            end_count += 1
        else:
            day_total += counts[d]
            day_count += 1
    end_rate = end_total / end_count
    day_rate = day_total / day_count
    cells = np.empty(7 * blocks)
    found = 0
    used = 0
    for w in range(blocks):
        total = 0.0
        rates = 0.0
        for d in range(7 * w, 7 * w + 7):
            total += counts[d]
            rates += end_rate if weekend[d] else day_rate
        if not total > 0.0:
            continue
        used += 1
        for d in range(7 * w, 7 * w + 7):
            expected = total * (end_rate if weekend[d] else day_rate) / rates
            if expected > 0.0:
                residual = counts[d] - expected
                cells[found] = residual * residual / expected
                found += 1
    chi2 = pairwise_sum(cells, 0, found)
    return origin, counts, weekend_reviews, weekday_reviews, weekend_days, chi2, 7 * used - used - 1


@njit(cache=True)
def day_tie_order(day: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """``np.argsort((day − min day)·n + tie, kind="stable")`` for ``tie`` a permutation of
    0..n−1: the reviews by day, a day's reviews by their tie rank. Two counting passes (by tie:
    the inverse permutation; then a stable count by day) when the days span at most 4n + 1024,
    O(n + span); the keys are distinct, so this is the one order the argsort gives. A wider
    span is sorted by key."""
    n = day.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    low = day[0]
    high = day[0]
    for value in day:
        low = min(low, value)
        high = max(high, value)
    span = high - low + 1
    if span > 4 * n + 1024:
        keys = np.empty(n, dtype=np.int64)
        for i in range(n):
            keys[i] = (day[i] - low) * n + tie[i]
        return np.argsort(keys, kind="mergesort").astype(np.int64)
    by_tie = np.empty(n, dtype=np.int64)
    for i in range(n):
        by_tie[tie[i]] = i
    starts = np.zeros(span + 1, dtype=np.int64)
    for i in range(n):
        starts[day[i] - low + 1] += 1
    for d in range(span):
        starts[d + 1] += starts[d]
    order = np.empty(n, dtype=np.int64)
    for review in by_tie:
        slot = day[review] - low
        order[starts[slot]] = review
        starts[slot] += 1
    return order


@njit(cache=True)
def hour_blocks(hours: np.ndarray, block: float) -> np.ndarray:
    """``(hours // block).astype(np.intp)`` of finite hours. Whole hours 0 ≤ h < 2³¹ (all of
    them) with a whole ``block`` b ≥ 1 as ⌊h / b⌋: the quotient k + r/b (r < b) lies at least
    1/b below k + 1, far more than half its ulp, so the rounded division floors to k, the floor
    division of the two integers. Otherwise every value by numba's float ``//``, which is
    CPython's (fmod, then the floor correction) as numpy's ``npy_divmod`` is. numpy's
    floor_divide, like that path, costs ~110 µs for 10,000 hours; the division ~20 µs."""
    n = hours.shape[0]
    out = np.empty(n, dtype=np.intp)
    whole = block >= 1.0 and np.floor(block) == block and block < 2.0**31
    for i in range(n):  # first only check, so that the division loop below stays branch-free
        h = hours[i]
        if not (h >= 0.0 and h < 2.0**31 and np.floor(h) == h):
            whole = False
            break
    if whole:
        for i in range(n):
            out[i] = np.intp(np.floor(hours[i] / block))
    else:
        for i in range(n):
            out[i] = np.intp(hours[i] // block)
    return out


@njit(cache=True)
def joint_sequence(u: np.ndarray, h: np.ndarray, min_values: int) -> tuple[np.ndarray, bool]:
    """(z(u) − z(h) over the reviews where both are finite, True): the feature scan's joint
    "unverified and new" sequence (``feature_scan._joint``), each standardised by
    ``standardized`` (numpy's mean and sd to the last bit); (empty, False) with fewer than
    ``min_values`` such reviews or either constant there."""
    n = u.shape[0]
    count = 0
    for i in range(n):
        count += np.isfinite(u[i]) and np.isfinite(h[i])
    if count < min_values:
        return np.empty(0), False
    a = np.empty(count)
    b = np.empty(count)
    k = 0
    for i in range(n):
        if np.isfinite(u[i]) and np.isfinite(h[i]):
            a[k] = u[i]
            b[k] = h[i]
            k += 1
    z_a, spread_a = standardized(a)
    z_b, spread_b = standardized(b)
    if spread_a == 0.0 or spread_b == 0.0:
        return np.empty(0), False
    return z_a - z_b, True


@njit(cache=True)
def chart_series(
    ratings: np.ndarray, g_plus: np.ndarray, g_minus: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The consistency chart's series in one pass (``ConsistencyResult.to_dict``): the running
    mean, g⁺ and g⁻ rounded to 4 decimals, and whether every rating is a whole number. The
    numpy expressions it replaces, to the last bit: the running mean ``np.cumsum(r) /
    np.arange(1, n + 1)`` (cumsum adds one after another; the count is converted to a double),
    ``x.round(4)`` = rint(x · 10⁴) / 10⁴ (``PyArray_Round``: multiply, rint, true_divide by the
    double 10⁴), and ``(r == np.round(r)).all()`` (rint: NaN is not whole)."""
    n = ratings.shape[0]
    running = np.empty(n)
    up = np.empty(n)
    down = np.empty(n)
    whole = True
    total = 0.0
    for i in range(n):
        value = ratings[i]
        total += value
        running[i] = np.rint(total / (i + 1) * 10_000.0) / 10_000.0
        up[i] = np.rint(g_plus[i] * 10_000.0) / 10_000.0
        down[i] = np.rint(g_minus[i] * 10_000.0) / 10_000.0
        if value != np.rint(value):  # NaN too
            whole = False
    return running, up, down, whole


@njit(cache=True)
def _first_at_least(day: np.ndarray, value: int) -> int:
    """``np.searchsorted(day, value, side="left")`` of an ascending array."""
    low = 0
    high = day.shape[0]
    while low < high:
        middle = (low + high) // 2
        if day[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True)
def whole_days(day: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """``start``..``end`` widened to whole days of the ascending epoch days ``day``: (first
    index of ``day[start]``'s day, last index of ``day[end]``'s day), the two searchsorted
    calls of ``WindowContrast.whole_days``."""
    return _first_at_least(day, day[start]), _first_at_least(day, day[end] + 1) - 1


@njit(cache=True)
def window_stretch(
    stars: np.ndarray, top: bool, half_nu: float, day: np.ndarray
) -> tuple[float, float, float, int, int]:
    """One side of the star window (``star_window._side``) up to its law and contrast:
    (share, θ, M, first, last) of the mark x = 1[star ≥ 4] (``top``) or 1[star ≤ 2]: share =
    count / n, x standardised z = (x − share)/sd with sd = √(share (1 − share)), θ the Lundberg
    root of z's two-point law (``lundberg_roots``), M and the stretch of ``top_excursion`` on z,
    widened to whole days (``whole_days``); θ = M = 0 and first = 0, last = −1 when the share is 0
    or 1. The same operations numpy did on the arrays, element by element."""
    n = stars.shape[0]
    marks = np.empty(n)
    count = 0
    for i in range(n):
        marked = stars[i] >= 4 if top else stars[i] <= 2
        marks[i] = 1.0 if marked else 0.0
        count += marked
    share = count / n
    if share == 0.0 or share == 1.0:
        return share, 0.0, 0.0, 0, -1
    sd = np.sqrt(share * (1.0 - share))
    z = np.empty(n)
    for i in range(n):
        z[i] = (marks[i] - share) / sd
    p = np.empty(2)
    p[0] = 1.0 - share
    p[1] = share
    support = np.empty(2)
    support[0] = -share / sd
    support[1] = (1.0 - share) / sd
    theta = lundberg_roots(p, support, 0.0, half_nu)[0]
    excursion, start, end = top_excursion(z, 0.0, half_nu)
    first, last = whole_days(day, start, end)
    return share, theta, excursion, first, last


@njit(cache=True)
def law_statistics(
    ratings: np.ndarray, mu0: float, half_nu: float
) -> tuple[float, float, np.ndarray, np.ndarray, float, float]:
    """The size-scaled law's per-product statistics in one compiled call
    (``threshold.analyze_consistency_law``): (θ⁺, θ⁻, g⁺, g⁻, max g⁺, max g⁻). θ± are
    ``threshold.lundberg``'s: the Lundberg roots of the ratings' empirical distribution rounded to
    3 decimals (``rounded_support``, numpy's unique of ``np.round(v, 3)``; each count over their
    sum); g± the detection functions without resets; their maxima 0 for no
    ratings (no NaN in ratings, so the largest value is numpy's ``max`` in any order)."""
    n = ratings.shape[0]
    # np.unique(np.round(v, 3), return_counts=True): counted in a table on large products
    # (ratings hold no 0, so rounded_support's ±0.0 caveat does not arise)
    support, counts = rounded_support(ratings)
    theta_up, theta_down = lundberg_roots(counts / counts.sum(), support, mu0, half_nu)
    g_plus, g_minus = detection_functions(ratings, mu0, half_nu)
    top_up = 0.0  # g ≥ 0: the maxima start from 0 (only their products with θ are used)
    top_down = 0.0
    for i in range(n):
        top_up = max(top_up, g_plus[i])
        top_down = max(top_down, g_minus[i])
    return theta_up, theta_down, g_plus, g_minus, top_up, top_down


@njit(cache=True)
def clock_marks(hours: np.ndarray, day: np.ndarray, tie: np.ndarray, block: float) -> np.ndarray:
    """The feature scan's quiet-hours marks (``feature_scan.clock_sequence``) in one pass, from
    the known hours and their epoch days: each hour's ``block``-hour block (``hour_blocks``),
    the blocks' counts, marked quiet the rarest blocks (a stable sort of the counts, empty blocks
    first) while their running count stays at most half of all, each review's mark (1.0 quiet)
    put in day order, a day's reviews by ``tie`` (``day_tie_order``). Counts are whole numbers,
    so this is numpy's bincount / argsort / cumsum path exactly."""
    blocks = hour_blocks(hours, block)
    n = blocks.shape[0]
    size = 0
    for b in blocks:
        size = max(size, b + 1)
    counts = np.zeros(size, dtype=np.int64)
    for b in blocks:
        counts[b] += 1
    rarest = np.argsort(counts, kind="mergesort")
    quiet = np.zeros(size, dtype=np.bool_)
    running = 0
    for k in rarest:
        running += counts[k]
        if running <= 0.5 * n:
            quiet[k] = True
    order = day_tie_order(day, tie)
    marks = np.empty(n)
    for i in range(n):
        marks[i] = 1.0 if quiet[blocks[order[i]]] else 0.0
    return marks


@njit(cache=True)
def clock_codes(
    stars: np.ndarray, hours: np.ndarray, width: float, blocks: int, unknown: int
) -> np.ndarray:
    """Each review's clock code for the star window (``star_window._Clock``): ``blocks`` ·
    (star − 1) + ⌊hour / width⌋ where the hour is finite, ``unknown`` elsewhere (the numpy
    expression's floor of the division, cast to an integer)."""
    codes = np.empty(stars.shape[0], dtype=np.intp)
    for i in range(stars.shape[0]):
        h = hours[i]
        if np.isfinite(h):
            codes[i] = blocks * (stars[i] - 1) + np.intp(np.floor(h / width))
        else:
            codes[i] = unknown
    return codes


@njit(cache=True)
def mark_rows(verified: np.ndarray, history: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The star window's review-mark rows (``star_window._review_marks``): row 0 ``unverified``
    (1 where not ``verified``, 0 where verified), row 1 ``new_account`` (1 where the history h
    ≤ 1, 0 where h > 1, −1 where h is not finite), whether each row marks a known review, and how
    many histories are known."""
    n = verified.shape[0]
    rows = np.empty((2, n), dtype=np.int8)
    marking = np.zeros(2, dtype=np.bool_)
    known = 0
    for i in range(n):
        unverified = not verified[i]
        rows[0, i] = 1 if unverified else 0
        marking[0] = marking[0] or unverified
        h = history[i]
        if np.isfinite(h):
            known += 1
            new = h <= 1.0
            rows[1, i] = 1 if new else 0
            marking[1] = marking[1] or new
        else:
            rows[1, i] = -1
    return rows, marking, known
