"""Migration history only: the breach, task and playbook models live in tether.casework."""
