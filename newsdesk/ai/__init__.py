"""The AI panel: summaries, key points, grounded answers and story briefs, offline by default."""
