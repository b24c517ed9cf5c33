"""The law as a pure function: facts + as_of -> obligations with citations. No Django imports."""
