"""The one exception crmlab raises for bad input data, and the one warning of a doubtful fit."""


class CRMDataError(ValueError):
    """Raised when input data does not meet crmlab's data contract.

    The message names the function, the column, up to five offending rows and a fix.

    Examples
    --------
    >>> from crmlab import CRMDataError
    >>> issubclass(CRMDataError, ValueError)
    True
    """


class CRMFitWarning(UserWarning):
    """Warned when a model's fit is not to be trusted: it did not converge, or it ended on a
    boundary of the parameter space (a parameter running to 0 or infinity).

    The message names the parameters, what follows for the predictions, and the likely
    cause found in the data (too few repeat buyers, a wrong time unit, ...). The fitted
    object is still returned, with ``converged_`` telling whether the search converged.

    Examples
    --------
    >>> import warnings
    >>> from crmlab import CRMFitWarning
    >>> issubclass(CRMFitWarning, UserWarning)
    True
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", CRMFitWarning)  # turn doubtful fits into errors
    ...     pass
    """
