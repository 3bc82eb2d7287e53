"""What every layer may use, and that imports nothing of OfficeLab: errors, addresses, names, the model base,
the base of probe specifications, and waiting for a condition with a deadline."""
