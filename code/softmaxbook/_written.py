"""LaTeX for derivation lines, in the order the author wrote them.

SymPy sorts the terms of a sum and the factors of a product when it prints them, so
``s_i (delta_ij - s_j)`` appears as ``(delta_ij - s_j) s_i`` and ``z_i - M`` as ``-M + z_i``. Two
rules give the author's form back:

* a product built under ``with sympy.evaluate(False):`` keeps its factors in the order written
  (SymPy keeps that order; nested products are flattened, a leading -1 is shown as a minus sign and
  a factor 1 is dropped);
* a sum never starts with a minus sign when one of its terms is positive: that term moves to the
  front (``z_i - M``, ``b - a``, ``1 - s``), the others keep SymPy's order. (SymPy sorts the terms of
  a sum even when it is not evaluated, so a sum's order cannot be chosen by writing it.)

Every other node is printed exactly as SymPy prints it.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter


def latex(expr):
    """LaTeX of ``expr``: unevaluated sums and products in written order, the rest as SymPy prints."""
    return _WrittenPrinter().doprint(expr)


def _as_written(expr):
    """True when evaluating ``expr`` again would change it: the author built it unevaluated."""
    try:
        return expr.func(*expr.args) != expr
    except (TypeError, ValueError):
        return False


def _flat(expr, cls):
    """The arguments of ``expr`` with nested ``cls`` nodes spliced in, in written order."""
    out = []
    for a in expr.args:
        out += _flat(a, cls) if isinstance(a, cls) else [a]
    return out


def _split_sign(factors):
    """(negative, factors without a leading -1 and without factors 1)."""
    negative = False
    kept = []
    for f in factors:
        if f == 1:
            continue
        if f == -1 and not kept:
            negative = not negative
            continue
        if f.is_Number and f < 0 and not kept:
            negative, f = not negative, -f
        kept.append(f)
    return negative, kept


class _WrittenPrinter(LatexPrinter):
    def _print_Add(self, expr, order=None):
        terms = _flat(expr, sp.Add) if _as_written(expr) else list(self._as_ordered_terms(expr, order=order))
        signs = [self._signed(term)[0] for term in terms]
        if signs and signs[0] and not all(signs):
            first = signs.index(False)
            terms.insert(0, terms.pop(first))
        tex = ""
        for n, term in enumerate(terms):
            negative, body = self._signed(term)
            if n == 0:
                tex = ("- " if negative else "") + body
            else:
                tex += (" - " if negative else " + ") + body
        return tex

    def _signed(self, term):
        if isinstance(term, sp.Mul) and _as_written(term):
            negative, factors = _split_sign(_flat(term, sp.Mul))
            if negative:
                rest = factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False) if factors else sp.S.One
                body = self._print(rest)
                return True, (rf"\left({body}\right)" if isinstance(rest, sp.Add) else body)
        if term.is_Number and term < 0:
            return True, self._print(-term)
        if not isinstance(term, sp.Mul) and term.could_extract_minus_sign():
            return True, self._print(-term)
        if isinstance(term, sp.Mul) and not _as_written(term) and term.could_extract_minus_sign():
            return True, self._print(-term)
        return False, self.parenthesize(term, 0) if isinstance(term, sp.Add) else self._print(term)

    def _print_Mul(self, expr):
        # SymPy's printer also sends some powers here (1/x, say): only a product can be "as written".
        if not isinstance(expr, sp.Mul) or not _as_written(expr):
            return super()._print_Mul(expr)
        negative, factors = _split_sign(_flat(expr, sp.Mul))
        if not factors:
            body = "1"
        elif len(factors) == 1:
            body = self.parenthesize(factors[0], 50) if isinstance(factors[0], sp.Add) and negative \
                else self._print(factors[0])
        else:
            saved = self._settings["order"]
            self._settings["order"] = "none"
            try:
                body = super()._print_Mul(sp.Mul(*factors, evaluate=False))
            finally:
                self._settings["order"] = saved
        return ("- " + body) if negative else body
