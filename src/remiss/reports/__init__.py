"""Reports that are not the yttrande: a round's answers as CSV, the period's Besvarade remisser."""
