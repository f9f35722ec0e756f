"""Leadership pages: the company and team rollups against pace, what needs attention and why, every figure's explanation, and their JSON twin."""
