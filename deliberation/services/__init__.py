"""Business rules: plain functions taking the acting user. They validate, write (flush, never commit),
append the record event and queue realtime events. The request commits once."""
