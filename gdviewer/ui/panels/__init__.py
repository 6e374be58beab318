"""One pyqtgraph panel per file: data, loss, loss surface, parameters."""
