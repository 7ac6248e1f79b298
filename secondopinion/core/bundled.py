"""Data that ships inside the package and is loaded by `secondopinion setup` (which ./run calls).

Each entry is the dotted path of a function taking no arguments, safe to call on every start: it loads
or refreshes its bundled data without touching anything a user entered, and returns a short line to
print (or "" when there was nothing to do).
"""

BUNDLED_DATA_LOADERS: list[str] = []
