"""gdviewer's performance suite: ``python -m gdviewer.bench [--quick] [--json PATH]``.

Every figure is measured against its baseline in the same run (ratios, because these
machines are noisy), best of several interleaved repeats. Each section runs in its own
child process so memory and start-up figures start clean.
"""
