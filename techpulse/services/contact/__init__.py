"""Contact messages: taking them in (spam rules first), telling staff, and the staff inbox."""
