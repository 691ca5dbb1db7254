"""Run the engine's matrix products on one BLAS thread.

The E-step multiplies matrices of a few thousand rows by a few dozen columns, many times. With
OpenBLAS's default of one thread per core, such products spend their time synchronising
threads, and far worse when other processes share the cores: on the 2-core development machine
under a load average of 6, a 2,000 × 40 calibration took 2.8 s with two BLAS threads and 0.18 s
with one; 10,000 × 100 took 12.7 s and 2.2 s. Web and worker processes already run one per core,
so one BLAS thread each is also the right production setting.
"""

from threadpoolctl import threadpool_limits


def single_threaded_blas() -> threadpool_limits:
    """Context manager limiting BLAS libraries to one thread for its duration."""
    return threadpool_limits(limits=1, user_api="blas")
