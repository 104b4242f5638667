"""Synthetic, obviously fictitious caseloads for the demo, the tests and the benchmarks: never real
people. Not part of the app or the central record (neither imports it; the phone build leaves it out).

    caseloads   seeded caseloads and visits: generate_caseload, synthetic_visit
    load        a synthetic caseload into a central record (its own organisation)
"""

from synthetic.caseloads import SyntheticCaseload, generate_caseload, synthetic_visit

__all__ = ["SyntheticCaseload", "generate_caseload", "synthetic_visit"]
