"""The design library (issue 18, part 1): standard house designs an office hands out to cases."""
