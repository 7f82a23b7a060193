"""Session state machines: quiz, review, interview, practice. They never print."""
