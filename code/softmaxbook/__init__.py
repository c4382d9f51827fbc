"""softmaxbook: the NumPy implementation of every result in *Softmax, Step by Step*.

Modules, one concept each (the chapter they serve in brackets):

- ``softmax``: softmax, log_softmax, logsumexp [ch. 1, the softmax function]
- ``sigmoid``: sigmoid, log_sigmoid, sigmoid_grad [ch. 2, the logistic sigmoid]
- ``jacobian``: softmax_jacobian, softmax_jvp, softmax_vjp [ch. 3, the softmax Jacobian]
- ``losses``: cross_entropy(_grad), binary_cross_entropy(_grad) [ch. 4 and 5]
- ``regression``: softmax regression loss, gradient, Hessian and fitting [ch. 6]
- ``gradcheck``: central finite differences [used throughout]
- ``derivation``: step-checked SymPy derivations [used throughout]
"""

from .derivation import Derivation, DerivationError

__all__ = ["Derivation", "DerivationError"]
