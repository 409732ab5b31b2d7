"""The programme's vocabulary, shared by the build (pipeline/) and the builders (views/):
territory types and their order, overseas insets, French formatting and labels,
prepositions. No I/O beyond reading its own small data files; imports nothing above it."""
