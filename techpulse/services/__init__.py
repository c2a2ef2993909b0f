"""Business rules: every query and write the views need lives in these modules."""
