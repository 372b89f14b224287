"""Richardson's arms-race model (docs/model.md "Arms race"; L. F. Richardson, *Arms and
Insecurity*, 1960): ``dx/dt = a·y − m·x + g``, ``dy/dt = b·x − n·y + h``.

A genuinely two-player model: ``x`` and ``y`` are the armaments of two sides. Parameters
broadcast, so one :class:`Richardson` holds a batch of models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Richardson:
    """``dx/dt = a·y − m·x + g``, ``dy/dt = b·x − n·y + h`` (Richardson, 1960).

    ``a``, ``b``: reaction (defence) coefficients; ``m``, ``n``: fatigue (cost) terms;
    ``g``, ``h``: grievances. All attributes are broadcast arrays, so one instance can
    hold a batch of models.
    """

    a: np.ndarray
    b: np.ndarray
    m: np.ndarray
    n: np.ndarray
    g: np.ndarray
    h: np.ndarray

    @property
    def determinant(self) -> np.ndarray:
        """``m·n − a·b``: the determinant of ``−J`` with ``J = [[−m, a], [b, −n]]``."""
        return self.m * self.n - self.a * self.b

    @property
    def stable(self) -> np.ndarray:
        """Asymptotically stable equilibrium: ``m·n > a·b`` (det J > 0) and ``m + n > 0``
        (trace J < 0). With positive fatigue terms the classical condition alone decides."""
        return (self.m * self.n > self.a * self.b) & (self.m + self.n > 0)

    @property
    def equilibrium(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x*, y*) = ((a·h + n·g)/(m·n − a·b), (b·g + m·h)/(m·n − a·b))``; NaN where the
        determinant is zero (parallel reaction lines: no single equilibrium)."""
        det = self.determinant
        safe = np.where(det == 0, np.nan, det)
        return (self.a * self.h + self.n * self.g) / safe, (self.b * self.g + self.m * self.h) / safe

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of ``J = [[−m, a], [b, −n]]``, shape ``(..., 2)`` (complex)."""
        tr = -(self.m + self.n)
        disc = np.sqrt((self.m - self.n).astype(complex) ** 2 + 4.0 * self.a * self.b)
        return np.stack([(tr - disc) / 2.0, (tr + disc) / 2.0], axis=-1)

    def derivative(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return self.a * y - self.m * x + self.g, self.b * x - self.n * y + self.h

    def integrate(self, x0, y0, t, *, method: str = "closed") -> tuple[np.ndarray, np.ndarray]:
        """The trajectory from ``(x0, y0)`` at times ``t`` (1-D): arrays of shape
        ``params.shape + t.shape``.

        ``method="closed"``: the exact solution ``w(t) = expm(A·t)·w0`` of the augmented
        linear system ``w = (x, y, 1)`` (valid for every parameter set, including a zero
        determinant). ``method="ivp"``: scipy's ``solve_ivp`` (RK45, tight tolerances),
        one model at a time, as an independent check.
        """
        t = np.atleast_1d(np.asarray(t, dtype=float))
        shape = np.broadcast(
            self.a, self.b, self.m, self.n, self.g, self.h, np.asarray(x0, float), np.asarray(y0, float)
        ).shape

        def full(v):
            return np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(-1)

        a, b, m, n, g, h, xs, ys = (full(v) for v in (self.a, self.b, self.m, self.n, self.g, self.h, x0, y0))
        if method == "ivp":
            from scipy.integrate import solve_ivp

            out = np.empty((a.size, 2, t.size))
            for k in range(a.size):

                def rhs(_, z, k=k):
                    return [a[k] * z[1] - m[k] * z[0] + g[k], b[k] * z[0] - n[k] * z[1] + h[k]]

                sol = solve_ivp(
                    rhs, (0.0, float(t.max(initial=0.0))), [xs[k], ys[k]], t_eval=t, rtol=1e-10, atol=1e-12
                )
                out[k] = sol.y
            x, y = out[:, 0], out[:, 1]
        elif method == "closed":
            from scipy.linalg import expm

            gen = np.zeros((a.size, 3, 3))
            gen[:, 0, 0], gen[:, 0, 1], gen[:, 0, 2] = -m, a, g
            gen[:, 1, 0], gen[:, 1, 1], gen[:, 1, 2] = b, -n, h
            flows = expm(gen[:, None, :, :] * t[None, :, None, None])  # (models, T, 3, 3)
            w0 = np.stack([xs, ys, np.ones_like(xs)], axis=-1)  # (models, 3)
            w = np.einsum("ktij,kj->kti", flows, w0)
            x, y = w[..., 0], w[..., 1]
        else:
            raise ValueError(
                f"The 'method' parameter of integrate must be 'closed' or 'ivp'. Got {method!r}."
            )
        return x.reshape(*shape, t.size), y.reshape(*shape, t.size)


def richardson(a, b, m, n, g=0.0, h=0.0) -> Richardson:
    """Richardson's arms-race model ``dx/dt = a·y − m·x + g``, ``dy/dt = b·x − n·y + h``.

    >>> r = richardson(2, 2, 5, 3, 5, 5)
    >>> bool(r.stable), [round(float(v), 4) for v in r.equilibrium]
    (True, [2.2727, 3.1818])
    """
    arrs = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, m, n, g, h)))
    return Richardson(*(np.array(v) for v in arrs))
