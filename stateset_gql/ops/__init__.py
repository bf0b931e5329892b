"""Operations: metrics and housekeeping (their HTTP endpoints are in http/ops.py)."""
