"""Reader accounts on django-allauth: sign-up with a verified email, a display name, export, deletion.

Deleting an account removes the reader, their follows, saved articles and reports. Their
comments are anonymised, not removed: body and IP address are erased and the comment is
handed to a shared "deleted reader" account in the deleted state, so other readers'
replies keep their place under a "[deleted]" line instead of vanishing with them.
"""
