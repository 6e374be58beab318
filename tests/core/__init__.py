"""Engine tests (torch and numpy only, no Qt)."""
