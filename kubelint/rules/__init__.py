"""kubelint's rules: one module per rule; the module's docstring is the rule's documentation."""
