"""Benchmark of softmaxbook against scipy.special (run by ``make bench``; a benchmark, not a test).

Prints, measured in one run on the same arrays:

1. ``softmax``, ``log_softmax``, ``cross_entropy`` + ``cross_entropy_grad`` and the fused
   ``cross_entropy_and_grad`` on (4096, 1000) and (64, 100000) float64 logits, as ratios to
   ``scipy.special.softmax`` on the same array, and the fused one as a ratio to our ``softmax``;
2. ``softmax_vjp`` against the explicit Jacobian product ``v @ softmax_jacobian(z)`` for
   n = 64 ... 4096, then the VJP alone up to n = 2^20, with the log-log slope of its time
   (1 for linear, 2 for quadratic).

Every timing is the minimum over repeats of ``time.perf_counter`` differences; the functions
compared are timed in turn inside each repeat, so a load that comes and goes on the machine
hits them alike. Targets are checked and printed; the script exits with status 0 either way,
since a benchmark on a shared machine is a report, not a gate.
"""

from __future__ import annotations

import os
import platform
import time

import numpy as np
import scipy
import scipy.special

import softmaxbook as sb

SHAPES = [(4096, 1000), (64, 100000)]
VJP_SIZES = [64, 128, 256, 512, 1024, 2048, 4096]
LARGE_VJP_SIZES = [16384, 65536, 262144, 1048576]
REPEATS = 30


def main():
    print(machine())
    print()
    print(forward_table())
    print()
    print(vjp_table())


def machine():
    """One line: CPU model, cores, Python, NumPy and SciPy versions."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"Machine: {model}, {cores} cores; Python {platform.python_version()}, "
        f"NumPy {np.__version__}, SciPy {scipy.__version__}"
    )


def min_times(functions, repeats=REPEATS):
    """The minimum time of each function over ``repeats`` rounds, the functions interleaved."""
    best = {name: float("inf") for name in functions}
    for _ in range(repeats):
        for name, f in functions.items():
            start = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def forward_table():
    """Ratios to scipy.special.softmax on each shape, with the targets checked."""
    rng = np.random.default_rng(0)
    lines = [
        f"{'shape (float64)':<16} {'scipy softmax':>14} {'softmax':>8} {'log_softmax':>12} {'CE + grad':>10}"
        f" {'CE+grad / softmax':>18} {'fused':>7}",
    ]
    verdicts = []
    for shape in SHAPES:
        z = rng.normal(scale=3.0, size=shape)
        y = rng.integers(0, shape[1], size=shape[0])
        t = min_times(
            {
                "scipy": lambda: scipy.special.softmax(z, axis=-1),
                "softmax": lambda: sb.softmax(z),
                "log_softmax": lambda: sb.log_softmax(z),
                "ce": lambda: (sb.cross_entropy(z, y), sb.cross_entropy_grad(z, y)),
                "fused": lambda: sb.cross_entropy_and_grad(z, y),
            }
        )
        r = {k: v / t["scipy"] for k, v in t.items()}
        ce_per_softmax = t["ce"] / t["softmax"]
        lines.append(
            f"{str(shape):<16} {t['scipy'] * 1e3:>11.2f} ms {r['softmax']:>7.2f}x {r['log_softmax']:>11.2f}x"
            f" {r['ce']:>9.2f}x {ce_per_softmax:>17.2f}x {t['fused'] / t['softmax']:>6.2f}x"
        )
        verdicts.append(f"softmax {shape}: {r['softmax']:.2f}x scipy's softmax (target <= 0.6): {ok(r['softmax'] <= 0.6)}")
        fused = t["fused"] / t["softmax"]
        verdicts.append(
            f"cross_entropy_and_grad {shape}: {fused:.2f}x our softmax (target <= 1.3): {ok(fused <= 1.3)}"
        )
    notes = [
        "Ratios are to scipy.special.softmax on the same array; 'CE + grad' is cross_entropy followed by",
        "cross_entropy_grad (labels, reduction='mean'); 'fused' is cross_entropy_and_grad on the same",
        "labels, relative to our softmax (the two separate calls make two exp passes, the fused one one).",
    ]
    return "\n".join(lines + notes + [""] + verdicts)


def vjp_table():
    """softmax_vjp against the explicit Jacobian product, and the VJP alone for larger n."""
    rng = np.random.default_rng(1)
    lines = [f"{'n':>8} {'softmax_vjp':>12} {'v @ J (explicit)':>17} {'speed-up':>9} {'vjp ns/n':>9}"]
    vjp_times = []
    for n in VJP_SIZES + LARGE_VJP_SIZES:
        z, v = rng.normal(scale=3.0, size=n), rng.normal(size=n)
        t_vjp = min_times({"vjp": lambda: sb.softmax_vjp(z, v)}, 200 if n <= 65536 else 20)["vjp"]
        vjp_times.append(t_vjp)
        if n in VJP_SIZES:
            t_explicit = min_times({"explicit": lambda: v @ sb.softmax_jacobian(z)}, REPEATS if n <= 1024 else 8)["explicit"]
            explicit = f"{t_explicit * 1e6:>14.1f} us {t_explicit / t_vjp:>8.0f}x"
        else:
            explicit = f"{'(n x n too big)':>17} {'':>9}"
        lines.append(f"{n:>8} {t_vjp * 1e6:>9.1f} us {explicit} {t_vjp / n * 1e9:>9.2f}")
    small = np.polyfit(np.log(VJP_SIZES), np.log(vjp_times[: len(VJP_SIZES)]), 1)[0]
    large = np.polyfit(np.log(LARGE_VJP_SIZES), np.log(vjp_times[len(VJP_SIZES) :]), 1)[0]
    lines.append("")
    lines.append(
        f"softmax_vjp time grows like n^{small:.2f} over n = {VJP_SIZES[0]}..{VJP_SIZES[-1]} (a fixed call overhead "
        f"dominates) and n^{large:.2f} over n = {LARGE_VJP_SIZES[0]}..{LARGE_VJP_SIZES[-1]}"
    )
    lines.append(f"vjp time linear in n (slope <= 1.1 for the large n): {ok(large <= 1.1)}")
    return "\n".join(lines)


def ok(condition):
    return "met" if condition else "NOT met"


if __name__ == "__main__":
    main()
