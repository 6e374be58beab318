"""The status bar: a passing message is never cut short by the permanent fields. In a narrow
window (a projector's 1024 px in presentation mode) the fields that repeat the readouts (b, w,
loss, epoch, in that order) give way while it shows, and come back when it goes."""

from __future__ import annotations

LONG = "Finished 5 epochs (50 steps): full-data loss 54.9691."
LONGER = LONG + " The least-squares optimum is 2.3 away; lower the learning rate to get closer."


def free_width(window) -> int:
    bar, status = window.statusBar(), window.status
    fields = [status.progress, *(label for label in status.labels.values() if not label.isHidden())]
    return bar.width() - sum(max(w.sizeHint().width(), w.minimumWidth()) + bar.layout().spacing() for w in fields)


def test_fields_give_way_to_a_long_message_and_come_back(qtbot, window):
    window.resize(1024, 768)
    window.view_options.set_presentation(True)  # the projector's large text
    window.resize(1024, 768)
    qtbot.wait(50)
    bar, labels = window.statusBar(), window.status.labels
    window.status.update(window.session)
    assert bar.currentMessage().startswith("Presentation mode")  # (its own message made room too)
    bar.clearMessage()
    assert all(not label.isHidden() for label in labels.values())
    assert free_width(window) < bar.fontMetrics().horizontalAdvance(LONG)  # would be cut

    window.status.say(LONG)
    assert bar.currentMessage() == LONG
    assert free_width(window) >= bar.fontMetrics().horizontalAdvance(LONG)
    assert labels["b"].isHidden()  # b gives way first
    assert not labels["state"].isHidden() and not labels["step"].isHidden()  # these never do
    bar.clearMessage()
    assert all(not label.isHidden() for label in labels.values())
    window.status.say(LONGER)  # too long for any room: all four give way
    assert all(labels[key].isHidden() for key in ("b", "w", "loss", "epoch"))
    bar.clearMessage()
    assert all(not label.isHidden() for label in labels.values())
    window.view_options.set_presentation(False)


def test_a_short_message_hides_nothing(qtbot, window):
    window.resize(1280, 800)
    qtbot.wait(50)
    window.status.update(window.session)
    window.status.say("Saved.")
    assert all(not label.isHidden() for label in window.status.labels.values())
