"""The window: PySide6 + pyqtgraph. Holds no maths; talks to training through Session."""
