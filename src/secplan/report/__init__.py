"""Report writers: one module per output format, all rendering the same :class:`AssessmentDoc`.

Use :func:`secplan.report.writers.get_writer` to pick one by name; ``FORMATS`` lists the names.
"""
