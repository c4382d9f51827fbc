r"""The chapters' shared toolkit: SymPy symbols and formulas, mpmath references, one print helper.

Every chapter and the tests take their symbolic softmax, sigmoid and cross-entropy from here, so
each formula is written once. Expressions are built with ordinary operators: inside
``with sympy.evaluate(False):`` they come out exactly as written (displaying them is the job of
``softmaxbook.derivation``).

- Symbols: indices ``i, j, k`` and the number of classes ``K`` (positive integers); the indexed
  logits ``z`` (real), probabilities ``s`` (positive) and targets ``y`` (non-negative).
- Symbolic class count: :func:`normaliser`, :func:`softmax_entry`, :func:`log_sum_exp`, and
  :func:`cross_entropy` with its default arguments.
- Explicit class count: :func:`score_symbols`, :func:`softmax_of`, :func:`softmax_rows`,
  :func:`softmax_explicit`, and :func:`cross_entropy` of two sequences.
- The sigmoid: the undefined function ``sigma`` that derivations write, and its definition
  :func:`sigmoid` (as an expression), ``SIGMOID`` (as a substitution, for ``given=[SIGMOID]``),
  :func:`sigma_definition` and :func:`sigma_derivative` (as equations); :func:`binary_cross_entropy`.
- :func:`say`: the notebooks' print, one write per call, so a printed block is one output.
- The mpmath references of :mod:`softmaxbook.reference` (``softmax_reference`` and its siblings),
  importable from here too, so that a chapter takes its whole toolkit from one module.
"""

from __future__ import annotations

import sys

import sympy as sp

from .reference import (  # noqa: F401  (re-exported: the chapters' one import)
    DIGITS,
    log_sigmoid_reference,
    log_softmax_reference,
    logsumexp_reference,
    sigmoid_grad_reference,
    sigmoid_reference,
    softmax_reference,
)

i, j, k = sp.symbols("i j k", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
z = sp.IndexedBase("z", real=True)
s = sp.IndexedBase("s", positive=True)  # finite logits give every class a positive probability
y = sp.IndexedBase("y", nonnegative=True)

sigma = sp.Function("sigma")
_x = sp.Symbol("x", real=True)
SIGMOID = {sigma: sp.Lambda(_x, 1 / (1 + sp.exp(-_x)))}


def normaliser(n=K, scores=z, index=k):
    r""":math:`\sum_{k=1}^{n} e^{z_k}`, the softmax's denominator, with ``n`` symbolic or a number."""
    return _sum(sp.exp(scores[index]), (index, 1, n))


def softmax_entry(index=i, n=K, scores=z, dummy=k):
    r""":math:`s_i = e^{z_i} / \sum_{k=1}^{n} e^{z_k}` (:eq:`eq-softmax-def`), the sum kept as a ``Sum``."""
    return sp.exp(scores[index]) / normaliser(n, scores, dummy)


def log_sum_exp(n=K, scores=z, index=k):
    r""":math:`\operatorname{LSE}(z) = \log \sum_{k=1}^{n} e^{z_k}` (:eq:`eq-softmax-lse`)."""
    return sp.log(normaliser(n, scores, index))


def score_symbols(n, name="z", start=1, **assumptions):
    """The tuple of ``n`` symbols ``z1, ..., zn`` (``start=0``: ``z0, ...``), real unless told otherwise."""
    assumptions = {"real": True, **assumptions}
    return tuple(sp.symbols(f"{name}{start}:{start + n}", **assumptions))


def softmax_of(scores):
    r"""Column ``Matrix`` of :math:`e^{t} / \sum_u e^{u}` over the entries ``t`` of ``scores`` (any sequence)."""
    exps = [sp.exp(t) for t in scores]
    total = sp.Add(*exps)
    return sp.Matrix([e / total for e in exps])


def softmax_rows(Z):
    """The softmax of each row of the SymPy matrix ``Z`` (the class axis last, as in NumPy)."""
    Z = sp.Matrix(Z)
    return sp.Matrix.vstack(*(softmax_of(list(Z.row(r))).T for r in range(Z.rows)))


def softmax_explicit(n, name="z", start=1, **assumptions):
    """``(probs, scores)``: the softmax of ``n`` new score symbols as a column, and those symbols.

    ``probs.jacobian(scores)`` is the Jacobian of :eq:`eq-jacobian-matrix` written out.
    """
    scores = score_symbols(n, name, start, **assumptions)
    return softmax_of(scores), scores


def cross_entropy(targets=y, probs=s, n=K, index=k):
    r""":math:`-\sum_k y_k \log s_k` (:eq:`eq-cross-entropy-def`).

    With ``IndexedBase`` targets (the default) a ``Sum`` over ``index`` from 1 to ``n``; with two
    sequences (or matrices) of the same length, the explicit sum of their terms.
    """
    if isinstance(targets, sp.IndexedBase):
        return -_sum(targets[index] * sp.log(probs[index]), (index, 1, n))
    targets, probs = list(targets), list(probs)
    if len(targets) != len(probs):
        raise ValueError(f"targets and probs must have the same length, got {len(targets)} and {len(probs)}")
    return -sp.Add(*(t * sp.log(p) for t, p in zip(targets, probs)))


def sigmoid(x):
    r""":math:`1 / (1 + e^{-x})` (:eq:`eq-sigmoid-def`), the definition of ``sigma`` as an expression."""
    return 1 / (1 + sp.exp(-x))


def sigma_definition(x):
    """``Eq(sigma(x), 1 / (1 + exp(-x)))``: the definition as an equation, for display or ``given=``."""
    return sp.Eq(sigma(x), sigmoid(x))


def sigma_derivative(x):
    r"""``Eq(Derivative(sigma(x), x), sigma(x) (1 - sigma(x)))`` for a symbol ``x`` (:eq:`eq-sigmoid-derivative`)."""
    return sp.Eq(sp.Derivative(sigma(x), x), sigma(x) * (1 - sigma(x)))


def binary_cross_entropy(x, target):
    r""":math:`-\bigl(y \log\sigma(x) + (1 - y)\log(1 - \sigma(x))\bigr)` (:eq:`eq-sigmoid-bce`), in ``sigma``."""
    return -(target * sp.log(sigma(x)) + (1 - target) * sp.log(1 - sigma(x)))


def say(*lines):
    """Print ``lines`` (any objects, one per line) in a single write.

    ``print`` writes the text and the newline separately, and the kernel may flush between the
    two, so one print can reach the notebook as two stream outputs; nbval would then compare a
    different number of outputs from run to run.
    """
    sys.stdout.write("\n".join(str(line) for line in lines) + "\n")


def _sum(term, *limits):
    """``Sum(term, *limits)`` with ``term`` as given: under ``evaluate(False)``, SymPy's ``Sum``
    would wrap the term as ``1 * term`` (printed "1 e^{z_k}")."""
    with sp.evaluate(True):
        return sp.Sum(term, *limits)
