"""The newsroom: turning articles into briefings and answering questions from them.

Pure logic: nothing here imports a chat platform or a database. Storage is reached
through the protocols in :mod:`briefings.ports`.
"""
