r"""One exponential family behind four models, the softmax policy and distillation: :ref:`ch-family`.

A generalised linear model with the canonical link has the negative log-likelihood
:math:`\sum_n A(\theta_n) - y_n \theta_n` with :math:`\theta = X w`, and one gradient for all four
families here, :math:`X^\top(A'(\theta) - y)`. Gaussian class-conditionals with a shared covariance
give a softmax posterior of linear scores; a softmax policy has the score
:math:`\phi(s, a) - \mathbb{E}_\pi[\phi(s, \cdot)]`; and distillation compares two softmaxes at a
temperature.

The categorical family itself needs no new code: its probabilities :eq:`eq-family-categorical` are
:func:`softmaxbook.softmax`, its mean :eq:`eq-family-mean` too, and its covariance
:eq:`eq-family-covariance` is :func:`softmaxbook.softmax_jacobian`.
"""

from __future__ import annotations

import numpy as np

from . import _validate
from .logsoftmax import log_softmax, logsumexp
from .sigmoid import log_sigmoid, sigmoid
from .softmax import softmax

FAMILIES = ("gaussian", "bernoulli", "poisson", "categorical")


def glm_nll_and_grad(family, w, X, y):
    r"""Negative log-likelihood of a canonical-link GLM and its gradient in the weights.

    Implements :eq:`eq-family-glm-grad` of :ref:`ch-family`.

    Parameters
    ----------
    family : {'gaussian', 'bernoulli', 'poisson', 'categorical'}
        Linear regression (unit variance), logistic regression, Poisson regression, softmax
        regression.
    w : array_like, shape (d,), or (d, K) for ``'categorical'``
        The weights.
    X : array_like, shape (m, d)
        One example per row (append a column of ones for a bias).
    y : array_like, shape (m,)
        Real targets (gaussian), targets in [0, 1] (bernoulli), counts or rates >= 0 (poisson),
        integer labels in [0, K) (categorical).

    Returns
    -------
    nll : float
        :math:`\sum_n A(\theta_n) - y_n^\top \theta_n`, summed over the examples; the terms of the
        log-likelihood that do not depend on ``w`` (such as :math:`\tfrac12 y_n^2` or
        :math:`\log y_n!`) are left out. ``inf`` for poisson when some :math:`\theta_n > 709.78`
        (and the gradient then holds ``inf`` or ``nan``).
    grad : ndarray, the shape of ``w``
        :math:`X^\top(\mu - y)`, with :math:`\mu = A'(\theta)` the mean (one-hot ``y`` for
        'categorical').

    Notes
    -----
    .. math::
        A(\theta) = \tfrac12\theta^2,\ \log(1 + e^\theta),\ e^\theta,\
        \log\textstyle\sum_k e^{\theta_k}; \qquad
        \mu = A'(\theta) = \theta,\ \sigma(\theta),\ e^\theta,\ \operatorname{softmax}(\theta);
        \qquad \nabla_w = X^\top(\mu - y).

    See Also
    --------
    softmax_regression_loss_and_grad : the categorical case, averaged and with a bias and a penalty.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    X = _matrix(X, "X")
    w, _ = _validate.float_input(w, "w")
    expected = 2 if family == "categorical" else 1
    if w.ndim != expected or w.shape[0] != X.shape[1]:
        want = f"({X.shape[1]}, K)" if expected == 2 else f"({X.shape[1]},)"
        raise ValueError(f"w must have shape {want} for X of shape {X.shape} and family {family!r}, got {w.shape}")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) for X of shape {X.shape}, got {y.shape}")
    theta = X @ w
    if family == "categorical":
        labels = _validate.labels(y, w.shape[1])
        rows = np.arange(len(labels))
        nll = float(np.sum(logsumexp(theta, axis=-1) - theta[rows, labels]))
        residual = softmax(theta, axis=-1)
        residual[rows, labels] -= 1
        return nll, X.T @ residual
    y, _ = _validate.float_input(y, "y")
    if family == "gaussian":
        nll, mu = np.sum(0.5 * theta**2 - y * theta), theta
    elif family == "bernoulli":
        y = _validate.unit_interval(y, "y")
        nll, mu = np.sum(-log_sigmoid(-theta) - y * theta), sigmoid(theta)  # log(1 + e^t) = -log sigma(-t)
    else:
        if np.any(~np.isfinite(y) | (y < 0)):
            raise ValueError(f"poisson targets must be finite and >= 0, got {y[~(np.isfinite(y) & (y >= 0))][0]!r}")
        with np.errstate(over="ignore"):  # e^theta beyond the float range is inf, its correct rounding
            mu = np.exp(theta)
        nll = np.sum(mu - y * theta)
    with np.errstate(invalid="ignore"):  # an infinite mean times a zero feature: nan, as it should be
        return float(nll), X.T @ (mu - y)


def gaussian_class_fit(X, y, n_classes=None):
    r"""Maximum-likelihood class means, shared (pooled) covariance and class priors.

    Implements the fit that :eq:`eq-family-lda` of :ref:`ch-family` starts from.

    Parameters
    ----------
    X : array_like, shape (m, d)
    y : array_like of int, shape (m,)
        Labels in [0, K); every class must occur.
    n_classes : int, optional
        K; by default ``y.max() + 1``.

    Returns
    -------
    means : ndarray, shape (K, d)
    covariance : ndarray, shape (d, d)
        :math:`\Sigma = \frac1m \sum_n (x_n - \mu_{y_n})(x_n - \mu_{y_n})^\top`.
    priors : ndarray, shape (K,)
        The class frequencies :math:`m_k / m`.

    See Also
    --------
    lda_posterior_params : the softmax weights these define.
    """
    X = _matrix(X, "X")
    labels = _validate.labels(y, n_classes if n_classes is not None else int(np.max(y)) + 1)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) for X of shape {X.shape}, got {labels.shape}")
    K = n_classes if n_classes is not None else int(labels.max()) + 1
    counts = np.bincount(labels, minlength=K)
    if np.any(counts == 0):
        raise ValueError(f"every class needs an example; class {int(np.argmin(counts))} has none")
    means = np.stack([X[labels == c].mean(axis=0) for c in range(K)])
    centred = X - means[labels]
    return means, centred.T @ centred / X.shape[0], counts / X.shape[0]


def lda_posterior_params(means, covariance, priors):
    r"""Weights and biases of the softmax posterior of Gaussian classes with a shared covariance.

    Implements :eq:`eq-family-lda` of :ref:`ch-family`: :math:`p(k \mid x) =
    \operatorname{softmax}(x^\top W + b)_k`.

    Parameters
    ----------
    means : array_like, shape (K, d)
    covariance : array_like, shape (d, d)
        Symmetric positive definite.
    priors : array_like, shape (K,)
        Positive, summing to 1.

    Returns
    -------
    W : ndarray, shape (d, K)
        Column k is :math:`\Sigma^{-1}\mu_k`.
    b : ndarray, shape (K,)
        :math:`b_k = -\tfrac12 \mu_k^\top \Sigma^{-1} \mu_k + \log \pi_k`.

    See Also
    --------
    gaussian_class_fit : maximum-likelihood means, covariance and priors.
    softmax : the posterior is ``softmax(X @ W + b)``.
    """
    means = _matrix(means, "means")
    cov = _matrix(covariance, "covariance")
    priors, _ = _validate.float_input(priors, "priors")
    K, d = means.shape
    if cov.shape != (d, d) or priors.shape != (K,):
        raise ValueError(f"expected covariance ({d}, {d}) and priors ({K},) for means {means.shape}, "
                         f"got {cov.shape} and {priors.shape}")
    if not np.allclose(cov, cov.T, rtol=1e-12, atol=0):
        raise ValueError("covariance must be symmetric")
    try:
        factor = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError("covariance must be positive definite") from None
    _validate.probabilities(priors, name="priors")
    if np.any(priors <= 0):
        raise ValueError(f"priors must be positive, got {priors.min().item()!r}")
    W = np.linalg.solve(factor.T, np.linalg.solve(factor, means.T))  # Sigma^{-1} mu_k, column by column
    return W, -0.5 * np.einsum("kd,dk->k", means, W) + np.log(priors)


def policy_score(theta, features, actions):
    r"""Score function :math:`\nabla_\theta \log \pi(a \mid s)` of a softmax policy.

    Implements :eq:`eq-family-policy-score` of :ref:`ch-family`, for the policy
    :math:`\pi(\cdot \mid s) = \operatorname{softmax}(\phi(s, \cdot)\,\theta)`.

    Parameters
    ----------
    theta : array_like, shape (M,)
    features : array_like, shape (..., K, M)
        :math:`\phi(s, b)` for each action b of each state.
    actions : array_like of int, shape (...)
        The actions taken, in [0, K).

    Returns
    -------
    ndarray, shape (..., M)
        :math:`\phi(s, a) - \sum_b \pi(b \mid s)\,\phi(s, b)`.

    See Also
    --------
    cross_entropy_grad : the same "observed minus expected", with the sign of a loss.
    """
    theta, _ = _validate.float_input(theta, "theta")
    phi, _ = _validate.float_input(features, "features")
    if theta.ndim != 1 or phi.ndim < 2 or phi.shape[-1] != theta.shape[0]:
        raise ValueError(f"expected theta (M,) and features (..., K, M), got {theta.shape} and {phi.shape}")
    a = _validate.labels(actions, phi.shape[-2])
    if a.shape != phi.shape[:-2]:
        raise ValueError(f"actions must have shape {phi.shape[:-2]} for features {phi.shape}, got {a.shape}")
    pi = softmax(phi @ theta, axis=-1)
    taken = np.take_along_axis(phi, a[..., None, None], axis=-2)[..., 0, :]
    return taken - np.einsum("...b,...bm->...m", pi, phi)


def distillation_loss(student_logits, teacher_logits, temperature=1.0, reduction="mean"):
    r"""Distillation loss :math:`T^2\,\mathrm{CE}(\operatorname{softmax}(t/T), \operatorname{softmax}(z/T))`.

    Implements the loss of :eq:`eq-family-distillation-grad` of :ref:`ch-family`, scaled by
    :math:`T^2` as distillation losses are.

    Parameters
    ----------
    student_logits, teacher_logits : array_like, shape (..., K)
        :math:`z` and :math:`t`, the class axis last.
    temperature : float, default 1.0
        :math:`T > 0`.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        Over the rows.

    Returns
    -------
    scalar, or ndarray of shape (...) for ``'none'``.

    Notes
    -----
    .. math::
        \ell = -T^2 \sum_k p_k \log q_k, \qquad p = \operatorname{softmax}(t/T),\quad
        q = \operatorname{softmax}(z/T).

    See Also
    --------
    distillation_grad : its gradient.
    cross_entropy : the loss at :math:`T = 1`, with hard or soft targets.
    """
    z, t, T, dtype = _distillation_inputs(student_logits, teacher_logits, temperature, reduction)
    per = -T**2 * np.sum(softmax(t, axis=-1) * log_softmax(z, axis=-1), axis=-1)
    return _validate.reduce(per, reduction, dtype)


def distillation_grad(student_logits, teacher_logits, temperature=1.0, reduction="mean"):
    r"""Gradient of :func:`distillation_loss` in the student's logits: :math:`T(q - p)`.

    Implements :eq:`eq-family-distillation-grad` of :ref:`ch-family` (times :math:`T^2`), whose
    high-temperature limit is logit matching, :eq:`eq-family-logit-matching`.

    Parameters
    ----------
    student_logits, teacher_logits : array_like, shape (..., K)
    temperature : float, default 1.0
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        The gradient of the loss with the same reduction ('mean' divides by the number of rows).

    Returns
    -------
    ndarray, shape (..., K)

    Notes
    -----
    .. math::
        \frac{\partial}{\partial z}\,\mathrm{CE}(p, q) = \frac{q - p}{T}, \qquad
        \frac{\partial \ell}{\partial z} = T\,(q - p) \to \frac{z - t}{K}
        \text{ as } T \to \infty \text{ (zero-mean logits)}.

    See Also
    --------
    distillation_loss : the loss.
    """
    z, t, T, dtype = _distillation_inputs(student_logits, teacher_logits, temperature, reduction)
    grad = T * (softmax(z, axis=-1) - softmax(t, axis=-1))
    if reduction == "mean":
        grad = grad / max(1, grad.size // grad.shape[-1])
    return _validate.result(grad, dtype)


def _matrix(a, name):
    a, _ = _validate.float_input(a, name)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {a.shape}")
    return a


def _distillation_inputs(z, t, temperature, reduction):
    """``(z / T, t / T, T, dtype)`` after checking shapes, temperature and reduction."""
    z, z_dtype = _validate.float_input(z, "student_logits")
    t, t_dtype = _validate.float_input(t, "teacher_logits")
    _validate.same_shape(z, t, ("student_logits", "teacher_logits"))
    _validate.class_axis(z, -1, "student_logits")
    _validate.reduction(reduction)
    T = _validate.positive(temperature, "temperature")
    with np.errstate(over="raise"):
        try:
            z, t = z / T, t / T  # the scaled logits; z and t themselves are never written
        except FloatingPointError:
            raise ValueError(f"temperature {temperature!r} is too small: the logits divided by it overflow") from None
    return z, t, T, np.promote_types(z_dtype, t_dtype)
