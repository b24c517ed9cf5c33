"""Migration history only: the person models live in tether.register."""
