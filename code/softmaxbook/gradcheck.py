"""Central finite differences, the independent check of every derivative in the book.

Used throughout, first in :ref:`ch-sigmoid` and :ref:`ch-jacobian`.
"""

from __future__ import annotations

import numpy as np


def numerical_gradient(f, x, eps=None):
    r"""Central-difference derivative of ``f`` at ``x``: a gradient, or a Jacobian.

    Parameters
    ----------
    f : callable
        Takes an array of the shape of ``x`` and returns a scalar or an array of shape ``out``.
    x : array_like, shape (...)
        The point; it is not modified (``f`` sees perturbed float64 copies).
    eps : float, optional
        The step :math:`h`. By default :math:`h_i = \epsilon^{1/3} \max(1, |x_i|)` with
        :math:`\epsilon` the float64 machine epsilon (about :math:`6 \cdot 10^{-6}`).

    Returns
    -------
    ndarray of shape ``out + x.shape``, float64
        ``result[..., i] = df[...] / dx_i``: the gradient for a scalar ``f``, the Jacobian
        :math:`\partial f_a / \partial x_i` for an array-valued one.

    Notes
    -----
    .. math::
        \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}.

    The truncation error is :math:`\tfrac{h^2}{6} |f'''|` and the round-off error about
    :math:`\epsilon |f| / h`; :math:`h \propto \epsilon^{1/3}` balances them, leaving an error of
    order :math:`\epsilon^{2/3} \approx 4 \cdot 10^{-11}` times the scale of :math:`f` and its
    third derivative.
    """
    point = np.array(x, dtype=np.float64)
    if eps is None:
        steps = np.finfo(np.float64).eps ** (1 / 3) * np.maximum(1.0, np.abs(point))
    else:
        steps = np.broadcast_to(np.float64(eps), point.shape)
    columns = []
    for i in np.ndindex(point.shape):
        h = steps[i]
        forward, backward = point.copy(), point.copy()
        forward[i] += h
        backward[i] -= h
        columns.append((np.asarray(f(forward), np.float64) - np.asarray(f(backward), np.float64)) / (2 * h))
    out_shape = np.shape(columns[0]) if columns else ()
    return np.moveaxis(np.array(columns).reshape(point.shape + out_shape), range(point.ndim), range(-point.ndim, 0))


def check_gradient(f, grad_f, x, eps=None):
    r"""Relative error between ``grad_f(x)`` and the central-difference gradient of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        Scalar (or array-valued) function of an array of the shape of ``x``.
    grad_f : callable
        Its claimed derivative, returning an array of shape ``out + x.shape``.
    x : array_like
        The point; not modified.
    eps : float, optional
        Finite-difference step, passed to :func:`numerical_gradient`.

    Returns
    -------
    float
        :math:`\|g - \hat g\|_2 / \max(\|g\|_2, \|\hat g\|_2, 10^{-300})`, 0 when both vanish:
        about :math:`10^{-9}` or less for a correct derivative of a smooth function of order-1
        inputs, order 1 for a wrong one.
    """
    analytic = np.asarray(grad_f(np.array(x, dtype=np.float64)), dtype=np.float64)
    numeric = numerical_gradient(f, x, eps)
    if analytic.shape != numeric.shape:
        raise ValueError(f"grad_f returned shape {analytic.shape}, but the gradient has shape {numeric.shape}")
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric), 1e-300)
    return float(np.linalg.norm(analytic - numeric) / scale)
