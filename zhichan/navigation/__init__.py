"""Patent navigation for industry chains (专利导航): chains as data, analysis, reports, quarterly runs.

See docs/navigation.md.
"""
