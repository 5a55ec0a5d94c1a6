"""Placeholder-free interim: variance of trust over pairs in contact (replaced by the full module)."""

import numpy as np


def trust_polarisation(trust, contact):
    values = trust[contact]
    return float(values.var()) if values.size >= 2 else 0.0
