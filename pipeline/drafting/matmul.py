"""Matrix products of the spaCy model through numpy's BLAS instead of thinc's bundled BLIS.

Why: the ``blis`` wheel that thinc 8.3 requires (1.3.x) does not recognise AMD Zen 3/4 CPUs
(family 19h: most cloud EPYC machines) and falls back to its generic SSE kernel
(cython-blis issue #53; ``BLIS_ARCH_DEBUG=1`` prints "selecting sub-configuration
'generic'"). Measured on this project's CI machine, one core, the tok2vec product
500x288 by 288x288: blis 3.1 ms, numpy (OpenBLAS, runtime CPU dispatch) 1.0 ms. The
tok2vec layers are two thirds of the model's time, so this alone takes ~15 ms off a
400-word note. Same float32 arithmetic, so the parse is the same up to rounding.

numpy's BLAS keeps the thread count the process started with (``OPENBLAS_NUM_THREADS``;
the benchmark sets 1). Changing it at run time is not an option: faster-whisper computes
its log-mel features with numpy's BLAS too, and the thread count changes their rounding
and with it the transcript (measured: LibriVox clips went from 1 to 4 word errors): a
process would transcribe the same recording differently after its first draft."""

from __future__ import annotations

import numpy
from spacy.language import Language
from thinc.api import NumpyOps


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
