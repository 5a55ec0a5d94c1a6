"""The error the analysis layer raises for data it cannot use.

Every check of the files and arrays handed to the modules behind the command line
(``table_files``, ``faultline_data``, ``faultlines``, ``survival``, ``parametric_survival``
and the landscape's three modules) raises :class:`InputError` (a ``ValueError``) with a
message naming the file, argument or cell, the value and what is allowed; the command lines
catch exactly that class, so a bug of the code still shows its traceback instead of passing
for a user's mistake.
"""

from __future__ import annotations


class InputError(ValueError):
    """Data an analysis function cannot use; the message says where and what is allowed."""


class InputTypeError(InputError, TypeError):
    """Data of the wrong kind (text where numbers are needed, no data at all)."""
