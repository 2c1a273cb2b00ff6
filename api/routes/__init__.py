"""One module per resource; each is a thin layer over ``api.services``."""
