"""Stories: one event as many publishers tell it, grouped online as articles arrive.

The clustering core (`cluster`) is pure and needs no Django; the database step is in `actions`.
"""

from newsdesk.enrich.stories.cluster import ClusterSettings, StoryClusterer, StoryItem

__all__ = ["ClusterSettings", "StoryClusterer", "StoryItem"]
