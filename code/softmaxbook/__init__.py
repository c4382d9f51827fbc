"""softmaxbook: the NumPy implementation of every result in *Softmax, Step by Step*.

Modules, one concept each (the chapter they serve in brackets):

- ``softmax``: softmax; ``logsoftmax``: log_softmax, logsumexp [ch. 1, the softmax function]
- ``sigmoid``: sigmoid, log_sigmoid, sigmoid_grad [ch. 2, the logistic sigmoid]
- ``jacobian``: softmax_jacobian, softmax_jvp, softmax_vjp [ch. 3, the softmax Jacobian]
- ``losses``: cross_entropy, cross_entropy_grad, cross_entropy_and_grad [ch. 4]
- ``binary_losses``: binary_cross_entropy(_grad) [ch. 2 and 5]
- ``regression``: softmax regression loss, gradient, Hessian; flatten_params [ch. 6]
- ``fitting``: fit_softmax_regression [ch. 6], fit_logistic_newton [ch. 5]
- ``family``: GLM gradients, the LDA posterior, the policy score, distillation [ch. 7]
- ``choice``: squared error on softmax, multiclass hinge, one-vs-rest [ch. 8]
- ``smoothing``: cross-entropy with label smoothing, its logit gap [ch. 8]
- ``gradcheck``: central finite differences [used throughout]
- ``derivation``: step-checked SymPy derivations [used throughout]
- ``symbolic``: the chapters' shared SymPy symbols and formulas, mpmath references and print
  helper [used throughout; imported as ``from softmaxbook import symbolic``, not star-exported]
"""

from . import symbolic
from .derivation import Derivation, DerivationError
from .family import (
    distillation_grad,
    distillation_loss,
    gaussian_class_fit,
    glm_nll_and_grad,
    lda_posterior_params,
    policy_score,
)
from .gradcheck import check_gradient, numerical_gradient
from .jacobian import softmax_jacobian, softmax_jvp, softmax_vjp
from .choice import (
    mse_on_softmax,
    mse_on_softmax_grad,
    multiclass_hinge,
    multiclass_hinge_grad,
    ovr_probabilities,
)
from .smoothing import (
    label_smoothing_cross_entropy,
    label_smoothing_cross_entropy_grad,
    label_smoothing_gap,
    smoothed_targets,
)
from .binary_losses import binary_cross_entropy, binary_cross_entropy_grad
from .fitting import fit_logistic_newton, fit_softmax_regression
from .losses import cross_entropy, cross_entropy_and_grad, cross_entropy_grad
from .regression import (
    flatten_params,
    softmax_regression_hessian,
    softmax_regression_loss_and_grad,
    unflatten_params,
)
from .sigmoid import log_sigmoid, sigmoid, sigmoid_grad
from .logsoftmax import log_softmax, logsumexp
from .softmax import softmax

__all__ = [
    "Derivation",
    "DerivationError",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "check_gradient",
    "cross_entropy",
    "cross_entropy_and_grad",
    "cross_entropy_grad",
    "distillation_grad",
    "distillation_loss",
    "fit_logistic_newton",
    "fit_softmax_regression",
    "flatten_params",
    "gaussian_class_fit",
    "glm_nll_and_grad",
    "label_smoothing_cross_entropy",
    "label_smoothing_cross_entropy_grad",
    "label_smoothing_gap",
    "lda_posterior_params",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "mse_on_softmax",
    "mse_on_softmax_grad",
    "multiclass_hinge",
    "multiclass_hinge_grad",
    "numerical_gradient",
    "ovr_probabilities",
    "policy_score",
    "sigmoid",
    "sigmoid_grad",
    "smoothed_targets",
    "softmax",
    "softmax_jacobian",
    "softmax_jvp",
    "softmax_regression_hessian",
    "softmax_regression_loss_and_grad",
    "softmax_vjp",
    "unflatten_params",
]
