"""The one exception crmlab raises for bad input data."""


class CRMDataError(ValueError):
    """Raised when input data does not meet crmlab's data contract.

    The message names the function, the column, up to five offending rows and a fix.

    Examples
    --------
    >>> from crmlab import CRMDataError
    >>> issubclass(CRMDataError, ValueError)
    True
    """
