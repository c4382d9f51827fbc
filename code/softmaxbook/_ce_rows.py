"""The cross-entropy's one-pass kernels (private): loss and gradient from one ``exp`` per row block.

:mod:`softmaxbook.losses` validates and reduces; these work on rows of logits (the class axis
last), in blocks that stay in cache (:mod:`softmaxbook._blocked`), and never form a one-hot matrix.
"""

from __future__ import annotations

import numpy as np

from ._blocked import blocks, shift


def label_loss(z, labels, with_grad, batch):
    """Per-example losses ``-log s_y`` (shape ``labels.shape``) and, if asked, the gradient / ``batch``.

    One pass over blocks of rows that stay in cache; the exponentials are written into the
    gradient array (or one block-sized scratch array), with the label entries set aside so that
    :math:`r = \\sum_{j \\ne y} e^{z_j - m}` is summed without them. Never forms a one-hot matrix.
    """
    rows, index = z.reshape(-1, z.shape[-1]), labels.reshape(-1, 1)
    per = np.empty(rows.shape[0], rows.dtype)
    row_blocks = blocks(rows)
    grad = np.empty_like(rows) if with_grad else None
    scratch = None if with_grad or not row_blocks else np.empty_like(rows[row_blocks[0]])
    for b in row_blocks:
        e = grad[b] if with_grad else scratch[: len(rows[b])]
        _, guard = shift(rows[b], np.max(rows[b], axis=-1, keepdims=True), e)
        d_y = np.take_along_axis(e, index[b], axis=-1)[:, 0]
        with guard():
            np.exp(e, out=e)
            e_y = np.exp(d_y)
            np.put_along_axis(e, index[b], 0.0, axis=-1)
            rest = e.sum(axis=-1)
            big = e_y >= 0.5
            ratio = np.divide(rest, e_y, out=np.zeros_like(rest), where=big)
            per[b] = np.where(big, np.log1p(ratio), np.log(e_y + rest) - d_y)
            if with_grad:
                scale = 1 / ((e_y + rest) * batch)
                e *= scale[:, None]
                np.put_along_axis(e, index[b], (-rest * scale)[:, None], axis=-1)
    return per.reshape(labels.shape), None if grad is None else grad.reshape(z.shape)


def soft_loss_and_grad(z, y, batch):
    r"""Per-example losses and gradients / ``batch`` for probability targets ``y``, one ``exp`` each.

    As in ``log_softmax``, the largest entry's term (exactly 1) is left out of the sum, so that
    :math:`\log S = \operatorname{log1p}(r)` is exact near 0, and the gradient's entry there is
    :math:`(\sum_{j \ne t} y_j - y_t r) / S` instead of the cancelling :math:`(\sum_k y_k) s_t - y_t`.
    A row of only ``-inf`` gets :math:`r = -1` and so NaN, like ``cross_entropy``.
    """
    rows, targets = z.reshape(-1, z.shape[-1]), y.reshape(-1, z.shape[-1])
    per = np.empty(rows.shape[0], rows.dtype)
    grad = np.empty_like(rows)
    for b in blocks(rows):
        e, t = grad[b], targets[b]
        top = np.argmax(rows[b], axis=-1, keepdims=True)
        _, guard = shift(rows[b], np.take_along_axis(rows[b], top, axis=-1), e)
        not_top = np.ones(t.shape, bool)
        np.put_along_axis(not_top, top, False, axis=-1)
        y_top, y_rest = np.take_along_axis(t, top, axis=-1)[:, 0], t.sum(axis=-1, where=not_top)
        with guard():
            weighted = np.multiply(t, e, out=np.zeros_like(e), where=t != 0).sum(axis=-1)
            np.exp(e, out=e)
            e_top = np.take_along_axis(e, top, axis=-1)  # 1, or 0 in a row of only -inf
            np.put_along_axis(e, top, e_top - 1, axis=-1)
            rest = e.sum(axis=-1)
            per[b] = (y_top + y_rest) * np.log1p(rest) - weighted
            scale = 1 / ((1 + rest) * batch)
            e *= ((y_top + y_rest) * scale)[:, None]
            e -= t / batch
            # (sum y) s_top - y_top without the cancellation of s_top - 1 (times e_top: NaN, not
            # inf, in a row of only -inf)
            np.put_along_axis(e, top, ((y_rest - y_top * rest) * scale)[:, None] * e_top, axis=-1)
    return per.reshape(y.shape[:-1]), grad.reshape(z.shape)
