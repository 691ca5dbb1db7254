"""Placeholder."""
def parse(data, filename=""):
    raise NotImplementedError
