"""The files domain: file server shares and their rights."""
