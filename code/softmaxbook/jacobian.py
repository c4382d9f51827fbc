"""The softmax Jacobian, and its products with a vector in O(n): :ref:`ch-jacobian`.

The Jacobian :math:`J = \\operatorname{diag}(s) - s s^\\top` is symmetric, so the Jacobian-vector
product (forward mode) and the vector-Jacobian product (reverse mode) are the same vector,
:math:`s \\odot (v - \\langle s, v\\rangle)`: two names for one formula, as in autodiff libraries.
``softmax_jvp`` and ``softmax_vjp`` never build the :math:`n \\times n` matrix.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .softmax import softmax


def softmax_jacobian(z, axis=-1):
    r"""The explicit Jacobian of the softmax: :math:`J = \operatorname{diag}(s) - s s^\top`.

    Implements :eq:`eq-jacobian-entry` and :eq:`eq-jacobian-matrix` of :ref:`ch-jacobian`.
    :math:`O(n^2)` memory: for teaching and small ``n``; use :func:`softmax_vjp` in a gradient.

    Parameters
    ----------
    z : array_like, shape (..., n, ...)
        Logits, ``n = z.shape[axis] >= 1``.
    axis : int, default -1
        The class axis.

    Returns
    -------
    J : ndarray, shape (..., n, n)
        ``J[..., i, j]`` :math:`= \partial s_i / \partial z_j`; the leading axes are those of
        ``z`` without ``axis``, in order. Same float dtype as ``z``.

    Notes
    -----
    .. math::
        J_{ij} = \frac{\partial s_i}{\partial z_j} = s_i(\delta_{ij} - s_j).

    The diagonal is computed as :math:`s_i \sum_{j \ne i} s_j = -\sum_{j \ne i} J_{ij}`, equal to
    :math:`s_i (1 - s_i)` but without its cancellation when :math:`s_i` is close to 1; every row
    then sums to zero up to one rounding.

    See Also
    --------
    softmax_vjp, softmax_jvp : its products with a vector (no n x n matrix).

    Examples
    --------
    >>> import numpy as np
    >>> from softmaxbook import softmax_jacobian
    >>> J = softmax_jacobian(np.array([0.0, 0.0]))
    >>> J
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    >>> J.sum(axis=1)
    array([0., 0.])
    """
    z, dtype = _validate.float_input(z)
    axis = _validate.class_axis(z, axis)
    s = np.moveaxis(softmax(z, axis=axis), axis, -1)
    jac = -s[..., :, None] * s[..., None, :]
    diagonal = np.einsum("...ii->...i", jac)  # a writable view of the diagonal
    diagonal[...] = 0
    diagonal[...] = -jac.sum(axis=-1)  # s_i * sum_{j != i} s_j
    return _validate.result(jac, dtype)


def softmax_jvp(z, v, axis=-1):
    r"""Jacobian-vector product :math:`J v` of the softmax at ``z``, in O(n).

    Implements :eq:`eq-jacobian-vjp` of :ref:`ch-jacobian` (forward mode; equal to the VJP since
    :math:`J` is symmetric).

    Parameters
    ----------
    z : array_like, shape (..., n, ...)
        Logits, ``n = z.shape[axis] >= 1``.
    v : array_like, same shape as ``z``
        The tangent vector(s), one per softmax.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape as ``z``; float dtype of ``z`` and ``v`` promoted together.

    Notes
    -----
    .. math::
        (J v)_i = \sum_j s_i(\delta_{ij} - s_j) v_j = s_i \bigl(v_i - \langle s, v\rangle\bigr).

    See Also
    --------
    softmax_vjp : the same vector (reverse mode).
    softmax_jacobian : the matrix itself.
    """
    return _symmetric_product(z, v, axis, "v")


def softmax_vjp(z, v, axis=-1):
    r"""Vector-Jacobian product :math:`v^\top J` of the softmax at ``z``, in O(n).

    Implements :eq:`eq-jacobian-vjp` of :ref:`ch-jacobian`: the backward pass of the softmax, the
    gradient with respect to ``z`` of a function of :math:`s` whose gradient with respect to
    :math:`s` is ``v``.

    Parameters
    ----------
    z : array_like, shape (..., n, ...)
        Logits, ``n = z.shape[axis] >= 1``.
    v : array_like, same shape as ``z``
        The upstream gradient(s) :math:`\partial L / \partial s`.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape as ``z``; float dtype of ``z`` and ``v`` promoted together.

    Notes
    -----
    .. math::
        (v^\top J)_j = \sum_i v_i s_i(\delta_{ij} - s_j) = s_j \bigl(v_j - \langle s, v\rangle\bigr).

    Two passes over ``n`` numbers instead of the :math:`n^2` of forming :math:`J`.

    See Also
    --------
    softmax_jvp : the same vector (forward mode).
    softmax_jacobian : the matrix itself.

    Examples
    --------
    The product with the explicit Jacobian, without its :math:`n \times n` memory:

    >>> import numpy as np
    >>> from softmaxbook import softmax_jacobian, softmax_vjp
    >>> z, v = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 0.0])
    >>> softmax_vjp(z, v)
    array([ 0.08192507, -0.02203304, -0.05989202])
    >>> v @ softmax_jacobian(z)
    array([ 0.08192507, -0.02203304, -0.05989202])
    """
    return _symmetric_product(z, v, axis, "v")


def _symmetric_product(z, v, axis, name):
    """:math:`s \\odot (v - \\langle s, v\\rangle)`, the product of the symmetric J with ``v``."""
    z, z_dtype = _validate.float_input(z)
    v, v_dtype = _validate.float_input(v, name)
    _validate.same_shape(z, v, ("z", name))
    axis = _validate.class_axis(z, axis)
    s = softmax(z, axis=axis)
    out = v - np.sum(s * v, axis=axis, keepdims=True)
    out *= s
    return _validate.result(out, np.promote_types(z_dtype, v_dtype))
