"""Matrix products of the spaCy model through numpy's BLAS instead of thinc's bundled BLIS.

Why: the ``blis`` wheel that thinc 8.3 requires (1.3.x) does not recognise AMD Zen 3/4 CPUs
(family 19h: most cloud EPYC machines) and falls back to its generic SSE kernel
(cython-blis issue #53; ``BLIS_ARCH_DEBUG=1`` prints "selecting sub-configuration
'generic'"). Measured on this project's CI machine, one core, the tok2vec product
500x288 by 288x288: blis 3.1 ms, numpy (OpenBLAS, runtime CPU dispatch) 1.0 ms. The
tok2vec layers are two thirds of the model's time, so this alone takes ~15 ms off a
400-word note. Same float32 arithmetic, so the parse is the same up to rounding.

Thinc multiplies on one thread by design; numpy's OpenBLAS would use every core for the
larger products and contend with transcription and other drafts, so its pool is held to
one thread (only numpy's OpenBLAS: CTranslate2's own OpenMP pool is left alone)."""

from __future__ import annotations

import logging

import numpy
from spacy.language import Language
from thinc.api import NumpyOps
from threadpoolctl import ThreadpoolController

logger = logging.getLogger("casenote.drafting.nlp")


class NumpyBlasOps(NumpyOps):
    """thinc's CPU ops with ``gemm`` done by ``numpy.matmul``; everything else unchanged."""

    name = "numpy_blas"

    def gemm(self, x, y, out=None, trans1=False, trans2=False):
        # Transposes are views: OpenBLAS reads the strides, nothing is copied.
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


def use_numpy_blas(nlp: Language) -> None:
    """Point every layer of ``nlp``'s trained components at :class:`NumpyBlasOps`."""
    ops = NumpyBlasOps()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for layer in model.walk():
            if type(layer.ops) is NumpyOps:  # never replace GPU ops
                layer.ops = ops
    _single_thread_numpy_blas()


def _single_thread_numpy_blas() -> None:
    selected = ThreadpoolController().select(internal_api="openblas")
    if selected.lib_controllers:
        selected.limit(limits=1)  # kept for the process: thinc's one-thread contract
        logger.info("numpy OpenBLAS held to one thread for the spaCy model")
