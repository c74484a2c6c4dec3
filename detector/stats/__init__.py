"""Statistics with nothing review-specific in them: one-way ANOVA and Tukey–Kramer (``tukey``),
the studentized range distribution (``studentized_range``)."""
