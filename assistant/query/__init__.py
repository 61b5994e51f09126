"""The read path: question → normalise → retrieve → answer → cite → verify."""
