r"""The logistic sigmoid, its logarithm and its derivative: :ref:`ch-sigmoid`.

Every function works from :math:`e = e^{-|x|} \in (0, 1]`, so no ``exp`` overflows for any finite
``x`` and no warning is raised in float16, float32 or float64; float16 is computed in float32 and
rounded back once. NaN propagates; ``sigmoid(+-inf)`` is 1 and 0, ``log_sigmoid(-inf)`` is ``-inf``.
Elementwise: any shape, same float dtype out (float64 for integer input).

Accuracy, measured against mpmath for :math:`|x|` up to 700 (``tests/test_sigmoid.py`` asserts
3 ULP): at most 1.5, 1.2 and 2.0 ULP (``sigmoid``, ``log_sigmoid``, ``sigmoid_grad``) in float64,
and 1.9, 2.1 and 2.6 ULP in float32. float16 is rounded once from float32, so it is within 0.5 ULP.
"""

from __future__ import annotations

import numpy as np

from . import _validate


def sigmoid(x):
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise.

    Implements :eq:`eq-sigmoid-def` of :ref:`ch-sigmoid`.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray (or scalar for scalar input), same shape and float dtype as ``x``

    Notes
    -----
    With :math:`e = e^{-|x|}`:

    .. math::
        \sigma(x) = \begin{cases} 1/(1 + e) & x \ge 0 \\ e/(1 + e) & x < 0 \end{cases}

    See Also
    --------
    log_sigmoid : its logarithm.
    sigmoid_grad : its derivative.

    Examples
    --------
    :math:`\sigma(-40) = 1 - \sigma(40)`, but the subtraction loses every digit:

    >>> from softmaxbook import sigmoid
    >>> 1 - sigmoid(40.0)
    np.float64(0.0)
    >>> sigmoid(-40.0)
    np.float64(4.248354255291589e-18)
    """
    x, dtype = _validate.float_input(x, "x")
    e = _exp_minus_abs(x)
    out = np.where(x >= 0, 1.0, e).astype(x.dtype, copy=False)
    out /= 1.0 + e
    return _validate.result(out, dtype)


def log_sigmoid(x):
    r"""Logarithm of the sigmoid, :math:`\log\sigma(x) = -\log(1 + e^{-x})`, elementwise.

    Implements :eq:`eq-sigmoid-log-stable` of :ref:`ch-sigmoid`, the log-likelihood term of
    :eq:`eq-sigmoid-bce`; exact for large :math:`|x|`: ``log_sigmoid(-1000) == -1000`` and
    ``log_sigmoid(40)`` is :math:`-e^{-40}`, not 0.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray (or scalar for scalar input), same shape and float dtype as ``x``

    Notes
    -----
    .. math::
        \log\sigma(x) = \min(x, 0) - \operatorname{log1p}\bigl(e^{-|x|}\bigr)

    See Also
    --------
    sigmoid, sigmoid_grad

    Examples
    --------
    >>> import numpy as np
    >>> from softmaxbook import log_sigmoid
    >>> x = np.array([-1000.0, 40.0])
    >>> with np.errstate(over="ignore", divide="ignore"):
    ...     np.log(1 / (1 + np.exp(-x)))
    array([-inf,   0.])
    >>> log_sigmoid(x)
    array([-1.00000000e+03, -4.24835426e-18])
    """
    x, dtype = _validate.float_input(x, "x")
    out = np.minimum(x, 0) - np.log1p(_exp_minus_abs(x))
    return _validate.result(out, dtype)


def sigmoid_grad(x):
    r"""Derivative of the sigmoid, :math:`\sigma'(x) = \sigma(x)\,\sigma(-x)`, elementwise.

    Implements :eq:`eq-sigmoid-derivative` of :ref:`ch-sigmoid`.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray (or scalar for scalar input), same shape and float dtype as ``x``

    Notes
    -----
    .. math::
        \sigma'(x) = \sigma(x)\bigl(1 - \sigma(x)\bigr) = \frac{e}{(1 + e)^2}, \qquad e = e^{-|x|},

    the last form symmetric in :math:`x` and free of the cancellation in :math:`1 - \sigma(x)`.

    See Also
    --------
    sigmoid, log_sigmoid

    Examples
    --------
    >>> from softmaxbook import sigmoid, sigmoid_grad
    >>> s = sigmoid(40.0)
    >>> s * (1 - s)
    np.float64(0.0)
    >>> sigmoid_grad(40.0)
    np.float64(4.248354255291589e-18)
    """
    x, dtype = _validate.float_input(x, "x")
    e = _exp_minus_abs(x)
    out = e / (1.0 + e) ** 2
    return _validate.result(out, dtype)


def _exp_minus_abs(x):
    """:math:`e^{-|x|}`, in (0, 1] for finite ``x``: the one exponential every function needs."""
    return np.exp(-np.abs(x))
