"""``gdviewer lesson-check FILE``: check a lesson as the window would open it, and print its steps
with the answers the engine computes, so a teacher sees what each question will accept before class.

Exit status 0: the lesson is good; 2: it is not (the message names the line). Engine only: no Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_BAD = 2


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: gdviewer lesson-check FILE\n\nCheck a lesson file and print its steps and true answers.",
              file=sys.stderr if len(argv) != 1 else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else EXIT_BAD
    from gdviewer.core.errors import DataError
    from gdviewer.core.lesson_answers import reveal
    from gdviewer.lessons import load_lesson

    try:
        lesson = load_lesson(argv[0])
    except DataError as exc:
        print(f"gdviewer lesson-check: error: {exc}", file=sys.stderr)
        return EXIT_BAD
    print(f"{lesson.title} — {len(lesson.steps)} steps")
    for number, step in enumerate(lesson.steps, 1):
        where = f"preset {step.setup.preset!r}" if step.setup.preset else f"{len(step.setup.session.all_runs())} run(s)"
        print(f"{number:2}. {step.title} (line {step.line}; {where})")
        if step.question is not None:
            truth = reveal(step).truth
            print(f"    {step.question.kind} ({step.question.answer_type}): {truth.text}")
    return 0
