"""One file per control group: data, run, playback."""
