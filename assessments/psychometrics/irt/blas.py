"""Run the engine's matrix products on one BLAS thread.

The E-step multiplies matrices of a few thousand rows by a few dozen columns, many times. With
OpenBLAS's default of one thread per core, such products spend their time synchronising
threads, and far worse when other processes share the cores: on the 2-core development machine
under a load average of 6, a 2,000 × 40 calibration took 2.8 s with two BLAS threads and 0.18 s
with one; 10,000 × 100 took 12.7 s and 2.2 s. Web and worker processes already run one per core,
so one BLAS thread each is also the right production setting.

The controller (which scans the process's loaded libraries, ~8 ms) is built once: scoring one
person — a graded attempt — must not pay for that scan on every call.
"""

from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def single_threaded_blas():
    """Context manager limiting BLAS libraries to one thread for its duration."""
    return _controller().limit(limits=1, user_api="blas")
