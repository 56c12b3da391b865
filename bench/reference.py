"""The hand-written SQL reference for the roll-up: owned by part "rollup" of issue 13.

``reference_counts(as_of) -> dict`` returns the same keys as ``outcomes.rollup.COUNTED``, with
one ``COUNT(DISTINCT ...) FILTER`` pass per table. Until that part lands the bench prints
"reference not available".
"""


def reference_counts(as_of):
    raise NotImplementedError("bench/reference.py: the hand-written reference is not written yet")
