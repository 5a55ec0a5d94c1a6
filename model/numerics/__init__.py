"""How numbers are computed the same everywhere: kernels, summation order, C library functions,
and what a random seed may be (``seeds``)."""
