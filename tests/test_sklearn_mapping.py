"""scikit-learn's ``C`` against our penalty ``l2`` = lambda ({ref}`ch-regression`, {ref}`ch-equivalence`).

Our loss is the mean cross-entropy plus (lambda/2)||W||_F^2 with the bias unpenalised; scikit-learn's
``LogisticRegression`` minimises C * sum of losses + (1/2)||coef||^2. With K >= 3 classes it keeps one
weight vector per class, and dividing by C m gives our loss with lambda = 1/(C m), so C = 1/(m lambda).
With K = 2 it keeps one weight vector w, which is our w_1 - w_0; at our optimum w_0 = -w_1 = -w/2, so our
penalty is (lambda/2)(||w||^2/2): logistic regression with lambda/2, and C = 2/(m lambda).

Oracle: scikit-learn's ``predict_proba``. Each tolerance is derived from the gradient of our loss at
scikit-learn's parameters (see :func:`_probability_bound`), so the test says how close the fits must
be, not how close they happened to be.
"""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from softmaxbook import (
    fit_softmax_regression,
    flatten_params,
    softmax,
    softmax_regression_hessian,
    softmax_regression_loss_and_grad,
)

LAMBDA = 0.1


def _iris(classes, features):
    iris = load_iris()
    keep = np.isin(iris.target, classes)
    X = iris.data[keep][:, features]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = np.searchsorted(classes, iris.target[keep])
    return X, y


def _ours(X, y, K):
    W, b, _ = fit_softmax_regression(X, y, method="newton", l2=LAMBDA, n_classes=K, tol=1e-12)
    return W, b


def _sklearn_as_ours(X, y, C):
    """Fit scikit-learn with ``C`` and return its parameters in our (W, b) form."""
    clf = LogisticRegression(C=C, l1_ratio=0.0, tol=1e-10, max_iter=10_000).fit(X, y)
    if clf.coef_.shape[0] == 1:  # two classes: one vector w = w_1 - w_0, split evenly
        w, c = clf.coef_[0], clf.intercept_[0]
        return np.column_stack([-w / 2, w / 2]), np.array([-c / 2, c / 2]), clf
    return clf.coef_.T, clf.intercept_, clf


def _probability_bound(X, y, W_ours, b_ours, W_sk, b_sk):
    r"""How far the two fits' probabilities may differ if both are minimisers up to their gradients.

    Our loss is strongly convex, with modulus mu = the smallest nonzero eigenvalue of its Hessian,
    on every direction but the common bias shift, which changes no probability. So the parameters
    differ (outside that direction) by at most (|g_sk| + |g_ours|) / mu, to first order. A score
    z_nk = x~_n . theta_k then moves by at most |x~_n| times that, and softmax moves a probability by
    at most 1/2 of the largest score change (a row of its Jacobian diag(p) - p p^T has absolute sum
    2 p_k (1 - p_k) <= 1/2). A factor 2 covers the second-order terms and the change of mu between
    the two points.
    """
    def grad_norm(W, b):
        _, dW, db = softmax_regression_loss_and_grad(W, b, X, y, l2=LAMBDA)
        return np.linalg.norm(flatten_params(dW, db))

    eigenvalues = np.linalg.eigvalsh(softmax_regression_hessian(W_ours, b_ours, X, y, l2=LAMBDA))
    assert np.sum(eigenvalues < 1e-10) == 1  # only the bias shift is flat
    mu = eigenvalues[1]
    x_tilde = np.linalg.norm(np.hstack([X, np.ones((len(X), 1))]), axis=1).max()
    error = (grad_norm(W_sk, b_sk) + grad_norm(W_ours, b_ours)) / mu
    return 2 * 0.5 * x_tilde * error


def _gap(X, W_ours, b_ours, clf):
    return np.abs(clf.predict_proba(X) - softmax(X @ W_ours + b_ours)).max()


@pytest.mark.parametrize("K, right, wrong", [(3, 1.0, 2.0), (2, 2.0, 1.0)])
def test_regression_sklearn_c_is_1_over_m_lambda_for_three_classes_and_2_over_m_lambda_for_two(K, right, wrong):
    # K = 3: all of iris, four features; K = 2: the two overlapping species of the equivalence
    # chapter (versicolor, virginica) by petal length and width, which have a finite optimum.
    X, y = _iris([0, 1, 2], [0, 1, 2, 3]) if K == 3 else _iris([1, 2], [2, 3])
    m = len(y)
    W_ours, b_ours = _ours(X, y, K)

    W_sk, b_sk, clf = _sklearn_as_ours(X, y, right / (m * LAMBDA))
    bound = _probability_bound(X, y, W_ours, b_ours, W_sk, b_sk)
    assert bound < 1e-5  # the fits are tight enough for the comparison to mean something
    assert _gap(X, W_ours, b_ours, clf) <= bound

    _, _, clf_wrong = _sklearn_as_ours(X, y, wrong / (m * LAMBDA))
    assert _gap(X, W_ours, b_ours, clf_wrong) > 100 * bound


def test_regression_sklearn_two_classes_fits_one_weight_vector():
    X, y = _iris([1, 2], [2, 3])
    _, _, clf = _sklearn_as_ours(X, y, 2 / (len(y) * LAMBDA))
    assert clf.coef_.shape == (1, 2) and clf.intercept_.shape == (1,)
