"""Jekyll post files → :class:`~postarchive.posts.post.Post` or :class:`~postarchive.posts.post.Problem`.

Pure: nothing here imports Sphinx or docutils, or any other layer of the package.
"""
