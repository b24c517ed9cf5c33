"""Migration history only: the case models live in tether.casework."""
