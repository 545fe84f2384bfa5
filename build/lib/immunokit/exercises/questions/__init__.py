"""One module per exercise notebook, each defining ``EXERCISE`` (see :mod:`immunokit.exercises.catalog`).

Expected answers are functions that call the toolkit's models, evaluated when a check runs, so an
exercise and the chapter it belongs to can never disagree about a number.
"""
