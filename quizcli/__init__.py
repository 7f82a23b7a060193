"""quizcli: terminal quiz and flashcards for deep-learning interviews."""

__version__ = "0.1.0"
