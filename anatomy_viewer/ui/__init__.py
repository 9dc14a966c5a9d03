"""PySide6 widgets: main window, structure browser, guide panel, messages. Thin: forwards intent to the model."""
