"""OfficeLab: a whole small-business IT network, running for real on one Linux machine."""

__version__ = "0.1.0"
