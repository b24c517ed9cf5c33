"""Risk-led management of registrants: risk assessments and levels, MAPPA, active or reactive management, offender
managers and caseloads, home visits, the duties they create (``rules``, pure) and the capacity gap."""
