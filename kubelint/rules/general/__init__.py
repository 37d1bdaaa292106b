"""Rules about kubelint's own input and suppressions, for every kind of file."""
